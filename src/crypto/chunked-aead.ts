// Streaming encryption of one segment as 64 KiB AES-256-GCM chunks with counter nonces and a
// final-chunk flag, and the matching decryptor for whole segments or byte ranges (§4, §7).
// With AES offloading on (aesOffloadPool), a stream past its first 1 MiB hands its chunks to the
// offload threads in runs of 16, at most two runs in flight, results pushed in order; small
// objects stay synchronous on the event loop.
import type { KeyObject } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import type { Secret } from '../util/secret.ts';
import { ByteQueue } from './byte-queue.ts';
import { SegmentCipher, type OpenedRun } from './chunk-cipher.ts';
import { CHUNK_PLAIN_SIZE, CHUNK_TAG_SIZE, checkPartNumber, checkSegmentSalt, hkdfKeyObject, LABEL_SEGMENT, TamperError, u32 } from './format.ts';
import { aesOffloadPool, BATCH_CHUNKS, InOrder, openOffloaded, sealOffloaded, type OffloadPool } from './offload/index.ts';
import { chunkCount, chunkPlainLength, segmentChunkSpan, wholeSegmentSpan } from './range.ts';

/** Chunks (1 MiB) a stream handles inline before it offloads: small objects keep their latency. */
const INLINE_CHUNKS = 16;
/** Runs in flight per stream: one being worked on and one waiting, so a thread never idles. */
const MAX_RUNS_IN_FLIGHT = 2;
const DRAIN_PATIENCE_MS = 10_000;

export interface SegmentParams {
  /** The multipart part number; a single PUT's one segment is numbered 1 by the domain. */
  partNumber: number;
  /** Fresh from generateSegmentSalt() for every write attempt. */
  salt: Buffer;
}

export interface PlainRange {
  start: number;
  endInclusive: number;
}

function segmentKey(dataKey: Secret, seg: SegmentParams): KeyObject {
  checkPartNumber(seg.partNumber);
  checkSegmentSalt(seg.salt);
  const info = Buffer.concat([Buffer.from(LABEL_SEGMENT, 'ascii'), u32(seg.partNumber)]);
  return hkdfKeyObject(dataKey.reveal(), seg.salt, info);
}

/** The offload side of a stream that passed INLINE_CHUNKS; its results go out in order. */
interface Offload<T> {
  pool: OffloadPool;
  runs: InOrder<T>;
}

function startOffload<T>(stream: Transform, deliver: (result: T) => void): Offload<T> | undefined {
  const pool = aesOffloadPool();
  return pool && { pool, runs: new InOrder({ deliver, unobserved: (error) => stream.destroy(error), drained: () => drained(stream) }) };
}

/**
 * Resolves once the consumer took everything pushed (or the stream is gone, or a consumer that
 * stopped reading had DRAIN_PATIENCE_MS). Inline, a chunk is opened only after the consumer took
 * the previous ones; run ahead on threads, a failure waits here so that the verified plaintext
 * before it still goes out first, as inline. Polled: it only happens on failures.
 */
function drained(stream: Transform): Promise<void> {
  const giveUp = Date.now() + DRAIN_PATIENCE_MS;
  return new Promise((resolve) => {
    const check = (): void => {
      if (stream.readableLength === 0 || stream.destroyed || Date.now() > giveUp) resolve();
      else setTimeout(check, 2);
    };
    check();
  });
}

function settle(work: Promise<void>, callback: TransformCallback): void {
  work.then(() => callback(), (error: unknown) => callback(error as Error));
}

/**
 * Plaintext in, ciphertext out. A full chunk (or run) is held back until one more byte arrives,
 * because only then is it known not to hold the final chunk. Memory: one run, plus two in flight.
 */
