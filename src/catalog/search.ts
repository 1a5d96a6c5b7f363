import { type Expression, type SqlBool, sql } from 'kysely';
import type { Db } from '../platform/db.ts';
import { and, type Field, parseQuery, type Query } from './query.ts';
import { HELD_TIERS, isbnKeys, issnKey, libraryToken } from './search-index.ts';
import { fold, spellingVariants, words } from './search-text.ts';
import { isStopWord } from './stop-words.ts';

/**
 * Search over clusters: PostgreSQL full-text search on the weighted document
 * (title A, names B, subjects C, the rest D), exact keys for identifiers,
 * facets counted over the whole result, holdings per library in each hit.
 */

export interface SearchFilters {
  library?: string[] | undefined; // library codes holding a copy
  region?: string[] | undefined; // region codes (a province covers its cities)
  libraryType?: string[] | undefined;
  format?: string[] | undefined;
  language?: string[] | undefined;
  subject?: string[] | undefined;
  yearFrom?: number | undefined;
  yearTo?: number | undefined;
  available?: boolean | undefined;
}

export interface SearchRequest {
  q?: string | undefined;
  /** Field boxes of the advanced form, ANDed with q. */
  fields?: Partial<Record<'title' | 'author' | 'subject' | 'isbn' | 'issn' | 'callnumber' | 'publisher', string>>;
  filters?: SearchFilters;
  sort?: 'relevance' | 'title' | 'author' | 'year_desc' | 'year_asc' | undefined;
  page?: number | undefined;
  pageSize?: number | undefined;
  /** Start at this many hits in, instead of a page (SRU's startRecord). */
  offset?: number | undefined;
  facets?: boolean | undefined;
  /** A query tree built elsewhere (CQL from SRU) instead of q and fields. */
  query?: Query | undefined;
  /** Exact counts up to this many hits (default EXACT_UP_TO); tests set it low. */
  exactUpTo?: number | undefined;
  /**
   * Count a broad query's matches exactly, if that takes at most this many milliseconds
   * (SRU's numberOfRecords); past it, or inside a caller's transaction, the total stays an estimate.
   */
  exactTotalWithinMs?: number | undefined;
  /** Offer a corrected q when nothing is found (default true; only for q). */
  suggest?: boolean | undefined;
}

export interface Suggestion {
  /** The query with each unknown word replaced by the nearest known one. */
  q: string;
  total: number;
}

export interface Holding {
  libraryId: number;
  libraryCode: string;
  libraryName: string;
  copies: number;
  available: number;
  callNumbers: string[];
}

export interface Hit {
  clusterId: number;
  title: string;
  subtitle: string | null;
  authors: string[];
  publisher: string | null;
  year: number | null;
  format: string | null;
  language: string | null;
  isbns: string[];
  subjects: string[];
  recordCount: number;
  holdingsCount: number;
  availableCount: number;
  holdings: Holding[];
}

export interface FacetValue {
  value: string;
  label: string;
  count: number;
}

export interface SearchResult {
  total: number;
  page: number;
  pageSize: number;
  hits: Hit[];
  facets?: Record<string, FacetValue[]>;
  /** True when there were more than EXACT_UP_TO hits and facet counts are estimated from a sample. */
  facetsApproximate?: boolean;
  /** True when the total is estimated from a sample (more than EXACT_UP_TO hits). */
  totalApproximate?: boolean;
  suggestion?: Suggestion;
  query: Query;
}

const WEIGHT: Partial<Record<Field, string>> = {
  title: 'A',
  author: 'B',
  subject: 'C',
};

function lexeme(w: string, weight: string | undefined): string {
  const alts = spellingVariants(w).map((v) => (weight ? `${v}:${weight}` : v));
  return alts.length === 1 ? (alts[0] as string) : `(${alts.join(' | ')})`;
}

/** A tsquery string built only from folded letters and digits, so nothing a user types can break it. */
function tsquery(value: string, phrase: boolean, weight: string | undefined): string | null {
  const ws = words(value);
  if (ws.length === 0) return null;
  return ws.map((w) => lexeme(w, weight)).join(phrase ? ' <-> ' : ' & ');
}

/** The part of the document a text field searches: '' for all of it, else its weight letter (a, b, c). */
function partOf(field: Field): string | undefined {
  if (field === 'any') return '';
  return WEIGHT[field]?.toLowerCase();
}

function docOf(part: string) {
  // A field searches its part of the document, which has its own index (migration 0008): a weighted
  // tsquery would make the index return every document with the word and recheck each one.
  return part ? sql`ts_filter(c.search_doc, ${sql.lit(`{${part}}`)}::"char"[])` : sql`c.search_doc`;
}

