// Key-store secrets in SQLite; payloads are sealed under the master key, bound to the secret's id
// and project, so a sealed payload copied onto another row does not open.
import type Database from 'better-sqlite3';
import { openWithMasterKey, sealWithMasterKey } from '../../../crypto/master-seal.ts';
import type { SecretRecord } from '../../../domain/identity/model.ts';
import type { SecretFilter, SecretStore } from '../../../domain/identity/ports.ts';
import type { Secret } from '../../../util/secret.ts';

interface SecretRow {
  id: string; project_id: string; creator_id: string; name: string | null; algorithm: string | null; bit_length: number | null;
  mode: string | null; secret_type: string; content_type: string | null; sealed_payload: string | null;
  expires_at: number | null; created_at: number; updated_at: number;
}

const purpose = (record: SecretRecord) => `key-store-payload/${record.projectId}/${record.id}`;

function fromRow(row: SecretRow): SecretRecord {
  return {
    id: row.id, projectId: row.project_id, creatorId: row.creator_id, name: row.name ?? undefined, algorithm: row.algorithm ?? undefined,
    bitLength: row.bit_length ?? undefined, mode: row.mode ?? undefined, secretType: row.secret_type,
    contentType: row.content_type ?? undefined, expiration: row.expires_at === null ? undefined : new Date(row.expires_at),
    createdAt: new Date(row.created_at), updatedAt: new Date(row.updated_at),
  };
}

export class SqliteSecretStore implements SecretStore {
  readonly #db: Database.Database;
  readonly #masterKey: Secret;

  constructor(db: Database.Database, masterKey: Secret) {
    this.#db = db;
    this.#masterKey = masterKey;
  }

  async create(record: SecretRecord, payload: Secret | undefined): Promise<void> {
    const sealed = payload ? sealWithMasterKey(this.#masterKey, purpose(record), payload.reveal()) : null;
    this.#db
      .prepare(`INSERT INTO key_store_secrets (id, project_id, creator_id, name, algorithm, bit_length, mode, secret_type, content_type,
                sealed_payload, expires_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(record.id, record.projectId, record.creatorId, record.name ?? null, record.algorithm ?? null, record.bitLength ?? null,
        record.mode ?? null, record.secretType, record.contentType ?? null, sealed, record.expiration?.getTime() ?? null,
        record.createdAt.getTime(), record.updatedAt.getTime());
  }

  async get(id: string): Promise<SecretRecord | undefined> {
    const row = this.#db.prepare('SELECT * FROM key_store_secrets WHERE id = ?').get(id) as SecretRow | undefined;
    return row && fromRow(row);
  }

  async payload(record: SecretRecord): Promise<Secret | undefined> {
    const sealed = this.#db.prepare('SELECT sealed_payload FROM key_store_secrets WHERE id = ?').pluck().get(record.id) as string | null | undefined;
    return sealed ? openWithMasterKey(this.#masterKey, purpose(record), sealed) : undefined;
  }

  async setPayload(record: SecretRecord, payload: Secret, contentType: string, updatedAt: Date): Promise<boolean> {
    const sealed = sealWithMasterKey(this.#masterKey, purpose(record), payload.reveal());
    const result = this.#db
      .prepare('UPDATE key_store_secrets SET sealed_payload = ?, content_type = ?, updated_at = ? WHERE id = ? AND sealed_payload IS NULL')
      .run(sealed, contentType, updatedAt.getTime(), record.id);
    return result.changes === 1;
  }

  async list(projectId: string, filter: SecretFilter, now: Date, page: { offset: number; limit: number }): Promise<{ secrets: SecretRecord[]; total: number }> {
    const clauses = ['project_id = ?', '(expires_at IS NULL OR expires_at > ?)'];
    const params: (string | number)[] = [projectId, now.getTime()];
    const add = (column: string, value: string | number | undefined) => {
      if (value === undefined) return;
      clauses.push(`${column} = ?`);
      params.push(value);
    };
    add('name', filter.name);
    add('algorithm', filter.algorithm);
    add('mode', filter.mode);
    add('bit_length', filter.bitLength);
    add('secret_type', filter.secretType);
    const where = clauses.join(' AND ');
    const total = this.#db.prepare(`SELECT COUNT(*) FROM key_store_secrets WHERE ${where}`).pluck().get(...params) as number;
    const rows = this.#db
      .prepare(`SELECT * FROM key_store_secrets WHERE ${where} ORDER BY created_at, id LIMIT ? OFFSET ?`)
      .all(...params, page.limit, page.offset) as SecretRow[];
    return { secrets: rows.map(fromRow), total };
  }

  async delete(id: string): Promise<void> {
    this.#db.prepare('DELETE FROM key_store_secrets WHERE id = ?').run(id);
  }
}
