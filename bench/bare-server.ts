// The bare node:https server: the most a Node process can move over TLS on loopback, with no S3 work.
// It answers the SDK's S3 requests just enough: PUT drains the body, GET/HEAD serve `size-<n>` keys.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

const [certFile, keyFile] = process.argv.slice(2);
if (!certFile || !keyFile) throw new Error('usage: bare-server.ts <cert.pem> <key.pem>');

// Random, so that nothing on the way can compress it; sent over and over.
const block = randomBytes(1024 * 1024);

const server = https.createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile), minVersion: 'TLSv1.2' }, (req, res) => {
  if (req.method === 'PUT' || req.method === 'POST') {
    req.on('data', () => undefined);
    req.on('end', () => {
      res.writeHead(200, { ETag: '"bare"', 'Content-Length': '0' });
      res.end();
    });
    return;
  }
  // The object size rides in the key, so the server keeps no state.
  const size = Number(/size-(\d+)/.exec(req.url ?? '')?.[1] ?? 0);
  res.writeHead(200, { 'Content-Length': String(size), ETag: '"bare"', 'Content-Type': 'application/octet-stream' });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  let left = size;
  // Write with backpressure, as any streaming server must.
  const pump = (): void => {
    while (left > 0) {
      const n = Math.min(block.length, left);
      left -= n;
      if (!res.write(n === block.length ? block : block.subarray(0, n))) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
});

server.keepAliveTimeout = 5_000;
server.listen(0, '127.0.0.1', () => {
  console.log(`bare https listening on ${(server.address() as AddressInfo).port}`);
});
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
});
