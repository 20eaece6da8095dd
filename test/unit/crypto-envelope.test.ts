// Wrapping and unwrapping of data keys: wrong key, wrong binding, tampering, rotation and rename.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { Secret } from '../../src/util/secret.ts';
import {
  createSegmentDecryptor,
  createSegmentEncryptor,
  CryptoFormatError,
  generateDataKey,
  generateSegmentSalt,
  KeyUnwrapError,
  rewrapDataKey,
  sealManifest,
  unwrapDataKey,
  verifyManifest,
  wrapDataKey,
  WRAPPED_KEY_SIZE,
  type ObjectBinding,
} from '../../src/crypto/index.ts';
import { collect } from '../helpers/crypto-io.ts';

const customerKey = new Secret(randomBytes(32));
const binding: ObjectBinding = { bucket: 'photos', key: '2024/cat.png', versionId: 'v-0001' };

test('wrap then unwrap returns the same data key; the blob is versioned and fixed-size', () => {
  const dek = generateDataKey();
  const wrapped = wrapDataKey(customerKey, dek, binding);
  const raw = Buffer.from(wrapped, 'base64url');
  assert.equal(raw.length, WRAPPED_KEY_SIZE);
  assert.equal(wrapped.length, 124);
  assert.equal(raw[0], 1);
  assert.ok(unwrapDataKey(customerKey, wrapped, binding).equals(dek));
});

test('two wraps of the same key differ (fresh salt and nonce each time)', () => {
  const dek = generateDataKey();
  assert.notEqual(wrapDataKey(customerKey, dek, binding), wrapDataKey(customerKey, dek, binding));
});

test('a wrong customer key is a KeyUnwrapError, with no key bytes in the message', () => {
  const wrapped = wrapDataKey(customerKey, generateDataKey(), binding);
  const wrong = new Secret(randomBytes(32));
  assert.throws(() => unwrapDataKey(wrong, wrapped, binding), (err: unknown) => {
    assert.ok(err instanceof KeyUnwrapError);
    for (const k of [wrong, customerKey]) {
      assert.ok(!err.message.includes(k.reveal().toString('hex')));
      assert.ok(!err.message.includes(k.reveal().toString('base64')));
    }
    return true;
  });
});

test('the wrapped key only opens under its own bucket, key and version', () => {
  const wrapped = wrapDataKey(customerKey, generateDataKey(), binding);
  const others: ObjectBinding[] = [
    { ...binding, bucket: 'photos2' },
    { ...binding, key: '2024/dog.png' },
    { ...binding, versionId: 'v-0002' },
  ];
  for (const other of others) {
    assert.throws(() => unwrapDataKey(customerKey, wrapped, other), KeyUnwrapError);
  }
});

test('length prefixes keep shifted boundaries apart ("a"+"bc" is not "ab"+"c")', () => {
  const wrapped = wrapDataKey(customerKey, generateDataKey(), { bucket: 'a', key: 'bc', versionId: 'v' });
  assert.throws(() => unwrapDataKey(customerKey, wrapped, { bucket: 'ab', key: 'c', versionId: 'v' }), KeyUnwrapError);
});

test('object keys of 1024 UTF-8 bytes work (longer than the HKDF info cap with the bucket)', () => {
  const long: ObjectBinding = { ...binding, key: 'é'.repeat(512) };
  const dek = generateDataKey();
  assert.ok(unwrapDataKey(customerKey, wrapDataKey(customerKey, dek, long), long).equals(dek));
});

test('a flipped byte anywhere in the blob is a KeyUnwrapError', () => {
  const wrapped = wrapDataKey(customerKey, generateDataKey(), binding);
  for (const offset of [1, 33, 45, 60, 77, 92]) {
    const raw = Buffer.from(wrapped, 'base64url');
    raw[offset] = (raw[offset] ?? 0) ^ 0x40;
    assert.throws(() => unwrapDataKey(customerKey, raw.toString('base64url'), binding), KeyUnwrapError, `offset ${offset}`);
  }
});

test('malformed or unknown-version blobs are CryptoFormatError, not a key failure', () => {
  const raw = Buffer.from(wrapDataKey(customerKey, generateDataKey(), binding), 'base64url');
  const v2 = Buffer.from(raw);
  v2[0] = 2;
  assert.throws(() => unwrapDataKey(customerKey, v2.toString('base64url'), binding), CryptoFormatError);
  assert.throws(() => unwrapDataKey(customerKey, raw.subarray(1).toString('base64url'), binding), CryptoFormatError);
  assert.throws(() => unwrapDataKey(customerKey, `${raw.toString('base64url')}=`, binding), CryptoFormatError);
  assert.throws(() => unwrapDataKey(customerKey, `${raw.toString('base64url')}!`, binding), CryptoFormatError);
});

test('customer keys must be 32 bytes; strings must be well-formed', () => {
  const dek = generateDataKey();
  assert.throws(() => wrapDataKey(new Secret(randomBytes(31)), dek, binding), RangeError);
  assert.throws(() => wrapDataKey(customerKey, dek, { ...binding, key: 'a\ud800b' }), RangeError);
});

test('rotation re-wraps only: data and seal stay valid, the old key then fails', async () => {
  const dek = generateDataKey();
  const salt = generateSegmentSalt();
  const plain = randomBytes(70_000);
  const cipher = await collect(createSegmentEncryptor(dek, { partNumber: 1, salt }), plain);
  const manifest = { plainSize: plain.length, etag: 'abc', segments: [{ partNumber: 1, plainSize: plain.length, salt }] };
  const seal = sealManifest(dek, manifest);
  const oldWrapped = wrapDataKey(customerKey, dek, binding);

  const newKey = new Secret(randomBytes(32));
  const rotated = rewrapDataKey(oldWrapped, { customerKey, binding }, { customerKey: newKey, binding });
  assert.throws(() => unwrapDataKey(customerKey, rotated, binding), KeyUnwrapError);
  const reopened = unwrapDataKey(newKey, rotated, binding);
  assert.ok(verifyManifest(reopened, manifest, seal));
  const out = await collect(createSegmentDecryptor(reopened, { partNumber: 1, salt, plainSize: plain.length }), cipher);
  assert.deepEqual(out, plain);
  // Rotation with a wrong old key is refused the same way as a wrong key on GET.
  assert.throws(() => rewrapDataKey(oldWrapped, { customerKey: newKey, binding }, { customerKey, binding }), KeyUnwrapError);
});

test('rename re-wraps for the new binding; the old binding no longer opens the new blob', () => {
  const dek = generateDataKey();
  const to: ObjectBinding = { bucket: 'archive', key: 'cat.png', versionId: 'v-9' };
  const moved = rewrapDataKey(wrapDataKey(customerKey, dek, binding), { customerKey, binding }, { customerKey, binding: to });
  assert.ok(unwrapDataKey(customerKey, moved, to).equals(dek));
  assert.throws(() => unwrapDataKey(customerKey, moved, binding), KeyUnwrapError);
});

test('salts are 16 fresh bytes; keys print as redacted', () => {
  const a = generateSegmentSalt();
  assert.equal(a.length, 16);
  assert.notDeepEqual(a, generateSegmentSalt());
  const dek = generateDataKey();
  assert.equal(dek.length, 32);
  assert.equal(inspect(dek), '[secret]');
  assert.equal(JSON.stringify({ dek }), '{"dek":"[secret]"}');
});
