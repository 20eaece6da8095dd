// The SSE-C user guide's rclone steps over HTTPS (sse_customer_algorithm in the config, --s3-sse-customer-key), plus multipart; no key left behind.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { sdkClient, uniqueBucket } from '../helpers/clients.ts';
import type { TestServer } from '../helpers/server.ts';
import { binaries, describeRun, skipUnless, type Sandbox } from './cli.ts';
import { assertNoKeyLeft, pwgen32 } from './secrets.ts';
import { BIG_FILE, BIG_PARTS, SMALL_FILE, assertSameTree, escapeRegExp, readTree, type Tree } from './tree.ts';
import { closeWorkflow, openWorkflow, TRACE_LOGGING } from './workflow.ts';

const MULTIPART_KEY = `multipart/${BIG_FILE}`;
/** rclone's report of one object it could not read: `ERROR : KEY: Failed to copy: … CODE: …` then `status code: N`. */
const failedRead = (key: string, code: string, status: number) => new RegExp(
  `ERROR : ${escapeRegExp(key)}: Failed to copy: failed to open source object: ${code}: [^\\n]*\\n\\s*status code: ${status}\\b`);

describe('rclone: SSE-C user guide', { skip: skipUnless(binaries.rclone) }, () => {
  let server: TestServer;
  let box: Sandbox;
  let s3: S3Client;
  let tree: Tree;
  let media: string;
  const secret = pwgen32();
  const other = pwgen32();
  const bucket = uniqueBucket('rclone-encrypted');
  const remote = `coffer:${bucket}`;
  const withKey = `--s3-sse-customer-key=${secret.raw}`;

  before(async () => {
    ({ server, box, tree, folder: media } = await openWorkflow('media', {
      server: TRACE_LOGGING,
      // As in the guide: the algorithm lives in the remote's configuration, the key comes per command.
      sandbox: { rcloneExtra: ['acl = private', 'sse_customer_algorithm = AES256'] },
    }));
    s3 = sdkClient(server);
  });
  after(() => closeWorkflow({ server, box, s3 }));

  it('rclone mkdir', async () => {
    const made = await box.rclone(['mkdir', remote]);
    assert.equal(made.code, 0, describeRun(made));
  });

  it('rclone sync ~/media/ --s3-sse-customer-key=$secret', async () => {
    const synced = await box.rclone(['sync', media, remote, withKey, '-v']);
    assert.equal(synced.code, 0, describeRun(synced));
    assert.doesNotMatch(synced.stderr, /ERROR/);
    for (const key of tree.keys()) assert.ok(synced.stderr.includes(`${key}: Copied (new)`), `copied ${key}\n${synced.stderr}`);
    const head = await s3.send(new HeadObjectCommand({
      Bucket: bucket, Key: SMALL_FILE, SSECustomerAlgorithm: 'AES256', SSECustomerKey: secret.base64,
    }));
    assert.equal(head.SSECustomerKeyMD5, secret.md5Base64);
    assert.equal(head.ContentLength, tree.get(SMALL_FILE)?.length);
  });

  it('rclone copy back with the key returns the same bytes', async () => {
    const one = box.folder('one');
    const copied = await box.rclone(['copy', `${remote}/${SMALL_FILE}`, one, withKey]);
    assert.equal(copied.code, 0, describeRun(copied));
    const name = SMALL_FILE.split('/').at(-1) ?? '';
    assert.ok((await readFile(join(one, name))).equals(tree.get(SMALL_FILE) ?? Buffer.alloc(1)));
    const all = box.folder('all');
    const everything = await box.rclone(['copy', remote, all, withKey]);
    assert.equal(everything.code, 0, describeRun(everything));
    assertSameTree(await readTree(all), tree, 'rclone copy down with the key');
  });

  it('uploads 20 MiB in 5 MiB parts with the key, and reads it back', async () => {
    const uploaded = await box.rclone(['copyto', join(media, ...BIG_FILE.split('/')), `${remote}/${MULTIPART_KEY}`, withKey,
      '--s3-upload-cutoff', '5M', '--s3-chunk-size', '5M', '-v']);
    assert.equal(uploaded.code, 0, describeRun(uploaded));
    assert.doesNotMatch(uploaded.stderr, /ERROR/);
    const head = await s3.send(new HeadObjectCommand({
      Bucket: bucket, Key: MULTIPART_KEY, SSECustomerAlgorithm: 'AES256', SSECustomerKey: secret.base64,
    }));
    assert.match(head.ETag ?? '', new RegExp(`^"[0-9a-f]{32}-${BIG_PARTS}"$`));
    assert.equal(head.SSECustomerKeyMD5, secret.md5Base64);
    const md5 = createHash('md5').update(tree.get(BIG_FILE) ?? '').digest('base64');
    assert.equal(head.Metadata?.['md5chksum'], md5, 'rclone keeps the MD5 in x-amz-meta-md5chksum');
    const local = join(box.folder('multipart'), 'big.bin');
    const fetched = await box.rclone(['copyto', `${remote}/${MULTIPART_KEY}`, local, withKey]);
    assert.equal(fetched.code, 0, describeRun(fetched));
    assert.ok((await readFile(local)).equals(tree.get(BIG_FILE) ?? Buffer.alloc(1)));
  });

  it('reading without the key fails: the algorithm header alone gets 400 for every object', async () => {
    const target = box.folder('nokey');
    const copied = await box.rclone(['copy', remote, target, '--retries', '1', '--low-level-retries', '1']);
    assert.equal(copied.code, 1, describeRun(copied));
    for (const key of [...tree.keys(), MULTIPART_KEY]) {
      assert.match(copied.stderr, failedRead(key, 'InvalidArgument', 400), key);
    }
    assert.deepEqual([...(await readTree(target)).keys()], [], 'nothing was written');
    // A single object: rclone takes the failed HEAD for "not a file", lists `key/`, finds nothing and exits 0.
    const local = join(target, 'single');
    const single = await box.rclone(['copyto', `${remote}/${SMALL_FILE}`, local]);
    assert.equal(existsSync(local), false, describeRun(single));
  });

  it('reading with a wrong key fails with 403 for every object', async () => {
    const target = box.folder('wrongkey');
    const copied = await box.rclone(['copy', remote, target, `--s3-sse-customer-key=${other.raw}`,
      '--retries', '1', '--low-level-retries', '1']);
    assert.equal(copied.code, 1, describeRun(copied));
    for (const key of [...tree.keys(), MULTIPART_KEY]) {
      assert.match(copied.stderr, failedRead(key, 'AccessDenied', 403), key);
    }
    assert.deepEqual([...(await readTree(target)).keys()], [], 'nothing was written');
  });

  it('leaves no trace of the key in the data folder or the server output', async () => {
    await assertNoKeyLeft(server, [secret, other]);
  });
});
