// boto3 SSE-C over HTTPS: multipart upload_file, re-keying copies, a presigned GET with SSE-C headers, wrong/missing keys; no key left behind.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { uniqueBucket } from '../helpers/clients.ts';
import type { TestServer } from '../helpers/server.ts';
import { binaries, describeRun, skipUnless, type Sandbox } from './cli.ts';
import { assertNoKeyLeft, pwgen32 } from './secrets.ts';
import { BIG_FILE, BIG_PARTS, md5Hex, sha256, type Tree } from './tree.ts';
import { closeWorkflow, openWorkflow, TRACE_LOGGING } from './workflow.ts';

const script = fileURLToPath(new URL('./fixtures/boto3_sse_c.py', import.meta.url));
const multipartEtag = new RegExp(`^"[0-9a-f]{32}-${BIG_PARTS}"$`);

interface Head { etag: string; size: number; algorithm: string | null; keyMd5: string | null }
interface ApiError { code: string; status: number }
interface Fetch { status: number; sha256: string | null; signedHeaders: string; urlCarriesKey: boolean }

describe('boto3: SSE-C', { skip: skipUnless(binaries.python) }, () => {
  let server: TestServer;
  let box: Sandbox;
  let tree: Tree;
  let media: string;
  const secret = pwgen32();
  const other = pwgen32();
  const bucket = uniqueBucket('boto3-encrypted');
  const small = Buffer.from('a small secret note, encrypted under a customer key\n');
  const bigSha = () => sha256(tree.get(BIG_FILE) ?? Buffer.alloc(0));

  async function step<T>(name: string, ...args: string[]): Promise<T> {
    const result = await box.python(script, [name, bucket, ...args], { COFFER_KEY: secret.raw, COFFER_KEY2: other.raw });
    assert.equal(result.code, 0, `${name}: ${describeRun(result)}`);
    return JSON.parse(result.stdout) as T;
  }

  before(async () => {
    ({ server, box, tree, folder: media } = await openWorkflow('media', { server: TRACE_LOGGING }));
  });
  after(() => closeWorkflow({ server, box }));

  it('creates a bucket', async () => {
    assert.deepEqual(await step('make-bucket'), { status: 200 });
  });

  it('upload_file with SSECustomerKey sends 20 MiB in 5 MiB parts; head and get with the key', async () => {
    const path = join(media, ...BIG_FILE.split('/'));
    const out = await step<{ head: Head; sha256: string }>('upload', path, BIG_FILE);
    assert.match(out.head.etag, multipartEtag);
    assert.deepEqual({ ...out.head, etag: '' }, { etag: '', size: tree.get(BIG_FILE)?.length, algorithm: 'AES256', keyMd5: secret.md5Base64 });
    assert.equal(out.sha256, bigSha());
  });

  it('put_object with SSECustomerKey: key MD5 echoed, ETag not the MD5', async () => {
    const out = await step<{ etag: string; keyMd5: string; sha256: string }>('put-small', 'note.txt', small.toString());
    assert.equal(out.keyMd5, secret.md5Base64);
    assert.equal(out.sha256, sha256(small));
    assert.match(out.etag, /^"[0-9a-f]{32}"$/);
    assert.notEqual(out.etag, `"${md5Hex(small)}"`);
  });

  it('copies under another key with CopySourceSSECustomerKey (CopyObject and UploadPartCopy)', async () => {
    for (const [source, data] of [[BIG_FILE, tree.get(BIG_FILE) ?? Buffer.alloc(0)], ['note.txt', small]] as const) {
      const out = await step<{
        keyMd5: string; sha256: string; head: Head; managedSha256: string; managedHead: Head;
        oldKeyOnCopy: ApiError | null; sourceStillOldKey: string;
      }>('copy', source, `rekeyed/${source}`);
      assert.equal(out.keyMd5, other.md5Base64, source);
      assert.equal(out.sha256, sha256(data), `bytes of rekeyed/${source}`);
      assert.equal(out.head.keyMd5, other.md5Base64);
      assert.equal(out.head.size, data.length);
      assert.equal(out.managedSha256, sha256(data), `bytes of managed copy of ${source}`);
      assert.equal(out.managedHead.keyMd5, other.md5Base64);
      if (source === BIG_FILE) assert.match(out.managedHead.etag, multipartEtag, 'managed copy went through UploadPartCopy');
      assert.deepEqual(out.oldKeyOnCopy, { code: 'AccessDenied', status: 403 });
      assert.equal(out.sourceStillOldKey, sha256(data));
    }
  });

  it('a SigV4 presigned GET generated with SSE-C params works when fetched with the SSE-C headers', async () => {
    for (const [key, expected] of [[BIG_FILE, bigSha()], ['note.txt', sha256(small)]] as const) {
      const out = await step<{ withHeaders: Fetch; withoutHeaders: Fetch; sigV2Default: Fetch }>('presigned', key);
      const signed = out.withHeaders.signedHeaders.split(';');
      for (const name of ['algorithm', 'key', 'key-md5']) {
        assert.ok(signed.includes(`x-amz-server-side-encryption-customer-${name}`), out.withHeaders.signedHeaders);
      }
      assert.equal(out.withHeaders.urlCarriesKey, false, 'the key travels as a header, never in the URL');
      assert.deepEqual({ status: out.withHeaders.status, sha256: out.withHeaders.sha256 }, { status: 200, sha256: expected }, key);
      assert.equal(out.withoutHeaders.status, 403, 'signed SSE-C headers left off: the signature cannot match');
      // botocore's default S3 presigner is SigV2, which puts the key in the URL: refused (SigV4 only).
      assert.equal(out.sigV2Default.urlCarriesKey, true);
      assert.equal(out.sigV2Default.status, 400);
    }
  });

  it('refuses a wrong key with 403 and a missing key with 400 on every read path', async () => {
    for (const key of [BIG_FILE, 'note.txt']) {
      const out = await step<Record<string, ApiError | null>>('refusals', key);
      assert.deepEqual(out, {
        getWrongKey: { code: 'AccessDenied', status: 403 },
        headWrongKey: { code: '403', status: 403 },
        rangeWrongKey: { code: 'AccessDenied', status: 403 },
        getNoKey: { code: 'InvalidRequest', status: 400 },
        headNoKey: { code: '400', status: 400 },
        copyWrongSourceKey: { code: 'AccessDenied', status: 403 },
      }, key);
    }
  });

  it('leaves no trace of either key in the data folder or the server output', async () => {
    await assertNoKeyLeft(server, [secret, other]);
  });
});
