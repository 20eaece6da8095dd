// The shared JSON pipeline on its own (the identity and key-manager suites drive it through real
// clients): routing refusals, the dialect's error shape and challenge, the body cap, the one writer.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createJsonApi, HttpError, readBody, readJson, requestOrigin, type ApiResponse, type Dialect, type RequestBase } from '../../src/http/json-api.ts';
import type { Logger } from '../../src/util/logger.ts';

interface TestRequest extends RequestBase {
  json(): Promise<unknown>;
  bytes(): Promise<Buffer>;
}

const dialect: Dialect = {
  jsonType: 'application/json; test',
  problem: (error) => (error instanceof RangeError ? { status: 401, title: 'Unauthorized', message: error.message } : undefined),
  errorBody: ({ status, title, message }) => ({ fault: { status, title, message } }),
  challenge: (origin) => `Test realm="${origin}"`,
  internalMessage: 'Something broke.',
};

const logged: string[] = [];
const log = { info: () => undefined, error: (fields: { err: string }) => logged.push(fields.err) } as unknown as Logger;

const routes = [
  { method: 'GET', pattern: '/things/:id', handler: async (r: TestRequest): Promise<ApiResponse> => ({ status: 200, json: { id: r.params.id, origin: r.origin, hostname: r.hostname } }) },
  { method: 'HEAD', pattern: '/things/:id', handler: async (): Promise<ApiResponse> => ({ status: 200, json: { id: 'x' } }) },
  { method: 'POST', pattern: '/json', handler: async (r: TestRequest): Promise<ApiResponse> => ({ status: 201, json: await r.json() }) },
  { method: 'PUT', pattern: '/raw', handler: async (r: TestRequest): Promise<ApiResponse> => ({ status: 200, headers: { 'content-type': 'text/plain' }, raw: await r.bytes() }) },
  { method: 'DELETE', pattern: '/things/:id', handler: async (): Promise<ApiResponse> => ({ status: 204, json: { ignored: true } }) },
  { method: 'GET', pattern: '/denied', handler: async (): Promise<ApiResponse> => { throw new RangeError('No token.'); } },
  { method: 'GET', pattern: '/broken', handler: async (): Promise<ApiResponse> => { throw new Error('secret detail'); } },
];

let server: http.Server;
let base = '';

before(async () => {
  const handler = createJsonApi<TestRequest>({
    name: 'test', log, url: () => 'http://listener.test:8000', routes, dialect,
    request: (b, req) => ({ ...b, json: () => readJson(req), bytes: () => readBody(req, 16) }),
  });
  server = http.createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function send(method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}) {
  const reply = await fetch(base + path, { method, headers: init.headers, body: init.body });
  return { status: reply.status, headers: reply.headers, text: await reply.text() };
}

describe('JSON API pipeline', () => {
  it('routes on decoded segments, ignores a trailing slash and builds the origin from Host', async () => {
    const reply = await send('GET', '/things/a%20b/');
    assert.equal(reply.status, 200);
    assert.equal(reply.headers.get('content-type'), 'application/json; test');
    assert.match(reply.headers.get('x-openstack-request-id') ?? '', /^req-[0-9a-f]{16}$/);
    assert.deepEqual(JSON.parse(reply.text), { id: 'a b', origin: base, hostname: '127.0.0.1' });
  });

  it('refuses unknown paths (404) and other methods (405 with Allow) in the dialect shape', async () => {
    const missing = await send('GET', '/nothing');
    assert.equal(missing.status, 404);
    assert.deepEqual(JSON.parse(missing.text), { fault: { status: 404, title: 'Not Found', message: 'The resource could not be found.' } });
    const wrong = await send('PATCH', '/things/1');
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'GET, HEAD, DELETE');
  });

  it("renders the API's own refusals, with the challenge on a 401", async () => {
    const reply = await send('GET', '/denied');
    assert.equal(reply.status, 401);
    assert.equal(reply.headers.get('www-authenticate'), `Test realm="${base}"`);
    assert.deepEqual(JSON.parse(reply.text), { fault: { status: 401, title: 'Unauthorized', message: 'No token.' } });
  });

  it('turns anything else into a 500 that names nothing of the error, and logs it', async () => {
    const reply = await send('GET', '/broken');
    assert.equal(reply.status, 500);
    assert.deepEqual(JSON.parse(reply.text), { fault: { status: 500, title: 'Internal Server Error', message: 'Something broke.' } });
    assert.deepEqual(logged, ['Error: secret detail']);
  });

  it('checks the JSON type before reading, then parses (415, 400)', async () => {
    assert.equal((await send('POST', '/json', { headers: { 'content-type': 'text/plain' }, body: '{}' })).status, 415);
    assert.equal((await send('POST', '/json', { headers: { 'content-type': 'application/json' }, body: '{x' })).status, 400);
    const ok = await send('POST', '/json', { headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    assert.deepEqual([ok.status, JSON.parse(ok.text)], [201, { a: 1 }]);
  });

  it('caps the body (413) and sends raw bytes as they are', async () => {
    const big = await send('PUT', '/raw', { body: 'x'.repeat(17) });
    assert.equal(big.status, 413);
    assert.equal(JSON.parse(big.text).fault.message, 'The request body exceeds 16 bytes.');
    const raw = await send('PUT', '/raw', { body: 'hello' });
    assert.deepEqual([raw.status, raw.headers.get('content-type'), raw.text], [200, 'text/plain', 'hello']);
  });

  it('sends no body for HEAD (but its length) nor for 204', async () => {
    const head = await send('HEAD', '/things/1');
    assert.deepEqual([head.status, head.headers.get('content-length'), head.text], [200, '10', '']);
    const gone = await send('DELETE', '/things/1');
    assert.deepEqual([gone.status, gone.headers.get('content-type'), gone.text], [204, null, '']);
  });
});

describe('HttpError', () => {
  it('is a problem of the plumbing: status, title, message', () => {
    const error = new HttpError(413, 'Request Entity Too Large', 'Too big.');
    assert.deepEqual([error.status, error.title, error.message, error instanceof Error], [413, 'Request Entity Too Large', 'Too big.', true]);
  });
});

describe('requestOrigin', () => {
  const withHost = (host: string | undefined) => ({ headers: host === undefined ? {} : { host } }) as http.IncomingMessage;
  it('uses a plain Host header, and the listener for anything it could not parse', () => {
    const listener = 'https://127.0.0.1:5000';
    assert.deepEqual(requestOrigin(withHost('keys.example:8443'), listener), { origin: 'https://keys.example:8443', hostname: 'keys.example' });
    for (const odd of [undefined, 'a:99999', 'user@host', 'a b', 'h/x']) {
      assert.deepEqual(requestOrigin(withHost(odd), listener), { origin: listener, hostname: '127.0.0.1' }, `Host: ${odd}`);
    }
  });
});
