// Which checksums a request asks for, and the digesting pass-through that verifies them before the body ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createBodyDigester, createChecksummer, requestedChecksums } from '../../src/s3/checksums/index.ts';
import type { BodyDigesterOptions, ChecksumAlgorithm } from '../../src/s3/checksums/index.ts';
import { S3Error } from '../../src/domain/errors.ts';

const DATA = randomBytes(70_000);
const MD5 = createHash('md5').update(DATA).digest();

async function value(algorithm: ChecksumAlgorithm, data = DATA): Promise<string> {
  const c = await createChecksummer(algorithm);
  c.update(data);
  return c.digestBase64();
}

function code(fn: () => unknown): string {
  try { fn(); return 'none'; } catch (e) { return e instanceof S3Error ? e.code : `other: ${String(e)}`; }
}

/** Pipes DATA through a digester; returns the digester, or rejects with its error (checking it came before 'end'). */
async function digestData(options: BodyDigesterOptions, data = DATA) {
  const digester = createBodyDigester(options);
  let ended = false;
  digester.on('end', () => { ended = true; });
  const out: Buffer[] = [];
  try {
    await pipeline(Readable.from([data.subarray(0, 1), data.subarray(1, 40_000), data.subarray(40_000)]), digester,
      new Writable({ write(c: Buffer, _e, cb) { out.push(c); cb(); } }));
  } catch (error) {
    assert.equal(ended, false, 'errors must come before the end of the stream');
    throw error;
  }
  assert.deepEqual(Buffer.concat(out), data, 'bytes pass through unchanged');
  return digester;
}

async function rejects(promise: Promise<unknown>, codeName: string, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => e instanceof S3Error && e.code === codeName && (message === undefined || message.test(e.message)));
}

test('requestedChecksums reads header checksums, trailers, the SDK algorithm and Content-MD5', () => {
  assert.deepEqual(requestedChecksums({}), { fromTrailer: false });
  assert.deepEqual(requestedChecksums({ 'x-amz-checksum-crc32': 'y/Q5Jg==', 'x-amz-sdk-checksum-algorithm': 'crc32' }),
    { algorithm: 'CRC32', expectedBase64: 'y/Q5Jg==', fromTrailer: false });
  assert.deepEqual(requestedChecksums({ 'x-amz-trailer': 'x-amz-checksum-crc64nvme', 'x-amz-sdk-checksum-algorithm': 'CRC64NVME' }),
    { algorithm: 'CRC64NVME', fromTrailer: true });
  assert.deepEqual(requestedChecksums({ 'content-md5': MD5.toString('base64'), 'x-amz-checksum-type': 'FULL_OBJECT' }),
    { fromTrailer: false, contentMd5: MD5.toString('base64') });
});

test('requestedChecksums rejects malformed or contradictory requests', () => {
  assert.equal(code(() => requestedChecksums({ 'content-md5': 'abc' })), 'InvalidDigest');
  assert.equal(code(() => requestedChecksums({ 'content-md5': createHash('sha1').digest('base64') })), 'InvalidDigest');
  assert.equal(code(() => requestedChecksums({ 'x-amz-checksum-crc32': 'AAAAAAAAAAA=' })), 'InvalidRequest');
  assert.equal(code(() => requestedChecksums({ 'x-amz-checksum-sha256': 'zz' })), 'InvalidRequest');
  assert.equal(code(() => requestedChecksums({ 'x-amz-checksum-crc32': 'AAAAAA==', 'x-amz-checksum-crc32c': 'AAAAAA==' })), 'InvalidRequest');
  assert.equal(code(() => requestedChecksums({ 'x-amz-checksum-crc32': 'AAAAAA==', 'x-amz-trailer': 'x-amz-checksum-crc32c' })), 'InvalidRequest');
  assert.equal(code(() => requestedChecksums({ 'x-amz-trailer': 'x-amz-checksum-md5' })), 'InvalidRequest');
  assert.equal(code(() => requestedChecksums({ 'x-amz-sdk-checksum-algorithm': 'CRC32' })), 'InvalidRequest');
  assert.equal(code(() => requestedChecksums({ 'x-amz-sdk-checksum-algorithm': 'MD5', 'x-amz-checksum-crc32': 'AAAAAA==' })), 'InvalidRequest');
  assert.equal(code(() => requestedChecksums({ 'x-amz-sdk-checksum-algorithm': 'SHA1', 'x-amz-checksum-crc32': 'AAAAAA==' })), 'InvalidRequest');
});

test('computes size, MD5 and the checksum; verifies header values for every algorithm', async () => {
  for (const algorithm of ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const) {
    const expected = await value(algorithm);
    const d = await digestData({ algorithm, expectedBase64: expected, contentMd5: MD5.toString('base64'), computeMd5: false });
    assert.deepEqual(d.result(), { size: DATA.length, md5Hex: MD5.toString('hex'), checksum: { algorithm, base64: expected, value: expected } });
    const wrong = await value(algorithm, Buffer.from('other'));
    await rejects(digestData({ algorithm, expectedBase64: wrong, computeMd5: true }), 'BadDigest',
      new RegExp(`^The x-amz-checksum-${algorithm.toLowerCase()} you specified did not match the calculated checksum\\.$`));
  }
});

test('Content-MD5 mismatch is BadDigest; MD5 is skipped when not wanted; length is enforced', async () => {
  await rejects(digestData({ contentMd5: createHash('md5').update('x').digest('base64'), computeMd5: false }), 'BadDigest', /Content-MD5/);
  const noMd5 = await digestData({ computeMd5: false });
  assert.deepEqual(noMd5.result(), { size: DATA.length, md5Hex: undefined, checksum: undefined });
  const computedOnly = await digestData({ algorithm: 'SHA256', computeMd5: true });
  assert.equal(computedOnly.result().checksum?.base64, await value('SHA256'));
  await rejects(digestData({ computeMd5: false, expectedLength: DATA.length - 1 }), 'IncompleteBody');
  await rejects(digestData({ computeMd5: false, expectedLength: DATA.length + 1 }), 'IncompleteBody');
  const empty = await digestData({ computeMd5: true, algorithm: 'CRC32', expectedBase64: 'AAAAAA==' }, Buffer.alloc(0));
  assert.equal(empty.result().md5Hex, 'd41d8cd98f00b204e9800998ecf8427e');
});

test('trailer values are read at the end through getTrailers', async () => {
  let trailers: Record<string, string> = {};
  const options = (): BodyDigesterOptions => ({ algorithm: 'CRC32C', fromTrailer: true, getTrailers: () => trailers, computeMd5: false });
  trailers = { 'x-amz-checksum-crc32c': await value('CRC32C') };
  assert.equal((await digestData(options())).result().checksum?.base64, trailers['x-amz-checksum-crc32c']);
  trailers = { 'x-amz-checksum-crc32c': await value('CRC32C', Buffer.from('tampered')) };
  await rejects(digestData(options()), 'BadDigest');
  trailers = { 'x-amz-checksum-crc32c': 'not-base64!' };
  await rejects(digestData(options()), 'InvalidRequest');
  trailers = { 'x-amz-checksum-crc32': await value('CRC32') };
  await rejects(digestData(options()), 'InvalidRequest');
});

test('result() is only available after the end', async () => {
  const digester = createBodyDigester({ computeMd5: true });
  assert.throws(() => digester.result());
  digester.end(Buffer.from('abc'));
  for await (const _ of digester) { /* drain */ }
  assert.equal(digester.result().md5Hex, createHash('md5').update('abc').digest('hex'));
});
