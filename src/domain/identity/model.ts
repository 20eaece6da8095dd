// Identity model: the Default domain, projects, users, roles, tokens, key-store secrets, and the
// one error class the identity and key-manager protocol layers render (each in its own JSON shape).

export const DEFAULT_DOMAIN = { id: 'default', name: 'Default' } as const;

/** Roles, weakest first. `admin` manages projects, users and everyone's credentials. */
export const ROLES = ['reader', 'member', 'admin'] as const;
export type RoleName = (typeof ROLES)[number];

/** The bootstrap admin: the owner of the root S3 credentials (see rootPrincipal in app-secrets.ts). */
export const ADMIN_USER_ID = 'admin';
export const ADMIN_PROJECT_ID = 'admin';

export interface Project {
  id: string;
  name: string;
  domainId: string;
  description: string;
  enabled: boolean;
  createdAt: Date;
}

export interface User {
  id: string;
  name: string;
  domainId: string;
  defaultProjectId: string | undefined;
  enabled: boolean;
  createdAt: Date;
}

/** A user as stored: with the scrypt hash of the password (never the password). */
export interface UserRecord extends User {
  passwordHash: string | undefined;
}

/** A token as stored: only the SHA-256 of the bearer value is kept. */
export interface TokenRecord {
  tokenHash: string;
  userId: string;
  projectId: string | undefined;
  methods: string[];
  auditId: string;
  issuedAt: Date;
  expiresAt: Date;
}

/** What a valid token says about its bearer; what the other APIs authorize against. */
export interface TokenContext {
  user: User;
  project: Project | undefined;
  roles: RoleName[];
  methods: string[];
  auditId: string;
  issuedAt: Date;
  expiresAt: Date;
}

/** Key-store secret metadata (Barbican's secret entity); the payload is kept apart, sealed. */
export interface SecretRecord {
  id: string;
  projectId: string;
  creatorId: string;
  name: string | undefined;
  algorithm: string | undefined;
  bitLength: number | undefined;
  mode: string | undefined;
  secretType: string;
  /** Set once a payload is stored: `text/plain` or `application/octet-stream`. */
  contentType: string | undefined;
  expiration: Date | undefined;
  createdAt: Date;
  updatedAt: Date;
}

export function isAdmin(context: TokenContext): boolean {
  return context.roles.includes('admin');
}

export function isRole(value: string): value is RoleName {
  return (ROLES as readonly string[]).includes(value);
}

const errorKinds = {
  BadRequest: [400, 'Bad Request'],
  Unauthorized: [401, 'Unauthorized'],
  Forbidden: [403, 'Forbidden'],
  NotFound: [404, 'Not Found'],
  MethodNotAllowed: [405, 'Method Not Allowed'],
  NotAcceptable: [406, 'Not Acceptable'],
  Conflict: [409, 'Conflict'],
  PayloadTooLarge: [413, 'Request Entity Too Large'],
  UnsupportedMediaType: [415, 'Unsupported Media Type'],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorKind = keyof typeof errorKinds;

/** A refusal with an HTTP status; the message is safe to show (it never carries a secret). */
export class IdentityError extends Error {
  readonly kind: ErrorKind;

  constructor(kind: ErrorKind, message: string) {
    super(message);
    this.name = 'IdentityError';
    this.kind = kind;
  }

  get status(): number {
    return errorKinds[this.kind][0];
  }

  get title(): string {
    return errorKinds[this.kind][1];
  }
}

export function isIdentityError(error: unknown): error is IdentityError {
  return error instanceof IdentityError;
}
