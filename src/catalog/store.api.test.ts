import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bib,
  keysOutOfStep,
  libraryIds,
  titleMatcher as matcher,
  newBatch,
  parsed,
  stream,
} from '../../test/catalog-fixtures.ts';
import { startTestSimpul, type TestSimpul } from '../../test/support.ts';
import { ingestStream } from './ingest.ts';
import { search } from './search.ts';

let s: TestSimpul;
let lib: Record<string, number> = {};

const batch = (code: string) => newBatch(s, lib[code] as number);
const rec = parsed;
const gen = stream;
/** The cluster of the record sent with this id (any library). */
const clusterOf = async (key: string) =>
  (
    await s.ctx.database.db
      .selectFrom('source_records')
      .select('cluster_id')
      .where('record_key', '=', `id:${key}`)
      .executeTakeFirstOrThrow()
  ).cluster_id;

beforeAll(async () => {
  s = await startTestSimpul();
  lib = await libraryIds(s);
});
afterAll(async () => s?.stop());

const hatta = bib({
  sourceId: 'BH-1',
  title: 'Memoir Mohammad Hatta',
  authors: ['Hatta, Mohammad'],
  year: 1979,
  isbns: ['979-433-123-6'],
  subjects: ['Biografi', 'Sejarah Indonesia'],
  publisher: 'Tintamas',
  language: 'ind',
  items: [
    { barcode: 'B0001', callNumber: '923.2 HAT m', status: 'available', loanable: true },
    { barcode: 'B0002', callNumber: '923.2 HAT m', status: 'on_loan', loanable: true },
  ],
});

