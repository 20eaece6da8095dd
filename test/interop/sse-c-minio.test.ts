// The SSE-C user guide's mc steps through MinIO's JavaScript client: SSE-C puts (single and multipart), gets, refusals; no key left behind.
import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import * as Minio from 'minio';
import { minioClient, uniqueBucket } from '../helpers/clients.ts';
import type { TestServer } from '../helpers/server.ts';
import type { Sandbox } from './cli.ts';
import { assertNoKeyLeft, pwgen32, type CustomerKey } from './secrets.ts';
import { BIG_FILE, BIG_SIZE, assertSameTree, type Tree } from './tree.ts';
import { closeWorkflow, openWorkflow, TRACE_LOGGING } from './workflow.ts';

const PART = 5 * 1024 * 1024;

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** What minio-js's getObject takes (it also copies these into the query string; see the leak scan). */
const getOpts = (key: CustomerKey) => ({
  SSECustomerAlgorithm: 'AES256', SSECustomerKey: key.base64, SSECustomerKeyMD5: key.md5Base64,
});

async function failure(promise: Promise<unknown>): Promise<{ code: string | undefined; message: string }> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Error, String(error));
    return { code: error instanceof Minio.S3Error ? error.code : `(not an S3Error) ${error.name}`, message: error.message };
  }
  assert.fail('expected the call to fail');
}

describe('minio-js (mc): SSE-C user guide', () => {
  let server: TestServer;
  let box: Sandbox;
  let minio: Minio.Client;
  let tree: Tree;
  const secret = pwgen32();
  const other = pwgen32();
  const bucket = uniqueBucket('mc-encrypted');

  before(async () => {
    ({ server, box, tree } = await openWorkflow('media', { server: TRACE_LOGGING }));
    minio = minioClient(server);
  });
  after(() => closeWorkflow({ server, box }));

  it('mc mb', async () => {
    await minio.makeBucket(bucket);
    assert.equal(await minio.bucketExists(bucket), true);
  });

  it('mc cp --recursive --encrypt-key: putObject with the SSE-C headers, then getObject with them', async () => {
    for (const [path, data] of tree) await minio.putObject(bucket, path, data, data.length, { ...secret.headers });
    const back: Tree = new Map();
    for (const path of tree.keys()) back.set(path, await collect(await minio.getObject(bucket, path, getOpts(secret))));
    assertSameTree(back, tree, 'minio getObject with the key');
  });

  it("minio-js's own multipart putObject leaves SSE-C off UploadPart, and the server refuses the parts", async () => {
    const small = minioClient(server);
    small.partSize = PART;
    const data = tree.get(BIG_FILE) ?? Buffer.alloc(0);
    const refused = await failure(small.putObject(bucket, 'minio-multipart.bin', data, data.length, { ...secret.headers }));
    // AWS: parts of an upload initiated with SSE-C must carry the same key (400 InvalidRequest).
    assert.equal(refused.code, 'InvalidRequest', refused.message);
    assert.equal((await failure(minio.statObject(bucket, 'minio-multipart.bin'))).code, 'NotFound', 'no object was made');
    await minio.removeIncompleteUpload(bucket, 'minio-multipart.bin');
  });

  it('multipart as mc (minio-go) does it: SSE-C on CreateMultipartUpload and every UploadPart', async () => {
    const data = tree.get(BIG_FILE) ?? Buffer.alloc(0);
    const name = 'mc-multipart.bin';
    const uploadId = await minio.initiateNewMultipartUpload(bucket, name, { ...secret.headers });
    const etags: { part: number; etag: string }[] = [];
    for (let offset = 0, part = 1; offset < data.length; offset += PART, part += 1) {
      const chunk = data.subarray(offset, offset + PART);
      const uploaded = await minio.uploadPart(
        { bucketName: bucket, objectName: name, uploadID: uploadId, partNumber: part,
          headers: { ...secret.headers, 'Content-Length': chunk.length } },
        chunk,
      );
      etags.push({ part, etag: uploaded.etag });
    }
    const done = await minio.completeMultipartUpload(bucket, name, uploadId, etags);
    assert.match(done.etag, new RegExp(`^[0-9a-f]{32}-${BIG_SIZE / PART}$`));
    const back = await collect(await minio.getObject(bucket, name, getOpts(secret)));
    assert.ok(back.equals(data), 'bytes of the multipart object');
    const ranged = await collect(await minio.getPartialObject(bucket, name, PART - 10, 20, getOpts(secret)));
    assert.ok(ranged.equals(data.subarray(PART - 10, PART + 10)), 'a range across the part boundary');
  });

  it('mc cp without the key cannot read (400), with a wrong key is denied (403)', async () => {
    for (const name of ['readme.txt', 'empty.txt', 'mc-multipart.bin']) {
      const missing = await failure(minio.getObject(bucket, name));
      assert.equal(missing.code, 'InvalidRequest', `${name}: ${missing.message}`);
      const wrong = await failure(minio.getObject(bucket, name, getOpts(other)));
      assert.equal(wrong.code, 'AccessDenied', `${name}: ${wrong.message}`);
      // mc's "Unable to validate source": its stat (HEAD) carries no key and fails.
      await failure(minio.statObject(bucket, name));
    }
  });

  it('leaves no trace of either key in the data folder or the server output', async () => {
    await assertNoKeyLeft(server, [secret, other]);
  });
});
