// Flexible checksum algorithms and multipart checksums: check values, the AWS SDK's own output, incremental and combined forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { HttpResponse } from '@smithy/protocol-http';
import type { HttpRequest } from '@smithy/protocol-http';
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  CHECKSUM_ALGORITHMS, checksumHeaderName, combineCrc, compositeChecksum, createChecksummer, fullObjectChecksum, isBase64Digest,
} from '../../src/s3/checksums/index.ts';
import type { ChecksumAlgorithm } from '../../src/s3/checksums/index.ts';
import { S3Error } from '../../src/domain/errors.ts';

async function digest(algorithm: ChecksumAlgorithm, ...pieces: Buffer[]): Promise<string> {
  const summer = await createChecksummer(algorithm);
  for (const p of pieces) summer.update(p);
  return summer.digestBase64();
}
const hex = (base64: string) => Buffer.from(base64, 'base64').toString('hex');

test('check values for "123456789" (CRC catalogue) and the empty input', async () => {
  const check = Buffer.from('123456789');
  const expected: Record<ChecksumAlgorithm, string> = {
    CRC32: 'cbf43926', CRC32C: 'e3069283', CRC64NVME: 'ae8b14860a799888',
    SHA1: 'f7c3bc1d808e04732adf679965ccc34ca7ae3441', SHA256: '15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225',
  };
  for (const algorithm of CHECKSUM_ALGORITHMS) assert.equal(hex(await digest(algorithm, check)), expected[algorithm], algorithm);
  assert.equal(await digest('CRC32'), 'AAAAAA==');
  assert.equal(await digest('CRC32C'), 'AAAAAA==');
  assert.equal(await digest('CRC64NVME'), 'AAAAAAAAAAA=');
  assert.equal(hex(await digest('SHA256')), createHash('sha256').digest('hex'));
});

test('values equal what @aws-sdk/client-s3 sends in x-amz-checksum-*', async () => {
  const sent: Record<string, string>[] = [];
  const client = new S3Client({
    region: 'us-east-1', endpoint: 'http://127.0.0.1:9', forcePathStyle: true, credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    requestHandler: {
      async handle(request: HttpRequest) {
        sent.push(request.headers);
        return { response: new HttpResponse({ statusCode: 200, headers: {}, body: Readable.from([]) }) };
      },
    },
  });
  for (const body of [Buffer.alloc(0), Buffer.from('hello world'), randomBytes(100_003)]) {
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      sent.length = 0;
      await client.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: body, ChecksumAlgorithm: algorithm }));
      const name = checksumHeaderName(algorithm);
      assert.equal(await digest(algorithm, body), sent[0]?.[name], `${algorithm} of ${body.length} bytes`);
    }
  }
});

test('incremental updates over any split equal the one-shot value; checksummers do not share state', async () => {
  await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), fc.array(fc.nat(), { maxLength: 10 }), fc.constantFrom(...CHECKSUM_ALGORITHMS),
    async (bytes, cuts, algorithm) => {
      const data = Buffer.from(bytes);
      const points = [0, ...cuts.map((c) => c % (data.length + 1)).sort((a, b) => a - b), data.length];
      const pieces = points.slice(1).map((p, i) => data.subarray(points[i], p));
      assert.equal(await digest(algorithm, ...pieces), await digest(algorithm, data));
    }), { numRuns: 200 });
  // Two CRC64NVME checksummers interleaved: hash-wasm's instance is shared, each state must stay its own.
  const [a, b] = [await createChecksummer('CRC64NVME'), await createChecksummer('CRC64NVME')];
  const x = randomBytes(5000);
  const y = randomBytes(7000);
  for (let i = 0; i < 10; i++) {
    a.update(x.subarray(i * 500, i * 500 + 500));
    b.update(y.subarray(i * 700, i * 700 + 700));
  }
  assert.equal(a.digestBase64(), await digest('CRC64NVME', x));
  assert.equal(b.digestBase64(), await digest('CRC64NVME', y));
  assert.equal(a.digestBase64(), await digest('CRC64NVME', x), 'digest is stable');
  assert.throws(() => a.update(x));
});

