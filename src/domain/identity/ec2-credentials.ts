// EC2-style S3 credentials of a user in a project (Keystone's OS-EC2 API): a user manages its own,
// an admin anyone's; the project must be one the user holds a role on, so the keys act only there.
import { randomBytes } from 'node:crypto';
import { Secret } from '../../util/secret.ts';
import type { CredentialRecord } from '../access.ts';
import { IdentityError, isAdmin, type TokenContext } from './model.ts';
import type { Ec2CredentialStore, IdentityStore } from './ports.ts';

export function newAccessKey(): string {
  return `CF${randomBytes(9).toString('hex').toUpperCase()}`;
}

export class Ec2CredentialService {
  readonly #credentials: Ec2CredentialStore;
  readonly #identity: IdentityStore;

  constructor(credentials: Ec2CredentialStore, identity: IdentityStore) {
    this.#credentials = credentials;
    this.#identity = identity;
  }

  async create(caller: TokenContext, userId: string, projectId: string): Promise<CredentialRecord> {
    this.#authorize(caller, userId);
    const user = await this.#identity.getUser(userId);
    if (!user) throw new IdentityError('NotFound', `Could not find user: ${userId}.`);
    if (!(await this.#identity.getProject(projectId))) throw new IdentityError('NotFound', `Could not find project: ${projectId}.`);
    if ((await this.#identity.rolesOn(userId, projectId)).length === 0) {
      throw new IdentityError('Forbidden', 'The user has no role on that project.');
    }
    const accessKey = newAccessKey();
    const secret = Secret.fromString(randomBytes(30).toString('base64url'));
    const principal = { userId, projectId, displayName: user.name };
    await this.#credentials.save(accessKey, secret, principal);
    return { accessKeyId: accessKey, secret, principal };
  }

  async list(caller: TokenContext, userId: string): Promise<CredentialRecord[]> {
    this.#authorize(caller, userId);
    if (!(await this.#identity.getUser(userId))) throw new IdentityError('NotFound', `Could not find user: ${userId}.`);
    return this.#credentials.listForUser(userId);
  }

  async get(caller: TokenContext, userId: string, accessKey: string): Promise<CredentialRecord> {
    this.#authorize(caller, userId);
    const record = await this.#credentials.lookup(accessKey);
    // Another user's key is answered like a missing one: its existence is not confirmed.
    if (!record || record.principal.userId !== userId) throw new IdentityError('NotFound', 'Could not find credential.');
    return record;
  }

  async delete(caller: TokenContext, userId: string, accessKey: string): Promise<void> {
    await this.get(caller, userId, accessKey);
    await this.#credentials.delete(accessKey);
  }

  #authorize(caller: TokenContext, userId: string): void {
    if (caller.user.id !== userId && !isAdmin(caller)) {
      throw new IdentityError('Forbidden', 'You are not authorized to manage the credentials of another user.');
    }
  }
}
