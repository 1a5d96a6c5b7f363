/**
 * A typed citation and the union catalog: which cluster a request for it is
 * filed under (its holdings give the rota), and the rota preview staff see
 * while typing. Creating a request and the preview call the same
 * `clusterForCitation` (through `lookUpCitation`) and `proposeRota`, so what
 * the preview shows is what saving the request now would store.
 */
import { sql } from 'kysely';
import {
  clustersByKey,
  MAX_CANDIDATE_CLUSTERS,
  MAX_CLUSTERS_PER_KEY,
  MAX_MEMBERS_COMPARED,
} from '../catalog/ingest.ts';
import { catalogMatcher } from '../catalog/match.ts';
import { parseYear } from '../catalog/normalize.ts';
import { isbnKeys, issnKey } from '../catalog/search-index.ts';
import { idList } from '../catalog/sql-lists.ts';
import type { Bib, BibFormat } from '../catalog/types.ts';
import type { Actor } from '../platform/actor.ts';
import type { DbOrTrx } from '../platform/db.ts';
import { Forbidden } from '../platform/errors.ts';
import { proposeRota, type RotaProposal } from './selection.ts';
import type { Citation } from './tables.ts';
import { t } from './texts.ts';

/** The citation's fields trimmed, empty ones dropped. */
export function cleanCitation(c: Partial<Citation>): Partial<Citation> {
  const out: Partial<Citation> = {};
  for (const [k, v] of Object.entries(c)) {
    if (typeof v === 'string' && v.trim()) (out as Record<string, string>)[k] = v.trim();
  }
  return out;
}

/** A union-catalog cluster as the preview names it. */
export interface CitationCandidate {
  clusterId: number;
  title: string;
  authors: string[];
  year: number | null;
}

export interface CitationMatch extends CitationCandidate {
  /**
   * What matched: the ISBN, the ISSN (a serial), or title and author — the catalog's matcher would put
   * a record of the citation into this cluster and into no other.
   */
  by: 'isbn' | 'issn' | 'title_author';
}

export interface CitationLookup {
  match: CitationMatch | null;
  /** Clusters the citation matches equally well by title and author: none is chosen (at most MAX_AMBIGUOUS). */
  ambiguous: CitationCandidate[];
}

/*
 * The title-and-author step looks candidates up as the catalog ingest does (src/catalog/ingest.ts): by the
 * matcher's own keys in `match_keys`, a key reaching more than MAX_CLUSTERS_PER_KEY clusters (a very common
 * title head) not used, at most MAX_CANDIDATE_CLUSTERS clusters from the rarest keys first, and
 * MAX_MEMBERS_COMPARED records of each.
 */
const MAX_AMBIGUOUS = 5;

const candidateOf = (row: { id: number; title: string; display: Bib }): CitationCandidate => ({
  clusterId: Number(row.id),
  title: row.title,
  authors: row.display.authors,
  year: row.display.year ?? null,
});

/**
 * The cluster holding an identifier: the most widely held when several do (a reused ISBN, a
 * journal catalogued twice), as before title matching existed.
 */
async function byIdentifier(db: DbOrTrx, column: 'isbns' | 'issns', keys: string[]): Promise<CitationCandidate | null> {
  if (!keys.length) return null;
  const hit = await db
    .selectFrom('clusters')
    .select(['id', 'title', 'display'])
    .where((eb) => eb(column, '&&', eb.val(keys)))
    .orderBy('holdings_count', 'desc')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return hit ? candidateOf(hit) : null;
}

/**
 * The citation as a catalog record, for the matcher. It states no format, so it takes each candidate's
 * (the format rule then never decides; a title that is both a book and a film is two clusters, ambiguous).
 * Several authors are typed separated by ";".
 */
function citationBib(c: Partial<Citation>, format: BibFormat): Bib {
  const year = parseYear(c.year)?.year;
  return {
    title: c.title ?? '',
    authors: c.author ? c.author.split(/\s*;\s*/).filter(Boolean) : [],
    isbns: c.isbn ? [c.isbn] : [],
    issns: c.issn ? [c.issn] : [],
    ...(c.publisher ? { publisher: c.publisher } : {}),
    ...(year !== undefined ? { year } : {}),
    ...(c.edition ? { edition: c.edition } : {}),
    format,
    subjects: [],
    items: [],
  };
}

/**
 * The clusters the catalog's matcher would put a record of this citation into: one of its records
 * compares as 'match' and none conflicts with it (the ingest's rule against chaining). With their best
 * scores. No new rule: `catalogMatcher` decides, with its normalisation (spelling reforms, diacritics,
 * articles, name forms) and its caution (a title alone against records with authors is 'uncertain').
 */