test('header names and value validation', () => {
  assert.equal(checksumHeaderName('CRC64NVME'), 'x-amz-checksum-crc64nvme');
  assert.equal(checksumHeaderName('SHA1'), 'x-amz-checksum-sha1');
  assert.ok(isBase64Digest('y/Q5Jg==', 4));
  assert.ok(!isBase64Digest('y/Q5Jg', 4), 'padding required');
  assert.ok(!isBase64Digest('y/Q5Jg==', 8), 'wrong length');
  assert.ok(!isBase64Digest('y_Q5Jg==', 4), 'base64url is not base64');
  assert.ok(!isBase64Digest(' y/Q5Jg==', 4), 'no stray characters');
});

test('COMPOSITE multipart checksum: checksum of the raw part digests, suffixed -N', async () => {
  const parts = [randomBytes(1000), randomBytes(10), Buffer.from('last')];
  for (const algorithm of ['CRC32', 'CRC32C', 'SHA1', 'SHA256'] as const) {
    const partValues = await Promise.all(parts.map((p) => digest(algorithm, p)));
    const expected = await digest(algorithm, Buffer.concat(partValues.map((v) => Buffer.from(v, 'base64'))));
    assert.equal(await compositeChecksum(algorithm, partValues), `${expected}-3`);
  }
  // Independent of our code for CRC32: zlib over the concatenated big-endian part CRCs.
  const raw = Buffer.concat(parts.map((p) => { const b = Buffer.alloc(4); b.writeUInt32BE(crc32(p)); return b; }));
  const zlibValue = Buffer.alloc(4);
  zlibValue.writeUInt32BE(crc32(raw));
  assert.equal(await compositeChecksum('CRC32', await Promise.all(parts.map((p) => digest('CRC32', p)))), `${zlibValue.toString('base64')}-3`);
  await assert.rejects(compositeChecksum('CRC64NVME', ['AAAAAAAAAAA=']), (e: unknown) => e instanceof S3Error && e.code === 'InvalidRequest');
  await assert.rejects(compositeChecksum('CRC32', ['not base64']));
});

test('FULL_OBJECT multipart checksum equals the CRC of the whole object, for any part sizes', async () => {
  await fc.assert(fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 3000 }), { minLength: 1, maxLength: 6 }), fc.constantFrom('CRC32', 'CRC32C', 'CRC64NVME' as const),
    async (arrays, algorithm) => {
      const parts = arrays.map((a) => Buffer.from(a));
      const described = await Promise.all(parts.map(async (p) => ({ checksum: await digest(algorithm, p), size: p.length })));
      assert.equal(fullObjectChecksum(algorithm, described), await digest(algorithm, Buffer.concat(parts)));
    }), { numRuns: 100 });
  // Large part sizes exercise the operator for lengths far beyond the test data (5 GiB of zeros, via zlib).
  const zeros = Buffer.alloc(1 << 20);
  let crcOfZeros = 0;
  for (let i = 0; i < 64; i++) crcOfZeros = crc32(zeros, crcOfZeros);
  assert.equal(combineCrc('CRC32', 0n, BigInt(crcOfZeros), 64 << 20), BigInt(crcOfZeros));
  const a = randomBytes(100);
  const combined = combineCrc('CRC32', BigInt(crc32(a)), BigInt(crcOfZeros), 64 << 20);
  let whole = crc32(a);
  for (let i = 0; i < 64; i++) whole = crc32(zeros, whole);
  assert.equal(combined, BigInt(whole));
  assert.throws(() => fullObjectChecksum('SHA256', []), (e: unknown) => e instanceof S3Error && e.code === 'InvalidRequest');
});
