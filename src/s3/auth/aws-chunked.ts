// Streaming decoder for aws-chunked request bodies: strips the framing, verifies chunk and trailer signatures.
//
// Formats: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html (signed chunks) and
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html (trailers):
//   signed:   <hex-size>;chunk-signature=<sig>\r\n<data>\r\n ... 0;chunk-signature=<sig>\r\n[trailers]\r\n
//   unsigned: <hex-size>\r\n<data>\r\n ... 0\r\n[trailers]\r\n
//   trailers: name:value\r\n ... [x-amz-trailer-signature:<sig>\r\n]
// Chunk data is passed on as it arrives (no buffering); a bad chunk signature fails the stream before it
// ends, and nothing downstream commits until the end, so unverified bytes are never stored.
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { S3Error } from '../../domain/errors.ts';
import { computeSignature, EMPTY_SHA256, sha256Hex, signaturesEqual } from './canonical-request.ts';

/** What a signed stream needs from the request's authentication (a subset of AuthContext). */
export interface ChunkSigning {
  signingKey: Buffer;
  amzDate: string;
  scope: string;
  seedSignature: string;
}

export interface AwsChunkedOptions {
  /** undefined: chunks carry no signatures (STREAMING-UNSIGNED-PAYLOAD-TRAILER). */
  signing: ChunkSigning | undefined;
  /** A trailer section is expected (the *-TRAILER variants). */
  trailer: boolean;
  /** x-amz-decoded-content-length, checked against the decoded total when given. */
  decodedLength: number | undefined;
}

/** Framing lines (chunk headers, trailers) are short; anything longer is hostile. */
export const MAX_LINE_BYTES = 4096;
const MAX_TRAILER_LINES = 16;
/** The largest single PUT is 5 GiB; a chunk cannot be larger than a whole object. */
const MAX_CHUNK_BYTES = 5 * 1024 ** 3;
const TRAILER_SIGNATURE = 'x-amz-trailer-signature';

type State = 'size-line' | 'data' | 'data-cr' | 'data-lf' | 'trailer' | 'done';

function malformed(message: string): S3Error {
  return new S3Error('InvalidRequest', `Malformed aws-chunked body: ${message}`);
}

export class AwsChunkedDecoder extends Transform {
  readonly #options: AwsChunkedOptions;
  #state: State = 'size-line';
  /** Current framing line, latin1, without the CRLF once complete. */
  #line = '';
  #remaining = 0;
  #decoded = 0;
  #chunkHash: Hash | undefined;
  #chunkSignature = '';
  #previousSignature: string;
  #trailerLines: string[] = [];
  #trailerSigned = false;
  readonly #trailers: Record<string, string> = {};

  constructor(options: AwsChunkedOptions) {
    super();
    this.#options = options;
    this.#previousSignature = options.signing?.seedSignature ?? '';
  }

