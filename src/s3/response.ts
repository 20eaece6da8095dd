// The value every S3 handler returns, and the one function that writes it to the socket.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface S3Response {
  status: number;
  headers: Record<string, string | number | undefined>;
  body?: Buffer | string | Readable | undefined;
}

export function xmlResponse(xml: string, status = 200): S3Response {
  return { status, headers: { 'content-type': 'application/xml' }, body: xml };
}

export function emptyResponse(status = 200, headers: S3Response['headers'] = {}): S3Response {
  return { status, headers: { ...headers, 'content-length': 0 } };
}

/**
 * Writes status, headers and body; a HEAD response never carries a body. The headers go out in one
 * `writeHead` with a flat name/value list: setting them one by one builds and then walks Node's
 * header map, which cost a few µs of every small request.
 */
export async function writeResponse(
  req: IncomingMessage, res: ServerResponse, response: S3Response, identity: readonly string[],
): Promise<void> {
  // A text body is encoded once: its length and the bytes sent come from the same buffer (counting
  // a 200 KB listing's UTF-8 and then encoding it again for the socket walked it twice).
  const body = typeof response.body === 'string' ? Buffer.from(response.body) : response.body;
  const whole = Buffer.isBuffer(body);
  const sendsBody = req.method !== 'HEAD' && body !== undefined;
  const headers: (string | number)[] = [...identity];
  for (const name in response.headers) {
    const value = response.headers[name];
    // A whole body's own length wins over a declared one.
    if (value !== undefined && !(whole && sendsBody && name === 'content-length')) headers.push(name, value);
  }
  if (whole && sendsBody) headers.push('content-length', body.length);
  res.writeHead(response.status, headers as string[]);
  if (!sendsBody) {
    if (typeof body === 'object' && !Buffer.isBuffer(body)) body.destroy();
    res.end();
    return;
  }
  if (whole) {
    res.end(body);
    return;
  }
  await pipeline(body, res);
}

/**
 * Waits for a body stream's first bytes before anything is sent, so a failure to open or
 * authenticate the start of an object (vanished file, tampered first chunk) becomes a proper
 * error response instead of a cut connection after a 200. The stream itself is passed on
 * untouched (no re-wrapping: every layer costs on large GETs), or, when all its bytes are
 * already buffered (small objects), as one buffer that goes out with the headers in one write.
 */
export async function primeBody(response: S3Response): Promise<S3Response> {
  const body = response.body;
  if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) return response;
  await once(body, 'readable');
  const declared = Number(response.headers['content-length']);
  if (body.readableLength > 0 && body.readableLength === declared) {
    const whole = body.read() as Buffer;
    body.destroy();
    return { ...response, body: whole };
  }
  return response;
}
