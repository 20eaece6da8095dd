// Identity rules without a server: scrypt hashes, tokens (expiry, revocation, role removal),
// who may manage what, and the route table. Runs over the SQLite adapter on an in-memory database.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthService } from '../../src/domain/identity/auth-service.ts';
import { ensureAdmin } from '../../src/domain/identity/bootstrap.ts';
import { DirectoryService } from '../../src/domain/identity/directory-service.ts';
import type { TokenContext } from '../../src/domain/identity/model.ts';
import { hashPassword, verifyPassword } from '../../src/domain/identity/passwords.ts';
import { matchRoute, routes } from '../../src/identity/router.ts';
import { openDatabase } from '../../src/storage/metadata/sqlite/open-database.ts';
import { SqliteIdentityStore } from '../../src/storage/metadata/sqlite/sqlite-identity-store.ts';
import { Secret } from '../../src/util/secret.ts';
import { identityErrorKind } from '../helpers/errors.ts';

const pw = (value: string) => Secret.fromString(value);

async function setup(tokenLifetimeSeconds = 3600) {
  const store = new SqliteIdentityStore(openDatabase(':memory:'));
  await ensureAdmin(store, pw('admin-password'));
  const auth = new AuthService(store, { tokenLifetimeSeconds });
  const directory = new DirectoryService(store);
  const admin = (await auth.authenticatePassword({ name: 'admin' }, pw('admin-password'), { name: 'admin' })).context;
  return { store, auth, directory, admin };
}

describe('passwords', () => {
  it('hashes with scrypt and a per-user salt, and verifies', async () => {
    const a = await hashPassword(pw('correct horse'));
    const b = await hashPassword(pw('correct horse'));
    assert.match(a, /^scrypt\$15\$8\$1\$/);
    assert.notEqual(a, b);
    assert.ok(!a.includes('correct horse'));
    assert.equal(await verifyPassword(pw('correct horse'), a), true);
    assert.equal(await verifyPassword(pw('correct horsf'), a), false);
    assert.equal(await verifyPassword(pw('anything'), undefined), false);
    assert.equal(await verifyPassword(pw('anything'), 'md5$abc'), false);
  });
});

describe('tokens', () => {
  it('stores only a hash, and stop working when revoked', async () => {
    const { store, auth } = await setup();
    const issued = await auth.authenticatePassword({ name: 'admin', domain: { name: 'Default' } }, pw('admin-password'), { name: 'admin', domain: { id: 'default' } });
    const value = issued.token.reveal().toString();
    assert.equal(await store.getToken(value), undefined);
    assert.equal((await auth.validate(value))?.user.id, 'admin');
    await auth.revoke(value);
    assert.equal(await auth.validate(value), undefined);
  });

  it('expire', async () => {
    const { auth } = await setup(1);
    const issued = await auth.authenticatePassword({ name: 'admin' }, pw('admin-password'), { name: 'admin' });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal(await auth.validate(issued.token.reveal().toString()), undefined);
  });

  it('need a role on the scoped project', async () => {
    const { auth, directory, admin } = await setup();
    const project = await directory.createProject(admin, { name: 'p1' });
    const user = await directory.createUser(admin, { name: 'u1', password: pw('user-password') });
    assert.equal(await identityErrorKind(auth.authenticatePassword({ name: 'u1' }, pw('user-password'), { id: project.id })), 'Unauthorized');
    await directory.grantRole(admin, project.id, user.id, 'member');
    const ok = await auth.authenticatePassword({ name: 'u1' }, pw('user-password'), { id: project.id });
    assert.deepEqual(ok.context.roles, ['member']);
    assert.equal(await identityErrorKind(auth.authenticatePassword({ name: 'u1' }, pw('wrong-password'), { id: project.id })), 'Unauthorized');
  });
});

describe('directory rules', () => {
  it('lets only admins create projects and users; names are unique', async () => {
    const { auth, directory, admin } = await setup();
    const project = await directory.createProject(admin, { name: 'team' });
    assert.equal(await identityErrorKind(directory.createProject(admin, { name: 'team' })), 'Conflict');
    assert.equal(await identityErrorKind(directory.createProject(admin, { name: 'bad/name' })), 'BadRequest');
    const user = await directory.createUser(admin, { name: 'member', password: pw('member-password'), defaultProjectId: project.id });
    assert.equal(await identityErrorKind(directory.createUser(admin, { name: 'weak', password: pw('short') })), 'BadRequest');
    await directory.grantRole(admin, project.id, user.id, 'member');
    const member: TokenContext = (await auth.authenticatePassword({ name: 'member' }, pw('member-password'), { name: 'team' })).context;
    assert.equal(await identityErrorKind(directory.createProject(member, { name: 'mine' })), 'Forbidden');
    assert.equal(await identityErrorKind(directory.createUser(member, { name: 'friend' })), 'Forbidden');
    assert.equal(await identityErrorKind(directory.getUser(member, 'admin')), 'Forbidden');
    assert.deepEqual((await directory.listProjects(member, {})).map((p) => p.name), ['team']);
    assert.deepEqual((await directory.listUsers(member, {})).map((u) => u.name), ['member']);
  });

  it('bootstraps the admin once; a configured password replaces the stored one', async () => {
    const store = new SqliteIdentityStore(openDatabase(':memory:'));
    const first = await ensureAdmin(store, undefined);
    assert.ok(first.generatedPassword);
    assert.equal((await ensureAdmin(store, undefined)).generatedPassword, undefined);
    await ensureAdmin(store, pw('configured-password'));
    assert.equal(await verifyPassword(pw('configured-password'), (await store.getUser('admin'))?.passwordHash), true);
    assert.deepEqual(await store.rolesOn('admin', 'admin'), ['admin']);
  });
});

describe('identity routes', () => {
  it('match patterns, ignore trailing slashes and tell 404 from 405', () => {
    const found = matchRoute(routes, 'GET', '/v3/users/u1/credentials/OS-EC2/AK1/');
    assert.equal(found.kind, 'found');
    assert.deepEqual(found.kind === 'found' ? found.params : {}, { userId: 'u1', accessKey: 'AK1' });
    assert.equal(matchRoute(routes, 'POST', '/v3/auth/tokens').kind, 'found');
    assert.deepEqual(matchRoute(routes, 'DELETE', '/v3/projects'), { kind: 'method-not-allowed', allow: ['GET', 'POST'] });
    assert.equal(matchRoute(routes, 'GET', '/v3/nothing').kind, 'not-found');
    assert.equal(matchRoute(routes, 'GET', '/v3/users/%E0%A4%A').kind, 'not-found');
  });
});
