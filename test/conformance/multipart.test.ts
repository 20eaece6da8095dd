// Multipart uploads through the AWS SDK: the rules of Complete, ETags, ListParts, ListMultipartUploads,
// UploadPartCopy with ranges, partNumber reads, abort.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand,
  GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListPartsCommand, PutObjectCommand,
  UploadPartCommand, UploadPartCopyCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { errorCode, errorStatus } from '../helpers/errors.ts';
import type { TestServer } from '../helpers/server.ts';
import { startServerWithBucket } from '../helpers/server-with-bucket.ts';

const MiB = 1024 * 1024;
const md5 = (data: Buffer) => createHash('md5').update(data).digest();

describe('multipart uploads', () => {
  let server: TestServer;
  let s3: S3Client;
  let Bucket: string;
  before(async () => {
    ({ server, s3, bucket: Bucket } = await startServerWithBucket('mp'));
  });
  after(async () => {
    await server?.stop();
  });

  async function upload(Key: string, parts: Buffer[]) {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key, Metadata: { origin: 'mp' }, ContentType: 'video/mp4' }));
    const done = [];
    for (const [index, Body] of parts.entries()) {
      const out = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: index + 1, Body }));
      done.push({ PartNumber: index + 1, ETag: out.ETag });
    }
    return { UploadId: UploadId!, parts: done };
  }

  it('completes with the md5-of-md5s ETag and reads back whole, by part and by range', async () => {
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(1234)];
    const { UploadId, parts: done } = await upload('big', parts);
    const listed = await s3.send(new ListPartsCommand({ Bucket, Key: 'big', UploadId }));
    assert.deepEqual(listed.Parts?.map((p) => p.Size), parts.map((p) => p.length));
    const complete = await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'big', UploadId, MultipartUpload: { Parts: done } }));
    const expected = createHash('md5').update(Buffer.concat(parts.map(md5))).digest('hex');
    assert.equal(complete.ETag, `"${expected}-3"`);
    const whole = Buffer.concat(parts);
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'big' }));
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(whole));
    assert.equal(got.Metadata?.['origin'], 'mp');
    assert.equal(got.ContentType, 'video/mp4');
    const second = await s3.send(new GetObjectCommand({ Bucket, Key: 'big', PartNumber: 2 }));
    assert.equal(second.PartsCount, 3);
    assert.ok(Buffer.from(await second.Body!.transformToByteArray()).equals(parts[1]!));
    const across = await s3.send(new GetObjectCommand({ Bucket, Key: 'big', Range: `bytes=${5 * MiB - 2}-${5 * MiB + 1}` }));
    assert.ok(Buffer.from(await across.Body!.transformToByteArray()).equals(whole.subarray(5 * MiB - 2, 5 * MiB + 2)));
    assert.equal(await errorStatus(s3.send(new HeadObjectCommand({ Bucket, Key: 'big', PartNumber: 4 }))), 416);
  });

  it('refuses small non-last parts, wrong ETags, bad order and unknown uploads', async () => {
    const { UploadId, parts } = await upload('rules', [randomBytes(1000), randomBytes(1000)]);
    const complete = (Parts: { PartNumber: number; ETag?: string | undefined }[]) =>
      s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'rules', UploadId, MultipartUpload: { Parts } }));
    assert.equal(await errorCode(complete(parts)), 'EntityTooSmall');
    assert.equal(await errorCode(complete([{ PartNumber: 1, ETag: '"0000"' }])), 'InvalidPart');
    assert.equal(await errorCode(complete([parts[1]!, parts[0]!])), 'InvalidPartOrder');
    assert.equal(await errorCode(complete([{ PartNumber: 3, ETag: parts[0]!.ETag }])), 'InvalidPart');
    await complete([parts[0]!]);
    assert.equal(await errorCode(complete([parts[0]!])), 'NoSuchUpload');
    assert.equal(await errorCode(s3.send(new UploadPartCommand({ Bucket, Key: 'rules', UploadId: 'nope', PartNumber: 1, Body: 'x' }))), 'NoSuchUpload');
  });

  it('refuses part numbers outside 1..10000', async () => {
    const { UploadId } = await upload('numbers', []);
    for (const PartNumber of [0, 10001]) {
      assert.equal(await errorCode(s3.send(new UploadPartCommand({ Bucket, Key: 'numbers', UploadId, PartNumber, Body: 'x' }))), 'InvalidArgument');
    }
  });

  it('lists uploads in progress and forgets aborted ones', async () => {
    const { UploadId } = await upload('listed/one', [randomBytes(10)]);
    const before = await s3.send(new ListMultipartUploadsCommand({ Bucket, Prefix: 'listed/' }));
    assert.ok(before.Uploads?.some((u) => u.UploadId === UploadId && u.Key === 'listed/one'));
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key: 'listed/one', UploadId }));
    const after = await s3.send(new ListMultipartUploadsCommand({ Bucket, Prefix: 'listed/' }));
    assert.ok(!after.Uploads?.some((u) => u.UploadId === UploadId));
    assert.equal(await errorCode(s3.send(new ListPartsCommand({ Bucket, Key: 'listed/one', UploadId }))), 'NoSuchUpload');
  });

  it('copies parts from ranges of existing objects', async () => {
    const source = randomBytes(6 * MiB);
    await s3.send(new PutObjectCommand({ Bucket, Key: 'copy-source', Body: source }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'assembled' }));
    const p1 = await s3.send(new UploadPartCopyCommand({ Bucket, Key: 'assembled', UploadId, PartNumber: 1, CopySource: `${Bucket}/copy-source`, CopySourceRange: `bytes=0-${5 * MiB - 1}` }));
    const p2 = await s3.send(new UploadPartCopyCommand({ Bucket, Key: 'assembled', UploadId, PartNumber: 2, CopySource: `${Bucket}/copy-source`, CopySourceRange: `bytes=${5 * MiB}-${6 * MiB - 1}` }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'assembled', UploadId, MultipartUpload: {
      Parts: [{ PartNumber: 1, ETag: p1.CopyPartResult?.ETag }, { PartNumber: 2, ETag: p2.CopyPartResult?.ETag }] } }));
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'assembled' }));
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(source));
    assert.equal(
      await errorCode(s3.send(new UploadPartCopyCommand({ Bucket, Key: 'assembled', UploadId: 'x', PartNumber: 1, CopySource: `${Bucket}/copy-source` }))),
      'NoSuchUpload',
    );
  });

  it('gives a multipart upload with a checksum algorithm a composite checksum', async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'summed', ChecksumAlgorithm: 'SHA256' }));
    const parts = [];
    for (const [index, Body] of [randomBytes(5 * MiB), randomBytes(100)].entries()) {
      const out = await s3.send(new UploadPartCommand({ Bucket, Key: 'summed', UploadId, PartNumber: index + 1, Body, ChecksumAlgorithm: 'SHA256' }));
      parts.push({ PartNumber: index + 1, ETag: out.ETag, ChecksumSHA256: out.ChecksumSHA256 });
    }
    const partSums = parts.map((p) => Buffer.from(p.ChecksumSHA256 ?? '', 'base64'));
    const expected = `${createHash('sha256').update(Buffer.concat(partSums)).digest('base64')}-2`;
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'summed', UploadId, MultipartUpload: { Parts: parts } }));
    assert.equal(done.ChecksumSHA256, expected);
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'summed', ChecksumMode: 'ENABLED' }));
    assert.equal(head.ChecksumSHA256, expected);
  });
});
