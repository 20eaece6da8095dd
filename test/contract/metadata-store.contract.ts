// The contract every MetadataStore adapter must meet; run unchanged against each adapter.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObjectRecord, PartRecord, UploadRecord } from '../../src/domain/model.ts';
import type { MetadataStore } from '../../src/domain/ports.ts';

function object(bucket: string, key: string, blobId = `b${key.length}${key.charCodeAt(0)}`.padEnd(32, '0')): ObjectRecord {
  return {
    bucket, key, versionId: `v-${key}`, size: 3, etag: 'e', lastModified: new Date(1_700_000_000_000),
    contentHeaders: { contentType: 'text/plain' }, userMetadata: { a: 'b' }, multipart: false,
    segments: [{ blobId, partNumber: 1, size: 3, storedSize: 3, etag: 'e' }],
  };
}

function upload(bucket: string, key: string, uploadId: string): UploadRecord {
  return { uploadId, bucket, key, versionId: `v-${uploadId}`, initiated: new Date(), contentHeaders: {}, userMetadata: {} };
}

function part(uploadId: string, partNumber: number, blobId: string): PartRecord {
  return { uploadId, partNumber, size: 5, storedSize: 5, etag: `p${partNumber}`, blobId, lastModified: new Date() };
}

/** Absent and undefined fields are the same thing to a store. */
const defined = (record: object | undefined) =>
  record && Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));

