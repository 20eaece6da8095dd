// Constants, byte encodings, key derivation and error classes of the "coffer-enc-v1" format
// (docs/design/encryption.md). Everything here is shared by envelope, manifest and chunk code.
import { createHash, createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { takeRandomBytes } from '../util/random-pool.ts';
import { Buffer } from 'node:buffer';

// WARNING: every constant and label below is part of the stored format. Changing one makes all
// existing objects unreadable; a change needs a new FORMAT_VERSION and a new vectors file.
export const FORMAT_VERSION = 0x01;
export const CHUNK_PLAIN_SIZE = 65536;
export const CHUNK_TAG_SIZE = 16;
export const CHUNK_CIPHER_SIZE = CHUNK_PLAIN_SIZE + CHUNK_TAG_SIZE;
export const DATA_KEY_SIZE = 32;
export const CUSTOMER_KEY_SIZE = 32;
export const KEK_SALT_SIZE = 32;
export const WRAP_NONCE_SIZE = 12;
export const SEGMENT_SALT_SIZE = 16;
export const LABEL_KEK = 'coffer-enc-v1/kek';
export const LABEL_SEGMENT = 'coffer-enc-v1/segment';
export const LABEL_MANIFEST = 'coffer-enc-v1/manifest';
// Largest part number a u32 can carry; S3 itself stops at 10000.
const MAX_U32 = 0xffffffff;

/** A source of random bytes. Production uses the CSPRNG (batched); tests inject a fixed one for vectors. */
export type RandomSource = (size: number) => Buffer;
export const defaultRandom: RandomSource = (size) => takeRandomBytes(size);

/** The customer key is wrong, or the wrapped key was altered or moved (maps to 403). */
export class KeyUnwrapError extends Error {
  constructor() {
    super('the data key could not be unwrapped with the supplied key');
    this.name = 'KeyUnwrapError';
  }
}

/** Stored ciphertext or manifest failed authentication: tampering or corruption. */
export class TamperError extends Error {
  constructor(detail: string) {
    super(`encrypted data failed verification: ${detail}`);
    this.name = 'TamperError';
  }
}

/** A stored encrypted value is malformed or of an unknown format version. */
export class CryptoFormatError extends Error {
  constructor(detail: string) {
    super(`unreadable encryption metadata: ${detail}`);
    this.name = 'CryptoFormatError';
  }
}

export function u32(n: number): Buffer {
  if (!Number.isInteger(n) || n < 0 || n > MAX_U32) throw new RangeError(`not a u32: ${n}`);
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n, 0);
  return b;
}

export function u64(n: number): Buffer {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a size: ${n}`);
  const b = Buffer.allocUnsafe(8);
  b.writeUInt32BE(Math.floor(n / 0x100000000), 0);
  b.writeUInt32BE(n >>> 0, 4);
  return b;
}

/** UTF-8 bytes of a string, refusing lone surrogates (two such strings can encode alike). */
export function utf8(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  if (bytes.toString('utf8') !== s) throw new RangeError('string is not well-formed UTF-16');
  return bytes;
}

/** Length-prefixed UTF-8: u32(byteLength) ‖ bytes, so that concatenations are unambiguous. */
export function lp(s: string): Buffer {
  const bytes = utf8(s);
  return Buffer.concat([u32(bytes.length), bytes]);
}

export function checkPartNumber(partNumber: number): void {
  if (!Number.isInteger(partNumber) || partNumber < 0 || partNumber > MAX_U32) {
    throw new RangeError(`invalid part number: ${partNumber}`);
  }
}

export function checkSegmentSalt(salt: Buffer): void {
  if (salt.length !== SEGMENT_SALT_SIZE) throw new RangeError(`segment salt must be ${SEGMENT_SALT_SIZE} bytes`);
}

export function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

/**
 * HKDF-SHA256 (RFC 5869) to 32 raw bytes: one output block, so extract and one expand step,
 * PRK = HMAC(salt, ikm), OKM = HMAC(PRK, info ‖ 0x01). Two HMACs cost half of `hkdfSync` (~6 vs
 * ~11 µs), and an SSE-C read derives three keys. An empty salt is HMAC's zero key, as the RFC
 * says. Equal to hkdfSync (test/unit/crypto-hkdf.test.ts). The caller wipes the result.
 */
export function hkdf32(ikm: Buffer, salt: Buffer, info: Buffer): Buffer {
  const prk = createHmac('sha256', salt).update(ikm).digest();
  try {
    return createHmac('sha256', prk).update(info).update(ONE).digest();
  } finally {
    prk.fill(0);
  }
}

const ONE = Buffer.of(1);

/**
 * HKDF-SHA256 straight into a KeyObject, so the derived key lives outside the JS heap and
 * createCipheriv does not re-import raw bytes for every chunk.
 */
export function hkdfKeyObject(ikm: Buffer, salt: Buffer, info: Buffer): KeyObject {
  const raw = hkdf32(ikm, salt, info);
  try {
    return createSecretKey(raw);
  } finally {
    raw.fill(0);
  }
}

export function toBase64Url(b: Buffer): string {
  return b.toString('base64url');
}

/** Strict base64url decoding: Buffer.from silently skips bad characters, so re-encode and compare. */
export function fromBase64Url(s: string, what: string): Buffer {
  const b = Buffer.from(s, 'base64url');
  if (b.toString('base64url') !== s) throw new CryptoFormatError(`${what} is not canonical base64url`);
  return b;
}
