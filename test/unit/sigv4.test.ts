// SigV4 Authorization-header verification, checked against @smithy/signature-v4 and @aws-sdk/client-s3 as oracles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { HttpRequest, HttpResponse } from '@smithy/protocol-http';
import { S3Client, PutObjectCommand, ListObjectsV2Command, DeleteObjectsCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { authenticateRequest } from '../../src/s3/auth/index.ts';
import type { AuthContext, IncomingSignedRequest } from '../../src/s3/auth/index.ts';
import { Secret } from '../../src/util/secret.ts';
import { S3Error } from '../../src/domain/errors.ts';
import { rfc3986, s3Signer } from '../helpers/smithy-signer.ts';

const REGION = 'eu-central-1';
const AK = 'AKIDEXAMPLE';
const SK = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const WHEN = new Date('2025-03-14T15:09:26Z');
const lookup = async (id: string) => (id === AK ? Secret.fromString(SK) : undefined);

const signer = s3Signer(REGION, AK, SK);
const keyPath = (bucket: string, key: string) => `/${bucket}/${key.split('/').map(rfc3986).join('/')}`;

/** What node:http would hand the server: lower-case names, latin1 values, only SP/HTAB trimmed (RFC 9110 OWS). */
function toIncoming(req: { method: string; path: string; query?: Record<string, string | string[] | null>; headers: Record<string, string> }): IncomingSignedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name.toLowerCase()] = Buffer.from(value.replace(/^[ \t]+|[ \t]+$/g, ''), 'utf8').toString('latin1');
  const rawQuery = Object.entries(req.query ?? {})
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => (x === null ? rfc3986(k) : `${rfc3986(k)}=${rfc3986(x)}`)))
    .join('&');
  return { method: req.method, rawPath: req.path, rawQuery, headers };
}

async function sign(path: string, query: Record<string, string> = {}, extra: Record<string, string> = {}, method = 'GET'): Promise<IncomingSignedRequest> {
  const request = new HttpRequest({
    method, protocol: 'https:', hostname: 's3.example.test', path, query,
    headers: { host: 's3.example.test', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...extra },
  });
  return toIncoming((await signer.sign(request, { signingDate: WHEN })) as HttpRequest);
}

const verify = (req: IncomingSignedRequest, now = WHEN, region = REGION) => authenticateRequest(req, lookup, { region, now });

async function rejects(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (e: unknown) => e instanceof S3Error && e.code === code, `expected ${code}`);
}

function independentSigningKey(date: string): Buffer {
  let k = createHmac('sha256', `AWS4${SK}`).update(date).digest();
  for (const part of [REGION, 's3', 'aws4_request']) k = createHmac('sha256', k).update(part).digest();
  return k;
}

test('accepts a smithy-signed request and returns its context', async () => {
  const req = await sign('/bucket/key.txt');
  const ctx = (await verify(req)) as AuthContext;
  assert.equal(ctx.accessKeyId, AK);
  assert.equal(ctx.presigned, false);
  assert.equal(ctx.payloadHash, 'UNSIGNED-PAYLOAD');
  assert.equal(ctx.scope, `20250314/${REGION}/s3/aws4_request`);
  assert.equal(ctx.amzDate, '20250314T150926Z');
  assert.deepEqual(ctx.signingKey, independentSigningKey('20250314'));
  assert.match(String(req.headers.authorization), new RegExp(`Signature=${ctx.seedSignature}$`));
  assert.ok(ctx.signedHeaders.includes('host') && ctx.signedHeaders.includes('x-amz-date'));
});

test('anonymous requests yield undefined', async () => {
  assert.equal(await verify({ method: 'GET', rawPath: '/b/k', rawQuery: 'acl', headers: { host: 'h' } }), undefined);
});

