// The key-manager (Barbican v1 secrets) API on the shared JSON pipeline: its routes, its request
// value (raw body, actor from X-Auth-Token or the operator's explicit unauthenticated project) and
// Barbican-shaped errors. The access log never holds bodies, payloads or tokens.
import type { IncomingMessage } from 'node:http';
import type { KeyStoreActor } from '../domain/identity/key-store.ts';
import { IdentityError, isIdentityError } from '../domain/identity/model.ts';
import { createJsonApi, headerValue, once, readBody, type Dialect, type RequestBase } from '../http/json-api.ts';
import type { BarbicanRequest, BarbicanServices } from './context.ts';
import { routes } from './router.ts';
import { errorView } from './views.ts';

export interface BarbicanApiOptions {
  /** The listener's own URL (fallback when a request has no usable Host header). */
  url(): string;
}

/** Barbican's JSON type and error body (see views.ts: the openstack CLI needs `title`). */
const barbican: Dialect = {
  jsonType: 'application/json; charset=UTF-8',
  problem: (error) => (isIdentityError(error) ? error : undefined),
  errorBody: ({ status, title, message }) => errorView(status, title, message),
  challenge: () => 'Keystone',
  internalMessage: 'Secret retrieval failed; see the server log.',
};

async function authenticate(services: BarbicanServices, token: string | undefined): Promise<KeyStoreActor> {
  const context = token ? await services.validateToken(token) : undefined;
  if (context?.project) return { projectId: context.project.id, userId: context.user.id, roles: context.roles };
  if (context) throw new IdentityError('Unauthorized', 'A project-scoped token is required.');
  // Only with the operator's explicit opt-in; `X-Auth-Token: notused` (auth-type none) lands here.
  if (services.unauthenticated) return services.unauthenticated;
  throw new IdentityError('Unauthorized', 'A valid X-Auth-Token is required (unauthenticated access is off).');
}

export function createBarbicanApi(services: BarbicanServices, options: BarbicanApiOptions) {
  // The body stays raw (a PUT payload is bytes; createSecret decodes its JSON); the actor is looked up once.
  const request = (base: RequestBase, req: IncomingMessage): BarbicanRequest => ({
    ...base, services, body: () => readBody(req),
    actor: once(() => authenticate(services, headerValue(req.headers, 'x-auth-token'))),
  });
  return createJsonApi({ name: 'key-manager', log: services.log, url: options.url, routes, dialect: barbican, request });
}
