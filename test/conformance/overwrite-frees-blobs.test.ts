// Overwriting an object frees the blob of the object it replaced at once (not only at the next
// start-up sweep): after each overwrite the data folder holds exactly the blobs still referenced.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { TestServer } from '../helpers/server.ts';
import { startServerWithBucket } from '../helpers/server-with-bucket.ts';

/** Blob files under the data folder (blobs/xx/yy/<id>). */
function blobFiles(dataDir: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else found.push(name);
    }
  };
  walk(join(dataDir, 'blobs'));
  return found;
}

describe('overwrites', () => {
  let server: TestServer;
  let s3: S3Client;
  let bucket: string;
  before(async () => {
    ({ server, s3, bucket } = await startServerWithBucket());
  });
  after(async () => {
    await server?.stop();
  });

  it('free the replaced blob, whether the new object is stored in a blob or inline', async () => {
    // 300,000 bytes are past the inline limit (a blob file); 4 KiB are kept in the metadata row.
    const large = [randomBytes(300_000), randomBytes(300_000)];
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: large[0] }));
    const first = blobFiles(server.dataDir);
    assert.equal(first.length, 1);

    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: large[1] }));
    const second = blobFiles(server.dataDir);
    assert.equal(second.length, 1, 'one blob after a blob-backed overwrite');
    assert.notEqual(second[0], first[0]);

    const small = randomBytes(4096);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: small }));
    assert.deepEqual(blobFiles(server.dataDir), [], 'no blob once the object is inline');
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' }));
    assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), small);
  });
});
