// The Barbican v1 secrets API over raw HTTPS: payload encodings and content negotiation, the
// two-step create, the legacy payload GET (Ceph RGW), paging and filters, expiration, errors, auth.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from '../helpers/server.ts';
import {
  adminLogin, call, describeRun, login, openstackUnauthenticated, provision, skipUnlessOpenstack, type Reply, type Session,
} from '../identity/helpers.ts';

const BARBICAN_ERROR_KEYS = ['code', 'description', 'title'];

function assertBarbicanError(reply: Reply, status: number): void {
  assert.equal(reply.status, status, reply.body.toString());
  const body = reply.json<{ code: number; title: string }>();
  assert.deepEqual(Object.keys(body).sort(), BARBICAN_ERROR_KEYS);
  assert.equal(body.code, status);
}

describe('key-manager API (Barbican v1 secrets)', () => {
  let server: TestServer;
  let session: Session;
  const auth = () => ({ 'x-auth-token': session.token });
  const secrets = () => `${server.keyManagerEndpoint}/secrets`;
  const create = (body: unknown) => call(server, `${secrets()}/`, { method: 'POST', headers: auth(), body });
  const refOf = (reply: Reply) => reply.json<{ secret_ref: string }>().secret_ref;

  before(async () => {
    server = await startServer();
    const user = await provision(server, 'keeper');
    session = await login(server, user.user, user.password, user.project);
  });
  after(async () => {
    await server.stop();
  });

  it('answers version discovery at / and /v1', async () => {
    const root = await call(server, server.keyManagerEndpoint.replace(/\/v1$/, '/'));
    assert.equal(root.status, 300);
    const v1 = await call(server, server.keyManagerEndpoint);
    assert.equal(v1.json<{ version: { id: string } }>().version.id, 'v1');
  });

  it('stores a text/plain payload and serves it by Accept', async () => {
    const created = await create({ name: 'plain', payload: 'hello secret', payload_content_type: 'text/plain' });
    assert.equal(created.status, 201);
    assert.equal(created.headers.location, refOf(created));
    const meta = await call(server, refOf(created), { headers: auth() });
    const body = meta.json<Record<string, unknown>>();
    assert.equal(body.name, 'plain');
    assert.deepEqual(body.content_types, { default: 'text/plain' });
    assert.equal(body.secret_type, 'opaque');
    assert.equal(body.payload, undefined);
    for (const accept of ['text/plain', '*/*', 'application/octet-stream']) {
      const payload = await call(server, `${refOf(created)}/payload`, { headers: { ...auth(), accept } });
      assert.equal(payload.status, 200);
      assert.equal(payload.body.toString(), 'hello secret');
      assert.equal(payload.headers['cache-control'], 'no-store');
    }
    assertBarbicanError(await call(server, `${refOf(created)}/payload`, { headers: { ...auth(), accept: 'application/json' } }), 406);
  });

  it('stores binary bytes as base64 octet-stream, and serves them on the legacy GET (Ceph RGW)', async () => {
    const key = randomBytes(32);
    const created = await create({ name: 'binary', algorithm: 'aes', bit_length: 256, mode: 'cbc', payload: key.toString('base64'), payload_content_type: 'application/octet-stream', payload_content_encoding: 'base64' });
    assert.equal(created.status, 201);
    const payload = await call(server, `${refOf(created)}/payload`, { headers: { ...auth(), accept: 'application/octet-stream' } });
    assert.deepEqual(payload.body, key);
    const legacy = await call(server, refOf(created), { headers: { ...auth(), accept: 'application/octet-stream' } });
    assert.equal(legacy.headers['content-type'], 'application/octet-stream');
    assert.deepEqual(legacy.body, key);
  });

  it('creates in two steps: metadata first, then PUT of the payload once', async () => {
    const created = await create({ name: 'two-step', secret_type: 'symmetric' });
    assert.equal(created.status, 201);
    assert.equal(created.json<Record<string, unknown>>().content_types, undefined);
    assertBarbicanError(await call(server, `${refOf(created)}/payload`, { headers: { ...auth(), accept: 'text/plain' } }), 404);
    const bytes = randomBytes(16);
    const put = await call(server, refOf(created), { method: 'PUT', headers: { ...auth(), 'content-type': 'application/octet-stream' }, body: bytes });
    assert.equal(put.status, 204);
    const again = await call(server, refOf(created), { method: 'PUT', headers: { ...auth(), 'content-type': 'application/octet-stream' }, body: bytes });
    assertBarbicanError(again, 409);
    const payload = await call(server, `${refOf(created)}/payload`, { headers: { ...auth(), accept: 'application/octet-stream' } });
    assert.deepEqual(payload.body, bytes);
    const encoded = await create({ name: 'two-step-b64' });
    const put64 = await call(server, refOf(encoded), {
      method: 'PUT', headers: { ...auth(), 'content-type': 'application/octet-stream', 'content-encoding': 'base64' }, body: bytes.toString('base64'),
    });
    assert.equal(put64.status, 204);
    assert.deepEqual((await call(server, `${refOf(encoded)}/payload`, { headers: { ...auth(), accept: '*/*' } })).body, bytes);
  });

  it('refuses malformed requests with Barbican-shaped 4xx errors', async () => {
    assertBarbicanError(await call(server, secrets(), { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: '{not json' }), 400);
    assertBarbicanError(await create({ payload: 'x' }), 400);
    assertBarbicanError(await create({ payload: 'eA==', payload_content_type: 'application/octet-stream' }), 400);
    assertBarbicanError(await create({ payload: '***', payload_content_type: 'application/octet-stream', payload_content_encoding: 'base64' }), 400);
    assertBarbicanError(await create({ payload: '', payload_content_type: 'text/plain' }), 400);
    assertBarbicanError(await create({ payload: 'x', payload_content_type: 'text/xml' }), 400);
    assertBarbicanError(await create({ secret_type: 'banana' }), 400);
    assertBarbicanError(await create({ bit_length: 'many' }), 400);
    assertBarbicanError(await create({ payload: 'x'.repeat(10_001), payload_content_type: 'text/plain' }), 413);
    assertBarbicanError(await create({ name: 'old', expiration: '2001-01-01T00:00:00' }), 400);
    assertBarbicanError(await create({ name: 'bad-date', expiration: 'tomorrow' }), 400);
    assertBarbicanError(await call(server, secrets(), { method: 'POST', headers: { ...auth(), 'content-type': 'text/plain' }, body: 'x' }), 415);
    assertBarbicanError(await call(server, `${secrets()}/not-a-uuid`, { headers: auth() }), 404);
    assertBarbicanError(await call(server, `${secrets()}/00000000-0000-4000-8000-000000000000`, { headers: auth() }), 404);
    assertBarbicanError(await call(server, `${server.keyManagerEndpoint}/containers`, { headers: auth() }), 404);
    assertBarbicanError(await call(server, secrets(), { method: 'PATCH', headers: auth() }), 405);
  });

  it('enforces expiration: an expired secret is gone from reads and lists', async () => {
    const expiration = new Date(Date.now() + 1500).toISOString();
    const created = await create({ name: 'short-lived', expiration, payload: 'soon gone', payload_content_type: 'text/plain' });
    assert.equal(created.status, 201);
    const meta = await call(server, refOf(created), { headers: auth() });
    assert.equal(meta.json<{ expiration: string }>().expiration, expiration);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    assertBarbicanError(await call(server, refOf(created), { headers: auth() }), 404);
    assertBarbicanError(await call(server, `${refOf(created)}/payload`, { headers: { ...auth(), accept: 'text/plain' } }), 404);
    const list = await call(server, `${secrets()}?name=short-lived`, { headers: auth() });
    assert.equal(list.json<{ total: number }>().total, 0);
  });

  it('lists with paging (limit, offset, next, previous) and filters (name, alg, bits, mode)', async () => {
    for (let i = 0; i < 5; i += 1) {
      const reply = await create({ name: 'paged', algorithm: i % 2 === 0 ? 'aes' : 'des', bit_length: i < 3 ? 256 : 128, mode: 'cbc' });
      assert.equal(reply.status, 201);
    }
    const first = (await call(server, `${secrets()}?name=paged&limit=2`, { headers: auth() })).json<{ secrets: unknown[]; total: number; next?: string; previous?: string }>();
    assert.equal(first.total, 5);
    assert.equal(first.secrets.length, 2);
    assert.ok(first.next?.includes('offset=2'));
    assert.equal(first.previous, undefined);
    const last = (await call(server, `${secrets()}?name=paged&limit=2&offset=4`, { headers: auth() })).json<{ secrets: unknown[]; next?: string; previous?: string }>();
    assert.equal(last.secrets.length, 1);
    assert.equal(last.next, undefined);
    assert.ok(last.previous?.includes('offset=2'));
    const count = async (query: string) => (await call(server, `${secrets()}?name=paged&${query}`, { headers: auth() })).json<{ total: number }>().total;
    assert.equal(await count('alg=aes'), 3);
    assert.equal(await count('bits=128'), 2);
    assert.equal(await count('alg=aes&bits=256'), 2);
    assert.equal(await count('mode=ctr'), 0);
    assertBarbicanError(await call(server, `${secrets()}?limit=-1`, { headers: auth() }), 400);
  });

  it('deletes a secret', async () => {
    const created = await create({ name: 'doomed', payload: 'x', payload_content_type: 'text/plain' });
    assert.equal((await call(server, refOf(created), { method: 'DELETE', headers: auth() })).status, 204);
    assertBarbicanError(await call(server, refOf(created), { headers: auth() }), 404);
    assertBarbicanError(await call(server, refOf(created), { method: 'DELETE', headers: auth() }), 404);
  });

  it('needs a valid project-scoped token: none, notused, revoked and unscoped are 401', async () => {
    assertBarbicanError(await call(server, secrets()), 401);
    assertBarbicanError(await call(server, secrets(), { headers: { 'x-auth-token': 'notused' } }), 401);
    const throwaway = await adminLogin(server);
    const revoke = await call(server, `${server.identityEndpoint}/auth/tokens`, { method: 'DELETE', headers: { 'x-auth-token': throwaway.token, 'x-subject-token': throwaway.token } });
    assert.equal(revoke.status, 204);
    assertBarbicanError(await call(server, secrets(), { headers: { 'x-auth-token': throwaway.token } }), 401);
    const unscoped = await call(server, `${server.identityEndpoint}/auth/tokens`, {
      method: 'POST', body: { auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: server.adminPassword } } } } },
    });
    assert.equal(unscoped.status, 201);
    assertBarbicanError(await call(server, secrets(), { headers: { 'x-auth-token': String(unscoped.headers['x-subject-token']) } }), 401);
  });

  it('lets a reader read but not write', async () => {
    const reader = await provision(server, 'auditor', 'reader');
    const readerSession = await login(server, reader.user, reader.password, reader.project);
    const asReader = { 'x-auth-token': readerSession.token };
    assertBarbicanError(await call(server, secrets(), { method: 'POST', headers: asReader, body: { name: 'nope' } }), 403);
    assert.equal((await call(server, secrets(), { headers: asReader })).status, 200);
  });
});

