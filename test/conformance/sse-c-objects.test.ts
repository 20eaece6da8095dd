// SSE-C through the AWS SDK: round trips, ranges across chunk and part boundaries, multipart with
// part retries, the copy matrix, key rotation, ETags, listing sizes and metadata.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, GetObjectCommand,
  HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, UploadPartCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { errorCode } from '../helpers/errors.ts';
import type { TestServer } from '../helpers/server.ts';
import { startServerWithBucket } from '../helpers/server-with-bucket.ts';

const CHUNK = 65536;
const MiB = 1024 * 1024;
const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');
const sse = (key: string) => ({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: key });
const copySse = (key: string) => ({ CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: key });
const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

describe('SSE-C objects', () => {
  let server: TestServer;
  let s3: S3Client;
  let bucket: string;
  before(async () => {
    ({ server, s3, bucket } = await startServerWithBucket('ssec'));
  });
  after(async () => {
    await server?.stop();
  });

  async function get(key: string, extra: Record<string, unknown>) {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...extra }));
    return { out, body: Buffer.from(await out.Body!.transformToByteArray()) };
  }

  it('round-trips, with an ETag that is not the MD5 and is the same everywhere', async () => {
    const data = randomBytes(3 * CHUNK + 123);
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'obj', Body: data, ...sse(keyA), Metadata: { md5chksum: 'abc' } }));
    assert.notEqual(put.ETag, `"${md5(data)}"`);
    assert.equal(put.SSECustomerAlgorithm, 'AES256');
    const { out, body } = await get('obj', sse(keyA));
    assert.ok(body.equals(data));
    assert.equal(out.ETag, put.ETag);
    assert.equal(out.Metadata?.['md5chksum'], 'abc');
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'obj', ...sse(keyA) }));
    assert.equal(head.ETag, put.ETag);
    assert.equal(head.ContentLength, data.length);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'obj' }));
    assert.equal(listed.Contents?.[0]?.Size, data.length, 'listing shows the plaintext size');
    assert.equal(listed.Contents?.[0]?.ETag, put.ETag);
    const again = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'obj2', Body: data, ...sse(keyA) }));
    assert.notEqual(again.ETag, put.ETag, 'equal contents do not give equal ETags');
    await get('obj', { ...sse(keyA), IfMatch: put.ETag });
  });

  it('serves every range exactly, across chunk boundaries', async () => {
    const data = randomBytes(2 * CHUNK + 777);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'ranges', Body: data, ...sse(keyA) }));
    const ranges: [number, number][] = [[0, 0], [data.length - 1, data.length - 1], [CHUNK - 1, CHUNK], [CHUNK - 5, 2 * CHUNK + 5], [CHUNK, 2 * CHUNK - 1], [100, 100]];
    for (const [start, end] of ranges) {
      const { body } = await get('ranges', { ...sse(keyA), Range: `bytes=${start}-${end}` });
      assert.ok(body.equals(data.subarray(start, end + 1)), `${start}-${end}`);
    }
    assert.ok((await get('ranges', { ...sse(keyA), Range: 'bytes=-10' })).body.equals(data.subarray(-10)));
    assert.ok((await get('ranges', { ...sse(keyA), Range: `bytes=${CHUNK + 1}-` })).body.equals(data.subarray(CHUNK + 1)));
  });

  it('multipart: parts must repeat the key, retries take new data, parts and ranges read back', async () => {
    const part1 = randomBytes(5 * MiB + 1000); // not a multiple of the chunk size
    const part2 = randomBytes(CHUNK + 3);
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mp', ...sse(keyA), Metadata: { m: 'v' } }));
    const UploadId = created.UploadId!;
    const small = randomBytes(1000);
    assert.equal(await errorCode(s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'mp', UploadId, PartNumber: 1, Body: small }))), 'InvalidRequest');
    assert.equal(await errorCode(s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'mp', UploadId, PartNumber: 1, Body: small, ...sse(keyB) }))), 'InvalidArgument');
    await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'mp', UploadId, PartNumber: 1, Body: randomBytes(5 * MiB + 1000), ...sse(keyA) }));
    const p1 = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'mp', UploadId, PartNumber: 1, Body: part1, ...sse(keyA) }));
    const p2 = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'mp', UploadId, PartNumber: 2, Body: part2, ...sse(keyA) }));
    const done = await s3.send(new CompleteMultipartUploadCommand({
      Bucket: bucket, Key: 'mp', UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }] },
    }));
    assert.match(done.ETag ?? '', /-2"$/);
    const whole = Buffer.concat([part1, part2]);
    const { out, body } = await get('mp', sse(keyA));
    assert.ok(body.equals(whole), 'the retried part 1 holds the last data sent');
    assert.equal(out.Metadata?.['m'], 'v');
    const boundary = part1.length;
    assert.ok((await get('mp', { ...sse(keyA), Range: `bytes=${boundary - 3}-${boundary + 3}` })).body.equals(whole.subarray(boundary - 3, boundary + 4)));
    const second = await get('mp', { ...sse(keyA), PartNumber: 2 });
    assert.ok(second.body.equals(part2));
    assert.equal(second.out.PartsCount, 2);
    assert.equal(await errorCode(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'mp', ...sse(keyB), PartNumber: 1 }))), 'AccessDenied');
  });

  it('copies in every combination of plain and SSE-C, with another key on each side', async () => {
    const data = randomBytes(CHUNK * 2 + 10);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'src-plain', Body: data }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'src-enc', Body: data, ...sse(keyA) }));
    const cases = [
      { from: 'src-plain', source: {}, target: {}, read: {} },
      { from: 'src-plain', source: {}, target: sse(keyB), read: sse(keyB) },
      { from: 'src-enc', source: copySse(keyA), target: {}, read: {} },
      { from: 'src-enc', source: copySse(keyA), target: sse(keyB), read: sse(keyB) },
    ];
    for (const [index, c] of cases.entries()) {
      const Key = `copy-${index}`;
      await s3.send(new CopyObjectCommand({ Bucket: bucket, Key, CopySource: `${bucket}/${c.from}`, ...c.source, ...c.target }));
      assert.ok((await get(Key, c.read)).body.equals(data), Key);
    }
  });

  it('rotates the key by copying onto itself; the old key is then refused', async () => {
    const data = randomBytes(CHUNK + 1);
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'rotate', Body: data, ...sse(keyA) }));
    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'rotate', CopySource: `${bucket}/rotate`, ...copySse(keyA), ...sse(keyB) }));
    const { out, body } = await get('rotate', sse(keyB));
    assert.ok(body.equals(data));
    assert.equal(out.ETag, put.ETag, 'rotation does not rewrite the data');
    assert.equal(await errorCode(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'rotate', ...sse(keyA) }))), 'AccessDenied');
    assert.equal(
      await errorCode(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'rotate', CopySource: `${bucket}/rotate`, ...copySse(keyA), ...sse(keyB) }))),
      'AccessDenied',
    );
  });
});
