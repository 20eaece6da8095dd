// Reading secrets: metadata (or, legacy, the payload by Accept), the payload, and the paged list.
import { IdentityError } from '../../domain/identity/model.ts';
import type { SecretFilter } from '../../domain/identity/ports.ts';
import { headerValue } from '../../http/json-api.ts';
import type { BarbicanRequest, BarbicanResponse } from '../context.ts';
import { negotiatePayloadType, wantsLegacyPayload } from '../payload.ts';
import { secretView } from '../views.ts';

const MAX_LIMIT = 100;

async function payloadResponse(request: BarbicanRequest): Promise<BarbicanResponse> {
  const actor = await request.actor();
  const { record, payload } = await request.services.keyStore.payload(actor, request.params.secretId ?? '');
  const type = negotiatePayloadType(headerValue(request.headers, 'accept'), record.contentType);
  if (!type) throw new IdentityError('NotAcceptable', `Wrong payload content-type: the secret is served as ${record.contentType ?? 'nothing'}.`);
  return { status: 200, headers: { 'content-type': type, 'cache-control': 'no-store' }, raw: Buffer.from(payload.reveal()) };
}

/** GET /v1/secrets/{id}: metadata as JSON; with Accept text/plain or application/octet-stream, the payload (legacy, Ceph RGW). */
export async function getSecret(request: BarbicanRequest): Promise<BarbicanResponse> {
  if (wantsLegacyPayload(headerValue(request.headers, 'accept'))) return payloadResponse(request);
  const actor = await request.actor();
  const record = await request.services.keyStore.get(actor, request.params.secretId ?? '');
  return { status: 200, json: secretView(request.origin, record) };
}

/** GET /v1/secrets/{id}/payload */
export async function getSecretPayload(request: BarbicanRequest): Promise<BarbicanResponse> {
  return payloadResponse(request);
}

function intParam(request: BarbicanRequest, name: string, fallback: number, max: number): number {
  const raw = request.query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d{1,9}$/.test(raw)) throw new IdentityError('BadRequest', `Invalid ${name}: a non-negative integer.`);
  return Math.min(Number(raw), max);
}

/** GET /v1/secrets?limit&offset&name&alg&mode&bits&secret_type */
export async function listSecrets(request: BarbicanRequest): Promise<BarbicanResponse> {
  const actor = await request.actor();
  const limit = intParam(request, 'limit', 10, MAX_LIMIT);
  const offset = intParam(request, 'offset', 0, Number.MAX_SAFE_INTEGER);
  const q = (name: string) => request.query.get(name) ?? undefined;
  const bits = q('bits');
  const filter: SecretFilter = {
    name: q('name'), algorithm: q('alg'), mode: q('mode'), secretType: q('secret_type'),
    bitLength: bits === undefined || bits === '0' ? undefined : intParam(request, 'bits', 0, Number.MAX_SAFE_INTEGER),
  };
  const { secrets, total } = await request.services.keyStore.list(actor, filter, { offset, limit });
  const page = (at: number) => {
    const params = new URLSearchParams(request.query);
    params.set('limit', String(limit));
    params.set('offset', String(at));
    return `${request.origin}/v1/secrets?${params.toString()}`;
  };
  return {
    status: 200,
    json: {
      secrets: secrets.map((s) => secretView(request.origin, s)),
      total,
      ...(offset + limit < total ? { next: page(offset + limit) } : {}),
      ...(offset > 0 ? { previous: page(Math.max(0, offset - limit)) } : {}),
    },
  };
}
