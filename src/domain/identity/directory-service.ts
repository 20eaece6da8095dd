// Projects, users and role assignments, with who may do what: admins manage everything; a user
// sees itself and the projects it has a role on, and may change its own password.
import { randomUUID } from 'node:crypto';
import type { Secret } from '../../util/secret.ts';
import { resolveDomain } from './auth-service.ts';
import {
  DEFAULT_DOMAIN, IdentityError, ROLES, isAdmin, type Project, type RoleName, type TokenContext, type User, type UserRecord,
} from './model.ts';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import type { IdentityStore, NameFilter } from './ports.ts';

export interface NewProject { name: string; description?: string | undefined; domainId?: string | undefined; enabled?: boolean | undefined }

export interface NewUser {
  name: string;
  password?: Secret | undefined;
  defaultProjectId?: string | undefined;
  domainId?: string | undefined;
  enabled?: boolean | undefined;
}

export interface UserUpdate { password?: Secret | undefined; enabled?: boolean | undefined; defaultProjectId?: string | undefined }

const NAME = /^[^\s/][^/]{0,63}$/u;

function checkName(kind: string, name: string): void {
  if (!NAME.test(name) || name.trimEnd() !== name) throw new IdentityError('BadRequest', `invalid ${kind} name: 1 to 64 characters, no '/', no surrounding spaces`);
}

function checkPassword(password: Secret): void {
  const problem = passwordProblem(password.reveal().toString('utf8'));
  if (problem) throw new IdentityError('BadRequest', problem);
}

function requireAdmin(caller: TokenContext): void {
  if (!isAdmin(caller)) throw new IdentityError('Forbidden', 'You are not authorized to perform the requested action (admin role required).');
}

function publicUser(user: UserRecord): User {
  const { passwordHash: _hash, ...rest } = user;
  return rest;
}

export function newId(): string {
  return randomUUID().replace(/-/g, '');
}

export class DirectoryService {
  readonly #store: IdentityStore;

  constructor(store: IdentityStore) {
    this.#store = store;
  }

  async createProject(caller: TokenContext, input: NewProject): Promise<Project> {
    requireAdmin(caller);
    checkName('project', input.name);
    const project: Project = {
      id: newId(), name: input.name, domainId: resolveDomain({ id: input.domainId }) ?? DEFAULT_DOMAIN.id,
      description: input.description ?? '', enabled: input.enabled ?? true, createdAt: new Date(),
    };
    if ((await this.#store.createProject(project)) === 'exists') throw new IdentityError('Conflict', `a project named ${input.name} already exists`);
    return project;
  }

  async listProjects(caller: TokenContext, filter: NameFilter): Promise<Project[]> {
    if (isAdmin(caller)) return this.#store.listProjects(filter);
    const mine = await this.#store.projectsOf(caller.user.id);
    return mine.filter((p) => (filter.name === undefined || p.name === filter.name) && (filter.domainId === undefined || p.domainId === filter.domainId));
  }

  /** Projects the caller holds a role on (GET /v3/auth/projects, /v3/users/{id}/projects for oneself). */
  async projectsOf(caller: TokenContext, userId: string): Promise<Project[]> {
    if (caller.user.id !== userId) requireAdmin(caller);
    return this.#store.projectsOf(userId);
  }

  async getProject(caller: TokenContext, id: string): Promise<Project> {
    const project = await this.#store.getProject(id);
    if (!project) throw new IdentityError('NotFound', `Could not find project: ${id}.`);
    if (!isAdmin(caller) && (await this.#store.rolesOn(caller.user.id, id)).length === 0) {
      throw new IdentityError('Forbidden', 'You are not authorized to see this project.');
    }
    return project;
  }

  async createUser(caller: TokenContext, input: NewUser): Promise<User> {
    requireAdmin(caller);
    checkName('user', input.name);
    if (input.password) checkPassword(input.password);
    if (input.defaultProjectId !== undefined && !(await this.#store.getProject(input.defaultProjectId))) {
      throw new IdentityError('BadRequest', `Could not find project: ${input.defaultProjectId}.`);
    }
    const user: UserRecord = {
      id: newId(), name: input.name, domainId: resolveDomain({ id: input.domainId }) ?? DEFAULT_DOMAIN.id,
      defaultProjectId: input.defaultProjectId, enabled: input.enabled ?? true, createdAt: new Date(),
      passwordHash: input.password ? await hashPassword(input.password) : undefined,
    };
    if ((await this.#store.createUser(user)) === 'exists') throw new IdentityError('Conflict', `a user named ${input.name} already exists`);
    return publicUser(user);
  }

  async listUsers(caller: TokenContext, filter: NameFilter): Promise<User[]> {
    const users = await this.#store.listUsers(filter);
    return users.filter((u) => isAdmin(caller) || u.id === caller.user.id).map(publicUser);
  }

  async getUser(caller: TokenContext, id: string): Promise<User> {
    if (caller.user.id !== id) requireAdmin(caller);
    const user = await this.#store.getUser(id);
    if (!user) throw new IdentityError('NotFound', `Could not find user: ${id}.`);
    return publicUser(user);
  }

  /** Admin update (PATCH /v3/users/{id}); a new password revokes the user's tokens. */
  async updateUser(caller: TokenContext, id: string, update: UserUpdate): Promise<User> {
    requireAdmin(caller);
    const user = await this.#store.getUser(id);
    if (!user) throw new IdentityError('NotFound', `Could not find user: ${id}.`);
    if (update.enabled !== undefined || update.defaultProjectId !== undefined) {
      throw new IdentityError('BadRequest', 'only the password can be changed');
    }
    if (update.password) {
      checkPassword(update.password);
      await this.#store.setPasswordHash(id, await hashPassword(update.password));
      await this.#store.deleteTokensOf(id);
    }
    return publicUser(user);
  }

  /** Self-service change (POST /v3/users/{id}/password): proven by the original password, no token. */
  async changePassword(id: string, original: Secret, password: Secret): Promise<void> {
    const user = await this.#store.getUser(id);
    if (!(await verifyPassword(original, user?.passwordHash)) || !user?.enabled) {
      throw new IdentityError('Unauthorized', 'The original password is not correct.');
    }
    checkPassword(password);
    await this.#store.setPasswordHash(id, await hashPassword(password));
    await this.#store.deleteTokensOf(id);
  }

  listRoles(): readonly RoleName[] {
    return ROLES;
  }

  async grantRole(caller: TokenContext, projectId: string, userId: string, role: RoleName): Promise<void> {
    requireAdmin(caller);
    if (!(await this.#store.getProject(projectId))) throw new IdentityError('NotFound', `Could not find project: ${projectId}.`);
    if (!(await this.#store.getUser(userId))) throw new IdentityError('NotFound', `Could not find user: ${userId}.`);
    await this.#store.grantRole(userId, projectId, role);
  }

  async rolesOn(caller: TokenContext, projectId: string, userId: string): Promise<RoleName[]> {
    if (caller.user.id !== userId) requireAdmin(caller);
    return this.#store.rolesOn(userId, projectId);
  }
}
