// `npm run bench`: measures the machine's limits, Coffer and the s3rver peer in one run, prints the table, writes results.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { newSseKey, sdk } from './client.ts';
import { Figures, now } from './figures.ts';
import { runLarge } from './large.ts';
import { measureBare, measureCrypto, measureDisk, measureDiskParallel, measureMemoryTouch } from './limits.ts';
import { fillListingBucket, runListing } from './listing.ts';
import { contention, cpuSnapshot, describeMachine, loadAverage, otherCpuShare, type Machine } from './machine.ts';
import { describeSize, parseOptions } from './options.ts';
import { buildRows, deriveLimits } from './report.ts';
import { renderText, writeResults, type RunResult } from './render.ts';
import { makeCertificate, startBare, startCoffer, startPeer, type Target } from './servers.ts';
import { runSmall } from './small.ts';
import { runSsec } from './ssec.ts';

const PEER = 's3rver 3.7.1 over HTTPS (child process, same kind of certificate)';
const options = parseOptions(process.argv.slice(2));
const started = now();
const phases: Record<string, number> = {};
let phase: { name: string; t0: number } | undefined;
/** Logs progress and times each phase, so a slow setup shows in the results. */
const log = (name: string, what: string): void => {
  if (phase) phases[phase.name] = +((now() - phase.t0) / 1000).toFixed(1);
  phase = { name, t0: now() };
  if (what) console.error(`[bench ${((now() - started) / 1000).toFixed(0).padStart(4)} s] ${what}`);
};

