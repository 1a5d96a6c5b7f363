import { sql } from 'kysely';
import type { DbOrTrx } from '../platform/db.ts';
import type { ItemStatus } from './types.ts';

/**
 * Other modules' workflows (interlibrary loan) move a copy between shelf,
 * transit, loan and loss through here, so the union catalog's availability
 * (clusters.available_count / available_library_ids) follows at once.
 */
export interface ItemRef {
  id: number;
  libraryId: number;
  clusterId: number | null;
  barcode: string | null;
  callNumber: string | null;
  location: string | null;
  status: string;
  loanable: boolean;
}

export async function getItem(db: DbOrTrx, id: number): Promise<ItemRef | null> {
  const r = await db
    .selectFrom('items')
    .select(['id', 'library_id', 'cluster_id', 'barcode', 'call_number', 'location', 'status', 'loanable'])
    .where('id', '=', id)
    .executeTakeFirst();
  return r
    ? {
        id: r.id,
        libraryId: r.library_id,
        clusterId: r.cluster_id,
        barcode: r.barcode,
        callNumber: r.call_number,
        location: r.location,
        status: r.status,
        loanable: r.loanable,
      }
    : null;
}

export async function findItemByBarcode(db: DbOrTrx, libraryId: number, barcode: string): Promise<ItemRef | null> {
  const r = await db
    .selectFrom('items')
    .select('id')
    .where('library_id', '=', libraryId)
    .where('barcode', '=', barcode)
    .executeTakeFirst();
  return r ? getItem(db, r.id) : null;
}

/** The library's first available, loanable copy of a title, or null. */
export async function availableItemOf(db: DbOrTrx, libraryId: number, clusterId: number): Promise<ItemRef | null> {
  const r = await db
    .selectFrom('items')
    .select('id')
    .where('library_id', '=', libraryId)
    .where('cluster_id', '=', clusterId)
    .where('status', '=', 'available')
    .where('loanable', '=', true)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return r ? getItem(db, r.id) : null;
}

/** Sets a copy's status and refreshes its title's availability in the same transaction. */
export async function setItemStatus(db: DbOrTrx, itemId: number, status: ItemStatus): Promise<void> {
  const row = await db
    .updateTable('items')
    .set({ status, updated_at: new Date() })
    .where('id', '=', itemId)
    .returning('cluster_id')
    .executeTakeFirst();
  if (row?.cluster_id) await refreshAvailability(db, row.cluster_id);
}

async function refreshAvailability(db: DbOrTrx, clusterId: number): Promise<void> {
  await sql`
    update clusters c set
      available_count = x.n,
      available_library_ids = x.libs
    from (
      select coalesce(count(*) filter (where status = 'available' and loanable), 0)::int as n,
             coalesce(array_agg(distinct library_id) filter (where status = 'available' and loanable), '{}')::integer[] as libs
      from items where cluster_id = ${clusterId}
    ) x
    where c.id = ${clusterId}`.execute(db);
}
