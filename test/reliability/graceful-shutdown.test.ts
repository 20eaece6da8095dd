// Graceful shutdown under load: SIGTERM while 64 clients run and slow uploads and downloads are in
// flight. In-flight requests finish, nothing is cut mid-body, and no acknowledged write is lost.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { S3Http, describeOutcome, objectPath, type Outcome } from './harness/client.ts';
import { makeContent, pick, recordFigures, rng, seedFromEnv, sleep } from './harness/common.ts';
import { verifyKeys, type KeyTally } from './harness/crash-verify.ts';
import { startLoad } from './harness/load-clients.ts';
import { withServer } from './harness/suite.ts';

const LOAD_BEFORE = Number(process.env.COFFER_DRAIN_SECONDS ?? pick(10, 60));
const CLIENTS = 64;
const SENTINELS = Number(process.env.COFFER_DRAIN_SENTINELS ?? 8);
const BUCKET = 'drain';
const MiB = 1024 * 1024;
const seed = seedFromEnv();

test(`graceful shutdown: SIGTERM under ${CLIENTS}-client load with slow transfers in flight (seed ${seed})`, { timeout: pick(6, 12) * 60_000 }, async () => {
  await withServer('drain', { env: { COFFER_LOG_LEVEL: 'warn' } }, async (managed) => {
    let http = new S3Http(managed.server, CLIENTS);
    await http.call({ method: 'PUT', path: `/${BUCKET}` });
    const big = makeContent('drain-big', 4 * MiB);
    const seeded = await http.call({ method: 'PUT', path: objectPath(BUCKET, 'big'), body: big.data });
    assert.equal(seeded.kind === 'response' && seeded.status, 200);
    const run = await startLoad(http, BUCKET, CLIENTS, seed, rng);
    await sleep(LOAD_BEFORE * 1000);

    // Sentinels on their own connections: slow uploads (past 100 Continue) and slow downloads (past headers).
    const slow = new S3Http(managed.server, 2 * SENTINELS);
    let started = 0;
    const begun = () => started++;
    const uploads = Array.from({ length: SENTINELS }, (_, i) => makeContent(`drain-put-${i}`, 4 * MiB));
    const puts = uploads.map((u, i) => slow.call({
      method: 'PUT', path: objectPath(BUCKET, `sentinel/${i}`), body: u.data, expectContinue: true,
      throttle: { pieceBytes: 256 * 1024, pauseMs: 150 }, onContinue: begun,
    }));
    const gets = Array.from({ length: SENTINELS }, () => slow.call({ method: 'GET', path: objectPath(BUCKET, 'big'), slowReadMs: 40, onHeaders: begun }));
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
    for (const c of run.clients) await verifyKeys(http, BUCKET, c.keys, tally);
    const sentinelsStored: string[] = [];
    for (const [i, u] of uploads.entries()) {
      const o = await http.call({ method: 'GET', path: objectPath(BUCKET, `sentinel/${i}`) });
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
