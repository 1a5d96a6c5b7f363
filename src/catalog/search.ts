import { type Expression, type SqlBool, sql } from 'kysely';
import type { Db } from '../platform/db.ts';
import { and, type Field, parseQuery, type Query } from './query.ts';
import { isbnKeys, issnKey } from './search-index.ts';
import { fold, spellingVariants, words } from './search-text.ts';

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
  sort?: 'relevance' | 'title' | 'year_desc' | 'year_asc' | undefined;
  page?: number | undefined;
  pageSize?: number | undefined;
  /** Start at this many hits in, instead of a page (SRU's startRecord). */
  offset?: number | undefined;
  facets?: boolean | undefined;
  /** A query tree built elsewhere (CQL from SRU) instead of q and fields. */
  query?: Query | undefined;
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

function condition(q: Query): Expression<SqlBool> | null {
  switch (q.type) {
    case 'all':
      return null;
    case 'and':
    case 'or': {
      const parts = q.children.map(condition).filter((c): c is Expression<SqlBool> => c !== null);
      if (parts.length === 0) return null;
      return sql<SqlBool>`(${sql.join(parts, sql.raw(q.type === 'and' ? ' and ' : ' or '))})`;
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
          const weight = q.field === 'any' ? undefined : WEIGHT[q.field];
          const ts = tsquery(q.value, q.phrase, weight);
          if (!ts) return null;
          const text = sql<SqlBool>`c.search_doc @@ to_tsquery('simple', ${ts})`;
          // An ISBN typed into the general box finds the book too.
          const isbn = q.field === 'any' && /^[\d-]{10,17}[xX]?$/.test(q.value.trim()) ? isbnKeys(q.value) : [];
          return isbn.length ? sql<SqlBool>`(${text} or c.isbns && ${sql.val(isbn)}::text[])` : text;
        }
      }
    }
  }
}

/** The positive words of a query, for ranking. */
function rankQuery(q: Query): string | null {
  switch (q.type) {
    case 'term':
      return q.field === 'any' || q.field === 'title' || q.field === 'author' || q.field === 'subject'
        ? tsquery(q.value, q.phrase, undefined)
        : null;
    case 'and':
    case 'or': {
      const parts = q.children.map(rankQuery).filter((x): x is string => x !== null);
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
  if (f.library?.length) out.push(sql<SqlBool>`c.library_ids && ${sql.val(libIds.length ? libIds : [-1])}::int[]`);
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

export async function search(db: Db, req: SearchRequest): Promise<SearchResult> {
  const page = Math.max(1, req.page ?? 1);
  const pageSize = Math.min(100, Math.max(1, req.pageSize ?? 20));
  const query = req.query ?? buildQuery(req);
  const offset = req.offset ?? (page - 1) * pageSize;
  const filters = req.filters ?? {};
  const libIds = await libraryIdsFor(db, filters.library ?? []);
  const conds = [condition(query), ...filterConditions(filters, libIds)].filter(
    (c): c is Expression<SqlBool> => c !== null,
  );
  const where = conds.length ? sql<SqlBool>`${sql.join(conds, sql.raw(' and '))}` : sql<SqlBool>`true`;
  const rq = rankQuery(query);
  const rank = rq
    ? sql<number>`ts_rank_cd('{0.1, 0.3, 0.6, 1.0}', c.search_doc, to_tsquery('simple', ${rq})) * (1 + ln(1 + c.record_count))`
    : sql<number>`ln(1 + c.record_count)`;
  const order =
    req.sort === 'title'
      ? sql`c.title_sort, c.id`
      : req.sort === 'year_desc'
        ? sql`c.year desc nulls last, c.id`
        : req.sort === 'year_asc'
          ? sql`c.year asc nulls last, c.id`
          : sql`rank desc, c.id`;

  const rows = await sql<{
    id: number;
    display: Record<string, unknown>;
    year: number | null;
    format: string | null;
    language: string | null;
    record_count: number;
    holdings_count: number;
    available_count: number;
    total: number;
  }>`select c.id, c.display, c.year, c.format, c.language, c.record_count, c.holdings_count, c.available_count,
        ${rank} as rank, count(*) over () :: int as total
      from clusters c where ${where}
      order by ${order}
      limit ${pageSize} offset ${offset}`.execute(db);
  let total = rows.rows[0]?.total ?? 0;
  if (rows.rows.length === 0 && offset > 0) {
    const c = await sql<{ n: number }>`select count(*)::int as n from clusters c where ${where}`.execute(db);
    total = c.rows[0]?.n ?? 0;
  }
  const ids = rows.rows.map((r) => r.id);
  const holdings = await holdingsOf(db, ids);
  const hits: Hit[] = rows.rows.map((r) => {
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
  if (req.facets !== false) result.facets = await facets(db, where);
  return result;
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

async function facets(db: Db, where: Expression<SqlBool>): Promise<Record<string, FacetValue[]>> {
  const matched = sql`select * from clusters c where ${where}`;
  const [library, region, libraryType, format, language, year, subject, available] = await Promise.all([
    sql<{ value: number; n: number; label: string; code: string }>`
      select l.id as value, l.code, l.name as label, count(*)::int as n
      from (${matched}) c cross join unnest(c.library_ids) lid join libraries l on l.id = lid
      group by l.id, l.code, l.name order by n desc, l.name limit 30`.execute(db),
    sql<{ value: string; n: number; label: string }>`
      select rc as value, coalesce(r.name, rc) as label, count(*)::int as n
      from (${matched}) c cross join unnest(c.region_codes) rc left join regions r on r.code = rc
      group by rc, r.name order by n desc limit 30`.execute(db),
    sql<{ value: string; n: number }>`
      select t as value, count(*)::int as n from (${matched}) c cross join unnest(c.library_types) t
      group by t order by n desc`.execute(db),
    sql<{ value: string; n: number }>`
      select c.format as value, count(*)::int as n from (${matched}) c where c.format is not null
      group by c.format order by n desc`.execute(db),
    sql<{ value: string; n: number }>`
      select c.language as value, count(*)::int as n from (${matched}) c where c.language is not null
      group by c.language order by n desc limit 20`.execute(db),
    sql<{ value: number; n: number }>`
      select c.year as value, count(*)::int as n from (${matched}) c where c.year is not null
      group by c.year order by c.year desc limit 40`.execute(db),
    sql<{ value: string; n: number }>`
      select s as value, count(*)::int as n from (${matched}) c cross join unnest(c.subjects) s
      group by s order by n desc, s limit 20`.execute(db),
    sql<{ n: number }>`select count(*)::int as n from (${matched}) c where c.available_count > 0`.execute(db),
  ]);
  const plain = (rows: Array<{ value: string | number; n: number }>) =>
    rows.map((r) => ({ value: String(r.value), label: String(r.value), count: r.n }));
  return {
    library: library.rows.map((r) => ({ value: r.code, label: r.label, count: r.n })),
    region: region.rows.map((r) => ({ value: r.value, label: r.label, count: r.n })),
    libraryType: plain(libraryType.rows),
    format: plain(format.rows),
    language: plain(language.rows),
    year: plain(year.rows),
    subject: plain(subject.rows),
    available: [{ value: 'true', label: 'available', count: available.rows[0]?.n ?? 0 }],
  };
}
