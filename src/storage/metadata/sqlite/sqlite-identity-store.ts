// Identity in SQLite: projects, users (scrypt hashes only), role assignments and tokens (SHA-256 only).
import type Database from 'better-sqlite3';
import type { Project, RoleName, TokenRecord, UserRecord } from '../../../domain/identity/model.ts';
import { isRole } from '../../../domain/identity/model.ts';
import type { IdentityStore, NameFilter } from '../../../domain/identity/ports.ts';

interface ProjectRow { id: string; name: string; domain_id: string; description: string; enabled: number; created_at: number }
interface UserRow {
  id: string; name: string; domain_id: string; password_hash: string | null; default_project_id: string | null;
  enabled: number; created_at: number;
}
interface TokenRow {
  token_hash: string; user_id: string; project_id: string | null; methods: string; audit_id: string; issued_at: number; expires_at: number;
}

const projectFromRow = (row: ProjectRow): Project => ({
  id: row.id, name: row.name, domainId: row.domain_id, description: row.description, enabled: row.enabled === 1, createdAt: new Date(row.created_at),
});

const userFromRow = (row: UserRow): UserRecord => ({
  id: row.id, name: row.name, domainId: row.domain_id, passwordHash: row.password_hash ?? undefined,
  defaultProjectId: row.default_project_id ?? undefined, enabled: row.enabled === 1, createdAt: new Date(row.created_at),
});

/** `WHERE` clause and parameters for the optional name and domain filters. */
function nameFilter(filter: NameFilter): { where: string; params: string[] } {
  const clauses: string[] = [];
  const params: string[] = [];
  if (filter.name !== undefined) { clauses.push('name = ?'); params.push(filter.name); }
  if (filter.domainId !== undefined) { clauses.push('domain_id = ?'); params.push(filter.domainId); }
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

export class SqliteIdentityStore implements IdentityStore {
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  async createProject(project: Project): Promise<'created' | 'exists'> {
    const result = this.#db
      .prepare(`INSERT OR IGNORE INTO identity_projects (id, name, domain_id, description, enabled, created_at) VALUES (?, ?, ?, ?, ?, ?)`)
      .run(project.id, project.name, project.domainId, project.description, project.enabled ? 1 : 0, project.createdAt.getTime());
    return result.changes === 1 ? 'created' : 'exists';
  }

  async getProject(id: string): Promise<Project | undefined> {
    const row = this.#db.prepare('SELECT * FROM identity_projects WHERE id = ?').get(id) as ProjectRow | undefined;
    return row && projectFromRow(row);
  }

  async listProjects(filter: NameFilter): Promise<Project[]> {
    const { where, params } = nameFilter(filter);
    const rows = this.#db.prepare(`SELECT * FROM identity_projects ${where} ORDER BY name`).all(...params) as ProjectRow[];
    return rows.map(projectFromRow);
  }

  async createUser(user: UserRecord): Promise<'created' | 'exists'> {
    const result = this.#db
      .prepare(`INSERT OR IGNORE INTO identity_users (id, name, domain_id, password_hash, default_project_id, enabled, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(user.id, user.name, user.domainId, user.passwordHash ?? null, user.defaultProjectId ?? null, user.enabled ? 1 : 0, user.createdAt.getTime());
    return result.changes === 1 ? 'created' : 'exists';
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    const row = this.#db.prepare('SELECT * FROM identity_users WHERE id = ?').get(id) as UserRow | undefined;
    return row && userFromRow(row);
  }

  async listUsers(filter: NameFilter): Promise<UserRecord[]> {
    const { where, params } = nameFilter(filter);
    const rows = this.#db.prepare(`SELECT * FROM identity_users ${where} ORDER BY name`).all(...params) as UserRow[];
    return rows.map(userFromRow);
  }

  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    this.#db.prepare('UPDATE identity_users SET password_hash = ? WHERE id = ?').run(passwordHash, userId);
  }

  async grantRole(userId: string, projectId: string, role: RoleName): Promise<void> {
    this.#db.prepare('INSERT OR IGNORE INTO identity_role_assignments (user_id, project_id, role) VALUES (?, ?, ?)').run(userId, projectId, role);
  }

  async rolesOn(userId: string, projectId: string): Promise<RoleName[]> {
    const roles = this.#db
      .prepare('SELECT role FROM identity_role_assignments WHERE user_id = ? AND project_id = ? ORDER BY role')
      .pluck().all(userId, projectId) as string[];
    return roles.filter(isRole);
  }

  async projectsOf(userId: string): Promise<Project[]> {
    const rows = this.#db
      .prepare(`SELECT DISTINCT p.* FROM identity_projects p JOIN identity_role_assignments a ON a.project_id = p.id
                WHERE a.user_id = ? ORDER BY p.name`)
      .all(userId) as ProjectRow[];
    return rows.map(projectFromRow);
  }

  async saveToken(token: TokenRecord): Promise<void> {
    this.#db
      .prepare(`INSERT INTO identity_tokens (token_hash, user_id, project_id, methods, audit_id, issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(token.tokenHash, token.userId, token.projectId ?? null, JSON.stringify(token.methods), token.auditId,
        token.issuedAt.getTime(), token.expiresAt.getTime());
  }

  async getToken(tokenHash: string): Promise<TokenRecord | undefined> {
    const row = this.#db.prepare('SELECT * FROM identity_tokens WHERE token_hash = ?').get(tokenHash) as TokenRow | undefined;
    if (!row) return undefined;
    return {
      tokenHash: row.token_hash, userId: row.user_id, projectId: row.project_id ?? undefined, methods: JSON.parse(row.methods) as string[],
      auditId: row.audit_id, issuedAt: new Date(row.issued_at), expiresAt: new Date(row.expires_at),
    };
  }

  async deleteToken(tokenHash: string): Promise<void> {
    this.#db.prepare('DELETE FROM identity_tokens WHERE token_hash = ?').run(tokenHash);
  }

  async deleteTokensOf(userId: string): Promise<void> {
    this.#db.prepare('DELETE FROM identity_tokens WHERE user_id = ?').run(userId);
  }

  async deleteExpiredTokens(now: Date): Promise<void> {
    this.#db.prepare('DELETE FROM identity_tokens WHERE expires_at <= ?').run(now.getTime());
  }
}
