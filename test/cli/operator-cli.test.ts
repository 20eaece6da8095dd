// The operator CLI (`node bin/coffer.js …`) through the real binary against a real server:
// projects, users, S3 credentials and secrets, human and --json output, and every --help.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { sdkClient } from '../helpers/clients.ts';
import { errorCode } from '../helpers/errors.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { describeRun, login, pwgen32, runProgram, type CliResult } from '../identity/helpers.ts';

const repoRoot = new URL('../../', import.meta.url).pathname;

describe('operator CLI', () => {
  let server: TestServer;
  let baseEnv: NodeJS.ProcessEnv;

  before(async () => {
    server = await startServer();
    baseEnv = {
      PATH: process.env.PATH, HOME: process.env.HOME,
      COFFER_IDENTITY_URL: server.identityEndpoint, COFFER_CA_FILE: server.caFile, COFFER_ADMIN_PASSWORD: server.adminPassword,
    };
  });
  after(async () => {
    await server.stop();
  });

  const coffer = (args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<CliResult> =>
    runProgram(process.execPath, [`${repoRoot}bin/coffer.js`, ...args], { ...baseEnv, ...env }, input);

  async function json<T>(args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<T> {
    const result = await coffer([...args, '--json'], env, input);
    assert.equal(result.code, 0, describeRun(result));
    return JSON.parse(result.stdout) as T;
  }

  it('documents every command with --help, each offering --json', async () => {
    const commands = [
      ['project', 'create'], ['project', 'list'], ['user', 'create'], ['user', 'list'], ['user', 'set-password'],
      ['credential', 'create'], ['credential', 'list'], ['credential', 'delete'],
      ['secret', 'store'], ['secret', 'get'], ['secret', 'list'], ['secret', 'delete'],
    ];
    await Promise.all(commands.map(async (command) => {
      const result = await coffer([...command, '--help']);
      assert.equal(result.code, 0, describeRun(result));
      assert.match(result.stdout, /--json/, command.join(' '));
      assert.match(result.stdout, /--identity-url/, command.join(' '));
    }));
  });

  let userPassword = '';

  it('creates and lists projects and users, and sets a password', async () => {
    const project = await json<{ id: string; name: string }>(['project', 'create', 'cli-project', '--description', 'made by the CLI']);
    assert.equal(project.name, 'cli-project');
    const projects = await json<{ name: string }[]>(['project', 'list']);
    assert.deepEqual(projects.map((p) => p.name).sort(), ['admin', 'cli-project']);
    const human = await coffer(['project', 'list']);
    assert.match(human.stdout, /cli-project\s+made by the CLI/);

    userPassword = `pw-${pwgen32()}`;
    const user = await json<{ id: string; name: string; password?: string }>(['user', 'create', 'carol', '--project', 'cli-project', '--password-file', '-'], {}, `${userPassword}\n`);
    assert.equal(user.name, 'carol');
    assert.equal(user.password, undefined);
    await login(server, 'carol', userPassword, 'cli-project');
    const users = await json<{ name: string }[]>(['user', 'list']);
    assert.deepEqual(users.map((u) => u.name).sort(), ['admin', 'carol']);

    const reset = await json<{ password: string }>(['user', 'set-password', 'carol']);
    assert.ok(reset.password.length >= 16);
    await assert.rejects(login(server, 'carol', userPassword, 'cli-project'), /401/);
    userPassword = reset.password;
    await login(server, 'carol', userPassword, 'cli-project');
  });

  it('creates, lists and deletes S3 credentials that work against S3', async () => {
    const created = await json<{ access: string; secret: string; tenant_id: string }>(['credential', 'create', '--user', 'carol', '--project', 'cli-project']);
    const s3 = sdkClient(server, { accessKey: created.access, secretKey: created.secret });
    await s3.send(new ListBucketsCommand({}));
    const listed = await json<{ access: string }[]>(['credential', 'list', '--user', 'carol']);
    assert.deepEqual(listed.map((c) => c.access), [created.access]);
    const human = await coffer(['credential', 'list', '--user', 'carol']);
    assert.ok(human.stdout.includes(created.access));
    assert.ok(!human.stdout.includes(created.secret), 'the table shows no secret keys');
    await json(['credential', 'delete', created.access, '--user', 'carol']);
    assert.equal(await errorCode(s3.send(new ListBucketsCommand({}))), 'InvalidAccessKeyId');
  });

  it('stores, gets, lists and deletes secrets of the logged-in project', async () => {
    const asCarol = { COFFER_AUTH_USER: 'carol', COFFER_AUTH_PROJECT: 'cli-project', COFFER_AUTH_PASSWORD: userPassword };
    const raw = pwgen32();
    const { secret_ref: href } = await json<{ secret_ref: string }>(['secret', 'store', '--name', 'cli-key', '--payload-file', '-'], asCarol, raw);
    const meta = await json<{ name: string; algorithm: string; bit_length: number }>(['secret', 'get', href], asCarol);
    assert.deepEqual([meta.name, meta.algorithm, meta.bit_length], ['cli-key', 'aes', 256]);
    const payload = await coffer(['secret', 'get', href, '--payload'], asCarol);
    assert.equal(payload.stdout, raw);
    const payloadJson = await json<{ payload: string }>(['secret', 'get', href, '--payload'], asCarol);
    assert.equal(Buffer.from(payloadJson.payload, 'base64').toString(), raw);
    const list = await json<{ secrets: { secret_ref: string }[]; total: number }>(['secret', 'list'], asCarol);
    assert.deepEqual(list.secrets.map((s) => s.secret_ref), [href]);
    const asAdmin = await coffer(['secret', 'get', href, '--payload']);
    assert.notEqual(asAdmin.code, 0, 'the admin project does not see carol\'s secrets');
    assert.match(asAdmin.stderr, /Not Found/);
    const deleted = await coffer(['secret', 'delete', href.split('/').pop() ?? ''], asCarol);
    assert.equal(deleted.code, 0, describeRun(deleted));
    const gone = await coffer(['secret', 'get', href], asCarol);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /Not Found/);
  });

  it('fails clearly on a wrong password, a missing password, or a bad href', async () => {
    const wrong = await coffer(['project', 'list'], { COFFER_ADMIN_PASSWORD: 'not-the-password' });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /login as admin failed/);
    const missing = await coffer(['project', 'list'], { COFFER_ADMIN_PASSWORD: '' });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no password/);
    const bad = await coffer(['secret', 'get', 'https://example/v1/secrets/nope']);
    assert.match(bad.stderr, /not a secret href/);
    assert.ok(!server.output().includes('not-the-password'));
  });
});
