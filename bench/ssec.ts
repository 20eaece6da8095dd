// SSE-C specifics: a 1-byte range from the middle of the large SSE-C object, and key rotation by self-copy.
import { CopyObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { asCopySource, newSseKey, sdk, type SseKey } from './client.ts';
import { drain } from './transfer.ts';
import { median, now, percentile, type Figures } from './figures.ts';
import type { BenchOptions } from './options.ts';
import { ioCounters, processTree } from './procfs.ts';
import type { Target } from './servers.ts';

/** Two sealed chunks (64 KiB of data + 16-byte tag each): the most a 1-byte range should read. */
export const TWO_CHUNKS = 2 * (65536 + 16);

export async function runSsec(figures: Figures, options: BenchOptions, target: Target, bucket: string, key: string, sse: SseKey): Promise<void> {
  const client = sdk(target, 1);
  // Off a chunk boundary (the middle of 1 GiB is one), so the byte sits inside a chunk.
  const offset = Math.floor(options.largeSize / 2) + 1000;
  const rangeGet = async (withKey: SseKey): Promise<void> => {
    const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${offset}-${offset}`, ...withKey }));
    if ((await drain(res.Body)) !== 1) throw new Error('range GET did not return 1 byte');
  };
  try {
    await rangeGet(sse);
    const latencies: number[] = [];
    const rchar: number[] = [];
    const readBytes: number[] = [];
    for (let i = 0; i < 20; i++) {
      const tree = processTree(target.pid);
      const before = ioCounters(tree);
      const t0 = now();
      await rangeGet(sse);
      latencies.push(now() - t0);
      const after = ioCounters(tree);
      rchar.push(after.rchar - before.rchar);
      readBytes.push(after.readBytes - before.readBytes);
    }
    figures.set('coffer.range.latency', {
      label: 'Coffer 1-byte range GET, middle of the large SSE-C object: latency (median of 20)', value: median(latencies), unit: 'ms',
      detail: { p99: +percentile(latencies, 99).toFixed(2), offset },
    });
    // rchar counts every read() the server makes (file, socket, SQLite); read_bytes only what missed
    // the page cache, which is usually 0 for a just-written object, so rchar is the figure.
    figures.set('coffer.range.rchar', {
      label: 'Coffer 1-byte range GET: bytes the server read (rchar, median of 20)', value: median(rchar), unit: 'bytes',
      detail: { maxRchar: Math.max(...rchar), medianReadBytesFromDevice: median(readBytes) },
    });

    // Rotation: copy onto itself with a new key. Repeat within a budget, alternating back and forth.
    const times: number[] = [];
    let current = sse;
    const budget = now() + Math.max(2_000, 15_000 * options.scale);
    while (times.length < 5 && (times.length === 0 || now() < budget)) {
      const next = newSseKey();
      const t0 = now();
      await client.send(new CopyObjectCommand({
        Bucket: bucket, Key: key, CopySource: `${bucket}/${key}`, ...next, ...asCopySource(current),
      }));
      times.push(now() - t0);
      current = next;
    }
    // The rotated object must answer with the new key, or the time means nothing.
    await rangeGet(current);
    figures.set('coffer.rotate', {
      label: 'Coffer key rotation of the large SSE-C object (self-copy, new key)', value: median(times), unit: 'ms',
      detail: { rotations: times.length, max: +Math.max(...times).toFixed(1) },
    });
  } finally {
    client.destroy();
  }
}
