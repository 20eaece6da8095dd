// PutObject, GetObject, HeadObject, DeleteObject(s) through the AWS SDK: bytes, ETags, metadata,
// ranges, conditions, overrides, unusual keys, integrity checks.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand,
  ListObjectsV2Command, PutObjectCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { uniqueBucket } from '../helpers/clients.ts';
import { errorCode, errorStatus } from '../helpers/errors.ts';
import type { TestServer } from '../helpers/server.ts';
import { startServerWithBucket } from '../helpers/server-with-bucket.ts';

const md5 = (data: Buffer | string) => createHash('md5').update(data).digest('hex');

describe('objects', () => {
  let server: TestServer;
  let s3: S3Client;
  let bucket: string;
  before(async () => {
    ({ server, s3, bucket } = await startServerWithBucket());
  });
  after(async () => {
    await server?.stop();
  });

  async function getBytes(key: string, extra: Record<string, unknown> = {}) {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...extra }));
    return { out, body: Buffer.from(await out.Body!.transformToByteArray()) };
  }

  it('stores and returns bytes with the MD5 as ETag', async () => {
    const data = randomBytes(300_000);
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'data.bin', Body: data }));
    assert.equal(put.ETag, `"${md5(data)}"`);
    const { out, body } = await getBytes('data.bin');
    assert.ok(body.equals(data));
    assert.equal(out.ETag, put.ETag);
    assert.equal(out.ContentLength, data.length);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'data.bin' }));
    assert.equal(head.ContentLength, data.length);
    assert.equal(head.ETag, put.ETag);
  });

  it('keeps user metadata and content headers exactly', async () => {
    await s3.send(new PutObjectCommand({
      Bucket: bucket, Key: 'meta', Body: 'hello',
      Metadata: { md5chksum: 'XUFAKrxLKna5cZ2REBfFkg==', 'Mixed-Case': 'Value With Spaces' },
      ContentType: 'text/plain; charset=utf-8', ContentEncoding: 'identity', ContentDisposition: 'attachment; filename="a b.txt"',
      ContentLanguage: 'fr', CacheControl: 'max-age=60', Expires: new Date('2030-01-01T00:00:00Z'),
    }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'meta' }));
    assert.equal(head.Metadata?.['md5chksum'], 'XUFAKrxLKna5cZ2REBfFkg==');
    assert.equal(head.Metadata?.['mixed-case'], 'Value With Spaces');
    assert.equal(head.ContentType, 'text/plain; charset=utf-8');
    assert.equal(head.ContentEncoding, 'identity');
    assert.equal(head.ContentDisposition, 'attachment; filename="a b.txt"');
    assert.equal(head.ContentLanguage, 'fr');
    assert.equal(head.CacheControl, 'max-age=60');
    assert.equal(head.Expires?.toISOString(), '2030-01-01T00:00:00.000Z');
  });

  it('serves byte ranges and refuses unsatisfiable ones with 416', async () => {
    const data = randomBytes(1000);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'ranged', Body: data }));
    const cases: [string, Buffer][] = [
      ['bytes=0-0', data.subarray(0, 1)], ['bytes=10-19', data.subarray(10, 20)], ['bytes=990-', data.subarray(990)],
      ['bytes=-7', data.subarray(993)], ['bytes=995-5000', data.subarray(995)], ['bytes=-5000', data],
    ];
    for (const [range, expected] of cases) {
      const { out, body } = await getBytes('ranged', { Range: range });
      assert.ok(body.equals(expected), range);
      assert.match(out.ContentRange ?? '', /^bytes \d+-\d+\/1000$/);
    }
    assert.equal(await errorStatus(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'ranged', Range: 'bytes=1000-' }))), 416);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'empty', Body: '' }));
    assert.equal(await errorCode(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'empty', Range: 'bytes=0-' }))), 'InvalidRange');
    const { body } = await getBytes('empty');
    assert.equal(body.length, 0);
  });

  it('applies If-Match, If-None-Match and date conditions', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'cond', Body: 'c' }));
    const etag = put.ETag!;
    await getBytes('cond', { IfMatch: etag });
    assert.equal(await errorStatus(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'cond', IfMatch: '"nope"' }))), 412);
    assert.equal(await errorStatus(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'cond', IfNoneMatch: etag }))), 304);
    assert.equal(await errorStatus(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'cond', IfNoneMatch: etag }))), 304);
    const future = new Date(Date.now() + 3600_000);
    const past = new Date(Date.now() - 3600_000);
    assert.equal(await errorStatus(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'cond', IfModifiedSince: future }))), 304);
    assert.equal(await errorStatus(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'cond', IfUnmodifiedSince: past }))), 412);
    // If-Match true wins over If-Unmodified-Since false (AWS precedence).
    await getBytes('cond', { IfMatch: etag, IfUnmodifiedSince: past });
  });

  it('applies response-* overrides on GET', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'override', Body: 'o', ContentType: 'text/plain' }));
    const { out } = await getBytes('override', {
      ResponseContentType: 'application/json', ResponseContentDisposition: 'inline', ResponseCacheControl: 'no-cache',
    });
    assert.equal(out.ContentType, 'application/json');
    assert.equal(out.ContentDisposition, 'inline');
    assert.equal(out.CacheControl, 'no-cache');
  });

  it('treats keys as names: spaces, plus, percent, unicode, dots and slashes', async () => {
    const keys = ['a b', 'a+b=c', '100%', 'ünïcødé/文件.txt', 'a/../b', 'trailing/', 'dir//double', ' lead', '~!*()\''];
    for (const key of keys) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
      const { body } = await getBytes(key);
      assert.equal(body.toString(), key);
    }
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    const names = new Set(listed.Contents?.map((c) => c.Key));
    for (const key of keys) assert.ok(names.has(key), key);
  });

  it('refuses a key longer than 1024 bytes', async () => {
    assert.equal(await errorCode(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k'.repeat(1025), Body: 'x' }))), 'KeyTooLongError');
  });

  it('checks Content-MD5 and stores nothing on mismatch', async () => {
    const wrong = createHash('md5').update('other').digest('base64');
    assert.equal(await errorCode(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'digest', Body: 'body', ContentMD5: wrong }))), 'BadDigest');
    assert.equal(await errorCode(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'digest' }))), 'NotFound');
    const right = createHash('md5').update('body').digest('base64');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'digest', Body: 'body', ContentMD5: right }));
  });

  it('verifies flexible checksums and returns them with checksum mode', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'crc', Body: 'checksummed', ChecksumAlgorithm: 'SHA256' }));
    assert.ok(put.ChecksumSHA256);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'crc', ChecksumMode: 'ENABLED' }));
    assert.equal(head.ChecksumSHA256, put.ChecksumSHA256);
    assert.equal(
      await errorCode(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'crc2', Body: 'x', ChecksumCRC32: 'AAAAAA==' }))),
      'BadDigest',
    );
  });

  it('deletes one object and many, quietly or not', async () => {
    for (const key of ['d1', 'd2', 'd3']) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'd1' }));
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'never-existed' }));
    assert.equal(await errorCode(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'd1' }))), 'NoSuchKey');
    const result = await s3.send(new DeleteObjectsCommand({
      Bucket: bucket, Delete: { Objects: [{ Key: 'd2' }, { Key: 'd3' }, { Key: 'missing' }] },
    }));
    assert.deepEqual(result.Deleted?.map((d) => d.Key).sort(), ['d2', 'd3', 'missing']);
    const quiet = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'x' }], Quiet: true } }));
    assert.equal(quiet.Deleted, undefined);
  });

  it('answers NoSuchKey and NoSuchBucket', async () => {
    assert.equal(await errorCode(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'absent' }))), 'NoSuchKey');
    assert.equal(await errorCode(s3.send(new GetObjectCommand({ Bucket: uniqueBucket('none'), Key: 'a' }))), 'NoSuchBucket');
  });
});
