// The key-manager routes as data: method + path pattern → handler. Matching (pure, tested alone) is
// the shared pipeline's, re-exported so the table and its matcher are found together.
import type { Route as JsonRoute } from '../http/json-api.ts';
import type { BarbicanHandler } from './context.ts';
import { getSecret, getSecretPayload, listSecrets } from './handlers/secrets-read.ts';
import { createSecret, deleteSecret, putSecretPayload } from './handlers/secrets-write.ts';
import { getVersion, listVersions } from './handlers/versions.ts';

export { matchRoute } from '../http/json-api.ts';

export type Route = JsonRoute<BarbicanHandler>;

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
