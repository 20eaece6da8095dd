// Load: 64 clients mixing PUT/GET/HEAD/LIST/DELETE/COPY and multipart against one server. Zero
// unexpected errors, read-after-write on every read, RSS bounded, and everything still there after a restart.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { S3Http, describeOutcome } from './harness/client.ts';
import { pick, recordFigures, rng, seedFromEnv, sleep } from './harness/common.ts';
import { verifyKeys, type KeyTally } from './harness/crash-verify.ts';
import { percentiles, startLoad } from './harness/load-clients.ts';
import { RssSampler, isAlive } from './harness/proc.ts';
import { withServer } from './harness/suite.ts';

const SECONDS = Number(process.env.COFFER_LOAD_SECONDS ?? pick(45, 300));
const CLIENTS = 64;
const BUCKET = 'load';
const seed = seedFromEnv();

test(`load: ${CLIENTS} clients for ${SECONDS} s (seed ${seed})`, { timeout: (SECONDS + pick(240, 600)) * 1000 }, async () => {
  await withServer('load', { env: { COFFER_LOG_LEVEL: 'warn' } }, async (managed) => {
    let http = new S3Http(managed.server, CLIENTS);
    const created = await http.call({ method: 'PUT', path: `/${BUCKET}` });
    assert.equal(created.kind === 'response' && created.status, 200, describeOutcome(created));
    const rss = new RssSampler(managed.pid, 1000);
    const started = Date.now();
    const run = await startLoad(http, BUCKET, CLIENTS, seed, rng);
    await sleep(SECONDS * 1000);
    run.stop();
    await run.done;
    const seconds = (Date.now() - started) / 1000;
    const memory = rss.stop();
    const alive = isAlive(managed.pid);

    // Every key, read in full: once now, once after a clean restart.
    const tally: KeyTally = { failures: [], bytesVerified: 0, inDoubtResolvedOld: 0, inDoubtResolvedNew: 0 };
    for (const c of run.clients) await verifyKeys(http, BUCKET, c.keys, tally);
    http.close();
    await managed.restart('SIGTERM');
    http = new S3Http(managed.server, 8);
    for (const c of run.clients) await verifyKeys(http, BUCKET, c.keys, tally);
    http.close();

    const { stats } = run;
    const requests = stats.latenciesMs.length;
    recordFigures('load', {
      seed, clients: CLIENTS, seconds: Math.round(seconds), requests, perSecond: Math.round(requests / seconds), ops: stats.ops,
      unexpected: stats.unexpected.length, cut: stats.cut.length, refused: stats.refused,
      mibWritten: Math.round(stats.bytesWritten / 2 ** 20), mibRead: Math.round(stats.bytesRead / 2 ** 20),
      latencyMs: percentiles(stats.latenciesMs), rssMiB: memory, verifyFailures: tally.failures.length, bytesVerified: tally.bytesVerified,
    });
    assert.ok(alive, 'server process up through the load');
    assert.deepEqual(stats.unexpected.slice(0, 10), [], 'no unexpected error, every read returns what was acknowledged');
    assert.deepEqual(stats.cut, [], 'no request cut');
    assert.equal(stats.refused, 0, 'no request refused');
    assert.deepEqual(tally.failures.slice(0, 10), [], 'every acknowledged write reads back, before and after a restart');
    assert.ok(memory.max < 1024, `RSS peaked at ${memory.max} MiB`);
    assert.ok(memory.lastQuarterMax <= memory.firstQuarterMax + 160, `RSS grew from ${memory.firstQuarterMax} to ${memory.lastQuarterMax} MiB`);
  });
});
