// The one client every server is measured with: the AWS SDK v3 over keep-alive HTTPS.
import { createHash, randomBytes } from 'node:crypto';
import { Agent } from 'node:https';
import { createSecureContext } from 'node:tls';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Target } from './servers.ts';

/**
 * A keep-alive agent that trusts the target's certificate. The CA goes in through a secure context
 * made once: given as `ca`, node's https.Agent makes the PEM part of its pool key, a ~1 KiB string
 * it rebuilds and looks up twice per request (a tenth of the lean client's CPU on 4 KiB GETs).
 */
export function trustingAgent(target: Target, sockets: number): Agent {
  return new Agent({ secureContext: createSecureContext({ ca: target.ca }), keepAlive: true, maxSockets: sockets });
}

/**
 * An SDK client for a target. Checksums are computed only when an operation requires them: the
 * SDK's default (CRC32 of every body, in JavaScript, sent as aws-chunked) would measure the client,
 * and s3rver cannot read aws-chunked bodies. The same setting is used for Coffer, s3rver and bare.
 */
export function sdk(target: Target, sockets: number): S3Client {
  return new S3Client({
    endpoint: target.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: target.accessKey, secretAccessKey: target.secretKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: new NodeHttpHandler({
      httpsAgent: trustingAgent(target, sockets),
      // No socket or request deadline: a 1 GiB transfer on a busy machine may take a while.
      requestTimeout: 0,
      connectionTimeout: 30_000,
    }),
    maxAttempts: 1,
  });
}

export interface SseKey {
  SSECustomerAlgorithm: 'AES256';
  SSECustomerKey: string;
  SSECustomerKeyMD5: string;
}

/** A fresh customer key, as SDK request fields (base64 key and its MD5, so the SDK hashes nothing). */
export function newSseKey(): SseKey {
  const key = randomBytes(32);
  return {
    SSECustomerAlgorithm: 'AES256',
    SSECustomerKey: key.toString('base64'),
    SSECustomerKeyMD5: createHash('md5').update(key).digest('base64'),
  };
}

/** The same key, as the copy-source fields of CopyObject. */
export function asCopySource(key: SseKey): {
  CopySourceSSECustomerAlgorithm: string; CopySourceSSECustomerKey: string; CopySourceSSECustomerKeyMD5: string;
} {
  return {
    CopySourceSSECustomerAlgorithm: key.SSECustomerAlgorithm,
    CopySourceSSECustomerKey: key.SSECustomerKey,
    CopySourceSSECustomerKeyMD5: key.SSECustomerKeyMD5,
  };
}

/** Runs `fn` on `items` with at most `limit` running at once (uploads, parts, setup keys). */
export async function inParallel<T>(items: T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await fn(items[index] as T, index);
    }
  }));
}
