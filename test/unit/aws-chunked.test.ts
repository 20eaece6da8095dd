// aws-chunked body decoding: AWS documentation vectors, a real SDK body, and arbitrary splits of our own encodings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { HttpResponse } from '@smithy/protocol-http';
import type { HttpRequest } from '@smithy/protocol-http';
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
import { authenticateRequest, createPayloadVerifier } from '../../src/s3/auth/index.ts';
import type { AuthContext } from '../../src/s3/auth/index.ts';
import { createBodyDigester, requestedChecksums } from '../../src/s3/checksums/index.ts';
import { Secret } from '../../src/util/secret.ts';
import { S3Error } from '../../src/domain/errors.ts';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const hmac = (k: Buffer | string, d: string) => createHmac('sha256', k).update(d).digest();
const DOC_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const DOC_SCOPE = '20130524/us-east-1/s3/aws4_request';
const docKey = () => ['20130524', 'us-east-1', 's3', 'aws4_request'].reduce<Buffer>((k, part) => hmac(k, part), Buffer.from(`AWS4${DOC_SECRET}`));

type Mode = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' | 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' | 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';

function context(mode: string, seed = sha('seed')): AuthContext {
  return {
    accessKeyId: 'AK', presigned: false, payloadHash: mode, signingKey: docKey(), scope: DOC_SCOPE,
    amzDate: '20130524T000000Z', seedSignature: seed, signedHeaders: ['host'],
  };
}

/** Our own encoder, written from the AWS pages (sigv4-streaming.html, sigv4-streaming-trailers.html). */
function encode(data: Buffer, chunkSize: number, mode: Mode, trailers: [string, string][] = [], seed = sha('seed')): Buffer {
  const signed = mode !== 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
  const key = docKey();
  let previous = seed;
  const out: Buffer[] = [];
  for (let offset = 0; ; offset += chunkSize) {
    const piece = data.subarray(offset, Math.min(offset + chunkSize, data.length));
    let extension = '';
    if (signed) {
      previous = hmac(key, ['AWS4-HMAC-SHA256-PAYLOAD', '20130524T000000Z', DOC_SCOPE, previous, sha(''), sha(piece)].join('\n')).toString('hex');
      extension = `;chunk-signature=${previous}`;
    }
    out.push(Buffer.from(`${piece.length.toString(16)}${extension}\r\n`));
    if (piece.length === 0) break;
    out.push(piece, Buffer.from('\r\n'));
  }
  for (const [name, value] of trailers) out.push(Buffer.from(`${name}:${value}\r\n`));
  if (mode === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER') {
    const canonical = trailers.map(([n, v]) => `${n}:${v}\n`).join('');
    const sig = hmac(key, ['AWS4-HMAC-SHA256-TRAILER', '20130524T000000Z', DOC_SCOPE, previous, sha(canonical)].join('\n')).toString('hex');
    out.push(Buffer.from(`x-amz-trailer-signature:${sig}\r\n`));
  }
  out.push(Buffer.from('\r\n'));
  return Buffer.concat(out);
}

/** Splits `buf` at the given points (taken modulo its length). */
function split(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => (buf.length === 0 ? 0 : c % buf.length)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let last = 0;
  for (const p of points) { pieces.push(buf.subarray(last, p)); last = p; }
  pieces.push(buf.subarray(last));
  return pieces.filter((p) => p.length > 0);
}

async function decode(mode: Mode, pieces: Buffer[], decodedLength?: number, auth: AuthContext | undefined = context(mode)) {
  const headers: Record<string, string> = { 'x-amz-content-sha256': mode, 'content-encoding': 'aws-chunked' };
  if (decodedLength !== undefined) headers['x-amz-decoded-content-length'] = String(decodedLength);
  const verifier = createPayloadVerifier(mode.startsWith('STREAMING-UNSIGNED') ? undefined : auth, headers);
  const out: Buffer[] = [];
  await pipeline(Readable.from(pieces), verifier.stream, new Writable({ write(c: Buffer, _e, cb) { out.push(c); cb(); } }));
  return { data: Buffer.concat(out), trailers: verifier.trailers(), decodedLength: verifier.decodedLength };
}

async function rejects(promise: Promise<unknown>, ...codes: string[]): Promise<void> {
  await assert.rejects(promise, (e: unknown) => e instanceof S3Error && codes.includes(e.code), `expected ${codes.join(' or ')}`);
}

