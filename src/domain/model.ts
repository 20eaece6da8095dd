// The records Coffer keeps about buckets, objects, multipart uploads and parts.

export interface Bucket {
  name: string;
  /** The project that owns the bucket; its users alone may use it. */
  projectId: string;
  createdAt: Date;
  /** PutBucketEncryption document as JSON (see domain/bucket-encryption.ts), if any. */
  encryptionConfig?: string | undefined;
}

/** Standard representation headers kept with an object and returned on GET/HEAD. */
export interface ContentHeaders {
  contentType?: string | undefined;
  contentEncoding?: string | undefined;
  contentDisposition?: string | undefined;
  contentLanguage?: string | undefined;
  cacheControl?: string | undefined;
  expires?: string | undefined;
}

export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';

export interface ObjectChecksum {
  algorithm: ChecksumAlgorithm;
  /** base64 digest; composite multipart values end in `-N`. */
  value: string;
  type: 'FULL_OBJECT' | 'COMPOSITE';
}

/** One stored run of bytes: the whole object for a single PUT, one part for multipart. */
export interface Segment {
  /** The blob holding the stored bytes; '' when they are inline in the object record. */
  blobId: string;
  partNumber: number;
  /** Plaintext size. */
  size: number;
  /** Size of the stored blob (larger than `size` when encrypted). */
  storedSize: number;
  etag: string;
  /** base64 per-segment salt of the encryption format; absent for plain segments. */
  salt?: string | undefined;
  checksum?: string | undefined;
}

/** What is stored about SSE-C: the wrapped data key and the manifest seal, nothing about the key. */
export interface ObjectEncryption {
  mode: 'SSE-C';
  wrappedKey: string;
  seal: string;
}

export interface ObjectRecord {
  bucket: string;
  key: string;
  /** Internal id of this write; binds encryption to it. Buckets are unversioned: never exposed. */
  versionId: string;
  size: number;
  etag: string;
  lastModified: Date;
  contentHeaders: ContentHeaders;
  userMetadata: Record<string, string>;
  segments: Segment[];
  /** True for objects made by CompleteMultipartUpload (ETag ends in -N, partNumber reads work). */
  multipart: boolean;
  checksum?: ObjectChecksum | undefined;
  encryption?: ObjectEncryption | undefined;
  /** The stored bytes of a small single-segment object, kept in its metadata row (segment blobId ''). */
  inlineData?: Buffer | undefined;
}

export interface UploadRecord {
  uploadId: string;
  bucket: string;
  key: string;
  /** The version id the completed object will get, fixed at initiation so keys can bind to it. */
  versionId: string;
  initiated: Date;
  contentHeaders: ContentHeaders;
  userMetadata: Record<string, string>;
  checksumAlgorithm?: ChecksumAlgorithm | undefined;
  /**
   * SSE-C uploads: the wrapped data key, and the manifest seal key sealed under the master key so
   * CompleteMultipartUpload (which clients send without the customer key) can seal the object.
   */
  encryption?: { mode: 'SSE-C'; wrappedKey: string; sealKey: string } | undefined;
}

export interface PartRecord {
  uploadId: string;
  partNumber: number;
  size: number;
  storedSize: number;
  etag: string;
  blobId: string;
  lastModified: Date;
  salt?: string | undefined;
  checksum?: string | undefined;
}

/** What a listing needs of an object; the full record is not loaded for lists. */
export interface ObjectSummary {
  key: string;
  size: number;
  etag: string;
  lastModified: Date;
  checksumAlgorithm?: ChecksumAlgorithm | undefined;
}
