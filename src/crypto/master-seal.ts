// Seals small server-held secrets (stored credentials, key-store payloads, upload seal keys) under
// the master key: AES-256-GCM with a random nonce; the purpose string is bound as associated data.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Secret } from '../util/secret.ts';

const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** Seals `plain` so that only the same master key and purpose open it. Output: base64. */
export function sealWithMasterKey(masterKey: Secret, purpose: string, plain: Buffer): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', masterKey.reveal(), nonce);
  cipher.setAAD(Buffer.from(`coffer/master-seal/v${VERSION}/${purpose}`));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), nonce, body, cipher.getAuthTag()]).toString('base64');
}

/** Opens a value from sealWithMasterKey; throws if the key, purpose or bytes do not match. */
export function openWithMasterKey(masterKey: Secret, purpose: string, sealed: string): Secret {
  const bytes = Buffer.from(sealed, 'base64');
  if (bytes.length < 1 + NONCE_BYTES + TAG_BYTES || bytes[0] !== VERSION) throw new Error('sealed value is malformed');
  const nonce = bytes.subarray(1, 1 + NONCE_BYTES);
  const body = bytes.subarray(1 + NONCE_BYTES, bytes.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', masterKey.reveal(), nonce);
  decipher.setAAD(Buffer.from(`coffer/master-seal/v${VERSION}/${purpose}`));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  return new Secret(Buffer.concat([decipher.update(body), decipher.final()]));
}
