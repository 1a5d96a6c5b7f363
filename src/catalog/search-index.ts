import { type RawBuilder, sql } from 'kysely';
import type { Db, DbOrTrx, Trx } from '../platform/db.ts';
import { normalizeIsbn, normalizeIssn } from './isbn.ts';
import { fold, spellingVariants } from './search-text.ts';
import { isStopWord } from './stop-words.ts';
import type { Bib } from './types.ts';

/**
 * The version of what this file and search-text.ts's fold store in a cluster's search document. Bump it when
 * either changes what is stored; migration and reindex.ts then rebuild the stored documents (the
 * search_index_state row says which version they were built with). 2: apostrophes dropped, not split.
 */
export const SEARCH_INDEX_VERSION = 2;

/**
 * What one cluster contributes to the search index: weighted texts for
 * PostgreSQL full-text search (title A, names B, subjects C, the rest D) and
 * exact keys for identifiers, facets and sorting.
 */
export interface IndexDocument {
  title: string;
  authors: string;
  subjects: string;
  other: string;
  titleSort: string;
  authorSort: string;
  subjectKeys: string[];
  isbns: string[];
  issns: string[];
  callNumbers: string[];
  publisherKey: string | null;
}

/**
 * An ISBN as searched: its ISBN-13 when valid (so 10 and 13 digit forms meet),
 * else its bare digits, because records with a wrong check digit are common
 * and must still be found by what is printed on them.
 */
export function isbnKeys(raw: string): string[] {
  const valid = normalizeIsbn(raw);
  if (valid) return [valid];
  const digits = raw.toUpperCase().replace(/[^0-9X]/g, '');
  return digits.length >= 10 ? [digits] : [];
}

export function issnKey(raw: string): string | null {
  return normalizeIssn(raw) ?? null;
}

export function indexDocument(display: Bib, members: Bib[]): IndexDocument {
  return indexParts(display, members).doc;
}

/** Folded, non-empty, each once. */
function foldAll(raw: Iterable<string>, seen: Map<string, string>): string[] {
  const out = new Set<string>();
  for (const s of raw) {
    const f = fold(s);
    seen.set(s, f);
    if (f) out.add(f);
  }
  return [...out];
}

/** A text's fold, from those foldAll made when it made it. */
function foldedOnce(folded: Map<string, string>, raw: string): string {
  return folded.get(raw) ?? fold(raw);
}

/**
 * Folded texts as indexed: each word followed by its modern spelling where it has an old one; the "did you
 * mean" words go into `lexicon` from the same split.
 */
function spelledWords(folded: string[], lexicon: Set<string>): string {
  const out: string[] = [];
  for (const text of folded)
    for (const w of text.split(' ')) {
      out.push(...spellingVariants(w));
      if (LEXICON_WORD.test(w) && !isStopWord(w)) lexicon.add(w);
    }
  return out.join(' ');
}

/**
 * The index document and the "did you mean" words of a cluster in one pass. Each distinct text is folded
 * once: a new cluster's display record repeats its one member, so folding both was half the work.
 */
