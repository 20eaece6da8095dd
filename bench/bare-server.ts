// The bare node:https server: the most a Node process can move over TLS on loopback, with no S3 work.
// It answers the SDK's S3 requests just enough: PUT drains the body, GET/HEAD serve `size-<n>` keys.
// A PUT of a `store-md5-…` or `store-aes-…` key instead does the least a storing server must: the
// body's MD5 or one AES-256-GCM pass over it, written to a file in the store folder, fsync, answer.
// The file is written as Coffer writes blobs (FileSink, ProgressiveFlush), so that this limit
// shows what the disk allows, not what a naive writer gets from it.
import { readFileSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { FileSink } from '../src/storage/blob/fs/file-sink.ts';
import { ProgressiveFlush } from '../src/storage/blob/fs/progressive-flush.ts';

const [certFile, keyFile, storeDir] = process.argv.slice(2);
if (!certFile || !keyFile) throw new Error('usage: bare-server.ts <cert.pem> <key.pem> [store folder]');

let stored = 0;
/** Stores the body as described above; the file is removed once the answer is sent. */
async function store(req: IncomingMessage, work: 'md5' | 'aes', folder: string): Promise<void> {
  const file = join(folder, `upload-${++stored}`);
  try {
    const hash = createHash('md5');
    const perByte = work === 'aes'
      ? createCipheriv('aes-256-gcm', randomBytes(32), randomBytes(12))
      : new Transform({ transform(chunk: Buffer, _encoding, done) { hash.update(chunk); done(null, chunk); } });
    const handle = await open(file, 'w');
    const flush = new ProgressiveFlush(handle);
    try {
      await pipeline(req, perByte, new FileSink(handle, { batchBytes: 1024 * 1024, onWritten: (bytes) => flush.wrote(bytes) }));
      await flush.sync();
    } finally {
      await flush.settled();
      await handle.close();
    }
  } finally {
    await rm(file, { force: true });
  }
}

// Random, so that nothing on the way can compress it; sent over and over.
const block = randomBytes(1024 * 1024);

const server = https.createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile), minVersion: 'TLSv1.2' }, (req, res) => {
  const storeWork = /\/store-(md5|aes)-/.exec(req.url ?? '')?.[1] as 'md5' | 'aes' | undefined;
  if (req.method === 'PUT' && storeWork && storeDir) {
    store(req, storeWork, storeDir).then(
      () => res.writeHead(200, { ETag: '"bare"', 'Content-Length': '0' }).end(),
      () => res.writeHead(500, { 'Content-Length': '0' }).end(),
    );
    return;
  }
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