test('keys with spaces, +, unicode, %, ~ and sub-delims verify, whichever way the client escapes them', async () => {
  const cases: [string, string][] = [
    ['a b+c', '/b/a%20b+c'],
    ['!*\'()', "/b/!*'()"],
    ['~tilde', '/b/%7etilde'],
    ['50%', '/b/50%25'],
    ['ünï/日本', '/b/%c3%bcn%c3%af/%E6%97%A5%E6%9C%AC'],
    ['x=y&z;@:$,', '/b/x=y&z;@:$,'],
    ['dots/../x/./', '/b/dots/../x/./'],
  ];
  for (const [key, wire] of cases) {
    const req = await sign(keyPath('b', key));
    assert.ok(await verify(req), `strict encoding of ${key}`);
    assert.ok(await verify({ ...req, rawPath: wire }), `alternative encoding ${wire}`);
  }
});

test('query strings: empty values, bare names, + as space, repeated order, lower-case escapes', async () => {
  const req = await sign('/b/', { 'list-type': '2', prefix: 'a b/ü', delimiter: '/', 'encoding-type': '' });
  assert.ok(await verify(req));
  const reordered = 'delimiter=%2f&encoding-type&prefix=a+b%2F%C3%BC&list-type=2';
  assert.ok(await verify({ ...req, rawQuery: reordered }));
  const bare = await sign('/b/k', { acl: '' });
  assert.ok(await verify({ ...bare, rawQuery: 'acl' }));
});

test('header values: runs of spaces collapse, UTF-8 bytes are kept as sent', async () => {
  const req = await sign('/b/k', {}, { 'x-amz-meta-note': 'a   b \t c', 'x-amz-meta-name': 'Zoë – 日本' }, 'PUT');
  assert.ok(await verify(req));
  // A lone tab and spaces at the ends are trimmed too (values that need no trimming are taken as they are).
  const edges = await sign('/b/k', {}, { 'x-amz-meta-tab': 'a\tb', 'x-amz-meta-ends': ' ends ', 'x-amz-meta-plain': 'a b' }, 'PUT');
  assert.ok(await verify(edges));
  await rejects(verify({ ...edges, headers: { ...edges.headers, 'x-amz-meta-tab': 'a\t\tc' } }), 'SignatureDoesNotMatch');
});

test('requests captured from @aws-sdk/client-s3 verify', async () => {
  const captured: IncomingSignedRequest[] = [];
  const client = new S3Client({
    region: REGION, endpoint: 'http://127.0.0.1:9', forcePathStyle: true,
    credentials: { accessKeyId: AK, secretAccessKey: SK },
    requestHandler: {
      async handle(request: HttpRequest) {
        captured.push(toIncoming(request));
        return { response: new HttpResponse({ statusCode: 200, headers: {}, body: Readable.from([Buffer.from('<R/>')]) }) };
      },
    },
  });
  const sends = [
    client.send(new PutObjectCommand({ Bucket: 'b', Key: "a b+c!*'()~ü%/x y", Body: Buffer.from('hello'), Metadata: { k: 'v  w' } })),
    client.send(new ListObjectsV2Command({ Bucket: 'b', Prefix: 'a b+', Delimiter: '/' })),
    client.send(new GetObjectCommand({ Bucket: 'b', Key: 'k', Range: 'bytes=0-1', ResponseContentDisposition: 'attachment; filename="x y"' })),
    client.send(new DeleteObjectsCommand({ Bucket: 'b', Delete: { Objects: [{ Key: 'k' }] } })),
  ];
  await Promise.allSettled(sends); // responses are fake; only the requests matter
  assert.equal(captured.length, 4);
  for (const req of captured) {
    const ctx = await authenticateRequest(req, lookup, { region: REGION, now: new Date() });
    assert.ok(ctx, `${req.method} ${req.rawPath}?${req.rawQuery}`);
  }
});

