// Key-store rules (Barbican's secrets): secrets belong to a project and are invisible to others;
// an expired secret is gone (404); a payload is set once; readers may read but not write.
import { randomUUID } from 'node:crypto';
import type { Secret } from '../../util/secret.ts';
import { IdentityError, type RoleName, type SecretRecord } from './model.ts';
import type { SecretFilter, SecretStore } from './ports.ts';

/** Barbican's default `max_allowed_secret_in_bytes`. */
export const MAX_PAYLOAD_BYTES = 10_000;
export const PAYLOAD_CONTENT_TYPES = ['text/plain', 'application/octet-stream'] as const;
export type PayloadContentType = (typeof PAYLOAD_CONTENT_TYPES)[number];
export const SECRET_TYPES = ['symmetric', 'public', 'private', 'passphrase', 'certificate', 'opaque'] as const;

/** Who acts on the key store: a project, the user behind the request, and the user's roles there. */
export interface KeyStoreActor {
  projectId: string;
  userId: string;
  roles: readonly RoleName[];
}

export interface NewSecret {
  name?: string | undefined;
  algorithm?: string | undefined;
  bitLength?: number | undefined;
  mode?: string | undefined;
  secretType?: string | undefined;
  expiration?: Date | undefined;
  payload?: { bytes: Secret; contentType: PayloadContentType } | undefined;
}

function checkPayload(bytes: Secret): void {
  if (bytes.length === 0) throw new IdentityError('BadRequest', 'If \'payload\' is specified, it must not be empty.');
  if (bytes.length > MAX_PAYLOAD_BYTES) throw new IdentityError('PayloadTooLarge', `The secret payload exceeds ${MAX_PAYLOAD_BYTES} bytes.`);
}

function requireWriter(actor: KeyStoreActor): void {
  if (!actor.roles.some((role) => role === 'member' || role === 'admin')) {
    throw new IdentityError('Forbidden', 'A member or admin role on the project is needed to change secrets.');
  }
}

export class KeyStoreService {
  readonly #store: SecretStore;

  constructor(store: SecretStore) {
    this.#store = store;
  }

  async create(actor: KeyStoreActor, input: NewSecret): Promise<SecretRecord> {
    requireWriter(actor);
    const now = new Date();
    if (input.expiration && input.expiration.getTime() <= now.getTime()) {
      throw new IdentityError('BadRequest', 'Invalid date for \'expiration\': it must be in the future.');
    }
    const secretType = input.secretType ?? 'opaque';
    if (!(SECRET_TYPES as readonly string[]).includes(secretType)) {
      throw new IdentityError('BadRequest', `Invalid 'secret_type': one of ${SECRET_TYPES.join(', ')}.`);
    }
    if (input.payload) checkPayload(input.payload.bytes);
    const record: SecretRecord = {
      id: randomUUID(), projectId: actor.projectId, creatorId: actor.userId, name: input.name, algorithm: input.algorithm,
      bitLength: input.bitLength, mode: input.mode, secretType, contentType: input.payload?.contentType,
      expiration: input.expiration, createdAt: now, updatedAt: now,
    };
    await this.#store.create(record, input.payload?.bytes);
    return record;
  }

  /** The secret's metadata; another project's, an expired or an unknown secret are all 404. */
  async get(actor: KeyStoreActor, id: string): Promise<SecretRecord> {
    const record = await this.#store.get(id);
    if (!record || record.projectId !== actor.projectId) throw new IdentityError('NotFound', 'Secret not found.');
    if (record.expiration && record.expiration.getTime() <= Date.now()) {
      throw new IdentityError('NotFound', 'Secret not found (it has expired).');
    }
    return record;
  }

  async payload(actor: KeyStoreActor, id: string): Promise<{ record: SecretRecord; payload: Secret }> {
    const record = await this.get(actor, id);
    const payload = await this.#store.payload(record);
    if (!payload) throw new IdentityError('NotFound', 'Not Found. Sorry but your secret has no payload.');
    return { record, payload };
  }

  /** The second step of a two-step create: a payload for a secret that has none. */
  async putPayload(actor: KeyStoreActor, id: string, bytes: Secret, contentType: PayloadContentType): Promise<void> {
    requireWriter(actor);
    const record = await this.get(actor, id);
    checkPayload(bytes);
    if (record.contentType !== undefined || !(await this.#store.setPayload(record, bytes, contentType, new Date()))) {
      throw new IdentityError('Conflict', 'Secret already has data, cannot modify it.');
    }
  }

  async list(actor: KeyStoreActor, filter: SecretFilter, page: { offset: number; limit: number }): Promise<{ secrets: SecretRecord[]; total: number }> {
    return this.#store.list(actor.projectId, filter, new Date(), page);
  }

  async delete(actor: KeyStoreActor, id: string): Promise<void> {
    requireWriter(actor);
    await this.get(actor, id);
    await this.#store.delete(id);
  }
}
