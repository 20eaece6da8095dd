// Storage faults, part 1: a full disk (a real 16 MiB filesystem) and a data folder turned read-only
// while the server runs. Each gives a clear S3 error, never a crash or damage; writes resume after.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { newKey } from '../helpers/sse.ts';
import { S3Http, codeOf, describeOutcome, objectPath, type Outcome } from './harness/client.ts';
import { bytesOf, recordFigures } from './harness/common.ts';
import { inventory } from './harness/data-folder.ts';
import { fillUp, readOnlyOver, smallFilesystem } from './harness/mounts.ts';
import { checkIntact, clearError, damaged, put, putAll, specimens, type Written } from './harness/objects.ts';
import { isAlive } from './harness/proc.ts';
import { ManagedServer, acquireSuiteLock } from './harness/suite.ts';

const MiB = 1024 * 1024;
const BUCKET = 'faults';
const FULL = [507, 503];

/** Bug found by this suite: see docs/reliability.md, "Findings". */

test('storage fault: full disk', { timeout: 5 * 60_000 }, async (t) => {
  const fs = smallFilesystem(16);
  if ('skip' in fs) {
    t.skip(fs.skip);
    return;
  }
  const release = await acquireSuiteLock('storage-full');
  const managed = new ManagedServer('full', {}, fs.path);
  let filler: string | undefined;
  const figures: Record<string, unknown> = { filesystem: fs.kind };
  try {
    const server = await managed.start();
    const client = new S3Http(server);
    assert.equal((await client.call({ method: 'PUT', path: `/${BUCKET}` })).kind, 'response');
    const precious = specimens('keep/', newKey);
    await putAll(client, BUCKET, precious);
    const early = await client.call({ method: 'POST', path: objectPath(BUCKET, 'mp'), query: { uploads: '' } });
    const uploadId = early.kind === 'response' ? /<UploadId>([^<]+)</.exec(early.body.toString())?.[1] ?? '' : '';

    await t.test('blob writes answer 507 InsufficientStorage and leave no temporaries', async () => {
      let last: Outcome | undefined;
      let stored = 0;
      for (let i = 0; i < 40; i++) {
        last = await put(client, BUCKET, { key: `fill/${i}`, data: bytesOf(`fill${i}`, MiB) });
        if (last.kind !== 'response' || last.status !== 200) break;
        stored++;
      }
      figures.mibStoredBeforeFull = stored;
      assert.ok(last, 'no write attempted');
      assert.equal(clearError(last, FULL, ['InsufficientStorage', 'ServiceUnavailable']), undefined, 'the write that hit the full disk');
      const sse = await put(client, BUCKET, { key: 'fill/sse', data: bytesOf('fs', MiB), sse: newKey() });
      assert.equal(clearError(sse, FULL), undefined, 'SSE-C write on a full disk');
      const part = await client.call({ method: 'PUT', path: objectPath(BUCKET, 'mp'), query: { partNumber: '1', uploadId }, body: bytesOf('p', 5 * MiB) });
      assert.equal(clearError(part, FULL), undefined, 'UploadPart on a full disk');
      assert.deepEqual(inventory(managed.dataDir).tmp, { files: 0, bytes: 0 }, 'failed writes leave no temporary');
      assert.ok(isAlive(managed.pid), 'server process still up');
      assert.deepEqual(await damaged(client, BUCKET, precious), []);
    });

    await t.test('metadata writes answer 507 when not one byte is left', async () => {
      filler = fillUp(fs.path);
      const answers: Record<string, Outcome> = {
        'small PUT (inline)': await put(client, BUCKET, { key: 'tiny', data: bytesOf('t', 10) }),
        DeleteObject: await client.call({ method: 'DELETE', path: objectPath(BUCKET, 'fill/0') }),
        CreateMultipartUpload: await client.call({ method: 'POST', path: objectPath(BUCKET, 'mp2'), query: { uploads: '' } }),
        CreateBucket: await client.call({ method: 'PUT', path: '/faults-two' }),
      };
      figures.whenCompletelyFull = Object.fromEntries(Object.entries(answers).map(([k, o]) => [k, describeOutcome(o)]));
      const wrong = Object.entries(answers).filter(([, o]) => clearError(o, FULL) !== undefined).map(([k, o]) => `${k}: ${describeOutcome(o)}`);
      assert.ok(isAlive(managed.pid), 'server process still up');
      assert.deepEqual(await damaged(client, BUCKET, precious), []);
      assert.deepEqual(wrong, [], 'every write on a full disk answers 507/503');
    });

    await t.test('nothing is damaged, and writes succeed once space is freed', async () => {
      if (filler) rmSync(filler, { force: true });
      for (let i = 0; i < 40; i++) await client.call({ method: 'DELETE', path: objectPath(BUCKET, `fill/${i}`) });
      const again: Written[] = [
        { key: 'after/small', data: bytesOf('a1', 100) },
        { key: 'after/blob', data: bytesOf('a2', 2 * MiB) },
        { key: 'after/sse', data: bytesOf('a3', MiB), sse: newKey() },
      ];
      await putAll(client, BUCKET, again);
      assert.deepEqual(await damaged(client, BUCKET, [...precious, ...again]), []);
      const inv = inventory(managed.dataDir);
      assert.deepEqual({ orphans: inv.orphans.files, missing: inv.missing.length }, { orphans: 0, missing: 0 });
      assert.ok(isAlive(managed.pid));
      assert.equal((await managed.loggedErrors(/storage full/)).length > 0, true, 'the full disk is logged');
    });
    client.close();
  } finally {
    recordFigures('storage-full', figures);
    await managed.dispose();
    fs.undo();
    release();
  }
});