export function createSegmentEncryptor(dataKey: Secret, seg: SegmentParams): Transform {
  const key = segmentKey(dataKey, seg);
  const cipher = new SegmentCipher(key, seg.partNumber);
  const queue = new ByteQueue();
  let index = 0;
  let seen = 0;
  let offload: Offload<Buffer[]> | undefined;

  const sealInline = (stream: Transform, size: number, final: boolean): void => {
    for (const piece of cipher.seal(index, final ? seen : undefined, queue.takeFew(size))) stream.push(piece);
    index += 1;
  };

  const sealRun = (o: Offload<Buffer[]>, final: boolean): Promise<Buffer[]> => {
    const size = final ? queue.length : BATCH_CHUNKS * CHUNK_PLAIN_SIZE;
    const run = { key, partNumber: seg.partNumber, firstIndex: index, finalSize: final ? seen : undefined, slices: queue.take(size) };
    index += final ? chunkCount(size) : BATCH_CHUNKS;
    return sealOffloaded(o.pool, run);
  };

  const sealRuns = async (o: Offload<Buffer[]>, final: boolean): Promise<void> => {
    while (queue.length > BATCH_CHUNKS * CHUNK_PLAIN_SIZE) {
      await o.runs.below(MAX_RUNS_IN_FLIGHT);
      o.runs.add(sealRun(o, false));
    }
    if (!final) return;
    await o.runs.below(MAX_RUNS_IN_FLIGHT);
    o.runs.add(sealRun(o, true));
    await o.runs.below(1);
  };

  return new Transform({
    transform(piece: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
      queue.push(piece);
      seen += piece.length;
      try {
        while (offload === undefined && queue.length > CHUNK_PLAIN_SIZE) {
          sealInline(this, CHUNK_PLAIN_SIZE, false);
          if (index === INLINE_CHUNKS) offload = startOffload(this, (out: Buffer[]) => {
            for (const piece of out) this.push(piece);
          });
        }
      } catch (err) {
        callback(err as Error);
        return;
      }
      if (offload === undefined) callback();
      else settle(sealRuns(offload, false), callback);
    },
    flush(callback: TransformCallback): void {
      if (offload !== undefined) {
        settle(sealRuns(offload, true), callback);
        return;
      }
      try {
        // What is left (0…65536 bytes) is the final chunk; an empty segment yields a bare tag.
        sealInline(this, queue.length, true);
        callback();
      } catch (err) {
        callback(err as Error);
      }
    },
  });
}

type OpenedFrom = OpenedRun & { first: number; count: number };

/**
 * Ciphertext of chunks span.firstChunk…span.lastChunk in (see segmentChunkSpan), exactly the
 * requested plaintext out. Every chunk's tag is checked before any of its bytes are pushed; a
 * failure, a short input (truncation) or bytes past the last chunk (extension) is a TamperError,
 * raised after everything before it went out, inline or offloaded alike.
 */
