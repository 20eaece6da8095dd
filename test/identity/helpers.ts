// Helpers for identity / key-manager tests: raw HTTPS JSON calls, provisioning users through the
// identity API, the real `openstack` CLI in an isolated HOME, and the leak scan of a data folder.
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { accessSync, constants, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestServer } from '../helpers/server.ts';

export const OPENSTACK = '/usr/bin/openstack';

/** A node:test `skip` value: false when the openstack CLI is installed. */
export function skipUnlessOpenstack(): string | false {
  try {
    accessSync(OPENSTACK, constants.X_OK);
    return false;
  } catch {
    return `${OPENSTACK} is not installed (apt-get install python3-openstackclient python3-barbicanclient)`;
  }
}

/** Like `pwgen 32 1`: 32 random letters and digits (no dependency on pwgen itself). */
export function pwgen32(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < 32; i += 1) out += alphabet[randomInt(alphabet.length)];
  return out;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json<T = unknown>(): T;
}

export function call(server: TestServer, url: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<Reply> {
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
  let body: Buffer | undefined;
  if (Buffer.isBuffer(init.body)) body = init.body;
  else if (typeof init.body === 'string') body = Buffer.from(init.body);
  else if (init.body !== undefined) {
    body = Buffer.from(JSON.stringify(init.body));
    headers['content-type'] ??= 'application/json';
  }
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers, ca: server.ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const buffer = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: buffer, json: <T,>() => JSON.parse(buffer.toString('utf8')) as T });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

export interface Session {
  token: string;
  userId: string;
  projectId: string;
}

export async function login(server: TestServer, user: string, password: string, project: string): Promise<Session> {
  const reply = await call(server, `${server.identityEndpoint}/auth/tokens`, {
    method: 'POST',
    body: { auth: { identity: { methods: ['password'], password: { user: { name: user, domain: { name: 'Default' }, password } } }, scope: { project: { name: project, domain: { name: 'Default' } } } } },
  });
  if (reply.status !== 201) throw new Error(`login ${user} failed: ${reply.status} ${reply.body.toString()}`);
  const { token } = reply.json<{ token: { user: { id: string }; project: { id: string } } }>();
  return { token: String(reply.headers['x-subject-token']), userId: token.user.id, projectId: token.project.id };
}

export const adminLogin = (server: TestServer) => login(server, 'admin', server.adminPassword, 'admin');

/** Creates a project and a user with a role on it, through the identity API as admin. */
export async function provision(server: TestServer, name: string, role = 'member'): Promise<{ project: string; projectId: string; user: string; userId: string; password: string }> {
  const admin = await adminLogin(server);
  const auth = { 'x-auth-token': admin.token };
  const project = await call(server, `${server.identityEndpoint}/projects`, { method: 'POST', headers: auth, body: { project: { name: `${name}-project` } } });
  if (project.status !== 201) throw new Error(`project: ${project.status} ${project.body.toString()}`);
  const projectId = project.json<{ project: { id: string } }>().project.id;
  const password = `pw-${pwgen32()}`;
  const user = await call(server, `${server.identityEndpoint}/users`, { method: 'POST', headers: auth, body: { user: { name, password, default_project_id: projectId } } });
  if (user.status !== 201) throw new Error(`user: ${user.status} ${user.body.toString()}`);
  const userId = user.json<{ user: { id: string } }>().user.id;
  const grant = await call(server, `${server.identityEndpoint}/projects/${projectId}/users/${userId}/roles/${role}`, { method: 'PUT', headers: auth });
  if (grant.status !== 204) throw new Error(`grant: ${grant.status}`);
  return { project: `${name}-project`, projectId, user: name, userId, password };
}

export interface CliResult { code: number; stdout: string; stderr: string }

export function runProgram(file: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(new Error(`${file} did not run: ${error.message}\n${stderr}`));
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

/**
 * The openstack CLI as the user guide configures it: only OS_* variables, a fresh HOME, and the
 * server's CA through OS_CACERT (REQUESTS_CA_BUNDLE from the machine would override it, so it is not passed).
 */
export function openstackAs(server: TestServer, user: { user: string; password: string; project: string }) {
  const home = mkdtempSync(join(tmpdir(), 'coffer-openstack-'));
  const env: NodeJS.ProcessEnv = {
    PATH: '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', PYTHONIOENCODING: 'utf-8',
    OS_AUTH_URL: server.identityEndpoint, OS_USERNAME: user.user, OS_PASSWORD: user.password, OS_PROJECT_NAME: user.project,
    OS_USER_DOMAIN_NAME: 'Default', OS_PROJECT_DOMAIN_NAME: 'Default', OS_CACERT: server.caFile ?? '',
  };
  return {
    env,
    run: (args: string[]) => runProgram(OPENSTACK, args, env),
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
}

/** The openstack CLI with no identity at all: `--os-auth-type none --os-endpoint <key-manager>`, only the CA set. */
export function openstackUnauthenticated(server: TestServer, args: string[]): Promise<CliResult> {
  const home = mkdtempSync(join(tmpdir(), 'coffer-openstack-'));
  const env: NodeJS.ProcessEnv = { PATH: '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', OS_CACERT: server.caFile ?? '' };
  return runProgram(OPENSTACK, ['--os-auth-type', 'none', '--os-endpoint', server.keyManagerEndpoint, ...args], env)
    .finally(() => rmSync(home, { recursive: true, force: true }));
}

export function describeRun(result: CliResult): string {
  return `exit ${result.code}\n--- stdout\n${result.stdout.slice(-3000)}\n--- stderr\n${result.stderr.slice(-3000)}`;
}

/** Files of a folder (recursively) whose bytes contain any of the needles: [file, needle label]. */
export function scanFolder(dir: string, needles: Map<string, string>): string[] {
  const hits: string[] = [];
  const walk = (path: string) => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const bytes = readFileSync(full);
        for (const [label, needle] of needles) if (bytes.includes(Buffer.from(needle, 'utf8'))) hits.push(`${full}: ${label}`);
      }
    }
  };
  walk(dir);
  return hits;
}
