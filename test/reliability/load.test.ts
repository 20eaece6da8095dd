// Load: 64 clients mixing PUT/GET/HEAD/LIST/DELETE/COPY and multipart against one server (zero unexpected
// errors, read-after-write on every read, RSS bounded, all there after a restart); then SIGTERM under that
// load with slow transfers in flight: they finish, nothing is cut mid-body, no acknowledged write is lost.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { S3Http, describeOutcome, objectPath, type Outcome } from './harness/client.ts';
import { LONG, makeContent, pick, recordFigures, rng, seedFromEnv, sleep } from './harness/common.ts';
import { verifyKeys, type KeyTally } from './harness/crash-verify.ts';
import { percentiles, startLoad } from './harness/load-clients.ts';
import { RssSampler, isAlive } from './harness/proc.ts';
import { withServer } from './harness/suite.ts';

const SECONDS = Number(process.env.COFFER_LOAD_SECONDS ?? pick(30, 300));
const CLIENTS = 64;
const BUCKET = 'load';
const seed = seedFromEnv();
const LOAD_BEFORE = Number(process.env.COFFER_DRAIN_SECONDS ?? pick(6, 60));
const SENTINELS = Number(process.env.COFFER_DRAIN_SENTINELS ?? 8);
const MiB = 1024 * 1024;
const DRAIN_BUCKET = 'drain';

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

    // Every key, read in full after a clean restart (and, in long mode, before it as well).
    const tally: KeyTally = { failures: [], bytesVerified: 0, inDoubtResolvedOld: 0, inDoubtResolvedNew: 0 };
    if (LONG) for (const c of run.clients) await verifyKeys(http, BUCKET, c.keys, tally);
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

test(`graceful shutdown: SIGTERM under ${CLIENTS}-client load with slow transfers in flight (seed ${seed})`, { timeout: pick(6, 12) * 60_000 }, async () => {
  await withServer('drain', { env: { COFFER_LOG_LEVEL: 'warn' } }, async (managed) => {
    let http = new S3Http(managed.server, CLIENTS);
    await http.call({ method: 'PUT', path: `/${DRAIN_BUCKET}` });
    const big = makeContent('drain-big', 4 * MiB);
    const seeded = await http.call({ method: 'PUT', path: objectPath(DRAIN_BUCKET, 'big'), body: big.data });
    assert.equal(seeded.kind === 'response' && seeded.status, 200);
    const run = await startLoad(http, DRAIN_BUCKET, CLIENTS, seed, rng);
    await sleep(LOAD_BEFORE * 1000);

    // Sentinels on their own connections: slow uploads (past 100 Continue) and slow downloads (past headers).
    const slow = new S3Http(managed.server, 2 * SENTINELS);
    let started = 0;
    const begun = () => started++;
    const uploads = Array.from({ length: SENTINELS }, (_, i) => makeContent(`drain-put-${i}`, 4 * MiB));
    const puts = uploads.map((u, i) => slow.call({
      method: 'PUT', path: objectPath(DRAIN_BUCKET, `sentinel/${i}`), body: u.data, expectContinue: true,
      throttle: { pieceBytes: 256 * 1024, pauseMs: 150 }, onContinue: begun,
    }));
    const gets = Array.from({ length: SENTINELS }, () => slow.call({ method: 'GET', path: objectPath(DRAIN_BUCKET, 'big'), slowReadMs: 40, onHeaders: begun }));
    for (let i = 0; i < 300 && started < 2 * SENTINELS; i++) await sleep(100);
    const inFlight = started;

    const signalled = Date.now();
    let lastSentinelMs = 0;
    for (const p of [...puts, ...gets]) void p.then(() => (lastSentinelMs = Math.max(lastSentinelMs, Date.now() - signalled)));
    run.stats.signalledAt = performance.now();
    await managed.stop('SIGTERM');
    const exitMs = Date.now() - signalled;
    await run.done;
    const putOutcomes: Outcome[] = await Promise.all(puts);
    const getOutcomes: Outcome[] = await Promise.all(gets);
    slow.close();
    http.close();

    await managed.start();
    http = new S3Http(managed.server, 8);
    const tally: KeyTally = { failures: [], bytesVerified: 0, inDoubtResolvedOld: 0, inDoubtResolvedNew: 0 };
    for (const c of run.clients) await verifyKeys(http, DRAIN_BUCKET, c.keys, tally);
    const sentinelsStored: string[] = [];
    for (const [i, u] of uploads.entries()) {
      const o = await http.call({ method: 'GET', path: objectPath(DRAIN_BUCKET, `sentinel/${i}`) });
      if (o.kind !== 'response' || o.status !== 200 || !o.body.equals(u.data)) sentinelsStored.push(`sentinel/${i}: ${describeOutcome(o)}`);
    }
    http.close();

    const { stats } = run;
    const badPuts = putOutcomes.filter((o) => o.kind !== 'response' || o.status !== 200).map(describeOutcome);
    const badGets = getOutcomes.filter((o) => o.kind !== 'response' || o.status !== 200 || !o.body.equals(big.data)).map(describeOutcome);
    recordFigures('graceful-shutdown', {
      seed, loadSeconds: LOAD_BEFORE, requestsBeforeExit: stats.latenciesMs.length, inFlightSentinels: inFlight, exitMs, lastSentinelMs,
      refusedDuringShutdown: stats.refused, servedAfterSignal: stats.servedAfterSignal, cut: stats.cut.length, unexpected: stats.unexpected.length,
      sentinelPutsOk: SENTINELS - badPuts.length, sentinelGetsOk: SENTINELS - badGets.length,
      inDoubtResolvedOld: tally.inDoubtResolvedOld, inDoubtResolvedNew: tally.inDoubtResolvedNew, lost: tally.failures.length,
    });
    assert.equal(inFlight, 2 * SENTINELS, 'every sentinel was in flight at SIGTERM');
    assert.deepEqual(badPuts, [], 'uploads in flight at SIGTERM finish with 200');
    assert.deepEqual(badGets, [], 'downloads in flight at SIGTERM finish, byte-exact');
    assert.deepEqual(stats.cut, [], 'no request cut after it began');
    assert.deepEqual(stats.unexpected.slice(0, 10), [], 'no unexpected error');
    assert.deepEqual(tally.failures.slice(0, 10), [], 'no acknowledged write lost');
    assert.deepEqual(sentinelsStored, [], 'the drained uploads are stored');
    assert.match(managed.output(), /SIGTERM: finishing in-flight requests/);
  });
});
