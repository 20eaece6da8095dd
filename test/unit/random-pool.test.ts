// The batched CSPRNG pool: every value fresh and distinct, each in a buffer of its own, across refills.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomHexId, takeRandomBytes } from '../../src/util/random-pool.ts';

test('values of every size are distinct across many pool refills', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    for (const size of [12, 16, 32, 64, 65, 1000]) {
      const bytes = takeRandomBytes(size);
      assert.equal(bytes.length, size);
      const hex = bytes.toString('hex');
      assert.ok(!seen.has(hex), `repeated value of ${size} bytes`);
      seen.add(hex);
    }
  }
});

test('a value is its own buffer: wiping it changes no other value', () => {
  const first = takeRandomBytes(32);
  const second = takeRandomBytes(32);
  const copy = Buffer.from(second);
  assert.notEqual(first.buffer, second.buffer);
  first.fill(0);
  assert.deepEqual(second, copy);
  assert.notDeepEqual(second, Buffer.alloc(32));
});

test('ids are 32 hex characters and do not repeat', () => {
  const ids = new Set(Array.from({ length: 5000 }, () => randomHexId()));
  assert.equal(ids.size, 5000);
  for (const id of ids) assert.match(id, /^[0-9a-f]{32}$/);
});
