// boto3 (Debian's /usr/bin/python3) plain-object workflow: create, upload_file tree (multipart), list, download, copy, delete.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { uniqueBucket } from '../helpers/clients.ts';
import type { TestServer } from '../helpers/server.ts';
import { binaries, describeRun, skipUnless, type Sandbox } from './cli.ts';
import { BIG_FILE, BIG_PARTS, SMALL_FILE, assertSameTree, md5Hex, readTree, sizesOf, type Tree } from './tree.ts';
import { closeWorkflow, openWorkflow } from './workflow.ts';

const script = fileURLToPath(new URL('./fixtures/boto3_plain.py', import.meta.url));

interface Listed { key: string; size: number; etag: string }
interface ApiError { code: string; status: number }

describe('boto3: plain objects', { skip: skipUnless(binaries.python) }, () => {
  let server: TestServer;
  let box: Sandbox;
  let tree: Tree;
  let source: string;
  const bucket = uniqueBucket('boto3-plain');

  async function step<T>(name: string, ...args: string[]): Promise<T> {
    const result = await box.python(script, [name, bucket, ...args]);
    assert.equal(result.code, 0, `${name}: ${describeRun(result)}`);
    return JSON.parse(result.stdout) as T;
  }

  before(async () => {
    ({ server, box, tree, folder: source } = await openWorkflow('source'));
  });
  after(() => closeWorkflow({ server, box }));

  it('creates a bucket', async () => {
    assert.deepEqual(await step('make-bucket'), { status: 200, listed: true });
  });

  it('uploads the folder tree with upload_file, the 20 MiB file in 5 MiB parts', async () => {
    const out = await step<{ uploaded: string[] }>('upload-tree', source);
    assert.deepEqual(out.uploaded, [...tree.keys()].sort());
  });

  it('lists every key with its size and ETag', async () => {
    const { objects } = await step<{ objects: Listed[] }>('list');
    assert.deepEqual(new Map(objects.map((o) => [o.key, o.size])), sizesOf(tree));
    assert.deepEqual(objects.map((o) => o.key), [...tree.keys()].sort(), 'ListObjectsV2 returns keys in UTF-8 byte order');
    for (const o of objects) {
      const data = tree.get(o.key) ?? Buffer.alloc(0);
      if (o.key === BIG_FILE) assert.match(o.etag, new RegExp(`^"[0-9a-f]{32}-${BIG_PARTS}"$`), 'multipart ETag');
      else assert.equal(o.etag, `"${md5Hex(data)}"`, `ETag of ${o.key}`);
    }
  });

  it('downloads everything back byte for byte', async () => {
    const target = box.folder('download');
    const out = await step<{ downloaded: string[] }>('download-all', target);
    assert.deepEqual(out.downloaded, [...tree.keys()].sort());
    assertSameTree(await readTree(target), tree, 'boto3 download_file');
  });

  it('copies objects server-side (copy_object and the managed multipart copy)', async () => {
    const target = box.folder('copies');
    for (const key of [SMALL_FILE, BIG_FILE]) {
      const data = tree.get(key) ?? Buffer.alloc(1);
      const out = await step<{ etag: string; managedEtag: string; managedSize: number }>('copy', key, `copy/${key}`);
      assert.match(out.etag, /^"[0-9a-f]{32}(-\d+)?"$/);
      assert.equal(out.managedSize, data.length);
      if (key === BIG_FILE) assert.match(out.managedEtag, new RegExp(`^"[0-9a-f]{32}-${BIG_PARTS}"$`), 'UploadPartCopy ETag');
      for (const copy of [`copy/${key}`, `copy/${key}.managed`]) {
        const local = join(target, copy.replaceAll('/', '_'));
        assert.deepEqual(await step('get', copy, local), { size: data.length });
        assert.ok((await readFile(local)).equals(data), `bytes of ${copy}`);
      }
    }
  });

  it('deletes every object with DeleteObjects', async () => {
    const copies = [SMALL_FILE, BIG_FILE].flatMap((k) => [`copy/${k}`, `copy/${k}.managed`]);
    const out = await step<{ deleted: string[]; errors: unknown[]; left: number }>('delete-all');
    assert.deepEqual(out, { deleted: [...tree.keys(), ...copies].sort(), errors: [], left: 0 });
  });

  it('removes the bucket', async () => {
    const out = await step<{ status: number; headAfter: ApiError | null }>('remove-bucket');
    assert.deepEqual(out, { status: 204, headAfter: { code: '404', status: 404 } });
  });
});