/**
 * A text term, or an and/or/not of text terms that all search one part of the document, as one tsquery
 * (null: nothing to look for; undefined: not text only, or more than one part). One tsquery is answered
 * by one GIN scan, its NOT and OR included; as separate conditions only the first is an index scan and
 * the others are checked row by row on the heap ("ekonomi -pendidikan" read and rechecked every ekonomi).
 */
function textQuery(q: Query): { part: string; ts: string } | null | undefined {
  switch (q.type) {
    case 'all':
      return null;
    case 'term': {
      const part = partOf(q.field);
      if (part === undefined) return undefined;
      // An ISBN typed into the general box finds the book by its key too: not text only.
      if (part === '' && /^[\d-]{10,17}[xX]?$/.test(q.value.trim()) && isbnKeys(q.value).length) return undefined;
      const ts = tsquery(q.value, q.phrase, undefined);
      return ts === null ? null : { part, ts };
    }
    case 'not': {
      const inner = textQuery(q.child);
      return inner ? { part: inner.part, ts: `!(${inner.ts})` } : inner;
    }
    case 'and':
    case 'or': {
      const kids = q.children.map(textQuery);
      if (kids.some((k) => k === undefined)) return undefined;
      const found = kids.filter((k): k is { part: string; ts: string } => Boolean(k));
      if (found.length === 0) return null;
      const part = (found[0] as { part: string }).part;
      if (found.some((k) => k.part !== part)) return undefined;
      return { part, ts: `(${found.map((k) => k.ts).join(q.type === 'and' ? ' & ' : ' | ')})` };
    }
  }
}

function condition(q: Query): Expression<SqlBool> | null {
  switch (q.type) {
    case 'all':
      return null;
    case 'and':
    case 'or': {
      // Text children that search one part of the document become one tsquery, as long as the group
      // looks for something (an AND with a positive term; an OR of positive terms only): a tsquery of
      // NOTs alone would make GIN read its whole index.
      const groups = new Map<string, Query[]>();
      const order: Array<Query | string> = [];
      for (const child of q.children) {
        const t = textQuery(child);
        if (t === null) continue;
        if (t === undefined || (q.type === 'or' && child.type === 'not')) {
          order.push(child);
          continue;
        }
        const group = groups.get(t.part);
        if (group) group.push(child);
        else {
          groups.set(t.part, [child]);
          order.push(t.part);
        }
      }
      const conds = order.flatMap((x): Array<Expression<SqlBool> | null> => {
        if (typeof x !== 'string') return [condition(x)];
        const members = groups.get(x) as Query[];
        if (members.length === 1 || members.every((m) => m.type === 'not')) return members.map(condition);
        const t = textQuery({ type: q.type, children: members }) as { ts: string };
        return [sql<SqlBool>`${docOf(x)} @@ to_tsquery('simple', ${t.ts})`];
      });
      const kept = conds.filter((c): c is Expression<SqlBool> => c !== null);
      if (kept.length === 0) return null;
      return sql<SqlBool>`(${sql.join(kept, sql.raw(q.type === 'and' ? ' and ' : ' or '))})`;
    }
    case 'not': {
      const inner = condition(q.child);
      return inner ? sql<SqlBool>`not (${inner})` : null;
    }
    case 'term': {
      switch (q.field) {
        case 'isbn': {
          const keys = isbnKeys(q.value);
          return keys.length ? sql<SqlBool>`c.isbns && ${sql.val(keys)}::text[]` : sql<SqlBool>`false`;
        }
        case 'issn': {
          const key = issnKey(q.value);
          return key ? sql<SqlBool>`c.issns && ${sql.val([key])}::text[]` : sql<SqlBool>`false`;
        }
        case 'callnumber': {
          const prefix = `${q.value.trim().toLowerCase()}%`;
          return sql<SqlBool>`exists (select 1 from unnest(c.call_numbers) cn where lower(cn) like ${prefix})`;
        }
        case 'publisher':
          return sql<SqlBool>`c.publisher_key like ${`%${fold(q.value)}%`}`;
        case 'year': {
          const m = /^(\d{4})(?:\s*[-–]\s*(\d{4}))?$/.exec(q.value.trim());
          if (!m) return sql<SqlBool>`false`;
          const from = Number(m[1]);
          const to = m[2] ? Number(m[2]) : from;
          return sql<SqlBool>`c.year between ${Math.min(from, to)} and ${Math.max(from, to)}`;
        }
        default: {
          const ts = tsquery(q.value, q.phrase, undefined);
          if (!ts) return null;
          const text = sql<SqlBool>`${docOf(partOf(q.field) ?? '')} @@ to_tsquery('simple', ${ts})`;
          // An ISBN typed into the general box finds the book too.
          const isbn = q.field === 'any' && /^[\d-]{10,17}[xX]?$/.test(q.value.trim()) ? isbnKeys(q.value) : [];
          return isbn.length ? sql<SqlBool>`(${text} or c.isbns && ${sql.val(isbn)}::text[])` : text;
        }
      }
    }
  }
}

