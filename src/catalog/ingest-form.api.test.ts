import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bib, libraryIds, load, newBatch, parsed, stream } from '../../test/catalog-fixtures.ts';
import { startTestSimpul, type TestSimpul } from '../../test/support.ts';
import { collectIngestProfile, ingestStream, type Matcher } from './ingest.ts';
import { catalogMatcher, MATCH_FORM_VERSION } from './match.ts';

let s: TestSimpul;
let lib: Record<string, number> = {};

beforeAll(async () => {
  s = await startTestSimpul();
  lib = await libraryIds(s);
});
afterAll(async () => s?.stop());

const tenggelam = (sourceId: string) =>
  bib({
    sourceId,
    title: 'Tenggelamnya kapal Van der Wijck',
    authors: ['Hamka'],
    year: 1984,
    publisher: 'Bulan Bintang',
    isbns: ['979-418-055-6'],
  });

const clusterOf = async (libraryId: number, key: string) =>
  (
    await s.ctx.database.db
      .selectFrom('source_records')
      .select(['cluster_id', 'match_form'])
      .where('library_id', '=', libraryId)
      .where('record_key', '=', key)
      .executeTakeFirstOrThrow()
  ).cluster_id;

describe('ingest with stored match forms', () => {
  it('stores the form beside each record and matches candidates through it', async () => {
    await load(s, lib.BUNGHATTA as number, [tenggelam('BH-9')], catalogMatcher);
    const row = await s.ctx.database.db
      .selectFrom('source_records')
      .select(['match_form', 'cluster_id'])
      .where('library_id', '=', lib.BUNGHATTA as number)
      .where('record_key', '=', 'id:BH-9')
      .executeTakeFirstOrThrow();
    expect(row.match_form).toMatchObject({ v: MATCH_FORM_VERSION, p: { year: 1984, isbns: ['9789794180556'] } });
    const c = await load(s, lib.SAWAHLUNTO as number, [tenggelam('SWL-9')], catalogMatcher);
    expect(c).toMatchObject({ added: 1, matched: 1 });
    expect(await clusterOf(lib.SAWAHLUNTO as number, 'id:SWL-9')).toBe(row.cluster_id);
  });

  it('compares records without a usable form (older rows, another version) from their bib', async () => {
    const first = await clusterOf(lib.BUNGHATTA as number, 'id:BH-9');
    await sql`update source_records set match_form = null where record_key = 'id:BH-9'`.execute(s.ctx.database.db);
    await sql`update source_records set match_form = '{"v": 999, "p": {}}'::jsonb where record_key = 'id:SWL-9'`.execute(
      s.ctx.database.db,
    );
    const c = await load(s, lib.PAYAKUMBUH as number, [tenggelam('PYK-9')], catalogMatcher);
    expect(c).toMatchObject({ added: 1, matched: 1 });
    expect(await clusterOf(lib.PAYAKUMBUH as number, 'id:PYK-9')).toBe(first);
    // A different book with the same ISBN is still kept apart (the bib is compared, not skipped).
    const other = { ...tenggelam('UPI-9'), title: 'Di bawah lindungan Ka`bah' };
    const d = await load(s, lib.UPERTIS as number, [other], catalogMatcher);
    expect(d).toMatchObject({ added: 1, matched: 0 });
    expect(await clusterOf(lib.UPERTIS as number, 'id:UPI-9')).not.toBe(first);
  });
});

describe('candidates under a crowded key', () => {
  // Every record shares the title key; only the ISBN tells them apart, and compare decides by ISBN.
  const byIsbn: Matcher = {
    keys: (b) => [`t:${b.title}`, ...b.isbns.map((i) => `i:${i}`)],
    compare: (a, b) =>
      a.isbns.some((i) => b.isbns.includes(i))
        ? { decision: 'match', score: 1, reasons: ['same ISBN'] }
        : { decision: 'no-match', score: 0, reasons: [] },
  };
  const crowd = (n: number, prefix: string) =>
    Array.from({ length: n }, (_, i) =>
      bib({ sourceId: `${prefix}-${i}`, title: 'Laporan tahunan', isbns: [`isbn-${i}`] }),
    );

  it('looks at the rarest key first, so a shared ISBN is found past a title key reaching 90 clusters', async () => {
    await load(s, lib.UINMY as number, crowd(90, 'UIN'), byIsbn);
    const c = await load(s, lib['SDN01-BKT'] as number, [crowd(90, 'SD').at(-1) as ReturnType<typeof bib>], byIsbn);
    expect(c).toMatchObject({ added: 1, matched: 1 });
    expect(await clusterOf(lib['SDN01-BKT'] as number, 'id:SD-89')).toBe(
      await clusterOf(lib.UINMY as number, 'id:UIN-89'),
    );
  });

  it('does not probe again, in later chunks, a key found spread over more than 200 clusters', async () => {
    // 210 clusters under one title key: the key is not used; the ISBN still finds each record's match.
    await load(s, lib.PERPUSNAS as number, crowd(210, 'PN'), byIsbn);
    const profile: Record<string, number> = {};
    const sent = crowd(210, 'SD05').slice(200);
    collectIngestProfile(profile);
    let c: Awaited<ReturnType<typeof ingestStream>>;
    try {
      c = await ingestStream(
        s.ctx.database.db,
        await newBatch(s, lib['SDN05-BKT'] as number),
        stream(sent.map((b) => parsed(b))),
        byIsbn,
        { chunkSize: 2 },
      );
    } finally {
      collectIngestProfile(null);
    }
    expect(c).toMatchObject({ added: 10, matched: 10 });
    for (const i of [200, 209])
      expect(await clusterOf(lib['SDN05-BKT'] as number, `id:SD05-${i}`)).toBe(
        await clusterOf(lib.PERPUSNAS as number, `id:PN-${i}`),
      );
    expect(profile['# crowded keys skipped (so far)']).toBe(1);
    // Five chunks of two: the title key's clusters were counted in the first only (at most 201 of them),
    // the ISBNs' once each.
    expect(profile['# candidate key hits']).toBeLessThanOrEqual(201 + 10);
  });
});
