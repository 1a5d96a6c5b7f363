import { Forbidden } from './errors.ts';
import { msg } from './messages.ts';
import type { Role } from './schema.ts';

/** Who is acting: a signed-in staff member, an API token, or Simpul itself (CLI, jobs). */
export interface Actor {
  kind: 'staff' | 'token' | 'system';
  userId: number | null;
  label: string;
  libraryId: number | null;
  networkId: number | null;
  role: Role | 'system';
}

export const systemActor = (label = 'system'): Actor => ({
  kind: 'system',
  userId: null,
  label,
  libraryId: null,
  networkId: null,
  role: 'system',
});

const rank: Record<Role | 'system', number> = {
  librarian: 1,
  library_admin: 2,
  network_coordinator: 3,
  system: 4,
};

export function roleAtLeast(actor: Actor, role: Role): boolean {
  return rank[actor.role] >= rank[role];
}

interface LibraryRef {
  id: number;
  network_id: number;
}

/** Staff act for their own library; a network coordinator for every library of the network. */
export function canActFor(actor: Actor, library: LibraryRef): boolean {
  if (actor.role === 'system') return true;
  if (actor.role === 'network_coordinator') return actor.networkId === library.network_id;
  return actor.libraryId === library.id;
}

export function assertActFor(actor: Actor, library: LibraryRef): void {
  if (!canActFor(actor, library)) throw new Forbidden(msg('forbidden_other_library'), 'forbidden_other_library');
}

/** Changing a library's own settings, its staff and its rules needs an administrator. */
export function assertAdminOf(actor: Actor, library: LibraryRef): void {
  assertActFor(actor, library);
  if (!roleAtLeast(actor, 'library_admin')) throw new Forbidden();
}

export function assertRole(actor: Actor, role: Role): void {
  if (!roleAtLeast(actor, role)) throw new Forbidden();
}