/** The weight letter when every word a query looks for is in one field (title, author or subject), else null. */
function soleField(q: Query): string | null {
  const fields = new Set<string>();
  const walk = (x: Query): void => {
    if (x.type === 'term') {
      if (x.field === 'any') fields.add('any');
      else if (WEIGHT[x.field]) fields.add((WEIGHT[x.field] as string).toLowerCase());
    } else if (x.type === 'and' || x.type === 'or') x.children.forEach(walk);
    else if (x.type === 'not') fields.add('any');
  };
  walk(q);
  const [only] = [...fields];
  return fields.size === 1 && only !== 'any' ? (only as string) : null;
}

/** The positive words of a query, for ranking (with a weight: found in that part of the document). */
function rankQuery(q: Query, weight?: string): string | null {
  switch (q.type) {
    case 'term':
      return q.field === 'any' || q.field === 'title' || q.field === 'author' || q.field === 'subject'
        ? tsquery(q.value, q.phrase, weight)
        : null;
    case 'and':
    case 'or': {
      const parts = q.children.map((c) => rankQuery(c, weight)).filter((x): x is string => x !== null);
      return parts.length ? `(${parts.join(q.type === 'and' ? ' & ' : ' | ')})` : null;
    }
    default:
      return null;
  }
}

async function libraryIdsFor(db: Db, codes: string[]): Promise<number[]> {
  if (codes.length === 0) return [];
  const rows = await db
    .selectFrom('libraries')
    .select('id')
    .where(
      'code',
      'in',
      codes.map((c) => c.toUpperCase()),
    )
    .execute();
  return rows.map((r) => r.id);
}

function filterConditions(f: SearchFilters, libIds: number[]): Expression<SqlBool>[] {
  const out: Expression<SqlBool>[] = [];
  // Inside the document's GIN scan (0051): the library's lexeme, intersected with the query's words.
  if (f.library?.length) {
    out.push(
      libIds.length
        ? sql<SqlBool>`c.search_doc @@ ${libIds.map(libraryToken).join(' | ')}::tsquery`
        : sql<SqlBool>`false`,
    );
  }
  if (f.region?.length) {
    const likes = f.region.map(
      (r) => sql<SqlBool>`exists (select 1 from unnest(c.region_codes) rc where rc = ${r} or rc like ${`${r}.%`})`,
    );
    out.push(sql<SqlBool>`(${sql.join(likes, sql.raw(' or '))})`);
  }
  if (f.libraryType?.length) out.push(sql<SqlBool>`c.library_types && ${sql.val(f.libraryType)}::text[]`);
  if (f.format?.length) out.push(sql<SqlBool>`c.format = any(${sql.val(f.format)}::text[])`);
  if (f.language?.length) out.push(sql<SqlBool>`c.language = any(${sql.val(f.language)}::text[])`);
  if (f.subject?.length) out.push(sql<SqlBool>`c.subjects @> ${sql.val(f.subject)}::text[]`);
  if (f.yearFrom !== undefined) out.push(sql<SqlBool>`c.year >= ${f.yearFrom}`);
  if (f.yearTo !== undefined) out.push(sql<SqlBool>`c.year <= ${f.yearTo}`);
  if (f.available) out.push(sql<SqlBool>`c.available_count > 0`);
  return out;
}

const TEXT_FIELDS: ReadonlySet<Field> = new Set(['any', 'title', 'author', 'subject']);

function isStopTerm(q: Query): boolean {
  if (q.type !== 'term' || q.phrase || !TEXT_FIELDS.has(q.field)) return false;
  const ws = words(q.value);
  return ws.length === 1 && isStopWord(ws[0] as string);
}

/**
 * The query without its stop words ("sejarah dan budaya" looks for sejarah and
 * budaya), unless they are all an AND has: then it keeps them.
 */
