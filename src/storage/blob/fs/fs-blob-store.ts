// Blob store on the local filesystem: one file per blob, written to a temp file, fsynced, renamed.
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { randomHexId } from '../../../util/random-pool.ts';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore, ByteRange } from '../../../domain/ports.ts';
import { FileSink } from './file-sink.ts';
import { ProgressiveFlush } from './progressive-flush.ts';

const BLOB_ID = /^[0-9a-f]{32}$/;
// Writes go out in batches of up to 1 MiB, one on the thread pool while the next gathers
// (FileSink): fewer, larger writes; with 256 KiB a 1 GiB PUT was 15-25% slower on the dev VM.
// 4 MiB made SSE-C PUT faster still under fs.WriteStream, which paused the upload for every write,
// but raised the server's peak memory to 213-223 MiB in two of three full runs against 143-173
// (docs/benchmarks.md), over the 200 MiB the project holds to. Reads go in 256 KiB steps: as fast
// as 1 MiB, and with several downloads at once ~25 MiB less peak memory (docs/benchmarks.md).
const WRITE_BUFFER = 1024 * 1024;
const READ_CHUNK = 256 * 1024;

export class FsBlobStore implements BlobStore {
  readonly #blobRoot: string;
  readonly #tempRoot: string;
  readonly #knownDirs = new Set<string>();

  constructor(dataDir: string) {
    this.#blobRoot = join(dataDir, 'blobs');
    this.#tempRoot = join(dataDir, 'tmp');
  }

  async init(): Promise<void> {
    await mkdir(this.#blobRoot, { recursive: true });
    await mkdir(this.#tempRoot, { recursive: true });
  }

  #pathOf(blobId: string): { dir: string; file: string } {
    if (!BLOB_ID.test(blobId)) throw new Error('invalid blob id');
    const dir = join(this.#blobRoot, blobId.slice(0, 2), blobId.slice(2, 4));
    return { dir, file: join(dir, blobId) };
  }

  async write(source: Readable): Promise<{ blobId: string; size: number }> {
    const blobId = randomHexId();
    const tempPath = join(this.#tempRoot, `${blobId}.part`);
    const handle = await open(tempPath, 'w', 0o600);
    const flush = new ProgressiveFlush(handle);
    let size = 0;
    const sink = new FileSink(handle, { batchBytes: WRITE_BUFFER, onWritten: (bytes) => flush.wrote(bytes) });
    try {
      source.on('data', (chunk: Buffer) => {
        size += chunk.length;
      });
      await pipeline(source, sink);
      await flush.sync();
    } catch (error) {
      await sink.settled().catch(() => undefined);
      await flush.settled();
      await handle.close().catch(() => undefined);
      await rm(tempPath, { force: true });
      throw error;
    }
    await handle.close();
    const { dir, file } = this.#pathOf(blobId);
    await this.#ensureDir(dir);
    await rename(tempPath, file);
    await syncDirectory(dir);
    return { blobId, size };
  }

  read(blobId: string, range?: ByteRange, pieceBytes?: number): Readable {
    const { file } = this.#pathOf(blobId);
    // A regular file's read stream yields exactly highWaterMark bytes per piece until the end.
    return createReadStream(file, {
      highWaterMark: pieceBytes ?? READ_CHUNK,
      ...(range ? { start: range.start, end: range.endInclusive } : {}),
    });
  }

  async delete(blobId: string): Promise<void> {
    await rm(this.#pathOf(blobId).file, { force: true });
  }

  async sweep(referenced: Set<string> | undefined): Promise<{ files: number; bytes: number }> {
    let files = 0;
    let bytes = 0;
    for (const name of await readdir(this.#tempRoot)) {
      const path = join(this.#tempRoot, name);
      bytes += (await stat(path)).size;
      await rm(path, { force: true });
      files++;
    }
    // Without the full set of referenced blobs (damaged metadata), no blob can be called an orphan.
    if (!referenced) return { files, bytes };
    for (const outer of await readdir(this.#blobRoot)) {
      for (const inner of await readdir(join(this.#blobRoot, outer))) {
        const dir = join(this.#blobRoot, outer, inner);
        for (const name of await readdir(dir)) {
          if (referenced.has(name)) continue;
          const path = join(dir, name);
          bytes += (await stat(path)).size;
          await rm(path, { force: true });
          files++;
        }
      }
    }
    return { files, bytes };
  }

  async #ensureDir(dir: string): Promise<void> {
    if (this.#knownDirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.#knownDirs.add(dir);
  }
}

/** fsync a directory so a rename into it survives a power cut. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
