// Overwriting or deleting an object frees the blob it no longer needs right after the answer (not
// only at the next start-up sweep): the data folder soon holds exactly the blobs still referenced.
// The answer does not wait for the unlink (ObjectService.freeSegments), hence the short wait.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AbortMultipartUploadCommand, CreateMultipartUploadCommand, DeleteObjectCommand, GetObjectCommand, PutObjectCommand, UploadPartCommand, type S3Client,
} from '@aws-sdk/client-s3';
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

/** The blob files once `expected` holds for them (within two seconds), else as they are then. */
async function blobFilesSettled(dataDir: string, expected: (files: string[]) => boolean): Promise<string[]> {
  const deadline = Date.now() + 2000;
  let files = blobFiles(dataDir);
  while (!expected(files) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    files = blobFiles(dataDir);
  }
  return files;
}

describe('overwrites and deletes', () => {
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
    const second = await blobFilesSettled(server.dataDir, (files) => files.length === 1);
    assert.equal(second.length, 1, 'one blob after a blob-backed overwrite');
    assert.notEqual(second[0], first[0]);

    const small = randomBytes(4096);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: small }));
    assert.deepEqual(await blobFilesSettled(server.dataDir, (files) => files.length === 0), [], 'no blob once the object is inline');
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' }));
    assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), small);
  });

  it('free the blob of a deleted object, and of an aborted multipart upload\'s parts', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'gone', Body: randomBytes(300_000) }));
    assert.equal(blobFiles(server.dataDir).length, 1);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'gone' }));
    assert.deepEqual(await blobFilesSettled(server.dataDir, (files) => files.length === 0), [], 'no blob after DeleteObject');

    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'parts' }));
    await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'parts', UploadId, PartNumber: 1, Body: randomBytes(300_000) }));
    assert.equal(blobFiles(server.dataDir).length, 1);
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'parts', UploadId }));
    assert.deepEqual(await blobFilesSettled(server.dataDir, (files) => files.length === 0), [], 'no blob after AbortMultipartUpload');
  });
});
