/**
 * ISO 18626 agency ids of the libraries on this node, and the clock for
 * message timestamps.
 *
 * Scheme: every library of this node is the agency `{ agencyIdType: 'SIMPUL',
 * agencyIdValue: <library code> }` (codes are unique per node, upper case,
 * e.g. SIMPUL:BUNGHATTA). Outside systems are registered by the ill-iso work
 * as peers with their own agency ids; nothing here assumes they use this type.
 */
import type { DbOrTrx } from '../platform/db.ts';
import type { AgencyId } from './iso18626/types.ts';

export const AGENCY_TYPE = 'SIMPUL';

export function agencyIdOf(library: { code: string }): AgencyId {
  return { agencyIdType: { value: AGENCY_TYPE }, agencyIdValue: library.code };
}

export function agencyKey(a: AgencyId): string {
  return `${a.agencyIdType.value}:${a.agencyIdValue}`;
}

export interface LocalLibrary {
  id: number;
  code: string;
  name: string;
  network_id: number;
}

/**
 * The agency id a library is addressed by in ISO 18626 messages. Extension
 * point for outside peers: a library that stands for a peer gets the peer's id.
 */
export async function agencyIdFor(db: DbOrTrx, libraryId: number): Promise<AgencyId> {
  return agencyIdOf(await libraryById(db, libraryId));
}

/** The library of this node an agency id names, or null (unknown, or another type: an outside peer). */
export async function localLibraryForAgency(db: DbOrTrx, a: AgencyId | undefined): Promise<LocalLibrary | null> {
  if (!a || a.agencyIdType.value.toUpperCase() !== AGENCY_TYPE) return null;
  const row = await db
    .selectFrom('libraries')
    .select(['id', 'code', 'name', 'network_id'])
    .where('code', '=', a.agencyIdValue.toUpperCase())
    .executeTakeFirst();
  return row ?? null;
}

export async function libraryById(db: DbOrTrx, id: number): Promise<LocalLibrary> {
  return db
    .selectFrom('libraries')
    .select(['id', 'code', 'name', 'network_id'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

let last = 0;

/**
 * Message timestamps strictly increase within the process: ISO 18626 has no
 * message id, so peers tell a resent message from a new one by the header
 * timestamp (see `messageKey`); two messages in the same millisecond must differ.
 */
export function messageTimestamp(now: number = Date.now()): string {
  last = Math.max(now, last + 1);
  return new Date(last).toISOString();
}
