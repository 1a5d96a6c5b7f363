import { sql } from 'kysely';
import type { Trx } from '../platform/db.ts';
import {
  type ClusterContent,
  type ClusterHolding,
  type Stamp,
  storeClusterIndex,
  type WordSink,
} from './search-index.ts';
import { idList } from './sql-lists.ts';
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

/** Each value once, ignoring case (the last spelling of each kept, in the place of the first). */
function uniq(xs: string[]): string[] {
  return [...new Map(xs.map((x) => [x.toLowerCase(), x])).values()];
}

export function buildDisplay(members: Array<{ bib: Bib; format: string }>): Bib {
  const sorted = [...members].sort((a, b) => completeness(b.bib, b.format) - completeness(a.bib, a.format));
  const best = sorted[0];
  if (!best) throw new Error('a cluster needs at least one record');
  return {
    ...best.bib,
    isbns: uniq(sorted.flatMap((m) => m.bib.isbns)),
    issns: uniq(sorted.flatMap((m) => m.bib.issns)),
    subjects: uniq(sorted.flatMap((m) => m.bib.subjects)),
    authors: best.bib.authors.length ? best.bib.authors : uniq(sorted.flatMap((m) => m.bib.authors)),
    items: [],
  };
}

/** Rebuilds display record, search document, facets and holdings of clusters from what the database holds. */
export async function rebuildClusters(
  trx: Trx,
  clusterIds: number[],
  words?: WordSink,
  stamp: Stamp = 'now',
): Promise<void> {
  const ids = [...new Set(clusterIds)];
  if (ids.length === 0) return;
  const list = idList(ids);
  // Index probes per cluster (lateral, not flattened), whatever the statistics of a young table say.
  const members = (
    await sql<{
      cluster_id: number;
      bib: Bib;
      format: string;
      library_id: number;
      region_code: string | null;
      type: string;
    }>`
      select r.cluster_id, r.bib, r.format, r.library_id, l.region_code, l.type
      from ${list} as c(id)
      cross join lateral (
        select cluster_id, bib, format, library_id from source_records where cluster_id = c.id and not deleted offset 0
      ) r
      join libraries l on l.id = r.library_id`.execute(trx)
  ).rows.map((m) => ({ ...m, cluster_id: Number(m.cluster_id), library_id: Number(m.library_id) }));
  const holdings = (
    await sql<{ cluster_id: number; library_id: number; n: number; avail: number }>`
      select c.id as cluster_id, h.library_id, h.n, h.avail
      from ${list} as c(id)
      cross join lateral (
        select library_id, count(*)::int as n, (count(*) filter (where status = 'available' and loanable))::int as avail
        from items where cluster_id = c.id group by library_id
      ) h`.execute(trx)
  ).rows.map((h) => ({ ...h, cluster_id: Number(h.cluster_id), library_id: Number(h.library_id) }));

  const byCluster = new Map<number, typeof members>();
  for (const m of members) {
    if (m.cluster_id === null) continue;
    const l = byCluster.get(m.cluster_id) ?? [];
    l.push(m);
    byCluster.set(m.cluster_id, l);
  }
  const heldBy = new Map<number, ClusterHolding[]>();
  for (const h of holdings) {
    if (h.cluster_id === null) continue;
    const l = heldBy.get(h.cluster_id) ?? [];
    l.push({ libraryId: h.library_id, copies: h.n, available: h.avail });
    heldBy.set(h.cluster_id, l);
  }
  const empty = ids.filter((id) => !byCluster.has(id));
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
  const content: ClusterContent[] = [...byCluster].map(([id, l]) => ({
    id,
    display: buildDisplay(l),
    members: l.map((m) => ({ bib: m.bib, libraryId: m.library_id, regionCode: m.region_code, libraryType: m.type })),
    holdings: heldBy.get(id) ?? [],
  }));
  await storeClusterIndex(trx, content, 'update', words, stamp);
}
