// Barbican v1 JSON shapes: a secret's metadata (never its payload) and error bodies.
import type { SecretRecord } from '../domain/identity/model.ts';

export function secretRef(origin: string, id: string): string {
  return `${origin}/v1/secrets/${id}`;
}

export function secretView(origin: string, record: SecretRecord) {
  return {
    secret_ref: secretRef(origin, record.id),
    name: record.name ?? null,
    algorithm: record.algorithm ?? null,
    bit_length: record.bitLength ?? null,
    mode: record.mode ?? null,
    secret_type: record.secretType,
    status: 'ACTIVE',
    expiration: record.expiration?.toISOString() ?? null,
    created: record.createdAt.toISOString(),
    updated: record.updatedAt.toISOString(),
    creator_id: record.creatorId,
    ...(record.contentType ? { content_types: { default: record.contentType } } : {}),
  };
}

/** Barbican's error body: the openstack CLI prints `title: description` (and crashes without `title`). */
export function errorView(code: number, title: string, description: string) {
  return { code, title, description };
}
