// Authentication: password (or token) in, bearer token out; token validation for every API; revocation.
// Tokens are 256 random bits; only their SHA-256 is stored, with an expiry, and deleting it revokes it.
import { createHash, randomBytes } from 'node:crypto';
import { Secret } from '../../util/secret.ts';
import { DEFAULT_DOMAIN, IdentityError, type Project, type TokenContext, type TokenRecord, type UserRecord } from './model.ts';
import { verifyPassword } from './passwords.ts';
import type { IdentityStore } from './ports.ts';

export interface DomainRef { id?: string | undefined; name?: string | undefined }

export interface UserRef { id?: string | undefined; name?: string | undefined; domain?: DomainRef | undefined }

export interface ProjectScope { id?: string | undefined; name?: string | undefined; domain?: DomainRef | undefined }

export interface IssuedToken {
  token: Secret;
  context: TokenContext;
}

const FAILED = 'The request you have made requires authentication.';

export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The one domain there is; a reference to any other is an error (undefined when none was given). */
export function resolveDomain(ref: DomainRef | undefined): string | undefined {
  if (ref === undefined || (ref.id === undefined && ref.name === undefined)) return undefined;
  const matches = (ref.id === undefined || ref.id === DEFAULT_DOMAIN.id) && (ref.name === undefined || ref.name === DEFAULT_DOMAIN.name);
  if (!matches) throw new IdentityError('NotFound', 'Could not find domain.');
  return DEFAULT_DOMAIN.id;
}

export class AuthService {
  readonly #store: IdentityStore;
  readonly #lifetimeMs: number;

  constructor(store: IdentityStore, options: { tokenLifetimeSeconds: number }) {
    this.#store = store;
    this.#lifetimeMs = options.tokenLifetimeSeconds * 1000;
  }

  async authenticatePassword(userRef: UserRef, password: Secret, scope: ProjectScope | undefined): Promise<IssuedToken> {
    const user = await this.#findUser(userRef).catch(() => undefined);
    // verifyPassword runs scrypt even for an unknown user, so both failures take the same time.
    const ok = await verifyPassword(password, user?.passwordHash);
    if (!user || !ok) throw new IdentityError('Unauthorized', FAILED);
    return this.#issue(user, scope, ['password']);
  }

  /** Re-scopes an existing valid token (the `token` method); the new token expires no later. */
  async authenticateToken(token: string, scope: ProjectScope | undefined): Promise<IssuedToken> {
    const context = await this.validate(token);
    if (!context) throw new IdentityError('Unauthorized', FAILED);
    const user = await this.#store.getUser(context.user.id);
    if (!user) throw new IdentityError('Unauthorized', FAILED);
    return this.#issue(user, scope, ['token'], context.expiresAt);
  }

  /** What the token stands for, or undefined when it is unknown, expired or revoked. */
  async validate(token: string): Promise<TokenContext | undefined> {
    if (token.length === 0 || token.length > 512) return undefined;
    const record = await this.#store.getToken(tokenHash(token));
    if (!record || record.expiresAt.getTime() <= Date.now()) return undefined;
    const user = await this.#store.getUser(record.userId);
    if (!user?.enabled) return undefined;
    let project: Project | undefined;
    if (record.projectId !== undefined) {
      project = await this.#store.getProject(record.projectId);
      if (!project?.enabled) return undefined;
    }
    const roles = project ? await this.#store.rolesOn(user.id, project.id) : [];
    // A role removed since the token was issued ends the token's use on that project at once.
    if (project && roles.length === 0) return undefined;
    const { passwordHash: _hash, ...publicUser } = user;
    return { user: publicUser, project, roles, methods: record.methods, auditId: record.auditId, issuedAt: record.issuedAt, expiresAt: record.expiresAt };
  }

  async revoke(token: string): Promise<void> {
    await this.#store.deleteToken(tokenHash(token));
  }

  async #findUser(ref: UserRef): Promise<UserRecord | undefined> {
    if (ref.id !== undefined) {
      const user = await this.#store.getUser(ref.id);
      return user && (ref.name === undefined || ref.name === user.name) ? user : undefined;
    }
    if (ref.name === undefined) return undefined;
    const domainId = resolveDomain(ref.domain) ?? DEFAULT_DOMAIN.id;
    return (await this.#store.listUsers({ name: ref.name, domainId }))[0];
  }

  async #findProject(scope: ProjectScope): Promise<Project | undefined> {
    if (scope.id !== undefined) return this.#store.getProject(scope.id);
    if (scope.name === undefined) return undefined;
    const domainId = resolveDomain(scope.domain) ?? DEFAULT_DOMAIN.id;
    return (await this.#store.listProjects({ name: scope.name, domainId }))[0];
  }

  async #issue(user: UserRecord, scope: ProjectScope | undefined, methods: string[], notAfter?: Date): Promise<IssuedToken> {
    if (!user.enabled) throw new IdentityError('Unauthorized', FAILED);
    let project: Project | undefined;
    if (scope !== undefined) {
      project = await this.#findProject(scope).catch(() => undefined);
      if (!project?.enabled) throw new IdentityError('Unauthorized', 'Could not find the requested project, or it is disabled.');
      if ((await this.#store.rolesOn(user.id, project.id)).length === 0) {
        throw new IdentityError('Unauthorized', 'The user has no role on the requested project.');
      }
    }
    const now = new Date();
    const lifetimeEnd = now.getTime() + this.#lifetimeMs;
    const expiresAt = new Date(notAfter ? Math.min(notAfter.getTime(), lifetimeEnd) : lifetimeEnd);
    const value = randomBytes(32).toString('base64url');
    const record: TokenRecord = {
      tokenHash: tokenHash(value), userId: user.id, projectId: project?.id, methods,
      auditId: randomBytes(16).toString('base64url').slice(0, 22), issuedAt: now, expiresAt,
    };
    await this.#store.deleteExpiredTokens(now);
    await this.#store.saveToken(record);
    const context = await this.validate(value);
    if (!context) throw new IdentityError('Unauthorized', FAILED);
    return { token: Secret.fromString(value), context };
  }
}
