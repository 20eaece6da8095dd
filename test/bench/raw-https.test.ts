// The benchmark's hand-written HTTP/1.1 transport reads every framing a server may answer with.
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { after, before, test } from 'node:test';
import { makeCertificate } from '../../bench/servers.ts';
import { RawHttpsPool } from '../../bench/raw-https.ts';

let server: Server;
let pool: RawHttpsPool;
let connections = 0;
let open = 0;
let mostOpen = 0;
const dir = mkdtempSync(join(tmpdir(), 'coffer-raw-https-'));

before(async () => {
  const files = await makeCertificate(dir);
  server = createServer({ cert: readFileSync(files.cert), key: readFileSync(files.key) }, (req, res) => {
    if (req.url === '/length') res.end(Buffer.alloc(5000, 1));
    else if (req.url === '/chunked') {
      // Three writes without a length: node frames them as chunks, in separate TLS records.
      res.write('a'.repeat(1000));
      setImmediate(() => {
        res.write('b'.repeat(70_000));
        res.end('c');
      });
    } else if (req.url === '/close') {
      res.setHeader('Connection', 'close');
      res.end('bye');
    } else {
      res.statusCode = 404;
      res.end('<Error><Code>NoSuchKey</Code></Error>');
    }
  });
  server.on('secureConnection', (socket) => {
    connections++;
    mostOpen = Math.max(mostOpen, ++open);
    socket.on('close', () => open--);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  pool = new RawHttpsPool('127.0.0.1', port, createSecureContext({ ca: readFileSync(files.cert) }), 2);
});

after(() => {
  pool.close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string) => `GET ${path} HTTP/1.1\r\nhost: localhost\r\n\r\n`;

test('bodies framed by Content-Length and by chunks are read to their end, on one connection', async () => {
  const before = connections;
  assert.deepEqual(await pool.request(get('/length'), undefined, false), { status: 200, bytes: 5000 });
  assert.deepEqual(await pool.request(get('/chunked'), undefined, false), { status: 200, bytes: 71_001 });
  assert.deepEqual(await pool.request(get('/missing'), undefined, false), { status: 404, bytes: 37 });
  assert.deepEqual(await pool.request(`HEAD /length HTTP/1.1\r\nhost: localhost\r\n\r\n`, undefined, true), { status: 200, bytes: 0 });
  assert.equal(connections - before, 1, 'one keep-alive connection for four requests in turn');
});

test('a connection the server closes is replaced by the next request', async () => {
  const before = connections;
  assert.deepEqual(await pool.request(get('/close'), undefined, false), { status: 200, bytes: 3 });
  assert.deepEqual(await pool.request(get('/length'), undefined, false), { status: 200, bytes: 5000 });
  assert.ok(connections - before >= 1, 'a new connection after the close');
});

test('requests beyond the pool size wait for a connection instead of opening more', async () => {
  const answers = await Promise.all(Array.from({ length: 6 }, () => pool.request(get('/length'), undefined, false)));
  assert.ok(answers.every((a) => a.status === 200 && a.bytes === 5000));
  assert.equal(mostOpen, 2, 'never more connections open than the pool holds');
});
