// Server-side AWS Signature Version 4 verification for S3: Authorization header and presigned URLs.
//
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html. Runs before the body
// is read; the payload hash it returns is then enforced on the body by createPayloadVerifier (payload.ts).
import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from '../../domain/errors.ts';
import type { Secret } from '../../util/secret.ts';
import {
  buildCanonicalRequest,
  buildStringToSign,
  computeSignature,
  deriveSigningKey,
  formatAmzDate,
  parseAmzDate,
  signaturesEqual,
} from './canonical-request.ts';
import { checkScope, parseAuthorizationHeader, parsePresignedQuery, unsupportedMechanism } from './parse.ts';
import type { SignatureParams } from './parse.ts';
import { canonicalQuery, canonicalUri, parseQuery } from './uri-encoding.ts';
import type { QueryParam } from './uri-encoding.ts';
import { checkPayloadHashValue } from './payload.ts';

export interface IncomingSignedRequest {
  method: string;
  /** Request path exactly as received (still percent-encoded), without the query. */
  rawPath: string;
  /** Query string as received, without '?'; '' if none. */
  rawQuery: string;
  /** Lower-case names and latin1 values, as node:http gives them. */
  headers: IncomingHttpHeaders;
}

export type SecretLookup = (accessKeyId: string) => Promise<Secret | undefined>;

export interface AuthContext {
  accessKeyId: string;
  presigned: boolean;
  /** x-amz-content-sha256 value, or 'UNSIGNED-PAYLOAD' for a presigned URL that does not carry one. */
  payloadHash: string;
  /** Derived signing key, needed to verify aws-chunked chunk signatures. */
  signingKey: Buffer;
  /** date/region/s3/aws4_request */
  scope: string;
  /** The request's x-amz-date / X-Amz-Date (ISO 8601 basic). */
  amzDate: string;
  /** The request signature: the "previous signature" of the first aws-chunked chunk. */
  seedSignature: string;
  signedHeaders: readonly string[];
}

export interface AuthOptions {
  region: string;
  now: Date;
  /** Allowed clock difference; S3 uses 15 minutes. */
  maxSkewMs?: number;
}

const DEFAULT_MAX_SKEW_MS = 15 * 60 * 1000;

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Verifies a request's SigV4 signature. Returns undefined for an anonymous request (no Authorization header
 * and no X-Amz-Algorithm/X-Amz-Credential/X-Amz-Signature query parameter); otherwise returns the verified
 * context or throws S3Error.
 */
export async function authenticateRequest(
  req: IncomingSignedRequest,
  lookup: SecretLookup,
  options: AuthOptions,
): Promise<AuthContext | undefined> {
  const authorization = single(req.headers.authorization);
  const params = parseQuery(req.rawQuery);
  const names = new Set(params.map((p) => p.name));
  const queryAuth = names.has('X-Amz-Algorithm') || names.has('X-Amz-Credential') || names.has('X-Amz-Signature');
  if (authorization === undefined && !queryAuth) {
    // A SigV2 presigned URL (AWSAccessKeyId + Signature + Expires) is refused rather than served anonymously.
    if (names.has('AWSAccessKeyId') && names.has('Signature')) throw unsupportedMechanism();
    return undefined;
  }
  if (authorization !== undefined && queryAuth) {
    throw new S3Error(
      'InvalidArgument',
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
      { details: { ArgumentName: 'Authorization' } },
    );
  }
  return authorization !== undefined
    ? verifyHeaderAuth(req, authorization, params, lookup, options)
    : verifyPresigned(req, params, lookup, options);
}

async function verifyHeaderAuth(
  req: IncomingSignedRequest,
  authorization: string,
  params: readonly QueryParam[],
  lookup: SecretLookup,
  options: AuthOptions,
): Promise<AuthContext> {
  const parsed = parseAuthorizationHeader(authorization);
  // x-amz-date wins over Date (sig-v4-header-based-auth.html); Date is converted to the basic ISO format.
  const amzDateHeader = single(req.headers['x-amz-date']);
  const dateHeader = single(req.headers.date);
  let time: number | undefined;
  let amzDate: string;
  if (amzDateHeader !== undefined) {
    amzDate = amzDateHeader;
    time = parseAmzDate(amzDateHeader);
  } else {
    time = dateHeader === undefined ? undefined : Date.parse(dateHeader);
    if (time !== undefined && Number.isNaN(time)) time = undefined;
    amzDate = time === undefined ? '' : formatAmzDate(new Date(time));
  }
  if (time === undefined) {
    throw new S3Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  }
  checkScope(parsed, amzDate, options.region, 'AuthorizationHeaderMalformed');
  const skew = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const now = options.now.getTime();
  if (Math.abs(now - time) > skew) {
    throw new S3Error('RequestTimeTooSkewed', undefined, {
      details: { RequestTime: amzDate, ServerTime: options.now.toISOString(), MaxAllowedSkewMilliseconds: String(skew) },
    });
  }
  const payloadHash = single(req.headers['x-amz-content-sha256']);
  if (payloadHash === undefined) {
    throw new S3Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  }
  checkPayloadHashValue(payloadHash);
  checkAllAmzHeadersSigned(req.headers, parsed.signedHeaders);
  return verify(req, parsed, amzDate, payloadHash, canonicalQuery(params), false, lookup, options);
}

