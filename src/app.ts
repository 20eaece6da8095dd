// Composition root: reads the configuration, builds the adapters and services, starts the listener.
import type { Config } from './config/config.ts';
import { configureOffload, stopOffload } from './crypto/index.ts';
import { BucketService } from './domain/buckets.ts';
import { listObjects } from './domain/listing.ts';
import { MultipartService } from './domain/multipart.ts';
import { ObjectService } from './domain/objects.ts';
import { listen, type RunningServer } from './http/server.ts';
import { createS3Api } from './s3/s3-api.ts';
import { createBarbicanApi } from './barbican/barbican-api.ts';
import { AuthService } from './domain/identity/auth-service.ts';
import { DirectoryService } from './domain/identity/directory-service.ts';
import { Ec2CredentialService } from './domain/identity/ec2-credentials.ts';
import { KeyStoreService, type KeyStoreActor } from './domain/identity/key-store.ts';
import type { IdentityStore } from './domain/identity/ports.ts';
import { createIdentityApi } from './identity/identity-api.ts';
import { SqliteEc2CredentialStore } from './storage/metadata/sqlite/sqlite-ec2-credential-store.ts';
import { SqliteIdentityStore } from './storage/metadata/sqlite/sqlite-identity-store.ts';
import { SqliteSecretStore } from './storage/metadata/sqlite/sqlite-secret-store.ts';
import { FsBlobStore } from './storage/blob/fs/fs-blob-store.ts';
import { openDatabase } from './storage/metadata/sqlite/open-database.ts';
import { SqliteCredentialStore } from './storage/metadata/sqlite/sqlite-credential-store.ts';
import { SqliteMetadataStore } from './storage/metadata/sqlite/sqlite-metadata-store.ts';
import { createLogger, type Logger } from './util/logger.ts';
import { bannerLines, databasePath, prepareDataFolder, type Prepared } from './app-prepare.ts';

export interface RunningApp {
  s3: RunningServer;
  identity: RunningServer;
  keyManager: RunningServer;
  stop(): Promise<void>;
}

/** One process serving everything: prepare the folder, start the listeners, print the banner. */
export async function startApp(config: Config, print: (line: string) => void = console.log): Promise<RunningApp> {
  const log = createLogger(config.logLevel);
  const prepared = await prepareDataFolder(config, log, true);
  const app = await startServices(config, prepared, log);
  for (const line of bannerLines(prepared, { s3: app.s3.url, identity: app.identity.url, keyManager: app.keyManager.url })) print(line);
  return app;
}

/** Second half of the composition root: adapters, services and the three listeners. */
export async function startServices(config: Config, prepared: Prepared, log: Logger): Promise<RunningApp> {
  const { masterKey, tls } = prepared;
  configureOffload({ threads: config.cryptoThreads, aes: config.cryptoOffloadAes });
  // One process alone keeps the database to itself; cluster workers share it (open-database.ts).
  const soleWriter = config.workers <= 1;
  const db = openDatabase(databasePath(prepared.dataDir), { exclusive: soleWriter });
  const metadata = new SqliteMetadataStore(db, { soleWriter });
  const credentials = new SqliteCredentialStore(db, masterKey, { soleWriter });
  const blobs = new FsBlobStore(prepared.dataDir);
  await blobs.init();

  const objects = new ObjectService(metadata, blobs, log);
  const services = {
    buckets: new BucketService(metadata),
    objects,
    multipart: new MultipartService(metadata, objects, masterKey),
    list: (bucket: string, request: Parameters<typeof listObjects>[2]) => listObjects(metadata, bucket, request),
    log,
    region: config.region,
  };
  const identityStore = new SqliteIdentityStore(db);
  const auth = new AuthService(identityStore, { tokenLifetimeSeconds: config.tokenLifetime });
  const keyStore = new KeyStoreService(new SqliteSecretStore(db, masterKey));
  const unauthenticated = await unauthenticatedActor(identityStore, config.keyManagerAllowUnauthenticated);
  if (unauthenticated) log.warn({ project: unauthenticated.projectId }, 'key-manager-allow-unauthenticated is on: requests without a valid token act as this project');
  if (config.insecureSseC) log.warn('insecure-sse-c is on: customer keys are accepted over plain HTTP; they travel unprotected');

  const handler = createS3Api(services, credentials, {
    domain: config.domain,
    region: config.region,
    trustedProxies: new Set(config.trustedProxies.split(',').map((ip) => ip.trim()).filter(Boolean)),
    insecureSseC: config.insecureSseC,
  });
  const s3 = await listen(handler, { host: config.host, port: config.port, tls });
  const ports = { identity: 0, keyManager: 0 };
  const identityApi = createIdentityApi({
    auth, directory: new DirectoryService(identityStore), ec2: new Ec2CredentialService(new SqliteEc2CredentialStore(credentials), identityStore), log,
    endpoints: () => ({ scheme: tls ? 'https' : 'http', region: config.region, identityPort: ports.identity, keyManagerPort: ports.keyManager, s3Port: s3.port }),
  }, { url: () => identity.url });
  const identity = await listen(identityApi, { host: config.host, port: config.identityPort, tls });
  ports.identity = identity.port;
  const keyManagerApi = createBarbicanApi({ keyStore, validateToken: (token) => auth.validate(token), log, unauthenticated }, { url: () => keyManager.url });
  const keyManager = await listen(keyManagerApi, { host: config.host, port: config.keyManagerPort, tls });
  ports.keyManager = keyManager.port;

  return {
    s3,
    identity,
    keyManager,
    async stop() {
      await Promise.all([s3.close(), identity.close(), keyManager.close()]);
      await Promise.all([metadata.close(), stopOffload(), objects.settled()]);
    },
  };
}

/** Who key-manager requests without a valid token act as, when the operator named a project. */
async function unauthenticatedActor(store: IdentityStore, project: string | undefined): Promise<KeyStoreActor | undefined> {
  if (!project) return undefined;
  const found = (await store.getProject(project)) ?? (await store.listProjects({ name: project }))[0];
  if (!found) throw new Error(`key-manager-allow-unauthenticated: no project named ${project}`);
  return { projectId: found.id, userId: 'unauthenticated', roles: ['member'] };
}
