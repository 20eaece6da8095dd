// The key-manager routes as data: method + path pattern → handler. Matching is pure (tested alone).
import type { BarbicanHandler } from './context.ts';
import { getSecret, getSecretPayload, listSecrets } from './handlers/secrets-read.ts';
import { createSecret, deleteSecret, putSecretPayload } from './handlers/secrets-write.ts';
import { getVersion, listVersions } from './handlers/versions.ts';

export interface Route {
  method: string;
  /** Segments; `:name` captures one path segment. */
  pattern: string;
  handler: BarbicanHandler;
}

export const routes: readonly Route[] = [
  { method: 'GET', pattern: '/', handler: listVersions },
  { method: 'GET', pattern: '/v1', handler: getVersion },
  { method: 'POST', pattern: '/v1/secrets', handler: createSecret },
  { method: 'GET', pattern: '/v1/secrets', handler: listSecrets },
  { method: 'GET', pattern: '/v1/secrets/:secretId', handler: getSecret },
  { method: 'PUT', pattern: '/v1/secrets/:secretId', handler: putSecretPayload },
  { method: 'DELETE', pattern: '/v1/secrets/:secretId', handler: deleteSecret },
  { method: 'GET', pattern: '/v1/secrets/:secretId/payload', handler: getSecretPayload },
];

export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

/** Finds the route for a path; a trailing slash is ignored (the openstack CLI POSTs to `/v1/secrets/`). */
export function matchRoute(table: readonly Route[], method: string, path: string): RouteMatch {
  let parts: string[];
  try {
    parts = path.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
  } catch {
    return { kind: 'not-found' };
  }
  const allow: string[] = [];
  for (const route of table) {
    const expected = route.pattern.split('/').filter(Boolean);
    if (expected.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const matches = expected.every((want, i) => {
      const got = parts[i] ?? '';
      if (want.startsWith(':')) params[want.slice(1)] = got;
      return want.startsWith(':') || want === got;
    });
    if (!matches) continue;
    if (route.method === method) return { kind: 'found', route, params };
    allow.push(route.method);
  }
  return allow.length > 0 ? { kind: 'method-not-allowed', allow } : { kind: 'not-found' };
}
