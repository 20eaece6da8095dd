// Hostile input, fuzzed: fast-check generates malformed and malicious requests, sent as raw bytes over
// TLS. No crash, no 5xx for a client error, nothing written outside the data folder, RSS flat, and the
// server as fast afterwards as before.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { newKey, trio } from '../helpers/sse.ts';
import { S3Http, objectPath } from './harness/client.ts';
import { bytesOf, pick, recordFigures, seedFromEnv } from './harness/common.ts';
import { MARKER, fuzzRequest, type FuzzTargets } from './harness/fuzz-arbitraries.ts';
import { wireBytes, type FuzzRequest } from './harness/fuzz-wire.ts';
import { filesOutside, internalErrors, lastLines, repoRoot, timeAfter, timeNormalBatch } from './harness/health.ts';
import { isAlive, RssSampler } from './harness/proc.ts';
import { RawConnection } from './harness/raw-http.ts';
import { withServer } from './harness/suite.ts';

const REQUESTS = Number(process.env.COFFER_FUZZ_REQUESTS ?? pick(3000, 100_000));
const LANES = 8;
const seed = seedFromEnv();

const summary = (r: FuzzRequest): string =>
  `${r.method} ${r.path.slice(0, 80)} q=${JSON.stringify(r.query).slice(0, 80)} h=${JSON.stringify(r.headers).slice(0, 160)} auth=${r.auth} body=${r.body.length}B ${r.body.toString('latin1', 0, 40)}`;

test(`hostile input: ${REQUESTS} fuzzed requests (seed ${seed})`, { timeout: pick(6, 60) * 60_000 }, async (t) => {
  const poisoned: string[] = [];
  const silent: string[] = [];
  await withServer('fuzz', { env: { COFFER_LOG_LEVEL: 'warn' } }, async (managed) => {
    const server = managed.server;
    const setup = new S3Http(server);
    const targets: FuzzTargets = { bucket: 'fuzz', uploadId: '', uploadKey: 'upload', plainKey: 'plain', sseKey: 'sse' };
    await setup.call({ method: 'PUT', path: '/fuzz' });
    await setup.call({ method: 'PUT', path: objectPath('fuzz', 'plain'), body: bytesOf('plain', 200_000) });
    await setup.call({ method: 'PUT', path: objectPath('fuzz', 'sse'), headers: trio(newKey()), body: bytesOf('sse', 1000) });
    const created = await setup.call({ method: 'POST', path: objectPath('fuzz', 'upload'), query: { uploads: '' } });
    targets.uploadId = created.kind === 'response' ? /<UploadId>([^<]+)</.exec(created.body.toString())?.[1] ?? '' : '';
    setup.close();

    /** Replays a request on a fresh connection, then a plain GET /: does the GET go unanswered? (Signed anew: dates move.) */
    const probe = await wireBytes(server, { method: 'GET', path: '/', query: [], headers: [], body: Buffer.alloc(0), auth: 'valid', noise: '', family: 'probe' });
    const breaksConnection = async (bytes: Buffer, head: boolean): Promise<boolean> => {
      const fresh = new RawConnection(server);
      try {
        const first = await fresh.send(bytes, { head, timeoutMs: 15_000 });
        if (first.closed) return false;
        const next = await fresh.send(probe, { timeoutMs: 15_000 });
        return next.status === undefined;
      } finally {
        fresh.close();
      }
    };
    let raced = 0;
    const before = await timeNormalBatch(server, 'fuzz', 40, 3);
    const rss = new RssSampler(managed.pid, 250);
    const statuses = new Map<number | string, number>();
    const families = new Map<string, number>();
    let sent = 0;
    let connections = 0;
    const started = Date.now();

    const lanes = Array.from({ length: LANES }, async (_, lane) => {
      const conn = new RawConnection(server);
      let previous: { text: string; bytes: Buffer; head: boolean } | undefined;
      const property = fc.asyncProperty(fuzzRequest(targets), async (req) => {
        const bytes = await wireBytes(server, req);
        let answer = await conn.send(bytes, { head: req.method === 'HEAD', timeoutMs: 15_000 });
        if (answer.status === undefined && !answer.timedOut && previous) {
          // Closed without an answer: did this request, or the one before, break the connection?
          const retry = await conn.send(bytes, { head: req.method === 'HEAD', timeoutMs: 15_000 });
          if (retry.status !== undefined) {
            raced++;
            if (await breaksConnection(previous.bytes, previous.head)) poisoned.push(`after: ${previous.text}`);
          }
          answer = retry;
        }
        sent++;
        const current = { text: summary(req), bytes, head: req.method === 'HEAD' };
        previous = current;
        const key = answer.status ?? (answer.timedOut ? 'timeout' : 'closed');
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        families.set(req.family, (families.get(req.family) ?? 0) + 1);
        const code = /<Code>([^<]*)</.exec(answer.body.toString('latin1'))?.[1];
        if (answer.timedOut) return false;
        if (answer.status === undefined) {
          // Closed without an answer, twice: the refusal of a malformed request was lost (checked below).
          silent.push(current.text);
          return true;
        }
        // 501 NotImplemented is the deliberate answer for features Coffer does not offer (a HEAD carries no code).
        return answer.status < 500 || (answer.status === 501 && (code === 'NotImplemented' || req.method === 'HEAD'));
      });
      try {
        await fc.assert(property, { numRuns: Math.ceil(REQUESTS / LANES), seed: seed + lane, endOnFailure: false });
      } finally {
        connections += conn.connections;
        conn.close();
      }
    });
    const results = await Promise.allSettled(lanes);
    const seconds = (Date.now() - started) / 1000;
    const memory = rss.stop();
    const alive = isAlive(managed.pid);
    const after = alive ? await timeAfter(server, 'fuzz', before) : Number.NaN;
    const outside = filesOutside(managed.dataDir, managed.parent, MARKER, repoRoot);
    const errors = internalErrors(managed.output());

    recordFigures('hostile-input', {
      seed, requests: sent, seconds: Math.round(seconds), perSecond: Math.round(sent / seconds), connections,
      statuses: Object.fromEntries(statuses), families: Object.fromEntries(families), rssMiB: memory,
      normalBatchMs: { before, after }, closedThenFineOnRetry: raced, closedWithoutAnswer: silent.length, poisonedConnections: poisoned.length, filesOutside: outside, internalErrors: errors.length,
    });
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason).slice(0, 3000)] : []));
    assert.deepEqual(failures, [], 'every hostile request gets a 4xx (or 501 NotImplemented), never a 5xx or a hang');
    // A server that died says why in its last lines (an uncaught error, a signal): keep them in the failure.
    assert.ok(alive, `server process still up; its last output:\n${lastLines(managed.output(), 40)}`);
    assert.ok(sent >= REQUESTS, `sent ${sent} of ${REQUESTS}`);
    assert.deepEqual(errors.slice(0, 5), [], 'no internal error logged');
    assert.deepEqual(outside, [], 'nothing written outside the data folder');
    assert.ok(memory.lastQuarterMax - memory.firstQuarterMax <= 64, `RSS grew from ${memory.firstQuarterMax} to ${memory.lastQuarterMax} MiB`);
    assert.ok(after <= 2 * before, `normal requests took ${after} ms after the fuzzing, ${before} ms before`);
  });
  await t.test('no request leaves its keep-alive connection unusable (replayed to confirm)', () => {
    assert.deepEqual(poisoned.slice(0, 5), []);
  });
  await t.test('every refused request gets its answer, even with a body still arriving', () => {
    assert.deepEqual(silent.slice(0, 3), []);
  });
});
