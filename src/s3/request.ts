// Turns an incoming HTTP request into the addressing S3 needs: bucket, key, query, raw forms for SigV4.
import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from '../domain/errors.ts';

export interface S3Address {
  method: string;
  rawPath: string;
  rawQuery: string;
  query: URLSearchParams;
  bucket: string | undefined;
  key: string | undefined;
}

function decodePathPart(raw: string): string {
  try {
    // In a path '+' is a literal plus; only %XX escapes are decoded.
    return decodeURIComponent(raw);
  } catch {
    throw new S3Error('InvalidURI');
  }
}

/**
 * Path-style (`/bucket/key`) and virtual-hosted-style (`bucket.domain/key`) addressing.
 * The key keeps every character, including `//`, `..` and a trailing `/`: keys are names, not paths.
 */
export function parseAddress(method: string, url: string, headers: IncomingHttpHeaders, domain: string): S3Address {
  const queryStart = url.indexOf('?');
  const rawPath = queryStart === -1 ? url : url.slice(0, queryStart);
  const rawQuery = queryStart === -1 ? '' : url.slice(queryStart + 1);
  if (!rawPath.startsWith('/')) throw new S3Error('InvalidURI');
  const query = new URLSearchParams(rawQuery);

  const host = (headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  const suffix = `.${domain.toLowerCase()}`;
  let bucket: string | undefined;
  let rawKey: string | undefined;
  if (domain !== '' && host.endsWith(suffix) && host.length > suffix.length) {
    bucket = host.slice(0, -suffix.length);
    rawKey = rawPath.length > 1 ? rawPath.slice(1) : undefined;
  } else {
    const slash = rawPath.indexOf('/', 1);
    const rawBucket = slash === -1 ? rawPath.slice(1) : rawPath.slice(1, slash);
    bucket = rawBucket === '' ? undefined : decodePathPart(rawBucket);
    rawKey = slash === -1 || slash === rawPath.length - 1 ? undefined : rawPath.slice(slash + 1);
  }
  const key = rawKey === undefined ? undefined : decodePathPart(rawKey);
  if (key !== undefined) validateObjectKey(key);
  return { method, rawPath, rawQuery, query, bucket, key };
}

/** Keys are up to 1024 bytes of valid UTF-8 (a lone surrogate means the escapes were not UTF-8). */
export function validateObjectKey(key: string): void {
  if (Buffer.byteLength(key, 'utf8') > 1024) throw new S3Error('KeyTooLongError');
  if (!key.isWellFormed()) throw new S3Error('InvalidURI');
}

/** Bucket naming rules of AWS for new buckets (3-63 chars, lower case, digits, dots, hyphens). */
export function validateBucketName(name: string): void {
  const valid =
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !name.startsWith('xn--') &&
    !name.startsWith('sthree-') &&
    !name.endsWith('-s3alias') &&
    !name.endsWith('--ol-s3');
  if (!valid) throw new S3Error('InvalidBucketName', undefined, { details: { BucketName: name } });
}
