// Storage faults, part 2: a blob file that vanished and metadata rows corrupted while the server was
// stopped. Each read gets 500 with the reason logged; the process stays up; other objects are unharmed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { newKey } from '../helpers/sse.ts';
import { S3Http, describeOutcome, objectPath } from './harness/client.ts';
import { bytesOf, recordFigures } from './harness/common.ts';
import { blobPathOf, inventory } from './harness/data-folder.ts';
import { checkIntact, clearError, damaged, putAll, putMultipart, specimens, sseOf, type Written } from './harness/objects.ts';
import { isAlive } from './harness/proc.ts';
import { withServer } from './harness/suite.ts';

const MiB = 1024 * 1024;
const BUCKET = 'damage';

test('storage fault: a vanished blob file', { timeout: 5 * 60_000 }, async (t) => {
  await withServer('vanished', {}, async (managed) => {
    const client = new S3Http(managed.server);
    await client.call({ method: 'PUT', path: `/${BUCKET}` });
    const precious = specimens('keep/', newKey);
    const plain: Written = { key: 'gone/plain', data: bytesOf('v1', 300_000) };
    const sse: Written = { key: 'gone/sse', data: bytesOf('v2', 700_000), sse: newKey() };
    await putAll(client, BUCKET, [...precious, plain, sse]);
    const multi = await putMultipart(client, BUCKET, 'gone/multi', [5 * MiB, MiB]);
    for (const [key, segment] of [[plain.key, 0], [sse.key, 0], [multi.key, 1]] as const) {
      rmSync(blobPathOf(managed.dataDir, BUCKET, key, segment));
    }

    await t.test('reads answer 500 InternalError with the reason logged; others are unharmed', async () => {
      const answers = [
        await client.call({ method: 'GET', path: objectPath(BUCKET, plain.key) }),
        await client.call({ method: 'GET', path: objectPath(BUCKET, plain.key), headers: { range: 'bytes=100-200' } }),
        await client.call({ method: 'GET', path: objectPath(BUCKET, sse.key), headers: sseOf(sse) }),
      ];
      for (const o of answers) assert.equal(clearError(o, [500], ['InternalError']), undefined);
      assert.ok((await managed.loggedErrors(/ENOENT/, answers.length)).length >= answers.length, 'each failure names the missing file in the log');
      assert.ok(isAlive(managed.pid));
      assert.deepEqual(await damaged(client, BUCKET, precious), []);
    });

    await t.test('a vanished later part never ends in a complete 200', async () => {
      const o = await client.call({ method: 'GET', path: objectPath(BUCKET, multi.key) });
      recordFigures('storage-vanished-later-part', { answer: describeOutcome(o) });
      // Headers went out with part 1's bytes; the only honest signal left is a cut connection.
      assert.ok(o.kind === 'network' || o.status >= 500, `got ${describeOutcome(o)}`);
      assert.ok(isAlive(managed.pid));
    });

    await t.test('such objects can be overwritten and deleted', async () => {
      const renewed: Written = { key: plain.key, data: bytesOf('v1b', 300_000) };
      await putAll(client, BUCKET, [renewed]);
      assert.equal(await checkIntact(client, BUCKET, renewed), undefined);
      const deleted = await client.call({ method: 'DELETE', path: objectPath(BUCKET, sse.key) });
      assert.equal(deleted.kind === 'response' && deleted.status, 204);
      const gone = await client.call({ method: 'GET', path: objectPath(BUCKET, sse.key), headers: sseOf(sse) });
      assert.equal(gone.kind === 'response' && gone.status, 404);
      assert.deepEqual(await damaged(client, BUCKET, precious), []);
      assert.equal(inventory(managed.dataDir).missing.length, 1, 'only the multipart object still misses its part');
    });
    client.close();
  });
});

