// PutObject bodies up to 64 KiB are read whole and verified at once, larger ones stream: on both
// sides of that line the same bytes are stored, the same integrity errors come back, a failed
// upload leaves the previous object in place, and a client that hangs up mid-body stores nothing.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { connect } from 'node:tls';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { HttpRequest } from '@smithy/protocol-http';
import { errorCode } from '../helpers/errors.ts';
import { rawRequest, signer, xmlCode } from '../helpers/raw.ts';
import type { TestServer } from '../helpers/server.ts';
import { startServerWithBucket } from '../helpers/server-with-bucket.ts';

const LIMIT = 64 * 1024;
const SIZES = [0, 1, 4096, LIMIT - 1, LIMIT, LIMIT + 1, 200_000];
const md5 = (data: Buffer) => createHash('md5').update(data);

describe('small and large PutObject bodies', () => {
  let server: TestServer;
  let s3: S3Client;
  let bucket: string;
  before(async () => {
    ({ server, s3, bucket } = await startServerWithBucket());
  });
  after(async () => {
    await server?.stop();
  });

  async function getBytes(key: string, extra: Record<string, unknown> = {}): Promise<Buffer> {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...extra }));
    return Buffer.from(await out.Body!.transformToByteArray());
  }

  it('stores every size plain (MD5 ETag) and under SSE-C, byte for byte', async () => {
    const customer = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: randomBytes(32).toString('base64') };
    for (const size of SIZES) {
      const data = randomBytes(size);
      const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `plain-${size}`, Body: data }));
      assert.equal(put.ETag, `"${md5(data).digest('hex')}"`, `size ${size}`);
      assert.ok((await getBytes(`plain-${size}`)).equals(data), `plain size ${size}`);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `sse-${size}`, Body: data, ...customer }));
      assert.ok((await getBytes(`sse-${size}`, customer)).equals(data), `SSE-C size ${size}`);
      assert.equal(await errorCode(s3.send(new GetObjectCommand({ Bucket: bucket, Key: `sse-${size}` }))), 'InvalidRequest');
    }
  });

  it('refuses a wrong Content-MD5, signed SHA-256 or CRC32 on both sides of the line, keeping the old object', async () => {
    for (const size of [LIMIT, LIMIT + 1]) {
      const key = `kept-${size}`;
      const original = randomBytes(100);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: original }));
      const data = randomBytes(size);
      const otherMd5 = md5(randomBytes(8)).digest('base64');
      assert.equal(await errorCode(s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: data, ContentMD5: otherMd5 }))), 'BadDigest');
      assert.equal(
        await errorCode(s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: data, ChecksumCRC32: 'AAAAAA==' }))), 'BadDigest',
      );
      const wrongHash = createHash('sha256').update('other').digest('hex');
      const refused = await rawRequest(server, { method: 'PUT', path: `/${bucket}/${key}`, body: data, payloadHash: wrongHash });
      assert.equal(refused.status, 400);
      assert.equal(xmlCode(refused.body), 'XAmzContentSHA256Mismatch');
      assert.ok((await getBytes(key)).equals(original), `size ${size}: the earlier object is intact`);
      const rightHash = createHash('sha256').update(data).digest('hex');
      const accepted = await rawRequest(server, { method: 'PUT', path: `/${bucket}/${key}`, body: data, payloadHash: rightHash });
      assert.equal(accepted.status, 200);
      assert.ok((await getBytes(key)).equals(data));
    }
  });

  it('stores nothing from a client that hangs up halfway through a small body, and keeps serving', async () => {
    const url = new URL(server.endpoint);
    const data = randomBytes(4096);
    const signed = await signer(server).sign(new HttpRequest({
      method: 'PUT', protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: `/${bucket}/cut`,
      headers: { host: url.host, 'content-length': String(data.length), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    }));
    const refusedPuts = () => server.output().split('\n').filter((line) => line.includes('"method":"PUT"') && line.includes('"status":400')).length;
    const refusedBefore = refusedPuts();
    const head = [`PUT /${bucket}/cut HTTP/1.1`, ...Object.entries(signed.headers).map(([name, value]) => `${name}: ${value}`), '', ''].join('\r\n');
    await new Promise<void>((resolve) => {
      const socket = connect({ host: url.hostname, port: Number(url.port), ca: server.ca, servername: 'localhost' });
      socket.on('secureConnect', () => {
        socket.write(head);
        socket.write(data.subarray(0, 2000), () => setTimeout(() => socket.destroy(), 100));
      });
      socket.on('error', () => undefined);
      socket.on('close', () => resolve());
    });
    // The server ends that request (400, IncompleteBody) instead of waiting for the missing bytes.
    const ended = () => refusedPuts() > refusedBefore;
    for (let waited = 0; !ended() && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(ended(), 'the cut request was never answered');
    assert.equal((await rawRequest(server, { method: 'HEAD', path: `/${bucket}/cut` })).status, 404);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'cut', Body: data }));
    assert.ok((await getBytes('cut')).equals(data));
  });
});
