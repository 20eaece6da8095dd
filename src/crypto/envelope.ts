// Envelope encryption: a random data key (DEK) per object version, wrapped under a key derived
// from the customer key and bound to bucket, object key and version id (encryption.md §2–§3).
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { Secret } from '../util/secret.ts';
import {
  CryptoFormatError,
  CUSTOMER_KEY_SIZE,
  DATA_KEY_SIZE,
  defaultRandom,
  FORMAT_VERSION,
  fromBase64Url,
  hkdf32,
  KEK_SALT_SIZE,
  KeyUnwrapError,
  LABEL_KEK,
  lp,
  SEGMENT_SALT_SIZE,
  sha256,
  toBase64Url,
  WRAP_NONCE_SIZE,
  type RandomSource,
} from './format.ts';

/** Where an object version lives. The wrapped key only unwraps under the same binding. */
export interface ObjectBinding {
  bucket: string;
  key: string;
  /** Unique per stored version, even in unversioned buckets (not S3's literal "null"). */
  versionId: string;
}

export interface RandomOption {
  /** Tests only: a deterministic source, to generate known-answer vectors. */
  random?: RandomSource;
}

const TAG_SIZE = 16;
const OFFSET_SALT = 1;
const OFFSET_NONCE = OFFSET_SALT + KEK_SALT_SIZE;
const OFFSET_CT = OFFSET_NONCE + WRAP_NONCE_SIZE;
const OFFSET_TAG = OFFSET_CT + DATA_KEY_SIZE;
/** 1 + 32 + 12 + 32 + 16 = 93 bytes; 124 characters of base64url. */
export const WRAPPED_KEY_SIZE = OFFSET_TAG + TAG_SIZE;

export function generateDataKey(options: RandomOption = {}): Secret {
  const bytes = (options.random ?? defaultRandom)(DATA_KEY_SIZE);
  try {
    return new Secret(bytes);
  } finally {
    bytes.fill(0);
  }
}

/** A fresh salt for one segment write attempt (every PUT, every UploadPart attempt). */
export function generateSegmentSalt(options: RandomOption = {}): Buffer {
  return (options.random ?? defaultRandom)(SEGMENT_SALT_SIZE);
}

function bindingBytes(b: ObjectBinding): Buffer {
  return Buffer.concat([lp(b.bucket), lp(b.key), lp(b.versionId)]);
}

// The binding is hashed into the info because OpenSSL caps HKDF info at 1024 bytes and an S3
// object key alone may be that long; the full binding also goes into the GCM AAD.
function deriveKek(customerKey: Secret, salt: Buffer, binding: Buffer): Buffer {
  if (customerKey.length !== CUSTOMER_KEY_SIZE) throw new RangeError(`customer key must be ${CUSTOMER_KEY_SIZE} bytes`);
  const info = Buffer.concat([Buffer.from(LABEL_KEK, 'ascii'), sha256(binding)]);
  return hkdf32(customerKey.reveal(), salt, info);
}

function wrapAad(binding: Buffer): Buffer {
  return Buffer.concat([Buffer.of(FORMAT_VERSION), binding]);
}

export function wrapDataKey(
  customerKey: Secret,
  dataKey: Secret,
  binding: ObjectBinding,
  options: RandomOption = {},
): string {
  if (dataKey.length !== DATA_KEY_SIZE) throw new RangeError(`data key must be ${DATA_KEY_SIZE} bytes`);
  const random = options.random ?? defaultRandom;
  const salt = random(KEK_SALT_SIZE);
  const nonce = random(WRAP_NONCE_SIZE);
  const bound = bindingBytes(binding);
  const kek = deriveKek(customerKey, salt, bound);
  try {
    const cipher = createCipheriv('aes-256-gcm', kek, nonce, { authTagLength: TAG_SIZE });
    cipher.setAAD(wrapAad(bound));
    const ct = Buffer.concat([cipher.update(dataKey.reveal()), cipher.final()]);
    return toBase64Url(Buffer.concat([Buffer.of(FORMAT_VERSION), salt, nonce, ct, cipher.getAuthTag()]));
  } finally {
    kek.fill(0);
  }
}

/** Throws KeyUnwrapError for a wrong key, a wrong binding or an altered blob. */
export function unwrapDataKey(customerKey: Secret, wrapped: string, binding: ObjectBinding): Secret {
  const blob = fromBase64Url(wrapped, 'wrapped key');
  if (blob.length !== WRAPPED_KEY_SIZE) throw new CryptoFormatError('wrapped key has the wrong length');
  if (blob[0] !== FORMAT_VERSION) throw new CryptoFormatError('wrapped key has an unknown format version');
  const bound = bindingBytes(binding);
  const kek = deriveKek(customerKey, blob.subarray(OFFSET_SALT, OFFSET_NONCE), bound);
  let dek: Buffer | undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, blob.subarray(OFFSET_NONCE, OFFSET_CT), {
      authTagLength: TAG_SIZE,
    });
    decipher.setAAD(wrapAad(bound));
    decipher.setAuthTag(blob.subarray(OFFSET_TAG));
    dek = decipher.update(blob.subarray(OFFSET_CT, OFFSET_TAG));
    decipher.final();
    return new Secret(dek);
  } catch {
    // Any failure here is the tag check: never say more, and never echo key material.
    throw new KeyUnwrapError();
  } finally {
    kek.fill(0);
    dek?.fill(0);
  }
}

/**
 * Rotation and rename: unwrap under (old key, old binding), wrap the same DEK under (new key,
 * new binding) with a fresh salt and nonce. Data and manifest seal are untouched.
 */
export function rewrapDataKey(
  wrapped: string,
  from: { customerKey: Secret; binding: ObjectBinding },
  to: { customerKey: Secret; binding: ObjectBinding },
  options: RandomOption = {},
): string {
  const dek = unwrapDataKey(from.customerKey, wrapped, from.binding);
  try {
    return wrapDataKey(to.customerKey, dek, to.binding, options);
  } finally {
    dek.wipe();
  }
}
