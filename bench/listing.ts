// Listing: a bucket of dir{0..}/file{0..} keys (setup), then timed ListObjectsV2 pages, with and without a delimiter.
import { CreateBucketCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { inParallel, sdk } from './client.ts';
import { LeanS3 } from './lean-client.ts';
import { median, now, percentile, type Figures } from './figures.ts';
import type { BenchOptions } from './options.ts';
import type { Target } from './servers.ts';

const TINY = Buffer.from('x');

function layout(options: BenchOptions): { dirs: number; files: number } {
  const files = options.pageSize;
  return { dirs: Math.max(1, Math.round(options.listingKeys / files)), files };
}

export interface Filled {
  /** Keys created: always the first `created` of the layout, so the bucket stays regular. */
  created: number;
  keysPerSecond: number;
  budgetHit: boolean;
  /** PUTs that failed and were sent again, with the first error. */
  retried: number;
  firstError: string | undefined;
}

/** Creates the keys, 64 requests at once, until done or the setup budget runs out (not a figure). */
export async function fillListingBucket(options: BenchOptions, target: Target, bucket: string): Promise<Filled> {
  const { dirs, files } = layout(options);
  // Setup goes through the lean client, so the server, not the SDK, sets the pace.
  const client = new LeanS3(target, 64);
  const keys: string[] = [];
  for (let d = 0; d < dirs; d++) for (let f = 0; f < files; f++) keys.push(`dir${d}/file${f}`);
  let created = 0;
  let budgetHit = false;
  let retried = 0;
  let firstError: string | undefined;
  try {
    const admin = sdk(target, 1);
    await admin.send(new CreateBucketCommand({ Bucket: bucket })).finally(() => admin.destroy());
    const t0 = now();
    const deadline = t0 + options.listingSetupSeconds * 1000;
    // Keys are handed out in order and all handed-out ones finish, so what exists is a prefix.
    await inParallel(keys, 64, async (key) => {
      if (now() > deadline) {
        budgetHit = true;
        return;
      }
      // Setup is not a figure: a dropped connection is retried, counted and reported, not fatal.
      for (let attempt = 1; ; attempt++) {
        try {
          await client.ok('PUT', bucket, key, TINY);
          break;
        } catch (error) {
          retried++;
          firstError ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          if (attempt === 3) throw new Error(`${target.name}: PUT ${key} failed 3 times: ${firstError}`);
        }
      }
      created++;
    });
    return { created, keysPerSecond: created / ((now() - t0) / 1000), budgetHit, retried, firstError };
  } finally {
    client.destroy();
  }
}

async function timed(client: S3Client, input: ConstructorParameters<typeof ListObjectsV2Command>[0]): Promise<{ ms: number; keys: number; prefixes: number; next: string | undefined }> {
  const t0 = now();
  const res = await client.send(new ListObjectsV2Command(input));
  return { ms: now() - t0, keys: res.Contents?.length ?? 0, prefixes: res.CommonPrefixes?.length ?? 0, next: res.NextContinuationToken };
}

export async function runListing(figures: Figures, options: BenchOptions, target: Target, bucket: string, prefix: string, filled: Filled): Promise<void> {
  const who = target.name === 'coffer' ? 'Coffer' : 's3rver';
  const { files } = layout(options);
  const total = filled.created;
  const dirs = Math.ceil(total / files);
  // Folder pages come from complete folders, when the setup budget left any.
  const fullDirs = Math.max(1, Math.floor(total / files));
  const folderKeys = Math.min(files, total);
  if (filled.retried > 0) figures.notes.push(`${who} listing setup: ${filled.retried} PUTs failed and were retried (${filled.firstError ?? ''})`);
  if (filled.budgetHit) {
    figures.notes.push(`${who} listing bucket: ${total.toLocaleString('en-US')} of ${options.listingKeys.toLocaleString('en-US')} keys; creating them at ${Math.round(filled.keysPerSecond)}/s hit the ${options.listingSetupSeconds} s setup budget`);
  }
  const client = sdk(target, 1);
  const MaxKeys = options.pageSize;
  const check = (what: string, got: number, want: number): void => {
    if (got !== want) figures.notes.push(`${who} ${what}: ${got} entries, expected ${want}`);
  };
  try {
    await timed(client, { Bucket: bucket, MaxKeys: 1 });
    // Without a delimiter: walk the bucket page by page with continuation tokens, as clients do.
    const flat: number[] = [];
    let token: string | undefined;
    const budget = now() + options.listingBudgetSeconds * 1000;
    do {
      const page = await timed(client, { Bucket: bucket, MaxKeys, ContinuationToken: token });
      flat.push(page.ms);
      check('flat page', page.keys, Math.min(MaxKeys, total - (flat.length - 1) * MaxKeys));
      token = page.next;
    } while (token && now() < budget);
    figures.set(`${prefix}.list.flat`, {
      label: `${who} ListObjectsV2 page of ${MaxKeys} keys of ${total}, no delimiter (median)`, value: median(flat), unit: 'ms',
      detail: { pages: flat.length, p99: +percentile(flat, 99).toFixed(1), max: +Math.max(...flat).toFixed(1), keys: total, setupKeysPerSecond: Math.round(filled.keysPerSecond) },
    });
    // Delimiter at the root: one page that rolls all keys up into `dirs` common prefixes.
    const root: number[] = [];
    const rootBudget = now() + options.listingBudgetSeconds * 1000;
    do {
      const page = await timed(client, { Bucket: bucket, MaxKeys, Delimiter: '/' });
      root.push(page.ms);
      check('root delimiter page', page.prefixes, Math.min(MaxKeys, dirs));
    } while (root.length < 5 && now() < rootBudget);
    figures.set(`${prefix}.list.root`, {
      label: `${who} ListObjectsV2 delimiter '/' at the root: ${dirs} prefixes over ${total} keys (median)`, value: median(root), unit: 'ms',
      detail: { pages: root.length },
    });
    // Prefix and delimiter: a page of one folder's `files` keys, from folders spread over the bucket.
    const folder: number[] = [];
    const folderBudget = now() + options.listingBudgetSeconds * 1000;
    do {
      const dir = (folder.length * 37) % fullDirs;
      const page = await timed(client, { Bucket: bucket, MaxKeys, Delimiter: '/', Prefix: `dir${dir}/` });
      folder.push(page.ms);
      check('folder page', page.keys, folderKeys);
    } while (folder.length < 10 && now() < folderBudget);
    figures.set(`${prefix}.list.folder`, {
      label: `${who} ListObjectsV2 prefix dirN/ + delimiter '/': page of ${folderKeys} keys (median)`, value: median(folder), unit: 'ms',
      detail: { pages: folder.length, max: +Math.max(...folder).toFixed(1) },
    });
  } finally {
    client.destroy();
  }
}
