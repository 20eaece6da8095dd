// Bytes in and out for the key-manager API: a size-capped body reader, the one response writer,
// and the host the client used. Kept here, not shared: protocol layers stay apart.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { IdentityError } from '../domain/identity/model.ts';
import type { BarbicanResponse } from './context.ts';

const BODY_LIMIT = 64 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) throw new IdentityError('PayloadTooLarge', `The request body exceeds ${BODY_LIMIT} bytes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function writeResponse(req: IncomingMessage, res: ServerResponse, response: BarbicanResponse): void {
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
  let body: Buffer | undefined;
  if (response.raw !== undefined) body = response.raw;
  else if (response.json !== undefined) {
    body = Buffer.from(JSON.stringify(response.json), 'utf8');
    res.setHeader('content-type', 'application/json; charset=UTF-8');
  }
  if (body === undefined || response.status === 204) {
    res.end();
    return;
  }
  res.setHeader('content-length', body.length);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** The host[:port] the client addressed, when the Host header is well-formed; else the listener's. */
export function requestHost(req: IncomingMessage, fallback: string): string {
  const raw = req.headers.host;
  if (raw && /^[A-Za-z0-9.\-_]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(raw)) return raw;
  return new URL(fallback).host;
}
