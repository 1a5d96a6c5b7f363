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
import { fromAgencyId, resolveAgency, toAgencyId } from './transport/agencies.ts';

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
  // A library standing for an outside peer answers to the peer's agency id; one of ours may have its own (ISIL).
  const row = await db
    .selectFrom('libraries as l')
    .leftJoin('ill_peers as p', 'p.library_id', 'l.id')
    .leftJoin('ill_local_agencies as a', 'a.library_id', 'l.id')
    .select(['l.code', 'p.agency_id_type as peer_type', 'p.agency_id_value as peer_value'])
    .select(['a.agency_id_type as own_type', 'a.agency_id_value as own_value'])
    .where('l.id', '=', libraryId)
    .executeTakeFirstOrThrow();
  if (row.peer_type && row.peer_value) return toAgencyId({ type: row.peer_type, value: row.peer_value });
  if (row.own_type && row.own_value) return toAgencyId({ type: row.own_type, value: row.own_value });
  return agencyIdOf(row);
}

/** The library of this node an agency id names, or null (unknown, or another type: an outside peer). */
export async function localLibraryForAgency(db: DbOrTrx, a: AgencyId | undefined): Promise<LocalLibrary | null> {
  if (!a) return null;
  // Peers' agencies are not ours; our libraries answer to SIMPUL:<code> or the id their administrator set.
  const r = await resolveAgency(db, fromAgencyId(a));
  return r.kind === 'local' ? libraryById(db, r.libraryId) : null;
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
