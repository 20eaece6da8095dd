// First-start identity: the Default domain's admin project and admin user (owner of the root S3
// credentials), with the admin role; the admin password is the operator's or generated once.
import { randomBytes } from 'node:crypto';
import { Secret } from '../../util/secret.ts';
import { ADMIN_PROJECT_ID, ADMIN_USER_ID, DEFAULT_DOMAIN, IdentityError } from './model.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import type { IdentityStore } from './ports.ts';

export interface AdminBootstrap {
  /** The password, only when it was generated now (to be shown once). */
  generatedPassword: Secret | undefined;
}

/**
 * Makes the admin real. With `configured`, the admin's password is set to it (the operator's
 * configuration is the source of truth, as for the root S3 keys); without, a password is
 * generated only when the admin has none yet.
 */
export async function ensureAdmin(store: IdentityStore, configured: Secret | undefined): Promise<AdminBootstrap> {
  if (configured && configured.length < 8) throw new Error('COFFER_ADMIN_PASSWORD must have at least 8 characters');
  const now = new Date();
  await store.createProject({
    id: ADMIN_PROJECT_ID, name: 'admin', domainId: DEFAULT_DOMAIN.id, description: 'Coffer administrators', enabled: true, createdAt: now,
  });
  const existing = await store.getUser(ADMIN_USER_ID);
  if (!existing) {
    const outcome = await store.createUser({
      id: ADMIN_USER_ID, name: 'admin', domainId: DEFAULT_DOMAIN.id, defaultProjectId: ADMIN_PROJECT_ID,
      enabled: true, createdAt: now, passwordHash: undefined,
    });
    if (outcome === 'exists') throw new IdentityError('Conflict', 'another user is already named admin in the Default domain');
  }
  await store.grantRole(ADMIN_USER_ID, ADMIN_PROJECT_ID, 'admin');

  if (configured) {
    // Re-hash only on change, so each start does not revoke the admin's tokens.
    if (!existing?.passwordHash || !(await verifyPassword(configured, existing.passwordHash))) {
      await store.setPasswordHash(ADMIN_USER_ID, await hashPassword(configured));
      await store.deleteTokensOf(ADMIN_USER_ID);
    }
    return { generatedPassword: undefined };
  }
  if (existing?.passwordHash) return { generatedPassword: undefined };
  const generated = Secret.fromString(randomBytes(18).toString('base64url'));
  await store.setPasswordHash(ADMIN_USER_ID, await hashPassword(generated));
  return { generatedPassword: generated };
}
