// Object bodies and timed large transfers: a repeated random buffer streamed on demand, PUT/GET through the SDK, N at once.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { cpuSeconds, processTree } from './procfs.ts';
import { mibps, now, type Figure } from './figures.ts';
import type { SseKey } from './client.ts';

const BLOCK = 1024 * 1024;
// Random so neither TLS nor a disk can compress it; one block reused so a 1 GiB body costs 1 MiB.
const block = randomBytes(BLOCK);

/** A byte stream of `size` bytes, produced as the consumer reads (never held whole in memory). */
export function patternStream(size: number): Readable {
  let sent = 0;
  return new Readable({
    highWaterMark: BLOCK,
    read() {
      if (sent >= size) {
        this.push(null);
        return;
      }
      const n = Math.min(BLOCK, size - sent);
      sent += n;
      // The block is never written to, so handing out views of it is safe.
      this.push(n === BLOCK ? block : block.subarray(0, n));
    },
  });
}

/** A small body of its own (a fresh buffer, so no request shares memory with another). */
export function smallBody(size: number): Buffer {
  return randomBytes(size);
}

/** The same bytes as `patternStream`, written into a caller's buffer (for disk and bare-server writes). */
export function patternBlock(): Buffer {
  return block;
}

/** Reads a response body to its end, counting bytes without keeping them. */
export async function drain(body: unknown): Promise<number> {
  if (!body || typeof body !== 'object' || !(Symbol.asyncIterator in body)) {
    throw new Error('response has no readable body');
  }
  let bytes = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array>) bytes += chunk.length;
  return bytes;
}

export async function putStream(client: S3Client, bucket: string, key: string, size: number, sse?: SseKey): Promise<void> {
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: patternStream(size), ContentLength: size, ...sse }));
}

export async function getDrained(client: S3Client, bucket: string, key: string, size: number, sse?: SseKey): Promise<void> {
  const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...sse }));
  const got = await drain(res.Body);
  if (got !== size) throw new Error(`GET ${key}: ${got} bytes, expected ${size}`);
}

export interface TransferSpec {
  label: string;
  op: 'put' | 'get';
  bucket: string;
  /** One key per parallel stream; the total moved is `keys.length * sizeEach`. */
  keys: string[];
  sizeEach: number;
  sse?: SseKey | undefined;
}

/** Moves the keys at once and returns the aggregate MiB/s, with the server's CPU use beside it. */
export async function timedTransfer(client: S3Client, serverPid: number, spec: TransferSpec): Promise<Figure> {
  const tree = processTree(serverPid);
  const cpu0 = cpuSeconds(tree);
  const client0 = process.cpuUsage();
  const t0 = now();
  await Promise.all(spec.keys.map((key) => spec.op === 'put'
    ? putStream(client, spec.bucket, key, spec.sizeEach, spec.sse)
    : getDrained(client, spec.bucket, key, spec.sizeEach, spec.sse)));
  const ms = now() - t0;
  const cpu = cpuSeconds(processTree(serverPid)) - cpu0;
  const used = process.cpuUsage(client0);
  const percent = (seconds: number): number => Math.round((seconds / (ms / 1000)) * 100);
  return {
    label: spec.label,
    value: mibps(spec.sizeEach * spec.keys.length, ms),
    unit: 'MiB/s',
    // CPU over wall time (100% is one core busy): the client shares the machine, so when it is
    // near 100% the figure is bounded by the client, not by the server.
    detail: {
      seconds: +(ms / 1000).toFixed(2), bytes: spec.sizeEach * spec.keys.length,
      serverCpuPercent: percent(cpu), clientCpuPercent: percent((used.user + used.system) / 1e6),
    },
  };
}
