import { Forbidden } from './errors.ts';
import { msg } from './messages.ts';
import type { Role } from './schema.ts';

/**
 * Who is acting: a signed-in staff member, an API token, Simpul itself (CLI,
 * jobs), or a patron signed in to the portal.
 *
 * A patron actor has `kind: 'patron'`, `role: 'patron'`, `userId: null`, its
 * `patronId` and its home `libraryId`/`networkId`. It never acts for a library:
 * `canActFor`, `roleAtLeast` and `assertRole` refuse it. HTTP keeps it apart:
 * a patron session fills `req.patron`, never `req.actor`, so every staff route
 * (`requireActor`) answers 401 to a patron; patron routes call `requirePatron`.
 */
export interface Actor {
  kind: 'staff' | 'token' | 'system' | 'patron';
  /** The staff user; null for tokens, the system and patrons. */
  userId: number | null;
  /** The patron; set only when kind is 'patron'. */
  patronId: number | null;
  label: string;
  /** The staff member's or token's library; a patron's home library. */
  libraryId: number | null;
  networkId: number | null;
  role: Role | 'system' | 'patron';
}

export type PatronActor = Actor & { kind: 'patron'; patronId: number; libraryId: number; role: 'patron' };

export const systemActor = (label = 'system'): Actor => ({
  kind: 'system',
  userId: null,
  patronId: null,
  label,
  libraryId: null,
  networkId: null,
  role: 'system',
});

export function isPatron(actor: Actor | null | undefined): actor is PatronActor {
  return actor?.kind === 'patron';
}

const rank: Record<Role | 'system' | 'patron', number> = {
  patron: 0,
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
  if (actor.kind === 'patron') return false;
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
