// Hostile input at the framing level, over raw TLS sockets: random and truncated header blocks, broken
// Content-Length, broken aws-chunked bodies, odd keys, 10,001 parts, entity tricks. Never a 5xx, never
// a hang, nothing stored from a refused body, and the server keeps serving.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bytesOf, md5Base64, pick, recordFigures, seedFromEnv } from './harness/common.ts';
import { chunkFaults, chunkedPut } from './harness/aws-chunked-body.ts';
import { S3Http, codeOf, describeOutcome, objectPath } from './harness/client.ts';
import { tallyTmp } from './harness/data-folder.ts';
import { wireBytes, type FuzzRequest } from './harness/fuzz-wire.ts';
import { internalErrors } from './harness/health.ts';
import { isAlive } from './harness/proc.ts';
import { RawConnection } from './harness/raw-http.ts';
import { withServer } from './harness/suite.ts';

const RANDOM_HEADS = Number(process.env.COFFER_FRAMING_RUNS ?? pick(600, 10_000));
const seed = seedFromEnv();

const head = (lines: string[]): Buffer => Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
const valid = (over: Partial<FuzzRequest>): FuzzRequest =>
  ({ method: 'GET', path: '/frame', query: [], headers: [], body: Buffer.alloc(0), auth: 'valid', noise: '', family: 'framing', ...over });

/** A 4xx, or a close without an answer; never a 5xx, never silence. */
const refusedWell = (status: number | undefined, timedOut: boolean): boolean => !timedOut && (status === undefined || (status >= 400 && status < 500));

