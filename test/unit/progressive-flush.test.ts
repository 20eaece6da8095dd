// Background flushing of blobs being written: flushes start every FLUSH_EVERY bytes, never two at
// once, and the final sync waits for the one in flight; the file written through it is intact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { FLUSH_EVERY, ProgressiveFlush } from '../../src/storage/blob/fs/progressive-flush.ts';

test('flushes in the background every FLUSH_EVERY bytes, one at a time, and syncs the rest', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-flush-'));
  try {
    const handle = await open(join(dir, 'blob'), 'w');
    // Count the real datasync calls and how many overlap (the handle is a real file).
    let started = 0;
    let running = 0;
    let maxRunning = 0;
    const datasync = handle.datasync.bind(handle);
    handle.datasync = async () => {
      started++;
      maxRunning = Math.max(maxRunning, ++running);
      try {
        await datasync();
      } finally {
        running--;
      }
    };
    const flush = new ProgressiveFlush(handle);
    const piece = randomBytes(1024 * 1024);
    const pieces = (3 * FLUSH_EVERY) / piece.length + 1;
    for (let i = 0; i < pieces; i++) {
      await handle.write(piece);
      flush.wrote(piece.length);
      if (i === FLUSH_EVERY / piece.length - 2) assert.equal(started, 0, 'no flush before FLUSH_EVERY bytes');
    }
    await flush.sync();
    assert.equal(running, 0, 'sync() waited for the flush in flight');
    assert.ok(started >= 1 && started <= 3, `flushes started: ${started}`);
    assert.equal(maxRunning, 1);
    await handle.close();
    const written = readFileSync(join(dir, 'blob'));
    assert.equal(written.length, pieces * piece.length);
    assert.ok(written.subarray(written.length - piece.length).equals(piece));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failed background flush fails the final sync, even when the fsync after it succeeds', async () => {
  // Linux reports a writeback error to one fsync only: the failure must not be swallowed. The
  // kernel error is injected on the real handle; the final fsync is the real one and succeeds.
  const dir = mkdtempSync(join(tmpdir(), 'coffer-flush-'));
  try {
    const handle = await open(join(dir, 'blob'), 'w');
    const eio = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    handle.datasync = () => Promise.reject(eio);
    const flush = new ProgressiveFlush(handle);
    await handle.write(Buffer.alloc(FLUSH_EVERY));
    flush.wrote(FLUSH_EVERY);
    await assert.rejects(flush.sync(), (error: unknown) => error === eio);
    await handle.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
