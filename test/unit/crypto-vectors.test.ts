// Known-answer vectors: the code must reproduce test/vectors/encryption-v1.json byte for byte, and
// an independent reading of docs/design/encryption.md (raw node:crypto) must open it too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createDecipheriv, createHash, createHmac, hkdfSync } from 'node:crypto';
import { Secret } from '../../src/util/secret.ts';
import {
  createSegmentDecryptor,
  createSegmentEncryptor,
  generateDataKey,
  sealManifest,
  unwrapDataKey,
  verifyManifest,
  wrapDataKey,
} from '../../src/crypto/index.ts';
import { collect, patternPlaintext, scripted } from '../helpers/crypto-io.ts';

interface Vectors {
  inputs: { customerKey: string; dataKey: string; kekSalt: string; wrapNonce: string; etag: string; binding: { bucket: string; key: string; versionId: string } };
  wrappedKey: string;
  segments: Array<{ partNumber: number; plainSize: number; salt: string; ciphertext: string }>;
  manifest: { plainSize: number; etag: string; seal: string };
}

const v = JSON.parse(readFileSync(new URL('../vectors/encryption-v1.json', import.meta.url), 'utf8')) as Vectors;
const hex = (s: string): Buffer => Buffer.from(s, 'hex');
const segments = v.segments.map((s) => ({ partNumber: s.partNumber, plainSize: s.plainSize, salt: hex(s.salt) }));
const customerKey = new Secret(hex(v.inputs.customerKey));
const dataKey = new Secret(hex(v.inputs.dataKey));

test('the code reproduces the wrapped key, every ciphertext byte and the seal', async () => {
  const dek = generateDataKey({ random: scripted(hex(v.inputs.dataKey)) });
  const random = scripted(hex(v.inputs.kekSalt), hex(v.inputs.wrapNonce));
  assert.equal(wrapDataKey(customerKey, dek, v.inputs.binding, { random }), v.wrappedKey);
  for (const [i, s] of segments.entries()) {
    const cipher = await collect(createSegmentEncryptor(dek, s), patternPlaintext(s.partNumber, s.plainSize));
    assert.equal(cipher.toString('hex'), v.segments[i]?.ciphertext, `segment ${s.partNumber}`);
  }
  assert.equal(sealManifest(dek, { plainSize: v.manifest.plainSize, etag: v.manifest.etag, segments }), v.manifest.seal);
});

test('the code opens the stored vectors', async () => {
  const dek = unwrapDataKey(customerKey, v.wrappedKey, v.inputs.binding);
  assert.ok(dek.equals(dataKey));
  assert.ok(verifyManifest(dek, { plainSize: v.manifest.plainSize, etag: v.manifest.etag, segments }, v.manifest.seal));
  for (const [i, s] of segments.entries()) {
    const out = await collect(createSegmentDecryptor(dek, s), hex(v.segments[i]?.ciphertext ?? ''));
    assert.deepEqual(out, patternPlaintext(s.partNumber, s.plainSize));
  }
});

// ---- An independent implementation of the spec, so that doc, code and vectors agree. ----

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const u64 = (n: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};
const lp = (s: string): Buffer => Buffer.concat([u32(Buffer.byteLength(s)), Buffer.from(s, 'utf8')]);
const hkdf = (ikm: Buffer, salt: Buffer, info: Buffer): Buffer => Buffer.from(hkdfSync('sha256', ikm, salt, info, 32));
const gcmOpen = (key: Buffer, nonce: Buffer, aad: Buffer, body: Buffer, tag: Buffer): Buffer => {
  const d = createDecipheriv('aes-256-gcm', key, nonce);
  d.setAAD(aad);
  d.setAuthTag(tag);
  return Buffer.concat([d.update(body), d.final()]);
};

test('spec §3: the wrapped key opens with KEK = HKDF(CK, salt, label ‖ SHA-256(binding))', () => {
  const raw = Buffer.from(v.wrappedKey, 'base64url');
  assert.equal(raw.length, 93);
  assert.equal(raw[0], 1);
  assert.deepEqual(raw.subarray(1, 33), hex(v.inputs.kekSalt));
  assert.deepEqual(raw.subarray(33, 45), hex(v.inputs.wrapNonce));
  const { bucket, key, versionId } = v.inputs.binding;
  const binding = Buffer.concat([lp(bucket), lp(key), lp(versionId)]);
  const info = Buffer.concat([Buffer.from('coffer-enc-v1/kek'), createHash('sha256').update(binding).digest()]);
  const kek = hkdf(hex(v.inputs.customerKey), raw.subarray(1, 33), info);
  const dek = gcmOpen(kek, raw.subarray(33, 45), Buffer.concat([Buffer.of(1), binding]), raw.subarray(45, 77), raw.subarray(77));
  assert.equal(dek.toString('hex'), v.inputs.dataKey);
});

test('spec §4: every chunk opens with the segment key, counter nonce and AAD', () => {
  for (const s of v.segments) {
    const key = hkdf(hex(v.inputs.dataKey), hex(s.salt), Buffer.concat([Buffer.from('coffer-enc-v1/segment'), u32(s.partNumber)]));
    const cipher = hex(s.ciphertext);
    const count = Math.max(1, Math.ceil(s.plainSize / 65536));
    assert.equal(cipher.length, s.plainSize + 16 * count);
    const plain: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      const final = i === count - 1;
      const chunk = cipher.subarray(i * 65552, final ? cipher.length : (i + 1) * 65552);
      const nonce = Buffer.alloc(12);
      nonce.writeUIntBE(i, 5, 6);
      nonce[11] = final ? 1 : 0;
      const aad = Buffer.concat([Buffer.of(1), u32(s.partNumber), ...(final ? [u64(s.plainSize)] : [])]);
      plain.push(gcmOpen(key, nonce, aad, chunk.subarray(0, chunk.length - 16), chunk.subarray(chunk.length - 16)));
    }
    assert.deepEqual(Buffer.concat(plain), patternPlaintext(s.partNumber, s.plainSize));
  }
});

test('spec §5: the seal is 0x01 ‖ HMAC(HKDF(DEK, "", label), canonical manifest)', () => {
  const macKey = hkdf(hex(v.inputs.dataKey), Buffer.alloc(0), Buffer.from('coffer-enc-v1/manifest'));
  const encoded = Buffer.concat([
    Buffer.of(1),
    u64(v.manifest.plainSize),
    lp(v.manifest.etag),
    u32(v.segments.length),
    ...v.segments.flatMap((s) => [u32(s.partNumber), u64(s.plainSize), Buffer.of(16), hex(s.salt)]),
  ]);
  const mac = createHmac('sha256', macKey).update(encoded).digest();
  assert.equal(Buffer.concat([Buffer.of(1), mac]).toString('base64url'), v.manifest.seal);
});
