// What is on disk for SSE-C objects: tampering is detected and never served, rotation leaves the
// data untouched, and no trace of the customer key (raw, base64 or MD5) is stored or logged.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { readMetadata } from '../helpers/metadata-snapshot.ts';
import { rawRequest, xmlCode } from '../helpers/raw.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { newKey, sourceTrio, trio } from '../helpers/sse.ts';

const CHUNK = 65536;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]);
}

/** The blob file of an object, found through the metadata database. */
function blobPathOf(dataDir: string, key: string): string {
  const row = readMetadata(dataDir, (db) => db.prepare('SELECT segments FROM objects WHERE key = ?').get(key) as { segments: string });
  const blobId = (JSON.parse(row.segments) as { blobId: string }[])[0]!.blobId;
  return join(dataDir, 'blobs', blobId.slice(0, 2), blobId.slice(2, 4), blobId);
}

/** A GET that resolves with the response, or with the error when the server cut the connection. */
async function fetchAll(server: TestServer, path: string, headers: Record<string, string>) {
  return rawRequest(server, { method: 'GET', path, headers }).catch((error: unknown) => error);
}

describe('SSE-C at rest', () => {
  let server: TestServer;
  const key = newKey();
  const bucket = 'atrest';
  const put = (name: string, body: Buffer, headers = trio(key)) =>
    rawRequest(server, { method: 'PUT', path: `/${bucket}/${name}`, headers, body });

  before(async () => {
    server = await startServer();
    await rawRequest(server, { method: 'PUT', path: `/${bucket}` });
  });
  after(async () => {
    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
  });

  it('a flipped, truncated or swapped ciphertext is never served as plaintext', async () => {
    const data = randomBytes(3 * CHUNK);
    for (const name of ['flip', 'truncate', 'swap-a', 'swap-b']) assert.equal((await put(name, data)).status, 200);
    const flip = blobPathOf(server.dataDir, 'flip');
    const bytes = readFileSync(flip);
    bytes[CHUNK + 100] = (bytes[CHUNK + 100] ?? 0) ^ 1;
    writeFileSync(flip, bytes);
    truncateSync(blobPathOf(server.dataDir, 'truncate'), 2 * (CHUNK + 16));
    const a = blobPathOf(server.dataDir, 'swap-a');
    const b = blobPathOf(server.dataDir, 'swap-b');
    const aBytes = readFileSync(a);
    writeFileSync(a, readFileSync(b));
    writeFileSync(b, aBytes);
    for (const name of ['flip', 'truncate', 'swap-a']) {
      const res = await fetchAll(server, `/${bucket}/${name}`, trio(key));
      if (res instanceof Error) continue; // the connection was cut: nothing unauthenticated was sent
      const { status, body: received } = res as { status: number; body: Buffer };
      if (status === 500) {
        assert.equal(xmlCode(received), 'InternalError', `${name}: failure detected before the response started`);
        continue;
      }
      assert.ok(received.length < data.length, `${name}: a complete body was served`);
      assert.ok(data.subarray(0, received.length).equals(received), `${name}: served bytes must be authenticated plaintext`);
    }
    const untouched = await rawRequest(server, { method: 'GET', path: `/${bucket}/flip`, headers: { ...trio(key), range: `bytes=${2 * CHUNK}-${2 * CHUNK + 9}` } });
    assert.equal(untouched.status, 206, 'chunks that were not touched still read');
    assert.ok(untouched.body.equals(data.subarray(2 * CHUNK, 2 * CHUNK + 10)));
  });

  it('wrapped keys swapped between two objects open neither', async () => {
    // Same customer key on both: only the binding of each wrapped key to its object stops the swap.
    const data = { a: randomBytes(3 * CHUNK), b: randomBytes(100) };
    for (const [name, body] of Object.entries(data)) assert.equal((await put(`wrapped-${name}`, body)).status, 200);
    await server.kill('SIGTERM');
    const db = new Database(join(server.dataDir, 'metadata.sqlite'));
    const wrappedKeyOf = (name: string) => (db.prepare('SELECT encryption FROM objects WHERE key = ?').get(name) as { encryption: string }).encryption;
    const [a, b] = [wrappedKeyOf('wrapped-a'), wrappedKeyOf('wrapped-b')];
    db.prepare('UPDATE objects SET encryption = ? WHERE key = ?').run(b, 'wrapped-a');
    db.prepare('UPDATE objects SET encryption = ? WHERE key = ?').run(a, 'wrapped-b');
    db.close();
    server = await startServer({ dataDir: server.dataDir });
    for (const name of ['a', 'b']) {
      const res = await fetchAll(server, `/${bucket}/wrapped-${name}`, trio(key));
      assert.ok(!(res instanceof Error), `wrapped-${name}: refused with an answer, not a cut`);
      const { status, body } = res as { status: number; body: Buffer };
      assert.ok(status >= 400, `wrapped-${name}: answered ${status}`);
      assert.equal(body.indexOf(data.b.subarray(0, 32)), -1, 'no plaintext in the answer');
      assert.equal(body.indexOf(data.a.subarray(0, 32)), -1, 'no plaintext in the answer');
    }
  });

  it('rotation re-wraps the key without rewriting the data file', async () => {
    const data = randomBytes(3 * CHUNK + 5); // large enough to live in a blob file, not inline
    await put('rotated', data);
    const path = blobPathOf(server.dataDir, 'rotated');
    const before = { hash: createHash('sha256').update(readFileSync(path)).digest('hex'), mtime: statSync(path).mtimeMs };
    const next = newKey();
    const res = await rawRequest(server, {
      method: 'PUT', path: `/${bucket}/rotated`, headers: { 'x-amz-copy-source': `/${bucket}/rotated`, ...sourceTrio(key), ...trio(next) },
    });
    assert.equal(res.status, 200, res.body.toString());
    assert.equal(blobPathOf(server.dataDir, 'rotated'), path);
    assert.equal(createHash('sha256').update(readFileSync(path)).digest('hex'), before.hash);
    assert.equal(statSync(path).mtimeMs, before.mtime);
    const got = await rawRequest(server, { method: 'GET', path: `/${bucket}/rotated`, headers: trio(next) });
    assert.ok(got.body.equals(data));
  });

  it('stores and logs nothing of the customer key', async () => {
    const probe = newKey();
    await put('probe', randomBytes(1000), trio(probe));
    await rawRequest(server, { method: 'GET', path: `/${bucket}/probe`, headers: trio(probe) });
    await rawRequest(server, { method: 'GET', path: `/${bucket}/probe`, headers: trio(newKey()) });
    const needles = [probe, Buffer.from(probe.toString('base64')), createHash('md5').update(probe).digest(),
      Buffer.from(createHash('md5').update(probe).digest('base64')), Buffer.from(createHash('md5').update(probe).digest('hex'))];
    for (const file of filesUnder(server.dataDir)) {
      const content = readFileSync(file);
      for (const needle of needles) assert.equal(content.indexOf(needle), -1, `${file} holds key material`);
    }
    const log = Buffer.from(server.output());
    for (const needle of needles) assert.equal(log.indexOf(needle), -1, 'the log holds key material');
  });
});