export function withoutStopWords(q: Query): Query {
  switch (q.type) {
    case 'and': {
      const children = q.children.map(withoutStopWords);
      const kept = children.filter((c) => !isStopTerm(c));
      if (kept.length === 0) return { type: 'and', children };
      return kept.length === 1 ? (kept[0] as Query) : { type: 'and', children: kept };
    }
    case 'or':
      return { type: 'or', children: q.children.map(withoutStopWords) };
    case 'not':
      return { type: 'not', child: withoutStopWords(q.child) };
    default:
      return q;
  }
}

export function buildQuery(req: SearchRequest): Query {
  const parts: Query[] = [parseQuery(req.q ?? '')];
  for (const [field, value] of Object.entries(req.fields ?? {})) {
    if (!value?.trim()) continue;
    const sub = parseQuery(value);
    // A field box applies its field to every plain word typed into it.
    const withField = (q: Query): Query => {
      if (q.type === 'term') return q.field === 'any' ? { ...q, field: field as Field } : q;
      if (q.type === 'and' || q.type === 'or') return { ...q, children: q.children.map(withField) };
      if (q.type === 'not') return { ...q, child: withField(q.child) };
      return q;
    };
    parts.push(withField(sub));
  }
  return and(...parts);
}

/**
 * Up to this many hits, total, facets and ranking are exact. Above it the
 * query is broad: total and facets are estimated from a sample of about
 * SAMPLE_ROWS clusters and marked approximate, and relevance ranks the first
 * EXACT_UP_TO matches (reading every match of a common word is what made p95
 * slow: about 20 µs a match on this machine, 125,000 matches of one word at 1M).
 */
export const EXACT_UP_TO = 2_000;
export const SAMPLE_ROWS = 5_000;
/** Sampled matches that make a sorted query surely broad (about 10 stand for EXACT_UP_TO at 1M). */
const SURELY_BROAD = 50;

const samplePercents = new WeakMap<Db, { at: number; pct: number }>();

/** The TABLESAMPLE percentage that reads about SAMPLE_ROWS clusters (statistics read at most once a minute). */
async function samplePercent(db: Db): Promise<number> {
  const cached = samplePercents.get(db);
  if (cached && Date.now() - cached.at < 60_000) return cached.pct;
  // The planner's row estimate, or the highest cluster id where that is unknown or behind: the embedded database
  // has no autovacuum, so after an import its estimate stays -1 (never analysed) and a broad query "sampled"
  // the whole table (PGlite at 100k: median 228 ms). Ids are never reused, so the highest is at least the count.
  const r = await sql<{ n: number; top: number | null }>`
    select reltuples::float8 as n, (select max(id) from clusters)::float8 as top
    from pg_class where oid = 'clusters'::regclass`.execute(db);
  const n = Math.max(Number(r.rows[0]?.n ?? -1), Number(r.rows[0]?.top ?? 0));
  const pct = n <= SAMPLE_ROWS ? 100 : Math.max(0.01, (100 * SAMPLE_ROWS) / n);
  samplePercents.set(db, { at: Date.now(), pct });
  return pct;
}

const TITLE_RANK = 1.0;
const OTHER_RANK = 0.6; // the best a match outside the title can weigh (an author)

/**
 * The matches of a relevance-ordered query in the order they are read, so that a broad
 * query's first EXACT_UP_TO (the ones ranked) are its likely best rather than its oldest:
 * parts of the matched set, disjoint and together all of it, from the highest rank a part's
 * clusters can have (title hit or not, times 1 + ln(1 + the tier's fewest member records))
 * down. The scan of the union stops at the limit, so a narrow query reads every part (its
 * matches once each, through the same indexes), a broad one only its best parts.
 */
function candidateParts(titleQuery: string | null, field: string | null): Expression<SqlBool>[] {
  // A field search asks its weight's index for the tier (0052), so word and tier meet in one index scan.
  const doc = field ? sql`ts_filter(c.search_doc, ${sql.lit(`{${field}}`)}::"char"[])` : sql`c.search_doc`;
  const tiers = [
    ...HELD_TIERS.map((t) => ({
      min: t.min as number,
      cond: sql<SqlBool>`${doc} @@ ${sql.lit(t.token)}::tsquery`,
    })),
    {
      min: 1,
      cond: sql<SqlBool>`not c.search_doc @@ ${sql.lit(HELD_TIERS.map((t) => t.token).join(' | '))}::tsquery`,
    },
  ];
  // In a title search every match is a title hit.
  if (!titleQuery || field === 'a') return tiers.map((t) => t.cond);
  // The weighted query checked on each candidate as it is read, kept out of the index scans (coalesce):
  // the title index would build a bitmap of every title with a common word first, and the weighted
  // query in the document's index would read the query's posting lists once more.
  const title = sql<SqlBool>`coalesce(c.search_doc, ''::tsvector) @@ to_tsquery('simple', ${titleQuery})`;
  const parts = tiers.flatMap((t) => [
    { score: TITLE_RANK * (1 + Math.log(1 + t.min)), cond: sql<SqlBool>`${title} and ${t.cond}` },
    { score: OTHER_RANK * (1 + Math.log(1 + t.min)), cond: sql<SqlBool>`not (${title}) and ${t.cond}` },
  ]);
  return parts.sort((a, b) => b.score - a.score).map((p) => p.cond);
}

