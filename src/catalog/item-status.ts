import { sql } from 'kysely';
import { type Actor, assertActFor } from '../platform/actor.ts';
import { audit } from '../platform/audit.ts';
import type { Db, DbOrTrx, Trx } from '../platform/db.ts';
import { Conflict, NotFound } from '../platform/errors.ts';
import { rebuildClusters } from './clusters.ts';
import { idList } from './sql-lists.ts';
import type { ItemStatus, Workflow } from './types.ts';

/**
 * Who owns a copy's status. The library's own data (imported files, item-only
 * CSVs, harvests) says what a copy is; it is kept in items.file_status. A
 * Simpul workflow that has the copy out — an ILL loan, a mobile-library loan,
 * a deposit collection, a redistribution in transit — holds it (items.held_by):
 * its status wins over the files until the workflow releases the copy, which
 * then takes the status the library's data last gave it (or the workflow's
 * own when no file ever named the copy). A loss a workflow reports (an ILL
 * copy never returned, a deposit copy missing or settled) stays held until the
 * library's staff release it: the library's system may still say "available"
 * for a book that is gone, and a re-sent file must not put it back on the shelf.
 *
 * Every workflow moves a copy through holdItems / releaseItems, so the union
 * catalog's availability (clusters.available_count / available_library_ids)
 * follows at once, and the imports (ingest.ts, item-rows.ts) ask only
 * "held_by is null?" — one rule, no lists of statuses.
 */

export type { Workflow };
export type HeldStatus = ItemStatus | 'on_deposit';
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

interface Only {
  /** Only copies now in one of these statuses change. */
  from?: HeldStatus[];
  /** Only copies of this library change. */
  libraryId?: number;
  /** A note the copy gets with its new status. */
  note?: string;
}

/**
 * A workflow takes the copies (or moves them on, e.g. in transit -> on loan): their status is the
 * workflow's until it releases them. Copies another workflow holds are left alone. Returns how many changed.
 */
export async function holdItems(
  db: DbOrTrx,
  ids: number[],
  by: Workflow,
  status: HeldStatus,
  only: Only = {},
): Promise<number> {
  if (!ids.length) return 0;
  let q = db
    .updateTable('items')
    .set({ status, held_by: by, updated_at: new Date(), ...(only.note !== undefined ? { note: only.note } : {}) })
    .where('id', 'in', ids)
    .where((eb) => eb.or([eb('held_by', 'is', null), eb('held_by', '=', by)]));
  if (only.from) q = q.where('status', 'in', only.from);
  if (only.libraryId !== undefined) q = q.where('library_id', '=', only.libraryId);
  const rows = await q.returning('cluster_id').execute();
  await refreshAvailability(
    db,
    rows.map((r) => r.cluster_id),
  );
  return rows.length;
}

/**
 * The workflow is done with the copies: the library's data is the source of truth again. Each takes the
 * status its library's files last gave it, or `fallback` when none did; a copy the files withdrew meanwhile
 * (its record deleted, or the copy dropped from it) is withdrawn and leaves its title. Returns how many changed.
 */
export async function releaseItems(
  trx: Trx,
  ids: number[],
  by: Workflow | 'staff',
  fallback: ItemStatus,
  only: Only = {},
): Promise<number> {
  if (!ids.length) return 0;
  const rows = (
    await sql<{ cluster_id: number | null; status: string }>`
      with old as (
        select id, cluster_id from items
        where id in (${sql.join(ids)})
          and ${by === 'staff' ? sql`held_by is not null` : sql`held_by = ${by}`}
          ${only.from ? sql`and status in (${sql.join(only.from)})` : sql``}
          ${only.libraryId !== undefined ? sql`and library_id = ${only.libraryId}` : sql``}
        for update
      )
      update items i set
        status = coalesce(i.file_status, ${fallback}),
        cluster_id = case when i.file_status = 'withdrawn' then null else i.cluster_id end,
        held_by = null, updated_at = now()
      from old where i.id = old.id
      returning old.cluster_id, i.status`.execute(trx)
  ).rows;
  const gone = new Set(
    rows.filter((r) => r.status === 'withdrawn' && r.cluster_id !== null).map((r) => Number(r.cluster_id)),
  );
  if (gone.size) await rebuildClusters(trx, [...gone]);
  // A rebuilt cluster's availability is already fresh.
  await refreshAvailability(
    trx,
    rows.map((r) => (r.cluster_id === null || gone.has(Number(r.cluster_id)) ? null : Number(r.cluster_id))),
  );
  return rows.length;
}

/**
 * Staff of the copy's library release a hold a workflow left (a loss it reported, or a copy it still marks
 * out): from now on the library's own data decides its status. Audited.
 */
export async function releaseHold(db: Db, actor: Actor, itemId: number): Promise<ItemRef & { heldBy: null }> {
  return db.transaction().execute(async (trx) => {
    const it = await trx
      .selectFrom('items as i')
      .innerJoin('libraries as l', 'l.id', 'i.library_id')
      .select(['i.id', 'i.library_id', 'l.network_id', 'i.status', 'i.held_by', 'i.file_status'])
      .where('i.id', '=', itemId)
      .executeTakeFirst();
    if (!it) throw new NotFound({ id: 'Eksemplar', en: 'Item' });
    assertActFor(actor, { id: it.library_id, network_id: it.network_id });
    if (it.held_by === null) {
      throw new Conflict('item_not_held', {
        id: 'Eksemplar ini tidak sedang dipegang alur kerja Simpul',
        en: 'No Simpul workflow holds this copy',
      });
    }
    await releaseItems(trx, [itemId], 'staff', 'available');
    const after = (await getItem(trx, itemId)) as ItemRef;
    await audit(trx, actor, {
      action: 'release_hold',
      entity: 'item',
      entityId: itemId,
      libraryId: it.library_id,
      before: { status: it.status, heldBy: it.held_by },
      after: { status: after.status, heldBy: null, fileStatus: it.file_status },
    });
    return { ...after, heldBy: null };
  });
}

/** The titles' available copies and libraries, recounted in one statement for all of them. */
async function refreshAvailability(db: DbOrTrx, clusterIds: Array<number | null>): Promise<void> {
  const ids = new Set(clusterIds.filter((c): c is number => c !== null));
  if (!ids.size) return;
  await sql`
    update clusters c set
      available_count = x.n,
      available_library_ids = x.libs
    from ${idList(ids)} as t(id)
    cross join lateral (
      select coalesce(count(*) filter (where status = 'available' and loanable), 0)::int as n,
             coalesce(array_agg(distinct library_id) filter (where status = 'available' and loanable), '{}')::integer[] as libs
      from items where cluster_id = t.id
    ) x
    where c.id = t.id`.execute(db);
}
