// Looks inside a server's data folder: temporaries, blob files, which blobs the metadata references.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readMetadata } from '../../helpers/metadata-snapshot.ts';

export interface FileTally {
  files: number;
  bytes: number;
}

export interface Inventory {
  tmp: FileTally;
  blobs: FileTally;
  orphans: FileTally;
  /** Referenced blob ids with no file: lost data. */
  missing: string[];
  referenced: number;
}

function walk(dir: string, visit: (path: string, name: string, size: number) => void): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, visit);
    else visit(path, entry.name, statSync(path).size);
  }
}

export function tallyTmp(dataDir: string): FileTally {
  const tally = { files: 0, bytes: 0 };
  walk(join(dataDir, 'tmp'), (_p, _n, size) => {
    tally.files++;
    tally.bytes += size;
  });
  return tally;
}

/** The blob ids the metadata refers to (objects' segments and uploads' parts), read from a copy. */
export function referencedBlobs(dataDir: string): Set<string> {
  return readMetadata(dataDir, (db) => {
    const ids = new Set<string>(db.prepare('SELECT blob_id FROM parts').pluck().all() as string[]);
    for (const text of db.prepare('SELECT segments FROM objects').pluck().all() as string[]) {
      // Small objects live inline in their row (blobId ''); a damaged row still names its blobs.
      let segments: { blobId: string }[];
      try {
        segments = JSON.parse(text) as { blobId: string }[];
      } catch {
        segments = [...text.matchAll(/[0-9a-f]{32}/g)].map((m) => ({ blobId: m[0] }));
      }
      for (const segment of segments) if (segment.blobId !== '') ids.add(segment.blobId);
    }
    return ids;
  });
}

/** Counts temporaries, blob files and orphans (blob files no row refers to), and referenced blobs with no file. */
export function inventory(dataDir: string): Inventory {
  const referenced = referencedBlobs(dataDir);
  const blobs = { files: 0, bytes: 0 };
  const orphans = { files: 0, bytes: 0 };
  const present = new Set<string>();
  walk(join(dataDir, 'blobs'), (_path, name, size) => {
    blobs.files++;
    blobs.bytes += size;
    present.add(name);
    if (!referenced.has(name)) {
      orphans.files++;
      orphans.bytes += size;
    }
  });
  const missing = [...referenced].filter((id) => !present.has(id));
  return { tmp: tallyTmp(dataDir), blobs, orphans, missing, referenced: referenced.size };
}

/** The blob file of one segment of an object (for fault injection). */
export function blobPathOf(dataDir: string, bucket: string, key: string, segment = 0): string {
  const text = readMetadata(dataDir, (db) =>
    db.prepare('SELECT segments FROM objects WHERE bucket = ? AND key = ?').pluck().get(bucket, key) as string | undefined);
  if (text === undefined) throw new Error(`no object ${bucket}/${key}`);
  const id = (JSON.parse(text) as { blobId: string }[])[segment]?.blobId;
  if (!id) throw new Error(`object ${bucket}/${key} has no blob file (inline or empty)`);
  return join(dataDir, 'blobs', id.slice(0, 2), id.slice(2, 4), id);
}

/**
 * Every file of the data folder whose name is not part of Coffer's layout
 * (metadata.sqlite*, tmp/, blobs/xx/yy/<id>, TLS and key files at the top level).
 */
export function strangeFiles(dataDir: string): string[] {
  const strange: string[] = [];
  walk(dataDir, (path) => {
    const rel = path.slice(dataDir.length + 1);
    const ok =
      /^blobs\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{32}$/.test(rel) ||
      /^tmp\/[0-9a-f]{32}\.part$/.test(rel) ||
      /^tls\/[a-z]+\.pem$/.test(rel) ||
      /^[^/]+$/.test(rel);
    if (!ok) strange.push(rel);
  });
  return strange;
}
