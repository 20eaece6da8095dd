// /v3/users: create (admin), list, show, update the password (admin), change one's own password.
import { z } from 'zod';
import { Secret } from '../../util/secret.ts';
import type { ApiResponse, IdentityRequest } from '../context.ts';
import { parseBody } from '../parse-body.ts';
import { userView } from '../views.ts';

const createSchema = z.object({
  user: z.object({
    name: z.string(),
    password: z.string().nullable().optional(),
    default_project_id: z.string().nullable().optional(),
    domain_id: z.string().nullable().optional(),
    enabled: z.boolean().optional(),
  }),
});

const updateSchema = z.object({
  user: z.object({
    password: z.string().optional(),
    enabled: z.boolean().optional(),
    default_project_id: z.string().optional(),
  }),
});

const changePasswordSchema = z.object({ user: z.object({ password: z.string(), original_password: z.string() }) });

const secretOf = (value: string | null | undefined) => (value === null || value === undefined ? undefined : Secret.fromString(value));

/** POST /v3/users */
export async function createUser(request: IdentityRequest): Promise<ApiResponse> {
  const caller = await request.caller();
  const { user } = parseBody(createSchema, await request.body());
  const created = await request.services.directory.createUser(caller, {
    name: user.name, password: secretOf(user.password), defaultProjectId: user.default_project_id ?? undefined,
    domainId: user.domain_id ?? undefined, enabled: user.enabled,
  });
  return { status: 201, json: { user: userView(request, created) } };
}

/** GET /v3/users?name=&domain_id= */
export async function listUsers(request: IdentityRequest): Promise<ApiResponse> {
  const caller = await request.caller();
  const users = await request.services.directory.listUsers(caller, {
    name: request.query.get('name') ?? undefined, domainId: request.query.get('domain_id') ?? undefined,
  });
  return { status: 200, json: { users: users.map((u) => userView(request, u)), links: { self: `${request.origin}/v3/users`, next: null, previous: null } } };
}

/** GET /v3/users/{userId} */
export async function getUser(request: IdentityRequest): Promise<ApiResponse> {
  const caller = await request.caller();
  const user = await request.services.directory.getUser(caller, request.params.userId ?? '');
  return { status: 200, json: { user: userView(request, user) } };
}

/** PATCH /v3/users/{userId} */
export async function updateUser(request: IdentityRequest): Promise<ApiResponse> {
  const caller = await request.caller();
  const { user } = parseBody(updateSchema, await request.body());
  const updated = await request.services.directory.updateUser(caller, request.params.userId ?? '', {
    password: secretOf(user.password), enabled: user.enabled, defaultProjectId: user.default_project_id,
  });
  return { status: 200, json: { user: userView(request, updated) } };
}

/** POST /v3/users/{userId}/password: proven by the original password, no token needed (as Keystone). */
export async function changePassword(request: IdentityRequest): Promise<ApiResponse> {
  const { user } = parseBody(changePasswordSchema, await request.body());
  await request.services.directory.changePassword(
    request.params.userId ?? '', Secret.fromString(user.original_password), Secret.fromString(user.password),
  );
  return { status: 204 };
}
