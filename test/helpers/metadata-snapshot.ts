// Reads the metadata of a data folder whose server may be running. A single-process server keeps
// its database to itself (SQLite exclusive locking: no other process can open it, not even to
// read), so tests read a private copy of the database file and its WAL, as committed so far.
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const NAME = 'metadata.sqlite';

/** Runs `read` on a copy of the folder's metadata database; the copy is gone afterwards. */
export function readMetadata<T>(dataDir: string, read: (db: Database.Database) => T): T {
  if (!existsSync(join(dataDir, NAME))) throw new Error(`no ${NAME} in ${dataDir}`);
  const copyDir = mkdtempSync(join(tmpdir(), 'coffer-metadata-'));
  try {
    // The WAL first: a checkpoint that runs between the two copies leaves its pages in both.
    for (const suffix of ['-wal', '']) {
      const from = join(dataDir, NAME + suffix);
      if (existsSync(from)) copyFileSync(from, join(copyDir, NAME + suffix));
    }
    // Opened read-write: the copy has no WAL index, which SQLite rebuilds from the WAL.
    const db = new Database(join(copyDir, NAME), { fileMustExist: true });
    try {
      return read(db);
    } finally {
      db.close();
    }
  } finally {
    rmSync(copyDir, { recursive: true, force: true });
  }
}
