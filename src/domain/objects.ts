// Object rules: durable writes (blob first, then one metadata commit), reads, deletes and copies.
import { randomHexId } from '../util/random-pool.ts';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { Logger } from '../util/logger.ts';
import type { Secret } from '../util/secret.ts';
import type { BodySummary, IncomingBody, ObjectBody } from './body.ts';
import { Md5Counter } from './body.ts';
import { S3Error } from './errors.ts';
import type { Bucket, ContentHeaders, ObjectRecord, Segment } from './model.ts';
import { concatenateSlices, plainSliceOpener, sliceSegments, storedBytesReader } from './object-reader.ts';
import { INLINE_LIMIT, spoolSmall } from './small-objects.ts';
import type { BlobStore, ByteRange, MetadataStore } from './ports.ts';
import {
  bindingOf, encryptedSliceOpener, generateDataKey, openInlineBytes, sealFor, sealSegmentInMemory, segmentEncryption, wrapDataKey,
  type CustomerKey,
} from './sse-c.ts';

export interface WriteOptions {
  contentHeaders: ContentHeaders;
  userMetadata: Record<string, string>;
  customerKey?: CustomerKey | undefined;
}

export const newVersionId = (): string => randomHexId();
/** ETag of an encrypted object: random per version, so equal contents are not revealed (ARCHITECTURE.md). */
export const randomEtag = (): string => randomHexId();

/**
 * Whether a streamed body may end up inline. A body declared larger than the inline limit goes
 * straight to a blob, without the spooling layers (an async iterator and a generator stream,
 * which copy buffered pieces together and cost promise turns on every piece of a large PUT).
 */
function mayBeInline(body: IncomingBody): boolean {
  return body.declaredSize === undefined || body.declaredSize <= INLINE_LIMIT;
}

/** A small body kept inline as it came, or sealed in one call: no stream, no spooling. */
function inlineSegment(body: { bytes: Buffer; summary: BodySummary }, dataKey: Secret | undefined) {
  const sealed = dataKey ? sealSegmentInMemory(dataKey, 1, body.bytes) : { salt: undefined, stored: body.bytes };
  const written = { blobId: '', size: sealed.stored.length, inline: sealed.stored as Buffer | undefined, salt: sealed.salt };
  return { written, summary: body.summary };
}

export class ObjectService {
  readonly #metadata: MetadataStore;
  readonly #blobs: BlobStore;
  readonly #log: Logger;
  /** Frees of replaced or deleted blobs in progress (see freeSegments). */
  readonly #freeing = new Set<Promise<void>>();

  constructor(metadata: MetadataStore, blobs: BlobStore, log: Logger) {
    this.#metadata = metadata;
    this.#blobs = blobs;
    this.#log = log;
  }

