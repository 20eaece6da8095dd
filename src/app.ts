// Composition root: reads the configuration, builds the adapters and services, starts the listener.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ensureRootCredentials, loadMasterKey } from './app-secrets.ts';
import type { Config } from './config/config.ts';
import { BucketService } from './domain/buckets.ts';
import { listObjects } from './domain/listing.ts';
import { MultipartService } from './domain/multipart.ts';
import { ObjectService } from './domain/objects.ts';
import { listen, type RunningServer } from './http/server.ts';
import { loadOrCreateCertificate } from './http/tls-certificate.ts';
import { createS3Api } from './s3/s3-api.ts';
import { FsBlobStore } from './storage/blob/fs/fs-blob-store.ts';
import { openDatabase } from './storage/metadata/sqlite/open-database.ts';
import { SqliteCredentialStore } from './storage/metadata/sqlite/sqlite-credential-store.ts';
import { SqliteMetadataStore } from './storage/metadata/sqlite/sqlite-metadata-store.ts';
import { createLogger } from './util/logger.ts';

export interface RunningApp {
  s3: RunningServer;
  stop(): Promise<void>;
}

export async function startApp(config: Config, print: (line: string) => void = console.log): Promise<RunningApp> {
  const log = createLogger(config.logLevel);
  const dataDir = resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });

  const masterKey = await loadMasterKey(config);
  const db = openDatabase(join(dataDir, 'metadata.sqlite'));
  const metadata = new SqliteMetadataStore(db);
  const credentials = new SqliteCredentialStore(db, masterKey);
  const blobs = new FsBlobStore(dataDir);
  await blobs.init();
  const swept = await blobs.sweep(await metadata.allBlobIds());
  if (swept.files > 0) log.info(swept, 'removed leftovers of interrupted writes');

  const objects = new ObjectService(metadata, blobs, log);
  const services = {
    buckets: new BucketService(metadata),
    objects,
    multipart: new MultipartService(metadata, objects, masterKey),
    list: (bucket: string, request: Parameters<typeof listObjects>[2]) => listObjects(metadata, bucket, request),
    log,
    region: config.region,
  };
  const root = await ensureRootCredentials(config, credentials);
  if (config.insecureSseC) log.warn('insecure-sse-c is on: customer keys are accepted over plain HTTP; they travel unprotected');

  const tls = config.plainHttp
    ? undefined
    : await loadOrCreateCertificate(dataDir, { certFile: config.tlsCert, keyFile: config.tlsKey }, [config.domain, config.host]);
  const handler = createS3Api(services, credentials, {
    domain: config.domain,
    region: config.region,
    trustedProxies: new Set(config.trustedProxies.split(',').map((ip) => ip.trim()).filter(Boolean)),
    insecureSseC: config.insecureSseC,
  });
  const s3 = await listen(handler, { host: config.host, port: config.port, tls });

  print(`Coffer S3 endpoint: ${s3.url}`);
  print(`data folder: ${dataDir}`);
  if (tls?.caFile) print(`TLS: self-signed certificate; trust it with: export AWS_CA_BUNDLE=${tls.caFile}`);
  print(`root access key: ${root.accessKey}`);
  if (root.generatedSecret) {
    print(`root secret key: ${root.generatedSecret.reveal().toString('utf8')}   (shown once; keep it safe)`);
  }
  print(`aws cli: aws configure set aws_access_key_id ${root.accessKey}; aws --endpoint-url ${s3.url} s3 ls`);

  return {
    s3,
    async stop() {
      await s3.close();
      await metadata.close();
    },
  };
}
