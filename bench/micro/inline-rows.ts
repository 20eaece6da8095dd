// Where a small object's bytes cost least to insert: a column of the objects table (clustered on
// bucket and key, WITHOUT ROWID) or a table of their own appended in rowid order (what Coffer does,
// schema migration 5). Inserts 4 KiB objects under random keys in batches of 5, as the server's group
// commit does, into a fresh database of each layout; prints CPU and wall time per insert.
// Run: node --import tsx bench/micro/inline-rows.ts [objects]
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const objects = Number(process.argv[2] ?? 20_000);
const batch = 5;
const data = randomBytes(4096);
const columns = `bucket TEXT NOT NULL, key TEXT NOT NULL, version_id TEXT NOT NULL, size INTEGER NOT NULL,
  etag TEXT NOT NULL, last_modified INTEGER NOT NULL, multipart INTEGER NOT NULL, content_headers TEXT NOT NULL,
  user_metadata TEXT NOT NULL, segments TEXT NOT NULL, checksum TEXT, encryption TEXT`;
const values = ['v', 4096, '"0123456789abcdef0123456789abcdef"', 0, 0, '{"contentType":"application/octet-stream"}', '{}', '[]', null, null];

function open(dir: string): Database.Database {
  const db = new Database(join(dir, 'metadata.sqlite'));
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}

const layouts: Record<string, (db: Database.Database) => (key: string) => void> = {
  'bytes in the objects row': (db) => {
    db.exec(`CREATE TABLE objects (${columns}, inline_data BLOB, PRIMARY KEY (bucket, key)) WITHOUT ROWID`);
    const previous = db.prepare('SELECT segments FROM objects WHERE bucket = ? AND key = ?').pluck();
    const insert = db.prepare('INSERT INTO objects VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    return (key) => {
      previous.get('b', key);
      insert.run('b', key, ...values, data);
    };
  },
  'bytes in inline_blobs': (db) => {
    db.exec(`CREATE TABLE inline_blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
      CREATE TABLE objects (${columns}, inline_id INTEGER, PRIMARY KEY (bucket, key)) WITHOUT ROWID`);
    const previous = db.prepare('SELECT segments, inline_id FROM objects WHERE bucket = ? AND key = ?').raw();
    const blob = db.prepare('INSERT INTO inline_blobs (data) VALUES (?)');
    const insert = db.prepare('INSERT INTO objects VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    return (key) => {
      previous.get('b', key);
      insert.run('b', key, ...values, blob.run(data).lastInsertRowid);
    };
  },
};

for (const [name, layout] of Object.entries(layouts)) {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-inline-rows-'));
  try {
    const db = open(dir);
    const insertOne = layout(db);
    const commit = db.transaction((keys: string[]) => keys.forEach(insertOne));
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let done = 0; done < objects; done += batch) {
      commit(Array.from({ length: batch }, () => `dir${Math.floor(Math.random() * 100)}/${randomBytes(8).toString('hex')}`));
    }
    const used = process.cpuUsage(cpu);
    const wall = performance.now() - started;
    console.log(`${name.padEnd(26)} ${((used.user + used.system) / objects).toFixed(1)} µs CPU, ${((wall * 1000) / objects).toFixed(1)} µs wall per 4 KiB insert (${objects} objects)`);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
