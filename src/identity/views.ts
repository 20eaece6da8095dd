// Keystone v3 JSON shapes of Coffer's identity records: tokens with their catalog, projects,
// users, roles, domains, EC2 credentials. `links.self` URLs use the host the client addressed.
import type { CredentialRecord } from '../domain/access.ts';
import { DEFAULT_DOMAIN, type Project, type RoleName, type TokenContext, type User } from '../domain/identity/model.ts';
import type { IdentityRequest, PublicEndpoints } from './context.ts';

/** Keystone writes microseconds: 2015-11-07T02:58:43.578887Z. */
export function keystoneTime(date: Date): string {
  return date.toISOString().replace(/Z$/, '000Z');
}

const domainRef = (id: string) => ({ id, name: id === DEFAULT_DOMAIN.id ? DEFAULT_DOMAIN.name : id });

export function domainView(request: IdentityRequest) {
  return {
    id: DEFAULT_DOMAIN.id, name: DEFAULT_DOMAIN.name, description: 'The default domain', enabled: true, tags: [],
    links: { self: `${request.origin}/v3/domains/${DEFAULT_DOMAIN.id}` },
  };
}

export function projectView(request: IdentityRequest, project: Project) {
  return {
    id: project.id, name: project.name, domain_id: project.domainId, description: project.description, enabled: project.enabled,
    is_domain: false, parent_id: project.domainId, tags: [], links: { self: `${request.origin}/v3/projects/${project.id}` },
  };
}

export function userView(request: IdentityRequest, user: User) {
  return {
    id: user.id, name: user.name, domain_id: user.domainId, enabled: user.enabled, password_expires_at: null,
    ...(user.defaultProjectId ? { default_project_id: user.defaultProjectId } : {}),
    links: { self: `${request.origin}/v3/users/${user.id}` },
  };
}

export function roleView(request: IdentityRequest, role: RoleName) {
  return { id: role, name: role, domain_id: null, description: null, options: {}, links: { self: `${request.origin}/v3/roles/${role}` } };
}

export function ec2View(request: IdentityRequest, record: CredentialRecord) {
  return {
    user_id: record.principal.userId, tenant_id: record.principal.projectId, access: record.accessKeyId,
    secret: record.secret.reveal().toString('utf8'), trust_id: null,
    links: { self: `${request.origin}/v3/users/${record.principal.userId}/credentials/OS-EC2/${record.accessKeyId}` },
  };
}

function service(type: string, name: string, url: string, region: string) {
  const endpoint = (iface: string) => ({ id: `${name}-${iface}`, interface: iface, region, region_id: region, url });
  return { id: name, type, name, endpoints: ['public', 'internal', 'admin'].map(endpoint) };
}

/** The service catalog: identity (`/v3`), key-manager (versioned `/v1`, so clients skip discovery) and S3. */
export function catalogView(hostname: string, endpoints: PublicEndpoints) {
  const host = hostname.includes(':') ? `[${hostname}]` : hostname;
  const base = (port: number) => `${endpoints.scheme}://${host}:${port}`;
  return [
    service('identity', 'keystone', `${base(endpoints.identityPort)}/v3`, endpoints.region),
    service('key-manager', 'barbican', `${base(endpoints.keyManagerPort)}/v1`, endpoints.region),
    service('s3', 'coffer-s3', base(endpoints.s3Port), endpoints.region),
  ];
}

export function tokenView(request: IdentityRequest, context: TokenContext, withCatalog: boolean) {
  const { user, project } = context;
  return {
    token: {
      methods: context.methods,
      user: { id: user.id, name: user.name, domain: domainRef(user.domainId), password_expires_at: null },
      audit_ids: [context.auditId],
      issued_at: keystoneTime(context.issuedAt),
      expires_at: keystoneTime(context.expiresAt),
      ...(project
        ? {
            project: { id: project.id, name: project.name, domain: domainRef(project.domainId) },
            is_domain: false,
            roles: context.roles.map((role) => ({ id: role, name: role })),
            ...(withCatalog ? { catalog: catalogView(request.hostname, request.services.endpoints()) } : {}),
          }
        : {}),
    },
  };
}