function indexParts(display: Bib, members: Bib[]): { doc: IndexDocument; lexicon: string[] } {
  const all = [display, ...members];
  const titleRaw = new Set<string>();
  const nameRaw = new Set<string>();
  const subjectRaw = new Set<string>();
  const otherRaw = new Set<string>();
  const isbnRaw = new Set<string>();
  const issnRaw = new Set<string>();
  const callRaw = new Set<string>();
  for (const b of all) {
    titleRaw.add(b.subtitle ? (b.title ? `${b.title} ${b.subtitle}` : b.subtitle) : b.title);
    for (const a of b.authors) nameRaw.add(a);
    for (const s of b.subjects) subjectRaw.add(s.trim());
    for (const v of [b.publisher, b.place, b.series, b.edition, b.responsibility]) if (v) otherRaw.add(v);
    if (b.notes) for (const v of b.notes) if (v) otherRaw.add(v);
    for (const i of b.isbns) isbnRaw.add(i);
    for (const i of b.issns) issnRaw.add(i);
    for (const c of [b.callNumber, b.ddc]) if (c) callRaw.add(c);
    for (const i of b.items) if (i.callNumber) callRaw.add(i.callNumber);
  }
  // Each text folded once: the sort keys and the publisher key are texts folded here already.
  const folded = new Map<string, string>();
  const titles = foldAll(titleRaw, folded);
  const names = foldAll(nameRaw, folded);
  const subjectFolds = foldAll(subjectRaw, folded);
  const other = foldAll(otherRaw, folded);
  const isbns = [...new Set([...isbnRaw].flatMap(isbnKeys))];
  const issns = [...new Set([...issnRaw].map(issnKey).filter((x): x is string => x !== null))];
  const callNumbers = [...new Set([...callRaw].map((x) => x.trim()))].filter(Boolean);
  const subjects = [...subjectRaw].filter(Boolean);
  const lexicon = new Set<string>();
  const doc: IndexDocument = {
    title: spelledWords(titles, lexicon),
    authors: spelledWords(names, lexicon),
    subjects: spelledWords(subjectFolds, lexicon),
    other: [...other, ...isbns, ...issns, ...callNumbers.map(fold)].join(' '),
    titleSort: foldedOnce(folded, display.title).replace(/^(the|a|an) /, ''),
    authorSort: foldedOnce(folded, display.authors[0] ?? ''),
    subjectKeys: subjects.slice(0, 20),
    isbns,
    issns,
    callNumbers,
    publisherKey: display.publisher ? foldedOnce(folded, display.publisher) : null,
  };
  return { doc, lexicon: [...lexicon] };
}

/**
 * How widely a cluster is held, as one lexeme of its search document: '~h3' for 16 or
 * more member records, '~h2' for 5–15, '~h1' for 2–4, none for one. Words are folded letters
 * and digits, so neither a query nor a record can make one; search reads a broad query's
 * candidates tier by tier through the document's GIN index (search.ts). Migration 0050
 * and heldTokenSql say the same. The holding libraries are lexemes too (libraryToken, 0051).
 */
export const HELD_TIERS = [
  { token: '~h3', min: 16 },
  { token: '~h2', min: 5 },
  { token: '~h1', min: 2 },
] as const;

export function heldToken(recordCount: number): string | null {
  return HELD_TIERS.find((t) => recordCount >= t.min)?.token ?? null;
}

/**
 * heldToken in SQL, as a tsvector ('' for a title one library holds). It stands in the title, name and
 * subject weights too (0052), so the per-weight indexes of field searches hold it.
 */
export function heldTokenSql(recordCount: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`(case ${sql.join(
    HELD_TIERS.map((t) => sql`when ${recordCount} >= ${sql.lit(t.min)} then ${sql.lit(`${t.token}:1A,2B,3C`)}`),
    sql.raw(' '),
  )} else '' end)::tsvector`;
}

/** The library filter's lexeme: '~l' and the library's id (storeClusterIndex writes one per holding library). */
export function libraryToken(libraryId: number): string {
  return `~l${Math.trunc(libraryId)}`;
}

/** The lexemes of the holding libraries (an int[] expression), as a tsvector. */
export function libraryTokensSql(libraryIds: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`array_to_tsvector(array(select '~l' || l from unnest(${libraryIds}) l))`;
}

const LEXICON_WORD = /^\p{L}{3,40}$/u;

/** A member record of a cluster, with what the facets need of its library. */
export interface ClusterMember {
  bib: Bib;
  libraryId: number;
  regionCode: string | null;
  libraryType: string;
}

/** Copies one library holds of a cluster. */
export interface ClusterHolding {
  libraryId: number;
  copies: number;
  available: number;
}

/**
 * The "did you mean" words an ingest knows are already stored (committed), so that each chunk sends only
 * words it has not seen; and the words this transaction sends, known once it commits.
 */