test('any one-character change to path, query, a signed header, the date, method or signature is rejected', async () => {
  const alnum = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  /** Positions of alphanumerics that are not part of a %XX escape (changing hex case would be equivalent). */
  const mutable = (s: string) => [...s].map((c, i) => i).filter((i) => alnum.includes(s[i] as string) && !(s[i - 1] === '%' || s[i - 2] === '%'));
  const replaceAt = (s: string, i: number, pick: number) => {
    const others = alnum.replace(s[i] as string, '');
    return s.slice(0, i) + others[pick % others.length] + s.slice(i + 1);
  };
  const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });
  await fc.assert(
    fc.asyncProperty(text, text, text, fc.constantFrom('path', 'query', 'header', 'date', 'method', 'signature'), fc.nat(), fc.nat(),
      async (key, queryValue, meta, target, where, pick) => {
        const req = await sign(keyPath('bucket', key), { prefix: queryValue, 'max-keys': '7' }, { 'x-amz-meta-m': `v${meta}` });
        assert.ok(await verify(req), 'unmodified request verifies');
        const headers = { ...req.headers };
        let changed: IncomingSignedRequest = req;
        if (target === 'path') {
          const at = mutable(req.rawPath);
          changed = { ...req, rawPath: replaceAt(req.rawPath, at[where % at.length] as number, pick) };
        } else if (target === 'query') {
          const at = mutable(req.rawQuery);
          changed = { ...req, rawQuery: replaceAt(req.rawQuery, at[where % at.length] as number, pick) };
        } else if (target === 'header') {
          const value = String(headers['x-amz-meta-m']);
          changed = { ...req, headers: { ...headers, 'x-amz-meta-m': replaceAt(value, 0, pick) } };
        } else if (target === 'date') {
          changed = { ...req, headers: { ...headers, 'x-amz-date': '20250314T150927Z' } };
        } else if (target === 'method') {
          changed = { ...req, method: 'DELETE' };
        } else {
          const auth = String(headers.authorization);
          const i = auth.length - 1 - (where % 64);
          const flipped = auth[i] === '0' ? '1' : '0';
          changed = { ...req, headers: { ...headers, authorization: auth.slice(0, i) + flipped + auth.slice(i + 1) } };
        }
        await rejects(verify(changed), 'SignatureDoesNotMatch');
      }),
    { numRuns: 150 },
  );
});

test('wrong secret, unknown key, unsigned x-amz-* header', async () => {
  const key = randomBytes(32).toString('base64');
  const req = await sign('/b/k', {}, { 'x-amz-server-side-encryption-customer-key': key, 'x-amz-server-side-encryption-customer-key-md5': 'bWQ1' });
  await assert.rejects(authenticateRequest(req, async () => Secret.fromString('other'), { region: REGION, now: WHEN }), (e: unknown) => {
    assert.ok(e instanceof S3Error && e.code === 'SignatureDoesNotMatch');
    const detail = e.details['CanonicalRequest'] ?? '';
    assert.match(detail, /^x-amz-server-side-encryption-customer-key:\[redacted\]$/m);
    const echoed = JSON.stringify(e.details);
    assert.ok(!echoed.includes(key.slice(0, 12)) && !echoed.includes('bWQ1'), 'SSE-C key material is not echoed');
    return true;
  });
  await rejects(authenticateRequest(req, async () => undefined, { region: REGION, now: WHEN }), 'InvalidAccessKeyId');
  await rejects(verify({ ...req, headers: { ...req.headers, 'x-amz-copy-source': '/other/key' } }), 'AccessDenied');
});

test('clock skew beyond 15 minutes either way is RequestTimeTooSkewed', async () => {
  const req = await sign('/b/k');
  const minutes = (m: number) => new Date(WHEN.getTime() + m * 60_000);
  assert.ok(await verify(req, minutes(14.9)));
  assert.ok(await verify(req, minutes(-14.9)));
  await rejects(verify(req, minutes(15.1)), 'RequestTimeTooSkewed');
  await rejects(verify(req, minutes(-15.1)), 'RequestTimeTooSkewed');
  await rejects(authenticateRequest(req, lookup, { region: REGION, now: minutes(2), maxSkewMs: 60_000 }), 'RequestTimeTooSkewed');
});

