// Slow-loris and idle connections: hundreds of sockets that trickle headers, trickle a body, sit idle
// after TLS, or never finish the handshake. The server keeps answering normal requests at full speed,
// memory stays flat, and header trickles are cut by the headers timeout.
import assert from 'node:assert/strict';
import { connect as tcpConnect, type Socket } from 'node:net';
import { test } from 'node:test';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { LONG, pick, recordFigures, sleep } from './harness/common.ts';
import { wireBytes } from './harness/fuzz-wire.ts';
import { timeAfter, timeNormalBatch } from './harness/health.ts';
import { RssSampler, isAlive, socketCount } from './harness/proc.ts';
import { withServer } from './harness/suite.ts';

const PER_KIND = Number(process.env.COFFER_SLOW_SOCKETS ?? pick(40, 150));
/** Long mode waits past headersTimeout (30 s) plus Node's 30 s check interval (and slack) to see trickles cut. */
const HOLD_SECONDS = pick(10, 100);

interface Attacker {
  kind: string;
  socket: Socket | TLSSocket;
  closedAt?: number;
  timer?: NodeJS.Timeout;
}

test(`slow-loris: ${4 * PER_KIND} slow or idle connections held ${HOLD_SECONDS} s`, { timeout: pick(4, 8) * 60_000 }, async (t) => {
  await withServer('slow', { env: { COFFER_LOG_LEVEL: 'warn' } }, async (managed) => {
    const server = managed.server;
    const url = new URL(server.endpoint);
    const setup = await wireBytes(server, { method: 'PUT', path: '/slow', query: [], headers: [], body: Buffer.alloc(0), auth: 'valid', noise: '', family: '' });
    await new Promise<void>((resolve) => {
      const s = tlsConnect({ host: url.hostname, port: Number(url.port), ca: server.ca, servername: 'localhost' }, () => s.end(setup));
      s.on('data', () => s.destroy());
      s.on('close', () => resolve());
    });
    const before = await timeNormalBatch(server, 'slow', 40, pick(2, 3));
    const socketsBefore = socketCount(managed.pid);
    const rss = new RssSampler(managed.pid, 500);
    const started = Date.now();
    const attackers: Attacker[] = [];
    const track = (kind: string, socket: Socket | TLSSocket): Attacker => {
      const a: Attacker = { kind, socket };
      socket.on('close', () => {
        a.closedAt = Date.now() - started;
        clearInterval(a.timer);
      });
      socket.on('error', () => undefined);
      attackers.push(a);
      return a;
    };
    const tls = () => tlsConnect({ host: url.hostname, port: Number(url.port), ca: server.ca, servername: 'localhost' });
    const slowBody = await wireBytes(server, { method: 'PUT', path: '/slow/trickle', query: [], headers: [['content-length', String(1024 * 1024)]], body: Buffer.alloc(0), auth: 'valid', noise: '', family: '' });
    for (let i = 0; i < PER_KIND; i++) {
      // An attacker that never reads (so never notices the server's FIN) and keeps sending.
      const headers = track('trickled headers', tls());
      headers.socket.pause();
      headers.socket.once('secureConnect', () => {
        headers.socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n');
        headers.timer = setInterval(() => headers.socket.write(`X-${i}: y\r\n`), 1000);
      });
      const body = track('trickled body', tls());
      body.socket.once('secureConnect', () => {
        body.socket.write(slowBody);
        body.timer = setInterval(() => body.socket.write('x'), 1000);
      });
      track('idle after TLS', tls());
      track('handshake never finished', tcpConnect({ host: url.hostname, port: Number(url.port) }));
      if (i % 20 === 19) await sleep(50);
    }
    await sleep(3000);
    const during = await timeNormalBatch(server, 'slow', 40, 1);
    const socketsDuring = socketCount(managed.pid);
    await sleep(Math.max(0, HOLD_SECONDS * 1000 - (Date.now() - started)));
    const socketsAtEnd = socketCount(managed.pid);
    const closedByServer: Record<string, number> = {};
    for (const a of attackers) if (a.closedAt !== undefined) closedByServer[a.kind] = (closedByServer[a.kind] ?? 0) + 1;
    for (const a of attackers) {
      clearInterval(a.timer);
      a.socket.destroy();
    }
    const memory = rss.stop();
    const alive = isAlive(managed.pid);
    const after = await timeAfter(server, 'slow', before);
    const serverSockets = { before: socketsBefore, during: socketsDuring, atEnd: socketsAtEnd };
    recordFigures('slow-loris', { sockets: attackers.length, holdSeconds: HOLD_SECONDS, normalBatchMs: { before, during, after }, serverSockets, closedSeenByClient: closedByServer, rssMiB: memory });

    assert.ok(alive, 'server process up');
    assert.ok(during <= 2 * before + 250, `normal requests took ${during} ms during the attack, ${before} ms before`);
    assert.ok(after <= 2 * before, `normal requests took ${after} ms after the attack, ${before} ms before`);
    assert.ok(memory.max - memory.first <= 96, `RSS rose from ${memory.first} to ${memory.max} MiB`);
    if (LONG) {
      // After the hold only the trickled bodies, idle TLS sockets and unfinished handshakes (120 s timeouts) may remain.
      await t.test('header trickles are dropped once the headers timeout passes', () => {
        assert.ok(socketsAtEnd - socketsBefore <= 3 * PER_KIND + 10, `server holds ${socketsAtEnd - socketsBefore} attacker sockets after ${HOLD_SECONDS} s`);
      });
    }
  });
});
