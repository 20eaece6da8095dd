// Size and range arithmetic: encrypted sizes, chunk spans and the split of a range over segments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  CHUNK_CIPHER_SIZE,
  CHUNK_PLAIN_SIZE,
  chunkCount,
  encryptedSegmentSize,
  mapRangeToSegments,
  segmentChunkSpan,
  wholeSegmentSpan,
} from '../../src/crypto/index.ts';

const C = CHUNK_PLAIN_SIZE;

test('encrypted sizes add one 16-byte tag per chunk, and an empty segment has one chunk', () => {
  assert.equal(chunkCount(0), 1);
  assert.equal(encryptedSegmentSize(0), 16);
  assert.equal(encryptedSegmentSize(1), 17);
  assert.equal(encryptedSegmentSize(C), C + 16);
  assert.equal(encryptedSegmentSize(C + 1), C + 1 + 32);
  assert.equal(encryptedSegmentSize(5 * 1024 ** 4), 5 * 1024 ** 4 + 16 * 5 * 1024 ** 4 / C);
  assert.throws(() => encryptedSegmentSize(-1), RangeError);
  assert.throws(() => encryptedSegmentSize(1.5), RangeError);
});

test('chunk spans for the first byte, a boundary and the last byte', () => {
  const size = 3 * C + 100;
  assert.deepEqual(segmentChunkSpan(size, 0, 0), {
    firstChunk: 0, lastChunk: 0, cipherStart: 0, cipherEndInclusive: CHUNK_CIPHER_SIZE - 1, skip: 0, length: 1,
  });
  assert.deepEqual(segmentChunkSpan(size, C - 1, C), {
    firstChunk: 0, lastChunk: 1, cipherStart: 0, cipherEndInclusive: 2 * CHUNK_CIPHER_SIZE - 1, skip: C - 1, length: 2,
  });
  assert.deepEqual(segmentChunkSpan(size, size - 1, size - 1), {
    firstChunk: 3, lastChunk: 3, cipherStart: 3 * CHUNK_CIPHER_SIZE, cipherEndInclusive: encryptedSegmentSize(size) - 1, skip: 99, length: 1,
  });
  assert.deepEqual(wholeSegmentSpan(0), { firstChunk: 0, lastChunk: 0, cipherStart: 0, cipherEndInclusive: 15, skip: 0, length: 0 });
});

test('unsatisfiable segment ranges are refused', () => {
  assert.throws(() => segmentChunkSpan(0, 0, 0), RangeError);
  assert.throws(() => segmentChunkSpan(10, 5, 4), RangeError);
  assert.throws(() => segmentChunkSpan(10, 0, 10), RangeError);
  assert.throws(() => segmentChunkSpan(10, -1, 3), RangeError);
});

test('spans always cover whole chunks that contain the range', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 20 * C }), fc.nat(), fc.nat(), (size, a, b) => {
      const [start, end] = [a % size, b % size].sort((x, y) => x - y) as [number, number];
      const s = segmentChunkSpan(size, start, end);
      assert.equal(s.cipherStart % CHUNK_CIPHER_SIZE, 0);
      assert.ok(s.cipherEndInclusive < encryptedSegmentSize(size));
      assert.equal(s.firstChunk * C + s.skip, start);
      assert.equal(s.length, end - start + 1);
      const lastEnd = s.lastChunk === chunkCount(size) - 1 ? encryptedSegmentSize(size) : (s.lastChunk + 1) * CHUNK_CIPHER_SIZE;
      assert.equal(s.cipherEndInclusive + 1, lastEnd);
    }),
  );
});

test('an object range splits over segments, skipping empty ones', () => {
  const sizes = [10, 0, 5, 20];
  assert.deepEqual(mapRangeToSegments(sizes, 0, 34), [
    { segmentIndex: 0, start: 0, endInclusive: 9 },
    { segmentIndex: 2, start: 0, endInclusive: 4 },
    { segmentIndex: 3, start: 0, endInclusive: 19 },
  ]);
  assert.deepEqual(mapRangeToSegments(sizes, 9, 10), [
    { segmentIndex: 0, start: 9, endInclusive: 9 },
    { segmentIndex: 2, start: 0, endInclusive: 0 },
  ]);
  assert.deepEqual(mapRangeToSegments(sizes, 34, 34), [{ segmentIndex: 3, start: 19, endInclusive: 19 }]);
  assert.throws(() => mapRangeToSegments(sizes, 0, 35), RangeError);
  assert.throws(() => mapRangeToSegments([0], 0, 0), RangeError);
});

test('segment splits match a byte-by-byte walk', () => {
  fc.assert(
    fc.property(fc.array(fc.nat(40), { minLength: 1, maxLength: 8 }), fc.nat(), fc.nat(), (sizes, a, b) => {
      const total = sizes.reduce((x, y) => x + y, 0);
      fc.pre(total > 0);
      const [start, end] = [a % total, b % total].sort((x, y) => x - y) as [number, number];
      const owners: Array<[number, number]> = sizes.flatMap((n, i) => Array.from({ length: n }, (_, j): [number, number] => [i, j]));
      const expected = owners.slice(start, end + 1);
      const got = mapRangeToSegments(sizes, start, end).flatMap((r) =>
        Array.from({ length: r.endInclusive - r.start + 1 }, (_, k): [number, number] => [r.segmentIndex, r.start + k]),
      );
      assert.deepEqual(got, expected);
    }),
  );
});