export interface WordSink {
  known: Set<string>;
  sent: string[];
  /**
   * The words are only collected in `sent`, for the caller to store after its transaction (storeWords):
   * a rebuild that holds clusters must not also wait for a word an import's open transaction is adding.
   */
  deferred?: boolean;
}

/**
 * Stores "did you mean" words, each once. Sorted, so that two writers adding the same new words lock them in
 * one order. `table`: search_words, or the words a reindex pass has seen (reindex.ts).
 */
export async function storeWords(
  db: DbOrTrx,
  words: string[],
  table: 'search_words' | 'search_words_pass' = 'search_words',
): Promise<void> {
  if (words.length === 0) return;
  await sql`insert into ${sql.table(table)} (word)
      select w from jsonb_array_elements_text(${JSON.stringify([...new Set(words)].sort())}::jsonb) w
      on conflict do nothing`.execute(db);
}

export interface ClusterContent {
  id: number;
  display: Bib;
  members: ClusterMember[];
  holdings: ClusterHolding[];
}

/**
 * A cluster's index row without its holdings, as JSON text lacking its closing brace: what search reads of it
 * that its records alone decide (display, weighted texts, facets). Ingest builds these for its new clusters
 * while the previous chunk is being written, so that its transaction has only the holdings to add (they
 * depend on copies the library already has) and its statements follow one another without node's work
 * between them.
 */
export interface IndexRow {
  id: number;
  /** The row's JSON, open: holdings and library ids are appended. */
  open: string;
  libraryIds: number[];
  /** "Did you mean" words of the cluster. */
  lexicon: string[];
}

export function indexRowOf({ id, display, members }: Omit<ClusterContent, 'holdings'>): IndexRow {
  const { doc, lexicon } = indexParts(
    display,
    members.map((m) => m.bib),
  );
  const json = JSON.stringify({
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
    region_codes: [...new Set(members.map((m) => m.regionCode).filter((r): r is string => Boolean(r)))],
    library_types: [...new Set(members.map((m) => m.libraryType))],
    record_count: members.length,
  });
  return { id, open: json.slice(0, -1), libraryIds: [...new Set(members.map((m) => m.libraryId))], lexicon };
}

/** The index rows of clusters as one JSON array, each closed with its holdings. */
function closedRows(rows: Array<{ row: IndexRow; holdings: ClusterHolding[] }>): string {
  const out: string[] = [];
  for (const { row, holdings: h } of rows) {
    const libs = new Set(row.libraryIds);
    for (const x of h) libs.add(x.libraryId);
    const tail = {
      library_ids: [...libs],
      available_library_ids: h.filter((x) => x.available > 0).map((x) => x.libraryId),
      holdings_count: h.reduce((a, x) => a + x.copies, 0),
      available_count: h.reduce((a, x) => a + x.available, 0),
    };
    out.push(`${row.open},${JSON.stringify(tail).slice(1)}`);
  }
  return `[${out.join(',')}]`;
}

/**
 * The one place ingest, staff decisions and item updates store what search
 * reads of a cluster (display record, weighted document, facets, holdings):
 * 'insert' for clusters created in this transaction (one write instead of an
 * insert and an update), 'update' for existing ones. One statement either way.
 */
export async function storeClusterIndex(
  trx: Trx,
  clusters: ClusterContent[],
  mode: 'insert' | 'update',
  words?: WordSink,
  stamp: Stamp = 'now',
): Promise<void> {
  await writeClusterIndex(
    trx,
    clusters.map((c) => ({ row: indexRowOf(c), holdings: c.holdings })),
    mode,
    words,
    stamp,
  );
}

/**
 * When an updated cluster's `updated_at` (its OAI-PMH datestamp) moves: 'now' for a change of its records or
 * copies; 'when_changed' for a rebuild of its search document only (reindex.ts), which moves it only if
 * what a harvester gets of it (display record, holding libraries, copies) came out different.
 */
export type Stamp = 'now' | 'when_changed';

