// /v3/projects: create (admin), list (admin: all; others: their own), show.
import { z } from 'zod';
import type { ApiResponse, IdentityRequest } from '../context.ts';
import { parseBody } from '../parse-body.ts';
import { projectView } from '../views.ts';

const createSchema = z.object({
  project: z.object({
    name: z.string(),
    description: z.string().nullable().optional(),
    domain_id: z.string().nullable().optional(),
    enabled: z.boolean().optional(),
  }),
});

/** POST /v3/projects */
export async function createProject(request: IdentityRequest): Promise<ApiResponse> {
  const caller = await request.caller();
  const { project } = parseBody(createSchema, await request.body());
  const created = await request.services.directory.createProject(caller, {
    name: project.name, description: project.description ?? undefined, domainId: project.domain_id ?? undefined, enabled: project.enabled,
  });
  return { status: 201, json: { project: projectView(request, created) } };
}

/** GET /v3/projects?name=&domain_id= */
export async function listProjects(request: IdentityRequest): Promise<ApiResponse> {
  const caller = await request.caller();
  const projects = await request.services.directory.listProjects(caller, {
    name: request.query.get('name') ?? undefined, domainId: request.query.get('domain_id') ?? undefined,
  });
  return {
    status: 200,
    json: { projects: projects.map((p) => projectView(request, p)), links: { self: `${request.origin}/v3/projects`, next: null, previous: null } },
  };
}

/** GET /v3/projects/{projectId} */
export async function getProject(request: IdentityRequest): Promise<ApiResponse> {
  const caller = await request.caller();
  const project = await request.services.directory.getProject(caller, request.params.projectId ?? '');
  return { status: 200, json: { project: projectView(request, project) } };
}

/** GET /v3/users/{userId}/projects */
export async function listUserProjects(request: IdentityRequest): Promise<ApiResponse> {
  const caller = await request.caller();
  const projects = await request.services.directory.projectsOf(caller, request.params.userId ?? '');
  return {
    status: 200,
    json: { projects: projects.map((p) => projectView(request, p)), links: { self: `${request.origin}/v3/users/${request.params.userId}/projects`, next: null, previous: null } },
  };
}
