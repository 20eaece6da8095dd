// The Owner element of listings and ACLs: the caller's user.
import type { Principal } from '../../domain/access.ts';

export function ownerOf(principal: Principal): { ID: string; DisplayName: string } {
  return { ID: principal.userId, DisplayName: principal.displayName };
}
