// The SQLite metadata adapter against the shared contract, on a real database file: as cluster
// workers open it (every read goes to the file) and as a server that owns its file opens it
// (rows read again come from memory).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ObjectRecord } from '../../src/domain/model.ts';
import Database from 'better-sqlite3';
import { openDatabase } from '../../src/storage/metadata/sqlite/open-database.ts';
import { migrations } from '../../src/storage/metadata/sqlite/schema.ts';
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

test('a database from before inline_blobs keeps its small objects through the migration', async () => {
  // The file as the schema before the last migration left it, with a row written then; opening it
  // migrates it, and the object reads back byte for byte and can be overwritten and deleted.
  const path = join(mkdtempSync(join(tmpdir(), 'coffer-sqlite-')), 'metadata.sqlite');
  const old = new Database(path);
  old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY)');
  for (const [index, sql] of migrations.slice(0, migrations.findIndex((sql) => sql.includes('CREATE TABLE inline_blobs'))).entries()) {
    old.exec(sql);
    old.prepare('INSERT INTO schema_migrations (version) VALUES (?)').run(index + 1);
  }
  old.prepare('INSERT INTO buckets (name, project_id, created_at) VALUES (?, ?, ?)').run('b', 'p', 1);
  const bytes = Buffer.from('inline bytes written before the migration');
  const insert = old.prepare(`INSERT INTO objects (bucket, key, version_id, size, etag, last_modified, multipart,
    content_headers, user_metadata, segments, checksum, encryption, inline_data) VALUES (?, ?, 'v', ?, 'e', 1, 0, '{}', '{}', ?, NULL, NULL, ?)`);
  insert.run('b', 'small', bytes.length, JSON.stringify([{ blobId: '', partNumber: 1, size: bytes.length, storedSize: bytes.length, etag: 'e' }]), bytes);
  insert.run('b', 'large', 5, JSON.stringify([{ blobId: 'a'.repeat(32), partNumber: 1, size: 5, storedSize: 5, etag: 'e' }]), null);
  old.close();

  const store = new SqliteMetadataStore(openDatabase(path, { exclusive: true }), { soleWriter: true });
  assert.deepEqual((await store.getObject('b', 'small'))?.inlineData, bytes);
  assert.equal((await store.getObject('b', 'large'))?.inlineData, undefined);
  await store.putObject(inlineObject('small', 10, 'e2'));
  assert.deepEqual((await store.getObject('b', 'small'))?.inlineData, Buffer.alloc(10, 7));
  assert.deepEqual((await store.deleteObject('b', 'small'))?.inlineData, Buffer.alloc(10, 7));
  assert.equal(await store.getObject('b', 'small'), undefined);
});

test('inline bytes have one row per object: overwrites reuse it, a large overwrite and a delete free it', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'coffer-sqlite-')), 'metadata.sqlite');
  const database = openDatabase(path, { exclusive: true });
  const counted = new SqliteMetadataStore(database, { soleWriter: true });
  await counted.createBucket({ name: 'b', projectId: 'p', createdAt: new Date() });
  const inlineRows = () => database.prepare('SELECT count(*) FROM inline_blobs').pluck().get();
  await counted.putObject(inlineObject('a', 100, 'e1'));
  await counted.putObject(inlineObject('b', 100, 'e1'));
  assert.equal(inlineRows(), 2);
  await counted.putObject(inlineObject('a', 200, 'e2'));
  assert.equal(inlineRows(), 2, 'an overwrite reuses the row');
  assert.deepEqual((await counted.getObject('b', 'a'))?.inlineData, Buffer.alloc(200, 7));
  const large = { ...inlineObject('a', 5, 'e3'), inlineData: undefined, segments: [{ blobId: 'b'.repeat(32), partNumber: 1, size: 5, storedSize: 5, etag: 'e3' }] };
  await counted.putObject(large);
  assert.equal(inlineRows(), 1, 'a large object in its place frees the row');
  assert.equal((await counted.getObject('b', 'a'))?.inlineData, undefined);
  await counted.deleteObject('b', 'b');
  assert.equal(inlineRows(), 0, 'a delete frees the row');
});
