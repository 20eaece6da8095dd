// The identity routes as data: method + path pattern → handler. Matching (pure, tested alone) is
// the shared pipeline's, re-exported so the table and its matcher are found together.
import type { Route as JsonRoute } from '../http/json-api.ts';
import type { IdentityHandler } from './context.ts';
import { createEc2Credential, deleteEc2Credential, getEc2Credential, listEc2Credentials } from './handlers/ec2-credentials.ts';
import { createProject, getProject, listProjects, listUserProjects } from './handlers/projects.ts';
import { getDomain, getRole, grantRole, listDomains, listGrants, listRoles } from './handlers/roles.ts';
import { getCatalog, issueToken, listAuthProjects, revokeToken, validateToken } from './handlers/tokens.ts';
import { changePassword, createUser, getUser, listUsers, updateUser } from './handlers/users.ts';
import { getVersion, listVersions } from './handlers/versions.ts';

export { matchRoute } from '../http/json-api.ts';

export type Route = JsonRoute<IdentityHandler>;

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
