// Random identifiers (version ids, blob names, random ETags) and small random values (data keys,
// salts, nonces) from one batched CSPRNG fill.
//
// randomBytes() costs ~5 µs per call on the dev VM, mostly the call itself, and more under load; a
// small SSE-C PUT needs four such values and up to three ids. Filling 4 KiB at once and handing out
// slices gives the same bytes from the same generator. Each slice is handed out once and wiped from
// the pool as it leaves, so key material does not linger here after use.
import { randomBytes, randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
/** Larger requests go straight to the generator: the pool is for many small values. */
const MAX_POOLED = 64;
const ID_BYTES = 16;
const pool = Buffer.alloc(POOL_BYTES);
let next = pool.length;

function reserve(size: number): number {
  if (next + size > pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  const start = next;
  next += size;
  return start;
}

/** `size` fresh random bytes in a buffer of their own; never the same bytes twice. */
export function takeRandomBytes(size: number): Buffer {
  if (size > MAX_POOLED) return randomBytes(size);
  const start = reserve(size);
  const bytes = Buffer.allocUnsafeSlow(size);
  pool.copy(bytes, 0, start, start + size);
  pool.fill(0, start, start + size);
  return bytes;
}

/** 32 hex characters of fresh randomness; never the same slice twice. */
export function randomHexId(): string {
  const start = reserve(ID_BYTES);
  return pool.toString('hex', start, start + ID_BYTES);
}
