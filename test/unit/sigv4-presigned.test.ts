// Presigned-URL (query-string SigV4) verification, with URLs produced by @smithy/signature-v4's presign.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { HttpRequest } from '@smithy/protocol-http';
import { authenticateRequest } from '../../src/s3/auth/index.ts';
import type { IncomingSignedRequest } from '../../src/s3/auth/index.ts';
import { Secret } from '../../src/util/secret.ts';
import { S3Error } from '../../src/domain/errors.ts';
import { rfc3986, s3Signer } from '../helpers/smithy-signer.ts';

const REGION = 'us-west-2';
const AK = 'AKIAPRESIGN';
const SK = 'presign/secret+key';
const WHEN = new Date('2025-06-01T12:00:00Z');
const lookup = async (id: string) => (id === AK ? Secret.fromString(SK) : undefined);

const signer = s3Signer(REGION, AK, SK);

/**
 * Presigns like @aws-sdk/s3-request-presigner: x-amz-content-sha256 UNSIGNED-PAYLOAD is hoisted into the query.
 * `headers` stay headers (signed) when listed in `keepHeaders`.
 */
async function presign(
  path: string, query: Record<string, string> = {}, expiresIn = 3600,
  headers: Record<string, string> = {}, keepHeaders: string[] = [],
): Promise<IncomingSignedRequest> {
  const request = new HttpRequest({
    method: 'GET', protocol: 'https:', hostname: 'files.example.test', path, query,
    headers: { host: 'files.example.test', 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD', ...headers },
  });
  const signed = await signer.presign(request, { signingDate: WHEN, expiresIn, unhoistableHeaders: new Set(keepHeaders) });
  const rawQuery = Object.entries(signed.query ?? {})
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(String(v))}`)
    .join('&');
  const wireHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) wireHeaders[k.toLowerCase()] = v;
  return { method: 'GET', rawPath: path, rawQuery, headers: wireHeaders };
}

const at = (seconds: number) => new Date(WHEN.getTime() + seconds * 1000);
const verify = (req: IncomingSignedRequest, now = at(60)) => authenticateRequest(req, lookup, { region: REGION, now });
const setParam = (req: IncomingSignedRequest, name: string, value: string | undefined) => ({
  ...req,
  rawQuery: req.rawQuery.split('&').filter((p) => !p.startsWith(`${name}=`)).concat(value === undefined ? [] : [`${name}=${value}`]).join('&'),
});

async function rejects(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => e instanceof S3Error && e.code === code && (message === undefined || message.test(e.message)), `expected ${code}`);
}

test('a presigned GET verifies, with UNSIGNED-PAYLOAD as payload hash', async () => {
  const req = await presign('/bucket/photo%20%C3%A9t%C3%A9.jpg', { 'response-content-disposition': 'attachment; filename="a b.jpg"' });
  const ctx = await verify(req);
  assert.ok(ctx);
  assert.equal(ctx.presigned, true);
  assert.equal(ctx.payloadHash, 'UNSIGNED-PAYLOAD');
  assert.equal(ctx.amzDate, '20250601T120000Z');
  assert.deepEqual(ctx.signedHeaders, ['host']);
  assert.match(req.rawQuery, new RegExp(`X-Amz-Signature=${ctx.seedSignature}`));
});

test('without any x-amz-content-sha256 the payload hash defaults to UNSIGNED-PAYLOAD', async () => {
  // Signed with UNSIGNED-PAYLOAD as payload line, but neither hoisted nor sent: the server must assume it.
  const request = new HttpRequest({
    method: 'PUT', protocol: 'https:', hostname: 'h', path: '/b/k',
    headers: { host: 'h', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
  });
  const signed = await signer.presign(request, {
    signingDate: WHEN, unhoistableHeaders: new Set(['x-amz-content-sha256']), unsignableHeaders: new Set(['x-amz-content-sha256']),
  });
  const rawQuery = Object.entries(signed.query ?? {}).map(([k, v]) => `${rfc3986(k)}=${rfc3986(String(v))}`).join('&');
  assert.doesNotMatch(rawQuery, /content-sha256/i);
  const ctx = await verify({ method: 'PUT', rawPath: '/b/k', rawQuery, headers: { host: 'h' } });
  assert.equal(ctx?.payloadHash, 'UNSIGNED-PAYLOAD');
});

test('a payload hash hoisted into the query is the one enforced', async () => {
  const hash = createHash('sha256').update('hello').digest('hex');
  const req = await presign('/b/k', {}, 60, { 'X-Amz-Content-Sha256': hash });
  assert.match(req.rawQuery, new RegExp(`X-Amz-Content-Sha256=${hash}`));
  assert.equal((await verify(req))?.payloadHash, hash);
  await rejects(verify(setParam(req, 'X-Amz-Content-Sha256', 'UNSIGNED-PAYLOAD')), 'SignatureDoesNotMatch');
  // A header cannot override what the URL carries.
  assert.equal((await verify({ ...req, headers: { ...req.headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }))?.payloadHash, hash);
});

test('SSE-C headers kept as signed headers verify; dropping or adding x-amz-* headers does not', async () => {
  const sse = { 'x-amz-server-side-encryption-customer-algorithm': 'AES256', 'x-amz-server-side-encryption-customer-key-md5': 'abc==' };
  const req = await presign('/b/k', {}, 900, sse, Object.keys(sse));
  assert.ok(await verify(req));
  const { 'x-amz-server-side-encryption-customer-key-md5': _dropped, ...fewer } = req.headers;
  await rejects(verify({ ...req, headers: fewer }), 'SignatureDoesNotMatch');
  await rejects(verify({ ...req, headers: { ...req.headers, 'x-amz-acl': 'public-read' } }), 'AccessDenied');
});

test('expiry: valid until X-Amz-Date + X-Amz-Expires, then AccessDenied "Request has expired"', async () => {
  const req = await presign('/b/k', {}, 3600);
  assert.ok(await verify(req, at(3600)));
  await rejects(verify(req, at(3601)), 'AccessDenied', /^Request has expired$/);
  const week = await presign('/b/k', {}, 604800);
  assert.ok(await verify(week, at(604800)));
  await rejects(verify(week, at(604801)), 'AccessDenied', /^Request has expired$/);
  await rejects(verify(setParam(req, 'X-Amz-Expires', '604801')), 'AuthorizationQueryParametersError');
  await rejects(verify(setParam(req, 'X-Amz-Expires', '-1')), 'AuthorizationQueryParametersError');
  await rejects(verify(setParam(req, 'X-Amz-Expires', '1e3')), 'AuthorizationQueryParametersError');
});

test('a URL dated more than 15 minutes in the future is not valid yet', async () => {
  const req = await presign('/b/k');
  assert.ok(await verify(req, at(-14 * 60)));
  await rejects(verify(req, at(-16 * 60)), 'AccessDenied', /not valid yet/);
});

test('tampering with path, any parameter, or the signature is rejected', async () => {
  const req = await presign('/bucket/key', { versionId: 'v1', 'x-id': 'GetObject' }, 600);
  assert.ok(await verify(req));
  await rejects(verify({ ...req, rawPath: '/bucket/kez' }), 'SignatureDoesNotMatch');
  await rejects(verify(setParam(req, 'versionId', 'v2')), 'SignatureDoesNotMatch');
  await rejects(verify(setParam(req, 'X-Amz-Expires', '601')), 'SignatureDoesNotMatch');
  await rejects(verify(setParam(req, 'X-Amz-Date', '20250601T120001Z')), 'SignatureDoesNotMatch');
  await rejects(verify(setParam(req, 'X-Amz-SignedHeaders', 'host%3Bx-amz-meta-a')), 'SignatureDoesNotMatch');
  await rejects(verify({ ...req, rawQuery: `${req.rawQuery}&extra=1` }), 'SignatureDoesNotMatch');
  await rejects(verify({ ...req, method: 'PUT' }), 'SignatureDoesNotMatch');
  await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 63 }), async (i) => {
    const sig = /X-Amz-Signature=([0-9a-f]{64})/.exec(req.rawQuery)?.[1] ?? '';
    const flipped = sig.slice(0, i) + (sig[i] === 'f' ? 'e' : 'f') + sig.slice(i + 1);
    await rejects(verify(setParam(req, 'X-Amz-Signature', flipped)), 'SignatureDoesNotMatch');
  }), { numRuns: 30 });
});

test('smithy-presigned URLs for arbitrary keys and parameters verify', async () => {
  const text = fc.string({ unit: 'grapheme', maxLength: 16 });
  await fc.assert(fc.asyncProperty(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 }), text, text, async (key, a, b) => {
    const path = `/b/${key.split('/').map(rfc3986).join('/')}`;
    assert.ok(await verify(await presign(path, { 'response-cache-control': a, [`x-${rfc3986(b)}`]: '' })));
  }), { numRuns: 80 });
});

test('malformed presigned parameters give AuthorizationQueryParametersError', async () => {
  const req = await presign('/b/k');
  await rejects(verify(setParam(req, 'X-Amz-Date', undefined)), 'AuthorizationQueryParametersError');
  await rejects(verify(setParam(req, 'X-Amz-Date', '2025-06-01')), 'AuthorizationQueryParametersError');
  await rejects(verify(setParam(req, 'X-Amz-Algorithm', 'AWS4-HMAC-SHA1')), 'AuthorizationQueryParametersError');
  await rejects(verify(setParam(req, 'X-Amz-Credential', 'AKIAPRESIGN%2F20250601%2Fus-east-1%2Fs3%2Faws4_request')), 'AuthorizationQueryParametersError');
  await rejects(verify(setParam(req, 'X-Amz-Credential', 'nonsense')), 'AuthorizationQueryParametersError');
  await rejects(verify({ ...req, rawQuery: `${req.rawQuery}&X-Amz-Signature=00` }), 'AuthorizationQueryParametersError');
  await rejects(verify(setParam(req, 'X-Amz-Credential', 'NOPE%2F20250601%2Fus-west-2%2Fs3%2Faws4_request')), 'InvalidAccessKeyId');
});
