// A large upload refused before its body is read still gets its error, even when the client sends
// the body at once instead of waiting for 100 Continue (as the SDK does with an Agent of its own).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect } from 'node:tls';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { sdkClient } from '../helpers/clients.ts';
import { errorCode } from '../helpers/errors.ts';
import { startServerWithBucket, type ServerWithBucket } from '../helpers/server-with-bucket.ts';

const BODY = Buffer.alloc(600_000, 0x61);

/** Status line of the answer to a PUT with a wrong signature whose body follows its headers at once. */
function refusedPut(setup: ServerWithBucket): Promise<string> {
  const url = new URL(setup.server.endpoint);
  const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const head = [
    `PUT /${setup.bucket}/refused HTTP/1.1`, `Host: ${url.host}`, 'Expect: 100-continue', `Content-Length: ${BODY.length}`,
    `Authorization: AWS4-HMAC-SHA256 Credential=${setup.server.accessKey}/${date.slice(0, 8)}/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
    `x-amz-date: ${date}`, 'x-amz-content-sha256: UNSIGNED-PAYLOAD', '', '',
  ].join('\r\n');
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port), ca: setup.server.ca, servername: 'localhost' });
    let answer = '';
    socket.on('secureConnect', () => {
      socket.write(head);
      socket.write(BODY);
    });
    setTimeout(() => socket.destroy(), 10_000).unref();
    socket.on('data', (data: Buffer) => (answer += data.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(/^HTTP\/1\.1 \d+/.exec(answer)?.[0] ?? 'no answer'));
  });
}

describe('refused uploads', () => {
  let setup: ServerWithBucket;
  before(async () => {
    setup = await startServerWithBucket('refused');
  });
  after(async () => {
    await setup.server.stop();
  });

  it('answers every refused upload whose body is already on its way (8 connections × 10)', async () => {
    const answers: Record<string, number> = {};
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let i = 0; i < 10; i++) {
        const status = await refusedPut(setup);
        answers[status] = (answers[status] ?? 0) + 1;
      }
    }));
    assert.deepEqual(answers, { 'HTTP/1.1 403': 80 });
  });

  it('gives the SDK the error of a refused 8 MiB upload, not a broken pipe', async () => {
    const wrong = sdkClient(setup.server, { secretKey: 'not-the-secret-key-0123456789' });
    for (let i = 0; i < 3; i++) {
      const code = await errorCode(wrong.send(new PutObjectCommand({ Bucket: setup.bucket, Key: 'big', Body: Buffer.alloc(8 * 1024 * 1024) })))
        .catch((error: NodeJS.ErrnoException) => error.code ?? error.message);
      assert.equal(code, 'SignatureDoesNotMatch');
    }
  });
});
