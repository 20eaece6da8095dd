// Health checks around hostile traffic: timed batches of normal requests, files that must not appear
// outside the data folder, and the server's own error log.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import type { TestServer } from '../../helpers/server.ts';
import { S3Http, describeOutcome, objectPath } from './client.ts';
import { bytesOf, sha256 } from './common.ts';
import { strangeFiles } from './data-folder.ts';

/**
 * Milliseconds for `rounds` of PUT 64 KiB + GET (verified) on a keep-alive connection; the best of `tries`,
 * because other suites share this machine and the best run is the one least disturbed by them.
 */
export async function timeNormalBatch(server: TestServer, bucket: string, rounds = 40, tries = 2): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < tries; attempt++) {
    const client = new S3Http(server, 1);
    const started = performance.now();
    for (let i = 0; i < rounds; i++) {
      const data = bytesOf(`batch-${attempt}-${i}`, 64 * 1024);
      const path = objectPath(bucket, `batch/${i}`);
      const put = await client.call({ method: 'PUT', path, body: data });
      if (put.kind !== 'response' || put.status !== 200) throw new Error(`normal PUT failed: ${describeOutcome(put)}`);
      const got = await client.call({ method: 'GET', path });
      if (got.kind !== 'response' || got.status !== 200 || sha256(got.body) !== sha256(data)) throw new Error(`normal GET failed: ${describeOutcome(got)}`);
    }
    best = Math.min(best, performance.now() - started);
    client.close();
  }
  return Math.round(best);
}

/**
 * The normal batch time after hostile traffic, compared with `before`: other suites share this machine,
 * so a slow measurement is repeated (after a pause) before it counts; a real slowdown persists.
 */
export async function timeAfter(server: TestServer, bucket: string, before: number, attempts = 5): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < attempts && best > 2 * before; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 2000));
    best = Math.min(best, await timeNormalBatch(server, bucket, 40, 1));
  }
  return best;
}

/** Files named with `marker` anywhere they could have landed (tmp, the repo, the root), and odd files in the data folder. */
export function filesOutside(dataDir: string, parent: string, marker: string, repoRoot: string): string[] {
  const found: string[] = [];
  const search = (roots: string[], depth: number) => {
    try {
      const out = execFileSync('find', [...roots, '-xdev', '-maxdepth', String(depth), '-name', `*${marker}*`], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 });
      found.push(...out.toString().split('\n').filter(Boolean));
    } catch (error) {
      // find exits 1 when some folder vanished under it (other suites clean up); keep what it printed.
      const out = (error as { stdout?: Buffer }).stdout?.toString() ?? '';
      found.push(...out.split('\n').filter(Boolean));
    }
  };
  search(['/tmp', repoRoot], 6);
  search(['/'], 2);
  const extra = readdirSync(parent).filter((name) => name !== 'data');
  found.push(...extra.map((name) => `${parent}/${name} (next to the data folder)`));
  found.push(...strangeFiles(dataDir).map((rel) => `${dataDir}/${rel} (not Coffer's layout)`));
  return found;
}

/** Error-level log lines that mean a 5xx or an unexpected failure on the server. */
export function internalErrors(output: string): string[] {
  return output.split('\n').filter((line) => /"level":(50|60)/.test(line) && /internal error|uncaught|unhandled/i.test(line));
}

/** The last `count` lines of a server's output that are not request logs (info level): why it stopped. */
export function lastLines(output: string, count: number): string {
  return output.split('\n').filter((line) => line !== '' && !line.includes('"level":30')).slice(-count).join('\n');
}

export const repoRoot = new URL('../../../', import.meta.url).pathname;
