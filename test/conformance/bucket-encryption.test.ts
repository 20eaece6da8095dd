// PutBucketEncryption / Get / Delete with BlockedEncryptionTypes, and presigned URLs carrying SSE-C.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { HttpRequest } from '@smithy/protocol-http';
import { after, before, describe, it } from 'node:test';
import {
  DeleteBucketEncryptionCommand, GetBucketEncryptionCommand, GetObjectCommand,
  PutBucketEncryptionCommand, PutObjectCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { errorCode } from '../helpers/errors.ts';
import { rawRequest, signer } from '../helpers/raw.ts';
import type { TestServer } from '../helpers/server.ts';
import { startServerWithBucket } from '../helpers/server-with-bucket.ts';

const key = randomBytes(32).toString('base64');
const sse = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: key };

describe('bucket encryption configuration', () => {
  let server: TestServer;
  let s3: S3Client;
  let Bucket: string;
  before(async () => {
    ({ server, s3, bucket: Bucket } = await startServerWithBucket('enc'));
  });
  after(async () => {
    await server?.stop();
  });

  it('has no configuration until one is put', async () => {
    assert.equal(await errorCode(s3.send(new GetBucketEncryptionCommand({ Bucket }))), 'ServerSideEncryptionConfigurationNotFoundError');
  });

  it('blocks SSE-C writes while still serving existing SSE-C objects', async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: 'before', Body: 'kept', ...sse }));
    await s3.send(new PutBucketEncryptionCommand({ Bucket, ServerSideEncryptionConfiguration: { Rules: [{
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] },
    }] } }));
    const config = await s3.send(new GetBucketEncryptionCommand({ Bucket }));
    assert.deepEqual(config.ServerSideEncryptionConfiguration?.Rules?.[0]?.BlockedEncryptionTypes?.EncryptionType, ['SSE-C']);
    assert.equal(await errorCode(s3.send(new PutObjectCommand({ Bucket, Key: 'after', Body: 'x', ...sse }))), 'AccessDenied');
    await s3.send(new PutObjectCommand({ Bucket, Key: 'plain-after', Body: 'x' }));
    const old = await s3.send(new GetObjectCommand({ Bucket, Key: 'before', ...sse }));
    assert.equal(await old.Body!.transformToString(), 'kept');
    await s3.send(new PutBucketEncryptionCommand({ Bucket, ServerSideEncryptionConfiguration: { Rules: [{
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BlockedEncryptionTypes: { EncryptionType: ['NONE'] },
    }] } }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'after', Body: 'x', ...sse }));
    await s3.send(new DeleteBucketEncryptionCommand({ Bucket }));
    assert.equal(await errorCode(s3.send(new GetBucketEncryptionCommand({ Bucket }))), 'ServerSideEncryptionConfigurationNotFoundError');
  });

  it('serves SSE-C through presigned URLs: algorithm in the query, key and MD5 as headers, never in the URL', async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: 'presigned', Body: 'secret via url', ...sse }));
    const keyHeaders = {
      'x-amz-server-side-encryption-customer-key': key,
      'x-amz-server-side-encryption-customer-key-md5': createHash('md5').update(Buffer.from(key, 'base64')).digest('base64'),
    };
    const url = new URL(server.endpoint);
    const presign = (unhoistable: string[]) => signer(server).presign(new HttpRequest({
      method: 'GET', protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: `/${Bucket}/presigned`,
      headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'x-amz-server-side-encryption-customer-algorithm': 'AES256', ...keyHeaders },
    }), { expiresIn: 300, unhoistableHeaders: new Set(unhoistable) });
    const good = await presign(Object.keys(keyHeaders));
    assert.equal(good.query?.['x-amz-server-side-encryption-customer-algorithm'], 'AES256', 'the algorithm travels in the query');
    const fetch = (query: Record<string, unknown>, headers: Record<string, string>) =>
      rawRequest(server, { method: 'GET', path: `/${Bucket}/presigned`, query: query as Record<string, string>, headers, sign: false });
    const ok = await fetch(good.query ?? {}, { ...keyHeaders });
    assert.equal(ok.status, 200, ok.body.toString());
    assert.equal(ok.body.toString(), 'secret via url');
    assert.equal((await fetch(good.query ?? {}, {})).status, 403, 'signed key headers must be sent');
    const leaky = await presign([]);
    assert.ok(leaky.query?.['x-amz-server-side-encryption-customer-key'], 'the key was hoisted into the URL');
    const refused = await fetch(leaky.query ?? {}, {});
    assert.equal(refused.status, 400, 'a key in the URL is refused');
  });
});
