// The interfaces identity and key-store rules need from storage; src/storage adapters implement them.
import type { Secret } from '../../util/secret.ts';
import type { CredentialRecord, Principal } from '../access.ts';
import type { Project, RoleName, SecretRecord, TokenRecord, UserRecord } from './model.ts';

export interface NameFilter {
  name?: string | undefined;
  domainId?: string | undefined;
}

export interface IdentityStore {
  createProject(project: Project): Promise<'created' | 'exists'>;
  getProject(id: string): Promise<Project | undefined>;
  listProjects(filter: NameFilter): Promise<Project[]>;

  createUser(user: UserRecord): Promise<'created' | 'exists'>;
  getUser(id: string): Promise<UserRecord | undefined>;
  listUsers(filter: NameFilter): Promise<UserRecord[]>;
  setPasswordHash(userId: string, passwordHash: string): Promise<void>;

  grantRole(userId: string, projectId: string, role: RoleName): Promise<void>;
  rolesOn(userId: string, projectId: string): Promise<RoleName[]>;
  /** Projects on which the user holds any role. */
  projectsOf(userId: string): Promise<Project[]>;

  saveToken(token: TokenRecord): Promise<void>;
  getToken(tokenHash: string): Promise<TokenRecord | undefined>;
  deleteToken(tokenHash: string): Promise<void>;
  deleteTokensOf(userId: string): Promise<void>;
  deleteExpiredTokens(now: Date): Promise<void>;
}

/** EC2-style S3 credentials: the same records the S3 API authenticates with. */
export interface Ec2CredentialStore {
  save(accessKey: string, secret: Secret, principal: Principal): Promise<void>;
  lookup(accessKey: string): Promise<CredentialRecord | undefined>;
  listForUser(userId: string): Promise<CredentialRecord[]>;
  delete(accessKey: string): Promise<void>;
}

export interface SecretFilter {
  name?: string | undefined;
  algorithm?: string | undefined;
  mode?: string | undefined;
  bitLength?: number | undefined;
  secretType?: string | undefined;
}

/** Key-store secrets; the adapter seals payloads at rest and opens them on read. */
export interface SecretStore {
  create(record: SecretRecord, payload: Secret | undefined): Promise<void>;
  get(id: string): Promise<SecretRecord | undefined>;
  /** The payload of a stored secret, opened; undefined when it has none yet. */
  payload(record: SecretRecord): Promise<Secret | undefined>;
  /** Adds the payload to a secret that has none; false when it already had one. */
  setPayload(record: SecretRecord, payload: Secret, contentType: string, updatedAt: Date): Promise<boolean>;
  /** The project's secrets not expired at `now`, oldest first, with the total before paging. */
  list(projectId: string, filter: SecretFilter, now: Date, page: { offset: number; limit: number }): Promise<{ secrets: SecretRecord[]; total: number }>;
  delete(id: string): Promise<void>;
}