/** storeClusterIndex with the rows built beforehand (indexRowOf). */
export async function writeClusterIndex(
  trx: Trx,
  rows: Array<{ row: IndexRow; holdings: ClusterHolding[] }>,
  mode: 'insert' | 'update',
  words?: WordSink,
  stamp: Stamp = 'now',
): Promise<void> {
  if (rows.length === 0) return;
  const known = new Set<string>();
  for (const { row } of rows) for (const w of row.lexicon) known.add(w);
  const recordset = sql`jsonb_to_recordset(${closedRows(rows)}::jsonb) as x(
      id bigint, title text, display jsonb, year integer, format text, language text,
      t_title text, t_authors text, t_subjects text, t_other text, title_sort text, author_sort text,
      subjects text[], isbns text[], issns text[], call_numbers text[], publisher_key text,
      library_ids integer[], region_codes text[], library_types text[], available_library_ids integer[],
      holdings_count integer, available_count integer, record_count integer)`;
  const searchDoc = sql`setweight(to_tsvector('simple', x.t_title), 'A') || setweight(to_tsvector('simple', x.t_authors), 'B')
        || setweight(to_tsvector('simple', x.t_subjects), 'C') || setweight(to_tsvector('simple', x.t_other), 'D')
        || ${heldTokenSql(sql`x.record_count`)} || ${libraryTokensSql(sql`x.library_ids`)}`;
  const fresh = words ? [...known].filter((w) => !words.known.has(w)) : [...known];
  words?.sent.push(...fresh);
  if (!words?.deferred) await storeWords(trx, fresh);
  if (mode === 'insert') {
    await sql`
      insert into clusters (id, title, display, year, format, language, search_doc, title_sort, author_sort, subjects,
        isbns, issns, call_numbers, publisher_key, library_ids, region_codes, library_types, available_library_ids,
        holdings_count, available_count, record_count)
      select x.id, x.title, x.display, x.year, x.format, x.language, ${searchDoc}, x.title_sort, x.author_sort, x.subjects,
        x.isbns, x.issns, x.call_numbers, x.publisher_key, x.library_ids, x.region_codes, x.library_types,
        x.available_library_ids, x.holdings_count, x.available_count, x.record_count
      from ${recordset}`.execute(trx);
    return;
  }
  await sql`
    update clusters c set
      title = x.title, display = x.display, year = x.year, format = x.format, language = x.language,
      search_doc = ${searchDoc},
      title_sort = x.title_sort, author_sort = x.author_sort, subjects = x.subjects, isbns = x.isbns, issns = x.issns,
      call_numbers = x.call_numbers, publisher_key = x.publisher_key, library_ids = x.library_ids,
      region_codes = x.region_codes, library_types = x.library_types, available_library_ids = x.available_library_ids,
      holdings_count = x.holdings_count, available_count = x.available_count, record_count = x.record_count,
      updated_at = ${
        stamp === 'now'
          ? sql`now()`
          : sql`case when (c.display, c.library_ids, c.available_library_ids, c.holdings_count, c.available_count)
              is distinct from (x.display, x.library_ids, x.available_library_ids, x.holdings_count, x.available_count)
              then now() else c.updated_at end`
      }
    from ${recordset}
    where c.id = x.id`.execute(trx);
}

/**
 * Moves what a batch added to the search indexes' pending lists into the indexes proper. GIN indexes take
 * new entries into an unsorted pending list (up to 4 MB) that every search scans whole until VACUUM merges
 * it: right after an import of 20k records that was ~450 pages, and the 50 bench queries' p95 went from
 * 39 ms to 62–69 ms until autovacuum came by. The merge is work the next VACUUM would do anyway. A failure
 * here (another session merging the same list, a role that does not own the index) costs only that speed.
 */
export async function settleSearchIndex(db: Db): Promise<void> {
  try {
    await sql`
      select gin_clean_pending_list(i.indexrelid)
      from pg_index i join pg_class c on c.oid = i.indexrelid join pg_am a on a.oid = c.relam
      where a.amname = 'gin' and i.indrelid in ('clusters'::regclass, 'search_words'::regclass)`.execute(db);
  } catch {
    // the next VACUUM merges it
  }
}
