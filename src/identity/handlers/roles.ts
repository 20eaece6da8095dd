// Roles and domains: the fixed role list, grants on a project, and the Default domain.
import { IdentityError, isRole, type RoleName } from '../../domain/identity/model.ts';
import { resolveDomain } from '../../domain/identity/auth-service.ts';
import type { ApiResponse, IdentityRequest } from '../context.ts';
import { domainView, roleView } from '../views.ts';

function roleParam(request: IdentityRequest): RoleName {
  const role = request.params.roleId ?? '';
  if (!isRole(role)) throw new IdentityError('NotFound', `Could not find role: ${role.slice(0, 64)}.`);
  return role;
}

/** GET /v3/roles?name= */
export async function listRoles(request: IdentityRequest): Promise<ApiResponse> {
  await request.caller();
  const name = request.query.get('name');
  const roles = request.services.directory.listRoles().filter((role) => name === null || role === name);
  return { status: 200, json: { roles: roles.map((r) => roleView(request, r)), links: { self: `${request.origin}/v3/roles`, next: null, previous: null } } };
}

/** GET /v3/roles/{roleId} (ids are the names) */
export async function getRole(request: IdentityRequest): Promise<ApiResponse> {
  await request.caller();
  return { status: 200, json: { role: roleView(request, roleParam(request)) } };
}

/** PUT /v3/projects/{projectId}/users/{userId}/roles/{roleId} */
export async function grantRole(request: IdentityRequest): Promise<ApiResponse> {
  const caller = await request.caller();
  await request.services.directory.grantRole(caller, request.params.projectId ?? '', request.params.userId ?? '', roleParam(request));
  return { status: 204 };
}

/** GET /v3/projects/{projectId}/users/{userId}/roles */
export async function listGrants(request: IdentityRequest): Promise<ApiResponse> {
  const caller = await request.caller();
  const roles = await request.services.directory.rolesOn(caller, request.params.projectId ?? '', request.params.userId ?? '');
  return { status: 200, json: { roles: roles.map((r) => roleView(request, r)), links: { self: null, next: null, previous: null } } };
}

/** GET /v3/domains?name= */
export async function listDomains(request: IdentityRequest): Promise<ApiResponse> {
  await request.caller();
  const name = request.query.get('name');
  const domains = name === null || name === 'Default' ? [domainView(request)] : [];
  return { status: 200, json: { domains, links: { self: `${request.origin}/v3/domains`, next: null, previous: null } } };
}

/** GET /v3/domains/{domainId} (the id `default`, or the name `Default` as osc's lookup tries it) */
export async function getDomain(request: IdentityRequest): Promise<ApiResponse> {
  await request.caller();
  const id = request.params.domainId ?? '';
  if (id !== 'default') resolveDomain({ name: id });
  return { status: 200, json: { domain: domainView(request) } };
}
