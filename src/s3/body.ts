// Builds the verified body of a request: aws-chunked decoding and signature checks, then
// Content-MD5 / flexible checksum verification, as bytes pass; a small plain object body is read
// whole and verified at once instead (openObjectBody).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BufferedBody, IncomingBody, ObjectBody } from '../domain/body.ts';
import { S3Error } from '../domain/errors.ts';
import type { AuthContext } from './auth/index.ts';
import { createPayloadVerifier, plainPayloadOf, verifyPayloadSha256, type PlainPayload } from './auth/index.ts';
import { createBodyDigester, digestWholeBody, requestedChecksums } from './checksums/index.ts';

export const MAX_SINGLE_PUT = 5 * 1024 ** 3;
const DEFAULT_CONTROL_LIMIT = 4 * 1024 * 1024;

function sendContinue(req: IncomingMessage, res: ServerResponse): void {
  // Answered only now, after authentication and the handler's checks, so a refused upload sends no body.
  if (req.headers.expect?.toLowerCase() === '100-continue' && !res.headersSent) res.writeContinue();
}

export function openBody(
  req: IncomingMessage, res: ServerResponse, auth: AuthContext | undefined, options: { computeMd5: boolean },
): IncomingBody {
  const verifier = createPayloadVerifier(auth, req.headers);
  const length = verifier.decodedLength;
  if (length === undefined) throw new S3Error('MissingContentLength');
  if (length > MAX_SINGLE_PUT) throw new S3Error('EntityTooLarge');
  const checksums = requestedChecksums(req.headers);
  const digester = createBodyDigester({
    ...checksums,
    computeMd5: options.computeMd5 || checksums.contentMd5 !== undefined,
    getTrailers: () => verifier.trailers(),
    expectedLength: length,
  });
  sendContinue(req, res);
  // Errors travel down the chain to the digester, which the consumer sees. The request itself is
  // not destroyed but drained, so the error response can still be sent on this connection.
  const decoded = verifier.stream;
  const stopReading = (error: Error) => {
    req.unpipe(decoded);
    req.resume();
    digester.destroy(error);
  };
  // A client that hangs up mid-body is a client error, not an internal one (Node says "aborted").
  req.on('error', () => decoded.destroy(new S3Error('IncompleteBody')));
  // A client that disconnects mid-body must not leave the write waiting for bytes that never come.
  req.on('close', () => {
    if (!req.complete) decoded.destroy(new S3Error('IncompleteBody'));
  });
  decoded.on('error', stopReading);
  digester.on('error', () => {
    req.unpipe(decoded);
    req.resume();
  });
  req.pipe(decoded).pipe(digester);
  return {
    stream: digester,
    // Only HTTP framing makes the size certain. An aws-chunked body that declares more than it
    // sends fails at its end; spooled (when small) it fails before any file is opened, so the
    // error is answered at once, even to a client that half-closes after sending.
    declaredSize: plainPayloadOf(auth, req.headers) ? length : undefined,
    summary: () => {
      const result = digester.result();
      return { size: result.size, md5Hex: result.md5Hex, checksum: result.checksum };
    },
  };
}

/**
 * Bodies sent as is (not aws-chunked) up to this size are read whole and verified at once: for a
 * 4 KiB PUT the stream stages cost more than the work they carry. Memory per request stays below
 * what the inline spooling of a streamed body holds (INLINE_LIMIT).
 */
export const BUFFERED_BODY_LIMIT = 64 * 1024;

/** The body of a new object: small plain bodies whole, everything else as openBody streams it. */
export function openObjectBody(
  req: IncomingMessage, res: ServerResponse, auth: AuthContext | undefined, options: { computeMd5: boolean },
): ObjectBody {
  const plain = plainPayloadOf(auth, req.headers);
  const length = plain?.contentLength;
  if (plain === undefined || length === undefined || length > BUFFERED_BODY_LIMIT) return openBody(req, res, auth, options);
  const checksums = requestedChecksums(req.headers);
  const digestOptions = { ...checksums, computeMd5: options.computeMd5 || checksums.contentMd5 !== undefined, expectedLength: length };
  sendContinue(req, res);
  const buffered = readWhole(req, length).then((bytes) => verifyWhole(bytes, plain, digestOptions));
  // The handler awaits it; until then a client that hangs up must not be an unhandled rejection.
  buffered.catch(() => undefined);
  return { buffered };
}

async function verifyWhole(
  bytes: Buffer, payload: PlainPayload, digestOptions: Parameters<typeof digestWholeBody>[1],
): Promise<BufferedBody> {
  verifyPayloadSha256(payload, bytes);
  const digest = await digestWholeBody(bytes, digestOptions);
  return { bytes, summary: { size: digest.size, md5Hex: digest.md5Hex, checksum: digest.checksum } };
}

/** The request body as one buffer; a body that ends short (the client hung up) is IncompleteBody. */
function readWhole(req: IncomingMessage, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const pieces: Buffer[] = [];
    let received = 0;
    const finish = (error: S3Error | undefined) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onBroken);
      req.off('close', onBroken);
      if (error) reject(error);
      else resolve(pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces, received));
    };
    const onData = (piece: Buffer) => {
      received += piece.length;
      pieces.push(piece);
    };
    // HTTP framing stops the body at Content-Length, so only a short body can disagree with it.
    const onEnd = () => finish(received === length ? undefined : new S3Error('IncompleteBody'));
    const onBroken = () => {
      if (!req.complete) finish(new S3Error('IncompleteBody'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onBroken);
    req.on('close', onBroken);
  });
}

export async function readControlBody(
  req: IncomingMessage, res: ServerResponse, auth: AuthContext | undefined, limit = DEFAULT_CONTROL_LIMIT,
): Promise<Buffer> {
  // A control request without Content-Length or Transfer-Encoding simply has no body (HTTP/1.1).
  const framed = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  if (!framed) return Buffer.alloc(0);
  const body = openBody(req, res, auth, { computeMd5: true });
  const pieces: Buffer[] = [];
  let total = 0;
  for await (const piece of body.stream) {
    total += (piece as Buffer).length;
    if (total > limit) throw new S3Error('MalformedXML', 'The request body is too large.');
    pieces.push(piece as Buffer);
  }
  return Buffer.concat(pieces);
}
