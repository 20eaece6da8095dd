// The SSE-C error matrix with raw requests: every data operation × broken header trios, missing
// and wrong keys (0-byte objects included), plain objects with keys, and SSE-C over plain HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rawRequest, xmlCode, type RawResponse } from '../helpers/raw.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { brokenTrios, newKey, sourceTrio, trio } from '../helpers/sse.ts';

describe('SSE-C errors', () => {
  let server: TestServer;
  const bucket = 'ssec-errors';
  const key = newKey();
  const other = newKey();
  const send = (method: string, path: string, headers: Record<string, string> = {}, body?: string, query?: Record<string, string>) =>
    rawRequest(server, { method, path, headers, ...(body === undefined ? {} : { body }), ...(query ? { query } : {}) });
  const expectError = (res: RawResponse, status: number, code: string | undefined, label: string) => {
    assert.equal(res.status, status, `${label}: ${res.body.toString()}`);
    if (code) assert.equal(xmlCode(res.body), code, label);
  };

  before(async () => {
    server = await startServer();
    assert.equal((await send('PUT', `/${bucket}`)).status, 200);
    assert.equal((await send('PUT', `/${bucket}/secret`, trio(key), 'classified')).status, 200);
    assert.equal((await send('PUT', `/${bucket}/empty`, trio(key), '')).status, 200);
    assert.equal((await send('PUT', `/${bucket}/plain`, {}, 'public')).status, 200);
  });
  after(async () => {
    await server.stop();
  });

  it('PutObject refuses every broken trio and SSE-C mixed with another SSE', async () => {
    for (const broken of brokenTrios(key)) {
      expectError(await send('PUT', `/${bucket}/bad`, broken.headers, 'x'), 400, broken.code, broken.name);
    }
    expectError(await send('PUT', `/${bucket}/bad`, { ...trio(key), 'x-amz-server-side-encryption': 'AES256' }, 'x'), 400, 'InvalidArgument', 'mixed');
    expectError(await send('HEAD', `/${bucket}/bad`), 404, undefined, 'nothing stored');
  });

  it('GET and HEAD need the right key on an SSE-C object, the empty one included', async () => {
    for (const object of ['secret', 'empty']) {
      const path = `/${bucket}/${object}`;
      const ok = await send('GET', path, trio(key));
      assert.equal(ok.status, 200);
      assert.equal(ok.headers['x-amz-server-side-encryption-customer-algorithm'], 'AES256');
      assert.equal(ok.headers['x-amz-server-side-encryption-customer-key-md5'], trio(key)['x-amz-server-side-encryption-customer-key-md5']);
      expectError(await send('GET', path), 400, 'InvalidRequest', `${object} GET without key`);
      const head = await send('HEAD', path);
      assert.equal(head.status, 400);
      assert.equal(head.body.length, 0, 'HEAD errors carry no body');
      expectError(await send('GET', path, trio(other)), 403, 'AccessDenied', `${object} GET wrong key`);
      assert.equal((await send('HEAD', path, trio(other))).status, 403);
      expectError(await send('GET', path, trio(other), undefined, { partNumber: '1' }), 403, 'AccessDenied', `${object} partNumber`);
      expectError(await send('GET', path, { ...trio(other), 'x-amz-object-attributes': 'ETag' }, undefined, { attributes: '' }), 403, 'AccessDenied', `${object} attributes`);
      expectError(await send('GET', path, { 'x-amz-object-attributes': 'ETag' }, undefined, { attributes: '' }), 400, 'InvalidRequest', `${object} attributes without key`);
      for (const broken of brokenTrios(key)) expectError(await send('GET', path, broken.headers), 400, broken.code, `${object} ${broken.name}`);
    }
  });

  it('a plain object read with a key is refused', async () => {
    expectError(await send('GET', `/${bucket}/plain`, trio(key)), 400, 'InvalidRequest', 'plain + key');
    assert.equal((await send('HEAD', `/${bucket}/plain`, trio(key))).status, 400);
  });

  it('CopyObject needs the copy-source key for an SSE-C source, and refuses it for a plain one', async () => {
    const copy = (source: string, headers: Record<string, string>) =>
      send('PUT', `/${bucket}/copy-target`, { 'x-amz-copy-source': `/${bucket}/${source}`, ...headers });
    expectError(await copy('secret', {}), 400, 'InvalidRequest', 'no source key');
    expectError(await copy('secret', sourceTrio(other)), 403, 'AccessDenied', 'wrong source key');
    expectError(await copy('empty', sourceTrio(other)), 403, 'AccessDenied', 'wrong source key, empty');
    expectError(await copy('plain', sourceTrio(key)), 400, 'InvalidRequest', 'plain source with key');
    assert.equal((await copy('secret', sourceTrio(key))).status, 200);
    assert.equal((await send('GET', `/${bucket}/copy-target`)).body.toString(), 'classified', 'copy without target key is plain');
  });

  it('UploadPart must repeat the upload key; UploadPartCopy needs the source key', async () => {
    const created = await send('POST', `/${bucket}/mp`, trio(key), undefined, { uploads: '' });
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created.body.toString())?.[1] ?? '';
    const part = (headers: Record<string, string>) => send('PUT', `/${bucket}/mp`, headers, 'part', { partNumber: '1', uploadId });
    expectError(await part({}), 400, 'InvalidRequest', 'part without key');
    expectError(await part(trio(other)), 400, 'InvalidArgument', 'part with another key');
    assert.equal((await part(trio(key))).status, 200);
    const copyPart = (headers: Record<string, string>) =>
      send('PUT', `/${bucket}/mp`, { 'x-amz-copy-source': `/${bucket}/secret`, ...headers }, undefined, { partNumber: '2', uploadId });
    expectError(await copyPart(trio(key)), 400, 'InvalidRequest', 'part copy without source key');
    expectError(await copyPart({ ...trio(key), ...sourceTrio(other) }), 403, 'AccessDenied', 'part copy wrong source key');
    assert.equal((await copyPart({ ...trio(key), ...sourceTrio(key) })).status, 200);
  });

  it('a signature error does not echo the customer key', async () => {
    const res = await rawRequest(server, { method: 'GET', path: `/${bucket}/secret`, headers: trio(key), secretKey: 'wrong-secret' });
    assert.equal(xmlCode(res.body), 'SignatureDoesNotMatch');
    const body = res.body.toString();
    assert.ok(body.includes('<CanonicalRequest>'), 'the canonical request is echoed, as AWS does');
    assert.ok(!body.includes(key.toString('base64')), 'but not the key');
    assert.ok(!body.includes(trio(key)['x-amz-server-side-encryption-customer-key-md5'] ?? '?'), 'nor its MD5');
  });

  it('a key in a presigned query string is refused', async () => {
    const res = await send('GET', `/${bucket}/secret`, {}, undefined, {
      'x-amz-server-side-encryption-customer-algorithm': 'AES256',
      'x-amz-server-side-encryption-customer-key': key.toString('base64'),
    });
    assert.equal(res.status, 400);
  });
});

