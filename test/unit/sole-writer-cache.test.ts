// The in-memory rows of a server that owns its database: kept only when enabled, misses never kept,
// a forgotten row read again, and memory bounded whatever names clients send.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SoleWriterCache } from '../../src/storage/metadata/sqlite/sole-writer-cache.ts';

/** A row source that counts its reads. */
function source(rows: Map<string, string>) {
  const reads: string[] = [];
  return { reads, read: (key: string) => () => { reads.push(key); return rows.get(key); } };
}

test('an enabled cache reads a found row once, until it is forgotten', () => {
  const rows = new Map([['alpha', 'v1']]);
  const { reads, read } = source(rows);
  const cache = new SoleWriterCache<string>(true);
  assert.equal(cache.through('alpha', read('alpha')), 'v1');
  assert.equal(cache.through('alpha', read('alpha')), 'v1');
  assert.deepEqual(reads, ['alpha']);
  rows.set('alpha', 'v2');
  cache.forget('alpha');
  assert.equal(cache.through('alpha', read('alpha')), 'v2');
  assert.deepEqual(reads, ['alpha', 'alpha']);
});

test('a missing row is never kept: it is found as soon as it exists', () => {
  const rows = new Map<string, string>();
  const { reads, read } = source(rows);
  const cache = new SoleWriterCache<string>(true);
  assert.equal(cache.through('late', read('late')), undefined);
  rows.set('late', 'here');
  assert.equal(cache.through('late', read('late')), 'here');
  assert.deepEqual(reads, ['late', 'late']);
});

test('a disabled cache (processes sharing the database) reads every time', () => {
  const rows = new Map([['alpha', 'v1']]);
  const { reads, read } = source(rows);
  const cache = new SoleWriterCache<string>(false);
  cache.through('alpha', read('alpha'));
  cache.through('alpha', read('alpha'));
  assert.deepEqual(reads, ['alpha', 'alpha']);
});

test('past its limit the cache starts over instead of growing', () => {
  const rows = new Map(Array.from({ length: 5 }, (_, i) => [`k${i}`, `v${i}`] as const));
  const { reads, read } = source(rows);
  const cache = new SoleWriterCache<string>(true, 4);
  for (let i = 0; i < 4; i++) cache.through(`k${i}`, read(`k${i}`));
  cache.through('k0', read('k0'));
  assert.equal(reads.length, 4, 'all four kept');
  cache.through('k4', read('k4'));
  cache.through('k0', read('k0'));
  assert.deepEqual(reads.slice(4), ['k4', 'k0'], 'the fifth entry emptied the cache');
});
