// Random identifiers (version ids, blob names, random ETags) from one batched CSPRNG fill.
//
// randomBytes(16) costs ~6 µs per call on the dev VM, mostly the call itself; a small PUT takes one
// to three such ids. Filling 4 KiB at once and handing out 16-byte slices gives the same bytes
// from the same generator. These ids must be unpredictable and unique, not secret.
import { randomFillSync } from 'node:crypto';

const ID_BYTES = 16;
const pool = Buffer.alloc(256 * ID_BYTES);
let next = pool.length;

/** 32 hex characters of fresh randomness; never the same slice twice. */
export function randomHexId(): string {
  if (next + ID_BYTES > pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  const id = pool.toString('hex', next, next + ID_BYTES);
  next += ID_BYTES;
  return id;
}
