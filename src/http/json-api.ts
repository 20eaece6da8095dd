// The request pipeline of Coffer's OpenStack-style JSON listeners (identity, key manager): a route
// table, a size-capped body reader, one response writer, request ids and the access log. It knows
// neither API: each brings its routes, its request value and its own error body shape.
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../util/logger.ts';

/** What a handler returns; `writeResponse` is the one place that sends it. */
export interface ApiResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON; not sent for 204 or HEAD. */
  json?: unknown;
  /** Raw bytes (a secret payload): sent as is, with the content type in `headers`. */
  raw?: Buffer;
}

/** A refusal to show the client: status, reason phrase, and a message that never carries a secret. */
export interface Problem {
  readonly status: number;
  readonly title: string;
  readonly message: string;
}

/** A refusal by the plumbing itself (no route, body too large, not JSON); each API renders it in its own shape. */
export class HttpError extends Error implements Problem {
  readonly status: number;
  readonly title: string;

  constructor(status: number, title: string, message: string) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.title = title;
  }
}

export interface Route<H> {
  method: string;
  /** Segments; `:name` captures one path segment. */
  pattern: string;
  handler: H;
}

export type RouteMatch<H> =
  | { kind: 'found'; route: Route<H>; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

/** What the pipeline knows of a request; each API adds its services, body reader and caller. */
export interface RequestBase {
  method: string;
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** `https://host:port` as the client addressed this listener (URLs in responses are built on it). */
  origin: string;
  /** The host name the client used. */
  hostname: string;
}

/** How one API speaks: its JSON content type and its error conventions (Keystone and Barbican differ). */
export interface Dialect {
  /** Keystone sends bare `application/json`, Barbican adds the charset. */
  jsonType: string;
  /** The API's own refusals (its domain errors) as problems; anything else becomes a 500. */
  problem(error: unknown): Problem | undefined;
  /** The API's error body for a problem (the 500 included). */
  errorBody(problem: Problem): unknown;
  /** The WWW-Authenticate value of a 401 (RFC 9110 §15.5.2: a 401 must carry one). */
  challenge(origin: string): string;
  internalMessage: string;
}

export interface JsonApi<R> {
  /** The API's name in the logs. */
  name: string;
  log: Logger;
  /** The listener's own URL (fallback when a request has no usable Host header). */
  url(): string;
  routes: readonly Route<(request: R) => Promise<ApiResponse>>[];
  dialect: Dialect;
  /** The handler's request value, built from the basics and the raw request (for its body). */
  request(base: RequestBase, req: IncomingMessage): R;
}

/** Control bodies only (JSON, a secret payload): object data never passes through here. */
const BODY_LIMIT = 64 * 1024;
const HOST_HEADER = /^[A-Za-z0-9.\-_]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

export function createJsonApi<R>(api: JsonApi<R>) {
  return async function handleJsonApiRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const requestId = `req-${randomBytes(8).toString('hex')}`;
    res.setHeader('x-openstack-request-id', requestId);
    const method = req.method ?? 'GET';
    const { origin, hostname } = requestOrigin(req, api.url());
    const url = new URL(req.url ?? '/', origin);
    let pattern = 'unknown';
    let response: ApiResponse;
    try {
      const match = findRoute(api.routes, method, url.pathname, res);
      pattern = match.route.pattern;
      const base = { method, params: match.params, query: url.searchParams, headers: req.headers, origin, hostname };
      response = await match.route.handler(api.request(base, req));
    } catch (error) {
      response = failure(api, error, requestId, origin);
    }
    // Whatever the handler left unread is drained, so the connection can be kept alive.
    req.resume();
    writeResponse(req, res, response, api.dialect.jsonType);
    const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
    api.log.info({ requestId, api: api.name, method, route: pattern, status: response.status, ms }, 'request');
  };
}

/** The matching route, or 404 / 405 (with the Allow header, RFC 9110 §15.5.6). */
function findRoute<H>(routes: readonly Route<H>[], method: string, path: string, res: ServerResponse) {
  const match = matchRoute(routes, method, path);
  if (match.kind === 'not-found') throw new HttpError(404, 'Not Found', 'The resource could not be found.');
  if (match.kind === 'method-not-allowed') {
    res.setHeader('allow', match.allow.join(', '));
    throw new HttpError(405, 'Method Not Allowed', 'The method is not allowed for this resource.');
  }
  return match;
}