const FACET_LIMITS = { library: 30, region: 30, language: 20, year: 40, subject: 20 } as const;

interface Row {
  k: number;
  sampled: number;
  hits: Array<{
    id: number;
    display: Record<string, unknown>;
    year: number | null;
    format: string | null;
    language: string | null;
    record_count: number;
    holdings_count: number;
    available_count: number;
  }>;
  f?: {
    library: Array<{ v: string; l: string; n: number }>;
    region: Array<{ v: string; l: string; n: number }>;
    libraryType: Array<{ v: string; n: number }>;
    format: Array<{ v: string; n: number }>;
    language: Array<{ v: string; n: number }>;
    year: Array<{ v: number; n: number }>;
    subject: Array<{ v: string; n: number }>;
    available: number;
  };
}

/**
 * The facets of the matched set (or of its sample), as one json object: one
 * pass over the materialised matches per facet, no second search.
 */
const facetSql = sql`json_build_object(
    'library', (select coalesce(json_agg(json_build_object('v', l.code, 'l', l.name, 'n', x.n) order by x.n desc, l.name), '[]')
      from (select lid, count(*)::int as n from s cross join unnest(s.library_ids) lid group by lid
            order by n desc, lid limit ${FACET_LIMITS.library}) x join libraries l on l.id = x.lid),
    'region', (select coalesce(json_agg(json_build_object('v', x.rc, 'l', coalesce(r.name, x.rc), 'n', x.n) order by x.n desc, x.rc), '[]')
      from (select rc, count(*)::int as n from s cross join unnest(s.region_codes) rc group by rc
            order by n desc, rc limit ${FACET_LIMITS.region}) x left join regions r on r.code = x.rc),
    'libraryType', (select coalesce(json_agg(json_build_object('v', x.t, 'n', x.n) order by x.n desc, x.t), '[]')
      from (select t, count(*)::int as n from s cross join unnest(s.library_types) t group by t) x),
    'format', (select coalesce(json_agg(json_build_object('v', x.format, 'n', x.n) order by x.n desc, x.format), '[]')
      from (select s.format, count(*)::int as n from s where s.format is not null group by s.format) x),
    'language', (select coalesce(json_agg(json_build_object('v', x.language, 'n', x.n) order by x.n desc, x.language), '[]')
      from (select s.language, count(*)::int as n from s where s.language is not null group by s.language
            order by n desc, s.language limit ${FACET_LIMITS.language}) x),
    'year', (select coalesce(json_agg(json_build_object('v', x.year, 'n', x.n) order by x.year desc), '[]')
      from (select s.year, count(*)::int as n from s where s.year is not null group by s.year
            order by s.year desc limit ${FACET_LIMITS.year}) x),
    'subject', (select coalesce(json_agg(json_build_object('v', x.su, 'n', x.n) order by x.n desc, x.su), '[]')
      from (select su, count(*)::int as n from s cross join unnest(s.subjects) su group by su
            order by n desc, su limit ${FACET_LIMITS.subject}) x),
    'available', (select count(*)::int from s where s.available_count > 0)
  )`;