test('storage fault: data folder turns read-only', { timeout: 5 * 60_000 }, async (t) => {
  const release = await acquireSuiteLock('storage-readonly');
  const managed = new ManagedServer('readonly');
  let undo: (() => void) | undefined;
  try {
    const server = await managed.start();
    const setup = new S3Http(server);
    await setup.call({ method: 'PUT', path: `/${BUCKET}` });
    const precious = specimens('keep/', newKey);
    await putAll(setup, BUCKET, precious);
    setup.close();
    const ro = readOnlyOver(managed.dataDir);
    if ('skip' in ro) {
      t.skip(ro.skip);
      return;
    }
    undo = ro.undo;

    await t.test('a blob write gets a clear 5xx with the reason logged; reads go on', async () => {
      const client = new S3Http(server);
      const o = await put(client, BUCKET, { key: 'ro/blob', data: bytesOf('r', 300_000) });
      client.close();
      assert.equal(clearError(o, [500, 503], ['InternalError', 'ServiceUnavailable']), undefined);
      assert.ok((await managed.loggedErrors(/EROFS/)).length > 0, 'the read-only folder is named in the log');
      const reader = new S3Http(server);
      assert.deepEqual(await damaged(reader, BUCKET, precious), []);
      reader.close();
      assert.ok(isAlive(managed.pid));
    });

    await t.test('the connection that got the error stays usable', async () => {
      const client = new S3Http(server, 1);
      const refused = await put(client, BUCKET, { key: 'ro/blob2', data: bytesOf('r2', 300_000) });
      const started = Date.now();
      const next = await client.call({ method: 'GET', path: objectPath(BUCKET, 'keep/small-plain'), timeoutMs: 20_000 });
      client.close();
      assert.equal(refused.kind === 'response' && refused.status >= 500, true, describeOutcome(refused));
      assert.equal(next.kind === 'response' && next.status, 200, `next request on the connection: ${describeOutcome(next)} after ${Date.now() - started} ms ${codeOf(next) ?? ''}`);
      assert.ok(Date.now() - started < 2000, `next request took ${Date.now() - started} ms`);
    });

    await t.test('writes succeed once the folder is writable again', async () => {
      undo?.();
      const client = new S3Http(server);
      const w: Written = { key: 'ro/after', data: bytesOf('ra', 300_000), sse: newKey() };
      await putAll(client, BUCKET, [w]);
      assert.equal(await checkIntact(client, BUCKET, w), undefined);
      assert.deepEqual(await damaged(client, BUCKET, precious), []);
      client.close();
      assert.ok(isAlive(managed.pid));
    });
  } finally {
    undo?.();
    await managed.dispose();
    release();
  }
});
