// Builds the verified body stream of a request: aws-chunked decoding and signature checks, then
// Content-MD5 / flexible checksum verification, all as bytes pass, nothing buffered.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IncomingBody } from '../domain/body.ts';
import { S3Error } from '../domain/errors.ts';
import type { AuthContext } from './auth/index.ts';
import { createPayloadVerifier } from './auth/index.ts';
import { createBodyDigester, requestedChecksums } from './checksums/index.ts';

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
    summary: () => {
      const result = digester.result();
      return { size: result.size, md5Hex: result.md5Hex, checksum: result.checksum };
    },
  };
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
