// The manifest seal: an HMAC, keyed from the DEK, over an object's size, ETag and segment table,
// so that a faked size or a reordered/foreign part is caught before any byte is served (§5).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { Secret } from '../util/secret.ts';
import {
  FORMAT_VERSION,
  hkdf32,
  LABEL_MANIFEST,
  lp,
  SEGMENT_SALT_SIZE,
  u32,
  u64,
  toBase64Url,
} from './format.ts';

export interface SegmentManifestEntry {
  /** The part number for multipart parts; the domain numbers a single PUT's segment 1. */
  partNumber: number;
  plainSize: number;
  salt: Buffer;
}

export interface ObjectManifest {
  plainSize: number;
  etag: string;
  segments: readonly SegmentManifestEntry[];
}

const MAC_SIZE = 32;
const SEAL_SIZE = 1 + MAC_SIZE;

/** Returns why the manifest breaks an invariant of the format, or undefined when it is sound. */
export function manifestProblem(m: ObjectManifest): string | undefined {
  if (!Number.isSafeInteger(m.plainSize) || m.plainSize < 0) return 'invalid total size';
  if (m.segments.length === 0) return 'no segments';
  let sum = 0;
  let previous = -1;
  for (const s of m.segments) {
    if (!Number.isInteger(s.partNumber) || s.partNumber <= previous || s.partNumber > 0xffffffff) {
      return 'part numbers not strictly increasing';
    }
    if (!Number.isSafeInteger(s.plainSize) || s.plainSize < 0) return 'invalid segment size';
    if (s.salt.length !== SEGMENT_SALT_SIZE) return 'invalid segment salt';
    previous = s.partNumber;
    sum += s.plainSize;
  }
  if (sum !== m.plainSize) return 'segment sizes do not add up to the object size';
  return undefined;
}

/** The canonical byte encoding the MAC covers: fixed-width integers, length-prefixed strings. */
export function encodeManifest(m: ObjectManifest): Buffer {
  const parts: Buffer[] = [Buffer.of(FORMAT_VERSION), u64(m.plainSize), lp(m.etag), u32(m.segments.length)];
  for (const s of m.segments) {
    parts.push(u32(s.partNumber), u64(s.plainSize), Buffer.of(s.salt.length), s.salt);
  }
  return Buffer.concat(parts);
}

/**
 * The MAC key of a manifest, derived one-way from the DEK. Exposed because CompleteMultipartUpload
 * may arrive without the customer key: the domain keeps this key (not the DEK) sealed from
 * CreateMultipartUpload to completion. It can seal manifests but decrypts nothing.
 */
export function deriveManifestKey(dataKey: Secret): Secret {
  // Empty salt: the DEK is already uniformly random, the label alone separates this key.
  const key = hkdf32(dataKey.reveal(), Buffer.alloc(0), Buffer.from(LABEL_MANIFEST, 'ascii'));
  try {
    return new Secret(key);
  } finally {
    key.fill(0);
  }
}

function mac(manifestKey: Secret, m: ObjectManifest): Buffer {
  return createHmac('sha256', manifestKey.reveal()).update(encodeManifest(m)).digest();
}

/** Seal with an already derived manifest key. Throws RangeError on a malformed manifest. */
export function sealManifestWithKey(manifestKey: Secret, m: ObjectManifest): string {
  const problem = manifestProblem(m);
  if (problem !== undefined) throw new RangeError(`cannot seal manifest: ${problem}`);
  return toBase64Url(Buffer.concat([Buffer.of(FORMAT_VERSION), mac(manifestKey, m)]));
}

/** Computed at commit (PUT, CompleteMultipartUpload, copy). Throws RangeError on a malformed manifest. */
export function sealManifest(dataKey: Secret, m: ObjectManifest): string {
  const key = deriveManifestKey(dataKey);
  try {
    return sealManifestWithKey(key, m);
  } finally {
    key.wipe();
  }
}

/**
 * Checked on every read before the first byte is served. False for any mismatch, malformed
 * seal, unknown version or broken invariant; the comparison of MACs is constant-time.
 */
export function verifyManifest(dataKey: Secret, m: ObjectManifest, seal: string): boolean {
  const stored = Buffer.from(seal, 'base64url');
  if (stored.length !== SEAL_SIZE || stored.toString('base64url') !== seal) return false;
  if (stored[0] !== FORMAT_VERSION) return false;
  if (manifestProblem(m) !== undefined) return false;
  const key = deriveManifestKey(dataKey);
  try {
    return timingSafeEqual(stored.subarray(1), mac(key, m));
  } finally {
    key.wipe();
  }
}
