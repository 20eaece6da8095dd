// The SQLite metadata adapter against the shared contract, on a real database file: as cluster
// workers open it (every read goes to the file) and as a server that owns its file opens it
// (rows read again come from memory).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ObjectRecord } from '../../src/domain/model.ts';
import { openDatabase } from '../../src/storage/metadata/sqlite/open-database.ts';
import { SqliteMetadataStore } from '../../src/storage/metadata/sqlite/sqlite-metadata-store.ts';
import { metadataStoreContract } from '../contract/metadata-store.contract.ts';

function openStore(soleWriter: boolean): SqliteMetadataStore {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-sqlite-'));
  return new SqliteMetadataStore(openDatabase(join(dir, 'metadata.sqlite'), { exclusive: soleWriter }), { soleWriter });
}

metadataStoreContract('sqlite', async () => openStore(false));
metadataStoreContract('sqlite, sole writer', async () => openStore(true));

function inlineObject(key: string, bytes: number, etag: string): ObjectRecord {
  return {
    bucket: 'b', key, versionId: `v-${etag}`, size: bytes, etag, lastModified: new Date(1_700_000_000_000),
    contentHeaders: { contentType: 'text/plain' }, userMetadata: { a: 'b' }, multipart: false,
    segments: [{ blobId: '', partNumber: 1, size: bytes, storedSize: bytes, etag }],
    inlineData: Buffer.alloc(bytes, 7),
  };
}

async function withBucket(soleWriter: boolean): Promise<SqliteMetadataStore> {
  const store = openStore(soleWriter);
  await store.createBucket({ name: 'b', projectId: 'p', createdAt: new Date() });
  return store;
}

test('a sole writer reads a small object row once, shares it frozen, and reads it again after each change', async () => {
  const store = await withBucket(true);
  await store.putObject(inlineObject('k', 4096, 'e1'));
  const first = await store.getObject('b', 'k');
  assert.equal(await store.getObject('b', 'k'), first, 'the second read is the kept record');
  for (const part of [first, first?.contentHeaders, first?.userMetadata, first?.segments, first?.segments[0]]) {
    assert.ok(Object.isFrozen(part), 'no request can change what the next one reads');
  }

  await store.putObject(inlineObject('k', 4096, 'e2'));
  assert.equal((await store.getObject('b', 'k'))?.etag, 'e2', 'an overwrite is read at once');
  assert.equal(await store.replaceObjectVersion(inlineObject('k', 4096, 'e3'), 'v-e2'), true);
  assert.equal((await store.getObject('b', 'k'))?.etag, 'e3', 'a replaced version is read at once');
  await store.deleteObject('b', 'k');
  assert.equal(await store.getObject('b', 'k'), undefined, 'a deleted object is gone at once');
  await store.putObject(inlineObject('k', 4096, 'e4'));
  assert.equal((await store.getObject('b', 'k'))?.etag, 'e4', 'a missing row was not kept');
});

test('object rows with more inline bytes than the cache takes, and every row of a shared database, are read each time', async () => {
  const sole = await withBucket(true);
  await sole.putObject(inlineObject('big', 64 * 1024, 'e1'));
  const big = await sole.getObject('b', 'big');
  assert.notEqual(await sole.getObject('b', 'big'), big);
  assert.deepEqual(await sole.getObject('b', 'big'), big);

  const shared = await withBucket(false);
  await shared.putObject(inlineObject('k', 4096, 'e1'));
  assert.notEqual(await shared.getObject('b', 'k'), await shared.getObject('b', 'k'));
});
