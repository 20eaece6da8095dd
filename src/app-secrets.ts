// Start-up secrets of the composition root: the master key file and the root S3 credentials.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from './config/config.ts';
import type { Principal } from './domain/access.ts';
import type { SqliteCredentialStore } from './storage/metadata/sqlite/sqlite-credential-store.ts';
import { Secret } from './util/secret.ts';

export const rootPrincipal: Principal = { userId: 'admin', projectId: 'admin', displayName: 'admin' };

/** The master key: 32 random bytes in a file only the owner can read, created on first start. */
export async function loadMasterKey(config: Config): Promise<Secret> {
  const path = config.masterKeyFile ?? join(config.dataDir, 'master.key');
  if (!existsSync(path)) {
    if (config.masterKeyFile) throw new Error(`master key file ${path} does not exist`);
    await writeFile(path, randomBytes(32), { mode: 0o600, flag: 'wx' });
  }
  await chmod(path, 0o600).catch(() => undefined);
  const bytes = await readFile(path);
  if (bytes.length !== 32) throw new Error(`master key file ${path} must hold exactly 32 bytes`);
  return new Secret(bytes);
}

/**
 * The root credentials: from the configuration when given, else the stored ones, else generated.
 * Returns the secret only when it was generated now, so it can be printed once.
 */
export async function ensureRootCredentials(
  config: Config, store: SqliteCredentialStore,
): Promise<{ accessKey: string; generatedSecret: Secret | undefined }> {
  if (config.rootAccessKey || config.rootSecretKey) {
    if (!config.rootAccessKey || !config.rootSecretKey) throw new Error('COFFER_ROOT_ACCESS_KEY and COFFER_ROOT_SECRET_KEY go together');
    await store.save(config.rootAccessKey, Secret.fromString(config.rootSecretKey), rootPrincipal);
    return { accessKey: config.rootAccessKey, generatedSecret: undefined };
  }
  const existing = await store.listForUser(rootPrincipal.userId);
  if (existing[0] !== undefined) return { accessKey: existing[0], generatedSecret: undefined };
  const accessKey = `CF${randomBytes(9).toString('hex').toUpperCase()}`;
  const secret = Secret.fromString(randomBytes(30).toString('base64url'));
  await store.save(accessKey, secret, rootPrincipal);
  return { accessKey, generatedSecret: secret };
}
