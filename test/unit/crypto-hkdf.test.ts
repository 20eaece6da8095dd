// hkdf32 (two HMACs) derives exactly what node:crypto's hkdfSync derives, for the salts and infos
// Coffer uses (empty salt included) and for random ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hkdfSync, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { hkdf32 } from '../../src/crypto/format.ts';

const reference = (ikm: Buffer, salt: Buffer, info: Buffer): Buffer => Buffer.from(hkdfSync('sha256', ikm, salt, info, 32));

test('RFC 5869 test case 1 (first 32 bytes of its OKM)', () => {
  const ikm = Buffer.alloc(22, 0x0b);
  const salt = Buffer.from('000102030405060708090a0b0c', 'hex');
  const info = Buffer.from('f0f1f2f3f4f5f6f7f8f9', 'hex');
  assert.equal(hkdf32(ikm, salt, info).toString('hex'), '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf');
});

test('equal to hkdfSync for empty salts and random inputs', () => {
  assert.deepEqual(hkdf32(randomBytes(0), Buffer.alloc(0), Buffer.alloc(0)), reference(Buffer.alloc(0), Buffer.alloc(0), Buffer.alloc(0)));
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ maxLength: 200 }), (ikm, salt, info) => {
      const [i, s, n] = [Buffer.from(ikm), Buffer.from(salt), Buffer.from(info)];
      assert.deepEqual(hkdf32(i, s, n), reference(i, s, n));
    }),
    { numRuns: 300 },
  );
});
