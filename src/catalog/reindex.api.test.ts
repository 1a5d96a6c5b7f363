import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bib, libraryIds, load } from '../../test/catalog-fixtures.ts';
import { startTestSimpul, type TestSimpul } from '../../test/support.ts';
import { reindexAll, reindexState, reindexStep } from './reindex.ts';
import { search } from './search.ts';
import { SEARCH_INDEX_VERSION } from './search-index.ts';

let s: TestSimpul;
let lib: Record<string, number> = {};
const db = () => s.ctx.database.db;

beforeAll(async () => {
  s = await startTestSimpul();
  lib = await libraryIds(s);
  await load(s, lib.BUNGHATTA as number, [
    bib({
      sourceId: 'K-1',
      title: 'Sejarah Ka’bah dan Masjidil Haram',
      authors: ['Ma’arif, Ahmad Syafii'],
      year: 2001,
    }),
    bib({ sourceId: 'K-2', title: "Tafsir Al-Qur'an untuk pemula", authors: ['Shihab, M. Quraish'], year: 2010 }),
    bib({ sourceId: 'K-3', title: 'Ilmu perpustakaan dasar', authors: ['Sulistyo-Basuki'], year: 1991 }),
    bib({ sourceId: 'K-4', title: 'Katalog induk nasional', authors: ['Perpustakaan Nasional'], year: 1999 }),
  ]);
});
afterAll(async () => s?.stop());

const titles = async (q: string) => (await search(db(), { q })).hits.map((h) => h.title).sort();

/** What an index built with version 1's fold stored: "Ka’bah" split at its apostrophe. */
async function makeStale() {
  await sql`update clusters set search_doc = setweight(to_tsvector('simple', replace(replace(lower(title), '’', ' '), '''', ' ')), 'A')`.execute(
    db(),
  );
  await sql`update search_index_state set version = 1, resume_after = 0, retry_ids = '{}'`.execute(db());
}

/** The cluster of the record with this source id. */
const clusterOf = (sourceId: string) =>
  db()
    .selectFrom('source_records')
    .select(['cluster_id'])
    .where('record_key', '=', `id:${sourceId}`)
    .executeTakeFirstOrThrow();

const state = async () =>
  (
    await sql<{ version: number; resume_after: string; retry_ids: string[] }>`
      select version, resume_after::text, retry_ids::text[] from search_index_state`.execute(db())
  ).rows[0];

describe('search fold and apostrophes', () => {
  it('finds a word written with an apostrophe with or without it, curly or straight', async () => {
    for (const q of ['kabah', "ka'bah", 'Ka’bah', 'KABAH masjidil'])
      expect(await titles(q), q).toEqual(['Sejarah Ka’bah dan Masjidil Haram']);
    for (const q of ['quran', "qur'an", 'Qur’an pemula', 'al-quran'])
      expect(await titles(q), q).toEqual(["Tafsir Al-Qur'an untuk pemula"]);
    expect(await titles('maarif')).toEqual(['Sejarah Ka’bah dan Masjidil Haram']);
    // the parts of the word are not words of their own any more
    expect(await titles('bah')).toEqual([]);
  });

  it('a new database starts with its documents at the current version, with nothing to rebuild', async () => {
    expect(await reindexState(db())).toMatchObject({ version: SEARCH_INDEX_VERSION, left: 0, retry: 0 });
    expect(await reindexStep(db())).toEqual({ rebuilt: 0, putOff: 0, done: true });
  });
});

