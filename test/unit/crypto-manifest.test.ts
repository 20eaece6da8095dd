// The manifest seal: any change to size, ETag or the segment table makes verification fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  deriveManifestKey,
  generateDataKey,
  generateSegmentSalt,
  sealManifest,
  sealManifestWithKey,
  verifyManifest,
  type ObjectManifest,
} from '../../src/crypto/index.ts';

const dek = generateDataKey();
const manifest: ObjectManifest = {
  plainSize: 15_000_000,
  etag: '0123456789abcdef0123456789abcdef-3',
  segments: [
    { partNumber: 1, plainSize: 5_242_880, salt: generateSegmentSalt() },
    { partNumber: 2, plainSize: 5_242_880, salt: generateSegmentSalt() },
    { partNumber: 4, plainSize: 4_514_240, salt: generateSegmentSalt() },
  ],
};
const seal = sealManifest(dek, manifest);

function withSegments(m: ObjectManifest, f: (s: ObjectManifest['segments'][number][]) => void): ObjectManifest {
  const segments = m.segments.map((s) => ({ ...s }));
  f(segments);
  return { ...m, segments };
}

test('a sealed manifest verifies; the seal is a 44-character versioned string', () => {
  assert.ok(verifyManifest(dek, manifest, seal));
  assert.equal(seal.length, 44);
  assert.equal(Buffer.from(seal, 'base64url')[0], 1);
});

test('sealing with a derived manifest key gives the same seal (multipart completion path)', () => {
  const key = deriveManifestKey(dek);
  assert.equal(sealManifestWithKey(key, manifest), seal);
  assert.ok(!key.equals(dek));
});

test('a changed total size, ETag or segment size fails', () => {
  assert.ok(!verifyManifest(dek, { ...manifest, plainSize: manifest.plainSize - 1 }, seal));
  assert.ok(!verifyManifest(dek, { ...manifest, etag: manifest.etag.replace('-3', '-2') }, seal));
  // Sizes moved between segments keep the total but not the seal.
  const shifted = withSegments(manifest, (s) => {
    s[0]!.plainSize -= 1;
    s[1]!.plainSize += 1;
  });
  assert.ok(!verifyManifest(dek, shifted, seal));
});

test('reordered, renumbered, dropped or foreign segments fail', () => {
  const [a, b, c] = manifest.segments;
  assert.ok(a && b && c);
  const reorderedSalts = withSegments(manifest, (s) => {
    [s[0]!.salt, s[1]!.salt] = [s[1]!.salt, s[0]!.salt];
  });
  assert.ok(!verifyManifest(dek, reorderedSalts, seal));
  assert.ok(!verifyManifest(dek, { ...manifest, segments: [b, a, c] }, seal));
  assert.ok(!verifyManifest(dek, withSegments(manifest, (s) => void (s[2]!.partNumber = 3)), seal));
  assert.ok(!verifyManifest(dek, { ...manifest, plainSize: a.plainSize + b.plainSize, segments: [a, b] }, seal));
  const foreign = withSegments(manifest, (s) => void (s[1]!.salt = generateSegmentSalt()));
  assert.ok(!verifyManifest(dek, foreign, seal));
});

test('the seal of another object (another data key) fails', () => {
  const other = generateDataKey();
  assert.ok(!verifyManifest(other, manifest, seal));
  assert.ok(!verifyManifest(dek, manifest, sealManifest(other, manifest)));
});

test('malformed seals are simply false', () => {
  const raw = Buffer.from(seal, 'base64url');
  const v2 = Buffer.from(raw);
  v2[0] = 2;
  for (const bad of ['', 'x', raw.subarray(1).toString('base64url'), v2.toString('base64url'), `${seal}A`, `${seal}=`, ` ${seal}`]) {
    assert.equal(verifyManifest(dek, manifest, bad), false, bad);
  }
});

test('sealing refuses manifests that break the format invariants', () => {
  const bad: ObjectManifest[] = [
    { ...manifest, segments: [] },
    { ...manifest, plainSize: manifest.plainSize + 1 },
    withSegments(manifest, (s) => void (s[1]!.partNumber = 1)),
    withSegments(manifest, (s) => void (s[0]!.salt = Buffer.alloc(8))),
    withSegments(manifest, (s) => void (s[0]!.plainSize = -1)),
  ];
  for (const m of bad) assert.throws(() => sealManifest(dek, m), RangeError);
});

test('a single empty segment is a valid manifest', () => {
  const empty: ObjectManifest = { plainSize: 0, etag: 'e', segments: [{ partNumber: 1, plainSize: 0, salt: generateSegmentSalt() }] };
  assert.ok(verifyManifest(dek, empty, sealManifest(dek, empty)));
});
