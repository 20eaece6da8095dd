// Real S3 clients configured for a test server: the AWS SDK v3 and MinIO's JavaScript client.
import { Agent } from 'node:https';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import * as Minio from 'minio';
import type { TestServer } from './server.ts';

export function sdkClient(server: TestServer, overrides: { secretKey?: string; accessKey?: string } = {}): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: {
      accessKeyId: overrides.accessKey ?? server.accessKey,
      secretAccessKey: overrides.secretKey ?? server.secretKey,
    },
    // An Agent of our own carries the test CA. (The SDK then sends large bodies without waiting
    // for 100-continue; the server lingers after a refusal so the error still arrives, see
    // test/conformance/refused-uploads.test.ts.)
    requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca: server.ca, keepAlive: true }) }),
    maxAttempts: 1,
  });
}

export function minioClient(server: TestServer): Minio.Client {
  const url = new URL(server.endpoint);
  return new Minio.Client({
    endPoint: url.hostname,
    port: Number(url.port),
    useSSL: url.protocol === 'https:',
    accessKey: server.accessKey,
    secretKey: server.secretKey,
    region: 'us-east-1',
    pathStyle: true,
    transportAgent: new Agent({ ca: server.ca, keepAlive: true }),
  });
}

let counter = 0;
/** A bucket name unique within the test run. */
export function uniqueBucket(label = 'b'): string {
  counter += 1;
  return `${label}-${process.pid}-${Date.now().toString(36)}-${counter}`.toLowerCase().slice(0, 63);
}
