// Pass-through that computes MD5 and the requested flexible checksum of a body and verifies them at its end.
//
// Mismatches are raised from _flush, i.e. as a stream error before the stream ends, so a pipeline that
// commits only on success never stores a corrupt body (BadDigest, as S3 answers:
// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList).
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { createOffloadedMd5, type OffloadedMd5 } from '../../crypto/index.ts';
import { S3Error } from '../../domain/errors.ts';
import { checksumHeaderName, createChecksummer, createMd5 } from './algorithms.ts';
import type { Checksummer, ChecksumAlgorithm } from './algorithms.ts';
import { checkChecksumValue } from './requested.ts';

export interface BodyDigesterOptions {
  /** Flexible checksum to compute (from requestedChecksums, or the algorithm of a multipart upload). */
  algorithm?: ChecksumAlgorithm | undefined;
  /** Expected value of that checksum, from a request header. */
  expectedBase64?: string | undefined;
  /** The expected value arrives as a trailing header: read it through getTrailers() at the end. */
  fromTrailer?: boolean | undefined;
  /** Trailing headers of the body (PayloadVerifier.trailers), complete before this stream's end. */
  getTrailers?: (() => Record<string, string>) | undefined;
  /** Content-MD5 to verify (validated base64, from requestedChecksums). Implies computing MD5. */
  contentMd5?: string | undefined;
  /** Compute MD5 for the ETag even without Content-MD5 (SSE-C objects have random ETags and skip it). */
  computeMd5: boolean;
  /** If given, the body must be exactly this long (IncompleteBody otherwise). */
  expectedLength?: number | undefined;
}

export interface BodyDigest {
  size: number;
  /** Hex MD5 of the body; undefined when MD5 was not computed. */
  md5Hex: string | undefined;
  /** `value` equals `base64` (the name the domain model uses). */
  checksum: { algorithm: ChecksumAlgorithm; base64: string; value: string } | undefined;
}

export type BodyDigester = Transform & { result(): BodyDigest };

/** Declared sizes from which MD5 runs on an offload thread; smaller bodies stay fully synchronous. */
const OFFLOAD_MD5_FROM = 1024 * 1024;

class Digester extends Transform {
  readonly #options: BodyDigesterOptions;
  readonly #md5: ReturnType<typeof createMd5> | undefined;
  /** MD5 of a large body, hashed off the event loop (then #md5 is unset). */
  readonly #remoteMd5: OffloadedMd5 | undefined;
  #checksummer: Checksummer | undefined;
  /** Resolves once the (possibly async) checksummer exists; undefined when it already does. */
  #pending: Promise<void> | undefined;
  #size = 0;
  #result: BodyDigest | undefined;

