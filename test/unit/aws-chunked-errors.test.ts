// Request-body verification failures: tampered or truncated aws-chunked bodies, garbage framing, hash mismatches, memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { createPayloadVerifier } from '../../src/s3/auth/index.ts';
import type { AuthContext } from '../../src/s3/auth/index.ts';
import { S3Error } from '../../src/domain/errors.ts';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const hmac = (k: Buffer | string, d: string) => createHmac('sha256', k).update(d).digest();
const KEY = hmac('some signing key', 'x');
const SCOPE = '20250101/us-east-1/s3/aws4_request';
const DATE = '20250101T000000Z';
const SEED = sha('seed');
const SIGNED = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
const SIGNED_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
const UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';

const auth = (mode: string): AuthContext => ({
  accessKeyId: 'AK', presigned: false, payloadHash: mode, signingKey: KEY, scope: SCOPE, amzDate: DATE, seedSignature: SEED, signedHeaders: ['host'],
});

/** Chunk framing with optional signatures and trailers, per sigv4-streaming.html / sigv4-streaming-trailers.html. */
function encode(data: Buffer, chunkSize: number, mode: string, trailers: [string, string][] = []): Buffer {
  const signed = mode !== UNSIGNED_TRAILER;
  let previous = SEED;
  const out: Buffer[] = [];
  for (let offset = 0; ; offset += chunkSize) {
    const piece = data.subarray(offset, Math.min(offset + chunkSize, data.length));
    if (signed) previous = hmac(KEY, ['AWS4-HMAC-SHA256-PAYLOAD', DATE, SCOPE, previous, sha(''), sha(piece)].join('\n')).toString('hex');
    out.push(Buffer.from(`${piece.length.toString(16)}${signed ? `;chunk-signature=${previous}` : ''}\r\n`));
    if (piece.length === 0) break;
    out.push(piece, Buffer.from('\r\n'));
  }
  for (const [name, value] of trailers) out.push(Buffer.from(`${name}:${value}\r\n`));
  if (mode === SIGNED_TRAILER) {
    const canonical = trailers.map(([n, v]) => `${n}:${v}\n`).join('');
    const sig = hmac(KEY, ['AWS4-HMAC-SHA256-TRAILER', DATE, SCOPE, previous, sha(canonical)].join('\n')).toString('hex');
    out.push(Buffer.from(`x-amz-trailer-signature:${sig}\r\n`));
  }
  out.push(Buffer.from('\r\n'));
  return Buffer.concat(out);
}

/** Runs a body through the verifier; resolves with the output, or rejects with the stream error. */
async function run(mode: string, body: Buffer | Buffer[], headers: Record<string, string> = {}, withAuth = true) {
  const verifier = createPayloadVerifier(withAuth ? auth(mode) : undefined, { 'x-amz-content-sha256': mode, ...headers });
  const out: Buffer[] = [];
  let ended = false;
  verifier.stream.on('end', () => { ended = true; });
  try {
    await pipeline(Readable.from(Array.isArray(body) ? body : [body]), verifier.stream, new Writable({ write(c: Buffer, _e, cb) { out.push(c); cb(); } }));
  } catch (error) {
    assert.equal(ended, false, 'a failing body must not end normally');
    throw error;
  }
  return Buffer.concat(out);
}

async function rejects(promise: Promise<unknown>, ...codes: string[]): Promise<void> {
  await assert.rejects(promise, (e: unknown) => e instanceof S3Error && codes.includes(e.code), `expected ${codes.join(' or ')}`);
}

const DATA = randomBytes(5000);
const len = (n: number) => ({ 'x-amz-decoded-content-length': String(n) });