test('hostile framing over raw sockets', { timeout: pick(6, 40) * 60_000 }, async (t) => {
  await withServer('framing', { env: { COFFER_LOG_LEVEL: 'warn' } }, async (managed) => {
    const server = managed.server;
    const client = new S3Http(server);
    await client.call({ method: 'PUT', path: '/frame' });
    const figures: Record<string, unknown> = {};
    const send = async (bytes: Buffer, endAfter = true) => {
      const conn = new RawConnection(server);
      try {
        return await conn.send(bytes, { endAfter, timeoutMs: 15_000 });
      } finally {
        conn.close();
      }
    };

    await t.test(`random and truncated header blocks (${RANDOM_HEADS}, fast-check)`, async () => {
      const base = (await wireBytes(server, valid({ path: '/frame/k', method: 'PUT', body: Buffer.from('hello') }))).toString('latin1');
      const mutation = fc.oneof(
        fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
        fc.nat({ max: base.length }).map((n) => Buffer.from(base.slice(0, n), 'latin1')),
        fc.tuple(fc.nat({ max: base.length }), fc.uint8Array({ minLength: 1, maxLength: 8 }))
          .map(([at, bytes]) => Buffer.concat([Buffer.from(base.slice(0, at), 'latin1'), Buffer.from(bytes), Buffer.from(base.slice(at), 'latin1')])),
        fc.constantFrom(
          'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'GET /\r\n\r\n', 'GET / HTTP/9.9\r\nHost: x\r\n\r\n', 'get / HTTP/1.1\r\nHost: x\r\n\r\n',
          'GET http://evil/ HTTP/1.1\r\nHost: x\r\n\r\n', 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: x\r\n\r\n', 'GET / HTTP/1.1\r\nNoColon\r\n\r\n',
          'GET / HTTP/1.1\r\nHost: x\r\n folded: y\r\n\r\n', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 'GET /\0 HTTP/1.1\r\nHost: x\r\n\r\n',
          `GET / HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`, `GET / HTTP/1.1\r\n${'X-A: b\r\n'.repeat(3000)}\r\n`,
          'PUT /frame/s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n',
          'PUT /frame/s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n', 'PUT /frame/s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
        ).map((s) => Buffer.from(s, 'latin1')),
      );
      let answered = 0;
      await fc.assert(fc.asyncProperty(mutation, async (bytes) => {
        const answer = await send(bytes);
        if (answer.status !== undefined) answered++;
        return answer.status === undefined || answer.status < 500 ? !answer.timedOut : false;
      }), { numRuns: RANDOM_HEADS, seed });
      figures.randomHeads = { sent: RANDOM_HEADS, answered };
      assert.ok(isAlive(managed.pid));
    });

    await t.test('broken and hostile Content-Length', async () => {
      const cases: Record<string, Buffer> = {};
      for (const value of ['-1', '99999999999999999999999', '1e3', '0x10', '5, 6', ' ', '18446744073709551616']) {
        cases[`Content-Length: ${value}`] = head(['PUT /frame/cl HTTP/1.1', 'Host: x', `Content-Length: ${value}`]);
      }
      cases['two different Content-Length'] = head(['PUT /frame/cl HTTP/1.1', 'Host: x', 'Content-Length: 1', 'Content-Length: 2']);
      cases['6 GiB announced, signed'] = (await wireBytes(server, valid({ method: 'PUT', path: '/frame/huge', headers: [['content-length', String(6 * 1024 ** 3)]] })));
      cases['2^53 announced, signed'] = (await wireBytes(server, valid({ method: 'PUT', path: '/frame/huge', headers: [['content-length', String(2 ** 53)]] })));
      cases['body shorter than announced, then EOF'] = await wireBytes(server, valid({ method: 'PUT', path: '/frame/short', headers: [['content-length', '1000']], body: Buffer.from('abc') }));
      const bad: string[] = [];
      for (const [name, bytes] of Object.entries(cases)) {
        const answer = await send(bytes);
        if (!refusedWell(answer.status, answer.timedOut)) bad.push(`${name}: ${answer.status ?? (answer.timedOut ? 'hang' : 'closed')}`);
      }
      const stored = await client.call({ method: 'GET', path: objectPath('frame', 'short') });
      assert.deepEqual(bad, []);
      assert.equal(stored.kind === 'response' && stored.status, 404, 'a short body is never stored');
    });

    await t.test('broken aws-chunked framing is refused and nothing is stored', async () => {
      const chunks = [bytesOf('c0', 70_000), bytesOf('c1', 1000)];
      const good = await send(await chunkedPut(server, '/frame/chunked-ok', chunks), false);
      assert.equal(good.status, 200, 'the unbroken control upload');
      const bad: string[] = [];
      for (const { name, fault } of chunkFaults) {
        const key = `chunked-${name.replace(/\W+/g, '-')}`;
        const answer = await send(await chunkedPut(server, `/frame/${key}`, chunks, fault));
        if (answer.timedOut || answer.status === undefined || answer.status < 400 || answer.status >= 500) bad.push(`${name}: ${answer.status ?? (answer.timedOut ? 'hang' : 'closed without answer')}`);
        const stored = await client.call({ method: 'HEAD', path: objectPath('frame', key) });
        if (stored.kind !== 'response' || stored.status !== 404) bad.push(`${name}: object stored (${describeOutcome(stored)})`);
      }
      assert.deepEqual(bad, []);
      assert.equal(tallyTmp(managed.dataDir).files, 0, 'no temporary left behind');
    });

    await t.test('odd keys: .., NUL, invalid UTF-8, 1025 bytes', async () => {
      const answers: Record<string, string> = {};
      const probe = async (name: string, path: string, body?: Buffer) => {
        const conn = new RawConnection(server);
        const a = await conn.send(await wireBytes(server, valid({ method: body ? 'PUT' : 'GET', path, body: body ?? Buffer.alloc(0) })), { timeoutMs: 15_000 });
        conn.close();
        answers[name] = `${a.status ?? 'none'} ${/<Code>([^<]*)</.exec(a.body.toString())?.[1] ?? ''}`.trim();
      };
      await probe('key ..', '/frame/..', Buffer.from('dots'));
      await probe('key ../../x', '/frame/../../x', Buffer.from('dots'));
      await probe('key with NUL', '/frame/a%00b', Buffer.from('nul'));
      await probe('invalid UTF-8 %FF', '/frame/%FF', Buffer.from('x'));
      await probe('UTF-16 surrogate', '/frame/%ED%A0%80', Buffer.from('x'));
      await probe('1024-byte key', `/frame/${'k'.repeat(1024)}`, Buffer.from('x'));
      await probe('1025-byte key', `/frame/${'k'.repeat(1025)}`, Buffer.from('x'));
      const listed = await client.call({ method: 'GET', path: '/frame', query: { 'list-type': '2', 'encoding-type': 'url', prefix: 'a' } });
      figures.oddKeys = answers;
      assert.equal(answers['1025-byte key'], '400 KeyTooLongError');
      assert.match(answers['invalid UTF-8 %FF'] ?? '', /^400/);
      assert.match(answers['UTF-16 surrogate'] ?? '', /^400/);
      for (const [name, answer] of Object.entries(answers)) assert.match(answer, /^[24]\d\d/, `${name}: ${answer}`);
      assert.ok(listed.kind === 'response' && listed.body.toString().includes('<Key>a%00b</Key>'), 'a NUL key lists, URL-encoded');
    });

    await t.test('10,001 parts, entity expansion and oversized XML get quick 4xx answers', async () => {
      const created = await client.call({ method: 'POST', path: objectPath('frame', 'mp'), query: { uploads: '' } });
      const uploadId = created.kind === 'response' ? /<UploadId>([^<]+)</.exec(created.body.toString())?.[1] ?? '' : '';
      const part = (n: number) => `<Part><PartNumber>${n}</PartNumber><ETag>"x"</ETag></Part>`;
      const bodies: Record<string, [Record<string, string>, string]> = {
        'complete with 10,001 parts': [{ uploadId }, `<CompleteMultipartUpload>${Array.from({ length: 10_001 }, (_, i) => part(i + 1)).join('')}</CompleteMultipartUpload>`],
        'billion laughs': [{ uploadId }, `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">${Array.from({ length: 9 }, (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`).join('')}]><CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&j;</ETag></Part></CompleteMultipartUpload>`],
        'external entity': [{ delete: '' }, '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Delete><Object><Key>&x;</Key></Object></Delete>'],
        'delete with 5 MiB of XML': [{ delete: '' }, `<Delete>${'<Object><Key>k</Key></Object>'.repeat(190_000)}</Delete>`],
      };
      const answers: Record<string, string> = {};
      for (const [name, [query, xml]] of Object.entries(bodies)) {
        const started = Date.now();
        const fresh = new S3Http(server, 1);
        const o = await fresh.call({ method: 'POST', path: query.delete === undefined ? objectPath('frame', 'mp') : '/frame', query, headers: { 'content-md5': md5Base64(xml) }, body: Buffer.from(xml) });
        fresh.close();
        answers[name] = `${describeOutcome(o)} in ${Date.now() - started} ms`;
        assert.ok(o.kind === 'response' && o.status >= 400 && o.status < 500, `${name}: ${describeOutcome(o)}`);
        assert.ok(Date.now() - started < 10_000, `${name} took ${Date.now() - started} ms`);
      }
      const part10001 = await client.call({ method: 'PUT', path: objectPath('frame', 'mp'), query: { partNumber: '10001', uploadId }, body: Buffer.from('x') });
      answers['UploadPart 10001'] = describeOutcome(part10001);
      figures.xml = answers;
      assert.equal(codeOf(part10001), 'InvalidArgument');
    });

    await t.test('a malformed request line with a large body in flight still gets its 400', async () => {
      const body = Buffer.alloc(580_000, 0x3c);
      const bytes = Buffer.concat([head(['GET /frame/a b HTTP/1.1', 'Host: x', `Content-Length: ${body.length}`]), body]);
      const outcomes: Record<string, number> = {};
      await Promise.all(Array.from({ length: 8 }, async () => {
        for (let i = 0; i < 20; i++) {
          const answer = await send(bytes, false);
          const key = answer.status === undefined ? (answer.timedOut ? 'hang' : 'no answer') : String(answer.status);
          outcomes[key] = (outcomes[key] ?? 0) + 1;
        }
      }));
      figures.malformedLineWithBody = outcomes;
      assert.deepEqual(outcomes, { 400: 160 });
    });

    client.close();
    const errors = internalErrors(managed.output());
    const disconnects = errors.filter((line) => line.includes('Error: aborted'));
    recordFigures('hostile-framing', { seed, ...figures, internalErrors: errors.length, disconnectsLoggedAsInternal: disconnects.length });
    assert.deepEqual(errors.filter((line) => !disconnects.includes(line)).slice(0, 3), [], 'no internal error logged');
    assert.ok(isAlive(managed.pid));
    await t.test('a client that hangs up mid-body is not an internal error', () => {
      assert.deepEqual(disconnects.slice(0, 2), []);
    });
  });
});

