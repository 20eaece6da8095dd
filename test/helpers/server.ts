// Starts a real Coffer server process on 127.0.0.1 with a fresh data folder, for black-box tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVER_NODE_FLAGS } from '../../src/runtime-flags.ts';

export interface TestServer {
  endpoint: string;
  dataDir: string;
  caFile: string | undefined;
  ca: Buffer | undefined;
  accessKey: string;
  secretKey: string;
  /** Keystone v3 auth URL (`https://127.0.0.1:PORT/v3`), as printed at start. */
  identityEndpoint: string;
  /** Barbican v1 endpoint (`https://127.0.0.1:PORT/v1`), as printed at start. */
  keyManagerEndpoint: string;
  /** Password of the identity user admin (project admin). */
  adminPassword: string;
  /** Everything the process printed (stdout and stderr), for log scans. */
  output(): string;
  stop(): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** The server process (node itself, also when launched through bin/coffer.js's first line). */
  pid: number;
}

export interface StartOptions {
  plainHttp?: boolean;
  dataDir?: string;
  env?: Record<string, string>;
  args?: string[];
  /** Options for node itself, before the script (e.g. --cpu-prof to profile a run). */
  nodeArgs?: string[];
  /**
   * How the server is launched: with node and the flags `npm start` gives it (the default), by
   * running bin/coffer.js itself (its first line picks node and the flags), or with bare node.
   */
  launch?: 'node' | 'executable' | 'node-without-flags';
}

const repoRoot = new URL('../../', import.meta.url).pathname;

export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'coffer-test-'));
  const accessKey = 'COFFERTESTROOT';
  const secretKey = 'coffer-test-root-secret-key-0123456789';
  const adminPassword = options.env?.COFFER_ADMIN_PASSWORD ?? 'coffer-test-admin-password-0123456789';
  const args = ['bin/coffer.js', 'serve', '--port', '0', '--data-dir', dataDir, '--identity-port', '0', '--key-manager-port', '0', ...(options.args ?? [])];
  if (options.plainHttp) args.push('--plain-http');
  // By default as `npm start` and the `coffer` command start it (src/runtime-flags.ts).
  const launch = options.launch ?? 'node';
  const flags = launch === 'node' ? SERVER_NODE_FLAGS : [];
  const [command, commandArgs] = launch === 'executable'
    ? [join(repoRoot, args[0] as string), args.slice(1)]
    : [process.execPath, [...flags, ...(options.nodeArgs ?? []), ...args]];
  const child = spawn(command, commandArgs, {
    cwd: repoRoot,
    env: {
      ...process.env,
      COFFER_ROOT_ACCESS_KEY: accessKey,
      COFFER_ROOT_SECRET_KEY: secretKey,
      COFFER_ADMIN_PASSWORD: adminPassword,
      COFFER_LOG_LEVEL: process.env.COFFER_LOG_LEVEL ?? 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A test runner that dies (timeout, crash) must not leave servers behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const check = () => {
      // The start-up banner ends with 'Coffer is ready.'; wait for all of it (it may arrive in pieces).
      const match = /Coffer S3 endpoint: (\S+)/.exec(output);
      if (match?.[1] && output.includes('Coffer is ready.')) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  const caMatch = /AWS_CA_BUNDLE=(\S+)/.exec(output);
  const caFile = caMatch?.[1];
  const identityEndpoint = /Coffer identity endpoint: (\S+)/.exec(output)?.[1] ?? '';
  const keyManagerEndpoint = /Coffer key-manager endpoint: (\S+)/.exec(output)?.[1] ?? '';
  const stopWith = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };
  return {
    endpoint, dataDir, caFile, ca: caFile ? readFileSync(caFile) : undefined, accessKey, secretKey,
    identityEndpoint, keyManagerEndpoint, adminPassword, pid: child.pid ?? 0,
    output: () => output,
    kill: stopWith,
    async stop() {
      await stopWith('SIGTERM');
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