test('a changed data byte, a wrong or reordered chunk signature give SignatureDoesNotMatch', async () => {
  const body = encode(DATA, 1000, SIGNED);
  await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: DATA.length - 1 }), async (i) => {
    // Each chunk is a 86-byte header line ("3e8;chunk-signature=<64 hex>\r\n"), 1000 data bytes, CRLF.
    const forged = Buffer.from(body);
    const at = Math.floor(i / 1000) * 1088 + 86 + (i % 1000);
    assert.equal(forged[at], DATA[i]);
    forged[at] = (forged[at] as number) ^ 0x01;
    await rejects(run(SIGNED, forged, len(5000)), 'SignatureDoesNotMatch');
  }), { numRuns: 25 });
  const sigAt = body.indexOf('chunk-signature=') + 16;
  const wrongSig = Buffer.from(body);
  wrongSig[sigAt] = wrongSig[sigAt] === 0x30 ? 0x31 : 0x30;
  await rejects(run(SIGNED, wrongSig, len(5000)), 'SignatureDoesNotMatch');
  // Dropping the second chunk keeps every chunk individually well formed, but breaks the chain.
  // (Offsets from the structure, not by searching for CRLF: the random data may contain CRLF.)
  await rejects(run(SIGNED, Buffer.concat([body.subarray(0, 1088), body.subarray(2176)])), 'SignatureDoesNotMatch');
  // A different seed (another request's signature) fails on the first chunk.
  const verifier = createPayloadVerifier({ ...auth(SIGNED), seedSignature: sha('other') }, { 'x-amz-content-sha256': SIGNED });
  await rejects(pipeline(Readable.from([body]), verifier.stream, new Writable({ write(_c, _e, cb) { cb(); } })), 'SignatureDoesNotMatch');
});

test('trailer signature: wrong, missing, or covering a changed value gives SignatureDoesNotMatch', async () => {
  const trailers: [string, string][] = [['x-amz-checksum-crc32', 'AAAAAA==']];
  const body = encode(DATA, 2048, SIGNED_TRAILER, trailers).toString('latin1');
  assert.ok(await run(SIGNED_TRAILER, Buffer.from(body, 'latin1')));
  const sig = /x-amz-trailer-signature:([0-9a-f]{64})/.exec(body)?.[1] ?? '';
  await rejects(run(SIGNED_TRAILER, Buffer.from(body.replace(sig, sha('x')), 'latin1')), 'SignatureDoesNotMatch');
  await rejects(run(SIGNED_TRAILER, Buffer.from(body.replace('AAAAAA==', 'AAAAAB=='), 'latin1')), 'SignatureDoesNotMatch');
  await rejects(run(SIGNED_TRAILER, Buffer.from(body.replace(`x-amz-trailer-signature:${sig}\r\n`, ''), 'latin1')), 'SignatureDoesNotMatch');
  // A trailer smuggled in after the signature is not covered by it.
  await rejects(run(SIGNED_TRAILER, Buffer.from(body.replace(/\r\n\r\n$/, '\r\nx-amz-checksum-sha1:AAAA\r\n\r\n'), 'latin1')), 'InvalidRequest');
});

test('decoded length must match x-amz-decoded-content-length', async () => {
  const body = encode(DATA, 1024, SIGNED);
  assert.equal((await run(SIGNED, body, len(5000))).length, 5000);
  await rejects(run(SIGNED, body, len(4999)), 'IncompleteBody');
  await rejects(run(SIGNED, body, len(5001)), 'IncompleteBody');
  await rejects(run(SIGNED, body, { 'x-amz-decoded-content-length': '12abc' }), 'InvalidArgument');
  assert.throws(() => createPayloadVerifier(auth(SIGNED), { 'x-amz-content-sha256': SIGNED, 'x-amz-decoded-content-length': '-5' }),
    (e: unknown) => e instanceof S3Error && e.code === 'InvalidArgument');
});

