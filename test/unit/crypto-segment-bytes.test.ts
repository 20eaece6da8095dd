// openSegmentBytes: a segment held in memory (inline objects) opened in one call gives exactly what
// the streaming decryptor gives, for whole segments and every kind of range, and refuses tampering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import {
  CHUNK_CIPHER_SIZE, CHUNK_PLAIN_SIZE, createSegmentEncryptor, generateDataKey, generateSegmentSalt, openSegmentBytes, sealSegmentBytes, TamperError,
} from '../../src/crypto/index.ts';

const C = CHUNK_PLAIN_SIZE;
const dek = generateDataKey();
const seg = { partNumber: 1, salt: generateSegmentSalt() };

async function encrypt(plain: Buffer): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(Readable.from([plain], { objectMode: false }), createSegmentEncryptor(dek, seg), new Writable({
    write(chunk: Buffer, _e, cb) {
      out.push(chunk);
      cb();
    },
  }));
  return Buffer.concat(out);
}

test('whole segments of every size up to two chunks and a bit open to their plaintext', async () => {
  for (const size of [0, 1, C - 1, C, C + 1, 2 * C, 2 * C + 5]) {
    const plain = randomBytes(size);
    assert.deepEqual(openSegmentBytes(dek, { ...seg, plainSize: size }, await encrypt(plain)), plain, `size ${size}`);
  }
});

test('sealing in one call gives exactly the streaming encryptor\'s bytes', async () => {
  for (const size of [0, 1, 4096, C - 1, C, C + 1, 2 * C, 2 * C + 5]) {
    const plain = randomBytes(size);
    const sealed = sealSegmentBytes(dek, seg, plain);
    assert.deepEqual(sealed, await encrypt(plain), `size ${size}`);
    assert.deepEqual(openSegmentBytes(dek, { ...seg, plainSize: size }, sealed), plain, `size ${size}`);
  }
});

test('any range opens to the same bytes as slicing the plaintext', async () => {
  const size = 2 * C + 777;
  const plain = randomBytes(size);
  const stored = await encrypt(plain);
  await fc.assert(
    fc.property(fc.nat(size - 1), fc.nat(size - 1), (a, b) => {
      const [start, endInclusive] = a <= b ? [a, b] : [b, a];
      assert.deepEqual(openSegmentBytes(dek, { ...seg, plainSize: size }, stored, { start, endInclusive }), plain.subarray(start, endInclusive + 1));
    }),
    { numRuns: 200 },
  );
});

test('a flipped bit, a truncation, a wrong salt or key: TamperError, no plaintext', async () => {
  const size = 2 * C + 100;
  const stored = await encrypt(randomBytes(size));
  const flipped = Buffer.from(stored);
  flipped[CHUNK_CIPHER_SIZE + 10] = (flipped[CHUNK_CIPHER_SIZE + 10] as number) ^ 1;
  const params = { ...seg, plainSize: size };
  assert.throws(() => openSegmentBytes(dek, params, flipped), TamperError);
  // A range that only covers the intact first chunk still opens; one that reaches the bad chunk does not.
  assert.equal(openSegmentBytes(dek, params, flipped, { start: 0, endInclusive: 99 }).length, 100);
  assert.throws(() => openSegmentBytes(dek, params, flipped, { start: C + 5, endInclusive: C + 6 }), TamperError);
  assert.throws(() => openSegmentBytes(dek, params, stored.subarray(0, stored.length - 1)), TamperError);
  assert.throws(() => openSegmentBytes(dek, { ...params, salt: generateSegmentSalt() }, stored), TamperError);
  assert.throws(() => openSegmentBytes(generateDataKey(), params, stored), TamperError);
});
