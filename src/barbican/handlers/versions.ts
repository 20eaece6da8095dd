// Version discovery: `GET /` lists v1 (300, as Barbican), `GET /v1` describes it. Clients given a
// catalog URL ending in /v1 skip discovery; these answer the ones that do not.
import type { BarbicanRequest, BarbicanResponse } from '../context.ts';

function v1(request: BarbicanRequest) {
  return {
    id: 'v1',
    status: 'stable',
    links: [{ rel: 'self', href: `${request.origin}/v1/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.key-manager-v1+json' }],
  };
}

/** GET / */
export async function listVersions(request: BarbicanRequest): Promise<BarbicanResponse> {
  return { status: 300, json: { versions: { values: [v1(request)] } } };
}

/** GET /v1 */
export async function getVersion(request: BarbicanRequest): Promise<BarbicanResponse> {
  return { status: 200, json: { version: v1(request) } };
}
