import { sql } from 'kysely';
import type { Trx } from '../platform/db.ts';
import { idList } from './sql-lists.ts';

/**
 * Stand-in records: a library that received a title outside its own files — by
 * redistribution (`transfer:<cluster>`, transfer.ts) or cooperative acquisition
 * (`acq:<id>`, or `id:acq:<id>` when it went through the ingest; acquired.ts) —
 * holds its copies under a copy of someone else's description. When the
 * library's own import later brings the same title, its own record joins the
 * stand-in's cluster (the stand-in does not count as the library's record there)
 * and the stand-in gives way: its copies move to the library's own record —
 * they stay Simpul's (file_status null), so the library's file neither drops
 * nor rewrites them until it names their barcodes — and the stand-in is retired
 * (deleted, out of its cluster, no match keys). The title then lists the library
 * once, with its own description.
 */

export function isStandInKey(recordKey: string): boolean {
  return recordKey.startsWith('transfer:') || recordKey.startsWith('acq:') || recordKey.startsWith('id:acq:');
}

/** The same test in SQL, on a column (`record_key` as written matches the partial index of migration 0072). */
export const STAND_IN_SQL = (column: 'record_key' | 'r.record_key') => {
  const c = sql.ref(column);
  return sql<boolean>`(${c} like 'transfer:%' or ${c} like 'acq:%' or ${c} like 'id:acq:%')`;
};
const STAND_IN = STAND_IN_SQL('record_key');

/**
 * The library's stand-ins in the clusters its own records (`own`: record id and cluster) were just written
 * to give way to them. One probe of a small partial index per chunk. Returns the clusters changed.
 */
export async function retireStandIns(
  trx: Trx,
  libraryId: number,
  own: Array<{ id: number; cluster: number }>,
): Promise<number[]> {
  if (!own.length) return [];
  const clusters = [...new Set(own.map((o) => o.cluster))];
  const found = await sql<{ id: number; cluster_id: number }>`
    select id, cluster_id from source_records
    where library_id = ${libraryId}::bigint and not deleted and cluster_id in ${idList(clusters)} and ${STAND_IN}`.execute(
    trx,
  );
  if (!found.rows.length) return [];
  const ownIn = new Map<number, number>();
  for (const o of own) if (!ownIn.has(o.cluster) || o.id < (ownIn.get(o.cluster) as number)) ownIn.set(o.cluster, o.id);
  const moves = found.rows.map((s) => ({ from: Number(s.id), to: ownIn.get(Number(s.cluster_id)) as number }));
  await sql`
    update items i set source_record_id = x.to_id, updated_at = now()
    from jsonb_to_recordset(${JSON.stringify(moves.map((m) => ({ from_id: m.from, to_id: m.to })))}::jsonb)
      as x(from_id bigint, to_id bigint)
    where i.source_record_id = x.from_id`.execute(trx);
  const ids = moves.map((m) => m.from);
  await sql`update source_records set deleted = true, cluster_id = null, updated_at = now() where id in ${idList(ids)}`.execute(
    trx,
  );
  await sql`delete from match_keys where record_id in ${idList(ids)}`.execute(trx);
  return [...new Set(found.rows.map((s) => Number(s.cluster_id)))];
}
