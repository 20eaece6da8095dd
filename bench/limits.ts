// The machine's limits: one core of node:crypto, loopback HTTPS through a bare server, disk with fsync.
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { sdk } from './client.ts';
import { measureCryptoRates } from './crypto-limits.ts';
import { closedLoop, mibps, now, percentile, type Figures } from './figures.ts';
import type { BenchOptions } from './options.ts';
import type { Target } from './servers.ts';
import { ProgressiveFlush } from '../src/storage/blob/fs/progressive-flush.ts';
import { drain, patternBlock, timedTransfer } from './transfer.ts';
import { smallCell, warmClient } from './small.ts';

/** One core of node:crypto, measured in a process of its own (see crypto-limits.ts). */
export function measureCrypto(figures: Figures, options: BenchOptions): void {
  const rates = measureCryptoRates(options.cryptoSeconds);
  figures.set('limit.aes', { label: 'AES-256-GCM seal, 64 KiB chunks, one core', value: rates.aes, unit: 'MiB/s' });
  figures.set('limit.md5', { label: 'MD5, one core', value: rates.md5, unit: 'MiB/s' });
  figures.set('limit.sha256', { label: 'SHA256, one core', value: rates.sha256, unit: 'MiB/s' });
}

/**
 * Writing into memory the process has not touched yet (page faults: the kernel maps and zeroes each
 * 4 KiB page) against writing into memory already mapped. Every fresh buffer a server allocates
 * (socket reads, cipher output, page cache for files) pays the first figure; on some VMs a fault
 * costs ten microseconds and more, which bounds any streaming server.
 */
export function measureMemoryTouch(figures: Figures, options: BenchOptions): void {
  const size = Math.max(16 * 1024 * 1024, Math.min(256 * 1024 * 1024, options.largeSize / 4));
  // Buffer.alloc is calloc: at this size glibc maps fresh zero pages and leaves them untouched.
  const buffer = Buffer.alloc(size);
  let t0 = now();
  buffer.fill(1);
  const fresh = mibps(size, now() - t0);
  t0 = now();
  buffer.fill(2);
  const touched = mibps(size, now() - t0);
  const pageMicros = (4096 / (fresh * 1024 * 1024)) * 1e6;
  figures.set('limit.memory.fresh', {
    label: 'memory: writing fresh pages (page faults), one core', value: fresh, unit: 'MiB/s',
    detail: { bytes: size, microsecondsPer4KiBPage: +pageMicros.toFixed(2), touchedMiBps: Math.round(touched) },
  });
  figures.set('limit.memory.touched', { label: 'memory: writing pages already mapped, one core', value: touched, unit: 'MiB/s' });
}

/**
 * Sequential 1 MiB writes of the large size into the data folder, flushed as they go and fsynced, as
 * Coffer writes a blob (ProgressiveFlush); the file stays for `aws s3 cp`.
 */
export async function measureDisk(figures: Figures, options: BenchOptions, path: string): Promise<void> {
  const t0 = now();
  await writeFlushed(path, options.largeSize);
  figures.set('limit.disk', {
    label: 'disk: sequential write, flushed as it goes + fsync, data folder', value: mibps(options.largeSize, now() - t0), unit: 'MiB/s',
    detail: { bytes: options.largeSize },
  });
}

/**
 * The same bytes as four files written at once, as four uploads write their blobs: how the disk
 * itself takes parallel writers, the neighbour of the "4 streams vs 1" PUT rows.
 */
export async function measureDiskParallel(figures: Figures, options: BenchOptions, dir: string): Promise<void> {
  const files = 4;
  const each = Math.ceil(options.largeSize / files);
  const paths = Array.from({ length: files }, (_, i) => join(dir, `disk-parallel-${i}.bin`));
  const t0 = now();
  try {
    await Promise.all(paths.map((path) => writeFlushed(path, each)));
  } finally {
    await Promise.all(paths.map((path) => rm(path, { force: true })));
  }
  figures.set('limit.disk.4', {
    label: `disk: ${files} files written at once, flushed as they go + fsync, data folder`, value: mibps(each * files, now() - t0), unit: 'MiB/s',
    detail: { bytes: each * files, files },
  });
}

async function writeFlushed(path: string, size: number): Promise<void> {
  const block = patternBlock();
  const handle = await open(path, 'w');
  const flush = new ProgressiveFlush(handle);
  try {
    for (let written = 0; written < size; written += block.length) {
      const n = Math.min(block.length, size - written);
      await handle.write(block, 0, n);
      flush.wrote(n);
    }
    await flush.sync();
  } finally {
    await flush.settled();
    await handle.close();
  }
}

/** The bare HTTPS server, measured with the very client code used for Coffer and the peer. */
export async function measureBare(figures: Figures, options: BenchOptions, bare: Target): Promise<void> {
  const client = sdk(bare, 4);
  try {
    const key = `size-${options.largeSize}`;
    const common = { bucket: 'bare', keys: [key], sizeEach: options.largeSize };
    figures.set('limit.bare.put', await timedTransfer(client, bare.pid, { ...common, op: 'put', label: 'bare node:https server, PUT (discarded), 1 stream' }));
    figures.set('limit.bare.get', await timedTransfer(client, bare.pid, { ...common, op: 'get', label: 'bare node:https server, GET (streamed), 1 stream' }));
    // What storing adds: the same PUT, with its per-byte work, written to a file and fsynced.
    for (const [work, what] of [['md5', 'MD5'], ['aes', 'AES-GCM']] as const) {
      figures.set(`limit.bare.store.${work}`, await timedTransfer(client, bare.pid, {
        ...common, keys: [`store-${work}-${key}`], op: 'put', label: `bare node:https server, PUT + ${what} written to a file + fsync, 1 stream`,
      }));
    }
  } finally {
    client.destroy();
  }
  // What this client can do against a server that does nothing: the ceiling of the small-object rates.
  const small = await warmClient(bare, 'bare', 16, 'size-0');
  try {
    for (const op of ['put', 'get', 'head'] as const) {
      await smallCell(figures, `limit.bare.small.${op}.16`, `bare node:https server, 4 KiB ${op.toUpperCase()}, 16 clients (lean client)`, small, {
        bucket: 'bare', op, clients: 16, seconds: options.cellSeconds, keys: ['size-4096'], sse: undefined, serverPid: bare.pid,
      });
    }
  } finally {
    small.destroy();
  }
  await sdkCeiling(figures, options, bare);
}

/** What an SDK user gets on this machine: 4 KiB GETs through the SDK from 16 clients, against a server that does nothing. */
async function sdkCeiling(figures: Figures, options: BenchOptions, bare: Target): Promise<void> {
  const client = sdk(bare, 16);
  try {
    const get = async (): Promise<void> => {
      const res = await client.send(new GetObjectCommand({ Bucket: 'bare', Key: 'size-4096' }));
      if ((await drain(res.Body)) !== 4096) throw new Error('short GET');
    };
    await Promise.all(Array.from({ length: 16 }, get));
    const run = await closedLoop(16, options.cellSeconds * 1000, get);
    figures.set('limit.sdk.small.get.16', {
      label: 'AWS SDK client ceiling: 4 KiB GET, 16 clients, bare server', value: run.latencies.length / (run.elapsed / 1000), unit: 'req/s',
      detail: { errors: run.errors, p50: +percentile(run.latencies, 50).toFixed(2), p99: +percentile(run.latencies, 99).toFixed(2) },
    });
  } finally {
    client.destroy();
  }
}