describe('catalog store', () => {
  it('adds records with their items and makes them searchable at once', async () => {
    const counts = await ingestStream(s.ctx.database.db, await batch('BUNGHATTA'), gen([rec(hatta)]), matcher);
    expect(counts).toMatchObject({ read: 1, added: 1, updated: 0, unchanged: 0, rejected: 0 });
    const r = await search(s.ctx.database.db, { q: 'hatta memoir' });
    expect(r.total).toBe(1);
    expect(r.hits[0]?.holdings).toEqual([
      expect.objectContaining({ libraryCode: 'BUNGHATTA', copies: 2, available: 1, callNumbers: ['923.2 HAT m'] }),
    ]);
  });

  it('changes nothing when the same record comes again', async () => {
    const before = await s.ctx.database.db.selectFrom('source_records').selectAll().execute();
    const counts = await ingestStream(s.ctx.database.db, await batch('BUNGHATTA'), gen([rec(hatta)]), matcher);
    expect(counts).toMatchObject({ read: 1, added: 0, updated: 0, unchanged: 1 });
    const after = await s.ctx.database.db.selectFrom('source_records').selectAll().execute();
    expect(after.map((r) => [r.id, r.updated_at.getTime(), r.batch_id])).toEqual(
      before.map((r) => [r.id, r.updated_at.getTime(), r.batch_id]),
    );
  });

  it('joins the same book from another library into one cluster, never two of one library', async () => {
    const other = bib({
      ...hatta,
      sourceId: 'SWL-77',
      items: [{ barcode: 'S1', status: 'available', loanable: true }],
    });
    const counts = await ingestStream(s.ctx.database.db, await batch('SAWAHLUNTO'), gen([rec(other)]), matcher);
    expect(counts.matched).toBe(1);
    const r = await search(s.ctx.database.db, { q: 'hatta' });
    expect(r.total).toBe(1);
    expect(r.hits[0]?.holdings.map((h) => h.libraryCode).sort()).toEqual(['BUNGHATTA', 'SAWAHLUNTO']);
    expect(r.hits[0]?.availableCount).toBe(2);
    // A second copy of the record at Sawahlunto (another local id) makes its own cluster.
    const dup = bib({ ...hatta, sourceId: 'SWL-78', items: [] });
    await ingestStream(s.ctx.database.db, await batch('SAWAHLUNTO'), gen([rec(dup)]), matcher);
    expect((await search(s.ctx.database.db, { q: 'hatta' })).total).toBe(2);
  });

  it('updates a changed record and its items incrementally, keeping workflow states', async () => {
    await s.ctx.database.db
      .updateTable('items')
      .set({ status: 'on_deposit', held_by: 'deposit' }) // as holdItems sets it
      .where('barcode', '=', 'B0002')
      .execute();
    const changed = bib({
      ...hatta,
      subjects: ['Biografi'],
      items: [
        { barcode: 'B0002', callNumber: '923.2 HAT m', status: 'available', loanable: true },
        { barcode: 'B0003', callNumber: '923.2 HAT m c.3', status: 'available', loanable: false },
      ],
    });
    const counts = await ingestStream(s.ctx.database.db, await batch('BUNGHATTA'), gen([rec(changed)]), matcher);
    expect(counts).toMatchObject({ updated: 1, added: 0 });
    const items = await s.ctx.database.db
      .selectFrom('items')
      .select(['barcode', 'status', 'loanable'])
      .where('library_id', '=', lib.BUNGHATTA as number)
      .orderBy('barcode')
      .execute();
    expect(items).toEqual([
      { barcode: 'B0002', status: 'on_deposit', loanable: true },
      { barcode: 'B0003', status: 'available', loanable: false },
    ]);
  });

  it('moves a copy whose barcode reappears under another record, and the first title no longer counts it', async () => {
    const first = bib({
      sourceId: 'SDN-1',
      title: 'Kamus Besar Bahasa Indonesia',
      year: 2008,
      items: [{ barcode: 'K1', status: 'available', loanable: true }],
    });
    await ingestStream(s.ctx.database.db, await batch('SDN01-BKT'), gen([rec(first)]), matcher);
    expect((await search(s.ctx.database.db, { q: 'kamus besar' })).hits[0]?.holdingsCount).toBe(1);
    const second = bib({
      sourceId: 'SDN-2',
      title: 'Tesaurus Bahasa Indonesia',
      year: 2008,
      items: [{ barcode: 'K1', status: 'available', loanable: true }],
    });
    const counts = await ingestStream(s.ctx.database.db, await batch('SDN01-BKT'), gen([rec(second)]), matcher);
    expect(counts).toMatchObject({ added: 1 });
    expect((await search(s.ctx.database.db, { q: 'kamus besar' })).hits[0]).toMatchObject({
      holdingsCount: 0,
      availableCount: 0,
    });
    expect((await search(s.ctx.database.db, { q: 'tesaurus' })).hits[0]).toMatchObject({
      holdingsCount: 1,
      availableCount: 1,
    });
  });

  it('sets bad records aside with their reason and goes on', async () => {
    const b = await batch('UINMY');
    const counts = await ingestStream(
      s.ctx.database.db,
      b,
      gen([
        { ok: false, position: 'byte 0', reason: 'leader too short', excerpt: '00012' },
        rec(bib({ sourceId: 'U1', title: 'Tafsir Al-Azhar', authors: ['Hamka'], year: 1982 }), 'byte 12'),
      ]),
      matcher,
    );
    expect(counts).toMatchObject({ read: 2, added: 1, rejected: 1 });
    const rej = await s.ctx.database.db
      .selectFrom('rejected_records')
      .selectAll()
      .where('batch_id', '=', b.batchId)
      .execute();
    expect(rej).toEqual([expect.objectContaining({ position: 'byte 0', reason: 'leader too short' })]);
  });

  it('accounts for a record the file repeats: the later copy is kept, the earlier set aside with where it comes again', async () => {
    const b = await batch('SAWAHLUNTO');
    const first = bib({ sourceId: 'SW-9', title: 'Kota Tambang', authors: ['Erman, Erwiza'], year: 2005 });
    const later = bib({ sourceId: 'SW-9', title: 'Kota Tambang Sawahlunto', authors: ['Erman, Erwiza'], year: 2005 });
    const noId = bib({ title: 'Catatan tanpa nomor', authors: [], year: 1999 });
    const counts = await ingestStream(
      s.ctx.database.db,
      b,
      gen([rec(first, 'byte 0'), rec(noId, 'byte 100'), rec(later, 'byte 200'), rec(noId, 'byte 300')]),
      matcher,
    );
    // Every record read is counted once: read = added + updated + unchanged + deleted + rejected.
    expect(counts).toMatchObject({ read: 4, added: 2, updated: 0, unchanged: 0, rejected: 2 });
    const rows = await s.ctx.database.db
      .selectFrom('rejected_records')
      .select(['position', 'reason', 'reason_code'])
      .where('batch_id', '=', b.batchId)
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.reason_code)).toEqual(['repeated_record_id', 'repeated_record']);
    const rej = rows.map(({ position, reason }) => ({ position, reason }));
    expect(rej).toEqual([
      {
        position: 'byte 0',
        reason: 'the same record id (SW-9) comes again later in the file (byte 200); the later copy is kept',
      },
      {
        position: 'byte 100',
        reason: 'the same record comes again later in the file (byte 300); the later copy is kept',
      },
    ]);
    const kept = await s.ctx.database.db
      .selectFrom('source_records')
      .select(['position', 'bib'])
      .where('library_id', '=', lib.SAWAHLUNTO as number)
      .where('record_key', '=', 'id:SW-9')
      .executeTakeFirstOrThrow();
    expect(kept.position).toBe('byte 200');
    expect((kept.bib as { title: string }).title).toBe('Kota Tambang Sawahlunto');
    // Across chunks the later copy updates the earlier one, and that is counted too.
    const c2 = await ingestStream(
      s.ctx.database.db,
      await batch('SAWAHLUNTO'),
      gen([rec(first, 'byte 0'), rec(later, 'byte 200')]),
      matcher,
      { chunkSize: 1 },
    );
    expect(c2).toMatchObject({ read: 2, added: 0, updated: 2, unchanged: 0, rejected: 0 });
  });

  it('sets aside a record the database refuses (NUL, a key too long to index) and stores the rest of its chunk', async () => {
    const b = await batch('UINMY');
    // An identifier no index can hold (incompressible, over the 2,704-byte B-tree limit).
    const noise = randomBytes(3000).toString('base64');
    const counts = await ingestStream(
      s.ctx.database.db,
      b,
      gen([
        rec(bib({ sourceId: 'U2', title: 'Buya Hamka', year: 1990 }), 'byte 0'),
        rec(bib({ sourceId: 'U3', title: 'Tenggelamnja\u0000 kapal', year: 1938 }), 'byte 100'),
        rec(bib({ sourceId: noise, title: 'Di bawah lindungan Ka bah', year: 1938 }), 'byte 200'),
        rec(bib({ sourceId: 'U4', title: 'Merantau ke Deli', year: 1939 }), 'byte 300'),
      ]),
      matcher,
    );
    expect(counts).toMatchObject({ read: 4, added: 2, rejected: 2 });
    const rej = await s.ctx.database.db
      .selectFrom('rejected_records')
      .select(['position', 'reason'])
      .where('batch_id', '=', b.batchId)
      .orderBy('id')
      .execute();
    expect(rej.map((r) => r.position)).toEqual(['byte 100', 'byte 200']);
    for (const r of rej) expect(r.reason).toMatch(/^could not be stored: /);
    expect((await search(s.ctx.database.db, { q: 'merantau deli' })).total).toBe(1);
  });

  it('removes a deleted record from search but keeps it as received', async () => {
    const gone = bib({ sourceId: 'U1', title: 'Tafsir Al-Azhar', deleted: true });
    const counts = await ingestStream(s.ctx.database.db, await batch('UINMY'), gen([rec(gone)]), matcher);
    expect(counts.deleted).toBe(1);
    expect((await search(s.ctx.database.db, { q: 'tafsir' })).total).toBe(0);
    const kept = await s.ctx.database.db
      .selectFrom('source_records')
      .select('deleted')
      .where('record_key', '=', 'id:U1')
      .executeTakeFirst();
    expect(kept?.deleted).toBe(true);
    // Every key row still names its record's cluster (none for the deleted one) after all of the above.
    expect(await keysOutOfStep(s)).toEqual([]);
  });

  it('searches by field, phrase, ISBN in either form, old spelling, and filters with facets', async () => {
    await ingestStream(
      s.ctx.database.db,
      await batch('PAYAKUMBUH'),
      gen([
        rec(
          bib({
            sourceId: 'P1',
            title: 'Soekarno: penjambung lidah rakjat',
            authors: ['Adams, Cindy'],
            year: 1966,
            language: 'ind',
            subjects: ['Biografi'],
          }),
        ),
        rec(
          bib({
            sourceId: 'P2',
            title: 'Sejarah Kota Djakarta',
            authors: ['Abeyasekere, Susan'],
            year: 1989,
            language: 'ind',
            format: 'book',
          }),
        ),
        rec(
          bib({
            sourceId: 'P3',
            title: 'Atlas Sumatera Barat',
            authors: ['Hatta Rajasa'],
            year: 2001,
            format: 'map',
            language: 'ind',
          }),
        ),
      ]),
      matcher,
    );
    const db = s.ctx.database.db;
    expect((await search(db, { q: 'judul:hatta' })).hits.map((h) => h.title)).toEqual([
      'Memoir Mohammad Hatta',
      'Memoir Mohammad Hatta',
    ]);
    expect((await search(db, { q: 'pengarang:hatta' })).hits.map((h) => h.title)).toContain('Atlas Sumatera Barat');
    expect((await search(db, { q: '"kota djakarta"' })).total).toBe(1);
    expect((await search(db, { q: '"djakarta kota"' })).total).toBe(0);
    expect((await search(db, { q: 'isbn:9794331236' })).total).toBe(2);
    expect((await search(db, { q: '9789794331231' })).total).toBe(2);
    expect((await search(db, { q: 'hatta -atlas' })).hits.map((h) => h.title)).not.toContain('Atlas Sumatera Barat');
    expect((await search(db, { q: 'soekarno' })).total).toBe(1);
    expect((await search(db, { q: 'sukarno penyambung lidah rakyat' })).total).toBe(1);
    expect((await search(db, { q: 'sukarno penyambung lidah' })).total).toBe(1);
    expect((await search(db, { q: 'jakarta' })).hits.map((h) => h.title)).toEqual(['Sejarah Kota Djakarta']);
    expect((await search(db, { q: 'tahun:1960-1970' })).hits.map((h) => h.title)).toEqual([
      'Soekarno: penjambung lidah rakjat',
    ]);
    const f = await search(db, { q: '', filters: { format: ['map'] } });
    expect(f.hits.map((h) => h.title)).toEqual(['Atlas Sumatera Barat']);
    const all = await search(db, { q: '' });
    expect(all.facets?.library?.find((x) => x.value === 'PAYAKUMBUH')?.count).toBe(3);
    expect(all.facets?.format?.map((x) => x.value).sort()).toEqual(['book', 'map']);
    expect(all.facets?.region?.find((x) => x.value === '13.76')?.label).toBe('Kota Payakumbuh');
    const inPyk = await search(db, { q: '', filters: { library: ['PAYAKUMBUH'] } });
    expect(inPyk.total).toBe(3);
    const avail = await search(db, { q: 'hatta', filters: { available: true } });
    expect(avail.hits.every((h) => h.availableCount > 0)).toBe(true);
  });

  it('ranks a title hit above a subject hit and widely held titles up', async () => {
    const r = await search(s.ctx.database.db, { q: 'biografi OR hatta' });
    expect(r.hits[0]?.title).toBe('Memoir Mohammad Hatta');
    expect(r.hits[0]?.recordCount).toBe(2);
  });

  it('places a record matched among its first candidates with the rest of them when the first is taken', async () => {
    const title = 'Kumpulan Cerpen Uji Urutan';
    const db = s.ctx.database.db;
    // Bung Hatta holds the title five times: X (with the ISBN), three other years, and Z last.
    const held = [
      bib({ sourceId: 'URUT-X', title, year: 2001, isbns: ['9786020000017'] }),
      bib({ sourceId: 'URUT-D1', title, year: 1990 }),
      bib({ sourceId: 'URUT-D2', title, year: 1991 }),
      bib({ sourceId: 'URUT-D3', title, year: 1992 }),
      bib({ sourceId: 'URUT-Z', title, year: 2001 }),
    ];
    await ingestStream(db, await batch('BUNGHATTA'), gen(held.map((b) => rec(b))), matcher);
    // Sawahlunto sends two copies of the 2001 book in one file: the ISBN leads both to X, which takes the first;
    // the second must still find Z, its fifth candidate, not start a cluster of its own.
    const mine = ['URUT-A1', 'URUT-A2'].map((id) => bib({ sourceId: id, title, year: 2001, isbns: ['9786020000017'] }));
    const counts = await ingestStream(db, await batch('SAWAHLUNTO'), gen(mine.map((b) => rec(b))), matcher);
    expect(counts).toMatchObject({ added: 2, matched: 2 });
    expect([await clusterOf('URUT-A1'), await clusterOf('URUT-A2')]).toEqual([
      await clusterOf('URUT-X'),
      await clusterOf('URUT-Z'),
    ]);
    expect(await keysOutOfStep(s)).toEqual([]);
  });

  it('compares with what a record holds now, not a form remembered from before it was re-sent changed', async () => {
    const db = s.ctx.database.db;
    // The title matcher with stored match forms: the ingest keeps revived forms between batches.
    let revived = 0;
    const withForms: typeof matcher = {
      ...matcher,
      form: (b) => ({ t: b.title, y: b.year ?? null }),
      fromForm: (f) => {
        const form = f as { t?: string; y?: number | null } | null;
        if (!form?.t) return undefined;
        revived++;
        return bib({ title: form.t, ...(form.y ? { year: form.y } : {}) });
      },
    };
    const x = bib({ sourceId: 'FORM-X', title: 'Sejarah Kota Padang Lama', year: 1990 });
    await ingestStream(db, await batch('BUNGHATTA'), gen([rec(x)]), withForms);
    // Sawahlunto's copy reads X's form (and remembers it).
    const y = bib({ sourceId: 'FORM-Y', title: x.title, year: 1990 });
    expect(await ingestStream(db, await batch('SAWAHLUNTO'), gen([rec(y)]), withForms)).toMatchObject({ matched: 1 });
    expect(revived).toBeGreaterThan(0);
    // Bung Hatta corrects X into another book; Payakumbuh then sends that book.
    const corrected = bib({ sourceId: 'FORM-X', title: 'Kamus Bahasa Minang Lama', year: 1990 });
    expect(await ingestStream(db, await batch('BUNGHATTA'), gen([rec(corrected)]), withForms)).toMatchObject({
      updated: 1,
    });
    const z = bib({ sourceId: 'FORM-Z', title: corrected.title, year: 1990 });
    expect(await ingestStream(db, await batch('PAYAKUMBUH'), gen([rec(z)]), withForms)).toMatchObject({ matched: 1 });
    expect(await clusterOf('FORM-Z')).toBe(await clusterOf('FORM-X'));
    expect(await clusterOf('FORM-Y')).not.toBe(await clusterOf('FORM-X'));
  });
});
