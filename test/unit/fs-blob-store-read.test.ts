// Reading blobs from the filesystem store: exact bytes for whole blobs and ranges, and pieces of
// the size a reader asks for (SSE-C reads whole cipher chunks, so none is split across pieces).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { FsBlobStore } from '../../src/storage/blob/fs/fs-blob-store.ts';

async function pieces(stream: Readable): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const piece of stream) out.push(piece as Buffer);
  return out;
}

test('reads a range in pieces of the requested size, the last one shorter, bytes exact', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-blobs-'));
  try {
    const store = new FsBlobStore(dir);
    await store.init();
    const data = randomBytes(3 * 1024 * 1024 + 123);
    const { blobId, size } = await store.write(Readable.from([data.subarray(0, 1_000_000), data.subarray(1_000_000)]));
    assert.equal(size, data.length);

    const piece = 4 * 65_552;
    const range = { start: 65_552, endInclusive: data.length - 1 };
    const got = await pieces(store.read(blobId, range, piece));
    assert.deepEqual(Buffer.concat(got), data.subarray(range.start));
    for (const p of got.slice(0, -1)) assert.equal(p.length, piece);
    assert.ok((got.at(-1)?.length ?? 0) <= piece);

    // Without a piece size the store picks its own; the bytes are the same.
    const whole = await pieces(store.read(blobId));
    assert.deepEqual(Buffer.concat(whole), data);
    assert.ok(whole.length > 1, 'a 3 MiB blob arrives in several pieces');

    const small = await pieces(store.read(blobId, { start: 10, endInclusive: 19 }, piece));
    assert.deepEqual(Buffer.concat(small), data.subarray(10, 20));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
