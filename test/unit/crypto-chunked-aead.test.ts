// Round trips, ranges and tamper detection of the chunked AES-256-GCM segment streams.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable, Writable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import {
  CHUNK_CIPHER_SIZE,
  CHUNK_PLAIN_SIZE,
  createSegmentDecryptor,
  createSegmentEncryptor,
  encryptedSegmentSize,
  generateDataKey,
  generateSegmentSalt,
  segmentChunkSpan,
  TamperError,
  type PlainRange,
} from '../../src/crypto/index.ts';

const C = CHUNK_PLAIN_SIZE;
const dek = generateDataKey();
const seg = { partNumber: 3, salt: generateSegmentSalt() };

/** Splits a buffer at the given cut points (sorted, deduplicated, inside the buffer). */
function split(data: Buffer, cuts: number[] = []): Buffer[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < data.length))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    out.push(data.subarray(last, p));
    last = p;
  }
  out.push(data.subarray(last));
  return out;
}

/** Pipes pieces through a transform; resolves with everything it pushed and the error, if any. */
async function run(transform: Transform, pieces: Buffer[]): Promise<{ out: Buffer; error: unknown }> {
  const got: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      got.push(chunk);
      cb();
    },
  });
  let error: unknown;
  try {
    await pipeline(Readable.from(pieces, { objectMode: false }), transform, sink);
  } catch (err) {
    error = err;
  }
  return { out: Buffer.concat(got), error };
}

async function encrypt(plain: Buffer, cuts?: number[], s = seg): Promise<Buffer> {
  const { out, error } = await run(createSegmentEncryptor(dek, s), split(plain, cuts));
  assert.equal(error, undefined);
  return out;
}

async function decrypt(cipher: Buffer, plainSize: number, range?: PlainRange, cuts?: number[], s = seg) {
  return run(createSegmentDecryptor(dek, { ...s, plainSize }, range), split(cipher, cuts));
}

/** Decrypts a range the way the server does: read only the span's ciphertext bytes. */
async function readRange(cipher: Buffer, plainSize: number, start: number, end: number): Promise<Buffer> {
  const span = segmentChunkSpan(plainSize, start, end);
  const { out, error } = await decrypt(cipher.subarray(span.cipherStart, span.cipherEndInclusive + 1), plainSize, {
    start,
    endInclusive: end,
  });
  assert.equal(error, undefined);
  return out;
}

test('round trip at the chunk-size edges', async () => {
  for (const size of [0, 1, C - 1, C, C + 1, 3 * C, 3 * C + 5]) {
    const plain = randomBytes(size);
    const cipher = await encrypt(plain);
    assert.equal(cipher.length, encryptedSegmentSize(size), `size ${size}`);
    const { out, error } = await decrypt(cipher, size);
    assert.equal(error, undefined);
    assert.deepEqual(out, plain, `size ${size}`);
  }
});

test('an empty segment is a single 16-byte tag and still authenticated', async () => {
  const cipher = await encrypt(Buffer.alloc(0));
  assert.equal(cipher.length, 16);
  const other = await decrypt(cipher, 0, undefined, [], { partNumber: seg.partNumber, salt: generateSegmentSalt() });
  assert.ok(other.error instanceof TamperError);
  const missing = await decrypt(Buffer.alloc(0), 0);
  assert.ok(missing.error instanceof TamperError);
});

test('round trip for random sizes split at random boundaries', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 4 * C + 100 }),
      fc.array(fc.nat(), { maxLength: 12 }),
      fc.array(fc.nat(), { maxLength: 12 }),
      async (size, encCuts, decCuts) => {
        const plain = randomBytes(size);
        const cipher = await encrypt(plain, encCuts.map((c) => c % (size + 1)));
        const { out, error } = await decrypt(cipher, size, undefined, decCuts.map((c) => c % (cipher.length + 1)));
        assert.equal(error, undefined);
        assert.deepEqual(out, plain);
      },
    ),
    { numRuns: 60 },
  );
});

test('many one-byte writes are handled in linear time', async () => {
  const plain = randomBytes(2 * C + 123);
  const started = Date.now();
  const cipher = await encrypt(plain, Array.from({ length: plain.length }, (_, i) => i));
  const { out } = await decrypt(cipher, plain.length, undefined, Array.from({ length: cipher.length }, (_, i) => i));
  assert.deepEqual(out, plain);
  assert.ok(Date.now() - started < 5000, 'byte-by-byte streaming took too long');
});

test('every kind of range decrypts to the same bytes as slicing the plaintext', async () => {
  const size = 3 * C + 777;
  const plain = randomBytes(size);
  const cipher = await encrypt(plain);
  const ranges: Array<[number, number]> = [
    [0, 0], // first byte
    [size - 1, size - 1], // last byte
    [C - 1, C], // across a chunk boundary
    [C - 10, 2 * C + 10], // across two boundaries
    [C, 2 * C - 1], // exactly one chunk
    [size - 500, size - 1], // suffix-like
    [3 * C, size - 1], // the final chunk alone
    [0, size - 1], // whole
    [5, C - 1], // first chunk tail
  ];
  for (const [start, end] of ranges) {
    assert.deepEqual(await readRange(cipher, size, start, end), plain.subarray(start, end + 1), `${start}-${end}`);
  }
  await fc.assert(
    fc.asyncProperty(fc.nat(size - 1), fc.nat(size - 1), async (a, b) => {
      const [start, end] = a <= b ? [a, b] : [b, a];
      assert.deepEqual(await readRange(cipher, size, start, end), plain.subarray(start, end + 1));
    }),
    { numRuns: 40 },
  );
});

