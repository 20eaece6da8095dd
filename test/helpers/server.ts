// Starts a real Coffer server process on 127.0.0.1 with a fresh data folder, for black-box tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestServer {
  endpoint: string;
  dataDir: string;
  caFile: string | undefined;
  ca: Buffer | undefined;
  accessKey: string;
  secretKey: string;
  /** Everything the process printed (stdout and stderr), for log scans. */
  output(): string;
  stop(): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  plainHttp?: boolean;
  dataDir?: string;
  env?: Record<string, string>;
  args?: string[];
}

const repoRoot = new URL('../../', import.meta.url).pathname;

export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'coffer-test-'));
  const accessKey = 'COFFERTESTROOT';
  const secretKey = 'coffer-test-root-secret-key-0123456789';
  const args = ['bin/coffer.js', 'serve', '--port', '0', '--data-dir', dataDir, ...(options.args ?? [])];
  if (options.plainHttp) args.push('--plain-http');
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: {
      ...process.env,
      COFFER_ROOT_ACCESS_KEY: accessKey,
      COFFER_ROOT_SECRET_KEY: secretKey,
      COFFER_LOG_LEVEL: process.env.COFFER_LOG_LEVEL ?? 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const check = () => {
      const match = /Coffer S3 endpoint: (\S+)/.exec(output);
      if (match?.[1]) {
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
  const stopWith = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };
  return {
    endpoint, dataDir, caFile, ca: caFile ? readFileSync(caFile) : undefined, accessKey, secretKey,
    output: () => output,
    kill: stopWith,
    async stop() {
      await stopWith('SIGTERM');
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

