// Multipart upload rules: initiation, parts (each attempt under a fresh salt), completion, abort.
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { Secret } from '../util/secret.ts';
import type { IncomingBody } from './body.ts';
import { Md5Counter } from './body.ts';
import { S3Error } from './errors.ts';
import type { Bucket, ChecksumAlgorithm, ObjectChecksum, ObjectRecord, PartRecord, Segment, UploadRecord } from './model.ts';
import type { ByteRange, ListUploadsQuery, MetadataStore } from './ports.ts';
import { newVersionId, randomEtag, type ObjectService, type WriteOptions } from './objects.ts';
import { bindingOf, notApplicableMessage, unwrapOrDeny, type CustomerKey } from './sse-c.ts';
import { createUploadEncryption, openUploadSealKey, sealWithKey } from './multipart-seal.ts';

export const MIN_PART_SIZE = 5 * 1024 * 1024;
export const MAX_PART_NUMBER = 10000;

export interface RequestedPart {
  partNumber: number;
  etag: string;
}

export class MultipartService {
  readonly #metadata: MetadataStore;
  readonly #objects: ObjectService;
  readonly #masterKey: Secret;

  constructor(metadata: MetadataStore, objects: ObjectService, masterKey: Secret) {
    this.#metadata = metadata;
    this.#objects = objects;
    this.#masterKey = masterKey;
  }

