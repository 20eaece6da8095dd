// Crash consistency: SIGKILL the server at random moments under a write stream; after every restart
// acknowledged writes read back byte-exact, deletes stay deleted, parts survive and leftovers are swept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { S3Http, describeOutcome } from './harness/client.ts';
import { LONG, pick, randInt, recordFigures, rng, seedFromEnv, sleep } from './harness/common.ts';
import { WorkerModel, emptyFigures, type CrashFigures } from './harness/crash-model.ts';
import { verifyWorker } from './harness/crash-verify.ts';
import { CrashWorker } from './harness/crash-workload.ts';
import { inventory, tallyTmp } from './harness/data-folder.ts';
import { withServer, type ManagedServer } from './harness/suite.ts';

const KILLS = Number(process.env.COFFER_CRASH_KILLS ?? pick(10, 200));
const WORKERS = 4;
const KEYS_PER_WORKER = 6;
const BUCKET = 'crash';
const FULL_EVERY = pick(5, 1);
const seed = seedFromEnv();

/** After a start: nothing left in tmp, no orphan blob, no referenced blob missing. */
function checkFolder(managed: ManagedServer, figures: CrashFigures, when: string): void {
  const inv = inventory(managed.dataDir);
  figures.leftoversAfterStart.tmpFiles = Math.max(figures.leftoversAfterStart.tmpFiles, inv.tmp.files);
  figures.leftoversAfterStart.orphanFiles = Math.max(figures.leftoversAfterStart.orphanFiles, inv.orphans.files);
  figures.leftoversAfterStart.orphanBytes = Math.max(figures.leftoversAfterStart.orphanBytes, inv.orphans.bytes);
  if (inv.tmp.files > 0) figures.failures.push(`${when}: ${inv.tmp.files} temporaries (${inv.tmp.bytes} bytes) survived the start-up sweep`);
  if (inv.orphans.files > 0) figures.failures.push(`${when}: ${inv.orphans.files} orphan blobs (${inv.orphans.bytes} bytes) after start`);
  if (inv.missing.length > 0) figures.failures.push(`${when}: ${inv.missing.length} referenced blobs have no file: ${inv.missing.slice(0, 3).join(', ')}`);
}

test(`crash consistency: ${KILLS} SIGKILLs under a write stream (seed ${seed})`, { timeout: pick(8, 120) * 60_000 }, async () => {
  const random = rng(seed);
  const figures = emptyFigures();
  const models = Array.from({ length: WORKERS }, (_, i) => new WorkerModel(`w${i}/`, KEYS_PER_WORKER));
  const workers = models.map((m) => new CrashWorker(m, BUCKET, random, figures));
  const started = Date.now();
  const phaseMs = { run: 0, restart: 0, verify: 0 };
  const timed = async <T>(phase: keyof typeof phaseMs, work: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await work();
    } finally {
      phaseMs[phase] += Date.now() - t0;
    }
  };

  await withServer('crash', { env: { COFFER_LOG_LEVEL: 'warn' } }, async (managed) => {
    let client = new S3Http(managed.server);
    const created = await client.call({ method: 'PUT', path: `/${BUCKET}` });
    assert.equal(created.kind === 'response' && created.status, 200, describeOutcome(created));

    for (let cycle = 1; cycle <= KILLS; cycle++) {
      // Run the workers, then kill at a random moment: early kills hit start-up of requests,
      // later ones hit multi-MiB bodies, fsyncs, renames and commits in flight.
      let killed = false;
      const runs = workers.map((w) => w.run(client, () => killed));
      await timed('run', () => sleep(randInt(random, 150, LONG ? 2500 : 1800)));
      killed = true;
      await managed.stop('SIGKILL');
      await Promise.all(runs);
      client.close();
      figures.kills++;

      const tmp = tallyTmp(managed.dataDir);
      if (tmp.files > figures.maxTmpAtKill.files) figures.maxTmpAtKill = tmp;

      await timed('restart', () => managed.start());
      client = new S3Http(managed.server);
      checkFolder(managed, figures, `after kill ${cycle}`);
      // Every key is read in full every FULL_EVERY kills (every kill in long mode); in between, the keys
      // changed since their last full read are read in full, the others checked by HEAD.
      const full = cycle % FULL_EVERY === 0;
      await timed('verify', () => Promise.all(models.map((m) => verifyWorker(client, BUCKET, m, figures, full))));
      if (figures.failures.length > 0) break;
    }

    // A last graceful restart: the final state survives a clean shutdown too.
    client.close();
    await managed.restart('SIGTERM');
    client = new S3Http(managed.server);
    checkFolder(managed, figures, 'after the final clean restart');
    await Promise.all(models.map((m) => verifyWorker(client, BUCKET, m, figures)));
    client.close();
  });

  recordFigures('crash-consistency', {
    seed, ...figures, failures: figures.failures.length, unexpectedErrors: figures.unexpectedErrors.length,
    seconds: Math.round((Date.now() - started) / 1000), phaseMs,
  });
  assert.deepEqual(figures.failures, [], 'acknowledged state must survive every kill');
  assert.deepEqual(figures.unexpectedErrors, [], 'no request may fail while the server runs');
  assert.equal(figures.kills, KILLS);
});
