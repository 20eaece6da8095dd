// CopyObject and GetObjectAttributes: metadata directives, conditions, encoded source keys, self-copy rules.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CopyObjectCommand, GetObjectAttributesCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { errorCode } from '../helpers/errors.ts';
import type { TestServer } from '../helpers/server.ts';
import { startServerWithBucket } from '../helpers/server-with-bucket.ts';

describe('copy and attributes', () => {
  let server: TestServer;
  let s3: S3Client;
  let Bucket: string;
  before(async () => {
    ({ server, s3, bucket: Bucket } = await startServerWithBucket('copy'));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'src file+1', Body: 'source bytes', ContentType: 'text/x-source', Metadata: { a: '1' } }));
  });
  after(async () => {
    await server?.stop();
  });

  const source = () => `${Bucket}/${encodeURIComponent('src file+1')}`;

  it('copies bytes and metadata (COPY), or replaces the metadata (REPLACE)', async () => {
    const copied = await s3.send(new CopyObjectCommand({ Bucket, Key: 'kept', CopySource: source() }));
    assert.ok(copied.CopyObjectResult?.ETag);
    const kept = await s3.send(new HeadObjectCommand({ Bucket, Key: 'kept' }));
    assert.equal(kept.ContentType, 'text/x-source');
    assert.equal(kept.Metadata?.['a'], '1');
    assert.equal(kept.ETag, copied.CopyObjectResult?.ETag);
    await s3.send(new CopyObjectCommand({ Bucket, Key: 'replaced', CopySource: source(), MetadataDirective: 'REPLACE', ContentType: 'text/y', Metadata: { b: '2' } }));
    const replaced = await s3.send(new HeadObjectCommand({ Bucket, Key: 'replaced' }));
    assert.equal(replaced.ContentType, 'text/y');
    assert.deepEqual(replaced.Metadata, { b: '2' });
    const body = await s3.send(new GetObjectCommand({ Bucket, Key: 'replaced' }));
    assert.equal(await body.Body!.transformToString(), 'source bytes');
  });

  it('copies onto itself only when the metadata is replaced', async () => {
    assert.equal(await errorCode(s3.send(new CopyObjectCommand({ Bucket, Key: 'src file+1', CopySource: source() }))), 'InvalidRequest');
    await s3.send(new CopyObjectCommand({ Bucket, Key: 'src file+1', CopySource: source(), MetadataDirective: 'REPLACE', Metadata: { a: '3' } }));
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'src file+1' }));
    assert.equal(head.Metadata?.['a'], '3');
  });

  it('applies the copy-source conditions', async () => {
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'src file+1' }));
    await s3.send(new CopyObjectCommand({ Bucket, Key: 'cond', CopySource: source(), CopySourceIfMatch: head.ETag }));
    assert.equal(await errorCode(s3.send(new CopyObjectCommand({ Bucket, Key: 'cond', CopySource: source(), CopySourceIfMatch: '"other"' }))), 'PreconditionFailed');
    assert.equal(await errorCode(s3.send(new CopyObjectCommand({ Bucket, Key: 'cond', CopySource: source(), CopySourceIfNoneMatch: head.ETag }))), 'PreconditionFailed');
    assert.equal(await errorCode(s3.send(new CopyObjectCommand({ Bucket, Key: 'cond', CopySource: `${Bucket}/absent` }))), 'NoSuchKey');
  });

  it('reports object attributes', async () => {
    const data = randomBytes(1000);
    await s3.send(new PutObjectCommand({ Bucket, Key: 'attrs', Body: data, ChecksumAlgorithm: 'CRC32C' }));
    const attrs = await s3.send(new GetObjectAttributesCommand({ Bucket, Key: 'attrs', ObjectAttributes: ['ETag', 'ObjectSize', 'StorageClass', 'Checksum'] }));
    assert.equal(attrs.ObjectSize, 1000);
    assert.equal(attrs.StorageClass, 'STANDARD');
    assert.ok(attrs.ETag && !attrs.ETag.startsWith('"'));
    assert.ok(attrs.Checksum?.ChecksumCRC32C);
  });
});