  /** Trailing headers (lower-case names, without x-amz-trailer-signature); complete once the stream ended. */
  trailers(): Record<string, string> {
    return { ...this.#trailers };
  }

  get decodedBytes(): number {
    return this.#decoded;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.#consume(chunk);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      // A missing final CRLF after the last trailer (or after the 0-chunk) is tolerated: every byte of data
      // and every signature has been checked by then. Anything else unfinished means the body was cut short.
      if (this.#state === 'trailer' && this.#line === '') this.#finishTrailer();
      if (this.#state !== 'done') throw new S3Error('IncompleteBody', 'The aws-chunked body ended before its final chunk.');
      const declared = this.#options.decodedLength;
      if (declared !== undefined && declared !== this.#decoded) {
        throw new S3Error('IncompleteBody', `Decoded ${this.#decoded} bytes but x-amz-decoded-content-length is ${declared}.`);
      }
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  #consume(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      switch (this.#state) {
        case 'size-line':
        case 'trailer': {
          const lf = chunk.indexOf(0x0a, pos);
          const end = lf < 0 ? chunk.length : lf + 1;
          if (this.#line.length + (end - pos) > MAX_LINE_BYTES) throw malformed('framing line too long.');
          this.#line += chunk.toString('latin1', pos, end);
          pos = end;
          if (lf >= 0) {
            if (!this.#line.endsWith('\r\n')) throw malformed('line not terminated by CRLF.');
            const line = this.#line.slice(0, -2);
            this.#line = '';
            if (this.#state === 'size-line') this.#onSizeLine(line);
            else this.#onTrailerLine(line);
          }
          break;
        }
        case 'data': {
          const n = Math.min(this.#remaining, chunk.length - pos);
          const piece = chunk.subarray(pos, pos + n);
          this.#chunkHash?.update(piece);
          this.push(piece);
          this.#remaining -= n;
          this.#decoded += n;
          pos += n;
          if (this.#remaining === 0) this.#state = 'data-cr';
          break;
        }
        case 'data-cr':
        case 'data-lf': {
          const expected = this.#state === 'data-cr' ? 0x0d : 0x0a;
          if (chunk[pos] !== expected) throw malformed('chunk data not followed by CRLF.');
          pos += 1;
          if (this.#state === 'data-cr') {
            this.#state = 'data-lf';
          } else {
            this.#verifyChunk(this.#chunkHash?.digest('hex') ?? '');
            this.#state = 'size-line';
          }
          break;
        }
        case 'done':
          throw malformed('data after the end of the body.');
      }
    }
  }

  #onSizeLine(line: string): void {
    const semicolon = line.indexOf(';');
    const hex = semicolon < 0 ? line : line.slice(0, semicolon);
    if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) throw malformed('chunk size is not hexadecimal.');
    const size = parseInt(hex, 16);
    if (size > MAX_CHUNK_BYTES) throw malformed('chunk too large.');
    const declared = this.#options.decodedLength;
    if (declared !== undefined && this.#decoded + size > declared) {
      throw new S3Error('IncompleteBody', 'The aws-chunked body holds more bytes than x-amz-decoded-content-length.');
    }
    if (this.#options.signing !== undefined) {
      const m = /^chunk-signature=([0-9a-f]{64})$/.exec(semicolon < 0 ? '' : line.slice(semicolon + 1));
      if (m === null) throw malformed('chunk-signature missing or malformed.');
      this.#chunkSignature = m[1] as string;
      this.#chunkHash = createHash('sha256');
    }
    // Unsigned chunks may carry other chunk extensions (RFC 9112 §7.1.1); they mean nothing to S3.
    if (size === 0) {
      this.#verifyChunk(EMPTY_SHA256);
      this.#chunkHash = undefined;
      this.#state = 'trailer';
    } else {
      this.#remaining = size;
      this.#state = 'data';
    }
  }

  /** Chunk string to sign: AWS4-HMAC-SHA256-PAYLOAD, date, scope, previous signature, hash(""), hash(data). */
  #verifyChunk(dataHash: string): void {
    const signing = this.#options.signing;
    if (signing === undefined) return;
    const stringToSign = [
      'AWS4-HMAC-SHA256-PAYLOAD', signing.amzDate, signing.scope, this.#previousSignature, EMPTY_SHA256, dataHash,
    ].join('\n');
    if (!signaturesEqual(computeSignature(signing.signingKey, stringToSign), this.#chunkSignature)) {
      throw new S3Error('SignatureDoesNotMatch', 'The chunk signature does not match.');
    }
    this.#previousSignature = this.#chunkSignature;
  }

  #onTrailerLine(line: string): void {
    if (line === '') {
      this.#finishTrailer();
      return;
    }
    if (!this.#options.trailer) throw malformed('trailing headers in a body that declared none.');
    if (this.#trailerSigned) throw malformed('trailing header after x-amz-trailer-signature.');
    const colon = line.indexOf(':');
    const name = line.slice(0, Math.max(colon, 0)).trim().toLowerCase();
    if (colon <= 0 || name === '') throw malformed('trailing header without a name.');
    const value = line.slice(colon + 1).trim();
    if (name === TRAILER_SIGNATURE) {
      this.#verifyTrailer(value);
      return;
    }
    if (Object.hasOwn(this.#trailers, name) || this.#trailerLines.length >= MAX_TRAILER_LINES) {
      throw malformed('duplicate or too many trailing headers.');
    }
    this.#trailerLines.push(line);
    this.#trailers[name] = value;
  }

  /** Trailer string to sign: AWS4-HMAC-SHA256-TRAILER, date, scope, 0-chunk signature, hash of "name:value\n" lines. */
  #verifyTrailer(signature: string): void {
    this.#trailerSigned = true;
    const signing = this.#options.signing;
    if (signing === undefined) return; // unsigned trailers: a signature line means nothing and is dropped
    const canonical = this.#trailerLines.map((l) => `${l}\n`).join('');
    const stringToSign = [
      'AWS4-HMAC-SHA256-TRAILER', signing.amzDate, signing.scope, this.#previousSignature,
      sha256Hex(Buffer.from(canonical, 'latin1')),
    ].join('\n');
    if (!signaturesEqual(computeSignature(signing.signingKey, stringToSign), signature)) {
      throw new S3Error('SignatureDoesNotMatch', 'The trailer signature does not match.');
    }
  }

  #finishTrailer(): void {
    if (this.#options.trailer && this.#options.signing !== undefined && !this.#trailerSigned) {
      throw new S3Error('SignatureDoesNotMatch', 'The trailer signature (x-amz-trailer-signature) is missing.');
    }
    this.#state = 'done';
  }
}
