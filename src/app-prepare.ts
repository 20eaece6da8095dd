// First half of the composition root: everything done once per start, before any listener:
// data folder, master key, migrations, leftovers of crashes, root and admin bootstrap, certificate.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ensureRootCredentials, loadMasterKey } from './app-secrets.ts';
import type { Config } from './config/config.ts';
import { ensureAdmin, type AdminBootstrap } from './domain/identity/bootstrap.ts';
import { loadOrCreateCertificate, type TlsFiles } from './http/tls-certificate.ts';
import { FsBlobStore } from './storage/blob/fs/fs-blob-store.ts';
import { openDatabase } from './storage/metadata/sqlite/open-database.ts';
import { SqliteCredentialStore } from './storage/metadata/sqlite/sqlite-credential-store.ts';
import { SqliteIdentityStore } from './storage/metadata/sqlite/sqlite-identity-store.ts';
import { SqliteMetadataStore } from './storage/metadata/sqlite/sqlite-metadata-store.ts';
import type { Logger } from './util/logger.ts';
import { Secret } from './util/secret.ts';

export interface Prepared {
  dataDir: string;
  masterKey: Secret;
  tls: TlsFiles | undefined;
  /** Present in the process that bootstrapped (single process, or the cluster primary). */
  root?: { accessKey: string; generatedSecret: Secret | undefined } | undefined;
  admin?: AdminBootstrap | undefined;
}

export const databasePath = (dataDir: string): string => join(dataDir, 'metadata.sqlite');

/**
 * `bootstrap` is true for the one process that may change the folder before serving (sweep
 * leftovers, create root and admin); cluster workers pass false and only open what exists.
 */
export async function prepareDataFolder(config: Config, log: Logger, bootstrap: boolean): Promise<Prepared> {
  const dataDir = resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const masterKey = await loadMasterKey(config);
  const prepared: Prepared = { dataDir, masterKey, tls: undefined };
  if (bootstrap) {
    const db = openDatabase(databasePath(dataDir));
    const metadata = new SqliteMetadataStore(db);
    const blobs = new FsBlobStore(dataDir);
    await blobs.init();
    const referenced = await metadata.allBlobIds().catch((error: unknown) => {
      log.error({ err: error instanceof Error ? error.message : String(error) },
        'metadata holds a row that does not parse: orphan blobs are kept until it is repaired');
      return undefined;
    });
    const swept = await blobs.sweep(referenced);
    if (swept.files > 0) log.info(swept, 'removed leftovers of interrupted writes');
    prepared.root = await ensureRootCredentials(config, new SqliteCredentialStore(db, masterKey));
    prepared.admin = await ensureAdmin(new SqliteIdentityStore(db), config.adminPassword ? Secret.fromString(config.adminPassword) : undefined);
    await metadata.close();
  }
  prepared.tls = config.plainHttp
    ? undefined
    : await loadOrCreateCertificate(dataDir, { certFile: config.tlsCert, keyFile: config.tlsKey }, [config.domain, config.host]);
  return prepared;
}

export interface ListenerUrls {
  s3: string;
  identity: string;
  keyManager: string;
}

/** The start-up banner; its last line, 'Coffer is ready.', is what scripts and tests wait for. */
export function bannerLines(prepared: Prepared, urls: ListenerUrls): string[] {
  const { root, admin, tls } = prepared;
  const lines = [`Coffer S3 endpoint: ${urls.s3}`, `data folder: ${prepared.dataDir}`];
  if (tls?.caFile) lines.push(`TLS: self-signed certificate; trust it with: export AWS_CA_BUNDLE=${tls.caFile}`);
  if (root) {
    lines.push(`root access key: ${root.accessKey}`);
    if (root.generatedSecret) lines.push(`root secret key: ${root.generatedSecret.reveal().toString('utf8')}   (shown once; keep it safe)`);
    lines.push(`aws cli: aws configure set aws_access_key_id ${root.accessKey}; aws --endpoint-url ${urls.s3} s3 ls`);
  }
  lines.push(`Coffer identity endpoint: ${urls.identity}/v3`, `Coffer key-manager endpoint: ${urls.keyManager}/v1`);
  if (admin?.generatedPassword) {
    lines.push(`admin password: ${admin.generatedPassword.reveal().toString('utf8')}   (identity user admin, project admin; shown once; keep it safe)`);
  }
  lines.push(`openstack cli: export OS_AUTH_URL=${urls.identity}/v3 OS_USERNAME=admin OS_PROJECT_NAME=admin OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default${tls?.caFile ? ` OS_CACERT=${tls.caFile}` : ''}`);
  lines.push('Coffer is ready.');
  return lines;
}
