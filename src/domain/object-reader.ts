// Maps a byte range of an object onto its stored segments and streams exactly those bytes.
import { Readable } from 'node:stream';
import type { ObjectRecord, Segment } from './model.ts';
import type { BlobStore, ByteRange } from './ports.ts';

export interface SegmentSlice {
  segment: Segment;
  /** Offset of the segment's first byte within the object. */
  segmentOffset: number;
  /** Range within the segment's plaintext. */
  start: number;
  endInclusive: number;
}

/** The slices of each segment that a range covers (the whole object when no range). */
export function sliceSegments(record: ObjectRecord, range: ByteRange | undefined): SegmentSlice[] {
  const wanted = range ?? { start: 0, endInclusive: record.size - 1 };
  const slices: SegmentSlice[] = [];
  let offset = 0;
  for (const segment of record.segments) {
    const segmentEnd = offset + segment.size - 1;
    if (segment.size > 0 && segmentEnd >= wanted.start && offset <= wanted.endInclusive) {
      slices.push({
        segment,
        segmentOffset: offset,
        start: Math.max(wanted.start, offset) - offset,
        endInclusive: Math.min(wanted.endInclusive, segmentEnd) - offset,
      });
    }
    offset += segment.size;
  }
  return slices;
}

/** Opens the stream of one slice; encrypted objects pass a function that decrypts. */
export type SliceOpener = (slice: SegmentSlice) => Readable;

/**
 * Reads a range of a segment's stored bytes: from its blob, or from the record for inline objects.
 * `pieceBytes` as in BlobStore.read.
 */
export type StoredBytesReader = (segment: Segment, range: ByteRange, pieceBytes?: number) => Readable;

export function storedBytesReader(blobs: BlobStore, record: ObjectRecord): StoredBytesReader {
  return (segment, range, pieceBytes) => {
    if (segment.blobId !== '') return blobs.read(segment.blobId, range, pieceBytes);
    const inline = record.inlineData ?? Buffer.alloc(0);
    return Readable.from([inline.subarray(range.start, range.endInclusive + 1)], { objectMode: false });
  };
}

export function plainSliceOpener(readStored: StoredBytesReader): SliceOpener {
  return (slice) => readStored(slice.segment, { start: slice.start, endInclusive: slice.endInclusive });
}

/** One stream over the slices in order; each stored stream is opened only when reached. */
export function concatenateSlices(slices: SegmentSlice[], open: SliceOpener): Readable {
  // One slice (most objects): its own stream, without a generator layer between it and the socket.
  if (slices.length === 1 && slices[0]) return open(slices[0]);
  async function* generate(): AsyncGenerator<Buffer> {
    for (const slice of slices) {
      const stream = open(slice);
      try {
        for await (const chunk of stream) yield chunk as Buffer;
      } finally {
        stream.destroy();
      }
    }
  }
  return Readable.from(generate(), { objectMode: false, highWaterMark: 256 * 1024 });
}
