// Benchmark options: one scale factor (flag or env) turns into every size, duration and count.
import { join } from 'node:path';

export interface BenchOptions {
  smoke: boolean;
  scale: number;
  /** Bytes of each large object (1 GiB at scale 1). */
  largeSize: number;
  /** Rounds of the large-object transfers; each figure is the median round. */
  largeRounds: number;
  /** Rounds of the 16-client small-object cells (the ones with goals); median round as well. */
  smallRounds: number;
  /** Part size of the multipart figure: 16 MiB, or S3's 5 MiB minimum when objects are tiny. */
  partSize: number;
  /** Seconds each small-object cell runs. */
  cellSeconds: number;
  /** Keys that small GETs and HEADs cycle through. */
  poolKeys: number;
  /** Seconds each one-core crypto figure runs. */
  cryptoSeconds: number;
  /** Keys in the listing bucket, laid out as dir{0..}/file{0..999}. */
  listingKeys: number;
  /** MaxKeys of each ListObjectsV2 page. */
  pageSize: number;
  /** Wall-time budget for creating the listing keys; the run says so when it is hit. */
  listingSetupSeconds: number;
  /** Wall-time budget for listing pages of one kind on one server (the peer can be slow). */
  listingBudgetSeconds: number;
  /** Where data folders go: on the repository's filesystem, so disk figures are real. */
  workDir: string;
  /** Where results are written. */
  outDir: string;
  withPeer: boolean;
  withAwsCli: boolean;
}

const MiB = 1024 * 1024;
const repoRoot = new URL('../', import.meta.url).pathname;

const HELP = `usage: npm run bench -- [--smoke] [--scale N] [--out DIR] [--work-dir DIR] [--no-peer] [--no-aws-cli]
  --scale N     multiply sizes and durations (1 = 1 GiB objects, 5 s cells, 100,000 keys); env BENCH_SCALE
  --smoke       tiny sizes, finishes in well under a minute (CI); env BENCH_SMOKE=1
  --out DIR     results folder (default bench/results; smoke: bench/.work/smoke-results); env BENCH_OUT
  --work-dir D  data folders of the servers (default bench/.work); env BENCH_WORK_DIR
  env BENCH_LISTING_SETUP_SECONDS  budget for creating the listing keys (default 120 × scale)`;

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  let smoke = env.BENCH_SMOKE === '1';
  let scale = env.BENCH_SCALE ? Number(env.BENCH_SCALE) : 1;
  let out = env.BENCH_OUT;
  let work = env.BENCH_WORK_DIR;
  let withPeer = true;
  let withAwsCli = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value\n${HELP}`);
      return next;
    };
    if (arg === '--smoke') smoke = true;
    else if (arg === '--scale') scale = Number(value());
    else if (arg === '--out') out = value();
    else if (arg === '--work-dir') work = value();
    else if (arg === '--no-peer') withPeer = false;
    else if (arg === '--no-aws-cli') withAwsCli = false;
    else if (arg === '--help' || arg === '-h') {
      console.log(HELP);
      process.exit(0);
    } else throw new Error(`unknown option ${arg}\n${HELP}`);
  }
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`--scale must be a positive number, got ${scale}`);
  const workDir = work ?? join(repoRoot, 'bench', '.work');
  const outDir = out ?? (smoke ? join(workDir, 'smoke-results') : join(repoRoot, 'bench', 'results'));
  if (smoke) {
    // Big enough for two multipart parts and several listing pages, small enough for a busy CI machine.
    return {
      smoke, scale, largeSize: 8 * MiB, largeRounds: 1, smallRounds: 1, partSize: 5 * MiB, cellSeconds: 0.1, cryptoSeconds: 0.1, poolKeys: 16,
      listingKeys: 100, pageSize: 25, listingSetupSeconds: 20, listingBudgetSeconds: 2, workDir, outDir, withPeer, withAwsCli,
    };
  }
  // Whole MiB, and at least 4 MiB so that the 4-stream figure splits evenly.
  const largeSize = Math.max(4, Math.round(1024 * scale / 4) * 4) * MiB;
  return {
    smoke,
    scale,
    largeSize,
    // Five: one 1 GiB transfer swings by ±30% between rounds, and with three the median of a
    // ratio near its goal still fell on either side from run to run (2026-11-29).
    largeRounds: 5,
    // Five as well: the 16-client GET rounds of two runs on the same code spread 5,281-9,654/s
    // (whole rounds of the machine slow or fast), and with three the median followed the spell.
    smallRounds: 5,
    partSize: largeSize >= 64 * MiB ? 16 * MiB : 5 * MiB,
    cellSeconds: Math.max(0.25, 5 * scale),
    poolKeys: 64,
    cryptoSeconds: Math.max(0.1, 1.5 * scale),
    listingKeys: Math.max(1000, Math.round(100_000 * scale)),
    pageSize: 1000,
    listingSetupSeconds: env.BENCH_LISTING_SETUP_SECONDS ? Number(env.BENCH_LISTING_SETUP_SECONDS) : Math.max(30, 120 * scale),
    listingBudgetSeconds: Math.max(2, 20 * scale),
    workDir,
    outDir,
    withPeer,
    withAwsCli,
  };
}

export function describeSize(bytes: number): string {
  if (bytes >= 1024 * MiB && bytes % (1024 * MiB) === 0) return `${bytes / (1024 * MiB)} GiB`;
  if (bytes >= MiB) return `${+(bytes / MiB).toFixed(1)} MiB`;
  return `${+(bytes / 1024).toFixed(1)} KiB`;
}
