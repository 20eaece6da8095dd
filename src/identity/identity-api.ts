// The identity (Keystone v3 subset) request pipeline: route → handler → one JSON writer, with
// Keystone-shaped errors. Logs method, route pattern, status and time; never bodies or tokens.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { IdentityError, isIdentityError, type TokenContext } from '../domain/identity/model.ts';
import { headerValue, type ApiResponse, type IdentityRequest, type IdentityServices } from './context.ts';
import { readJson, requestHost, writeJson } from './http-io.ts';
import { matchRoute, routes } from './router.ts';

export interface IdentityApiOptions {
  /** The listener's own URL (fallback when a request has no usable Host header). */
  url(): string;
}

function errorResponse(error: IdentityError, origin: string): ApiResponse {
  return {
    status: error.status,
    headers: error.status === 401 ? { 'www-authenticate': `Keystone uri="${origin}/v3"` } : {},
    json: { error: { code: error.status, title: error.title, message: error.message } },
  };
}

export function createIdentityApi(services: IdentityServices, options: IdentityApiOptions) {
  return async function handleIdentityRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const requestId = `req-${randomBytes(8).toString('hex')}`;
    res.setHeader('x-openstack-request-id', requestId);
    const method = req.method ?? 'GET';
    const { host, hostname } = requestHost(req, options.url());
    const scheme = options.url().startsWith('https:') ? 'https' : 'http';
    const origin = `${scheme}://${host}`;
    const url = new URL(req.url ?? '/', origin);
    let pattern = 'unknown';
    let response: ApiResponse;
    try {
      const match = matchRoute(routes, method, url.pathname);
      if (match.kind === 'not-found') throw new IdentityError('NotFound', 'The resource could not be found.');
      if (match.kind === 'method-not-allowed') {
        res.setHeader('allow', match.allow.join(', '));
        throw new IdentityError('MethodNotAllowed', 'The method is not allowed for this resource.');
      }
      pattern = match.route.pattern;
      let caller: Promise<TokenContext> | undefined;
      const request: IdentityRequest = {
        method, params: match.params, query: url.searchParams, headers: req.headers, origin, hostname, services,
        body: () => readJson(req),
        caller: () => (caller ??= authenticate(services, headerValue(req.headers, 'x-auth-token'))),
      };
      response = await match.route.handler(request);
    } catch (error) {
      response = toResponse(error, services, requestId, origin);
    }
    req.resume();
    writeJson(req, res, response);
    const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
    services.log.info({ requestId, api: 'identity', method, route: pattern, status: response.status, ms }, 'request');
  };
}

async function authenticate(services: IdentityServices, token: string | undefined): Promise<TokenContext> {
  const context = token ? await services.auth.validate(token) : undefined;
  if (!context) throw new IdentityError('Unauthorized', 'The request you have made requires authentication.');
  return context;
}

function toResponse(error: unknown, services: IdentityServices, requestId: string, origin: string): ApiResponse {
  if (isIdentityError(error)) return errorResponse(error, origin);
  services.log.error({ requestId, api: 'identity', err: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown' }, 'internal error');
  return { status: 500, json: { error: { code: 500, title: 'Internal Server Error', message: 'An unexpected error prevented the server from fulfilling your request.' } } };
}