describe('rebuilding stored search documents (reindex)', () => {
  it('rebuilds documents of an older version, batch by batch, resuming where it stopped, datestamps kept', async () => {
    await makeStale();
    expect(await titles('kabah')).toEqual([]);
    const stampsBefore = await db().selectFrom('clusters').select(['id', 'updated_at']).orderBy('id').execute();
    const ids = stampsBefore.map((c) => String(c.id));
    expect(await reindexState(db())).toMatchObject({ version: 1, left: 4 });

    // one batch of two, then the process "stops": the state row says how far it came
    expect(await reindexStep(db(), 2)).toEqual({ rebuilt: 2, putOff: 0, done: false });
    expect(await state()).toMatchObject({ version: 1, resume_after: ids[1], retry_ids: [] });
    expect(await reindexState(db())).toMatchObject({ version: 1, left: 2 });
    // the first two are rebuilt already and found; the others not yet (their stale documents lack authors)
    expect(await titles('kabah')).toEqual(['Sejarah Ka’bah dan Masjidil Haram']);
    expect(await titles('sulistyo')).toEqual([]);

    // a restart goes on from there: only the two left are rebuilt
    const seen: number[] = [];
    const r = await reindexAll(db(), { batch: 2, onProgress: (n) => seen.push(n) });
    expect(r).toEqual({ rebuilt: 2, done: true });
    expect(seen.at(-1)).toBe(2);
    expect(await state()).toMatchObject({ version: SEARCH_INDEX_VERSION, resume_after: '0', retry_ids: [] });
    expect(await titles('sulistyo')).toEqual(['Ilmu perpustakaan dasar']);
    expect(await titles('quran')).toEqual(["Tafsir Al-Qur'an untuk pemula"]);

    // the rebuild changed no record a harvester gets, so no OAI-PMH datestamp moved
    const stampsAfter = await db().selectFrom('clusters').select(['id', 'updated_at']).orderBy('id').execute();
    expect(stampsAfter).toEqual(stampsBefore);

    // audited once, by the system
    const log = await db()
      .selectFrom('audit_log')
      .select(['actor_label', 'action', 'before', 'after'])
      .where('entity', '=', 'search_index')
      .execute();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      action: 'reindex',
      before: { version: 1 },
      after: { version: SEARCH_INDEX_VERSION },
    });

    // run again: nothing to do
    expect(await reindexAll(db())).toEqual({ rebuilt: 0, done: true });
  });

  it('a document whose holdings changed while it was stale gets a new datestamp when rebuilt', async () => {
    await makeStale();
    const k3 = await clusterOf('K-3');
    const before = await db()
      .selectFrom('clusters')
      .select(['updated_at', 'holdings_count'])
      .where('id', '=', k3.cluster_id as number)
      .executeTakeFirstOrThrow();
    // a count written wrong (as a crash between two writes of an older version could leave it)
    await db()
      .updateTable('clusters')
      .set({ holdings_count: before.holdings_count + 5 })
      .where('id', '=', k3.cluster_id as number)
      .execute();
    await reindexAll(db());
    const after = await db()
      .selectFrom('clusters')
      .select(['updated_at', 'holdings_count'])
      .where('id', '=', k3.cluster_id as number)
      .executeTakeFirstOrThrow();
    expect(after.holdings_count).toBe(before.holdings_count);
    expect(after.updated_at.getTime()).toBeGreaterThan(before.updated_at.getTime());
  });

  it('the server queues the rebuild itself when the stored documents are older', async () => {
    await makeStale();
    expect(await titles('kabah')).toEqual([]);
    await s.jobs.tick();
    expect(await state()).toMatchObject({ version: SEARCH_INDEX_VERSION });
    expect(await titles('kabah')).toEqual(['Sejarah Ka’bah dan Masjidil Haram']);
    const job = await db()
      .selectFrom('jobs')
      .select(['status', 'result'])
      .where('kind', '=', 'catalog.reindex')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: 'done', result: { rebuilt: 4, done: true } });
    // current: the next tick queues nothing
    await s.jobs.tick();
    expect(await db().selectFrom('jobs').select('id').where('kind', '=', 'catalog.reindex').execute()).toHaveLength(1);
  });

  it('"did you mean" keeps the words of the rebuilt documents and loses those only the old fold made', async () => {
    const lexicon = async () =>
      (await sql<{ word: string }>`select word from search_words order by word`.execute(db())).rows.map((r) => r.word);
    const current = await lexicon();
    expect(current).toEqual(expect.arrayContaining(['kabah', 'quran', 'masjidil', 'sulistyo', 'katalog']));
    await makeStale();
    // what version 1's fold added to the lexicon: the parts of the words it split at their apostrophes
    await sql`insert into search_words (word) values ('bah'), ('qur'), ('arif') on conflict do nothing`.execute(db());
    expect(await reindexStep(db(), 2)).toMatchObject({ rebuilt: 2, done: false });
    // a word of a cluster the pass did not read (an import committed beside it): kept, as its document holds it
    await sql`delete from search_words_pass where word = 'masjidil'`.execute(db());
    expect(await reindexAll(db(), { batch: 2 })).toEqual({ rebuilt: 2, done: true });
    const after = await lexicon();
    for (const w of ['bah', 'qur', 'arif']) expect(after, w).not.toContain(w);
    expect(after).toEqual(current);
    expect((await sql`select word from search_words_pass`.execute(db())).rows).toEqual([]);
  });

  it('goes through clusters in the order of their ids as numbers, each once (9 before 10)', async () => {
    await load(
      s,
      lib.BUNGHATTA as number,
      Array.from({ length: 14 }, (_, i) =>
        bib({ sourceId: `N-${i}`, title: `Buku nomor ${i} tentang Jum'at`, year: 2000 + i }),
      ),
    );
    await makeStale();
    const n = (
      await db()
        .selectFrom('clusters')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
    expect(Number(n)).toBe(18);
    expect(await reindexAll(db(), { batch: 3 })).toEqual({ rebuilt: 18, done: true });
    expect(await titles('jumat nomor 12')).toEqual(["Buku nomor 12 tentang Jum'at"]);
  });

  // Needs a second connection holding a cluster while the rebuild runs: PostgreSQL only (PGlite has one).
  it.skipIf(!process.env.DATABASE_URL)(
    'does not wait for a cluster another transaction holds: it is redone after the pass',
    async () => {
      await makeStale();
      const held = await clusterOf('K-1');
      let release: () => void = () => {};
      const released = new Promise<void>((r) => {
        release = r;
      });
      let locked: () => void = () => {};
      const isLocked = new Promise<void>((r) => {
        locked = r;
      });
      const holder = db()
        .transaction()
        .execute(async (trx) => {
          await sql`select id from clusters where id = ${held.cluster_id} for update`.execute(trx);
          locked();
          await released;
        });
      await isLocked;
      const first = await reindexStep(db(), 100);
      expect(first).toEqual({ rebuilt: 17, putOff: 1, done: false });
      expect(await state()).toMatchObject({ version: 1, retry_ids: [String(held.cluster_id)] });
      // still held: put off again
      expect(await reindexStep(db(), 100)).toEqual({ rebuilt: 0, putOff: 1, done: false });
      expect(await titles('kabah')).toEqual([]);
      release();
      await holder;
      expect(await reindexAll(db(), { retryPauseMs: 10 })).toEqual({ rebuilt: 1, done: true });
      expect(await titles('kabah')).toEqual(['Sejarah Ka’bah dan Masjidil Haram']);
    },
  );
});