  constructor(options: BodyDigesterOptions) {
    super();
    this.#options = options;
    const wantMd5 = options.computeMd5 || options.contentMd5 !== undefined;
    this.#remoteMd5 = wantMd5 && (options.expectedLength ?? 0) >= OFFLOAD_MD5_FROM ? createOffloadedMd5() : undefined;
    this.#md5 = wantMd5 && this.#remoteMd5 === undefined ? createMd5() : undefined;
    const algorithm = options.algorithm;
    if (algorithm !== undefined) {
      this.#pending = createChecksummer(algorithm).then((c) => {
        this.#checksummer = c;
        this.#pending = undefined;
      });
      // Failure is reported by the first transform/flush that awaits it; avoid an unhandled rejection.
      this.#pending.catch(() => undefined);
    }
  }

  result(): BodyDigest {
    if (this.#result === undefined) throw new Error('BodyDigester.result() called before the body ended');
    return this.#result;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.#pending !== undefined) {
      this.#pending.then(() => this._transform(chunk, _encoding, callback), (error: unknown) => callback(error as Error));
      return;
    }
    this.#size += chunk.length;
    const limit = this.#options.expectedLength;
    if (limit !== undefined && this.#size > limit) {
      callback(new S3Error('IncompleteBody', 'The body is longer than declared.'));
      return;
    }
    this.#md5?.update(chunk);
    this.#checksummer?.update(chunk);
    if (this.#remoteMd5 !== undefined) {
      this.#offloadMd5(chunk, callback);
      return;
    }
    callback(null, chunk);
  }

  /** The chunk goes on at once; only when too many bytes await hashing does the callback wait. */
  #offloadMd5(chunk: Buffer, callback: TransformCallback): void {
    let wait: Promise<void> | undefined;
    try {
      wait = this.#remoteMd5?.update(chunk);
    } catch (error) {
      callback(error as Error);
      return;
    }
    if (wait === undefined) {
      callback(null, chunk);
      return;
    }
    this.push(chunk);
    wait.then(() => callback(), (error: unknown) => callback(error as Error));
  }

  override _flush(callback: TransformCallback): void {
    if (this.#pending !== undefined) {
      this.#pending.then(() => this._flush(callback), (error: unknown) => callback(error as Error));
      return;
    }
    const remote = this.#remoteMd5;
    if (remote === undefined || this.#size !== this.#options.expectedLength) {
      // Inline MD5; or a body of the wrong length, IncompleteBody before any digest is looked at.
      this.#complete(this.#md5 && Buffer.from(this.#md5.digestBase64(), 'base64'), callback);
      return;
    }
    remote.digest().then((md5) => this.#complete(md5, callback), (error: unknown) => callback(error as Error));
  }

  #complete(md5: Buffer | undefined, callback: TransformCallback): void {
    try {
      this.#result = this.#finish(md5);
    } catch (error) {
      callback(error as Error);
      return;
    }
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#remoteMd5?.dispose();
    callback(error);
  }

  #finish(md5: Buffer | undefined): BodyDigest {
    return concludeDigest(this.#options, this.#size, md5, this.#checksummer);
  }
}

/** Length, Content-MD5 and flexible-checksum verdicts on a body that ended; throws the S3 error. */
function concludeDigest(
  options: BodyDigesterOptions, size: number, md5: Buffer | undefined, checksummer: Checksummer | undefined,
): BodyDigest {
  if (options.expectedLength !== undefined && size !== options.expectedLength) {
    throw new S3Error('IncompleteBody');
  }
  if (options.contentMd5 !== undefined && md5 !== undefined && md5.toString('base64') !== options.contentMd5) {
    throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.', {
      details: { ExpectedDigest: options.contentMd5 },
    });
  }
  let checksum: BodyDigest['checksum'];
  const algorithm = options.algorithm;
  if (algorithm !== undefined && checksummer !== undefined) {
    const computed = checksummer.digestBase64();
    const expected = options.fromTrailer ? trailerValue(options, algorithm) : options.expectedBase64;
    if (expected !== undefined && expected !== computed) {
      throw new S3Error('BadDigest', `The ${checksumHeaderName(algorithm)} you specified did not match the calculated checksum.`);
    }
    checksum = { algorithm, base64: computed, value: computed };
  }
  return { size, md5Hex: md5?.toString('hex'), checksum };
}

function trailerValue(options: BodyDigesterOptions, algorithm: ChecksumAlgorithm): string {
  const name = checksumHeaderName(algorithm);
  const value = options.getTrailers?.()[name];
  if (value === undefined) {
    throw new S3Error('InvalidRequest', `The ${name} trailing header was announced in x-amz-trailer but not sent.`);
  }
  checkChecksumValue(algorithm, value, 'trailing header');
  return value;
}

/** The digester's verdict on a whole body held in memory (a small PUT), without a stream. */
export async function digestWholeBody(bytes: Buffer, options: BodyDigesterOptions): Promise<BodyDigest> {
  const wantMd5 = options.computeMd5 || options.contentMd5 !== undefined;
  const md5 = wantMd5 ? createHash('md5').update(bytes).digest() : undefined;
  const checksummer = options.algorithm === undefined ? undefined : await createChecksummer(options.algorithm);
  checksummer?.update(bytes);
  return concludeDigest(options, bytes.length, md5, checksummer);
}

/**
 * A pass-through Transform that hashes what flows and verifies Content-MD5 and the flexible checksum at
 * the end. Place it after the payload verifier (so trailers are known when it flushes) and commit only
 * after it finished. result() is valid after 'finish'/'end'.
 */
export function createBodyDigester(options: BodyDigesterOptions): BodyDigester {
  return new Digester(options);
}
