// The identity API (Keystone v3 subset) over raw HTTPS: discovery, tokens (issue, validate,
// revoke, re-scope), passwords, EC2 credentials, and the bootstrap admin.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { sdkClient } from '../helpers/clients.ts';
import { errorCode } from '../helpers/errors.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { adminLogin, call, login, provision, type Reply } from './helpers.ts';

function assertKeystoneError(reply: Reply, status: number): void {
  assert.equal(reply.status, status, reply.body.toString());
  const { error } = reply.json<{ error: { code: number; title: string; message: string } }>();
  assert.equal(error.code, status);
  assert.ok(error.title && error.message);
}

const passwordAuth = (name: string, password: string, project?: string) => ({
  auth: {
    identity: { methods: ['password'], password: { user: { name, domain: { name: 'Default' }, password } } },
    ...(project ? { scope: { project: { name: project, domain: { name: 'Default' } } } } : {}),
  },
});

describe('identity API (Keystone v3 subset)', () => {
  let server: TestServer;
  const url = (path: string) => `${server.identityEndpoint}${path}`;

  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.stop();
  });

  it('answers version discovery with links (keystoneauth needs them)', async () => {
    const root = await call(server, server.identityEndpoint.replace(/\/v3$/, '/'));
    assert.equal(root.status, 300);
    const v3 = (await call(server, server.identityEndpoint)).json<{ version: { id: string; links: { href: string }[] } }>();
    assert.match(v3.version.id, /^v3/);
    assert.equal(v3.version.links[0]?.href, `${server.identityEndpoint}/`);
  });

  it('issues a project-scoped token with roles and a catalog of Coffer\'s endpoints', async () => {
    const reply = await call(server, url('/auth/tokens'), { method: 'POST', body: passwordAuth('admin', server.adminPassword, 'admin') });
    assert.equal(reply.status, 201);
    assert.match(String(reply.headers['x-subject-token']), /^[A-Za-z0-9_-]{40,}$/);
    const { token } = reply.json<{ token: { expires_at: string; user: { id: string }; project: { id: string }; roles: { name: string }[]; catalog: { type: string; endpoints: { interface: string; url: string }[] }[] } }>();
    assert.equal(token.user.id, 'admin');
    assert.equal(token.project.id, 'admin');
    assert.deepEqual(token.roles.map((r) => r.name), ['admin']);
    const lifetime = Date.parse(token.expires_at) - Date.now();
    assert.ok(lifetime > 3500_000 && lifetime <= 3600_000, `expires in ${lifetime} ms`);
    const urlOf = (type: string) => token.catalog.find((s) => s.type === type)?.endpoints.find((e) => e.interface === 'public')?.url;
    assert.equal(urlOf('key-manager'), server.keyManagerEndpoint);
    assert.equal(urlOf('identity'), server.identityEndpoint);
    assert.equal(urlOf('s3'), server.endpoint);
  });

  it('refuses wrong passwords, unknown users and other domains alike (401)', async () => {
    const wrong = await call(server, url('/auth/tokens'), { method: 'POST', body: passwordAuth('admin', 'not-the-password', 'admin') });
    assertKeystoneError(wrong, 401);
    assert.match(String(wrong.headers['www-authenticate']), /^Keystone uri=/);
    assertKeystoneError(await call(server, url('/auth/tokens'), { method: 'POST', body: passwordAuth('nobody', 'whatever-123', 'admin') }), 401);
    const otherDomain = passwordAuth('admin', server.adminPassword, 'admin');
    otherDomain.auth.identity.password.user.domain = { name: 'Elsewhere' };
    assertKeystoneError(await call(server, url('/auth/tokens'), { method: 'POST', body: otherDomain }), 401);
    assertKeystoneError(await call(server, url('/auth/tokens'), { method: 'POST', body: passwordAuth('admin', server.adminPassword, 'no-such-project') }), 401);
    assertKeystoneError(await call(server, url('/auth/tokens'), { method: 'POST', body: { auth: {} } }), 400);
    assertKeystoneError(await call(server, url('/auth/tokens'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }), 400);
  });

  it('validates (GET, HEAD), re-scopes and revokes tokens', async () => {
    const admin = await adminLogin(server);
    const subject = await adminLogin(server);
    const headers = { 'x-auth-token': admin.token, 'x-subject-token': subject.token };
    assert.equal((await call(server, url('/auth/tokens'), { headers })).status, 200);
    const head = await call(server, url('/auth/tokens'), { method: 'HEAD', headers });
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    const rescoped = await call(server, url('/auth/tokens'), { method: 'POST', body: { auth: { identity: { methods: ['token'], token: { id: subject.token } }, scope: { project: { id: 'admin' } } } } });
    assert.equal(rescoped.status, 201);
    assert.equal((await call(server, url('/auth/tokens'), { method: 'DELETE', headers })).status, 204);
    assertKeystoneError(await call(server, url('/auth/tokens'), { headers }), 404);
    assertKeystoneError(await call(server, url('/projects'), { headers: { 'x-auth-token': subject.token } }), 401);
    assertKeystoneError(await call(server, url('/projects')), 401);
  });

  it('changes passwords: by an admin (PATCH) or by the user with the original; tokens are revoked', async () => {
    const user = await provision(server, 'changer');
    const before = await login(server, user.user, user.password, user.project);
    const admin = await adminLogin(server);
    const patched = await call(server, url(`/users/${user.userId}`), { method: 'PATCH', headers: { 'x-auth-token': admin.token }, body: { user: { password: 'second-password' } } });
    assert.equal(patched.status, 200);
    assertKeystoneError(await call(server, url('/auth/projects'), { headers: { 'x-auth-token': before.token } }), 401);
    await assert.rejects(login(server, user.user, user.password, user.project), /401/);
    await login(server, user.user, 'second-password', user.project);
    assertKeystoneError(await call(server, url(`/users/${user.userId}/password`), { method: 'POST', body: { user: { original_password: 'wrong-one', password: 'third-password' } } }), 401);
    assertKeystoneError(await call(server, url(`/users/${user.userId}/password`), { method: 'POST', body: { user: { original_password: 'second-password', password: 'short' } } }), 400);
    const changed = await call(server, url(`/users/${user.userId}/password`), { method: 'POST', body: { user: { original_password: 'second-password', password: 'third-password' } } });
    assert.equal(changed.status, 204);
    await login(server, user.user, 'third-password', user.project);
  });

  it('manages EC2 credentials; the root S3 key belongs to the admin user; a deleted key stops working', async () => {
    const admin = await adminLogin(server);
    const headers = { 'x-auth-token': admin.token };
    const listed = (await call(server, url('/users/admin/credentials/OS-EC2'), { headers })).json<{ credentials: { access: string; tenant_id: string }[] }>();
    assert.ok(listed.credentials.some((c) => c.access === server.accessKey && c.tenant_id === 'admin'));
    const created = await call(server, url('/users/admin/credentials/OS-EC2'), { method: 'POST', headers, body: { tenant_id: 'admin' } });
    assert.equal(created.status, 201);
    const { credential } = created.json<{ credential: { access: string; secret: string } }>();
    const shown = await call(server, url(`/users/admin/credentials/OS-EC2/${credential.access}`), { headers });
    assert.equal(shown.json<{ credential: { secret: string } }>().credential.secret, credential.secret);
    const s3 = sdkClient(server, { accessKey: credential.access, secretKey: credential.secret });
    await s3.send(new ListBucketsCommand({}));
    assert.equal((await call(server, url(`/users/admin/credentials/OS-EC2/${credential.access}`), { method: 'DELETE', headers })).status, 204);
    assert.equal(await errorCode(s3.send(new ListBucketsCommand({}))), 'InvalidAccessKeyId');
    assertKeystoneError(await call(server, url(`/users/admin/credentials/OS-EC2/${credential.access}`), { headers }), 404);
  });

  it('answers unknown routes 404 and wrong methods 405, Keystone-shaped', async () => {
    const admin = await adminLogin(server);
    assertKeystoneError(await call(server, url('/regions'), { headers: { 'x-auth-token': admin.token } }), 404);
    assertKeystoneError(await call(server, url('/projects'), { method: 'DELETE', headers: { 'x-auth-token': admin.token } }), 405);
  });
});

describe('the bootstrap admin without COFFER_ADMIN_PASSWORD', () => {
  it('generates the admin password once, prints it once, and keeps it across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'coffer-admin-'));
    try {
      const first = await startServer({ dataDir, env: { COFFER_ADMIN_PASSWORD: '' } });
      const password = /admin password: (\S+)/.exec(first.output())?.[1];
      assert.ok(password, first.output());
      await login({ ...first, adminPassword: password }, 'admin', password, 'admin');
      await first.stop();
      const second = await startServer({ dataDir, env: { COFFER_ADMIN_PASSWORD: '' } });
      assert.doesNotMatch(second.output(), /admin password:/);
      await login(second, 'admin', password, 'admin');
      await second.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
