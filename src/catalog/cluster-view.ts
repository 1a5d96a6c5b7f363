import type { Db } from '../platform/db.ts';
import { NotFound } from '../platform/errors.ts';
import { compare } from './match.ts';
import { holdingsOf } from './search.ts';
import type { Bib } from './types.ts';

/** One title as the public record page shows it: display record, holdings, copies, source records. */
export interface ClusterMember {
  recordId: number;
  libraryId: number;
  libraryCode: string;
  libraryName: string;
  recordKey: string;
  format: string;
  bib: Bib;
  updatedAt: string;
  /** Why the matcher puts this record with the first one (empty for the first). */
  matchReasons: string[];
}

export async function getCluster(db: Db, id: number) {
  const c = await db
    .selectFrom('clusters')
    .select(['id', 'display', 'year', 'format', 'language', 'record_count', 'holdings_count', 'available_count'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!c) throw new NotFound('record');
  const members = await db
    .selectFrom('source_records as r')
    .innerJoin('libraries as l', 'l.id', 'r.library_id')
    .select(['r.id', 'r.library_id', 'l.code', 'l.name', 'r.record_key', 'r.format', 'r.bib', 'r.updated_at'])
    .where('r.cluster_id', '=', id)
    .where('r.deleted', '=', false)
    .orderBy('l.name')
    .execute();
  const holdings = (await holdingsOf(db, [id])).get(id) ?? [];
  // A record staff merged in is here because of that decision, whatever the matcher would say.
  const keys = new Set(members.map((m) => `${m.library_id}|${m.record_key}`));
  const merged = new Map<string, string>();
  if (members.length > 1) {
    const decisions = await db
      .selectFrom('cluster_decisions')
      .select(['a_library_id', 'a_record_key', 'b_library_id', 'b_record_key', 'note'])
      .where('kind', '=', 'merge')
      .where('active', '=', true)
      .where((eb) =>
        eb.or(
          members.map((m) => eb.and([eb('a_library_id', '=', m.library_id), eb('a_record_key', '=', m.record_key)])),
        ),
      )
      .execute();
    for (const d of decisions) {
      const a = `${d.a_library_id}|${d.a_record_key}`;
      const b = `${d.b_library_id}|${d.b_record_key}`;
      if (!keys.has(a) || !keys.has(b)) continue;
      const why = `staff decision: same manifestation${d.note ? ` (${d.note})` : ''}`;
      merged.set(a, why);
      merged.set(b, why);
    }
  }
  const items = await db
    .selectFrom('items as i')
    .innerJoin('libraries as l', 'l.id', 'i.library_id')
    .select(['i.id', 'l.code', 'i.barcode', 'i.call_number', 'i.location', 'i.status', 'i.held_by', 'i.loanable'])
    .where('i.cluster_id', '=', id)
    .orderBy('l.code')
    .orderBy('i.barcode')
    .execute();
  return {
    id: c.id,
    display: c.display,
    year: c.year,
    format: c.format,
    language: c.language,
    recordCount: c.record_count,
    holdingsCount: c.holdings_count,
    availableCount: c.available_count,
    holdings,
    items: items.map((i) => ({
      id: i.id,
      libraryCode: i.code,
      barcode: i.barcode,
      callNumber: i.call_number,
      location: i.location,
      status: i.status,
      /** The Simpul workflow whose status this is (ill, mobile, deposit, redistribution), or null. */
      heldBy: i.held_by,
      loanable: i.loanable,
    })),
    members: members.map(
      (m, i): ClusterMember => ({
        matchReasons:
          i === 0 || !members[0]
            ? []
            : merged.has(`${m.library_id}|${m.record_key}`)
              ? [merged.get(`${m.library_id}|${m.record_key}`) as string]
              : compare(members[0].bib, m.bib).reasons,
        recordId: m.id,
        libraryId: m.library_id,
        libraryCode: m.code,
        libraryName: m.name,
        recordKey: m.record_key,
        format: m.format,
        bib: m.bib,
        updatedAt: m.updated_at.toISOString(),
      }),
    ),
  };
}