export function metadataStoreContract(name: string, open: () => Promise<MetadataStore>): void {
  describe(`MetadataStore contract: ${name}`, () => {
    it('creates buckets once and deletes only empty ones', async () => {
      const store = await open();
      assert.equal(await store.createBucket({ name: 'b1', projectId: 'p', createdAt: new Date() }), 'created');
      assert.equal(await store.createBucket({ name: 'b1', projectId: 'q', createdAt: new Date() }), 'exists');
      assert.equal((await store.getBucket('b1'))?.projectId, 'p');
      await store.putObject(object('b1', 'k'));
      assert.equal(await store.deleteBucket('b1'), 'not-empty');
      await store.deleteObject('b1', 'k');
      await store.createUpload(upload('b1', 'k', 'u1'));
      assert.equal(await store.deleteBucket('b1'), 'not-empty');
      await store.abortUpload('u1');
      assert.equal(await store.deleteBucket('b1'), 'deleted');
      assert.equal(await store.deleteBucket('b1'), 'missing');
      await store.close();
    });

    it("replaces objects and returns the replaced record's segments", async () => {
      const store = await open();
      await store.createBucket({ name: 'b2', projectId: 'p', createdAt: new Date() });
      const first = object('b2', 'k', 'a'.repeat(32));
      assert.equal(await store.putObject(first), undefined);
      const second = { ...object('b2', 'k', 'c'.repeat(32)), inlineData: Buffer.from('xyz') };
      assert.deepEqual(defined(await store.putObject(second)), defined(first.segments));
      assert.deepEqual(defined(await store.getObject('b2', 'k')), defined(second));
      assert.equal(await store.replaceObjectVersion({ ...second, versionId: 'v3' }, 'wrong'), false);
      assert.equal(await store.replaceObjectVersion({ ...second, versionId: 'v3' }, second.versionId), true);
      assert.deepEqual(await store.allBlobIds(), new Set(['c'.repeat(32)]));
      // Every column is replaced, inline bytes included: a blob-backed object after an inline one has none.
      const third = object('b2', 'k', 'd'.repeat(32));
      assert.deepEqual(defined(await store.putObject(third)), defined(second.segments));
      assert.deepEqual(defined(await store.getObject('b2', 'k')), defined(third));
      assert.equal((await store.getObject('b2', 'k'))?.inlineData, undefined);
      await store.close();
    });

    it('lists keys in UTF-8 byte order within a prefix, after a marker', async () => {
      const store = await open();
      await store.createBucket({ name: 'b3', projectId: 'p', createdAt: new Date() });
      const keys = ['a', 'a/b', 'a/c', 'ab', 'b', 'é', 'z', '\u{1F600}'];
      for (const key of keys) await store.putObject(object('b3', key));
      const all = await store.listObjects('b3', { prefix: '', after: '', limit: 100 });
      assert.deepEqual(all.map((o) => o.key), [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
      const within = await store.listObjects('b3', { prefix: 'a/', after: '', limit: 100 });
      assert.deepEqual(within.map((o) => o.key), ['a/b', 'a/c']);
      const paged = await store.listObjects('b3', { prefix: '', after: 'ab', limit: 2 });
      assert.deepEqual(paged.map((o) => o.key), ['b', 'z']);
      // A marker before, inside and past the prefix: the page starts at the prefix, after the
      // marker, or is empty.
      const before = await store.listObjects('b3', { prefix: 'a/', after: 'a', limit: 100 });
      assert.deepEqual(before.map((o) => o.key), ['a/b', 'a/c']);
      const inside = await store.listObjects('b3', { prefix: 'a/', after: 'a/b', limit: 100 });
      assert.deepEqual(inside.map((o) => o.key), ['a/c']);
      assert.deepEqual(await store.listObjects('b3', { prefix: 'a/', after: 'ab', limit: 100 }), []);
      // Bounds compared in UTF-8 byte order, as keys are sorted: U+FF01 sorts before U+1F600 in
      // UTF-8 and after it in UTF-16.
      await store.putObject(object('b3', '\uFF01a'));
      await store.putObject(object('b3', '\uFF02'));
      await store.putObject(object('b3', '\u{1F600}a'));
      assert.deepEqual(await store.listObjects('b3', { prefix: '\uFF01', after: '\u{1F600}', limit: 100 }), []);
      const astral = await store.listObjects('b3', { prefix: '\u{1F600}', after: '\uFF01', limit: 2 });
      assert.deepEqual(astral.map((o) => o.key), ['\u{1F600}', '\u{1F600}a']);
      const [first] = await store.listObjects('b3', { prefix: 'é', after: '', limit: 1 });
      assert.deepEqual(first, { key: 'é', size: 3, etag: 'e', lastModified: new Date(1_700_000_000_000), checksumAlgorithm: undefined });
      await store.close();
    });

    it('keeps parts per upload and completes atomically', async () => {
      const store = await open();
      await store.createBucket({ name: 'b4', projectId: 'p', createdAt: new Date() });
      await store.createUpload(upload('b4', 'k', 'u2'));
      await store.putPart(part('u2', 1, '1'.repeat(32)));
      const replaced = await store.putPart(part('u2', 1, '2'.repeat(32)));
      assert.equal(replaced?.blobId, '1'.repeat(32));
      await store.putPart(part('u2', 2, '3'.repeat(32)));
      assert.deepEqual((await store.listParts('u2', 0, 10)).map((p) => p.partNumber), [1, 2]);
      assert.deepEqual((await store.listParts('u2', 1, 10)).map((p) => p.partNumber), [2]);
      const done = await store.completeUpload('u2', { ...object('b4', 'k', '2'.repeat(32)), multipart: true });
      assert.deepEqual(done?.unusedParts.map((p) => p.blobId), ['3'.repeat(32)]);
      assert.equal(await store.getUpload('b4', 'k', 'u2'), undefined);
      assert.equal(await store.completeUpload('u2', object('b4', 'k')), undefined);
      await assert.rejects(store.putPart(part('u2', 3, '4'.repeat(32))));
      await store.close();
    });

    it('lists uploads by key then id, after a marker', async () => {
      const store = await open();
      await store.createBucket({ name: 'b5', projectId: 'p', createdAt: new Date() });
      for (const [key, id] of [['a', 'u1'], ['a', 'u2'], ['b', 'u0']] as const) await store.createUpload(upload('b5', key, id));
      const all = await store.listUploads('b5', { prefix: '', keyAfter: '', uploadIdAfter: '', limit: 10 });
      assert.deepEqual(all.map((u) => `${u.key}:${u.uploadId}`), ['a:u1', 'a:u2', 'b:u0']);
      const after = await store.listUploads('b5', { prefix: '', keyAfter: 'a', uploadIdAfter: 'u1', limit: 10 });
      assert.deepEqual(after.map((u) => `${u.key}:${u.uploadId}`), ['a:u2', 'b:u0']);
      await store.close();
    });
  });
}