  async create(
    bucket: Bucket, key: string, options: WriteOptions & { checksumAlgorithm?: ChecksumAlgorithm | undefined },
  ): Promise<UploadRecord> {
    const upload: UploadRecord = {
      uploadId: newVersionId(), bucket: bucket.name, key, versionId: newVersionId(), initiated: new Date(),
      contentHeaders: options.contentHeaders, userMetadata: options.userMetadata,
      checksumAlgorithm: options.checksumAlgorithm,
    };
    if (options.customerKey) {
      upload.encryption = createUploadEncryption(options.customerKey, bindingOf(upload), this.#masterKey);
    }
    await this.#metadata.createUpload(upload);
    return upload;
  }

  async find(bucket: Bucket, key: string, uploadId: string): Promise<UploadRecord> {
    const upload = await this.#metadata.getUpload(bucket.name, key, uploadId);
    if (!upload) throw new S3Error('NoSuchUpload', undefined, { details: { UploadId: uploadId } });
    return upload;
  }

  /** Parts must repeat the upload's key; a missing key or another key is refused (AWS wording). */
  dataKeyFor(upload: UploadRecord, customerKey: CustomerKey | undefined): Secret | undefined {
    if (!upload.encryption) {
      if (customerKey) throw new S3Error('InvalidRequest', notApplicableMessage);
      return undefined;
    }
    if (!customerKey) {
      throw new S3Error('InvalidRequest',
        'The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.');
    }
    try {
      return unwrapOrDeny(customerKey, upload.encryption.wrappedKey, bindingOf(upload));
    } catch (error) {
      if (error instanceof S3Error && error.code === 'AccessDenied') {
        throw new S3Error('InvalidArgument', 'The provided encryption parameters did not match the ones used originally.');
      }
      throw error;
    }
  }

  async uploadPart(upload: UploadRecord, partNumber: number, body: IncomingBody, dataKey: Secret | undefined): Promise<PartRecord> {
    const written = await this.#objects.writeSegment(body.stream, partNumber, dataKey);
    const summary = body.summary();
    const part: PartRecord = {
      uploadId: upload.uploadId, partNumber, size: summary.size, storedSize: written.size,
      etag: dataKey ? randomEtag() : (summary.md5Hex ?? randomEtag()),
      blobId: written.blobId, lastModified: new Date(), salt: written.salt, checksum: summary.checksum?.value,
    };
    let replaced: PartRecord | undefined;
    try {
      replaced = await this.#metadata.putPart(part);
    } catch (error) {
      this.#objects.freeSegments([written]);
      throw error;
    }
    if (replaced) this.#objects.freeSegments([replaced]);
    return part;
  }

  /** UploadPartCopy: the source range streams (decrypted if needed) into a new part. */
  async copyPart(
    upload: UploadRecord, partNumber: number, source: ObjectRecord, sourceKey: Secret | undefined,
    range: ByteRange | undefined, dataKey: Secret | undefined,
  ): Promise<PartRecord> {
    const counter = new Md5Counter();
    const reading = pipeline(this.#objects.read(source, range, sourceKey), counter);
    const body: IncomingBody = { stream: counter, summary: () => ({ size: counter.size, md5Hex: counter.digestHex() }) };
    const [part] = await Promise.all([this.uploadPart(upload, partNumber, body, dataKey), reading]);
    return part;
  }

  async listUploads(bucket: Bucket, query: ListUploadsQuery): Promise<UploadRecord[]> {
    return this.#metadata.listUploads(bucket.name, query);
  }

  async listParts(upload: UploadRecord, afterPartNumber: number, limit: number): Promise<PartRecord[]> {
    return this.#metadata.listParts(upload.uploadId, afterPartNumber, limit);
  }

  /**
   * `checksumOf` derives the whole-object checksum from the parts' (an S3 protocol rule, so the
   * protocol layer supplies it); it is called only when every part carries a checksum.
   */
  async complete(
    upload: UploadRecord, requested: RequestedPart[],
    checksumOf?: (segments: Segment[]) => Promise<ObjectChecksum | undefined>,
  ): Promise<ObjectRecord> {
    if (requested.length === 0) throw new S3Error('MalformedXML');
    const stored = new Map<number, PartRecord>();
    for (const part of await this.#metadata.listParts(upload.uploadId, 0, MAX_PART_NUMBER)) stored.set(part.partNumber, part);
    const segments: Segment[] = [];
    requested.forEach((wanted, index) => {
      const previous = requested[index - 1];
      if (previous && wanted.partNumber <= previous.partNumber) throw new S3Error('InvalidPartOrder');
      const part = stored.get(wanted.partNumber);
      if (!part || part.etag !== wanted.etag.replace(/^"|"$/g, '')) throw new S3Error('InvalidPart');
      segments.push({
        blobId: part.blobId, partNumber: part.partNumber, size: part.size, storedSize: part.storedSize,
        etag: part.etag, salt: part.salt, checksum: part.checksum,
      });
    });
    segments.slice(0, -1).forEach((segment) => {
      if (segment.size < MIN_PART_SIZE) {
        throw new S3Error('EntityTooSmall', undefined, { details: { PartNumber: String(segment.partNumber) } });
      }
    });
    const record: ObjectRecord = {
      bucket: upload.bucket, key: upload.key, versionId: upload.versionId,
      size: segments.reduce((total, s) => total + s.size, 0),
      etag: `${upload.encryption ? randomEtag() : multipartEtag(segments)}-${segments.length}`,
      lastModified: new Date(), contentHeaders: upload.contentHeaders, userMetadata: upload.userMetadata,
      segments, multipart: true,
    };
    if (upload.checksumAlgorithm && checksumOf && segments.every((s) => s.checksum !== undefined)) {
      record.checksum = await checksumOf(segments);
    }
    if (upload.encryption) {
      const sealKey = openUploadSealKey(upload.encryption.sealKey, this.#masterKey);
      record.encryption = { mode: 'SSE-C', wrappedKey: upload.encryption.wrappedKey, seal: sealWithKey(sealKey, record) };
    }
    const outcome = await this.#metadata.completeUpload(upload.uploadId, record);
    if (!outcome) throw new S3Error('NoSuchUpload');
    this.#objects.freeSegments([...outcome.unusedParts, ...(outcome.replaced ?? [])]);
    return record;
  }

  async abort(upload: UploadRecord): Promise<void> {
    const parts = await this.#metadata.abortUpload(upload.uploadId);
    if (!parts) throw new S3Error('NoSuchUpload');
    this.#objects.freeSegments(parts);
  }
}

/** S3's multipart ETag: MD5 of the concatenated binary part MD5s (suffix `-N` added by the caller). */
function multipartEtag(segments: Segment[]): string {
  const hash = createHash('md5');
  for (const segment of segments) hash.update(Buffer.from(segment.etag, 'hex'));
  return hash.digest('hex');
}
