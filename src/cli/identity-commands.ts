// `coffer project|user|credential …`: projects, users and S3 credentials through the identity API.
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import type { CofferClient } from './api-client.ts';
import { connect, fields, output, readTextFile, table, withConnection, type CommonFlags } from './connection.ts';

interface ProjectJson { id: string; name: string; description: string; enabled: boolean }
interface UserJson { id: string; name: string; default_project_id?: string; enabled: boolean }
interface CredentialJson { access: string; secret: string; tenant_id: string; user_id: string }

async function findProject(client: CofferClient, nameOrId: string): Promise<ProjectJson> {
  const { projects } = await client.identity<{ projects: ProjectJson[] }>('GET', `/projects?name=${encodeURIComponent(nameOrId)}`);
  if (projects[0]) return projects[0];
  return (await client.identity<{ project: ProjectJson }>('GET', `/projects/${encodeURIComponent(nameOrId)}`)).project;
}

async function findUser(client: CofferClient, nameOrId: string): Promise<UserJson> {
  const { users } = await client.identity<{ users: UserJson[] }>('GET', `/users?name=${encodeURIComponent(nameOrId)}`);
  if (users[0]) return users[0];
  return (await client.identity<{ user: UserJson }>('GET', `/users/${encodeURIComponent(nameOrId)}`)).user;
}

/** The new password: from --password-file, else generated (and then shown once). */
function newPassword(file: string | undefined): { password: string; generated: boolean } {
  if (file) return { password: readTextFile(file), generated: false };
  return { password: randomBytes(18).toString('base64url'), generated: true };
}

function projectCommands(): Command {
  const project = new Command('project').description('projects (tenants): each owns its buckets and secrets');
  withConnection(project.command('create').description('create a project (admin)').argument('<name>'))
    .option('--description <text>', 'free text')
    .action(async (name: string, flags: CommonFlags & { description?: string }) => {
      const client = await connect(flags);
      const { project: created } = await client.identity<{ project: ProjectJson }>('POST', '/projects', { project: { name, description: flags.description ?? '', enabled: true } });
      output(flags, created, () => fields([['id', created.id], ['name', created.name], ['description', created.description]]));
    });
  withConnection(project.command('list').description('list projects (admin: all; others: their own)'))
    .action(async (flags: CommonFlags) => {
      const { projects } = await (await connect(flags)).identity<{ projects: ProjectJson[] }>('GET', '/projects');
      output(flags, projects, () => table(['ID', 'Name', 'Description'], projects.map((p) => [p.id, p.name, p.description])));
    });
  return project;
}

function userCommands(): Command {
  const user = new Command('user').description('identity users (log in to the identity API and the openstack CLI)');
  withConnection(user.command('create').description('create a user with a role on a project (admin)').argument('<name>'))
    .requiredOption('--project <project>', 'project (name or id) the user gets a role on')
    .option('--role <role>', 'role on the project: reader, member or admin', 'member')
    .option('--password-file <file>', 'file holding the new password (- for stdin); generated and shown once when absent')
    .action(async (name: string, flags: CommonFlags & { project: string; role: string; passwordFile?: string }) => {
      const client = await connect(flags);
      const project = await findProject(client, flags.project);
      const { password, generated } = newPassword(flags.passwordFile);
      const { user: created } = await client.identity<{ user: UserJson }>('POST', '/users', { user: { name, password, default_project_id: project.id, enabled: true } });
      await client.identity('PUT', `/projects/${project.id}/users/${created.id}/roles/${encodeURIComponent(flags.role)}`);
      const shown = { ...created, project_id: project.id, role: flags.role, ...(generated ? { password } : {}) };
      output(flags, shown, () => fields([['id', created.id], ['name', created.name], ['project', project.name], ['role', flags.role],
        ...(generated ? [['password', `${password}   (generated; shown once)`] as [string, string]] : [])]));
    });
  withConnection(user.command('list').description('list users (admin)'))
    .action(async (flags: CommonFlags) => {
      const { users } = await (await connect(flags)).identity<{ users: UserJson[] }>('GET', '/users');
      output(flags, users, () => table(['ID', 'Name', 'Default project', 'Enabled'], users.map((u) => [u.id, u.name, u.default_project_id, u.enabled])));
    });
  withConnection(user.command('set-password').description('set a user\'s password (admin); revokes the user\'s tokens').argument('<user>'))
    .option('--password-file <file>', 'file holding the new password (- for stdin); generated and shown once when absent')
    .action(async (name: string, flags: CommonFlags & { passwordFile?: string }) => {
      const client = await connect(flags);
      const target = await findUser(client, name);
      const { password, generated } = newPassword(flags.passwordFile);
      await client.identity('PATCH', `/users/${target.id}`, { user: { password } });
      const shown = { id: target.id, name: target.name, ...(generated ? { password } : {}) };
      output(flags, shown, () => fields([['id', target.id], ['name', target.name], ['password', generated ? `${password}   (generated; shown once)` : 'set']]));
    });
  return user;
}

function credentialCommands(): Command {
  const credential = new Command('credential').description('S3 access keys (EC2-style credentials) of a user in a project');
  const show = (c: CredentialJson) => fields([['access key', c.access], ['secret key', c.secret], ['project id', c.tenant_id], ['user id', c.user_id]]);
  withConnection(credential.command('create').description('create an S3 access key; S3 requests signed with it act as the user in the project'))
    .option('--user <user>', 'user (name or id); default: the logged-in user')
    .option('--project <project>', 'project (name or id); default: the logged-in project')
    .action(async (flags: CommonFlags & { user?: string; project?: string }) => {
      const client = await connect(flags);
      const userId = flags.user ? (await findUser(client, flags.user)).id : client.userId;
      const projectId = flags.project ? (await findProject(client, flags.project)).id : client.projectId;
      const { credential: created } = await client.identity<{ credential: CredentialJson }>('POST', `/users/${userId}/credentials/OS-EC2`, { tenant_id: projectId });
      output(flags, created, () => show(created));
    });
  withConnection(credential.command('list').description('list a user\'s S3 access keys'))
    .option('--user <user>', 'user (name or id); default: the logged-in user')
    .action(async (flags: CommonFlags & { user?: string }) => {
      const client = await connect(flags);
      const userId = flags.user ? (await findUser(client, flags.user)).id : client.userId;
      const { credentials } = await client.identity<{ credentials: CredentialJson[] }>('GET', `/users/${userId}/credentials/OS-EC2`);
      output(flags, credentials, () => table(['Access key', 'Project ID', 'User ID'], credentials.map((c) => [c.access, c.tenant_id, c.user_id])));
    });
  withConnection(credential.command('delete').description('delete an S3 access key').argument('<access-key>'))
    .option('--user <user>', 'user (name or id) owning the key; default: the logged-in user')
    .action(async (accessKey: string, flags: CommonFlags & { user?: string }) => {
      const client = await connect(flags);
      const userId = flags.user ? (await findUser(client, flags.user)).id : client.userId;
      await client.identity('DELETE', `/users/${userId}/credentials/OS-EC2/${encodeURIComponent(accessKey)}`);
      output(flags, { deleted: accessKey }, () => `deleted ${accessKey}`);
    });
  return credential;
}

export function identityCommands(): Command[] {
  return [projectCommands(), userCommands(), credentialCommands()];
}
