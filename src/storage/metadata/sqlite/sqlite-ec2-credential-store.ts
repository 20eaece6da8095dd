// EC2-style credentials over the S3 credentials table: saving and opening go through
// SqliteCredentialStore (one place seals secret keys); this adds listing per user and deletion.
import type { CredentialRecord, Principal } from '../../../domain/access.ts';
import type { Ec2CredentialStore } from '../../../domain/identity/ports.ts';
import type { Secret } from '../../../util/secret.ts';
import type { SqliteCredentialStore } from './sqlite-credential-store.ts';

export class SqliteEc2CredentialStore implements Ec2CredentialStore {
  readonly #credentials: SqliteCredentialStore;

  constructor(credentials: SqliteCredentialStore) {
    this.#credentials = credentials;
  }

  async save(accessKey: string, secret: Secret, principal: Principal): Promise<void> {
    await this.#credentials.save(accessKey, secret, principal);
  }

  async lookup(accessKey: string): Promise<CredentialRecord | undefined> {
    return this.#credentials.lookup(accessKey);
  }

  async listForUser(userId: string): Promise<CredentialRecord[]> {
    const keys = await this.#credentials.listForUser(userId);
    const records = await Promise.all(keys.map((key) => this.#credentials.lookup(key)));
    return records.filter((record): record is CredentialRecord => record !== undefined);
  }

  async delete(accessKey: string): Promise<void> {
    await this.#credentials.delete(accessKey);
  }
}