function failure<R>(api: JsonApi<R>, error: unknown, requestId: string, origin: string): ApiResponse {
  const problem = error instanceof HttpError ? error : api.dialect.problem(error);
  if (problem) return errorResponse(api.dialect, problem, origin);
  // Only the error's name and message are logged: a stack or a cause could hold request data.
  api.log.error({ requestId, api: api.name, err: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown' }, 'internal error');
  return errorResponse(api.dialect, { status: 500, title: 'Internal Server Error', message: api.dialect.internalMessage }, origin);
}

function errorResponse(dialect: Dialect, problem: Problem, origin: string): ApiResponse {
  const headers: Record<string, string> = problem.status === 401 ? { 'www-authenticate': dialect.challenge(origin) } : {};
  return { status: problem.status, headers, json: dialect.errorBody(problem) };
}

function segments(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function matchPattern(pattern: string, parts: string[]): Record<string, string> | undefined {
  const expected = segments(pattern);
  if (expected.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, want] of expected.entries()) {
    const got = parts[i] ?? '';
    if (want.startsWith(':')) params[want.slice(1)] = got;
    else if (want !== got) return undefined;
  }
  return params;
}

/**
 * Finds the route for a path, matched on decoded segments. A trailing slash is ignored: Keystone
 * does, and the openstack CLI POSTs to `/v1/secrets/`. Undecodable escapes are a 404.
 */
export function matchRoute<H>(table: readonly Route<H>[], method: string, path: string): RouteMatch<H> {
  let parts: string[];
  try {
    parts = segments(path).map((s) => decodeURIComponent(s));
  } catch {
    return { kind: 'not-found' };
  }
  const allow: string[] = [];
  for (const route of table) {
    const params = matchPattern(route.pattern, parts);
    if (!params) continue;
    if (route.method === method) return { kind: 'found', route, params };
    allow.push(route.method);
  }
  return allow.length > 0 ? { kind: 'method-not-allowed', allow } : { kind: 'not-found' };
}

/** The origin and host name the client addressed, when the Host header is a plain host[:port]; else the listener's. */
export function requestOrigin(req: IncomingMessage, listenerUrl: string): { origin: string; hostname: string } {
  const scheme = listenerUrl.startsWith('https:') ? 'https' : 'http';
  const raw = req.headers.host;
  // Anything else in Host (userinfo, paths, spaces) must not end up in the URLs we hand out.
  const fallback = new URL(listenerUrl).host;
  const host = raw && HOST_HEADER.test(raw) && URL.canParse(`http://${raw}`) ? raw : fallback;
  return { origin: `${scheme}://${host}`, hostname: new URL(`http://${host}`).hostname };
}

/** The body, read into memory up to the limit; 413 beyond it. */
export async function readBody(req: IncomingMessage, limit = BODY_LIMIT): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, 'Request Entity Too Large', `The request body exceeds ${limit} bytes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** 415 unless the content type is JSON. */
export function requireJsonType(contentType: string | undefined): void {
  if (!/^application\/json\b/i.test(contentType ?? '')) {
    throw new HttpError(415, 'Unsupported Media Type', 'The request body must be application/json.');
  }
}

export function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'Bad Request', 'The request body is not valid JSON.');
  }
}

/** A JSON body: the content type is checked before anything is read. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  requireJsonType(headerValue(req.headers, 'content-type'));
  return parseJson(await readBody(req));
}

export function writeResponse(req: IncomingMessage, res: ServerResponse, response: ApiResponse, jsonType: string): void {
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
  const json = response.raw === undefined && response.json !== undefined;
  const body = json ? Buffer.from(JSON.stringify(response.json), 'utf8') : response.raw;
  if (body === undefined || response.status === 204) {
    res.end();
    return;
  }
  if (json) res.setHeader('content-type', jsonType);
  res.setHeader('content-length', body.length);
  // HEAD gets the headers a GET would (Content-Length included), without the body.
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** A header's single value (the first one when repeated). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A lazy step run at most once per request (authentication: handlers may ask more than once). */
export function once<T>(step: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= step());
}
