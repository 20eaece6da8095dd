// Authentication: presigned URLs (expiry, tampering), anonymous and skewed requests, payload hashes,
// streamed uploads with trailing checksums, and 100-continue answered only after authentication.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:https';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { HttpRequest } from '@smithy/protocol-http';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { minioClient } from '../helpers/clients.ts';
import { rawRequest, signer, xmlCode } from '../helpers/raw.ts';
import type { TestServer } from '../helpers/server.ts';
import { startServerWithBucket } from '../helpers/server-with-bucket.ts';

describe('authentication', () => {
  let server: TestServer;
  let s3: S3Client;
  let Bucket: string;
  before(async () => {
    ({ server, s3, bucket: Bucket } = await startServerWithBucket('auth'));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'doc', Body: 'presigned content' }));
  });
  after(async () => {
    await server?.stop();
  });

  async function presignedUrl(path: string, expiresIn: number, method = 'GET'): Promise<URL> {
    const url = new URL(server.endpoint);
    const signed = await signer(server).presign(
      // As S3 presigners do: the payload is unsigned, declared through the (hoisted) content hash.
      new HttpRequest({ method, protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path,
        headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }),
      { expiresIn },
    );
    const query = new URLSearchParams(signed.query as Record<string, string>).toString();
    return new URL(`${server.endpoint}${path}?${query}`);
  }

  function fetchUrl(url: URL, method = 'GET', body?: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(url, { method, ca: server.ca }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('accepts a presigned GET and PUT, refuses a tampered or expired one', async () => {
    const url = await presignedUrl(`/${Bucket}/doc`, 60);
    assert.deepEqual(await fetchUrl(url), { status: 200, body: 'presigned content' });
    const put = await fetchUrl(await presignedUrl(`/${Bucket}/uploaded`, 60, 'PUT'), 'PUT', 'via url');
    assert.equal(put.status, 200);
    const other = new URL(url);
    other.pathname = `/${Bucket}/other`;
    assert.equal((await fetchUrl(other)).status, 403);
    const expired = await presignedUrl(`/${Bucket}/doc`, 1);
    await new Promise((r) => setTimeout(r, 2100));
    const res = await fetchUrl(expired);
    assert.equal(res.status, 403);
    assert.match(res.body, /<Code>AccessDenied<\/Code>/);
  });

  it('refuses anonymous requests and requests outside the clock skew window', async () => {
    const anonymous = await rawRequest(server, { method: 'GET', path: `/${Bucket}/doc`, sign: false });
    assert.equal(anonymous.status, 403);
    assert.equal(xmlCode(anonymous.body), 'AccessDenied');
    const url = new URL(server.endpoint);
    const old = new Date(Date.now() - 20 * 60_000);
    const signed = await signer(server).sign(
      new HttpRequest({ method: 'GET', protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: `/${Bucket}/doc`,
        headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }),
      { signingDate: old },
    );
    const skewed = await rawRequest(server, { method: 'GET', path: `/${Bucket}/doc`, headers: signed.headers, sign: false });
    assert.equal(xmlCode(skewed.body), 'RequestTimeTooSkewed');
  });

  it('checks a signed payload hash and stores nothing on mismatch', async () => {
    const body = 'signed payload';
    const good = createHash('sha256').update(body).digest('hex');
    const ok = await rawRequest(server, { method: 'PUT', path: `/${Bucket}/hashed`, body, payloadHash: good });
    assert.equal(ok.status, 200);
    const wrong = createHash('sha256').update('other').digest('hex');
    const bad = await rawRequest(server, { method: 'PUT', path: `/${Bucket}/hashed2`, body, payloadHash: wrong });
    assert.equal(xmlCode(bad.body), 'XAmzContentSHA256Mismatch');
    assert.equal((await rawRequest(server, { method: 'HEAD', path: `/${Bucket}/hashed2` })).status, 404);
  });

  it('takes streamed uploads with trailing checksums from the SDK and signed chunks from minio', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    await s3.send(new PutObjectCommand({ Bucket, Key: 'streamed', Body: Readable.from([data]), ContentLength: data.length, ChecksumAlgorithm: 'CRC32' }));
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'streamed' }));
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(data));
    const minio = minioClient(server);
    await minio.putObject(Bucket, 'via-minio', Readable.from([data]), data.length);
    const stream = await minio.getObject(Bucket, 'via-minio');
    const pieces: Buffer[] = [];
    for await (const piece of stream) pieces.push(piece as Buffer);
    assert.ok(Buffer.concat(pieces).equals(data));
  });

  it('answers Expect: 100-continue only after the request is accepted', async () => {
    const url = new URL(server.endpoint);
    const status = await new Promise<{ status: number; continued: boolean }>((resolve, reject) => {
      let continued = false;
      const req = request({
        host: url.hostname, port: url.port, method: 'PUT', path: `/${Bucket}/expect`, ca: server.ca,
        headers: { expect: '100-continue', 'content-length': '5', host: url.host },
      }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, continued });
      });
      req.on('continue', () => {
        continued = true;
        req.end('hello');
      });
      req.on('error', reject);
    });
    assert.deepEqual(status, { status: 403, continued: false }, 'an unsigned upload is refused before its body is sent');
  });
});
