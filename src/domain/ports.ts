// The interfaces the domain needs from storage; adapters in src/storage/ implement them.
import type { Readable } from 'node:stream';
import type { Bucket, ObjectRecord, ObjectSummary, PartRecord, Segment, UploadRecord } from './model.ts';

export interface ListObjectsQuery {
  prefix: string;
  /** Return keys strictly greater than this. */
  after: string;
  limit: number;
}

export interface ListUploadsQuery {
  prefix: string;
  keyAfter: string;
  uploadIdAfter: string;
  limit: number;
}

export interface MetadataStore {
  createBucket(bucket: Bucket): Promise<'created' | 'exists'>;
  getBucket(name: string): Promise<Bucket | undefined>;
  listBuckets(): Promise<Bucket[]>;
  /** Deletes an empty bucket in one transaction; 'not-empty' when objects or uploads remain. */
  deleteBucket(name: string): Promise<'deleted' | 'not-empty' | 'missing'>;
  setBucketEncryption(name: string, config: string | undefined): Promise<void>;

  getObject(bucket: string, key: string): Promise<ObjectRecord | undefined>;
  /** Inserts or replaces; returns the replaced record's segments so their blobs can be freed. */
  putObject(record: ObjectRecord): Promise<Segment[] | undefined>;
  /** Replaces only if the stored version is still `expectedVersionId` (rotation). */
  replaceObjectVersion(record: ObjectRecord, expectedVersionId: string): Promise<boolean>;
  deleteObject(bucket: string, key: string): Promise<ObjectRecord | undefined>;
  listObjects(bucket: string, query: ListObjectsQuery): Promise<ObjectSummary[]>;

  createUpload(upload: UploadRecord): Promise<void>;
  getUpload(bucket: string, key: string, uploadId: string): Promise<UploadRecord | undefined>;
  listUploads(bucket: string, query: ListUploadsQuery): Promise<UploadRecord[]>;
  /** Inserts or replaces a part; returns the replaced part so its blob can be freed. */
  putPart(part: PartRecord): Promise<PartRecord | undefined>;
  listParts(uploadId: string, afterPartNumber: number, limit: number): Promise<PartRecord[]>;
  /**
   * In one transaction: the object is stored, the upload and all its parts are removed.
   * Returns the replaced object's segments and the parts that were not used, so their blobs can be freed.
   * Returns undefined when the upload no longer exists.
   */
  completeUpload(
    uploadId: string,
    object: ObjectRecord,
  ): Promise<{ replaced: Segment[] | undefined; unusedParts: PartRecord[] } | undefined>;
  /** Removes the upload and its parts; returns the parts (for their blobs), undefined if missing. */
  abortUpload(uploadId: string): Promise<PartRecord[] | undefined>;

  /** Every blob id that a record refers to (start-up sweep of orphans). */
  allBlobIds(): Promise<Set<string>>;
  close(): Promise<void>;
}

export interface ByteRange {
  start: number;
  endInclusive: number;
}

export interface BlobStore {
  /** Streams `source` to a new blob durably (temp file, fsync, rename). Rejects, leaving nothing, if the source errors. */
  write(source: Readable): Promise<{ blobId: string; size: number }>;
  /**
   * Streams a blob (or a range of it). `pieceBytes`, when given, is the size of every piece but
   * the last: a reader that works in fixed units (whole cipher chunks) gets them unsplit.
   */
  read(blobId: string, range?: ByteRange, pieceBytes?: number): Readable;
  delete(blobId: string): Promise<void>;
  /** Removes temporaries left by a crash and, when `referenced` is known, blobs no record refers to. */
  sweep(referenced: Set<string> | undefined): Promise<{ files: number; bytes: number }>;
}
