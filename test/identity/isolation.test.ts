// Two projects, two users: each sees only its own buckets, objects, secrets and credentials,
// through S3, the identity API, the key-manager API and the openstack CLI alike.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, ListBucketsCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { sdkClient, uniqueBucket } from '../helpers/clients.ts';
import { errorCode } from '../helpers/errors.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { call, login, openstackAs, provision, skipUnlessOpenstack, type Session } from './helpers.ts';

interface Tenant {
  user: Awaited<ReturnType<typeof provision>>;
  session: Session;
  accessKey: string;
  secretKey: string;
  bucket: string;
  secretRef: string;
}

describe('isolation between projects', () => {
  let server: TestServer;
  const tenants: Record<'alice' | 'bob', Tenant> = {} as Record<'alice' | 'bob', Tenant>;

  before(async () => {
    server = await startServer();
    for (const name of ['alice', 'bob'] as const) {
      const user = await provision(server, name);
      const session = await login(server, user.user, user.password, user.project);
      const auth = { 'x-auth-token': session.token };
      const ec2 = await call(server, `${server.identityEndpoint}/users/${session.userId}/credentials/OS-EC2`, { method: 'POST', headers: auth, body: { tenant_id: session.projectId } });
      assert.equal(ec2.status, 201);
      const { credential } = ec2.json<{ credential: { access: string; secret: string } }>();
      const bucket = uniqueBucket(name);
      await sdkClient(server, { accessKey: credential.access, secretKey: credential.secret }).send(new CreateBucketCommand({ Bucket: bucket }));
      const stored = await call(server, `${server.keyManagerEndpoint}/secrets`, {
        method: 'POST', headers: auth, body: { name: `${name}-key`, payload: `${name}-payload-0123456789`, payload_content_type: 'text/plain' },
      });
      assert.equal(stored.status, 201, stored.body.toString());
      tenants[name] = { user, session, accessKey: credential.access, secretKey: credential.secret, bucket, secretRef: stored.json<{ secret_ref: string }>().secret_ref };
    }
  });
  after(async () => {
    await server.stop();
  });

  const s3Of = (t: Tenant) => sdkClient(server, { accessKey: t.accessKey, secretKey: t.secretKey });

  it('S3: each user lists only its own project\'s buckets', async () => {
    const { alice, bob } = tenants;
    assert.deepEqual((await s3Of(alice).send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name), [alice.bucket]);
    assert.deepEqual((await s3Of(bob).send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name), [bob.bucket]);
  });

  it('S3: the other project\'s bucket and objects are AccessDenied', async () => {
    const { alice, bob } = tenants;
    await s3Of(alice).send(new PutObjectCommand({ Bucket: alice.bucket, Key: 'private.txt', Body: 'alice only' }));
    assert.equal(await errorCode(s3Of(bob).send(new GetObjectCommand({ Bucket: alice.bucket, Key: 'private.txt' }))), 'AccessDenied');
    assert.equal(await errorCode(s3Of(bob).send(new ListObjectsV2Command({ Bucket: alice.bucket }))), 'AccessDenied');
    assert.equal(await errorCode(s3Of(bob).send(new PutObjectCommand({ Bucket: alice.bucket, Key: 'x', Body: 'x' }))), 'AccessDenied');
    // The root credentials belong to the admin project: not alice's either.
    assert.equal(await errorCode(sdkClient(server).send(new GetObjectCommand({ Bucket: alice.bucket, Key: 'private.txt' }))), 'AccessDenied');
  });

  it('key manager: another project\'s secret is 404, and absent from the list', async () => {
    const { alice, bob } = tenants;
    const asBob = { 'x-auth-token': bob.session.token };
    for (const path of ['', '/payload']) {
      const reply = await call(server, `${alice.secretRef}${path}`, { headers: { ...asBob, accept: path ? 'text/plain' : 'application/json' } });
      assert.equal(reply.status, 404);
      assert.deepEqual(Object.keys(reply.json<object>()).sort(), ['code', 'description', 'title']);
    }
    const deleted = await call(server, alice.secretRef, { method: 'DELETE', headers: asBob });
    assert.equal(deleted.status, 404);
    const list = await call(server, `${server.keyManagerEndpoint}/secrets`, { headers: asBob });
    const refs = list.json<{ secrets: { secret_ref: string }[]; total: number }>();
    assert.deepEqual(refs.secrets.map((s) => s.secret_ref), [bob.secretRef]);
    assert.equal(refs.total, 1);
  });

  it('key manager through the openstack CLI: bob cannot read alice\'s secret', { skip: skipUnlessOpenstack() }, async () => {
    const { alice, bob } = tenants;
    const cli = openstackAs(server, { user: bob.user.user, password: bob.user.password, project: bob.user.project });
    try {
      const result = await cli.run(['secret', 'get', alice.secretRef, '-p', '-c', 'Payload', '-f', 'value']);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /Not Found/);
      assert.ok(!result.stdout.includes('alice-payload'));
      const mine = await cli.run(['secret', 'get', bob.secretRef, '-p', '-c', 'Payload', '-f', 'value']);
      assert.equal(mine.stdout.trim(), 'bob-payload-0123456789');
    } finally {
      cli.cleanup();
    }
  });

  it('identity: no token for, nor credentials in, a project without a role on it', async () => {
    const { alice, bob } = tenants;
    await assert.rejects(login(server, bob.user.user, bob.user.password, alice.user.project), /401/);
    const asBob = { 'x-auth-token': bob.session.token };
    const ec2 = await call(server, `${server.identityEndpoint}/users/${bob.session.userId}/credentials/OS-EC2`, { method: 'POST', headers: asBob, body: { tenant_id: alice.session.projectId } });
    assert.equal(ec2.status, 403);
    const others = await call(server, `${server.identityEndpoint}/users/${alice.session.userId}/credentials/OS-EC2`, { headers: asBob });
    assert.equal(others.status, 403);
    const theirs = await call(server, `${server.identityEndpoint}/users/${bob.session.userId}/credentials/OS-EC2/${alice.accessKey}`, { headers: asBob });
    assert.equal(theirs.status, 404);
  });

  it('identity: a member cannot create projects or users, nor see other projects', async () => {
    const asBob = { 'x-auth-token': tenants.bob.session.token };
    const project = await call(server, `${server.identityEndpoint}/projects`, { method: 'POST', headers: asBob, body: { project: { name: 'sneaky' } } });
    assert.equal(project.status, 403);
    assert.deepEqual(Object.keys(project.json<{ error: object }>().error).sort(), ['code', 'message', 'title']);
    const user = await call(server, `${server.identityEndpoint}/users`, { method: 'POST', headers: asBob, body: { user: { name: 'sneaky', password: 'whatever-123' } } });
    assert.equal(user.status, 403);
    const projects = await call(server, `${server.identityEndpoint}/projects`, { headers: asBob });
    assert.deepEqual(projects.json<{ projects: { name: string }[] }>().projects.map((p) => p.name), ['bob-project']);
    const alicesProject = await call(server, `${server.identityEndpoint}/projects/${tenants.alice.session.projectId}`, { headers: asBob });
    assert.equal(alicesProject.status, 403);
  });
});