test('storage fault: corrupted metadata rows', { timeout: 5 * 60_000 }, async (t) => {
  await withServer('corrupt', {}, async (managed) => {
    let client = new S3Http(managed.server);
    await client.call({ method: 'PUT', path: `/${BUCKET}` });
    const precious = specimens('keep/', newKey);
    const segmentsRow: Written = { key: 'bad/segments', data: bytesOf('c1', 300_000) };
    const sealRow: Written = { key: 'bad/seal', data: bytesOf('c2', 300_000), sse: newKey() };
    const headersRow: Written = { key: 'bad/headers', data: bytesOf('c3', 500) };
    await putAll(client, BUCKET, [...precious, segmentsRow, sealRow, headersRow]);
    client.close();
    await managed.stop('SIGTERM');

    const db = new Database(join(managed.dataDir, 'metadata.sqlite'));
    const row = (key: string) => db.prepare('SELECT segments, encryption FROM objects WHERE bucket = ? AND key = ?').get(BUCKET, key) as { segments: string; encryption: string };
    const goodSegments = row(segmentsRow.key).segments;
    const encryption = JSON.parse(row(sealRow.key).encryption) as { seal: string };
    encryption.seal = `${encryption.seal.startsWith('A') ? 'B' : 'A'}${encryption.seal.slice(1)}`;
    const updateSql = `UPDATE objects SET segments = coalesce(@segments, segments), encryption = coalesce(@encryption, encryption),
      content_headers = coalesce(@headers, content_headers) WHERE bucket = @bucket AND key = @key`;
    const update = db.prepare(updateSql);
    update.run({ bucket: BUCKET, key: segmentsRow.key, segments: '[{"blobId":', encryption: null, headers: null });
    update.run({ bucket: BUCKET, key: sealRow.key, segments: null, encryption: JSON.stringify(encryption), headers: null });
    update.run({ bucket: BUCKET, key: headersRow.key, segments: null, encryption: null, headers: '{"contentType":' });
    // Closed before the start: a server running as one process keeps the database to itself.
    db.close();

    let startError = '';
    await t.test('the server starts although one segments row does not parse', async () => {
      try {
        await managed.start();
      } catch (error) {
        startError = String(error).split('\n').slice(0, 3).join(' ');
      }
      assert.equal(startError, '', 'server start');
    });
    if (startError) {
      // Put that row right so the rest can be examined; the other two corruptions stay.
      const repair = new Database(join(managed.dataDir, 'metadata.sqlite'));
      repair.prepare(updateSql).run({ bucket: BUCKET, key: segmentsRow.key, segments: goodSegments, encryption: null, headers: null });
      repair.close();
      await managed.start();
    }
    client = new S3Http(managed.server);
    recordFigures('storage-corrupt', { startError });

    await t.test('reads of corrupted rows answer 500 with the reason logged; the rest is unharmed', async () => {
      const sealed = await client.call({ method: 'GET', path: objectPath(BUCKET, sealRow.key), headers: sseOf(sealRow) });
      assert.equal(clearError(sealed, [500], ['InternalError']), undefined, 'seal mismatch');
      assert.ok((await managed.loggedErrors(/integrity|authentication/i)).length > 0, 'integrity failure logged');
      const headers = await client.call({ method: 'GET', path: objectPath(BUCKET, headersRow.key) });
      assert.equal(clearError(headers, [500], ['InternalError']), undefined, 'unparseable content headers');
      assert.ok((await managed.loggedErrors(/JSON|SyntaxError/)).length > 0, 'parse failure logged');
      if (!startError) {
        const segments = await client.call({ method: 'GET', path: objectPath(BUCKET, segmentsRow.key) });
        assert.equal(clearError(segments, [500], ['InternalError']), undefined, 'unparseable segments');
      }
      const listing = await client.call({ method: 'GET', path: `/${BUCKET}`, query: { 'list-type': '2' } });
      assert.equal(listing.kind === 'response' && listing.status, 200, `listing: ${describeOutcome(listing)}`);
      assert.deepEqual(await damaged(client, BUCKET, precious), []);
      assert.ok(isAlive(managed.pid));
    });

    await t.test('a corrupted row can be overwritten and deleted', async () => {
      const renewed: Written = { key: headersRow.key, data: bytesOf('c3b', 500) };
      const o = await client.call({ method: 'PUT', path: objectPath(BUCKET, renewed.key), body: renewed.data });
      assert.equal(o.kind === 'response' && o.status, 200, `overwrite: ${describeOutcome(o)}`);
      assert.equal(await checkIntact(client, BUCKET, renewed), undefined);
      const d = await client.call({ method: 'DELETE', path: objectPath(BUCKET, renewed.key) });
      assert.equal(d.kind === 'response' && d.status, 204, `delete: ${describeOutcome(d)}`);
    });
    client.close();
  });
});

test('storage fault: file descriptors run out at the first write', { timeout: 5 * 60_000 }, async (t) => {
  await withServer('emfile', {}, async (managed) => {
    const pid = String(managed.pid);
    const client = new S3Http(managed.server, 1);
    await client.call({ method: 'PUT', path: `/${BUCKET}` }); // not a batched write; opens the connection we keep
    let soft = '';
    try {
      soft = execFileSync('prlimit', ['--pid', pid, '--nofile', '-o', 'SOFT', '--noheadings']).toString().trim();
      execFileSync('prlimit', ['--pid', pid, '--nofile=8:']);
    } catch (error) {
      t.skip(`cannot change the server's file limit here: ${String(error).slice(0, 200)}`);
      client.close();
      return;
    }
    const during = await client.call({ method: 'PUT', path: objectPath(BUCKET, 'emfile/during'), body: Buffer.from('no fds') });
    execFileSync('prlimit', ['--pid', pid, `--nofile=${soft}:`]);
    const small: Written = { key: 'emfile/after-small', data: bytesOf('e1', 100) };
    const blob: Written = { key: 'emfile/after-blob', data: bytesOf('e2', 300_000) };
    const answers = { small: await client.call({ method: 'PUT', path: objectPath(BUCKET, small.key), body: small.data }),
      blob: await client.call({ method: 'PUT', path: objectPath(BUCKET, blob.key), body: blob.data }) };
    const duringNow = await client.call({ method: 'GET', path: objectPath(BUCKET, 'emfile/during') });
    const inv = inventory(managed.dataDir);
    recordFigures('storage-emfile', {
      duringExhaustion: describeOutcome(during), afterwards: { small: describeOutcome(answers.small), blob: describeOutcome(answers.blob) },
      refusedWriteNowReads: describeOutcome(duringNow), rowsWithoutBlob: inv.missing.length,
    });
    client.close();
    assert.ok(isAlive(managed.pid));

    await t.test('a write refused for lack of descriptors has no effect; writes work once descriptors are back', async () => {
      assert.ok(during.kind === 'response' && during.status >= 500, `refused write: ${describeOutcome(during)}`);
      assert.equal(duringNow.kind === 'response' && duringNow.status, 404, `the refused write must not be stored: ${describeOutcome(duringNow)}`);
      assert.equal(answers.small.kind === 'response' && answers.small.status, 200, `small PUT afterwards: ${describeOutcome(answers.small)}`);
      assert.equal(answers.blob.kind === 'response' && answers.blob.status, 200, `300 KB PUT afterwards: ${describeOutcome(answers.blob)}`);
      assert.deepEqual(inv.missing, [], 'no committed row points at a deleted blob');
    });
  });
});