test('ranges of a segment that is an exact multiple of the chunk size', async () => {
  const plain = randomBytes(2 * C);
  const cipher = await encrypt(plain);
  assert.deepEqual(await readRange(cipher, 2 * C, C, 2 * C - 1), plain.subarray(C));
  assert.deepEqual(await readRange(cipher, 2 * C, 2 * C - 1, 2 * C - 1), plain.subarray(2 * C - 1));
});

test('a flipped bit fails that chunk, and only earlier chunks are emitted', async () => {
  const plain = randomBytes(3 * C);
  const cipher = await encrypt(plain);
  for (const offset of [CHUNK_CIPHER_SIZE + 10, 2 * CHUNK_CIPHER_SIZE - 1 /* a tag byte */]) {
    const bad = Buffer.from(cipher);
    bad[offset] = (bad[offset] ?? 0) ^ 0x01;
    const { out, error } = await decrypt(bad, plain.length);
    assert.ok(error instanceof TamperError);
    assert.deepEqual(out, plain.subarray(0, C));
  }
});

test('swapped chunks fail before any plaintext is emitted', async () => {
  const cipher = await encrypt(randomBytes(3 * C));
  const [a, b, rest] = [cipher.subarray(0, CHUNK_CIPHER_SIZE), cipher.subarray(CHUNK_CIPHER_SIZE, 2 * CHUNK_CIPHER_SIZE), cipher.subarray(2 * CHUNK_CIPHER_SIZE)];
  const { out, error } = await decrypt(Buffer.concat([b, a, rest]), 3 * C);
  assert.ok(error instanceof TamperError);
  assert.equal(out.length, 0);
});

test('truncation is detected, whether or not the size is faked to match', async () => {
  const plain = randomBytes(3 * C);
  const cipher = await encrypt(plain);
  const dropped = cipher.subarray(0, 2 * CHUNK_CIPHER_SIZE);
  const short = await decrypt(dropped, 3 * C);
  assert.ok(short.error instanceof TamperError);
  assert.deepEqual(short.out, plain.subarray(0, 2 * C));
  // Claiming the segment was 2 chunks long makes chunk 1 pose as final: its tag fails.
  const faked = await decrypt(dropped, 2 * C);
  assert.ok(faked.error instanceof TamperError);
  assert.deepEqual(faked.out, plain.subarray(0, C));
  const torn = await decrypt(cipher.subarray(0, cipher.length - 1), 3 * C);
  assert.ok(torn.error instanceof TamperError);
});

test('extension is detected, whether or not the size is faked to match', async () => {
  const plain = randomBytes(2 * C);
  const cipher = await encrypt(plain);
  const extra = cipher.subarray(0, CHUNK_CIPHER_SIZE);
  const appended = await decrypt(Buffer.concat([cipher, extra]), 2 * C);
  assert.ok(appended.error instanceof TamperError);
  const faked = await decrypt(Buffer.concat([cipher, extra]), 3 * C);
  assert.ok(faked.error instanceof TamperError);
  assert.deepEqual(faked.out, plain.subarray(0, C));
});

test("another segment's salt, part number or data key fails the first chunk", async () => {
  const plain = randomBytes(C + 9);
  const cipher = await encrypt(plain);
  const variants = [
    { partNumber: seg.partNumber, salt: generateSegmentSalt() },
    { partNumber: seg.partNumber + 1, salt: seg.salt },
  ];
  for (const other of variants) {
    const { out, error } = await decrypt(cipher, plain.length, undefined, [], other);
    assert.ok(error instanceof TamperError);
    assert.equal(out.length, 0);
  }
  const foreign = await run(createSegmentDecryptor(generateDataKey(), { ...seg, plainSize: plain.length }), [cipher]);
  assert.ok(foreign.error instanceof TamperError);
  assert.equal(foreign.out.length, 0);
});

test('a range read of a tampered chunk emits nothing of it', async () => {
  const plain = randomBytes(2 * C);
  const cipher = Buffer.from(await encrypt(plain));
  cipher[CHUNK_CIPHER_SIZE + 3] = (cipher[CHUNK_CIPHER_SIZE + 3] ?? 0) ^ 0x80;
  const span = segmentChunkSpan(2 * C, C + 1, C + 1);
  const { out, error } = await decrypt(cipher.subarray(span.cipherStart, span.cipherEndInclusive + 1), 2 * C, {
    start: C + 1,
    endInclusive: C + 1,
  });
  assert.ok(error instanceof TamperError);
  assert.equal(out.length, 0);
});

test('a retried part gets a different key: same plaintext, different ciphertext', async () => {
  const plain = randomBytes(1000);
  const first = await encrypt(plain, [], { partNumber: 1, salt: generateSegmentSalt() });
  const retry = await encrypt(plain, [], { partNumber: 1, salt: generateSegmentSalt() });
  assert.notDeepEqual(first, retry);
});

test('errors never carry key bytes', async () => {
  const cipher = await encrypt(randomBytes(100));
  cipher[0] = (cipher[0] ?? 0) ^ 1;
  const { error } = await decrypt(cipher, 100);
  assert.ok(error instanceof TamperError);
  const key = dek.reveal();
  for (const enc of ['hex', 'base64', 'base64url'] as const) {
    assert.ok(!error.message.includes(key.toString(enc)));
  }
});
