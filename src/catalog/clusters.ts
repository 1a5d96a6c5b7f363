import { sql } from 'kysely';
import type { Trx } from '../platform/db.ts';
import { indexDocument } from './search-index.ts';
import type { Bib } from './types.ts';

/**
 * A cluster's display record is built from its best member; identifiers and
 * subjects are the union of all members, so a search by any member's ISBN
 * finds the cluster. Holdings come from the items table.
 */

const FORMAT_RANK: Record<string, number> = { marc21: 3, marcxml: 3, mods: 2, csv: 1, oai_dc: 1 };

function completeness(b: Bib, format: string): number {
  let n = FORMAT_RANK[format] ?? 0;
  for (const v of [
    b.subtitle,
    b.responsibility,
    b.publisher,
    b.place,
    b.year,
    b.edition,
    b.ddc,
    b.series,
    b.pages,
    b.language,
  ]) {
    if (v !== undefined && v !== null && v !== '') n++;
  }
  return n + Math.min(b.authors.length, 3) + Math.min(b.subjects.length, 3) + (b.isbns.length ? 2 : 0);
}

export function buildDisplay(members: Array<{ bib: Bib; format: string }>): Bib {
  const sorted = [...members].sort((a, b) => completeness(b.bib, b.format) - completeness(a.bib, a.format));
  const best = sorted[0];
  if (!best) throw new Error('a cluster needs at least one record');
  const uniq = (xs: string[]) => [...new Map(xs.map((x) => [x.toLowerCase(), x])).values()];
  return {
    ...best.bib,
    isbns: uniq(sorted.flatMap((m) => m.bib.isbns)),
    issns: uniq(sorted.flatMap((m) => m.bib.issns)),
    subjects: uniq(sorted.flatMap((m) => m.bib.subjects)),
    authors: best.bib.authors.length ? best.bib.authors : uniq(sorted.flatMap((m) => m.bib.authors)),
    items: [],
  };
}

export async function rebuildClusters(trx: Trx, clusterIds: number[]): Promise<void> {
  if (clusterIds.length === 0) return;
  const members = await trx
    .selectFrom('source_records as r')
    .innerJoin('libraries as l', 'l.id', 'r.library_id')
    .select(['r.cluster_id', 'r.bib', 'r.format', 'r.library_id', 'l.region_code', 'l.type'])
    .where('r.cluster_id', 'in', clusterIds)
    .where('r.deleted', '=', false)
    .execute();
  const holdings = await trx
    .selectFrom('items')
    .select([
      'cluster_id',
      'library_id',
      sql<number>`count(*)::int`.as('n'),
      sql<number>`(count(*) filter (where status = 'available' and loanable))::int`.as('avail'),
    ])
    .where('cluster_id', 'in', clusterIds)
    .groupBy(['cluster_id', 'library_id'])
    .execute();

  const byCluster = new Map<number, typeof members>();
  for (const m of members) {
    if (m.cluster_id === null) continue;
    const list = byCluster.get(m.cluster_id) ?? [];
    list.push(m);
    byCluster.set(m.cluster_id, list);
  }
  const empty = clusterIds.filter((id) => !byCluster.has(id));
  if (empty.length) {
    await trx
      .insertInto('cluster_tombstones')
      .columns(['cluster_id', 'library_ids'])
      .expression((eb) => eb.selectFrom('clusters').select(['id', 'library_ids']).where('id', 'in', empty))
      .onConflict((oc) => oc.column('cluster_id').doNothing())
      .execute();
    await trx.updateTable('items').set({ cluster_id: null }).where('cluster_id', 'in', empty).execute();
    await trx.deleteFrom('clusters').where('id', 'in', empty).execute();
  }
  for (const [id, list] of byCluster) {
    const display = buildDisplay(list);
    const h = holdings.filter((x) => x.cluster_id === id);
    const libraryIds = [...new Set([...list.map((m) => m.library_id), ...h.map((x) => x.library_id)])];
    const availableLibs = h.filter((x) => x.avail > 0).map((x) => x.library_id);
    const doc = indexDocument(
      display,
      list.map((m) => m.bib),
    );
    await trx
      .updateTable('clusters')
      .set({
        title: display.title || '—',
        display: JSON.stringify(display),
        year: display.year ?? null,
        format: display.format,
        language: display.language ?? null,
        search_doc: sql`setweight(to_tsvector('simple', ${doc.title}), 'A') || setweight(to_tsvector('simple', ${doc.authors}), 'B') || setweight(to_tsvector('simple', ${doc.subjects}), 'C') || setweight(to_tsvector('simple', ${doc.other}), 'D')`,
        title_sort: doc.titleSort,
        author_sort: doc.authorSort,
        subjects: doc.subjectKeys,
        isbns: doc.isbns,
        issns: doc.issns,
        call_numbers: doc.callNumbers,
        publisher_key: doc.publisherKey,
        library_ids: libraryIds,
        region_codes: [...new Set(list.map((m) => m.region_code).filter((r): r is string => Boolean(r)))],
        library_types: [...new Set(list.map((m) => m.type))],
        available_library_ids: availableLibs,
        holdings_count: h.reduce((a, x) => a + x.n, 0),
        available_count: h.reduce((a, x) => a + x.avail, 0),
        record_count: list.length,
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
  }
}
