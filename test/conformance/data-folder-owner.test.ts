// One server owns a data folder: a second one started on it refuses with a clear message, and the
// first keeps serving what it stored; once the first stops, the folder opens again.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { sdkClient, uniqueBucket } from '../helpers/clients.ts';
import { startServer } from '../helpers/server.ts';

describe('data folder ownership', () => {
  it('a second server on the same folder refuses to start and changes nothing', async () => {
    const first = await startServer();
    const Bucket = uniqueBucket('owner');
    const body = randomBytes(200_000);
    try {
      const s3 = sdkClient(first);
      await s3.send(new CreateBucketCommand({ Bucket }));
      await s3.send(new PutObjectCommand({ Bucket, Key: 'kept', Body: body }));

      await assert.rejects(startServer({ dataDir: first.dataDir }), (error: Error) => {
        assert.match(error.message, /server exited with [1-9]/);
        assert.match(error.message, /in use by another process: is another Coffer server running on this data folder\?/);
        return true;
      });

      // A new client: the refused start waits up to SQLite's 5 s lock timeout, as long as the
      // server's keep-alive timeout, so a pooled connection could close just as it is reused.
      const got = await sdkClient(first).send(new GetObjectCommand({ Bucket, Key: 'kept' }));
      assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), body);
    } finally {
      await first.kill('SIGTERM'); // stop() would also remove the folder
    }

    const second = await startServer({ dataDir: first.dataDir });
    try {
      const got = await sdkClient(second).send(new GetObjectCommand({ Bucket, Key: 'kept' }));
      assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), body);
    } finally {
      await second.stop();
      rmSync(first.dataDir, { recursive: true, force: true });
    }
  });
});
