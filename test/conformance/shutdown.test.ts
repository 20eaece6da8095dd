// Graceful shutdown as a client sees it: after SIGTERM an upload already under way finishes and is
// stored, and answers on keep-alive connections say `Connection: close` so clients move on at once.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { HttpRequest } from '@smithy/protocol-http';
import { sdkClient, uniqueBucket } from '../helpers/clients.ts';
import { signer } from '../helpers/raw.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

interface Answer {
  status: number;
  connection: string | undefined;
}

/** A signed request over `agent`; `body` pieces are written `pauseMs` apart (a slow upload). */
async function signedRequest(
  server: TestServer, agent: Agent, method: string, path: string, pieces: Buffer[] = [], pauseMs = 0,
): Promise<Answer> {
  const url = new URL(server.endpoint);
  const length = pieces.reduce((sum, p) => sum + p.length, 0);
  const signed = await signer(server).sign(new HttpRequest({
    method, protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path,
    headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...(length ? { 'content-length': String(length) } : {}) },
  }));
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: url.hostname, port: url.port, method, path, headers: signed.headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
    });
    req.on('error', reject);
    void (async () => {
      for (const piece of pieces) {
        req.write(piece);
        if (pauseMs) await sleep(pauseMs);
      }
      req.end();
    })();
  });
}

describe('graceful shutdown', () => {
  let server: TestServer;
  const Bucket = uniqueBucket('drain');
  before(async () => {
    server = await startServer();
    await sdkClient(server).send(new CreateBucketCommand({ Bucket }));
  });
  after(async () => {
    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
  });

  it('finishes an upload in flight, tells its client to close, and refuses new connections', async () => {
    const uploads = new Agent({ ca: server.ca, keepAlive: true, maxSockets: 1 });
    const fresh = new Agent({ ca: server.ca, keepAlive: true, maxSockets: 1 });
    const pieces = Array.from({ length: 8 }, () => randomBytes(128 * 1024));
    const upload = signedRequest(server, uploads, 'PUT', `/${Bucket}/slow`, pieces, 150);
    await sleep(300);
    const exited = server.kill('SIGTERM');
    await sleep(200);
    const newcomer = await signedRequest(server, fresh, 'HEAD', `/${Bucket}`).then(
      (answer) => `answered ${answer.status}`, (error: NodeJS.ErrnoException) => error.code);
    const uploaded = await upload;
    await exited;
    uploads.destroy();
    fresh.destroy();

    assert.equal(newcomer, 'ECONNREFUSED', 'no new connection after SIGTERM');
    assert.equal(uploaded.status, 200, 'the upload in flight finished');
    assert.equal(uploaded.connection, 'close', 'and its keep-alive connection is closed after the answer');
    assert.match(server.output(), /SIGTERM: finishing in-flight requests/);

    server = await startServer({ dataDir: server.dataDir });
    const stored = await sdkClient(server).send(new GetObjectCommand({ Bucket, Key: 'slow' }));
    assert.ok(Buffer.from(await stored.Body!.transformToByteArray()).equals(Buffer.concat(pieces)), 'the upload is stored');
  });
});