test('a body cut anywhere never yields partial data as success', async () => {
  for (const mode of [SIGNED, SIGNED_TRAILER, UNSIGNED_TRAILER]) {
    const trailers: [string, string][] = mode === SIGNED ? [] : [['x-amz-checksum-crc32', 'AAAAAA==']];
    const data = DATA.subarray(0, 300);
    const body = encode(data, 100, mode, trailers);
    const dataComplete = body.lastIndexOf(mode === UNSIGNED_TRAILER ? '\r\n0\r\n' : '\r\n0;') + 2;
    for (let cut = 0; cut < body.length; cut++) {
      const outcome = await run(mode, body.subarray(0, cut)).then((d) => d, (e: unknown) => e);
      if (outcome instanceof Buffer) {
        assert.ok(cut > dataComplete, `${mode}: cut at ${cut} must not succeed`);
        assert.deepEqual(outcome, data);
      } else {
        assert.ok(outcome instanceof S3Error && ['IncompleteBody', 'InvalidRequest', 'SignatureDoesNotMatch'].includes(outcome.code), `${mode} cut ${cut}: ${String(outcome)}`);
      }
    }
    // Only the very last CRLF may be missing (some clients omit it); one byte more is a truncation.
    assert.ok(await run(mode, body.subarray(0, body.length - 2)));
    await rejects(run(mode, body.subarray(0, body.length - 3)), 'IncompleteBody', 'SignatureDoesNotMatch', 'InvalidRequest');
  }
});

test('garbage framing is InvalidRequest, read with bounded buffering', async () => {
  const u = (s: string) => Buffer.from(s, 'latin1');
  await rejects(run(UNSIGNED_TRAILER, u('zz\r\nhello\r\n0\r\n\r\n')), 'InvalidRequest');
  await rejects(run(UNSIGNED_TRAILER, u('5\r\nhelloXX0\r\n\r\n')), 'InvalidRequest');
  await rejects(run(UNSIGNED_TRAILER, u('5\nhello\r\n0\r\n\r\n')), 'InvalidRequest');
  await rejects(run(UNSIGNED_TRAILER, u('ffffffffffff\r\n')), 'InvalidRequest');
  await rejects(run(UNSIGNED_TRAILER, u('ffff\r\n'), len(10)), 'IncompleteBody');
  await rejects(run(UNSIGNED_TRAILER, u('0\r\n\r\nextra')), 'InvalidRequest');
  await rejects(run(UNSIGNED_TRAILER, u('0\r\nno-colon-here\r\n\r\n')), 'InvalidRequest');
  await rejects(run(SIGNED, u('5\r\nhello\r\n0\r\n\r\n')), 'InvalidRequest'); // signatures missing
  await rejects(run(SIGNED, u(`0;chunk-signature=${'g'.repeat(64)}\r\n\r\n`)), 'InvalidRequest');
  await rejects(run(SIGNED, encode(DATA, 999, SIGNED_TRAILER, [['x-amz-checksum-crc32', 'AAAAAA==']])), 'InvalidRequest', 'SignatureDoesNotMatch');
  // A line that never ends: the decoder must give up after ~4 KiB, not buffer 8 MiB.
  let pulled = 0;
  const endless = new Readable({ read() { pulled += 65536; this.push(pulled > 8 * 2 ** 20 ? null : Buffer.alloc(65536, 0x61)); } });
  const verifier = createPayloadVerifier(undefined, { 'x-amz-content-sha256': UNSIGNED_TRAILER });
  await rejects(pipeline(endless, verifier.stream, new Writable({ write(_c, _e, cb) { cb(); } })), 'InvalidRequest');
  assert.ok(pulled < 2 ** 20, `stopped after ${pulled} bytes`);
});

test('random bytes never crash the decoder', async () => {
  await fc.assert(fc.asyncProperty(fc.constantFrom(SIGNED, SIGNED_TRAILER, UNSIGNED_TRAILER), fc.uint8Array({ maxLength: 200 }),
    fc.constantFrom('', '0\r\n', '5\r\nhello\r\n', '3;chunk-signature='), async (mode, bytes, prefix) => {
      const outcome = await run(mode, Buffer.concat([Buffer.from(prefix), Buffer.from(bytes)])).then(() => undefined, (e: unknown) => e);
      if (outcome !== undefined) assert.ok(outcome instanceof S3Error, String(outcome));
    }), { numRuns: 300 });
});

