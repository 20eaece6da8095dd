// Size and offset arithmetic of the chunk format: encrypted sizes, which ciphertext bytes a
// plaintext range needs, and how an object range splits over its segments (§4, §7).
import { CHUNK_CIPHER_SIZE, CHUNK_PLAIN_SIZE, CHUNK_TAG_SIZE } from './format.ts';

function checkSize(plainSize: number): void {
  if (!Number.isSafeInteger(plainSize) || plainSize < 0) throw new RangeError(`invalid size: ${plainSize}`);
}

/** An empty segment still has one (final, empty) chunk, so that it is authenticated too. */
export function chunkCount(plainSize: number): number {
  checkSize(plainSize);
  return plainSize === 0 ? 1 : Math.ceil(plainSize / CHUNK_PLAIN_SIZE);
}

/** Plaintext length of chunk `index` of a segment of `plainSize` bytes. */
export function chunkPlainLength(plainSize: number, index: number): number {
  const last = chunkCount(plainSize) - 1;
  if (!Number.isInteger(index) || index < 0 || index > last) throw new RangeError(`no chunk ${index}`);
  return index < last ? CHUNK_PLAIN_SIZE : plainSize - last * CHUNK_PLAIN_SIZE;
}

/** Bytes the segment occupies on disk: the plaintext plus one tag per chunk, no header. */
export function encryptedSegmentSize(plainSize: number): number {
  return plainSize + CHUNK_TAG_SIZE * chunkCount(plainSize);
}

export interface ChunkSpan {
  firstChunk: number;
  lastChunk: number;
  /** Offset of the first ciphertext byte to read from the segment. */
  cipherStart: number;
  cipherEndInclusive: number;
  /** Plaintext bytes to drop from the front of the first decrypted chunk. */
  skip: number;
  /** Plaintext bytes to emit in total. */
  length: number;
}

/** Which chunks (and ciphertext bytes) serve plaintext [start, endInclusive] of one segment. */
export function segmentChunkSpan(plainSize: number, start: number, endInclusive: number): ChunkSpan {
  checkSize(plainSize);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(endInclusive) || start < 0 || start > endInclusive || endInclusive >= plainSize) {
    throw new RangeError(`range ${start}-${endInclusive} is outside a segment of ${plainSize} bytes`);
  }
  const firstChunk = Math.floor(start / CHUNK_PLAIN_SIZE);
  const lastChunk = Math.floor(endInclusive / CHUNK_PLAIN_SIZE);
  return {
    firstChunk,
    lastChunk,
    cipherStart: firstChunk * CHUNK_CIPHER_SIZE,
    cipherEndInclusive: lastChunk * CHUNK_CIPHER_SIZE + chunkPlainLength(plainSize, lastChunk) + CHUNK_TAG_SIZE - 1,
    skip: start - firstChunk * CHUNK_PLAIN_SIZE,
    length: endInclusive - start + 1,
  };
}

/** The span of a whole segment (what a full GET reads), valid for empty segments too. */
export function wholeSegmentSpan(plainSize: number): ChunkSpan {
  const lastChunk = chunkCount(plainSize) - 1;
  return {
    firstChunk: 0,
    lastChunk,
    cipherStart: 0,
    cipherEndInclusive: encryptedSegmentSize(plainSize) - 1,
    skip: 0,
    length: plainSize,
  };
}

export interface SegmentRange {
  /** Index into the segment list (not the part number). */
  segmentIndex: number;
  start: number;
  endInclusive: number;
}

/**
 * Splits an object range over consecutive segments by walking cumulative sizes; empty segments
 * are skipped because they contribute no bytes. The caller has checked the range is satisfiable.
 */
export function mapRangeToSegments(
  segmentSizes: readonly number[],
  start: number,
  endInclusive: number,
): SegmentRange[] {
  const total = segmentSizes.reduce((a, b) => a + b, 0);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(endInclusive) || start < 0 || start > endInclusive || endInclusive >= total) {
    throw new RangeError(`range ${start}-${endInclusive} is outside an object of ${total} bytes`);
  }
  const out: SegmentRange[] = [];
  let base = 0;
  for (const [segmentIndex, size] of segmentSizes.entries()) {
    checkSize(size);
    const segEnd = base + size - 1;
    if (size > 0 && segEnd >= start && base <= endInclusive) {
      out.push({ segmentIndex, start: Math.max(start, base) - base, endInclusive: Math.min(endInclusive, segEnd) - base });
    }
    base += size;
    if (base > endInclusive) break;
  }
  return out;
}
