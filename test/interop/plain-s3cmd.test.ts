// s3cmd plain-object workflow: mb, sync up (5 MiB multipart chunks), ls, sync down, remote copy, del, rb.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { sdkClient, uniqueBucket } from '../helpers/clients.ts';
import type { TestServer } from '../helpers/server.ts';
import { binaries, describeRun, skipUnless, type Sandbox } from './cli.ts';
import {
  BIG_FILE, BIG_PARTS, SMALL_FILE, assertSameTree, escapeRegExp, keysFromLines, md5Hex, parseListing, readTree, sizesOf, type Tree,
} from './tree.ts';
import { closeWorkflow, openWorkflow } from './workflow.ts';

describe('s3cmd: plain objects', { skip: skipUnless(binaries.s3cmd) }, () => {
  let server: TestServer;
  let box: Sandbox;
  let s3: S3Client;
  let tree: Tree;
  let source: string;
  /** Copies that exist, so a failed copy does not also fail the delete step. */
  const copies = new Set<string>();
  const bucket = uniqueBucket('s3cmd-plain');
  const s3url = `s3://${bucket}`;

  before(async () => {
    ({ server, box, tree, folder: source } = await openWorkflow('source'));
    s3 = sdkClient(server);
  });
  after(() => closeWorkflow({ server, box, s3 }));

  it('makes a bucket', async () => {
    const made = await box.s3cmd(['mb', s3url]);
    assert.equal(made.code, 0, describeRun(made));
    assert.equal(made.stdout, `Bucket '${s3url}/' created\n`);
    const listed = await box.s3cmd(['ls']);
    assert.equal(listed.code, 0, describeRun(listed));
    assert.match(listed.stdout, new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d  ${escapeRegExp(s3url)}$`, 'm'));
  });

  it('syncs the folder tree up, the 20 MiB file in 5 MiB parts', async () => {
    const synced = await box.s3cmd(['sync', '--multipart-chunk-size-mb=5', `${source}/`, `${s3url}/`]);
    assert.equal(synced.code, 0, describeRun(synced));
    const uploaded = keysFromLines(synced.stdout, new RegExp(`^upload: '.+' -> '${escapeRegExp(s3url)}/(.+)' \\(\\d+ bytes in`));
    assert.deepEqual(uploaded, [...tree.keys()].sort(), synced.stdout);
    const big = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: BIG_FILE }));
    assert.match(big.ETag ?? '', new RegExp(`^"[0-9a-f]{32}-${BIG_PARTS}"$`), 'multipart ETag');
    assert.equal(big.ContentLength, tree.get(BIG_FILE)?.length);
    const small = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: SMALL_FILE }));
    assert.equal(small.ETag, `"${md5Hex(tree.get(SMALL_FILE) ?? Buffer.alloc(0))}"`);

    const again = await box.s3cmd(['sync', '--multipart-chunk-size-mb=5', `${source}/`, `${s3url}/`]);
    assert.equal(again.code, 0, describeRun(again));
    assert.doesNotMatch(again.stdout, /^upload:/m, 'a second sync has nothing to upload');
  });

  it('lists every key with its size', async () => {
    const listed = await box.s3cmd(['ls', '--recursive', s3url]);
    assert.equal(listed.code, 0, describeRun(listed));
    const sizes = parseListing(listed.stdout, new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d +(\\d+) +${escapeRegExp(s3url)}/(.+)$`));
    assert.deepEqual(sizes, sizesOf(tree));
  });

  it('downloads everything back byte for byte', async () => {
    const target = box.folder('download');
    const synced = await box.s3cmd(['sync', `${s3url}/`, `${target}/`]);
    assert.equal(synced.code, 0, describeRun(synced));
    const downloaded = keysFromLines(synced.stdout, new RegExp(`^download: '${escapeRegExp(s3url)}/(.+)' -> '.+' \\(\\d+ bytes in`));
    assert.deepEqual(downloaded, [...tree.keys()].sort(), synced.stdout);
    assert.doesNotMatch(synced.stderr, /MD5 signatures do not match|WARNING/, synced.stderr);
    assertSameTree(await readTree(target), tree, 's3cmd sync down');
  });

  it('copies objects server-side', async () => {
    const target = box.folder('copies');
    for (const key of [SMALL_FILE, BIG_FILE]) {
      const copied = await box.s3cmd(['cp', `${s3url}/${key}`, `${s3url}/copy/${key}`]);
      assert.equal(copied.code, 0, describeRun(copied));
      assert.ok(copied.stdout.startsWith(`remote copy: '${s3url}/${key}' -> '${s3url}/copy/${key}'`), copied.stdout);
      copies.add(`copy/${key}`);
      const local = join(target, key.replaceAll('/', '_'));
      const fetched = await box.s3cmd(['get', `${s3url}/copy/${key}`, local]);
      assert.equal(fetched.code, 0, describeRun(fetched));
      assert.ok((await readFile(local)).equals(tree.get(key) ?? Buffer.alloc(1)), `bytes of copy/${key}`);
    }
  });

  it('deletes the objects', async () => {
    const one = await box.s3cmd(['del', `${s3url}/copy/${SMALL_FILE}`]);
    assert.equal(one.code, 0, describeRun(one));
    assert.equal(one.stdout, `delete: '${s3url}/copy/${SMALL_FILE}'\n`);
    copies.delete(`copy/${SMALL_FILE}`);
    const all = await box.s3cmd(['del', '--recursive', '--force', `${s3url}/`]);
    assert.equal(all.code, 0, describeRun(all));
    const deleted = keysFromLines(all.stdout, new RegExp(`^delete: '${escapeRegExp(s3url)}/(.+)'$`));
    assert.deepEqual(deleted, [...tree.keys(), ...copies].sort());
    const listed = await box.s3cmd(['ls', '--recursive', s3url]);
    assert.equal(listed.code, 0, describeRun(listed));
    assert.equal(listed.stdout, '');
  });

  it('removes the bucket', async () => {
    const removed = await box.s3cmd(['rb', s3url]);
    assert.equal(removed.code, 0, describeRun(removed));
    assert.equal(removed.stdout, `Bucket '${s3url}/' removed\n`);
    const listed = await box.s3cmd(['ls']);
    assert.equal(listed.code, 0, describeRun(listed));
    assert.doesNotMatch(listed.stdout, new RegExp(escapeRegExp(s3url)));
    const gone = await box.s3cmd(['ls', s3url]);
    assert.equal(gone.code, 12, describeRun(gone));
    assert.match(gone.stderr, /NoSuchBucket/);
  });
});
