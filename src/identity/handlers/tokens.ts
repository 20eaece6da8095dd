// /v3/auth/*: issue a token (password or token method, project scope or unscoped), validate one,
// revoke one, and the caller's projects and catalog. Bodies carry passwords: never logged.
import { z } from 'zod';
import type { ProjectScope } from '../../domain/identity/auth-service.ts';
import { IdentityError, isAdmin } from '../../domain/identity/model.ts';
import { Secret } from '../../util/secret.ts';
import { headerValue } from '../../http/json-api.ts';
import type { ApiResponse, IdentityRequest } from '../context.ts';
import { parseBody } from '../parse-body.ts';
import { catalogView, projectView, tokenView } from '../views.ts';

const domainRef = z.object({ id: z.string().optional(), name: z.string().optional() });
const authSchema = z.object({
  auth: z.object({
    identity: z.object({
      methods: z.array(z.string()).min(1),
      password: z.object({
        user: z.object({ id: z.string().optional(), name: z.string().optional(), domain: domainRef.optional(), password: z.string() }),
      }).optional(),
      token: z.object({ id: z.string() }).optional(),
    }),
    scope: z.union([
      z.literal('unscoped'),
      z.object({
        project: z.object({ id: z.string().optional(), name: z.string().optional(), domain: domainRef.optional() }).optional(),
        domain: domainRef.optional(),
        system: z.unknown().optional(),
      }),
    ]).optional(),
  }),
});

function scopeOf(scope: z.infer<typeof authSchema>['auth']['scope']): ProjectScope | undefined {
  if (scope === undefined || scope === 'unscoped') return undefined;
  if (scope.project) return scope.project;
  throw new IdentityError('Unauthorized', 'Only project scope is supported.');
}

/** POST /v3/auth/tokens */
export async function issueToken(request: IdentityRequest): Promise<ApiResponse> {
  const { auth } = parseBody(authSchema, await request.body());
  const scope = scopeOf(auth.scope);
  const { methods, password, token } = auth.identity;
  let issued;
  if (methods.includes('password') && password) {
    const { password: plain, ...user } = password.user;
    issued = await request.services.auth.authenticatePassword(user, Secret.fromString(plain), scope);
  } else if (methods.includes('token') && token) {
    issued = await request.services.auth.authenticateToken(token.id, scope);
  } else {
    throw new IdentityError('Unauthorized', 'Only the password and token methods are supported.');
  }
  const withCatalog = !request.query.has('nocatalog');
  return {
    status: 201,
    headers: { 'x-subject-token': issued.token.reveal().toString('utf8') },
    json: tokenView(request, issued.context, withCatalog),
  };
}

/** The X-Subject-Token's context; the caller must be its user or an admin. */
async function subject(request: IdentityRequest) {
  const caller = await request.caller();
  const token = headerValue(request.headers, 'x-subject-token');
  const context = token ? await request.services.auth.validate(token) : undefined;
  if (!token || !context) throw new IdentityError('NotFound', 'Could not find token.');
  if (context.user.id !== caller.user.id && !isAdmin(caller)) throw new IdentityError('Forbidden', 'You may only inspect your own tokens.');
  return { token, context };
}

/** GET (and HEAD) /v3/auth/tokens */
export async function validateToken(request: IdentityRequest): Promise<ApiResponse> {
  const { token, context } = await subject(request);
  return { status: 200, headers: { 'x-subject-token': token }, json: tokenView(request, context, !request.query.has('nocatalog')) };
}

/** DELETE /v3/auth/tokens */
export async function revokeToken(request: IdentityRequest): Promise<ApiResponse> {
  const { token } = await subject(request);
  await request.services.auth.revoke(token);
  return { status: 204 };
}

/** GET /v3/auth/projects */
export async function listAuthProjects(request: IdentityRequest): Promise<ApiResponse> {
  const caller = await request.caller();
  const projects = await request.services.directory.projectsOf(caller, caller.user.id);
  return { status: 200, json: { projects: projects.map((p) => projectView(request, p)), links: { self: `${request.origin}/v3/auth/projects`, next: null, previous: null } } };
}

/** GET /v3/auth/catalog */
export async function getCatalog(request: IdentityRequest): Promise<ApiResponse> {
  const caller = await request.caller();
  if (!caller.project) throw new IdentityError('Forbidden', 'An unscoped token has no catalog.');
  return { status: 200, json: { catalog: catalogView(request.hostname, request.services.endpoints()), links: { self: `${request.origin}/v3/auth/catalog` } } };
}
