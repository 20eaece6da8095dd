// Writing secrets: create (with or without payload), add the payload later (two-step), delete.
import { z } from 'zod';
import type { NewSecret } from '../../domain/identity/key-store.ts';
import { IdentityError } from '../../domain/identity/model.ts';
import { Secret } from '../../util/secret.ts';
import { headerValue, parseJson, requireJsonType } from '../../http/json-api.ts';
import type { BarbicanRequest, BarbicanResponse } from '../context.ts';
import { decodePayload, parseExpiration, payloadContentType } from '../payload.ts';
import { secretRef } from '../views.ts';

const text = z.string().max(255).nullable().optional();
const createSchema = z.object({
  name: text,
  expiration: z.string().max(64).nullable().optional(),
  algorithm: text,
  bit_length: z.number().int().min(1).max(1 << 20).nullable().optional(),
  mode: text,
  secret_type: text,
  payload: z.string().nullable().optional(),
  payload_content_type: text,
  payload_content_encoding: text,
});

function parseCreate(raw: Buffer, contentType: string | undefined): NewSecret {
  requireJsonType(contentType);
  const parsed = createSchema.safeParse(parseJson(raw));
  if (!parsed.success) {
    const fields = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'body'}: ${i.code}`);
    throw new IdentityError('BadRequest', `Provided object does not match schema 'Secret' (${fields.join('; ')}).`);
  }
  const body = parsed.data;
  let payload: NewSecret['payload'];
  if (body.payload !== undefined && body.payload !== null) {
    if (!body.payload_content_type) throw new IdentityError('BadRequest', 'payload_content_type must be given with a payload.');
    const type = payloadContentType(body.payload_content_type);
    payload = { bytes: decodePayload(body.payload, type, body.payload_content_encoding ?? undefined), contentType: type };
  }
  return {
    name: body.name ?? undefined, algorithm: body.algorithm ?? undefined, bitLength: body.bit_length ?? undefined,
    mode: body.mode ?? undefined, secretType: body.secret_type ?? undefined,
    expiration: body.expiration ? parseExpiration(body.expiration) : undefined, payload,
  };
}

/** POST /v1/secrets */
export async function createSecret(request: BarbicanRequest): Promise<BarbicanResponse> {
  const actor = await request.actor();
  const input = parseCreate(await request.body(), headerValue(request.headers, 'content-type'));
  const record = await request.services.keyStore.create(actor, input);
  const ref = secretRef(request.origin, record.id);
  return { status: 201, headers: { location: ref }, json: { secret_ref: ref } };
}

/** PUT /v1/secrets/{id}: the payload as the body, typed by Content-Type (Content-Encoding: base64 optional). */
export async function putSecretPayload(request: BarbicanRequest): Promise<BarbicanResponse> {
  const actor = await request.actor();
  const type = payloadContentType(headerValue(request.headers, 'content-type'));
  const raw = await request.body();
  const encoding = headerValue(request.headers, 'content-encoding');
  const bytes = encoding ? decodePayload(raw.toString('utf8'), type, encoding) : new Secret(raw);
  await request.services.keyStore.putPayload(actor, request.params.secretId ?? '', bytes, type);
  return { status: 204 };
}

/** DELETE /v1/secrets/{id} */
export async function deleteSecret(request: BarbicanRequest): Promise<BarbicanResponse> {
  const actor = await request.actor();
  await request.services.keyStore.delete(actor, request.params.secretId ?? '');
  return { status: 204 };
}
