// Parses and validates the SSE-C header trio (and the copy-source trio) with AWS's error codes.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from '../domain/errors.ts';
import type { CustomerKey } from '../domain/sse-c.ts';
import { Secret } from '../util/secret.ts';

const TARGET_PREFIX = 'x-amz-server-side-encryption-customer-';
const SOURCE_PREFIX = 'x-amz-copy-source-server-side-encryption-customer-';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const SSE_C_MESSAGE = 'Requests specifying Server Side Encryption with Customer provided keys must';

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** True when a request carries any SSE-C header, for the HTTPS rule checked before the body is read. */
export function carriesCustomerKey(headers: IncomingHttpHeaders, query: URLSearchParams): boolean {
  const anyQuery = [...query.keys()].some((name) => name.toLowerCase().startsWith(TARGET_PREFIX));
  return anyQuery || Object.keys(headers).some((name) => name.startsWith(TARGET_PREFIX) || name.startsWith(SOURCE_PREFIX));
}

function decodeKey(encoded: string): Buffer | undefined {
  const trimmed = encoded.trim();
  if (!BASE64.test(trimmed)) return undefined;
  const bytes = Buffer.from(trimmed, 'base64');
  return bytes.length === 32 ? bytes : undefined;
}

/** The three header names of a trio, made once: names built per request are looked up slower. */
interface TrioNames { prefix: string; algorithm: string; key: string; keyMd5: string }
const trioNames = (prefix: string): TrioNames => ({ prefix, algorithm: `${prefix}algorithm`, key: `${prefix}key`, keyMd5: `${prefix}key-md5` });
const TARGET = trioNames(TARGET_PREFIX);
const SOURCE = trioNames(SOURCE_PREFIX);

function parseTrio(
  headers: IncomingHttpHeaders, names: TrioNames, query: URLSearchParams | undefined,
): CustomerKey | undefined {
  const { prefix } = names;
  // Presigned URLs may carry the algorithm in the query; the key and its MD5 must come as headers.
  const fromQuery = (suffix: string): string | undefined => {
    if (!query) return undefined;
    for (const [name, value] of query) if (name.toLowerCase() === prefix + suffix) return value;
    return undefined;
  };
  if (fromQuery('key') !== undefined || fromQuery('key-md5') !== undefined) {
    throw new S3Error('InvalidArgument', 'The customer-provided encryption key must be sent as a header, never in the URL.');
  }
  const algorithm = header(headers, names.algorithm) ?? fromQuery('algorithm');
  const encodedKey = header(headers, names.key);
  const keyMd5 = header(headers, names.keyMd5);
  if (algorithm === undefined && encodedKey === undefined && keyMd5 === undefined) return undefined;
  if (algorithm === undefined) {
    throw new S3Error('InvalidArgument', `${SSE_C_MESSAGE} provide a valid encryption algorithm.`);
  }
  if (algorithm !== 'AES256') throw new S3Error('InvalidEncryptionAlgorithmError');
  if (encodedKey === undefined) throw new S3Error('InvalidArgument', `${SSE_C_MESSAGE} provide an appropriate secret key.`);
  const key = decodeKey(encodedKey);
  if (!key) throw new S3Error('InvalidArgument', 'The secret key was invalid for the specified algorithm.');
  if (keyMd5 === undefined) {
    key.fill(0);
    throw new S3Error('InvalidArgument', `${SSE_C_MESSAGE} provide the client calculated MD5 of the secret key.`);
  }
  const expected = createHash('md5').update(key).digest();
  const given = Buffer.from(keyMd5.trim(), 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    key.fill(0);
    throw new S3Error('InvalidArgument', 'The calculated MD5 hash of the key did not match the hash that was provided.');
  }
  const secret = new Secret(key);
  key.fill(0);
  return { key: secret, keyMd5: expected.toString('base64') };
}

export interface SseRequest {
  target: CustomerKey | undefined;
  source: CustomerKey | undefined;
}

/**
 * The customer keys a request carries. SSE-C over plain HTTP is refused before anything else
 * (AWS advises treating such a key as compromised), and SSE-C cannot be combined with SSE-S3/KMS.
 */
export function parseSseRequest(headers: IncomingHttpHeaders, query: URLSearchParams, secure: boolean): SseRequest {
  if (!secure && carriesCustomerKey(headers, query)) {
    throw new S3Error('InvalidRequest', `${SSE_C_MESSAGE} be made over a secure connection.`);
  }
  const target = parseTrio(headers, TARGET, query);
  const source = parseTrio(headers, SOURCE, undefined);
  if (target && headers['x-amz-server-side-encryption'] !== undefined) {
    throw new S3Error('InvalidArgument',
      'Server Side Encryption with Customer provided key is incompatible with the encryption method specified');
  }
  return { target, source };
}

/** Response headers that echo the algorithm and key MD5 (never the key). */
export function sseResponseHeaders(key: CustomerKey | undefined, encrypted: boolean): Record<string, string> {
  if (!encrypted || !key) return {};
  return {
    'x-amz-server-side-encryption-customer-algorithm': 'AES256',
    'x-amz-server-side-encryption-customer-key-md5': key.keyMd5,
  };
}
