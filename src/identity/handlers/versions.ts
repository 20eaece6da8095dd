// Version discovery: `GET /` lists the one version (300, as Keystone), `GET /v3` describes it.
// keystoneauth refuses an auth URL whose version document has no `links`.
import type { ApiResponse, IdentityRequest } from '../context.ts';

function v3(request: IdentityRequest) {
  return {
    id: 'v3.14',
    status: 'stable',
    updated: '2020-04-07T00:00:00Z',
    links: [{ rel: 'self', href: `${request.origin}/v3/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
  };
}

/** GET / */
export async function listVersions(request: IdentityRequest): Promise<ApiResponse> {
  return { status: 300, json: { versions: { values: [v3(request)] } } };
}

/** GET /v3 */
export async function getVersion(request: IdentityRequest): Promise<ApiResponse> {
  return { status: 200, json: { version: v3(request) } };
}
