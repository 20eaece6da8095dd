// SigV4 primitives: canonical headers and request, string to sign, signing key, signature, constant-time compare.
//
// Follows "Create a signed AWS API request" (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html)
// and the S3 specifics in "Signature Calculations for the Authorization Header"
// (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html).
import * as crypto from 'node:crypto';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Secret } from '../../util/secret.ts';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

// Node 20.12+ hashes a buffer in one call, without a Hash object per request (not in @types/node 20).
const oneShotHash = (crypto as unknown as { hash?: (algorithm: string, data: string | Uint8Array, encoding: 'hex') => string }).hash;

export function sha256Hex(data: string | Uint8Array): string {
  return oneShotHash ? oneShotHash('sha256', data, 'hex') : createHash('sha256').update(data).digest('hex');
}

export function hmacSha256(key: Uint8Array, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/**
 * kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
 * The intermediate key holding the secret is wiped after use.
 */
export function deriveSigningKey(secret: Secret, shortDate: string, region: string, service = 's3'): Buffer {
  const memo = signingKeys.get(secret);
  if (memo && memo.scope === `${shortDate}/${region}/${service}`) return memo.key;
  const key = computeSigningKey(secret, shortDate, region, service);
  signingKeys.set(secret, { scope: `${shortDate}/${region}/${service}`, key });
  return key;
}

// The signing key changes once a day: derived once per credential and day, not per request. Held
// weakly by the Secret it comes from, so it lives no longer than the credential cache keeps that.
const signingKeys = new WeakMap<Secret, { scope: string; key: Buffer }>();

function computeSigningKey(secret: Secret, shortDate: string, region: string, service: string): Buffer {
  const seed = Buffer.concat([Buffer.from('AWS4', 'utf8'), secret.reveal()]);
  try {
    const kDate = hmacSha256(seed, shortDate);
    const kRegion = hmacSha256(kDate, region);
    const kService = hmacSha256(kRegion, service);
    return hmacSha256(kService, 'aws4_request');
  } finally {
    seed.fill(0);
  }
}

/**
 * Canonical header value: repeated values joined by `,`, runs of spaces/tabs collapsed, ends trimmed
 * ("Trimall" in the SigV4 spec). Node already joins most repeated headers with `, ` — those cannot be told
 * apart from one value containing `, `, so a client that signs a repeated header will not verify.
 */
export function canonicalHeaderValue(value: string | readonly string[] | undefined): string {
  const joined = value === undefined ? '' : typeof value === 'string' ? value : value.join(',');
  if (!NEEDS_TRIMMING.test(joined)) return joined;
  return joined.replace(/[ \t]+/g, ' ').replace(/^ | $/g, '');
}

/** A value that Trimall would change: a tab, two spaces in a row, or a space at either end. */
const NEEDS_TRIMMING = /\t| {2}|^ | $/;

export interface CanonicalRequestInput {
  method: string;
  /** Already canonical (see canonicalUri). */
  canonicalUri: string;
  /** Already canonical (see canonicalQuery). */
  canonicalQuery: string;
  /** Header values as node gives them: latin1 strings, one char per byte received. */
  headers: IncomingHttpHeaders;
  /** Lower-case names, in the order the client listed them. */
  signedHeaders: readonly string[];
  payloadHash: string;
}

/**
 * The canonical request, as a "binary" string (one char per byte): the ASCII parts are unchanged and header
 * values keep the exact bytes the client sent, which is what the client hashed.
 */
export function buildCanonicalRequest(input: CanonicalRequestInput): string {
  const headerLines = input.signedHeaders
    .map((name) => `${name}:${canonicalHeaderValue(input.headers[name])}\n`)
    .join('');
  return [
    input.method,
    input.canonicalUri,
    input.canonicalQuery,
    headerLines,
    input.signedHeaders.join(';'),
    input.payloadHash,
  ].join('\n');
}

export function buildStringToSign(amzDate: string, scope: string, canonicalRequest: string): string {
  const hashed = sha256Hex(Buffer.from(canonicalRequest, 'latin1'));
  return `${SIGV4_ALGORITHM}\n${amzDate}\n${scope}\n${hashed}`;
}

export function computeSignature(signingKey: Uint8Array, stringToSign: string): string {
  return createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
}

/** Compares a computed signature with the one provided, without leaking where they differ. */
export function signaturesEqual(computed: string, provided: string): boolean {
  const a = Buffer.from(computed, 'utf8');
  const b = Buffer.from(provided, 'utf8');
  // The expected length is public (always 64 hex chars), so an early length check leaks nothing.
  return a.length === b.length && timingSafeEqual(a, b);
}

/** x-amz-date format: ISO 8601 basic, e.g. 20130524T000000Z. Returns epoch ms, or undefined if invalid. */
export function parseAmzDate(value: string): number | undefined {
  // Requests signed in the same second carry the same value.
  if (value === lastAmzDate.value) return lastAmzDate.time;
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (m === null) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(ms);
  // Date.UTC silently rolls 20130231 over into March; reject dates that do not exist.
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  lastAmzDate = { value, time: ms };
  return ms;
}

let lastAmzDate: { value: string; time: number } = { value: '19700101T000000Z', time: 0 };

export function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
