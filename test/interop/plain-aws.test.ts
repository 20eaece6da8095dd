// aws cli v2 (/usr/bin/aws) plain-object workflow: mb, sync up (multipart), ls, sync down, server-side copy, rm, rb.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { uniqueBucket } from '../helpers/clients.ts';
import type { TestServer } from '../helpers/server.ts';
import { binaries, describeRun, skipUnless, type Sandbox } from './cli.ts';
import {
  BIG_FILE, BIG_PARTS, SMALL_FILE, assertSameTree, escapeRegExp, keysFromLines, md5Hex, parseListing, readTree, sizesOf, type Tree,
} from './tree.ts';
import { closeWorkflow, openWorkflow } from './workflow.ts';

describe('aws cli: plain objects', { skip: skipUnless(binaries.aws) }, () => {
  let server: TestServer;
  let box: Sandbox;
  let tree: Tree;
  let source: string;
  /** Copies that exist, so a failed copy does not also fail the delete step. */
  const copies = new Set<string>();
  const bucket = uniqueBucket('aws-plain');
  const s3url = `s3://${bucket}`;

  before(async () => {
    ({ server, box, tree, folder: source } = await openWorkflow('source'));
  });
  after(() => closeWorkflow({ server, box }));

  it('makes a bucket', async () => {
    const made = await box.aws(['s3', 'mb', s3url]);
    assert.equal(made.code, 0, describeRun(made));
    assert.equal(made.stdout, `make_bucket: ${bucket}\n`);
    const buckets = await box.aws(['s3', 'ls']);
    assert.equal(buckets.code, 0, describeRun(buckets));
    assert.match(buckets.stdout, new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d ${escapeRegExp(bucket)}$`, 'm'));
  });

  it('syncs the folder tree up, the 20 MiB file in 5 MiB parts', async () => {
    const synced = await box.aws(['s3', 'sync', source, s3url, '--no-progress']);
    assert.equal(synced.code, 0, describeRun(synced));
    assert.equal(synced.stderr, '');
    const uploaded = keysFromLines(synced.stdout, new RegExp(`^upload: .+ to ${escapeRegExp(s3url)}/(.+)$`));
    assert.deepEqual(uploaded, [...tree.keys()].sort(), synced.stdout);

    const big = await box.aws(['s3api', 'head-object', '--bucket', bucket, '--key', BIG_FILE]);
    assert.equal(big.code, 0, describeRun(big));
    const head = JSON.parse(big.stdout) as { ContentLength: number; ETag: string };
    assert.equal(head.ContentLength, tree.get(BIG_FILE)?.length);
    assert.match(head.ETag, new RegExp(`^"[0-9a-f]{32}-${BIG_PARTS}"$`), 'multipart ETag');
    const small = await box.aws(['s3api', 'head-object', '--bucket', bucket, '--key', SMALL_FILE]);
    assert.equal(small.code, 0, describeRun(small));
    assert.equal((JSON.parse(small.stdout) as { ETag: string }).ETag, `"${md5Hex(tree.get(SMALL_FILE) ?? Buffer.alloc(0))}"`);

    const again = await box.aws(['s3', 'sync', source, s3url, '--no-progress']);
    assert.equal(again.code, 0, describeRun(again));
    assert.equal(again.stdout, '', 'a second sync has nothing to upload');
  });

  it('lists every key with its size', async () => {
    const listed = await box.aws(['s3', 'ls', '--recursive', s3url]);
    assert.equal(listed.code, 0, describeRun(listed));
    const sizes = parseListing(listed.stdout, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +(\d+) (.+)$/);
    assert.deepEqual(sizes, sizesOf(tree));
    const top = await box.aws(['s3', 'ls', `${s3url}/`]);
    assert.equal(top.code, 0, describeRun(top));
    for (const prefix of ['big/', 'docs/', 'photos/', 'symbols/', 'with space/', '日本語/']) {
      assert.match(top.stdout, new RegExp(`^ +PRE ${escapeRegExp(prefix)}$`, 'm'), prefix);
    }
  });

  it('downloads everything back byte for byte', async () => {
    const target = box.folder('download');
    const synced = await box.aws(['s3', 'sync', s3url, target, '--no-progress']);
    assert.equal(synced.code, 0, describeRun(synced));
    const downloaded = keysFromLines(synced.stdout, new RegExp(`^download: ${escapeRegExp(s3url)}/(.+) to .+$`));
    assert.deepEqual(downloaded, [...tree.keys()].sort());
    assertSameTree(await readTree(target), tree, 'aws s3 sync down');
  });

  it('copies objects server-side (CopyObject and multipart UploadPartCopy)', async () => {
    const target = box.folder('copies');
    for (const key of [SMALL_FILE, BIG_FILE]) {
      const copied = await box.aws(['s3', 'cp', `${s3url}/${key}`, `${s3url}/copy/${key}`, '--no-progress']);
      assert.equal(copied.code, 0, describeRun(copied));
      assert.equal(copied.stdout, `copy: ${s3url}/${key} to ${s3url}/copy/${key}\n`);
      copies.add(`copy/${key}`);
      const local = join(target, key.replaceAll('/', '_'));
      const fetched = await box.aws(['s3', 'cp', `${s3url}/copy/${key}`, local, '--no-progress']);
      assert.equal(fetched.code, 0, describeRun(fetched));
      assert.ok((await readFile(local)).equals(tree.get(key) ?? Buffer.alloc(1)), `bytes of copy/${key}`);
    }
  });

  it('deletes the objects', async () => {
    const one = await box.aws(['s3', 'rm', `${s3url}/copy/${SMALL_FILE}`]);
    assert.equal(one.code, 0, describeRun(one));
    assert.equal(one.stdout, `delete: ${s3url}/copy/${SMALL_FILE}\n`);
    copies.delete(`copy/${SMALL_FILE}`);
    const all = await box.aws(['s3', 'rm', s3url, '--recursive']);
    assert.equal(all.code, 0, describeRun(all));
    const deleted = keysFromLines(all.stdout, new RegExp(`^delete: ${escapeRegExp(s3url)}/(.+)$`));
    assert.deepEqual(deleted, [...tree.keys(), ...copies].sort());
    const listed = await box.aws(['s3api', 'list-objects-v2', '--bucket', bucket, '--no-paginate']);
    assert.equal(listed.code, 0, describeRun(listed));
    assert.equal((JSON.parse(listed.stdout) as { KeyCount: number }).KeyCount, 0);
    const empty = await box.aws(['s3', 'ls', '--recursive', s3url]);
    assert.equal(empty.code, 0, 'aws s3 ls of a whole bucket exits 0 even when it is empty');
    assert.equal(empty.stdout, '');
    const gone = await box.aws(['s3', 'ls', `${s3url}/copy/`]);
    assert.equal(gone.code, 1, 'aws s3 ls exits 1 when nothing matches a prefix');
    assert.equal(gone.stdout, '');
  });

  it('removes the bucket', async () => {
    const removed = await box.aws(['s3', 'rb', s3url]);
    assert.equal(removed.code, 0, describeRun(removed));
    assert.equal(removed.stdout, `remove_bucket: ${bucket}\n`);
    const head = await box.aws(['s3api', 'head-bucket', '--bucket', bucket]);
    assert.equal(head.code, 254, describeRun(head));
    assert.match(head.stderr, /An error occurred \(404\) when calling the HeadBucket operation: Not Found/);
    const buckets = await box.aws(['s3', 'ls']);
    assert.equal(buckets.code, 0, describeRun(buckets));
    assert.doesNotMatch(buckets.stdout, new RegExp(escapeRegExp(bucket)));
  });
});