test('AWS documentation example (sigv4-streaming.html): seed and chunk signatures verify end to end', async () => {
  const headers = {
    host: 's3.amazonaws.com', 'x-amz-date': '20130524T000000Z', 'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': '66560', 'content-length': '66824',
    authorization: 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
  };
  const auth = await authenticateRequest({ method: 'PUT', rawPath: '/examplebucket/chunkObject.txt', rawQuery: '', headers },
    async () => Secret.fromString(DOC_SECRET), { region: 'us-east-1', now: new Date('2013-05-24T00:05:00Z') });
  assert.ok(auth);
  const body = Buffer.concat([
    Buffer.from('10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n'), Buffer.alloc(65536, 'a'),
    Buffer.from('\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n'), Buffer.alloc(1024, 'a'),
    Buffer.from('\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n'),
  ]);
  assert.equal(body.length, 66824);
  assert.deepEqual(encode(Buffer.alloc(66560, 'a'), 65536, 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', [], auth.seedSignature), body);
  const verifier = createPayloadVerifier(auth, headers);
  assert.equal(verifier.decodedLength, 66560);
  const out: Buffer[] = [];
  await pipeline(Readable.from(split(body, [3, 70, 65600, 65601, 66700])), verifier.stream, new Writable({ write(c: Buffer, _e, cb) { out.push(c); cb(); } }));
  assert.deepEqual(Buffer.concat(out), Buffer.alloc(66560, 'a'));
});

test('AWS documentation example with a signed trailer (sigv4-streaming-trailers.html), checksum verified downstream', async () => {
  const mode = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
  const seed = '106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e';
  const body = encode(Buffer.alloc(66560, 'a'), 65536, mode, [['x-amz-checksum-crc32c', 'sOO8/Q==']], seed);
  for (const sig of ['b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2', '1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7',
    '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992', 'x-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435']) {
    assert.ok(body.includes(sig), `documented signature ${sig.slice(-64, -56)} is produced`);
  }
  const headers = { 'x-amz-content-sha256': mode, 'x-amz-trailer': 'x-amz-checksum-crc32c', 'x-amz-decoded-content-length': '66560' };
  const verifier = createPayloadVerifier(context(mode, seed), headers);
  const digester = createBodyDigester({ ...requestedChecksums(headers), getTrailers: verifier.trailers, computeMd5: true });
  await pipeline(Readable.from(split(body, [65600, 66600])), verifier.stream, digester, new Writable({ write(_c, _e, cb) { cb(); } }));
  assert.deepEqual(verifier.trailers(), { 'x-amz-checksum-crc32c': 'sOO8/Q==' });
  assert.equal(digester.result().checksum?.base64, 'sOO8/Q==');
  assert.equal(digester.result().size, 66560);
});

test('an unsigned-trailer body from @aws-sdk/client-s3 decodes and its CRC32 trailer verifies', async () => {
  const data = randomBytes(200_000);
  let captured: { headers: Record<string, string>; body: Buffer } | undefined;
  const client = new S3Client({
    region: 'us-east-1', endpoint: 'http://127.0.0.1:9', forcePathStyle: true, credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' },
    requestHandler: {
      async handle(request: HttpRequest) {
        const parts: Buffer[] = [];
        for await (const c of request.body as AsyncIterable<Uint8Array>) parts.push(Buffer.from(c));
        captured = { headers: request.headers, body: Buffer.concat(parts) };
        return { response: new HttpResponse({ statusCode: 200, headers: {}, body: Readable.from([]) }) };
      },
    },
  });
  await client.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: Readable.from([data.subarray(0, 70_000), data.subarray(70_000)]), ContentLength: data.length }));
  assert.ok(captured);
  assert.equal(captured.headers['x-amz-content-sha256'], 'STREAMING-UNSIGNED-PAYLOAD-TRAILER');
  const verifier = createPayloadVerifier(undefined, captured.headers);
  const digester = createBodyDigester({ ...requestedChecksums(captured.headers), getTrailers: verifier.trailers, computeMd5: true });
  const out: Buffer[] = [];
  await pipeline(Readable.from(split(captured.body, [1, 5000, 70_010])), verifier.stream, digester, new Writable({ write(c: Buffer, _e, cb) { out.push(c); cb(); } }));
  assert.deepEqual(Buffer.concat(out), data);
  assert.equal(digester.result().checksum?.algorithm, 'CRC32');
  assert.equal(digester.result().md5Hex, createHash('md5').update(data).digest('hex'));
});

const modes: Mode[] = ['STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'];

test('any split of any encoding decodes to the same bytes and trailers', async () => {
  await fc.assert(fc.asyncProperty(
    fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 1, max: 700 }), fc.constantFrom(...modes), fc.array(fc.nat(), { maxLength: 40 }), fc.boolean(),
    async (bytes, chunkSize, mode, cuts, withTrailer) => {
      const data = Buffer.from(bytes);
      const trailers: [string, string][] = withTrailer && mode !== 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' ? [['x-amz-checksum-crc32', 'AAAAAA==']] : [];
      const result = await decode(mode, split(encode(data, chunkSize, mode, trailers), cuts), data.length);
      assert.deepEqual(result.data, data);
      assert.deepEqual(result.trailers, Object.fromEntries(trailers));
      assert.equal(result.decodedLength, data.length);
    }), { numRuns: 300 });
});

test('one byte at a time works too', async () => {
  const data = randomBytes(300);
  const body = encode(data, 64, 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', [['x-amz-checksum-sha1', 'x']]);
  const result = await decode('STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', [...body].map((b) => Buffer.from([b])));
  assert.deepEqual(result.data, data);
});
