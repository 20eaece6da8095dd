// The public surface of the encryption format (docs/design/encryption.md); other layers import
// from here so that the file layout inside src/crypto/ can change freely.
export {
  CHUNK_CIPHER_SIZE,
  CHUNK_PLAIN_SIZE,
  CHUNK_TAG_SIZE,
  CryptoFormatError,
  FORMAT_VERSION,
  KeyUnwrapError,
  SEGMENT_SALT_SIZE,
  TamperError,
  type RandomSource,
} from './format.ts';
export {
  generateDataKey,
  generateSegmentSalt,
  rewrapDataKey,
  unwrapDataKey,
  wrapDataKey,
  WRAPPED_KEY_SIZE,
  type ObjectBinding,
  type RandomOption,
} from './envelope.ts';
export {
  deriveManifestKey,
  sealManifest,
  sealManifestWithKey,
  verifyManifest,
  type ObjectManifest,
  type SegmentManifestEntry,
} from './manifest.ts';
export { createSegmentDecryptor, createSegmentEncryptor, openSegmentBytes, sealSegmentBytes, type PlainRange, type SegmentParams } from './chunked-aead.ts';
export {
  chunkCount,
  encryptedSegmentSize,
  mapRangeToSegments,
  segmentChunkSpan,
  wholeSegmentSpan,
  type ChunkSpan,
  type SegmentRange,
} from './range.ts';
export { configureOffload, createOffloadedMd5, stopOffload, type OffloadedMd5 } from './offload/index.ts';
