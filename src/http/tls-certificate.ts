// The HTTPS certificate: the operator's files, or a self-signed one generated once into the data folder.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
  /** The certificate clients should trust (CA bundle), when generated. */
  caFile: string | undefined;
  generated: boolean;
}

export async function loadOrCreateCertificate(
  dataDir: string, configured: { certFile?: string | undefined; keyFile?: string | undefined }, names: string[],
): Promise<TlsFiles> {
  if (configured.certFile || configured.keyFile) {
    if (!configured.certFile || !configured.keyFile) throw new Error('--tls-cert and --tls-key go together');
    return { cert: await readFile(configured.certFile), key: await readFile(configured.keyFile), caFile: undefined, generated: false };
  }
  const dir = join(dataDir, 'tls');
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  if (existsSync(certFile) && existsSync(keyFile)) {
    return { cert: await readFile(certFile), key: await readFile(keyFile), caFile: certFile, generated: false };
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // The wildcard covers virtual-hosted-style bucket names (bucket.domain).
  const wildcards = names.filter((n) => !/^[\d.]+$/.test(n) && !n.includes(':')).map((n) => `*.${n}`);
  const altNames = [...new Set(['localhost', '127.0.0.1', '::1', ...names, ...wildcards])].map((name) =>
    /^[\d.]+$/.test(name) || name.includes(':') ? { type: 7 as const, ip: name } : { type: 2 as const, value: name },
  );
  // Loaded only when a certificate must be made: the X.509 toolkit is large and needed once.
  const { generate } = await import('selfsigned');
  const pems = await generate([{ name: 'commonName', value: names[0] ?? 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 5 * 365 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', keyCertSign: true, digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  await writeFile(keyFile, pems.private, { mode: 0o600 });
  await writeFile(certFile, pems.cert, { mode: 0o644 });
  return { cert: Buffer.from(pems.cert), key: Buffer.from(pems.private), caFile: certFile, generated: true };
}