export async function search(db: Db, req: SearchRequest): Promise<SearchResult> {
  const page = Math.max(1, req.page ?? 1);
  const pageSize = Math.min(100, Math.max(1, req.pageSize ?? 20));
  const query = req.query ?? buildQuery(req);
  const searched = withoutStopWords(query);
  const offset = req.offset ?? (page - 1) * pageSize;
  const filters = req.filters ?? {};
  const libIds = await libraryIdsFor(db, filters.library ?? []);
  const conds = [condition(searched), ...filterConditions(filters, libIds)].filter(
    (c): c is Expression<SqlBool> => c !== null,
  );
  const where = conds.length ? sql<SqlBool>`${sql.join(conds, sql.raw(' and '))}` : sql<SqlBool>`true`;
  const sort = req.sort ?? 'relevance';
  const rq = sort === 'relevance' ? rankQuery(searched) : null;
  // Title and author hits first (weights D, C, B, A), widely held titles up.
  const rank =
    sort !== 'relevance'
      ? sql<number>`0`
      : rq
        ? sql<number>`ts_rank('{0.1, 0.3, 0.6, 1.0}', c.search_doc, to_tsquery('simple', ${rq})) * (1 + ln(1 + c.record_count))`
        : sql<number>`ln(1 + c.record_count)`;
  const orderBy = (t: string) =>
    ({
      relevance: sql`${sql.ref(`${t}.rank`)} desc, ${sql.ref(`${t}.id`)}`,
      title: sql`${sql.ref(`${t}.title_sort`)}, ${sql.ref(`${t}.id`)}`,
      author: sql`${sql.ref(`${t}.author_sort`)} = '', ${sql.ref(`${t}.author_sort`)}, ${sql.ref(`${t}.title_sort`)}, ${sql.ref(`${t}.id`)}`,
      year_desc: sql`${sql.ref(`${t}.year`)} desc nulls last, ${sql.ref(`${t}.id`)}`,
      year_asc: sql`${sql.ref(`${t}.year`)} asc nulls last, ${sql.ref(`${t}.id`)}`,
    })[sort];
  const withFacets = req.facets !== false;
  const cap = req.exactUpTo ?? EXACT_UP_TO;
  const pct = await samplePercent(db);
  const cols = sql`c.id, c.year, c.format, c.language, c.library_ids, c.region_codes, c.library_types, c.subjects,
        c.available_count, c.title_sort, c.author_sort`;
  // m: the matches, at most cap + 1 of them (the LIMIT stops the index scan there). When there are more,
  // the query is broad: its total and facets come from a sample of the table's pages (smp), and relevance
  // ranks the first cap matches. Sorted pages always come from the whole set, in index order.
  const sample = sql`select ${cols}, 0::real as rank from clusters c tablesample system (${pct}) repeatable (7) where ${where}`;
  // A sorted page comes from the sort's index, so its matches are read only to learn whether there are more
  // than cap (then total and facets come from the sample): when the sample alone says there are surely more,
  // they are not read at all (a common word: 2,001 rows read and checked for nothing). Sure means at least
  // SURELY_BROAD sampled matches standing for more than five times cap; else the matches are counted.
  const matches =
    sort === 'relevance'
      ? sql`
    m as materialized (
      select * from (${sql.join(
        candidateParts(rankQuery(searched, 'A'), soleField(searched)).map(
          (part) => sql`(select ${cols}, ${rank} as rank from clusters c where ${where} and ${part})`,
        ),
        sql.raw(' union all '),
      )}) u limit ${cap + 1}
    ),
    n as (select count(*)::int as k from m),
    smp as materialized (${sample} and (select k from n) > ${cap}),`
      : sql`
    smp as materialized (${sample}),
    sure as (select count(*) >= ${SURELY_BROAD} and count(*) * 100.0 / ${pct} > ${5 * cap} as broad from smp),
    m as materialized (
      select ${cols}, ${rank} as rank from clusters c where ${where} and not (select broad from sure) limit ${cap + 1}
    ),
    n as (select case when (select broad from sure) then ${cap + 1} else count(*)::int end as k from m),`;
  const statement = sql<Row>`
    with ${matches}
    s as (select * from m where (select k from n) <= ${cap} union all select * from smp where (select k from n) > ${cap}),
    page as (${
      sort === 'relevance'
        ? offset + pageSize <= cap + 1
          ? sql`select m.id, m.rank, 0 as part from m order by m.rank desc, m.id limit ${pageSize} offset ${offset}`
          : // Past the ranked first matches, a broad query's pages go on with the others in id order.
            sql`select x.id, x.rank, x.part from (
            (select m.id, m.rank, 0 as part from m order by m.rank desc, m.id limit ${offset + pageSize})
            union all
            (select c.id, 0::real as rank, 1 as part from clusters c
              where ${where} and (select k from n) > ${cap} and not exists (select 1 from m where m.id = c.id)
              order by c.id limit ${offset + pageSize})
          ) x order by x.part, x.rank desc, x.id limit ${pageSize} offset ${offset}`
        : sql`select c.id, c.year, c.title_sort, c.author_sort, 0 as part from clusters c where ${where}
            order by ${orderBy('c')} limit ${pageSize} offset ${offset}`
    })
    select (select k from n) as k, (select count(*)::int from smp) as sampled,
      (select coalesce(json_agg(json_build_object('id', c.id, 'display', c.display, 'year', c.year, 'format', c.format,
          'language', c.language, 'record_count', c.record_count, 'holdings_count', c.holdings_count,
          'available_count', c.available_count) order by p.part, ${orderBy('p')}), '[]')
        from page p join clusters c on c.id = p.id) as hits
      ${withFacets ? sql`, ${facetSql} as f` : sql``}`;
  // The bitmaps of common words (100,000+ clusters each at 1M) outgrow the default 4 MB of work_mem and
  // turn lossy, and then every row of their pages is read and rechecked: give this one statement more.
  const run = async (t: Db) => {
    // The candidate parts must be read in order (a parallel append would mix them). One round trip for both.
    await sql`select set_config('work_mem', '32MB', true), set_config('max_parallel_workers_per_gather', '0', true)`.execute(
      t,
    );
    return (await statement.execute(t)).rows[0] as Row;
  };
  const row = db.isTransaction ? ((await statement.execute(db)).rows[0] as Row) : await db.transaction().execute(run);
  const broad = row.k > cap;
  // A broad query has at least cap + 1 matches; the sample says how many more (or a count, when asked).
  const counted = broad ? await exactCount(db, where, req.exactTotalWithinMs) : null;
  const total = counted ?? (broad ? Math.max(cap + 1, Math.round((row.sampled * 100) / pct)) : row.k);
  const ids = row.hits.map((r) => r.id);
  const holdings = await holdingsOf(db, ids);
  const hits: Hit[] = row.hits.map((r) => {
    const d = r.display as {
      title?: string;
      subtitle?: string;
      authors?: string[];
      publisher?: string;
      isbns?: string[];
      subjects?: string[];
    };
    return {
      clusterId: r.id,
      title: d.title ?? '',
      subtitle: d.subtitle ?? null,
      authors: d.authors ?? [],
      publisher: d.publisher ?? null,
      year: r.year,
      format: r.format,
      language: r.language,
      isbns: d.isbns ?? [],
      subjects: d.subjects ?? [],
      recordCount: r.record_count,
      holdingsCount: r.holdings_count,
      availableCount: r.available_count,
      holdings: holdings.get(r.id) ?? [],
    };
  });
  const result: SearchResult = { total, page, pageSize, hits, query };
  if (withFacets && row.f) {
    const approximate = broad;
    // A sampled count stands for total/sampled matches; never shown as more than the total.
    const scale = approximate && row.sampled > 0 ? total / row.sampled : 1;
    const c = (x: number) => (approximate ? Math.min(total, Math.round(x * scale)) : x);
    const f = row.f;
    const plain = (rows: Array<{ v: string | number; n: number }>) =>
      rows.map((r) => ({ value: String(r.v), label: String(r.v), count: c(r.n) }));
    result.facets = {
      library: f.library.map((r) => ({ value: r.v, label: r.l, count: c(r.n) })),
      region: f.region.map((r) => ({ value: r.v, label: r.l, count: c(r.n) })),
      libraryType: plain(f.libraryType),
      format: plain(f.format),
      language: plain(f.language),
      year: plain(f.year),
      subject: plain(f.subject),
      available: [{ value: 'true', label: 'available', count: c(f.available) }],
    };
    result.facetsApproximate = approximate;
  }
  if (broad && counted === null) result.totalApproximate = true;
  if (total === 0 && req.suggest !== false && !req.query && req.q) {
    const suggestion = await suggest(db, req, query);
    if (suggestion) result.suggestion = suggestion;
  }
  return result;
}

