// The user guide, command by command, against a real Coffer process: the openstack CLI configured
// with OS_* variables, `ec2 credentials create`, the secret in the key store, then SSE-C over S3
// with that credential and that secret; finally no password, token or payload in logs or on disk.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { sdkClient, uniqueBucket } from '../helpers/clients.ts';
import { errorStatus } from '../helpers/errors.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { adminLogin, call, describeRun, openstackAs, openstackUnauthenticated, pwgen32, scanFolder, skipUnlessOpenstack } from './helpers.ts';

describe('user guide: SSE-C with the key in the key store', { skip: skipUnlessOpenstack() }, () => {
  let server: TestServer;
  let dataDir: string;
  const demo = { user: 'demo', password: `demo-${pwgen32()}`, project: 'demo' };
  const needles = new Map<string, string>();
  let admin: ReturnType<typeof openstackAs>;
  let user: ReturnType<typeof openstackAs>;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'coffer-guide-'));
    server = await startServer({ dataDir });
    admin = openstackAs(server, { user: 'admin', password: server.adminPassword, project: 'admin' });
    user = openstackAs(server, demo);
    needles.set('admin password', server.adminPassword);
    needles.set('demo password', demo.password);
  });
  after(async () => {
    admin.cleanup();
    user.cleanup();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  let accessKey = '';
  let secretKey = '';
  let raw = '';
  let href = '';
  let secret = '';

  it('an operator creates the project and user with the openstack CLI', async () => {
    for (const args of [
      ['project', 'create', 'demo'],
      ['user', 'create', '--project', 'demo', '--password', demo.password, 'demo'],
      ['role', 'add', '--project', 'demo', '--user', 'demo', 'member'],
    ]) {
      const result = await admin.run(args);
      assert.equal(result.code, 0, describeRun(result));
    }
  });

  it('obtains S3 credentials: openstack ec2 credentials create', async () => {
    const result = await user.run(['ec2', 'credentials', 'create', '-f', 'json']);
    assert.equal(result.code, 0, describeRun(result));
    const created = JSON.parse(result.stdout) as { access: string; secret: string; project_id: string; user_id: string };
    accessKey = created.access;
    secretKey = created.secret;
    needles.set('EC2 secret key', secretKey);
    assert.match(accessKey, /^[A-Z0-9]{16,}$/);
    const listed = await user.run(['ec2', 'credentials', 'list', '-f', 'json']);
    assert.equal(listed.code, 0, describeRun(listed));
    assert.ok((JSON.parse(listed.stdout) as { Access: string }[]).some((c) => c.Access === accessKey));
  });

  it('stores the secret: openstack secret store … -f value -c \'Secret href\'', async () => {
    raw = pwgen32();
    needles.set('payload', raw);
    needles.set('payload (base64)', Buffer.from(raw).toString('base64'));
    const result = await user.run(['secret', 'store', '--name', 'objectSecret', '--algorithm', 'aes', '--bit-length', '256', '--payload', raw, '-f', 'value', '-c', 'Secret href']);
    assert.equal(result.code, 0, describeRun(result));
    href = result.stdout.trim();
    assert.match(href, /^https:\/\/127\.0\.0\.1:\d+\/v1\/secrets\/[0-9a-f-]{36}$/);
  });

  it('retrieves it: openstack secret get $href -p -c Payload -f value', async () => {
    const result = await user.run(['secret', 'get', href, '-p', '-c', 'Payload', '-f', 'value']);
    assert.equal(result.code, 0, describeRun(result));
    secret = result.stdout.trim();
    assert.equal(secret, raw);
  });

  it('lists it and shows its metadata', async () => {
    const list = await user.run(['secret', 'list', '-f', 'json']);
    assert.equal(list.code, 0, describeRun(list));
    const rows = JSON.parse(list.stdout) as Record<string, unknown>[];
    assert.deepEqual(rows.map((r) => [r['Secret href'], r.Name, r.Algorithm, r['Bit length']]), [[href, 'objectSecret', 'aes', 256]]);
    const show = await user.run(['secret', 'get', href, '-f', 'json']);
    assert.equal(show.code, 0, describeRun(show));
    assert.equal((JSON.parse(show.stdout) as Record<string, unknown>).Name, 'objectSecret');
  });

  it('uses the EC2 credential and the fetched secret for SSE-C over S3', async () => {
    const s3 = sdkClient(server, { accessKey, secretKey });
    const bucket = uniqueBucket('guide');
    const sse = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: secret };
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'file.png', Body: 'not really a png', ...sse }));
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'file.png', ...sse }));
    assert.equal(await got.Body?.transformToString(), 'not really a png');
    // Without the key: HTTP 400, as the guide shows for `aws s3 cp`.
    assert.equal(await errorStatus(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'file.png' }))), 400);
  });

  it('deletes the secret: openstack secret delete', async () => {
    const result = await user.run(['secret', 'delete', href]);
    assert.equal(result.code, 0, describeRun(result));
    const list = await user.run(['secret', 'list', '-f', 'json']);
    assert.deepEqual(JSON.parse(list.stdout), []);
    const gone = await user.run(['secret', 'get', href, '-p', '-c', 'Payload', '-f', 'value']);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /Not Found/);
  });

  it('issues and revokes tokens: openstack token issue / token revoke', async () => {
    const issued = await user.run(['token', 'issue', '-f', 'value', '-c', 'id']);
    assert.equal(issued.code, 0, describeRun(issued));
    const token = issued.stdout.trim();
    needles.set('token', token);
    const check = async () => (await call(server, `${server.identityEndpoint}/auth/tokens`, { headers: { 'x-auth-token': (await adminLogin(server)).token, 'x-subject-token': token } })).status;
    assert.equal(await check(), 200);
    const revoked = await user.run(['token', 'revoke', token]);
    assert.equal(revoked.code, 0, describeRun(revoked));
    assert.equal(await check(), 404);
  });

  it('refuses the unauthenticated key manager (--os-auth-type none) by default', async () => {
    const result = await openstackUnauthenticated(server, ['secret', 'list']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /Unauthorized/);
  });

  it('left no password, token, secret key or payload in the server output or the data folder', async () => {
    const admins = await adminLogin(server);
    needles.set('admin token', admins.token);
    for (const [label, needle] of needles) assert.ok(!server.output().includes(needle), `${label} appears in the server output`);
    await server.kill('SIGTERM');
    assert.deepEqual(scanFolder(dataDir, needles), []);
  });
});
