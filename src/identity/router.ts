// The identity routes as data: method + path pattern → handler. Matching is pure (tested alone).
import type { IdentityHandler } from './context.ts';
import { createEc2Credential, deleteEc2Credential, getEc2Credential, listEc2Credentials } from './handlers/ec2-credentials.ts';
import { createProject, getProject, listProjects, listUserProjects } from './handlers/projects.ts';
import { getDomain, getRole, grantRole, listDomains, listGrants, listRoles } from './handlers/roles.ts';
import { getCatalog, issueToken, listAuthProjects, revokeToken, validateToken } from './handlers/tokens.ts';
import { changePassword, createUser, getUser, listUsers, updateUser } from './handlers/users.ts';
import { getVersion, listVersions } from './handlers/versions.ts';

export interface Route {
  method: string;
  /** Segments; `:name` captures one path segment. */
  pattern: string;
  handler: IdentityHandler;
}

export const routes: readonly Route[] = [
  { method: 'GET', pattern: '/', handler: listVersions },
  { method: 'GET', pattern: '/v3', handler: getVersion },
  { method: 'POST', pattern: '/v3/auth/tokens', handler: issueToken },
  { method: 'GET', pattern: '/v3/auth/tokens', handler: validateToken },
  { method: 'HEAD', pattern: '/v3/auth/tokens', handler: validateToken },
  { method: 'DELETE', pattern: '/v3/auth/tokens', handler: revokeToken },
  { method: 'GET', pattern: '/v3/auth/projects', handler: listAuthProjects },
  { method: 'GET', pattern: '/v3/auth/catalog', handler: getCatalog },
  { method: 'GET', pattern: '/v3/domains', handler: listDomains },
  { method: 'GET', pattern: '/v3/domains/:domainId', handler: getDomain },
  { method: 'GET', pattern: '/v3/projects', handler: listProjects },
  { method: 'POST', pattern: '/v3/projects', handler: createProject },
  { method: 'GET', pattern: '/v3/projects/:projectId', handler: getProject },
  { method: 'GET', pattern: '/v3/projects/:projectId/users/:userId/roles', handler: listGrants },
  { method: 'PUT', pattern: '/v3/projects/:projectId/users/:userId/roles/:roleId', handler: grantRole },
  { method: 'GET', pattern: '/v3/roles', handler: listRoles },
  { method: 'GET', pattern: '/v3/roles/:roleId', handler: getRole },
  { method: 'GET', pattern: '/v3/users', handler: listUsers },
  { method: 'POST', pattern: '/v3/users', handler: createUser },
  { method: 'GET', pattern: '/v3/users/:userId', handler: getUser },
  { method: 'PATCH', pattern: '/v3/users/:userId', handler: updateUser },
  { method: 'POST', pattern: '/v3/users/:userId/password', handler: changePassword },
  { method: 'GET', pattern: '/v3/users/:userId/projects', handler: listUserProjects },
  { method: 'POST', pattern: '/v3/users/:userId/credentials/OS-EC2', handler: createEc2Credential },
  { method: 'GET', pattern: '/v3/users/:userId/credentials/OS-EC2', handler: listEc2Credentials },
  { method: 'GET', pattern: '/v3/users/:userId/credentials/OS-EC2/:accessKey', handler: getEc2Credential },
  { method: 'DELETE', pattern: '/v3/users/:userId/credentials/OS-EC2/:accessKey', handler: deleteEc2Credential },
];

export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

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

/** Finds the route for a decoded path (a trailing slash is ignored, as Keystone does). */
export function matchRoute(table: readonly Route[], method: string, path: string): RouteMatch {
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
