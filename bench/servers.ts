// Starts the servers under test as child processes: Coffer (as a user would), the s3rver peer, the bare HTTPS server.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { startServer } from '../test/helpers/server.ts';
import { findChild } from './procfs.ts';

export interface Target {
  name: 'coffer' | 'peer' | 'bare';
  endpoint: string;
  ca: Buffer;
  accessKey: string;
  secretKey: string;
  pid: number;
  dataDir: string;
  stop(): Promise<void>;
}

const repoRoot = new URL('../', import.meta.url).pathname;

export interface CertFiles {
  cert: string;
  key: string;
}

/** A certificate like the one Coffer generates for itself (RSA 2048, SHA-256, loopback names). */
export async function makeCertificate(dir: string): Promise<CertFiles> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', keyCertSign: true, digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  mkdirSync(dir, { recursive: true });
  const files = { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
  writeFileSync(files.cert, pems.cert);
  writeFileSync(files.key, pems.private, { mode: 0o600 });
  return files;
}

export async function startCoffer(workDir: string): Promise<Target> {
  const dataDir = mkdtempSync(join(workDir, 'coffer-'));
  // Warn level: at info, one log line per request would be measured along with the server.
  const server = await startServer({ dataDir, env: { COFFER_LOG_LEVEL: 'warn' } });
  const caFile = server.caFile ?? /AWS_CA_BUNDLE=(\S+)/.exec(server.output())?.[1];
  const pid = findChild(dataDir);
  if (!caFile || pid === undefined) {
    await server.stop();
    throw new Error(`could not find Coffer's CA file or pid:\n${server.output()}`);
  }
  return {
    name: 'coffer', endpoint: server.endpoint, ca: readFileSync(caFile), accessKey: server.accessKey,
    secretKey: server.secretKey, pid, dataDir,
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Spawns a server and waits for the line that carries its port. */
async function spawnListening(args: string[], ready: RegExp, what: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${output}`)), 30_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      const match = ready.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}:\n${output}`));
    });
  });
  return { child, port };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** s3rver through its own command line, over HTTPS with a certificate of the same kind as Coffer's. */
export async function startPeer(workDir: string, cert: CertFiles): Promise<Target> {
  const dataDir = mkdtempSync(join(workDir, 's3rver-'));
  const { child, port } = await spawnListening(
    // s3rver seals ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only offers from its
    // legacy provider: without the flag every listing that returns keys is a 500.
    ['--openssl-legacy-provider', join(repoRoot, 'node_modules/s3rver/bin/s3rver.js'), '--directory', dataDir, '--address', '127.0.0.1', '--port', '0',
      '--silent', '--no-vhost-buckets', '--key', cert.key, '--cert', cert.cert],
    /listening on \S+:(\d+)/, 's3rver',
  );
  return {
    // S3RVER/S3RVER are the only credentials s3rver accepts.
    name: 'peer', endpoint: `https://127.0.0.1:${port}`, ca: readFileSync(cert.cert), accessKey: 'S3RVER', secretKey: 'S3RVER',
    pid: child.pid as number, dataDir,
    async stop() {
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The bare node:https server (bench/bare-server.ts) in its own process, like the servers it bounds;
 * its storing PUTs write into `storeDir` (in the work folder, on the data folder's disk).
 */
export async function startBare(cert: CertFiles, storeDir: string): Promise<Target> {
  mkdirSync(storeDir, { recursive: true });
  const { child, port } = await spawnListening(
    ['--import', 'tsx', join(repoRoot, 'bench/bare-server.ts'), cert.cert, cert.key, storeDir],
    /bare https listening on (\d+)/, 'bare https server',
  );
  return {
    name: 'bare', endpoint: `https://127.0.0.1:${port}`, ca: readFileSync(cert.cert), accessKey: 'BARE', secretKey: 'BARE',
    pid: child.pid as number, dataDir: '',
    stop: () => stopChild(child),
  };
}