/**
 * Every match of a broad query counted, within a time limit (a common word at 1M clusters reads
 * about 75,000 pages: 0.5 s on a quiet machine, seconds under load); null past the limit.
 */
async function exactCount(db: Db, where: Expression<SqlBool>, withinMs: number | undefined): Promise<number | null> {
  if (!withinMs || withinMs <= 0 || db.isTransaction) return null;
  try {
    return await db.transaction().execute(async (t) => {
      await sql`set local statement_timeout = ${sql.lit(Math.ceil(withinMs))}`.execute(t);
      await sql`set local work_mem = '32MB'`.execute(t);
      const r = await sql<{ n: number }>`select count(*)::int as n from clusters c where ${where}`.execute(t);
      return Number(r.rows[0]?.n ?? 0);
    });
  } catch (e) {
    if ((e as { code?: string }).code === '57014') return null; // statement_timeout: stays an estimate
    throw e;
  }
}

/**
 * "Did you mean": each searched word the catalogue does not know is replaced
 * by the most similar one it does (pg_trgm trigram similarity; without the
 * extension, the known words of the same first letter and about the same
 * length, by edit distance). Offered only when the corrected query finds something.
 */
async function suggest(db: Db, req: SearchRequest, query: Query): Promise<Suggestion | null> {
  const asked = [...new Set(positiveWords(query))].filter((w) => w.length >= 3 && !isStopWord(w) && !/\d/.test(w));
  if (asked.length === 0 || !req.q) return null;
  const known = new Set(
    (
      await sql<{ word: string }>`select word from search_words where word in (${sql.join(asked)})`.execute(db)
    ).rows.map((r) => r.word),
  );
  const unknown = asked.filter((w) => !known.has(w));
  if (unknown.length === 0) return null;
  const trgm = await hasTrigrams(db);
  let q = req.q;
  let changed = false;
  for (const w of unknown) {
    const better = trgm ? await similarByTrigrams(db, w) : await similarByEditDistance(db, w);
    if (!better) continue;
    const re = new RegExp(`(?<![\\p{L}\\p{N}])${w}(?![\\p{L}\\p{N}])`, 'giu');
    if (!re.test(q)) continue;
    q = q.replace(re, better);
    changed = true;
  }
  if (!changed) return null;
  const check = await search(db, { ...req, q, suggest: false, facets: false, pageSize: 1, page: 1 });
  return check.total > 0 ? { q, total: check.total } : null;
}

