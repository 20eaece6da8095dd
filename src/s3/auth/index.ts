// Public surface of S3 request authentication: SigV4 (header and presigned) and request-body verification.
export { authenticateRequest } from './sigv4.ts';
export type { AuthContext, AuthOptions, IncomingSignedRequest, SecretLookup } from './sigv4.ts';
export {
  createPayloadVerifier,
  plainPayloadOf,
  verifyPayloadSha256,
  checkPayloadHashValue,
  UNSIGNED_PAYLOAD,
  STREAMING_SIGNED,
  STREAMING_SIGNED_TRAILER,
  STREAMING_UNSIGNED_TRAILER,
} from './payload.ts';
export type { PayloadVerifier, PlainPayload } from './payload.ts';
export { AwsChunkedDecoder, MAX_LINE_BYTES } from './aws-chunked.ts';
export type { AwsChunkedOptions, ChunkSigning } from './aws-chunked.ts';
export {
  buildCanonicalRequest,
  buildStringToSign,
  canonicalHeaderValue,
  computeSignature,
  deriveSigningKey,
  EMPTY_SHA256,
  formatAmzDate,
  parseAmzDate,
  sha256Hex,
  SIGV4_ALGORITHM,
} from './canonical-request.ts';
export { canonicalQuery, canonicalUri, parseQuery, percentDecode, uriEncode } from './uri-encoding.ts';
export { parseAuthorizationHeader, parsePresignedQuery, MAX_PRESIGNED_EXPIRES } from './parse.ts';
