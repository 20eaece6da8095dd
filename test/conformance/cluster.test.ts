// `--workers 2`: several server processes share the ports, serve the same data, and stop together.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { sdkClient, uniqueBucket } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const serverProcesses = (dataDir: string): number[] => {
  try {
    return execFileSync('pgrep', ['-f', `data-dir ${dataDir}`]).toString().trim().split('\n').map(Number);
  } catch {
    return [];
  }
};

describe('cluster of server processes', () => {
  let server: TestServer;
  let s3: S3Client;
  before(async () => {
    server = await startServer({ args: ['--workers', '2'] });
    s3 = sdkClient(server);
  });
  after(async () => {
    await server.stop();
  });

  it('runs a primary and two workers that serve the same store', async () => {
    assert.equal(serverProcesses(server.dataDir).length, 3);
    const Bucket = uniqueBucket('cluster');
    await s3.send(new CreateBucketCommand({ Bucket }));
    const key = randomBytes(32).toString('base64');
    const sse = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: key };
    const bodies = Array.from({ length: 20 }, () => randomBytes(70_000));
    await Promise.all(bodies.map((Body, i) => s3.send(new PutObjectCommand({ Bucket, Key: `k${i}`, Body, ...sse }))));
    const read = await Promise.all(bodies.map(async (_, i) => {
      const out = await s3.send(new GetObjectCommand({ Bucket, Key: `k${i}`, ...sse }));
      return Buffer.from(await out.Body!.transformToByteArray());
    }));
    read.forEach((body, i) => assert.ok(body.equals(bodies[i]!), `k${i}`));
  });

  it('stops every process on SIGTERM', async () => {
    await server.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(serverProcesses(server.dataDir), []);
  });
});
