// Runs the real S3 command-line clients (aws, rclone, s3cmd, python3 + boto3) against a test server, each in an isolated home.
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type StartOptions, type TestServer } from '../helpers/server.ts';

/** Debian's binaries, never whatever comes first on PATH (`aws` there may be a pyenv shim for aws-cli v1). */
export const binaries = {
  aws: '/usr/bin/aws',
  rclone: '/usr/bin/rclone',
  s3cmd: '/usr/bin/s3cmd',
  python: '/usr/bin/python3',
} as const;

/** A node:test `skip` value: false when the binary is there, else the reason the test is skipped. */
export function skipUnless(binary: string): string | false {
  try {
    accessSync(binary, constants.X_OK);
    return false;
  } catch {
    return `${binary} is not installed`;
  }
}

/**
 * startServer, but with the CA always known. test/helpers/server.ts reads the `AWS_CA_BUNDLE=` line as
 * soon as the endpoint line arrives; when the two lines come in separate chunks, caFile and ca are
 * undefined. Wait for the line instead.
 */
export async function startHttpsServer(options: StartOptions = {}): Promise<TestServer> {
  const server = await startServer(options);
  if (server.caFile) return server;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const caFile = /AWS_CA_BUNDLE=(\S+)/.exec(server.output())?.[1];
    if (caFile) return { ...server, caFile, ca: readFileSync(caFile) };
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`the server printed no AWS_CA_BUNDLE line:\n${server.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion; never throws on a non-zero exit, so tests can assert the code. */
export function run(file: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, cwd, maxBuffer: 64 * 1024 * 1024, timeout: 180_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(new Error(`${file} ${args.join(' ')} did not run: ${error.message}\n${stderr}`));
        return;
      }
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

/** A readable summary of a run for assertion messages. */
export function describeRun(result: RunResult): string {
  return `exit ${result.code}\n--- stdout\n${result.stdout.slice(-4000)}\n--- stderr\n${result.stderr.slice(-4000)}`;
}

export interface Sandbox {
  home: string;
  /** A fresh folder inside the sandbox. */
  folder(name: string): string;
  aws(args: string[]): Promise<RunResult>;
  rclone(args: string[]): Promise<RunResult>;
  s3cmd(args: string[]): Promise<RunResult>;
  /** python3 with boto3, the AWS variables, COFFER_ENDPOINT and the CA bundle, plus `env`. */
  python(script: string, args: string[], env?: Record<string, string>): Promise<RunResult>;
  cleanup(): void;
}

export interface SandboxOptions {
  /** Extra lines for the rclone remote `coffer` (e.g. `sse_customer_algorithm = AES256`). */
  rcloneExtra?: string[];
}

/**
 * A temporary HOME holding generated configuration for every client. Nothing is inherited from
 * the caller's environment except PATH, so a developer's own ~/.aws or AWS_* variables cannot leak in.
 */
export function createSandbox(server: TestServer, options: SandboxOptions = {}): Sandbox {
  if (!server.caFile) throw new Error('interop tests need the HTTPS server with its generated CA file');
  const caFile = server.caFile;
  const url = new URL(server.endpoint);
  const home = mkdtempSync(join(tmpdir(), 'coffer-interop-'));
  const tmp = join(home, 'tmp');
  mkdirSync(tmp);
  mkdirSync(join(home, '.aws'));

  writeFileSync(join(home, '.aws', 'config'), [
    '[default]', 'region = us-east-1', 'output = json',
    // 5 MiB parts, so the 20 MiB file goes in exactly four parts (the default threshold is 8 MiB).
    's3 =', '  addressing_style = path', '  multipart_threshold = 5MB', '  multipart_chunksize = 5MB', '',
  ].join('\n'));
  writeFileSync(join(home, '.aws', 'credentials'), [
    '[default]', `aws_access_key_id = ${server.accessKey}`, `aws_secret_access_key = ${server.secretKey}`, '',
  ].join('\n'));
  const rcloneConfig = join(home, 'rclone.conf');
  writeFileSync(rcloneConfig, [
    '[coffer]', 'type = s3', 'provider = Other', 'env_auth = false',
    `access_key_id = ${server.accessKey}`, `secret_access_key = ${server.secretKey}`,
    `endpoint = ${server.endpoint}`, 'region = us-east-1', 'force_path_style = true',
    ...(options.rcloneExtra ?? []), '',
  ].join('\n'));
  const s3cfg = join(home, '.s3cfg');
  writeFileSync(s3cfg, [
    '[default]', `access_key = ${server.accessKey}`, `secret_key = ${server.secretKey}`,
    `host_base = ${url.host}`, `host_bucket = ${url.host}`, 'bucket_location = us-east-1',
    'use_https = True', `ca_certs_file = ${caFile}`, 'check_ssl_certificate = True', 'check_ssl_hostname = True',
    'signature_v2 = False', 'progress_meter = False', '',
  ].join('\n'));

  const base: NodeJS.ProcessEnv = {
    PATH: '/usr/bin:/bin', HOME: home, TMPDIR: tmp, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', PYTHONIOENCODING: 'utf-8',
  };
  const awsEnv: NodeJS.ProcessEnv = {
    ...base,
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    AWS_ACCESS_KEY_ID: server.accessKey,
    AWS_SECRET_ACCESS_KEY: server.secretKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CA_BUNDLE: caFile,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    COFFER_ENDPOINT: server.endpoint,
  };
  let folders = 0;
  return {
    home,
    folder(name) {
      folders += 1;
      const dir = join(home, `${folders}-${name}`);
      mkdirSync(dir);
      return dir;
    },
    aws: (args) => run(binaries.aws, ['--endpoint-url', server.endpoint, ...args], awsEnv, home),
    // No AWS_CA_BUNDLE here: an inherited one makes rclone fail before it sends anything.
    rclone: (args) => run(binaries.rclone, ['--config', rcloneConfig, '--ca-cert', caFile, ...args], base, home),
    s3cmd: (args) => run(binaries.s3cmd, ['-c', s3cfg, ...args], base, home),
    // No bytecode cache: the fixtures import boto3_common.py, which would leave __pycache__ in the source tree.
    python: (script, args, env = {}) => run(binaries.python, [script, ...args], { ...awsEnv, PYTHONDONTWRITEBYTECODE: '1', ...env }, home),
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
}