export function createSegmentDecryptor(
  dataKey: Secret,
  seg: SegmentParams & { plainSize: number },
  range?: PlainRange,
): Transform {
  const span = range === undefined ? wholeSegmentSpan(seg.plainSize) : segmentChunkSpan(seg.plainSize, range.start, range.endInclusive);
  const key = segmentKey(dataKey, seg);
  const cipher = new SegmentCipher(key, seg.partNumber);
  const finalIndex = chunkCount(seg.plainSize) - 1;
  const queue = new ByteQueue();
  let index = span.firstChunk;
  let skip = span.skip;
  let remaining = span.length;
  let offload: Offload<OpenedFrom> | undefined;

  const finalSizeAt = (i: number): number | undefined => (i === finalIndex ? seg.plainSize : undefined);
  const needed = (i: number): number => chunkPlainLength(seg.plainSize, i) + CHUNK_TAG_SIZE;

  const emit = (stream: Transform, plain: Buffer[]): void => {
    for (const piece of plain) {
      if (remaining === 0) break;
      if (skip >= piece.length) {
        skip -= piece.length;
        continue;
      }
      const out = piece.subarray(skip, Math.min(piece.length, skip + remaining));
      skip = 0;
      remaining -= out.length;
      stream.push(out);
    }
  };

  const openInline = (stream: Transform): void => {
    const body = queue.takeFew(chunkPlainLength(seg.plainSize, index));
    const plain = cipher.open(index, finalSizeAt(index), body, queue.takeJoined(CHUNK_TAG_SIZE));
    if (plain === undefined) throw new TamperError(`chunk ${index} failed authentication`);
    index += 1;
    emit(stream, plain);
  };

  const deliver = (stream: Transform) => (result: OpenedFrom): void => {
    emit(stream, result.plain);
    if (result.opened < result.count) throw new TamperError(`chunk ${result.first + result.opened} failed authentication`);
  };

  /** Complete chunks queued from `index` on (at most one run), and their ciphertext bytes. */
  const complete = (): { count: number; bytes: number } => {
    let count = 0;
    let bytes = 0;
    while (count < BATCH_CHUNKS && index + count <= span.lastChunk && bytes + needed(index + count) <= queue.length) {
      bytes += needed(index + count);
      count += 1;
    }
    return { count, bytes };
  };

  const openRun = (o: Offload<OpenedFrom>, count: number, bytes: number): Promise<OpenedFrom> => {
    const first = index;
    const run = { key, partNumber: seg.partNumber, firstIndex: first, finalSize: finalSizeAt(first + count - 1), slices: queue.take(bytes) };
    index += count;
    return openOffloaded(o.pool, run).then((opened) => ({ ...opened, first, count }));
  };

  const openRuns = async (o: Offload<OpenedFrom>, ended: boolean): Promise<void> => {
    for (;;) {
      const { count, bytes } = complete();
      // A short run only when it reaches the span's end or the input ended; else wait for bytes.
      if (count === 0 || (count < BATCH_CHUNKS && index + count <= span.lastChunk && !ended)) break;
      await o.runs.below(MAX_RUNS_IN_FLIGHT);
      o.runs.add(openRun(o, count, bytes));
    }
    if (index > span.lastChunk && queue.length > 0) o.runs.addError(new TamperError('data past the last expected chunk'));
    else if (ended && index <= span.lastChunk) o.runs.addError(new TamperError(`ciphertext ends before chunk ${index} is complete`));
    else if (!ended) return;
    await o.runs.below(1);
  };

  return new Transform({
    transform(piece: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
      queue.push(piece);
      try {
        while (offload === undefined && index <= span.lastChunk && queue.length >= needed(index)) {
          openInline(this);
          if (index - span.firstChunk === INLINE_CHUNKS) offload = startOffload(this, deliver(this));
        }
        if (offload === undefined && index > span.lastChunk && queue.length > 0) throw new TamperError('data past the last expected chunk');
      } catch (err) {
        callback(err as Error);
        return;
      }
      if (offload === undefined) callback();
      else settle(openRuns(offload, false), callback);
    },
    flush(callback: TransformCallback): void {
      if (offload !== undefined) settle(openRuns(offload, true), callback);
      else callback(index <= span.lastChunk ? new TamperError(`ciphertext ends before chunk ${index} is complete`) : undefined);
    },
  });
}

/**
 * The encryptor's output for a segment whose plaintext is already in memory (a small PUT), in one
 * call and one buffer: byte for byte what createSegmentEncryptor produces for the same salt.
 */
export function sealSegmentBytes(dataKey: Secret, seg: SegmentParams, plain: Buffer): Buffer {
  const cipher = new SegmentCipher(segmentKey(dataKey, seg), seg.partNumber);
  return Buffer.concat(cipher.sealRun(0, plain.length, plain));
}

/**
 * The decryptor's result for a segment already in memory (an inline object), in one call: the
 * plaintext of `range` (or of the whole segment) as one buffer. Every chunk of the span is
 * verified before anything is returned; short ciphertext or a failing tag is a TamperError, as
 * from createSegmentDecryptor.
 */
export function openSegmentBytes(
  dataKey: Secret,
  seg: SegmentParams & { plainSize: number },
  stored: Buffer,
  range?: PlainRange,
): Buffer {
  const span = range === undefined ? wholeSegmentSpan(seg.plainSize) : segmentChunkSpan(seg.plainSize, range.start, range.endInclusive);
  const data = stored.subarray(span.cipherStart, span.cipherEndInclusive + 1);
  if (data.length !== span.cipherEndInclusive + 1 - span.cipherStart) {
    throw new TamperError(`ciphertext ends before chunk ${span.lastChunk} is complete`);
  }
  const cipher = new SegmentCipher(segmentKey(dataKey, seg), seg.partNumber);
  const finalSize = span.lastChunk === chunkCount(seg.plainSize) - 1 ? seg.plainSize : undefined;
  const { plain, opened } = cipher.openRun(span.firstChunk, finalSize, data);
  const count = span.lastChunk - span.firstChunk + 1;
  if (opened < count) throw new TamperError(`chunk ${span.firstChunk + opened} failed authentication`);
  const joined = plain.length === 1 ? (plain[0] as Buffer) : Buffer.concat(plain);
  return joined.subarray(span.skip, span.skip + span.length);
}
