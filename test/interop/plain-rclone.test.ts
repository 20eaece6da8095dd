// rclone plain-object workflow: mkdir, sync up (multipart), ls and check, copy down, server-side copy, delete, rmdir.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { sdkClient, uniqueBucket } from '../helpers/clients.ts';
import type { TestServer } from '../helpers/server.ts';
import { binaries, describeRun, skipUnless, type Sandbox } from './cli.ts';
import { BIG_FILE, BIG_PARTS, SMALL_FILE, assertSameTree, parseListing, readTree, sizesOf, type Tree } from './tree.ts';
import { closeWorkflow, openWorkflow } from './workflow.ts';

/** 5 MiB parts for anything over 5 MiB (rclone's default cut-off is 200 MiB). */
const multipart = ['--s3-upload-cutoff', '5M', '--s3-chunk-size', '5M'];

describe('rclone: plain objects', { skip: skipUnless(binaries.rclone) }, () => {
  let server: TestServer;
  let box: Sandbox;
  let s3: S3Client;
  let tree: Tree;
  let source: string;
  const bucket = uniqueBucket('rclone-plain');
  const remote = `coffer:${bucket}`;

  before(async () => {
    ({ server, box, tree, folder: source } = await openWorkflow('source'));
    s3 = sdkClient(server);
  });
  after(() => closeWorkflow({ server, box, s3 }));

  it('makes a bucket', async () => {
    const made = await box.rclone(['mkdir', remote]);
    assert.equal(made.code, 0, describeRun(made));
    const listed = await box.rclone(['lsd', 'coffer:']);
    assert.equal(listed.code, 0, describeRun(listed));
    assert.match(listed.stdout, new RegExp(` ${bucket}$`, 'm'));
  });

  it('syncs the folder tree up, the 20 MiB file in 5 MiB parts with its MD5 kept as metadata', async () => {
    const synced = await box.rclone(['sync', source, remote, ...multipart, '-v']);
    assert.equal(synced.code, 0, describeRun(synced));
    assert.doesNotMatch(synced.stderr, /ERROR/);
    for (const key of tree.keys()) assert.ok(synced.stderr.includes(`${key}: Copied (new)`), `copied ${key}\n${synced.stderr}`);

    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: BIG_FILE }));
    assert.match(head.ETag ?? '', new RegExp(`^"[0-9a-f]{32}-${BIG_PARTS}"$`), 'multipart ETag');
    const md5 = createHash('md5').update(tree.get(BIG_FILE) ?? '').digest('base64');
    assert.equal(head.Metadata?.['md5chksum'], md5, 'rclone keeps the MD5 of a multipart upload in x-amz-meta-md5chksum');
    assert.ok(head.Metadata?.['mtime'], 'rclone keeps the modification time in x-amz-meta-mtime');
  });

  it('lists every key with its size, and check finds no difference', async () => {
    const listed = await box.rclone(['ls', remote]);
    assert.equal(listed.code, 0, describeRun(listed));
    assert.deepEqual(parseListing(listed.stdout, /^ *(\d+) (.+)$/), sizesOf(tree));
    const checked = await box.rclone(['check', source, remote]);
    assert.equal(checked.code, 0, describeRun(checked));
    assert.match(checked.stderr, /0 differences found/);
    assert.match(checked.stderr, new RegExp(`${tree.size} matching files`));
  });

  it('copies everything back byte for byte', async () => {
    const target = box.folder('download');
    const copied = await box.rclone(['copy', remote, target]);
    assert.equal(copied.code, 0, describeRun(copied));
    assertSameTree(await readTree(target), tree, 'rclone copy down');
  });

  it('copies objects server-side', async () => {
    const target = box.folder('copies');
    for (const key of [SMALL_FILE, BIG_FILE]) {
      const copied = await box.rclone(['copyto', `${remote}/${key}`, `${remote}/copy/${key}`, '-v']);
      assert.equal(copied.code, 0, describeRun(copied));
      assert.match(copied.stderr, /Copied \(server-side copy\)/, describeRun(copied));
      const local = join(target, key.replaceAll('/', '_'));
      const fetched = await box.rclone(['copyto', `${remote}/copy/${key}`, local]);
      assert.equal(fetched.code, 0, describeRun(fetched));
      assert.ok((await readFile(local)).equals(tree.get(key) ?? Buffer.alloc(1)), `bytes of copy/${key}`);
    }
  });

  it('deletes the objects', async () => {
    const one = await box.rclone(['deletefile', `${remote}/copy/${SMALL_FILE}`]);
    assert.equal(one.code, 0, describeRun(one));
    const listed = await box.rclone(['ls', `${remote}/copy`]);
    assert.equal(listed.code, 0, describeRun(listed));
    assert.deepEqual(parseListing(listed.stdout, /^ *(\d+) (.+)$/), new Map([[BIG_FILE, tree.get(BIG_FILE)?.length]]));
    const all = await box.rclone(['delete', remote, '-v']);
    assert.equal(all.code, 0, describeRun(all));
    assert.equal((all.stderr.match(/: Deleted$/gm) ?? []).length, tree.size + 1, all.stderr);
    const empty = await box.rclone(['ls', remote]);
    assert.equal(empty.code, 0, describeRun(empty));
    assert.equal(empty.stdout, '');
  });

  it('removes the bucket', async () => {
    const removed = await box.rclone(['rmdir', remote]);
    assert.equal(removed.code, 0, describeRun(removed));
    const listed = await box.rclone(['lsd', 'coffer:']);
    assert.equal(listed.code, 0, describeRun(listed));
    assert.doesNotMatch(listed.stdout, new RegExp(` ${bucket}$`, 'm'));
    const gone = await box.rclone(['ls', remote]);
    assert.notEqual(gone.code, 0, 'listing a removed bucket fails');
    assert.match(gone.stderr, /directory not found/, describeRun(gone));
  });
});