describe('key-manager API with --key-manager-allow-unauthenticated', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ args: ['--key-manager-allow-unauthenticated', 'admin'] });
  });
  after(async () => {
    await server.stop();
  });

  it('acts as the named project for requests without a valid token, and says so in the log', async () => {
    const created = await call(server, `${server.keyManagerEndpoint}/secrets/`, {
      method: 'POST', headers: { 'x-auth-token': 'notused' }, body: { name: 'anon', payload: 'open door', payload_content_type: 'text/plain' },
    });
    assert.equal(created.status, 201);
    const admin = await adminLogin(server);
    const payload = await call(server, `${created.json<{ secret_ref: string }>().secret_ref}/payload`, { headers: { 'x-auth-token': admin.token, accept: 'text/plain' } });
    assert.equal(payload.body.toString(), 'open door');
    assert.match(server.output(), /key-manager-allow-unauthenticated is on/);
  });

  it('serves the openstack CLI with --os-auth-type none --os-endpoint', { skip: skipUnlessOpenstack() }, async () => {
    const stored = await openstackUnauthenticated(server, ['secret', 'store', '--name', 'noauth', '--payload', 'no-keystone-here', '-f', 'value', '-c', 'Secret href']);
    assert.equal(stored.code, 0, describeRun(stored));
    const fetched = await openstackUnauthenticated(server, ['secret', 'get', stored.stdout.trim(), '-p', '-c', 'Payload', '-f', 'value']);
    assert.equal(fetched.stdout.trim(), 'no-keystone-here', describeRun(fetched));
  });
});