async function matchingClusters(db: DbOrTrx, citation: Partial<Citation>): Promise<Map<number, number>> {
  const found = new Map<number, number>();
  if (!citation.title) return found;
  const probe = citationBib(citation, 'book');
  const wanted = [...new Set(catalogMatcher.keys(probe))].filter((k) => !k.includes('\n'));
  if (!wanted.length) return found;
  const hits = await clustersByKey(db, wanted, null);
  const perKey = hits
    .map((h) => h.ids.split(',').map(Number))
    .filter((ids) => ids.length <= MAX_CLUSTERS_PER_KEY)
    .sort((a, b) => a.length - b.length);
  const picked = new Set<number>();
  for (const ids of perKey) for (const id of ids) if (picked.size < MAX_CANDIDATE_CLUSTERS) picked.add(id);
  if (!picked.size) return found;

  const rows = await sql<{ id: number; cluster_id: number; match_form: unknown; bib: Bib | null }>`
    select m.id, m.cluster_id, m.match_form, m.bib
    from ${idList(picked)} as x(id) cross join lateral (
      select s.id, s.cluster_id, s.match_form, case when s.match_form is null then s.bib end as bib
      from source_records s
      where s.cluster_id = x.id and not s.deleted
      order by s.id
      limit ${MAX_MEMBERS_COMPARED}::int
    ) m`.execute(db);
  const members = new Map<number, Bib[]>();
  for (const r of rows.rows) {
    const bib = catalogMatcher.fromForm(r.match_form) ?? r.bib;
    if (!bib) continue;
    const cluster = Number(r.cluster_id);
    members.set(cluster, [...(members.get(cluster) ?? []), bib]);
  }
  const asFormat = new Map<BibFormat, Bib>();
  const probeAs = (format: BibFormat): Bib => {
    let b = asFormat.get(format);
    if (!b) {
      b = citationBib(citation, format);
      asFormat.set(format, b);
    }
    return b;
  };
  for (const [cluster, list] of members) {
    let best: number | null = null;
    for (const m of list) {
      const me = probeAs(m.format);
      if (!catalogMatcher.mayMatch(me, m)) continue;
      const v = catalogMatcher.compare(me, m);
      if (v.decision === 'match' && (best === null || v.score > best)) best = v.score;
    }
    if (best === null) continue;
    if (list.some((m) => catalogMatcher.conflict(probeAs(m.format), m) !== undefined)) continue;
    found.set(cluster, best);
  }
  return found;
}

/**
 * The union-catalog cluster a typed citation is filed under, or why none is: the cluster holding its
 * ISBN; else the serial holding its ISSN; else the one cluster the catalog's matcher would put a record
 * of the citation into (title, author, and year, edition, publisher when typed). When the matcher accepts
 * two or more clusters (two editions, a title without a year), none is guessed: a wrong guess would send
 * the request to libraries holding another book; they are listed as `ambiguous` for staff to choose from
 * the catalog.
 */
export async function lookUpCitation(db: DbOrTrx, citation: Partial<Citation>): Promise<CitationLookup> {
  const byIsbn = citation.isbn ? await byIdentifier(db, 'isbns', isbnKeys(citation.isbn)) : null;
  if (byIsbn) return { match: { ...byIsbn, by: 'isbn' }, ambiguous: [] };
  const issn = citation.issn ? issnKey(citation.issn) : null;
  const byIssn = issn ? await byIdentifier(db, 'issns', [issn]) : null;
  if (byIssn) return { match: { ...byIssn, by: 'issn' }, ambiguous: [] };

  const found = await matchingClusters(db, citation);
  if (!found.size) return { match: null, ambiguous: [] };
  const rows = await db
    .selectFrom('clusters')
    .select(['id', 'title', 'display', 'holdings_count'])
    .where('id', 'in', [...found.keys()])
    .execute();
  const ranked = rows
    .sort(
      (a, b) =>
        (found.get(Number(b.id)) ?? 0) - (found.get(Number(a.id)) ?? 0) ||
        b.holdings_count - a.holdings_count ||
        Number(a.id) - Number(b.id),
    )
    .map(candidateOf);
  const [only] = ranked;
  if (ranked.length === 1 && only) return { match: { ...only, by: 'title_author' }, ambiguous: [] };
  return { match: null, ambiguous: ranked.slice(0, MAX_AMBIGUOUS) };
}

/** The cluster a request for this typed citation is filed under (`lookUpCitation`), or null. */
export async function clusterForCitation(db: DbOrTrx, citation: Partial<Citation>): Promise<CitationMatch | null> {
  return (await lookUpCitation(db, citation)).match;
}

export interface CitationPreview extends CitationLookup {
  proposal: RotaProposal;
}

/**
 * The rota a request for this citation would get if the actor's library saved it now. Reads only.
 * A request is always made for the staff's own library (`createRequest`), so that is the only
 * borrower one may preview for — coordinators included.
 */
export async function previewCitationRota(
  db: DbOrTrx,
  actor: Actor,
  citation: Partial<Citation>,
  library?: number,
): Promise<CitationPreview> {
  const borrower = actor.libraryId;
  if (borrower === null || (library !== undefined && library !== borrower)) {
    throw new Forbidden(t('not_borrower_staff'), 'not_borrower_staff');
  }
  const found = await lookUpCitation(db, cleanCitation(citation));
  return { ...found, proposal: await proposeRota(db, borrower, found.match?.clusterId ?? null) };
}