test('scope problems and malformed headers give AuthorizationHeaderMalformed', async () => {
  const req = await sign('/b/k');
  const auth = String(req.headers.authorization);
  await rejects(verify(req, WHEN, 'us-east-1'), 'AuthorizationHeaderMalformed');
  const withAuth = (a: string) => ({ ...req, headers: { ...req.headers, authorization: a } });
  await rejects(verify(withAuth(auth.replace('/s3/', '/ec2/'))), 'AuthorizationHeaderMalformed');
  await rejects(verify(withAuth(auth.replace('20250314/', '20250313/'))), 'AuthorizationHeaderMalformed');
  await rejects(verify(withAuth(auth.replace('aws4_request', 'aws5_request'))), 'AuthorizationHeaderMalformed');
  await rejects(verify(withAuth(auth.replace(/, Signature=\w+/, ''))), 'AuthorizationHeaderMalformed');
  await rejects(verify(withAuth(auth.replace('SignedHeaders=host;', 'SignedHeaders='))), 'AuthorizationHeaderMalformed');
  await rejects(verify(withAuth(auth.replace('Credential=', 'Credentials='))), 'AuthorizationHeaderMalformed');
  await rejects(verify(withAuth('AWS4-HMAC-SHA256')), 'AuthorizationHeaderMalformed');
  await rejects(verify(withAuth(`${auth}, Signature=${'0'.repeat(64)}`)), 'AuthorizationHeaderMalformed');
  await rejects(verify(withAuth(auth.replace('Credential=', 'Credential=x, Credential='))), 'AuthorizationHeaderMalformed');
  // Parsed scopes and SignedHeaders lists are kept between requests; a list that failed must fail again.
  for (let i = 0; i < 2; i++) {
    await rejects(verify(withAuth(auth.replace('SignedHeaders=host;', 'SignedHeaders=host;host;'))), 'AuthorizationHeaderMalformed');
    await rejects(verify(withAuth(auth.replace('/aws4_request', '/aws4_requests'))), 'AuthorizationHeaderMalformed');
  }
  assert.ok(await verify(req));
});

test('SigV2, other schemes, both mechanisms at once, bad dates and payload hashes', async () => {
  const req = await sign('/b/k');
  const withHeaders = (h: Record<string, string | undefined>) => ({ ...req, headers: { ...req.headers, ...h } });
  await rejects(verify(withHeaders({ authorization: 'AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=' })), 'InvalidRequest');
  await rejects(verify({ method: 'GET', rawPath: '/b/k', rawQuery: 'AWSAccessKeyId=AK&Expires=1&Signature=x', headers: {} }), 'InvalidRequest');
  await rejects(verify(withHeaders({ authorization: 'Bearer abc' })), 'InvalidArgument');
  await rejects(verify({ ...req, rawQuery: 'X-Amz-Algorithm=AWS4-HMAC-SHA256' }), 'InvalidArgument');
  await rejects(verify(withHeaders({ 'x-amz-date': '2025-03-14T15:09:26Z' })), 'AccessDenied');
  await rejects(verify(withHeaders({ 'x-amz-date': '20250231T150926Z' })), 'AccessDenied');
  await rejects(verify(withHeaders({ 'x-amz-content-sha256': undefined })), 'InvalidRequest');
  await rejects(verify(withHeaders({ 'x-amz-content-sha256': 'not-a-hash' })), 'InvalidArgument');
});

test('a Date header stands in for x-amz-date (hand-built canonical request)', async () => {
  const date = WHEN.toUTCString(); // Fri, 14 Mar 2025 15:09:26 GMT
  const canonical = `GET\n/b/k\n\ndate:${date}\nhost:h\nx-amz-content-sha256:UNSIGNED-PAYLOAD\n\ndate;host;x-amz-content-sha256\nUNSIGNED-PAYLOAD`;
  const scope = `20250314/${REGION}/s3/aws4_request`;
  const toSign = `AWS4-HMAC-SHA256\n20250314T150926Z\n${scope}\n${createHash('sha256').update(canonical).digest('hex')}`;
  const signature = createHmac('sha256', independentSigningKey('20250314')).update(toSign).digest('hex');
  const headers = {
    host: 'h', date, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    authorization: `AWS4-HMAC-SHA256 Credential=${AK}/${scope},SignedHeaders=date;host;x-amz-content-sha256,Signature=${signature}`,
  };
  const req = { method: 'GET', rawPath: '/b/k', rawQuery: '', headers };
  assert.equal((await verify(req))?.amzDate, '20250314T150926Z');
  await rejects(verify({ ...req, headers: { ...headers, date: 'Fri, 14 Mar 2025 15:09:27 GMT' } }), 'SignatureDoesNotMatch');
  await rejects(verify({ ...req, headers: { ...headers, date: 'garbage' } }), 'AccessDenied');
});