async function similarByTrigrams(db: Db, w: string): Promise<string | null> {
  const r = await sql<{ word: string }>`
    select word from search_words where word % ${w}
    order by similarity(word, ${w}) desc, abs(length(word) - ${w.length}), word limit 1`.execute(db);
  return r.rows[0]?.word ?? null;
}

async function similarByEditDistance(db: Db, w: string): Promise<string | null> {
  const r = await sql<{ word: string }>`
    select word from search_words where word like ${`${w[0]}%`}
      and length(word) between ${w.length - 2} and ${w.length + 2} limit 5000`.execute(db);
  let best: string | null = null;
  let bestD = Math.max(1, Math.floor(w.length / 4)) + 1;
  for (const { word } of r.rows) {
    const d = editDistance(w, word);
    if (d < bestD || (d === bestD && best !== null && word < best)) {
      best = word;
      bestD = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(
        (prev[j] as number) + 1,
        (cur[j - 1] as number) + 1,
        (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[b.length] as number;
}

const trigramSupport = new WeakMap<Db, Promise<boolean>>();

function hasTrigrams(db: Db): Promise<boolean> {
  let p = trigramSupport.get(db);
  if (!p) {
    p = sql<{ ok: boolean }>`select exists (select 1 from pg_extension where extname = 'pg_trgm') as ok`
      .execute(db)
      .then((r) => r.rows[0]?.ok === true);
    trigramSupport.set(db, p);
  }
  return p;
}

/** The words a query looks for (not those it excludes), in the fields typos are corrected in. */
function positiveWords(q: Query): string[] {
  switch (q.type) {
    case 'term':
      return q.field === 'any' || q.field === 'title' || q.field === 'author' || q.field === 'subject'
        ? words(q.value)
        : [];
    case 'and':
    case 'or':
      return q.children.flatMap(positiveWords);
    default:
      return [];
  }
}

export async function holdingsOf(db: Db, clusterIds: number[]): Promise<Map<number, Holding[]>> {
  const out = new Map<number, Holding[]>();
  if (clusterIds.length === 0) return out;
  const rows = await sql<{
    cluster_id: number;
    library_id: number;
    code: string;
    name: string;
    copies: number;
    available: number;
    call_numbers: string[];
  }>`select r.cluster_id, l.id as library_id, l.code, l.name,
        count(i.id)::int as copies,
        (count(i.id) filter (where i.status = 'available' and i.loanable))::int as available,
        coalesce(array_remove(array_agg(distinct i.call_number), null), '{}') as call_numbers
      from source_records r
      join libraries l on l.id = r.library_id
      left join items i on i.source_record_id = r.id
      where r.cluster_id in (${sql.join(clusterIds)}) and not r.deleted
      group by r.cluster_id, l.id, l.code, l.name
      order by available desc, l.name`.execute(db);
  for (const r of rows.rows) {
    const list = out.get(r.cluster_id) ?? [];
    list.push({
      libraryId: r.library_id,
      libraryCode: r.code,
      libraryName: r.name,
      copies: r.copies,
      available: r.available,
      callNumbers: r.call_numbers,
    });
    out.set(r.cluster_id, list);
  }
  return out;
}
