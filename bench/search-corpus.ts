/**
 * A search corpus of N clusters built in minutes instead of hours, for
 * `bench:catalog --search-only`: the real records of ../shared/data/marc go
 * through the real ingest once (a few thousand records), then SQL multiplies
 * their clusters to N with the same title variation as the full bench (two of
 * its words and a number appended to the title), spread over the ten demo
 * libraries with one source record and one item per holding library, so that
 * facets, holdings and availability have the shape ingest gives them.
 * Search reads only the clusters table and the holdings of one page of hits,
 * so it sees the same data a full ingest of N records would give it.
 */
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { ingestStream } from '../src/catalog/ingest.ts';
import { toIso2709 } from '../src/catalog/marc/serialize.ts';
import { catalogMatcher } from '../src/catalog/match.ts';
import { parseFile } from '../src/catalog/parse.ts';
import { heldTokenSql, libraryTokensSql } from '../src/catalog/search-index.ts';
import type { MarcRecord } from '../src/catalog/types.ts';
import type { Db } from '../src/platform/db.ts';

export async function buildSearchCorpus(
  db: Db,
  base: MarcRecord[],
  n: number,
  libraries: string[],
  words: string[],
  log: (s: string) => void,
): Promise<void> {
  const libs = await db.selectFrom('libraries').select(['id', 'code']).where('code', 'in', libraries).execute();
  const first = libs.find((l) => l.code === libraries[0]);
  if (!first) throw new Error('demo libraries missing');
  const batch = await db
    .insertInto('import_batches')
    .values({ library_id: first.id, kind: 'file', filename: 'search-corpus-base' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const t = Date.now();
  await ingestStream(
    db,
    { batchId: batch.id, libraryId: first.id, sourceId: null },
    parseFile(Readable.from(base.map((r) => toIso2709(r))), 'iso2709'),
    catalogMatcher,
    { chunkSize: 1000 },
  );
  log(`base: ${base.length} real records ingested in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  // One row per base cluster, numbered 0..B-1.
  await sql`create temporary table bench_base as
      select row_number() over (order by id) - 1 as k, c.* from clusters c`.execute(db);
  await sql`create temporary table bench_libs as
      select row_number() over (order by l.code) - 1 as k, l.id, l.region_code, l.type
      from libraries l where l.code in (${sql.join(libraries)})`.execute(db);
  const b = Number((await sql<{ n: number }>`select count(*)::int as n from bench_base`.execute(db)).rows[0]?.n);
  const nl = libraries.length;
  const step = 50_000;
  for (let from = 0; from < n; from += step) {
    const to = Math.min(n, from + step) - 1;
    const t0 = Date.now();
    // Every tenth title is held by a second library, as in the full bench.
    await sql`
      with g as (
        select g, (array[${sql.join(words)}])[g % ${words.length} + 1] || ' '
                  || (array[${sql.join(words)}])[(g / ${words.length}) % ${words.length} + 1] || ' ' || g as extra,
          case when g % 10 = 0 then array[g % ${nl}, (g / 10 + 1) % ${nl}] else array[g % ${nl}] end as lks
        from generate_series(${from}::bigint, ${to}::bigint) g
      ), x as (
        select g.g, g.extra, bb.*, (select array_agg(distinct l.id) from bench_libs l where l.k = any(g.lks)) as lib_ids,
          (select array_agg(distinct l.region_code) from bench_libs l where l.k = any(g.lks)) as regions,
          (select array_agg(distinct l.type) from bench_libs l where l.k = any(g.lks)) as types,
          cardinality(g.lks) as holders
        from g join bench_base bb on bb.k = g.g % ${b}
      )
      insert into clusters (title, display, year, format, language, search_doc, title_sort, author_sort, subjects,
        isbns, issns, call_numbers, publisher_key, library_ids, region_codes, library_types, available_library_ids,
        holdings_count, available_count, record_count)
      select x.title || ' ' || x.extra, jsonb_set(x.display, '{title}', to_jsonb(x.title || ' ' || x.extra)),
        x.year, x.format, x.language, x.search_doc || setweight(to_tsvector('simple', x.extra), 'A') || ${heldTokenSql(sql`x.holders`)} || ${libraryTokensSql(sql`x.lib_ids`)},
        x.title_sort || ' ' || x.extra, x.author_sort, x.subjects, x.isbns, x.issns, x.call_numbers, x.publisher_key,
        x.lib_ids, x.regions, x.types, case when x.g % 3 = 0 then '{}' else x.lib_ids end,
        x.holders, case when x.g % 3 = 0 then 0 else x.holders end, x.holders
      from x order by x.g`.execute(db);
    log(`clusters ${to + 1}/${n} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  // The title words the variation adds are known words, as storeClusterIndex would have made them
  // (else every field query for one of them that finds nothing would go on to "did you mean").
  await sql`insert into search_words (word) select w from unnest(array[${sql.join(words)}]::text[]) w
    on conflict do nothing`.execute(db);
  // The base clusters themselves go: the corpus is the N varied ones.
  await sql`delete from items where cluster_id in (select id from bench_base)`.execute(db);
  await sql`update source_records set cluster_id = null where cluster_id in (select id from bench_base)`.execute(db);
  await sql`delete from clusters where id in (select id from bench_base)`.execute(db);
  const t1 = Date.now();
  await sql`
    insert into source_records (library_id, record_key, format, raw, content_hash, bib, cluster_id)
    select lid, 'syn-' || c.id || '-' || lid, 'marc21', '\\x'::bytea, 'syn', '{}'::jsonb, c.id
    from clusters c cross join unnest(c.library_ids) lid`.execute(db);
  await sql`
    insert into items (library_id, source_record_id, cluster_id, barcode, call_number, status)
    select r.library_id, r.id, r.cluster_id, r.record_key, c.call_numbers[1],
      case when c.available_count > 0 then 'available' else 'on_loan' end
    from source_records r join clusters c on c.id = r.cluster_id where r.content_hash = 'syn'`.execute(db);
  log(`source records and items (${((Date.now() - t1) / 1000).toFixed(0)} s)`);
  await sql`vacuum analyze clusters`.execute(db).catch(() => {});
  await sql`vacuum analyze source_records`.execute(db).catch(() => {});
  await sql`vacuum analyze items`.execute(db).catch(() => {});
}
