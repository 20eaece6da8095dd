// Request-body verification chosen by x-amz-content-sha256: hash check, pass-through, or aws-chunked decoding.
//
// The values are listed in https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
// ("x-amz-content-sha256"). Header-level problems throw synchronously, so the server can answer before it
// reads the body (and before it sends 100 Continue); body-level problems are stream errors raised before
// the stream ends, so nothing downstream commits.
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { S3Error } from '../../domain/errors.ts';
import { AwsChunkedDecoder } from './aws-chunked.ts';
import type { AuthContext } from './sigv4.ts';

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const STREAMING_SIGNED = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
export const STREAMING_SIGNED_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
export const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
const SIGV4A_STREAMING = ['STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD', 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER'];
const KNOWN = [UNSIGNED_PAYLOAD, STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER];
const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/** Rejects an x-amz-content-sha256 value that is neither a SHA-256 nor a mode we implement. */
export function checkPayloadHashValue(value: string): void {
  if (HEX_SHA256.test(value) || KNOWN.includes(value)) return;
  if (SIGV4A_STREAMING.includes(value)) {
    throw new S3Error('NotImplemented', 'Signature Version 4A (ECDSA) streaming payloads are not supported.');
  }
  throw new S3Error(
    'InvalidArgument',
    'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, or a valid sha256 value.',
    { details: { ArgumentName: 'x-amz-content-sha256', ArgumentValue: value.slice(0, 100) } },
  );
}

export interface PayloadVerifier {
  /** Raw request body in, payload bytes out. */
  stream: Transform;
  /** x-amz-decoded-content-length for aws-chunked bodies, else Content-Length; undefined if not sent. */
  decodedLength: number | undefined;
  /** Trailing headers (lower-case names); complete once the stream has ended, {} for non-chunked bodies. */
  trailers(): Record<string, string>;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseLength(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,16}$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new S3Error('InvalidArgument', `${name} must be a non-negative integer.`, {
      details: { ArgumentName: name, ArgumentValue: value.slice(0, 40) },
    });
  }
  return Number(value);
}

function sha256Mismatch(expected: string, computed: string): S3Error {
  return new S3Error('XAmzContentSHA256Mismatch', undefined, {
    details: { ClientComputedContentSHA256: expected, S3ComputedContentSHA256: computed },
  });
}

/** A body sent as is (not aws-chunked): its declared length and the SHA-256 it was signed with, if any. */
export interface PlainPayload {
  contentLength: number | undefined;
  /** Lower-case hex; undefined for UNSIGNED-PAYLOAD. */
  expectedSha256: string | undefined;
}

/** The payload mode of a request; header problems throw, as in createPayloadVerifier. */
function payloadMode(auth: AuthContext | undefined, headers: IncomingHttpHeaders): string {
  const mode = auth?.payloadHash ?? single(headers['x-amz-content-sha256']) ?? UNSIGNED_PAYLOAD;
  checkPayloadHashValue(mode);
  return mode;
}

/** The description of a body sent as is, or undefined for an aws-chunked body. */
export function plainPayloadOf(auth: AuthContext | undefined, headers: IncomingHttpHeaders): PlainPayload | undefined {
  return plainPayloadFor(payloadMode(auth, headers), headers);
}

function plainPayloadFor(mode: string, headers: IncomingHttpHeaders): PlainPayload | undefined {
  // Parsed (and refused when malformed) whatever the mode, as S3 does.
  const contentLength = parseLength(single(headers['content-length']), 'Content-Length');
  if (mode !== UNSIGNED_PAYLOAD && !HEX_SHA256.test(mode)) return undefined;
  return { contentLength, expectedSha256: mode === UNSIGNED_PAYLOAD ? undefined : mode.toLowerCase() };
}

/** Checks a whole body held in memory against the SHA-256 it was signed with (as PlainPayload does streaming). */
export function verifyPayloadSha256(payload: PlainPayload, bytes: Buffer): void {
  if (payload.expectedSha256 === undefined) return;
  const computed = createHash('sha256').update(bytes).digest('hex');
  if (computed !== payload.expectedSha256) throw sha256Mismatch(payload.expectedSha256, computed);
}

/** Pass-through that counts bytes and, when a SHA-256 is expected, hashes them and compares at the end. */
class PlainPayloadCheck extends Transform {
  readonly #expectedSha256: string | undefined;
  readonly #expectedLength: number | undefined;
  readonly #hash = createHash('sha256');
  #length = 0;

  constructor(expectedSha256: string | undefined, expectedLength: number | undefined) {
    super();
    this.#expectedSha256 = expectedSha256?.toLowerCase();
    this.#expectedLength = expectedLength;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#length += chunk.length;
    if (this.#expectedLength !== undefined && this.#length > this.#expectedLength) {
      callback(new S3Error('IncompleteBody', 'The body is longer than Content-Length.'));
      return;
    }
    if (this.#expectedSha256 !== undefined) this.#hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.#expectedLength !== undefined && this.#length !== this.#expectedLength) {
      callback(new S3Error('IncompleteBody'));
      return;
    }
    if (this.#expectedSha256 !== undefined) {
      const computed = this.#hash.digest('hex');
      if (computed !== this.#expectedSha256) {
        callback(sha256Mismatch(this.#expectedSha256, computed));
        return;
      }
    }
    callback();
  }
}

/**
 * Picks the body verification for a request. `auth` is the result of authenticateRequest (undefined for an
 * anonymous request, which may still send an unsigned aws-chunked body but never a signed one).
 * Throws S3Error synchronously for header problems; the stream errors with S3Error for body problems.
 */
export function createPayloadVerifier(auth: AuthContext | undefined, headers: IncomingHttpHeaders): PayloadVerifier {
  const mode = payloadMode(auth, headers);
  const plain = plainPayloadFor(mode, headers);
  if (plain) {
    const stream = new PlainPayloadCheck(plain.expectedSha256, plain.contentLength);
    return { stream, decodedLength: plain.contentLength, trailers: () => ({}) };
  }

  const signed = mode === STREAMING_SIGNED || mode === STREAMING_SIGNED_TRAILER;
  if (signed && auth === undefined) {
    throw new S3Error('AccessDenied', 'A signed streaming payload requires a signed request.');
  }
  const decodedLength = parseLength(single(headers['x-amz-decoded-content-length']), 'x-amz-decoded-content-length');
  const decoder = new AwsChunkedDecoder({
    signing: signed ? auth : undefined,
    trailer: mode === STREAMING_SIGNED_TRAILER || mode === STREAMING_UNSIGNED_TRAILER,
    decodedLength,
  });
  return { stream: decoder, decodedLength, trailers: () => decoder.trailers() };
}