test('modes: anonymous signed streaming, SigV4a, unknown values are refused before the body is read', () => {
  const code = (fn: () => unknown) => { try { fn(); return 'none'; } catch (e) { return e instanceof S3Error ? e.code : 'other'; } };
  assert.equal(code(() => createPayloadVerifier(undefined, { 'x-amz-content-sha256': SIGNED })), 'AccessDenied');
  assert.equal(code(() => createPayloadVerifier(undefined, { 'x-amz-content-sha256': SIGNED_TRAILER })), 'AccessDenied');
  assert.equal(code(() => createPayloadVerifier(undefined, { 'x-amz-content-sha256': UNSIGNED_TRAILER })), 'none');
  assert.equal(code(() => createPayloadVerifier(undefined, { 'x-amz-content-sha256': 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD' })), 'NotImplemented');
  assert.equal(code(() => createPayloadVerifier(undefined, { 'x-amz-content-sha256': 'sha256' })), 'InvalidArgument');
  assert.equal(code(() => createPayloadVerifier(undefined, {})), 'none');
});

test('x-amz-content-sha256 as a hex hash: verified at the end, mismatch before end; Content-Length enforced', async () => {
  const hash = sha(DATA);
  const plain = (h: Record<string, string>) => run(h['x-amz-content-sha256'] ?? 'UNSIGNED-PAYLOAD', [DATA.subarray(0, 10), DATA.subarray(10)], h);
  assert.deepEqual(await plain({ 'x-amz-content-sha256': hash, 'content-length': '5000' }), DATA);
  assert.deepEqual(await plain({ 'x-amz-content-sha256': hash.toUpperCase() }), DATA);
  await rejects(plain({ 'x-amz-content-sha256': sha('other') }), 'XAmzContentSHA256Mismatch');
  assert.deepEqual(await plain({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }), DATA);
  await rejects(plain({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-length': '4999' }), 'IncompleteBody');
  await rejects(plain({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-length': '5001' }), 'IncompleteBody');
  assert.equal(createPayloadVerifier(undefined, { 'content-length': '42' }).decodedLength, 42);
});

test('memory does not grow with body size (256 MiB signed stream)', async () => {
  const chunk = randomBytes(64 * 1024);
  const chunkHash = sha(chunk);
  let previous = SEED;
  let sent = 0;
  const total = 4096; // 256 MiB
  const source = new Readable({
    read() {
      if (sent === total) {
        previous = hmac(KEY, ['AWS4-HMAC-SHA256-PAYLOAD', DATE, SCOPE, previous, sha(''), sha('')].join('\n')).toString('hex');
        this.push(Buffer.from(`0;chunk-signature=${previous}\r\n\r\n`));
        this.push(null);
        sent++;
        return;
      }
      if (sent > total) return;
      previous = hmac(KEY, ['AWS4-HMAC-SHA256-PAYLOAD', DATE, SCOPE, previous, sha(''), chunkHash].join('\n')).toString('hex');
      this.push(Buffer.concat([Buffer.from(`10000;chunk-signature=${previous}\r\n`), chunk, Buffer.from('\r\n')]));
      sent++;
    },
  });
  const verifier = createPayloadVerifier(auth(SIGNED), { 'x-amz-content-sha256': SIGNED, ...len(total * 65536) });
  const before = process.memoryUsage();
  let peak = 0;
  let bytes = 0;
  await pipeline(source, verifier.stream, new Writable({
    write(c: Buffer, _e, cb) {
      bytes += c.length;
      if (bytes % (16 * 2 ** 20) === 0) { const m = process.memoryUsage(); peak = Math.max(peak, m.heapUsed + m.arrayBuffers - before.heapUsed - before.arrayBuffers); }
      cb();
    },
  }));
  assert.equal(bytes, total * 65536);
  assert.ok(peak < 64 * 2 ** 20, `memory grew by ${Math.round(peak / 2 ** 20)} MiB`);
});