const running: Target[] = [];
let runDir = '';
async function cleanUp(): Promise<void> {
  // Stop what is still running and remove every data folder, whatever happened.
  await Promise.all(running.splice(0).map((t) => t.stop().catch(() => undefined)));
  if (runDir) rmSync(runDir, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
}

async function start<T extends Target>(target: Promise<T>): Promise<T> {
  const t = await target;
  running.push(t);
  return t;
}

async function stop(target: Target): Promise<void> {
  running.splice(running.indexOf(target), 1);
  await target.stop();
}

async function bucket(target: Target, name: string): Promise<void> {
  const client = sdk(target, 1);
  await client.send(new CreateBucketCommand({ Bucket: name })).finally(() => client.destroy());
}

async function measure(figures: Figures): Promise<void> {
  mkdirSync(options.workDir, { recursive: true });
  runDir = mkdtempSync(join(options.workDir, 'run-'));
  const size = describeSize(options.largeSize);
  // All servers start first and together: start-up is not measured, and idle servers cost nothing.
  log('start', 'starting Coffer, s3rver and the bare https server');
  const cert = await makeCertificate(join(runDir, 'cert'));
  const [bare, coffer, peer] = await Promise.all([
    start(startBare(cert, join(runDir, 'bare-store'))), start(startCoffer(runDir)), options.withPeer ? start(startPeer(runDir, cert)) : undefined,
  ]);
  log('limits.crypto+disk', `limits: one core of node:crypto, memory first touch, disk write of ${size} with fsync, one file and four at once`);
  measureCrypto(figures, options);
  measureMemoryTouch(figures, options);
  const sourceFile = join(runDir, 'large.bin');
  await measureDisk(figures, options, sourceFile);
  await measureDiskParallel(figures, options, runDir);
  log('limits.bare', `limits: bare node:https server, ${size} up and down, 4 KiB requests`);
  await measureBare(figures, options, bare);
  await stop(bare);

  for (const t of [coffer, peer]) if (t) await bucket(t, 'bench');
  const sse = newSseKey();
  log('large.coffer', `large objects: Coffer, ${size} PUT/GET, 1 and 4 streams, plain and SSE-C, multipart, aws s3 cp`);
  await runLarge(figures, options, { target: coffer, bucket: 'bench', prefix: 'coffer', full: true, sse, sourceFile });
  rmSync(sourceFile, { force: true });
  if (peer) {
    log('large.peer', 'large objects: s3rver, plain, 1 stream');
    await runLarge(figures, options, { target: peer, bucket: 'bench', prefix: 'peer', full: false, sse, sourceFile });
  }
  log('ssec', 'SSE-C: 1-byte range read and key rotation');
  await runSsec(figures, options, coffer, 'bench', 'large-sse-1-0', sse);

  log('small', `small objects: 4 KiB PUT/GET/HEAD, Coffer at 1/16/64 clients plain and SSE-C${peer ? ', s3rver at 16 clients plain (rounds interleaved with Coffer\'s)' : ''}, ${options.cellSeconds} s each`);
  const modes = [{ name: 'plain' as const, sse: undefined }, { name: 'sse' as const, sse: newSseKey() }];
  const smallPlan = { bucket: 'bench', seconds: options.cellSeconds, poolKeys: options.poolKeys, goalRounds: options.smallRounds };
  await runSmall(figures, [
    { ...smallPlan, target: coffer, prefix: 'coffer.small', modes, clients: [1, 16, 64] },
    ...(peer ? [{ ...smallPlan, target: peer, prefix: 'peer.small', modes: modes.slice(0, 1), clients: [16] }] : []),
  ]);

  log('listing.setup', `listing: creating ${options.listingKeys.toLocaleString('en-US')} keys on each server (setup, not measured)`);
  // Both servers fill at once: setup is not a figure, and it is the slowest part of the run.
  const [cofferFill, peerFill] = await Promise.all([
    fillListingBucket(options, coffer, 'listing'),
    peer ? fillListingBucket(options, peer, 'listing') : Promise.resolve(undefined),
  ]);
  log('listing.pages', 'listing: timed pages');
  await runListing(figures, options, coffer, 'listing', 'coffer', cofferFill);
  if (peer && peerFill) await runListing(figures, options, peer, 'listing', 'peer', peerFill);
  log('end', '');
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const loadBefore = loadAverage();
  const cpuBefore = cpuSnapshot();
  const figures = new Figures();
  let machine: Machine | undefined;
  try {
    await measure(figures);
    machine = describeMachine(runDir);
  } finally {
    await cleanUp();
  }
  if (!machine) throw new Error('unreachable: measure() returned without a machine');
  const wallSeconds = (now() - started) / 1000;
  const load = { before: loadBefore, after: loadAverage(), otherCpuPercent: 0 };
  const share = otherCpuShare(cpuBefore, cpuSnapshot(), wallSeconds, machine.cores);
  load.otherCpuPercent = Math.round(share * 100);
  for (const [id, f] of figures.all) {
    if (typeof f.detail?.errors === 'number' && f.detail.errors > 0) figures.notes.push(`${id}: ${f.detail.errors} failed requests (${f.detail.firstError ?? ''})`);
  }
  deriveLimits(figures);
  const { rows, referenced } = buildRows(figures, 's3rver');
  if (!options.withPeer) for (const id of referenced) if (id.startsWith('peer.')) figures.skip(id, '--no-peer');
  const missing = [...referenced].filter((id) => !figures.all.has(id) && !figures.skipped.has(id));
  const result: RunResult = {
    startedAt, wallSeconds, mode: options.smoke ? 'smoke' : `scale ${options.scale} (objects ${describeSize(options.largeSize)}, cells ${options.cellSeconds} s, ${options.listingKeys.toLocaleString('en-US')} keys)`,
    machine, load, contention: contention(load, share), peer: options.withPeer ? PEER : 'none (--no-peer)',
    figures: Object.fromEntries(figures.all), skipped: Object.fromEntries(figures.skipped), missing, notes: figures.notes,
    phases, rows,
  };
  console.log(renderText(result));
  const written = writeResults(options.outDir, result);
  console.error(`results: ${written.filter((f) => existsSync(f)).join(', ')}`);
  // A figure the table needs but the run did not produce is a broken benchmark, not a slow server.
  if (missing.length > 0) process.exitCode = 1;
}

main().catch(async (error: unknown) => {
  await cleanUp();
  console.error(`bench failed during ${phase?.name ?? 'start-up'}:`, error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