describe('SSE-C over plain HTTP', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ plainHttp: true });
  });
  after(async () => {
    await server.stop();
  });

  it('is refused before anything is stored, and trusted only from a configured proxy', async () => {
    assert.equal((await rawRequest(server, { method: 'PUT', path: '/plainbucket' })).status, 200);
    const put = await rawRequest(server, { method: 'PUT', path: '/plainbucket/k', headers: trio(newKey()), body: 'x' });
    assert.equal(put.status, 400);
    assert.equal(xmlCode(put.body), 'InvalidRequest');
    const spoofed = await rawRequest(server, {
      method: 'PUT', path: '/plainbucket/k', headers: { ...trio(newKey()), 'x-forwarded-proto': 'https' }, body: 'x',
    });
    assert.equal(spoofed.status, 400, 'X-Forwarded-Proto from an untrusted address is ignored');
    assert.equal((await rawRequest(server, { method: 'HEAD', path: '/plainbucket/k' })).status, 404);
  });
});

describe('SSE-C behind a trusted proxy', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ plainHttp: true, args: ['--trusted-proxies', '127.0.0.1'] });
  });
  after(async () => {
    await server.stop();
  });

  it('is accepted when the trusted proxy says the client used HTTPS', async () => {
    const key = newKey();
    assert.equal((await rawRequest(server, { method: 'PUT', path: '/proxied' })).status, 200);
    const headers = { ...trio(key), 'x-forwarded-proto': 'https' };
    assert.equal((await rawRequest(server, { method: 'PUT', path: '/proxied/k', headers, body: 'via proxy' })).status, 200);
    const got = await rawRequest(server, { method: 'GET', path: '/proxied/k', headers });
    assert.equal(got.body.toString(), 'via proxy');
    assert.equal((await rawRequest(server, { method: 'GET', path: '/proxied/k', headers: trio(key) })).status, 400);
  });
});
