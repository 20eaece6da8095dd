// JSON in and out for the identity API: a size-capped body reader, schema validation, the response
// writer, and the host the client used (for URLs in responses). Not shared: protocol layers stay apart.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { IdentityError } from '../domain/identity/model.ts';
import type { ApiResponse } from './context.ts';

const BODY_LIMIT = 64 * 1024;

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw new IdentityError('UnsupportedMediaType', 'The request body must be application/json.');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) throw new IdentityError('PayloadTooLarge', `The request body exceeds ${BODY_LIMIT} bytes.`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new IdentityError('BadRequest', 'The request body is not valid JSON.');
  }
}

export function writeJson(req: IncomingMessage, res: ServerResponse, response: ApiResponse): void {
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
  if (response.json === undefined || response.status === 204) {
    res.end();
    return;
  }
  const body = Buffer.from(JSON.stringify(response.json), 'utf8');
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', body.length);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** The host (and port) the client addressed, when the Host header is a plain host[:port]. */
export function requestHost(req: IncomingMessage, fallback: string): { host: string; hostname: string } {
  const raw = req.headers.host;
  if (raw && /^[A-Za-z0-9.\-_]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(raw)) {
    const url = new URL(`http://${raw}`);
    return { host: raw, hostname: url.hostname };
  }
  const url = new URL(fallback);
  return { host: url.host, hostname: url.hostname };
}

/** The body checked against a zod schema, 400 on a mismatch. Messages name fields, never values (a value may be a password). */
export function parseBody<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || 'body'}: ${issue.code}`);
  throw new IdentityError('BadRequest', `Invalid request body (${problems.join('; ')}).`);
}
