// MD5 on the offload threads: exact digests, and at most four bodies hashed there at once, so ten
// parts uploaded together do not each hold batches in memory; a finished body frees its place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { configureOffload, createOffloadedMd5, stopOffload } from '../../src/crypto/offload/index.ts';

test('four bodies at once on the threads, the fifth hashes inline until one finishes', async () => {
  configureOffload({ threads: 2 });
  try {
    const bodies = Array.from({ length: 4 }, () => randomBytes(3 * 1024 * 1024 + 17));
    const hashers = bodies.map(() => createOffloadedMd5());
    assert.ok(hashers.every((h) => h !== undefined), 'the first four are offloaded');
    assert.equal(createOffloadedMd5(), undefined, 'a fifth body at the same time hashes inline');

    const digests = await Promise.all(hashers.map(async (hasher, i) => {
      for (let at = 0; at < bodies[i]!.length; at += 100_000) await hasher!.update(bodies[i]!.subarray(at, at + 100_000));
      return hasher!.digest();
    }));
    digests.forEach((digest, i) => assert.deepEqual(digest, createHash('md5').update(bodies[i]!).digest()));

    const next = createOffloadedMd5();
    assert.ok(next !== undefined, 'finished bodies free their places');
    next.dispose();
    const afterDispose = Array.from({ length: 4 }, () => createOffloadedMd5());
    assert.ok(afterDispose.every((h) => h !== undefined), 'an abandoned body frees its place too');
    afterDispose.forEach((h) => h!.dispose());
  } finally {
    await stopOffload();
  }
});
