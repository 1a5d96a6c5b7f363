import { sql } from 'kysely';
import { ingestStream, type Matcher, type Parsed } from '../src/catalog/ingest.ts';
import type { Bib } from '../src/catalog/types.ts';
import type { TestSimpul } from './support.ts';

/** A deliberately plain matcher (same title, and same year when both have one): the store must work with any. */
export const titleMatcher: Matcher = {
  keys: (b) => [`t:${b.title.toLowerCase()}`, ...b.isbns.map((i) => `isbn:${i.replace(/-/g, '')}`)],
  compare: (a, b) =>
    a.title.toLowerCase() === b.title.toLowerCase() &&
    (a.year === undefined || b.year === undefined || a.year === b.year)
      ? { decision: 'match', score: 1, reasons: ['same title'] }
      : { decision: 'no-match', score: 0, reasons: [] },
};

export const bib = (over: Partial<Bib>): Bib => ({
  title: 'Untitled',
  authors: [],
  isbns: [],
  issns: [],
  subjects: [],
  format: 'book',
  items: [],
  ...over,
});

export const parsed = (b: Bib, position = 'line 1'): Parsed => ({
  ok: true,
  position,
  raw: Buffer.from(JSON.stringify(b)),
  format: 'csv',
  bib: b,
});

export async function* stream(list: Parsed[]): AsyncIterable<Parsed> {
  yield* list;
}

export async function libraryIds(s: TestSimpul): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const l of await s.ctx.database.db.selectFrom('libraries').select(['id', 'code']).execute()) out[l.code] = l.id;
  return out;
}

export async function newBatch(s: TestSimpul, libraryId: number) {
  const row = await s.ctx.database.db
    .insertInto('import_batches')
    .values({ library_id: libraryId, kind: 'file', filename: 'test' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { batchId: row.id, libraryId, sourceId: null };
}

/** Ingests bibs for a library as one file batch, through the real store. */
export async function load(
  s: TestSimpul,
  libraryId: number,
  items: Array<Bib | Parsed>,
  matcher: Matcher = titleMatcher,
) {
  const list = items.map((x) => ('ok' in x ? x : parsed(x)));
  return ingestStream(s.ctx.database.db, await newBatch(s, libraryId), stream(list), matcher);
}

/**
 * Match-key rows whose cluster, library or stand-in flag differs from their record's (migration 0082 keeps
 * them equal by triggers and the ingest's own writes): the candidate probe reads only the key rows.
 */
export async function keysOutOfStep(s: TestSimpul): Promise<unknown[]> {
  const r = await sql`
    select k.key, k.record_id, k.cluster_id, k.library_id, k.stand_in, r.cluster_id as record_cluster, r.deleted
    from match_keys k join source_records r on r.id = k.record_id
    where k.cluster_id is distinct from (case when r.deleted then null else r.cluster_id end)
      or k.library_id is distinct from r.library_id
      or k.stand_in <> (r.record_key like 'transfer:%' or r.record_key like 'acq:%' or r.record_key like 'id:acq:%')`.execute(
    s.ctx.database.db,
  );
  return r.rows;
}
