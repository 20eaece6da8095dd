// Malformed input of every kind gets the right 4xx code: never a 500, never a crash.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { rawRequest, xmlCode } from '../helpers/raw.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const doctypeBody = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "x">]><Delete><Object><Key>&e;</Key></Object></Delete>';
const md5 = (text: string) => createHash('md5').update(text).digest('base64');

describe('malformed input', () => {
  let server: TestServer;
  const bucket = 'malformed';
  let uploadId = '';
  before(async () => {
    server = await startServer();
    await rawRequest(server, { method: 'PUT', path: `/${bucket}` });
    const created = await rawRequest(server, { method: 'POST', path: `/${bucket}/mp`, query: { uploads: '' } });
    uploadId = /<UploadId>([^<]+)/.exec(created.body.toString())?.[1] ?? '';
  });
  after(async () => {
    assert.match((await rawRequest(server, { method: 'GET', path: '/' })).status.toString(), /^200$/, 'still serving');
    await server.stop();
  });

  const cases: { name: string; req: Parameters<typeof rawRequest>[1]; status: number; code?: string }[] = [
    { name: 'broken XML', req: { method: 'POST', path: `/${bucket}/mp`, query: { uploadId: 'UPLOAD' }, body: '<CompleteMultipartUpload><Part>' }, status: 400, code: 'MalformedXML' },
    { name: 'DOCTYPE entity', req: { method: 'POST', path: `/${bucket}`, query: { delete: '' }, headers: { 'content-md5': md5(doctypeBody) }, body: doctypeBody },
      status: 400, code: 'MalformedXML' },
    { name: 'invalid Content-MD5', req: { method: 'PUT', path: `/${bucket}/k`, headers: { 'content-md5': 'x' }, body: 'x' }, status: 400, code: 'InvalidDigest' },
    { name: 'delete without integrity header', req: { method: 'POST', path: `/${bucket}`, query: { delete: '' }, body: '<Delete><Object><Key>a</Key></Object></Delete>' }, status: 400, code: 'InvalidRequest' },
    { name: 'bad bucket name', req: { method: 'PUT', path: '/Bad_Bucket' }, status: 400, code: 'InvalidBucketName' },
    { name: 'metadata too large', req: { method: 'PUT', path: `/${bucket}/m`, headers: { 'x-amz-meta-big': 'x'.repeat(2100) }, body: 'x' }, status: 400, code: 'MetadataTooLarge' },
    { name: 'part number 0', req: { method: 'PUT', path: `/${bucket}/mp`, query: { partNumber: '0', uploadId: 'UPLOAD' }, body: 'x' }, status: 400, code: 'InvalidArgument' },
    { name: 'part number 10001', req: { method: 'PUT', path: `/${bucket}/mp`, query: { partNumber: '10001', uploadId: 'UPLOAD' }, body: 'x' }, status: 400, code: 'InvalidArgument' },
    { name: 'part number text', req: { method: 'PUT', path: `/${bucket}/mp`, query: { partNumber: 'one', uploadId: 'UPLOAD' }, body: 'x' }, status: 400, code: 'InvalidArgument' },
    { name: 'garbled authorization', req: { method: 'GET', path: '/', sign: false, headers: { authorization: 'AWS4-HMAC-SHA256 garbage' } }, status: 400 },
    { name: 'SigV2 authorization', req: { method: 'GET', path: '/', sign: false, headers: { authorization: 'AWS AKID:c2lnbmF0dXJl' } }, status: 400 },
    { name: 'bad percent-encoding', req: { method: 'GET', path: `/${bucket}/%E0%A4%A`, sign: false }, status: 400 },
    { name: 'invalid UTF-8 key', req: { method: 'GET', path: `/${bucket}/%FF%FE`, sign: false }, status: 400 },
    { name: 'unknown method on object', req: { method: 'PATCH', path: `/${bucket}/x` }, status: 405, code: 'MethodNotAllowed' },
    { name: 'copy source without key', req: { method: 'PUT', path: `/${bucket}/c`, headers: { 'x-amz-copy-source': `/${bucket}` } }, status: 400, code: 'InvalidArgument' },
    { name: 'copy range malformed', req: { method: 'PUT', path: `/${bucket}/mp`, query: { partNumber: '1', uploadId: 'UPLOAD' }, headers: { 'x-amz-copy-source': `/${bucket}/m2`, 'x-amz-copy-source-range': 'bytes=a-b' } }, status: 404 },
    { name: 'bad continuation token', req: { method: 'GET', path: `/${bucket}`, query: { 'list-type': '2', 'continuation-token': '%%%' } }, status: 400, code: 'InvalidArgument' },
    { name: 'bad encoding type', req: { method: 'GET', path: `/${bucket}`, query: { 'encoding-type': 'base64' } }, status: 400, code: 'InvalidArgument' },
    { name: 'negative content length', req: { method: 'PUT', path: `/${bucket}/neg`, headers: { 'content-length': '-1' }, sign: false }, status: 400 },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const query = c.req.query ? Object.fromEntries(Object.entries(c.req.query).map(([k, v]) => [k, v === 'UPLOAD' ? uploadId : v])) : undefined;
      const res = await rawRequest(server, { ...c.req, ...(query ? { query } : {}) });
      assert.equal(res.status, c.status, `${c.name}: ${res.body.toString()}`);
      if (c.code) assert.equal(xmlCode(res.body), c.code);
    });
  }

  it('a header block over the limit is refused and the server stays up', async () => {
    const url = new URL(server.endpoint);
    const answer = await new Promise<string>((resolve) => {
      const socket = connect({ host: url.hostname, port: Number(url.port), ca: server.ca, servername: 'localhost' }, () => {
        socket.write(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    assert.match(answer, /^HTTP\/1\.1 4\d\d/);
  });
});
