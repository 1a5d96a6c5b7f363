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
  // One statement for the whole chunk: per-row updates were most of the ingest time.
  const rows = [...byCluster].map(([id, list]) => {
    const display = buildDisplay(list);
    const h = holdings.filter((x) => x.cluster_id === id);
    const doc = indexDocument(
      display,
      list.map((m) => m.bib),
    );
    return {
      id,
      title: display.title || '—',
      display,
      year: display.year ?? null,
      format: display.format,
      language: display.language ?? null,
      t_title: doc.title,
      t_authors: doc.authors,
      t_subjects: doc.subjects,
      t_other: doc.other,
      title_sort: doc.titleSort,
      author_sort: doc.authorSort,
      subjects: doc.subjectKeys,
      isbns: doc.isbns,
      issns: doc.issns,
      call_numbers: doc.callNumbers,
      publisher_key: doc.publisherKey,
      library_ids: [...new Set([...list.map((m) => m.library_id), ...h.map((x) => x.library_id)])],
      region_codes: [...new Set(list.map((m) => m.region_code).filter((r): r is string => Boolean(r)))],
      library_types: [...new Set(list.map((m) => m.type))],
      available_library_ids: h.filter((x) => x.avail > 0).map((x) => x.library_id),
      holdings_count: h.reduce((a, x) => a + x.n, 0),
      available_count: h.reduce((a, x) => a + x.avail, 0),
      record_count: list.length,
    };
  });
  if (rows.length === 0) return;
  await sql`
    update clusters c set
      title = x.title, display = x.display, year = x.year, format = x.format, language = x.language,
      search_doc = setweight(to_tsvector('simple', x.t_title), 'A') || setweight(to_tsvector('simple', x.t_authors), 'B')
        || setweight(to_tsvector('simple', x.t_subjects), 'C') || setweight(to_tsvector('simple', x.t_other), 'D'),
      title_sort = x.title_sort, author_sort = x.author_sort, subjects = x.subjects, isbns = x.isbns, issns = x.issns,
      call_numbers = x.call_numbers, publisher_key = x.publisher_key, library_ids = x.library_ids,
      region_codes = x.region_codes, library_types = x.library_types, available_library_ids = x.available_library_ids,
      holdings_count = x.holdings_count, available_count = x.available_count, record_count = x.record_count,
      updated_at = now()
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
      id bigint, title text, display jsonb, year integer, format text, language text,
      t_title text, t_authors text, t_subjects text, t_other text, title_sort text, author_sort text,
      subjects text[], isbns text[], issns text[], call_numbers text[], publisher_key text,
      library_ids integer[], region_codes text[], library_types text[], available_library_ids integer[],
      holdings_count integer, available_count integer, record_count integer)
    where c.id = x.id`.execute(trx);
}
