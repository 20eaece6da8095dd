// Password hashing: scrypt from node:crypto with a random per-user salt, verified in constant time.
// Stored form: `scrypt$<log2 N>$<r>$<p>$<salt base64>$<hash base64>`, so parameters can grow later.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { Secret } from '../../util/secret.ts';

const LOG2_N = 15;
const R = 8;
const P = 1;
const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** Minimum length of a password set through Coffer (the admin's generated one is much longer). */
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 1024;

// Each derivation takes ~32 MiB and ~100 ms of a libuv thread: a few at a time, the rest queue, so
// a burst of login attempts cannot exhaust memory or starve the thread pool that file I/O needs.
const MAX_CONCURRENT = 4;
let running = 0;
const waiting: (() => void)[] = [];

async function derive(password: Buffer, salt: Buffer, log2N: number, r: number, p: number): Promise<Buffer> {
  if (log2N > 20 || r > 32 || p > 4) throw new Error('scrypt parameters out of range');
  while (running >= MAX_CONCURRENT) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    const N = 2 ** log2N;
    const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
    return await new Promise((resolve, reject) => {
      scrypt(password, salt, HASH_BYTES, options, (error, key) => (error ? reject(error) : resolve(key)));
    });
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

export async function hashPassword(password: Secret): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password.reveal(), salt, LOG2_N, R, P);
  return ['scrypt', LOG2_N, R, P, salt.toString('base64'), hash.toString('base64')].join('$');
}

// Checked against when the user does not exist, so a wrong user name costs the same time as a
// wrong password and user names cannot be probed by timing.
let decoy: Promise<string> | undefined;

/** True when `password` matches `stored`; a missing or malformed hash never matches. */
export async function verifyPassword(password: Secret, stored: string | undefined): Promise<boolean> {
  const parts = (stored ?? '').split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') {
    decoy ??= hashPassword(new Secret(randomBytes(16)));
    await verifyPassword(password, await decoy).catch(() => false);
    return false;
  }
  const [, log2N, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64');
  const actual = await derive(password.reveal(), Buffer.from(salt, 'base64'), Number(log2N), Number(r), Number(p));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A password check for values set through the APIs (length only: the operator sets policy elsewhere). */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `the password must have at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `the password must have at most ${MAX_PASSWORD_LENGTH} characters`;
  return undefined;
}
