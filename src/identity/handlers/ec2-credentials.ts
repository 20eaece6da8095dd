// /v3/users/{userId}/credentials/OS-EC2: the S3 access keys `openstack ec2 credentials` manages.
// Responses carry the secret key (as Keystone's do); they are never logged.
import { z } from 'zod';
import { IdentityError } from '../../domain/identity/model.ts';
import type { ApiResponse, IdentityRequest } from '../context.ts';
import { parseBody } from '../parse-body.ts';
import { ec2View } from '../views.ts';

const createSchema = z.object({ tenant_id: z.string().optional(), project_id: z.string().optional() });

/** POST /v3/users/{userId}/credentials/OS-EC2 with {"tenant_id": …} (default: the token's project) */
export async function createEc2Credential(request: IdentityRequest): Promise<ApiResponse> {
  const caller = await request.caller();
  const body = parseBody(createSchema, await request.body());
  const projectId = body.tenant_id ?? body.project_id ?? caller.project?.id;
  if (!projectId) throw new IdentityError('BadRequest', 'tenant_id is required with an unscoped token.');
  const record = await request.services.ec2.create(caller, request.params.userId ?? '', projectId);
  return { status: 201, json: { credential: ec2View(request, record) } };
}

/** GET /v3/users/{userId}/credentials/OS-EC2 */
export async function listEc2Credentials(request: IdentityRequest): Promise<ApiResponse> {
  const caller = await request.caller();
  const records = await request.services.ec2.list(caller, request.params.userId ?? '');
  return {
    status: 200,
    json: { credentials: records.map((r) => ec2View(request, r)), links: { self: `${request.origin}/v3/users/${request.params.userId}/credentials/OS-EC2`, next: null, previous: null } },
  };
}

/** GET /v3/users/{userId}/credentials/OS-EC2/{accessKey} */
export async function getEc2Credential(request: IdentityRequest): Promise<ApiResponse> {
  const caller = await request.caller();
  const record = await request.services.ec2.get(caller, request.params.userId ?? '', request.params.accessKey ?? '');
  return { status: 200, json: { credential: ec2View(request, record) } };
}

/** DELETE /v3/users/{userId}/credentials/OS-EC2/{accessKey} */
export async function deleteEc2Credential(request: IdentityRequest): Promise<ApiResponse> {
  const caller = await request.caller();
  await request.services.ec2.delete(caller, request.params.userId ?? '', request.params.accessKey ?? '');
  return { status: 204 };
}
