// The key-manager (Barbican v1 secrets) request pipeline: authenticate by X-Auth-Token (or the
// operator's explicit unauthenticated project) → route → handler → one writer, Barbican-shaped
// JSON errors. Logs method, route pattern, status and time; never bodies, payloads or tokens.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KeyStoreActor } from '../domain/identity/key-store.ts';
import { IdentityError, isIdentityError } from '../domain/identity/model.ts';
import { headerValue, type BarbicanRequest, type BarbicanResponse, type BarbicanServices } from './context.ts';
import { readBody, requestHost, writeResponse } from './http-io.ts';
import { matchRoute, routes } from './router.ts';
import { errorView } from './views.ts';

export interface BarbicanApiOptions {
  /** The listener's own URL (fallback when a request has no usable Host header). */
  url(): string;
}

async function authenticate(services: BarbicanServices, token: string | undefined): Promise<KeyStoreActor> {
  const context = token ? await services.validateToken(token) : undefined;
  if (context?.project) return { projectId: context.project.id, userId: context.user.id, roles: context.roles };
  if (context) throw new IdentityError('Unauthorized', 'A project-scoped token is required.');
  // Only with the operator's explicit opt-in; `X-Auth-Token: notused` (auth-type none) lands here.
  if (services.unauthenticated) return services.unauthenticated;
  throw new IdentityError('Unauthorized', 'A valid X-Auth-Token is required (unauthenticated access is off).');
}

export function createBarbicanApi(services: BarbicanServices, options: BarbicanApiOptions) {
  return async function handleBarbicanRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const requestId = `req-${randomBytes(8).toString('hex')}`;
    res.setHeader('x-openstack-request-id', requestId);
    const method = req.method ?? 'GET';
    const scheme = options.url().startsWith('https:') ? 'https' : 'http';
    const origin = `${scheme}://${requestHost(req, options.url())}`;
    const url = new URL(req.url ?? '/', origin);
    let pattern = 'unknown';
    let response: BarbicanResponse;
    try {
      const match = matchRoute(routes, method, url.pathname);
      if (match.kind === 'not-found') throw new IdentityError('NotFound', 'The resource could not be found.');
      if (match.kind === 'method-not-allowed') {
        res.setHeader('allow', match.allow.join(', '));
        throw new IdentityError('MethodNotAllowed', 'The method is not allowed for this resource.');
      }
      pattern = match.route.pattern;
      let actor: Promise<KeyStoreActor> | undefined;
      const request: BarbicanRequest = {
        method, params: match.params, query: url.searchParams, headers: req.headers, origin, services,
        body: () => readBody(req),
        actor: () => (actor ??= authenticate(services, headerValue(req.headers, 'x-auth-token'))),
      };
      response = await match.route.handler(request);
    } catch (error) {
      response = toResponse(error, services, requestId);
    }
    req.resume();
    writeResponse(req, res, response);
    const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
    services.log.info({ requestId, api: 'key-manager', method, route: pattern, status: response.status, ms }, 'request');
  };
}

function toResponse(error: unknown, services: BarbicanServices, requestId: string): BarbicanResponse {
  if (isIdentityError(error)) {
    const headers: Record<string, string> = error.status === 401 ? { 'www-authenticate': 'Keystone' } : {};
    return { status: error.status, headers, json: errorView(error.status, error.title, error.message) };
  }
  services.log.error({ requestId, api: 'key-manager', err: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown' }, 'internal error');
  return { status: 500, json: errorView(500, 'Internal Server Error', 'Secret retrieval failed; see the server log.') };
}
