// The identity (Keystone v3 subset) API on the shared JSON pipeline: its routes, its request value
// (JSON body, caller from X-Auth-Token) and Keystone-shaped errors. The access log names method,
// route pattern, status and time; never bodies or tokens.
import type { IncomingMessage } from 'node:http';
import { IdentityError, isIdentityError, type TokenContext } from '../domain/identity/model.ts';
import { createJsonApi, headerValue, once, readJson, type Dialect, type RequestBase } from '../http/json-api.ts';
import type { IdentityRequest, IdentityServices } from './context.ts';
import { routes } from './router.ts';

export interface IdentityApiOptions {
  /** The listener's own URL (fallback when a request has no usable Host header). */
  url(): string;
}

/** Keystone's error body; a 401 names where to authenticate, as keystoneauth expects. */
const keystone: Dialect = {
  jsonType: 'application/json',
  problem: (error) => (isIdentityError(error) ? error : undefined),
  errorBody: ({ status, title, message }) => ({ error: { code: status, title, message } }),
  challenge: (origin) => `Keystone uri="${origin}/v3"`,
  internalMessage: 'An unexpected error prevented the server from fulfilling your request.',
};

async function authenticate(services: IdentityServices, token: string | undefined): Promise<TokenContext> {
  const context = token ? await services.auth.validate(token) : undefined;
  if (!context) throw new IdentityError('Unauthorized', 'The request you have made requires authentication.');
  return context;
}

export function createIdentityApi(services: IdentityServices, options: IdentityApiOptions) {
  // The caller is looked up on first use only: version discovery and token issue need none.
  const request = (base: RequestBase, req: IncomingMessage): IdentityRequest => ({
    ...base, services, body: () => readJson(req),
    caller: once(() => authenticate(services, headerValue(req.headers, 'x-auth-token'))),
  });
  return createJsonApi({ name: 'identity', log: services.log, url: options.url, routes, dialect: keystone, request });
}
