// Where most conformance suites start: a fresh server, an AWS SDK client for it, and an empty bucket.
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { sdkClient, uniqueBucket } from './clients.ts';
import { startServer, type TestServer } from './server.ts';

export interface ServerWithBucket {
  server: TestServer;
  s3: S3Client;
  bucket: string;
}

/** When the bucket cannot be made the server is stopped here, so a failed `before` leaves no process behind. */
export async function startServerWithBucket(label?: string): Promise<ServerWithBucket> {
  const server = await startServer();
  try {
    const s3 = sdkClient(server);
    const bucket = uniqueBucket(label);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    return { server, s3, bucket };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