async function verifyPresigned(
  req: IncomingSignedRequest,
  params: readonly QueryParam[],
  lookup: SecretLookup,
  options: AuthOptions,
): Promise<AuthContext> {
  const parsed = parsePresignedQuery(params);
  const time = parseAmzDate(parsed.amzDate);
  if (time === undefined) {
    throw new S3Error('AuthorizationQueryParametersError', `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
  }
  checkScope(parsed, parsed.amzDate, options.region, 'AuthorizationQueryParametersError');
  const now = options.now.getTime();
  // A URL signed "in the future" beyond the allowed skew is not valid yet (as MinIO does); one signed in the
  // past is valid until X-Amz-Date + X-Amz-Expires (sigv4-query-string-auth.html).
  if (time - now > (options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS)) {
    throw new S3Error('AccessDenied', 'Request is not valid yet');
  }
  if (now > time + parsed.expiresSeconds * 1000) {
    throw new S3Error('AccessDenied', 'Request has expired', {
      details: {
        'X-Amz-Expires': String(parsed.expiresSeconds),
        Expires: new Date(time + parsed.expiresSeconds * 1000).toISOString(),
        ServerTime: options.now.toISOString(),
      },
    });
  }
  // The payload hash is UNSIGNED-PAYLOAD unless the URL (or a header) names one; either way it enters the
  // canonical request, so it is covered by the signature.
  const fromQuery = params.find((p) => p.name.toLowerCase() === 'x-amz-content-sha256')?.value;
  const payloadHash = fromQuery ?? single(req.headers['x-amz-content-sha256']) ?? 'UNSIGNED-PAYLOAD';
  checkPayloadHashValue(payloadHash);
  checkAllAmzHeadersSigned(req.headers, parsed.signedHeaders);
  return verify(req, parsed, parsed.amzDate, payloadHash, canonicalQuery(params, 'X-Amz-Signature'), true, lookup, options);
}

/**
 * S3 refuses x-amz-* headers that are present but not signed ("There were headers present in the request
 * which were not signed"), so nobody on the path can add, e.g., x-amz-copy-source to a signed request.
 * x-amz-content-sha256 is exempt: it is bound through the payload-hash line of the canonical request.
 */
function checkAllAmzHeadersSigned(headers: IncomingHttpHeaders, signed: readonly string[]): void {
  const unsigned = Object.keys(headers).filter(
    (name) => name.startsWith('x-amz-') && !signed.includes(name) && name !== 'x-amz-content-sha256',
  );
  if (unsigned.length > 0) {
    throw new S3Error('AccessDenied', 'There were headers present in the request which were not signed', {
      details: { HeadersNotSigned: unsigned.sort().join(', ') },
    });
  }
}

/**
 * Error bodies end up in client and proxy logs: SSE-C keys (and their MD5s, which confirm a guessed key)
 * must not travel back inside the CanonicalRequest detail.
 */
function redactCustomerKeys(canonicalRequest: string): string {
  return canonicalRequest
    .replace(/^([a-z0-9-]*customer-key[a-z0-9-]*):.*$/gm, '$1:[redacted]')
    // A key hoisted into a presigned URL appears in the canonical query line.
    .replace(/(customer-key(?:-md5)?=)[^&\n]*/gi, '$1[redacted]');
}

async function verify(
  req: IncomingSignedRequest,
  parsed: SignatureParams,
  amzDate: string,
  payloadHash: string,
  query: string,
  presigned: boolean,
  lookup: SecretLookup,
  options: AuthOptions,
): Promise<AuthContext> {
  const secret = await lookup(parsed.accessKeyId);
  if (secret === undefined) {
    throw new S3Error('InvalidAccessKeyId', undefined, { details: { AWSAccessKeyId: parsed.accessKeyId } });
  }
  const signingKey = deriveSigningKey(secret, parsed.scopeDate, options.region);
  const canonicalRequest = buildCanonicalRequest({
    method: req.method,
    canonicalUri: canonicalUri(req.rawPath),
    canonicalQuery: query,
    headers: req.headers,
    signedHeaders: parsed.signedHeaders,
    payloadHash,
  });
  const stringToSign = buildStringToSign(amzDate, parsed.scope, canonicalRequest);
  const expected = computeSignature(signingKey, stringToSign);
  if (!signaturesEqual(expected, parsed.signature)) {
    // Like S3, return what we signed so a client author can find the difference, minus SSE-C key material.
    throw new S3Error('SignatureDoesNotMatch', undefined, {
      details: {
        AWSAccessKeyId: parsed.accessKeyId,
        StringToSign: stringToSign,
        SignatureProvided: parsed.signature,
        CanonicalRequest: redactCustomerKeys(canonicalRequest),
      },
    });
  }
  return {
    accessKeyId: parsed.accessKeyId,
    presigned,
    payloadHash,
    signingKey,
    scope: parsed.scope,
    amzDate,
    seedSignature: parsed.signature,
    signedHeaders: parsed.signedHeaders,
  };
}
