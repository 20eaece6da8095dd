// The SSE-C user guide's aws cli steps over HTTPS: mb, sync --sse-c, cp back, cp without/with a wrong key, re-keying copy; no key left behind.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { uniqueBucket } from '../helpers/clients.ts';
import type { TestServer } from '../helpers/server.ts';
import { binaries, describeRun, skipUnless, type Sandbox } from './cli.ts';
import { assertNoKeyLeft, pwgen32, type CustomerKey } from './secrets.ts';
import { BIG_FILE, BIG_PARTS, SMALL_FILE, assertSameTree, escapeRegExp, keysFromLines, md5Hex, readTree, type Tree } from './tree.ts';
import { closeWorkflow, openWorkflow, TRACE_LOGGING } from './workflow.ts';

const sseC = (key: CustomerKey) => ['--sse-c', 'AES256', '--sse-c-key', key.raw];

interface Head { ETag: string; ContentLength: number; SSECustomerAlgorithm?: string; SSECustomerKeyMD5?: string }

describe('aws cli: SSE-C user guide', { skip: skipUnless(binaries.aws) }, () => {
  let server: TestServer;
  let box: Sandbox;
  let tree: Tree;
  let media: string;
  const secret = pwgen32();
  const other = pwgen32();
  const bucket = uniqueBucket('aws-encrypted');
  const s3url = `s3://${bucket}`;

  before(async () => {
    ({ server, box, tree, folder: media } = await openWorkflow('media', { server: TRACE_LOGGING }));
  });
  after(() => closeWorkflow({ server, box }));

  async function head(key: string, customer?: CustomerKey): Promise<Head> {
    const result = await box.aws(['s3api', 'head-object', '--bucket', bucket, '--key', key,
      ...(customer ? ['--sse-customer-algorithm', 'AES256', '--sse-customer-key', customer.raw] : [])]);
    assert.equal(result.code, 0, describeRun(result));
    return JSON.parse(result.stdout) as Head;
  }

  it('aws s3 mb', async () => {
    const made = await box.aws(['s3', 'mb', s3url]);
    assert.equal(made.code, 0, describeRun(made));
    assert.equal(made.stdout, `make_bucket: ${bucket}\n`);
  });

  it('aws s3 sync ~/media/ --sse-c AES256 --sse-c-key $secret (20 MiB file in 4 parts)', async () => {
    const synced = await box.aws(['s3', 'sync', media, s3url, ...sseC(secret), '--no-progress']);
    assert.equal(synced.code, 0, describeRun(synced));
    assert.deepEqual(keysFromLines(synced.stdout, new RegExp(`^upload: .+ to ${escapeRegExp(s3url)}/(.+)$`)), [...tree.keys()].sort());

    const big = await head(BIG_FILE, secret);
    assert.match(big.ETag, new RegExp(`^"[0-9a-f]{32}-${BIG_PARTS}"$`));
    assert.equal(big.ContentLength, tree.get(BIG_FILE)?.length);
    assert.equal(big.SSECustomerAlgorithm, 'AES256');
    assert.equal(big.SSECustomerKeyMD5, secret.md5Base64);
    const small = await head(SMALL_FILE, secret);
    assert.equal(small.SSECustomerKeyMD5, secret.md5Base64);
    assert.notEqual(small.ETag, `"${md5Hex(tree.get(SMALL_FILE) ?? Buffer.alloc(0))}"`, 'the ETag of an SSE-C object is not its MD5');
  });

  it('aws s3 cp s3://…/file . --sse-c AES256 --sse-c-key $secret returns the same bytes', async () => {
    const target = box.folder('one');
    for (const key of [SMALL_FILE, BIG_FILE]) {
      const local = join(target, key.replaceAll('/', '_'));
      const copied = await box.aws(['s3', 'cp', `${s3url}/${key}`, local, ...sseC(secret), '--no-progress']);
      assert.equal(copied.code, 0, describeRun(copied));
      assert.ok((await readFile(local)).equals(tree.get(key) ?? Buffer.alloc(1)), `bytes of ${key}`);
    }
    const all = box.folder('all');
    const synced = await box.aws(['s3', 'sync', s3url, all, ...sseC(secret), '--no-progress']);
    assert.equal(synced.code, 0, describeRun(synced));
    assertSameTree(await readTree(all), tree, 'aws s3 sync down with the key');
  });

  it('aws s3 cp without the key fails with (400) on HeadObject, as the guide shows', async () => {
    const target = box.folder('nokey');
    for (const key of [SMALL_FILE, BIG_FILE, 'empty.txt']) {
      const local = join(target, 'out');
      const copied = await box.aws(['s3', 'cp', `${s3url}/${key}`, local, '--no-progress']);
      assert.equal(copied.code, 1, describeRun(copied));
      assert.match(copied.stderr, /\(400\)/);
      assert.match(copied.stderr, /HeadObject/);
      assert.equal(copied.stderr.trim(), 'fatal error: An error occurred (400) when calling the HeadObject operation: Bad Request');
      assert.equal(existsSync(local), false, 'nothing was written');
    }
  });

  it('aws s3 cp with a wrong key fails with (403) on HeadObject', async () => {
    const local = join(box.folder('wrongkey'), 'out');
    const copied = await box.aws(['s3', 'cp', `${s3url}/${SMALL_FILE}`, local, ...sseC(other), '--no-progress']);
    assert.equal(copied.code, 1, describeRun(copied));
    assert.equal(copied.stderr.trim(), 'fatal error: An error occurred (403) when calling the HeadObject operation: Forbidden');
    assert.equal(existsSync(local), false);
  });

  it('aws s3 cp --sse-c-copy-source re-encrypts server-side under another key', async () => {
    const target = box.folder('rekeyed');
    for (const key of [SMALL_FILE, BIG_FILE]) {
      const copied = await box.aws(['s3', 'cp', `${s3url}/${key}`, `${s3url}/rekeyed/${key}`, '--no-progress',
        '--sse-c-copy-source', 'AES256', '--sse-c-copy-source-key', secret.raw, ...sseC(other)]);
      assert.equal(copied.code, 0, describeRun(copied));
      assert.equal(copied.stdout, `copy: ${s3url}/${key} to ${s3url}/rekeyed/${key}\n`);
      assert.equal((await head(`rekeyed/${key}`, other)).SSECustomerKeyMD5, other.md5Base64);
      const local = join(target, key.replaceAll('/', '_'));
      const fetched = await box.aws(['s3', 'cp', `${s3url}/rekeyed/${key}`, local, ...sseC(other), '--no-progress']);
      assert.equal(fetched.code, 0, describeRun(fetched));
      assert.ok((await readFile(local)).equals(tree.get(key) ?? Buffer.alloc(1)), `bytes of rekeyed/${key}`);
      const oldKey = await box.aws(['s3', 'cp', `${s3url}/rekeyed/${key}`, join(target, 'x'), ...sseC(secret), '--no-progress']);
      assert.equal(oldKey.code, 1, describeRun(oldKey));
      assert.match(oldKey.stderr, /\(403\) when calling the HeadObject operation/);
    }
  });

  it('leaves no trace of either key in the data folder or the server output', async () => {
    await assertNoKeyLeft(server, [secret, other]);
  });
});
