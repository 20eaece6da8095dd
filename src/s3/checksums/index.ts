// Public surface of S3 integrity checks: flexible checksums, Content-MD5, and multipart whole-object checksums.
export {
  CHECKSUM_ALGORITHMS,
  checksumHeaderName,
  createChecksummer,
  createMd5,
  DIGEST_BYTES,
  isBase64Digest,
  parseChecksumAlgorithm,
} from './algorithms.ts';
export type { Checksummer, ChecksumAlgorithm } from './algorithms.ts';
export { checkChecksumValue, requestedChecksums } from './requested.ts';
export type { RequestedChecksums } from './requested.ts';
export { createBodyDigester, digestWholeBody } from './digester.ts';
export type { BodyDigest, BodyDigester, BodyDigesterOptions } from './digester.ts';
export { combineCrc, compositeChecksum, fullObjectChecksum } from './multipart.ts';
