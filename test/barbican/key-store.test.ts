// Key-store rules and the Barbican payload codec without a server: project ownership, expiry,
// set-once payloads, roles; payloads sealed at rest and bound to their row; content negotiation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodePayload, negotiatePayloadType, parseExpiration, payloadContentType, wantsLegacyPayload } from '../../src/barbican/payload.ts';
import { matchRoute, routes } from '../../src/barbican/router.ts';
import { KeyStoreService, type KeyStoreActor } from '../../src/domain/identity/key-store.ts';
import { IdentityError } from '../../src/domain/identity/model.ts';
import { openDatabase } from '../../src/storage/metadata/sqlite/open-database.ts';
import { SqliteSecretStore } from '../../src/storage/metadata/sqlite/sqlite-secret-store.ts';
import { Secret } from '../../src/util/secret.ts';
import { identityErrorKind } from '../helpers/errors.ts';

const alice: KeyStoreActor = { projectId: 'p-alice', userId: 'alice', roles: ['member'] };
const bob: KeyStoreActor = { projectId: 'p-bob', userId: 'bob', roles: ['member'] };
const reader: KeyStoreActor = { projectId: 'p-alice', userId: 'rita', roles: ['reader'] };

function setup() {
  const db = openDatabase(':memory:');
  return { db, keyStore: new KeyStoreService(new SqliteSecretStore(db, new Secret(Buffer.alloc(32, 7)))) };
}

describe('key store', () => {
  it('keeps payloads sealed at rest, bound to their secret', async () => {
    const { db, keyStore } = setup();
    const one = await keyStore.create(alice, { name: 'one', payload: { bytes: Secret.fromString('plain-payload-one'), contentType: 'text/plain' } });
    const two = await keyStore.create(alice, { name: 'two', payload: { bytes: Secret.fromString('plain-payload-two'), contentType: 'text/plain' } });
    const rows = db.prepare('SELECT id, sealed_payload FROM key_store_secrets').all() as { id: string; sealed_payload: string }[];
    for (const row of rows) assert.ok(!Buffer.from(row.sealed_payload, 'base64').includes(Buffer.from('plain-payload')));
    assert.equal((await keyStore.payload(alice, one.id)).payload.reveal().toString(), 'plain-payload-one');
    // A sealed payload copied onto another row does not open there.
    db.prepare('UPDATE key_store_secrets SET sealed_payload = (SELECT sealed_payload FROM key_store_secrets WHERE id = ?) WHERE id = ?').run(one.id, two.id);
    await assert.rejects(keyStore.payload(alice, two.id));
  });

  it('hides other projects\' secrets and expired ones', async () => {
    const { keyStore } = setup();
    const secret = await keyStore.create(alice, { name: 'mine', expiration: new Date(Date.now() + 200) });
    assert.equal(await identityErrorKind(keyStore.get(bob, secret.id)), 'NotFound');
    assert.equal(await identityErrorKind(keyStore.delete(bob, secret.id)), 'NotFound');
    assert.equal((await keyStore.list(bob, {}, { offset: 0, limit: 10 })).total, 0);
    assert.equal((await keyStore.get(alice, secret.id)).name, 'mine');
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.equal(await identityErrorKind(keyStore.get(alice, secret.id)), 'NotFound');
    assert.equal((await keyStore.list(alice, {}, { offset: 0, limit: 10 })).total, 0);
    assert.equal(await identityErrorKind(keyStore.create(alice, { expiration: new Date(Date.now() - 1000) })), 'BadRequest');
  });

  it('sets a payload once, and lets readers read only', async () => {
    const { keyStore } = setup();
    const secret = await keyStore.create(alice, { name: 'later' });
    assert.equal(await identityErrorKind(keyStore.payload(alice, secret.id)), 'NotFound');
    await keyStore.putPayload(alice, secret.id, Secret.fromString('now'), 'application/octet-stream');
    assert.equal(await identityErrorKind(keyStore.putPayload(alice, secret.id, Secret.fromString('again'), 'text/plain')), 'Conflict');
    assert.equal((await keyStore.payload(reader, secret.id)).payload.reveal().toString(), 'now');
    assert.equal(await identityErrorKind(keyStore.create(reader, { name: 'no' })), 'Forbidden');
    assert.equal(await identityErrorKind(keyStore.delete(reader, secret.id)), 'Forbidden');
    assert.equal(await identityErrorKind(keyStore.create(alice, { payload: { bytes: Secret.fromString(''), contentType: 'text/plain' } })), 'BadRequest');
  });
});

describe('Barbican payload codec and routes', () => {
  it('decodes payloads by content type and encoding', () => {
    assert.equal(decodePayload('aGk=', 'application/octet-stream', 'base64').reveal().toString(), 'hi');
    assert.equal(decodePayload('hi', 'text/plain', undefined).reveal().toString(), 'hi');
    assert.throws(() => decodePayload('hi', 'application/octet-stream', undefined), IdentityError);
    assert.throws(() => decodePayload('a*b=', 'application/octet-stream', 'base64'), IdentityError);
    assert.throws(() => decodePayload('hi', 'text/plain', 'gzip'), IdentityError);
    assert.equal(payloadContentType('text/plain; charset=utf-8'), 'text/plain');
    assert.throws(() => payloadContentType('application/json'), IdentityError);
  });

  it('negotiates the served type like Barbican', () => {
    assert.equal(negotiatePayloadType('text/plain', 'application/octet-stream'), 'text/plain');
    assert.equal(negotiatePayloadType(undefined, 'text/plain'), 'text/plain');
    assert.equal(negotiatePayloadType('*/*', 'application/octet-stream'), 'application/octet-stream');
    assert.equal(negotiatePayloadType('application/json', 'text/plain'), undefined);
    assert.equal(wantsLegacyPayload('application/octet-stream'), true);
    assert.equal(wantsLegacyPayload('application/json'), false);
    assert.equal(wantsLegacyPayload(undefined), false);
  });

  it('reads expirations without a zone as UTC', () => {
    assert.equal(parseExpiration('2030-01-02T03:04:05').toISOString(), '2030-01-02T03:04:05.000Z');
    assert.equal(parseExpiration('2030-01-02T03:04:05+02:00').toISOString(), '2030-01-02T01:04:05.000Z');
    assert.throws(() => parseExpiration('next week'), IdentityError);
  });

  it('routes the secrets API, trailing slash included', () => {
    assert.equal(matchRoute(routes, 'POST', '/v1/secrets/').kind, 'found');
    const payload = matchRoute(routes, 'GET', '/v1/secrets/abc/payload');
    assert.deepEqual(payload.kind === 'found' ? payload.params : {}, { secretId: 'abc' });
    assert.equal(matchRoute(routes, 'PATCH', '/v1/secrets').kind, 'method-not-allowed');
    assert.equal(matchRoute(routes, 'GET', '/v1/orders').kind, 'not-found');
  });
});
