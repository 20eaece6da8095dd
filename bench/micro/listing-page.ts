// A ListObjectsV2 page at the metadata store, without HTTP: 100,000 1-byte objects
// (dir{0..99}/file{0..999}, put in random order, 64 at a time), then 200 pages of 1000 keys from
// random places; prints the median and 90th percentile. Run it on two checkouts to compare them.
// Run: node --import tsx bench/micro/listing-page.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ObjectRecord } from '../../src/domain/model.ts';
import { openDatabase } from '../../src/storage/metadata/sqlite/open-database.ts';
import { SqliteMetadataStore } from '../../src/storage/metadata/sqlite/sqlite-metadata-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'coffer-listing-page-'));
try {
  const store = new SqliteMetadataStore(openDatabase(join(dir, 'metadata.sqlite'), { exclusive: true }), { soleWriter: true });
  await store.createBucket({ name: 'b', projectId: 'p', createdAt: new Date() });
  const record = (key: string): ObjectRecord => ({
    bucket: 'b', key, versionId: 'v', size: 1, etag: '"e"', lastModified: new Date(), contentHeaders: {}, userMetadata: {},
    multipart: false, segments: [{ blobId: '', partNumber: 1, size: 1, storedSize: 1, etag: 'e' }], inlineData: Buffer.from('x'),
  });
  const keys: string[] = [];
  for (let d = 0; d < 100; d++) for (let f = 0; f < 1000; f++) keys.push(`dir${d}/file${f}`);
  for (let i = keys.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [keys[i], keys[j]] = [keys[j]!, keys[i]!];
  }
  for (let i = 0; i < keys.length; i += 64) await Promise.all(keys.slice(i, i + 64).map((key) => store.putObject(record(key))));
  const times: number[] = [];
  for (let page = 0; page < 200; page++) {
    const after = `dir${Math.floor(Math.random() * 99)}/file${Math.floor(Math.random() * 1000)}`;
    const started = performance.now();
    await store.listObjects('b', { prefix: '', after, limit: 1001 });
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(`page of 1000 keys from 100,000: median ${times[100]!.toFixed(2)} ms, p90 ${times[180]!.toFixed(2)} ms`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
