// The blob file sink: what goes in comes out in the file byte for byte and in order, the source keeps
// going while a write is in flight and waits only when the next batch is full, a failed write fails
// the stream, and a destroyed sink returns only once no write is left running on the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileSink } from '../../src/storage/blob/fs/file-sink.ts';

async function withFile(run: (handle: FileHandle, path: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-sink-'));
  const path = join(dir, 'blob');
  const handle = await open(path, 'w');
  try {
    await run(handle, path);
  } finally {
    await handle.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Pieces of random sizes from 1 byte to 200 KiB, as a socket and a cipher hand them on. */
function randomPieces(total: number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let left = total; left > 0; ) {
    const size = Math.min(left, 1 + Math.floor(Math.random() * 200 * 1024));
    pieces.push(randomBytes(size));
    left -= size;
  }
  return pieces;
}

test('writes every piece, in order, at the right place', async () => {
  await withFile(async (handle, path) => {
    const pieces = randomPieces(9 * 1024 * 1024 + 123);
    let reported = 0;
    const sink = new FileSink(handle, { batchBytes: 1024 * 1024, onWritten: (bytes) => (reported += bytes) });
    await pipeline(Readable.from(pieces), sink);
    const expected = Buffer.concat(pieces);
    assert.equal(reported, expected.length, 'onWritten adds up to the bytes written');
    assert.ok(readFileSync(path).equals(expected));
  });
});

test('keeps taking data while a write is in flight, and holds the source once the next batch is full', async () => {
  await withFile(async (handle, path) => {
    // The real writev, held until the test lets it go, so the write is in flight for as long as needed.
    const writev = handle.writev.bind(handle);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    handle.writev = (async (buffers: Buffer[], position?: number) => {
      if (calls++ === 0) await gate;
      return writev(buffers, position);
    }) as FileHandle['writev'];
    const batchBytes = 256 * 1024;
    const sink = new FileSink(handle, { batchBytes });
    const piece = randomBytes(64 * 1024);
    const accepted: number[] = [];
    const write = (index: number) => new Promise<void>((resolve, reject) => sink.write(piece, (error) => (error ? reject(error) : (accepted.push(index), resolve()))));
    const first = write(0); // starts the write that the gate holds
    await first;
    const gathering = [1, 2, 3].map(write); // under batchBytes while the first write is in flight
    await Promise.all(gathering);
    assert.deepEqual(accepted, [0, 1, 2, 3], 'pieces taken while a write is in flight');
    const filling = write(4); // the batch reaches batchBytes: the source must wait
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(accepted, [0, 1, 2, 3], 'the piece that filled the batch is held');
    assert.equal(calls, 1, 'one write at a time');
    release();
    await filling;
    assert.deepEqual(accepted, [0, 1, 2, 3, 4]);
    await new Promise<void>((resolve, reject) => sink.end((error?: Error | null) => (error ? reject(error) : resolve())));
    assert.ok(readFileSync(path).equals(Buffer.concat(Array(5).fill(piece))));
  });
});

test('a failed write fails the stream with the file system error', async () => {
  await withFile(async (handle) => {
    const eio = Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
    handle.writev = (() => Promise.reject(eio)) as FileHandle['writev'];
    const sink = new FileSink(handle, { batchBytes: 1024 * 1024 });
    await assert.rejects(pipeline(Readable.from(randomPieces(3 * 1024 * 1024)), sink), (error: NodeJS.ErrnoException) => error.code === 'EIO');
  });
});

test('a destroyed sink reports closed only once its write in flight has returned', async () => {
  await withFile(async (handle) => {
    const writev = handle.writev.bind(handle);
    let running = 0;
    handle.writev = (async (buffers: Buffer[], position?: number) => {
      running++;
      await new Promise((resolve) => setTimeout(resolve, 30));
      try {
        return await writev(buffers, position);
      } finally {
        running--;
      }
    }) as FileHandle['writev'];
    const sink = new FileSink(handle, { batchBytes: 1024 * 1024 });
    sink.write(randomBytes(512 * 1024));
    assert.equal(running, 1);
    const closed = new Promise<number>((resolve) => sink.once('close', () => resolve(running)));
    sink.destroy(new Error('the upload was cut'));
    sink.on('error', () => undefined);
    assert.equal(await closed, 0, 'no write running on the file when the sink closes');
  });
});
