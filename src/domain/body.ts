// The shape of a verified request body as the domain receives it, and a hashing pass-through.
import { createHash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import type { ChecksumAlgorithm } from './model.ts';

export interface BodySummary {
  size: number;
  /** MD5 of the bytes, when it was computed (always for plain objects). */
  md5Hex?: string | undefined;
  checksum?: { algorithm: ChecksumAlgorithm; value: string } | undefined;
}

/** A body whose signature, length and checksums are verified as it flows; `summary` is valid once it ended. */
export interface IncomingBody {
  stream: Readable;
  summary(): BodySummary;
  /**
   * The size the body declares (Content-Length, x-amz-decoded-content-length, a copy's source),
   * which a body that ends differently fails on; undefined when not known before the end.
   */
  declaredSize?: number;
}

/** A small body read whole before it is stored: its verified bytes and what they are. */
export interface BufferedBody {
  bytes: Buffer;
  summary: BodySummary;
}

/**
 * What PutObject hands the domain: a small body arrives whole (verified at once, stored inline
 * without stream layers), a larger one as a stream verified as it flows. A failed verification
 * rejects `buffered`.
 */
export type ObjectBody = IncomingBody | { buffered: Promise<BufferedBody> };

/** Counts and MD5-hashes what passes (used for copies, whose bytes come from storage). */
export class Md5Counter extends Transform {
  readonly #hash = createHash('md5');
  size = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#hash.update(chunk);
    this.size += chunk.length;
    callback(null, chunk);
  }

  digestHex(): string {
    return this.#hash.digest('hex');
  }
}