  /**
   * Writes one segment; with a data key it is encrypted under a fresh salt. With `allowInline`,
   * small stored bytes come back as `inline` instead of a blob (see small-objects.ts).
   */
  async writeSegment(source: Readable, partNumber: number, dataKey: Secret | undefined, allowInline = false) {
    let salt: string | undefined;
    let stored: Readable = source;
    let encrypting: Promise<void> = Promise.resolve();
    if (dataKey) {
      const encryption = segmentEncryption(dataKey, partNumber);
      salt = encryption.salt;
      stored = encryption.encryptor;
      encrypting = pipeline(source, encryption.encryptor);
    }
    const write = async () => {
      if (allowInline) {
        const spooled = await spoolSmall(stored);
        if ('inline' in spooled) return { blobId: '', size: spooled.inline.length, inline: spooled.inline };
        stored = spooled.stream;
      }
      return { ...(await this.#blobs.write(stored)), inline: undefined };
    };
    const [written] = await Promise.all([write(), encrypting]);
    return { ...written, salt };
  }

  async put(bucket: Bucket, key: string, body: ObjectBody, options: WriteOptions): Promise<ObjectRecord> {
    const versionId = newVersionId();
    const dataKey = options.customerKey ? generateDataKey() : undefined;
    const { written, summary } = 'buffered' in body
      ? inlineSegment(await body.buffered, dataKey)
      : { written: await this.writeSegment(body.stream, 1, dataKey, mayBeInline(body)), summary: body.summary() };
    const etag = dataKey ? randomEtag() : (summary.md5Hex ?? randomEtag());
    const segment: Segment = {
      blobId: written.blobId, partNumber: 1, size: summary.size, storedSize: written.size, etag, salt: written.salt,
    };
    const record: ObjectRecord = {
      bucket: bucket.name, key, versionId, size: summary.size, etag, lastModified: new Date(),
      contentHeaders: options.contentHeaders, userMetadata: options.userMetadata, segments: [segment],
      multipart: false,
      checksum: summary.checksum ? { ...summary.checksum, type: 'FULL_OBJECT' } : undefined,
      inlineData: written.inline,
    };
    if (dataKey && options.customerKey) {
      record.encryption = {
        mode: 'SSE-C',
        wrappedKey: wrapDataKey(options.customerKey.key, dataKey, bindingOf(record)),
        seal: sealFor(dataKey, record),
      };
    }
    await this.commit(record, written.inline ? [] : [written.blobId]);
    return record;
  }

  /** One metadata transaction makes the write visible; then the replaced blobs are freed. */
  async commit(record: ObjectRecord, newBlobIds: string[]): Promise<void> {
    let replaced: Segment[] | undefined;
    try {
      replaced = await this.#metadata.putObject(record);
    } catch (error) {
      // A store that committed but could not confirm durability marks the error `committed`:
      // the record then points at the new blobs, which must stay.
      if ((error as { committed?: boolean } | undefined)?.committed !== true) {
        await Promise.all(newBlobIds.map((id) => this.#blobs.delete(id)));
      }
      throw error;
    }
    if (replaced) this.freeSegments(replaced);
  }

  /**
   * Frees blobs that no record refers to any more, without the request waiting: unlinking a large
   * file waits on the filesystem (1 GiB: ~0.75 s on the development VM's ext4, 0.09 s of it CPU),
   * which would otherwise be added to the answer of the PUT or DELETE that replaced it. The record
   * no longer points at them, so nothing reads them; a free that fails, or that a crash cuts
   * short, leaves an orphan for the start-up sweep. `settled()` waits for the frees in progress.
   */
  freeSegments(segments: { blobId: string }[]): void {
    const blobIds = segments.map((s) => s.blobId).filter((id) => id !== '');
    if (blobIds.length === 0) return;
    const freeing = (async () => {
      for (const blobId of blobIds) {
        await this.#blobs.delete(blobId).catch((error: unknown) => {
          this.#log.warn({ err: error, blobId }, 'could not free blob; the start-up sweep will');
        });
      }
    })();
    this.#freeing.add(freeing);
    void freeing.finally(() => this.#freeing.delete(freeing));
  }

  /** Resolves once every free started so far has finished (shutdown waits for them). */
  async settled(): Promise<void> {
    await Promise.all([...this.#freeing]);
  }

  async find(bucket: Bucket, key: string): Promise<ObjectRecord> {
    const record = await this.#metadata.getObject(bucket.name, key);
    if (!record) throw new S3Error('NoSuchKey', undefined, { details: { Key: key } });
    return record;
  }

  /**
   * The bytes of an object stored inline, as one buffer (decrypted and verified when encrypted):
   * small GETs skip the stream machinery and go out in a single write. Undefined for objects
   * stored in blobs.
   */
  inlineBytes(record: ObjectRecord, range: ByteRange | undefined, dataKey: Secret | undefined): Buffer | undefined {
    const segment = record.segments[0];
    if (!record.inlineData || record.segments.length !== 1 || !segment) return undefined;
    if (record.encryption) return dataKey ? openInlineBytes(segment, record.inlineData, dataKey, range) : undefined;
    if (dataKey) return undefined;
    return range ? record.inlineData.subarray(range.start, range.endInclusive + 1) : record.inlineData;
  }

  /** The bytes of a range (or the whole object), decrypted when a data key is given. */
  read(record: ObjectRecord, range: ByteRange | undefined, dataKey: Secret | undefined): Readable {
    const slices = sliceSegments(record, range);
    const readStored = storedBytesReader(this.#blobs, record);
    const open = dataKey ? encryptedSliceOpener(readStored, dataKey) : plainSliceOpener(readStored);
    return concatenateSlices(slices, open);
  }

  async delete(bucket: Bucket, key: string): Promise<void> {
    const removed = await this.#metadata.deleteObject(bucket.name, key);
    if (removed) this.freeSegments(removed.segments);
  }

  /** Copies by streaming the source through (re-encrypting as needed) into a new single-segment object. */
  async copy(
    source: ObjectRecord, sourceKey: Secret | undefined, target: Bucket, targetKey: string, options: WriteOptions,
  ): Promise<ObjectRecord> {
    const counter = new Md5Counter();
    const reading = pipeline(this.read(source, undefined, sourceKey), counter);
    const body: IncomingBody = {
      stream: counter,
      summary: () => ({ size: counter.size, md5Hex: counter.digestHex() }),
      declaredSize: source.size,
    };
    const [record] = await Promise.all([this.put(target, targetKey, body, options), reading]);
    return record;
  }

  /**
   * Key rotation or metadata change by copying an SSE-C object onto itself: the data key is re-wrapped
   * under the new customer key; no object data is read or written.
   */
  async rewrap(source: ObjectRecord, dataKey: Secret, newKey: CustomerKey, options: WriteOptions): Promise<ObjectRecord> {
    const record: ObjectRecord = {
      ...source,
      versionId: newVersionId(),
      lastModified: new Date(),
      contentHeaders: options.contentHeaders,
      userMetadata: options.userMetadata,
    };
    record.encryption = {
      mode: 'SSE-C',
      wrappedKey: wrapDataKey(newKey.key, dataKey, bindingOf(record)),
      seal: sealFor(dataKey, record),
    };
    if (!(await this.#metadata.replaceObjectVersion(record, source.versionId))) {
      throw new S3Error('InternalError', 'The object changed during the copy; retry.');
    }
    return record;
  }
}
