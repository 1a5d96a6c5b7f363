import { type Actor, assertAdminOf } from '../../platform/actor.ts';
import { audit } from '../../platform/audit.ts';
import type { DbOrTrx } from '../../platform/db.ts';
import { Conflict, NotFound } from '../../platform/errors.ts';
import type { AgencyId } from '../iso18626/types.ts';
import { tmsg } from './texts.ts';

/** The agency type of a local library that has no agency id of its own: SIMPUL:<library code>. */
export const DEFAULT_AGENCY_TYPE = 'SIMPUL';

export interface AgencyRef {
  type: string;
  value: string;
}

export const toAgencyId = (a: AgencyRef): AgencyId => ({ agencyIdType: { value: a.type }, agencyIdValue: a.value });
export const fromAgencyId = (a: AgencyId): AgencyRef => ({ type: a.agencyIdType.value, value: a.agencyIdValue });
/** Agency types are compared without regard to case: peers write ISIL, isil, Isil. */
const sameType = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();

/** The agency id a local library answers to in ISO 18626 headers. */
export async function localAgency(db: DbOrTrx, libraryId: number): Promise<AgencyRef> {
  const row = await db
    .selectFrom('libraries as l')
    .leftJoin('ill_local_agencies as a', 'a.library_id', 'l.id')
    .select(['l.code', 'a.agency_id_type', 'a.agency_id_value'])
    .where('l.id', '=', libraryId)
    .executeTakeFirst();
  if (!row) throw new NotFound('library');
  if (row.agency_id_type && row.agency_id_value) return { type: row.agency_id_type, value: row.agency_id_value };
  return { type: DEFAULT_AGENCY_TYPE, value: row.code };
}

export type ResolvedAgency =
  | { kind: 'local'; libraryId: number }
  | { kind: 'peer'; libraryId: number; peerId: number }
  | { kind: 'unknown' };

/** Which directory library an agency id in a header names: one of ours, a peer's, or none. */
export async function resolveAgency(db: DbOrTrx, agency: AgencyRef): Promise<ResolvedAgency> {
  const peer = await db
    .selectFrom('ill_peers')
    .select(['id', 'library_id'])
    .where((eb) => eb(eb.fn('upper', ['agency_id_type']), '=', agency.type.toUpperCase()))
    .where('agency_id_value', '=', agency.value)
    .executeTakeFirst();
  if (peer) return { kind: 'peer', libraryId: peer.library_id, peerId: peer.id };
  const local = await db
    .selectFrom('ill_local_agencies')
    .select('library_id')
    .where((eb) => eb(eb.fn('upper', ['agency_id_type']), '=', agency.type.toUpperCase()))
    .where('agency_id_value', '=', agency.value)
    .executeTakeFirst();
  if (local) return { kind: 'local', libraryId: local.library_id };
  if (!sameType(agency.type, DEFAULT_AGENCY_TYPE)) return { kind: 'unknown' };
  const lib = await db
    .selectFrom('libraries as l')
    .leftJoin('ill_local_agencies as a', 'a.library_id', 'l.id')
    .leftJoin('ill_peers as p', 'p.library_id', 'l.id')
    .select('l.id')
    .where('l.code', '=', agency.value.toUpperCase())
    .where('a.library_id', 'is', null)
    .where('p.id', 'is', null)
    .executeTakeFirst();
  return lib ? { kind: 'local', libraryId: lib.id } : { kind: 'unknown' };
}

async function assertAgencyFree(db: DbOrTrx, agency: AgencyRef, except: { libraryId?: number; peerId?: number }) {
  const found = await resolveAgency(db, agency);
  if (found.kind === 'unknown') return;
  if (found.kind === 'local' && found.libraryId === except.libraryId) return;
  if (found.kind === 'peer' && found.peerId === except.peerId) return;
  throw new Conflict('agency_taken', tmsg('peer_agency_taken', { ...agency }));
}

export { assertAgencyFree };

/** A library administrator sets the agency id (ISIL, or what the network uses) her library answers to. */
export async function setLocalAgency(
  db: DbOrTrx,
  actor: Actor,
  library: { id: number; network_id: number },
  agency: AgencyRef,
): Promise<AgencyRef> {
  assertAdminOf(actor, library);
  const run = async (trx: DbOrTrx) => {
    await assertAgencyFree(trx, agency, { libraryId: library.id });
    const before = await localAgency(trx, library.id);
    await trx
      .insertInto('ill_local_agencies')
      .values({ library_id: library.id, agency_id_type: agency.type, agency_id_value: agency.value })
      .onConflict((oc) =>
        oc
          .column('library_id')
          .doUpdateSet({ agency_id_type: agency.type, agency_id_value: agency.value, updated_at: new Date() }),
      )
      .execute();
    await audit(trx, actor, {
      action: 'update',
      entity: 'ill_local_agency',
      entityId: library.id,
      libraryId: library.id,
      before: { ...before },
      after: { ...agency },
    });
  };
  if (db.isTransaction) await run(db);
  else await db.transaction().execute(run);
  return agency;
}
