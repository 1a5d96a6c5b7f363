import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bib, load } from '../../test/catalog-fixtures.ts';
import { libraryId, patronId, signIn, titleHeldBy } from '../../test/ill-support.ts';
import { type Agent, startTestSimpul, type TestSimpul } from '../../test/support.ts';
import { catalogMatcher } from '../catalog/match.ts';
import type { Bib } from '../catalog/types.ts';

let s: TestSimpul;
let bh: Agent;
let swl: Agent;
let coord: Agent;
let fadli: number;

beforeAll(async () => {
  s = await startTestSimpul();
  ({ bh, swl, coord } = await signIn(s, 'bh', 'swl', 'coord'));
  fadli = await patronId(s, 'BH-2024-0001');
});
afterAll(async () => s?.stop());

/** A title held at several libraries whose catalog record carries an ISBN (as an ingested record's would). */
async function titleWithIsbn(title: string, isbn13: string, holders: Record<string, number>): Promise<number> {
  const { clusterId } = await titleHeldBy(s, title, holders);
  await s.ctx.database.db
    .updateTable('clusters')
    .set({ isbns: [isbn13] })
    .where('id', '=', clusterId)
    .execute();
  return clusterId;
}

let records = 0;
/**
 * One library's catalog record of a title with available copies, ingested through the real store and
 * matcher (so it has match keys, and joins another library's record of the same book): its cluster.
 */
async function catalogued(code: string, over: Partial<Bib>, copies = 1): Promise<number> {
  const lib = await libraryId(s, code);
  const n = ++records;
  const items = Array.from({ length: copies }, (_, i) => ({
    barcode: `${code}-C${n}-${i}`,
    callNumber: '899.221',
    status: 'available' as const,
    loanable: true,
  }));
  const counts = await load(s, lib, [bib({ sourceId: `cit-${n}`, ...over, items })], catalogMatcher);
  expect(counts.rejected).toBe(0);
  const row = await s.ctx.database.db
    .selectFrom('source_records')
    .select('cluster_id')
    .where('library_id', '=', lib)
    .where('record_key', '=', `id:cit-${n}`)
    .executeTakeFirstOrThrow();
  if (row.cluster_id === null) throw new Error('record without cluster');
  return Number(row.cluster_id);
}

/** Row counts of every table of the database: what a call that must change nothing leaves as it found. */
async function tableCounts(): Promise<Record<string, number>> {
  const db = s.ctx.database.db;
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db);
  const out: Record<string, number> = {};
  for (const { name } of tables.rows) {
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(name)}`.execute(db);
    out[name] = Number(r.rows[0]?.n);
  }
  return out;
}

interface Ranked {
  libraryCode: string;
  score: number;
  reasons: Array<{ id: string; en: string }>;
}
interface Saved {
  library: { code: string };
  score: number | null;
  reasons: Array<{ id: string; en: string }>;
  addedBy: string;
}
const previewed = (rota: Ranked[]) => rota.map((r) => ({ code: r.libraryCode, score: r.score, reasons: r.reasons }));
const saved = (rota: Saved[]) => rota.map((r) => ({ code: r.library.code, score: r.score, reasons: r.reasons }));

describe('the rota preview of a typed citation', () => {
  it('matches the catalog record by ISBN and shows the rota that saving the request then stores', async () => {
    const clusterId = await titleWithIsbn('Tenggelamnya Kapal van der Wijck', '9789793062792', {
      BUNGHATTA: 1,
      SAWAHLUNTO: 2,
      PAYAKUMBUH: 1,
      'SDN01-BKT': 1,
    });
    // typed as an ISBN-10 with hyphens: the same key as the record's ISBN-13
    const citation = { title: 'Tenggelamnya kapal', author: 'Hamka', isbn: ' 979-3062-79-7 ' };
    const p = await bh.post('/api/v1/ill/requests/preview', { citation });
    expect(p.status).toBe(200);
    expect(p.body.match).toMatchObject({ clusterId, title: 'Tenggelamnya Kapal van der Wijck', by: 'isbn' });
    const rota = p.body.proposal.rota as Ranked[];
    expect(rota.map((r) => r.libraryCode).sort()).toEqual(['PAYAKUMBUH', 'SAWAHLUNTO']);
    const sawahlunto = rota.find((r) => r.libraryCode === 'SAWAHLUNTO');
    expect(sawahlunto?.reasons.map((x) => x.en)).toContain('2 copies available');
    expect(p.body.proposal.skipped).toEqual([
      expect.objectContaining({ libraryCode: 'SDN01-BKT', code: 'no_ill_lending' }),
    ]);
    expect(p.body.proposal.warnings.map((w: { code: string }) => w.code)).toEqual(['local_copy_available']);
    expect(p.body.proposal.localAvailableCopies).toBe(1);

    const c = await bh.post('/api/v1/ill/requests', { patronId: fadli, citation, serviceType: 'Loan' });
    expect(c.status).toBe(201);
    expect(c.body.clusterId).toBe(clusterId);
    expect(saved(c.body.rota)).toEqual(previewed(rota));
    expect(c.body.rota.every((r: Saved) => r.addedBy === 'auto')).toBe(true);
    expect(c.body.warnings).toEqual(p.body.proposal.warnings);
  });

  it('changes nothing in the database', async () => {
    await titleWithIsbn('Di Bawah Lindungan Ka’bah', '9780306406157', { SAWAHLUNTO: 1, PAYAKUMBUH: 1 });
    const before = await tableCounts();
    const audit = await s.ctx.database.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.max('id').as('last'))
      .executeTakeFirstOrThrow();
    for (const citation of [
      { title: 'Di Bawah Lindungan Ka’bah', isbn: '0-306-40615-2' },
      { title: 'Di Bawah Lindungan Ka’bah', author: 'Hamka' },
      { isbn: '978-0-306-40615-7' },
    ]) {
      const p = await bh.post('/api/v1/ill/requests/preview', { citation });
      expect(p.status).toBe(200);
    }
    expect(await tableCounts()).toEqual(before);
    const after = await s.ctx.database.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.max('id').as('last'))
      .executeTakeFirstOrThrow();
    expect(after.last).toEqual(audit.last);
  });

  it('finds no record for a title with another author: no lenders, and the saved request has none either', async () => {
    // the catalog holds this title at two partners, by Marah Rusli; typed with another author it is another book
    const clusterId = await catalogued('SAWAHLUNTO', { title: 'Sitti Nurbaya', authors: ['Rusli, Marah'], year: 1922 });
    expect(await catalogued('PAYAKUMBUH', { title: 'Sitti Nurbaya', authors: ['Marah Rusli'], year: 1922 })).toBe(
      clusterId,
    );
    const right = await bh.post('/api/v1/ill/requests/preview', {
      citation: { title: 'Sitti Nurbaya', author: 'Marah Rusli', year: '1922' },
    });
    expect(right.body.match).toMatchObject({ clusterId, by: 'title_author' });
    const citation = { title: 'Sitti Nurbaya', author: 'Abdul Muis', year: '1922' };
    const p = await bh.post('/api/v1/ill/requests/preview', { citation });
    expect(p.status).toBe(200);
    expect(p.body.match).toBeNull();
    expect(p.body.ambiguous).toEqual([]);
    expect(p.body.proposal.rota).toEqual([]);
    expect(p.body.proposal.skipped).toEqual([]);
    expect(p.body.proposal.warnings.map((w: { code: string }) => w.code)).toEqual(['no_lender']);

    // saved now, it has no lenders and the same warning; saved and sent, it is refused and nothing is kept
    const before = await tableCounts();
    const sent = await bh.post('/api/v1/ill/requests', { patronId: fadli, citation, serviceType: 'Loan', send: true });
    expect(sent.status).toBe(409);
    expect(sent.body.error.code).toBe('no_lender');
    expect(await tableCounts()).toEqual(before);
    const c = await bh.post('/api/v1/ill/requests', { patronId: fadli, citation, serviceType: 'Loan' });
    expect(c.status).toBe(201);
    expect(c.body.clusterId).toBeNull();
    expect(c.body.state).toBe('Validated');
    expect(c.body.rota).toEqual([]);
    expect(c.body.warnings).toEqual(p.body.proposal.warnings);
  });

  it('matches a serial by its ISSN', async () => {
    const clusterId = await catalogued('SAWAHLUNTO', {
      title: 'Jurnal Sejarah Minangkabau',
      format: 'serial',
      issns: ['2089-3590'],
    });
    // typed with another title form and the ISSN without its hyphen: the ISSN decides
    const citation = { title: 'J. Sej. Minangkabau', issn: 'ISSN 20893590', articleTitle: 'Rantau', pages: '1-12' };
    const p = await bh.post('/api/v1/ill/requests/preview', { citation });
    expect(p.status).toBe(200);
    expect(p.body.match).toMatchObject({ clusterId, title: 'Jurnal Sejarah Minangkabau', by: 'issn' });
    expect((p.body.proposal.rota as Ranked[]).map((r) => r.libraryCode)).toEqual(['SAWAHLUNTO']);
    const c = await bh.post('/api/v1/ill/requests', { patronId: fadli, citation, serviceType: 'Copy' });
    expect(c.status).toBe(201);
    expect(c.body.clusterId).toBe(clusterId);
    expect(saved(c.body.rota)).toEqual(previewed(p.body.proposal.rota));
  });

  it('matches title and author as the catalog matcher would, old spelling and punctuation aside, and saving files the request there', async () => {
    const clusterId = await catalogued(
      'SAWAHLUNTO',
      { title: 'Di bawah bendera revolusi', authors: ['Sukarno'], year: 1963, publisher: 'Panitya Penerbit' },
      2,
    );
    expect(
      await catalogued('PAYAKUMBUH', { title: 'Di Bawah Bendera Revolusi', authors: ['Sukarno'], year: 1963 }),
    ).toBe(clusterId);
    // another book of his, and another book of the same title, are not this one
    const other = await catalogued('PAYAKUMBUH', { title: 'Sarinah', authors: ['Sukarno'], year: 1963 });
    expect(other).not.toBe(clusterId);

    for (const citation of [
      { title: 'DI BAWAH BENDERA-REVOLUSI!', author: 'Soekarno', year: '1963' },
      { title: 'di bawah bendera revolusi', author: 'Ir. Soekarno' },
    ]) {
      const p = await bh.post('/api/v1/ill/requests/preview', { citation });
      expect(p.status).toBe(200);
      expect(p.body.match).toMatchObject({ clusterId, title: 'Di bawah bendera revolusi', by: 'title_author' });
      expect(p.body.ambiguous).toEqual([]);
      const rota = p.body.proposal.rota as Ranked[];
      expect(rota.map((r) => r.libraryCode)).toEqual(['SAWAHLUNTO', 'PAYAKUMBUH']);

      // saved, the request is filed under the same record with the lenders the preview listed
      const c = await bh.post('/api/v1/ill/requests', { patronId: fadli, citation, serviceType: 'Loan' });
      expect(c.status).toBe(201);
      expect(c.body.clusterId).toBe(clusterId);
      expect(saved(c.body.rota)).toEqual(previewed(rota));
      expect(c.body.rota.every((r: Saved) => r.addedBy === 'auto')).toBe(true);
    }

    // the wrong year, the wrong edition or the wrong author is another book: no match, no lenders
    for (const citation of [
      { title: 'Di bawah bendera revolusi', author: 'Soekarno', year: '1965' },
      { title: 'Di bawah bendera revolusi', author: 'Soekarno', year: '1963', edition: 'Cet. 1, ed. ke-2' },
      { title: 'Di bawah bendera revolusi', author: 'Hatta, Mohammad', year: '1963' },
    ]) {
      const p = await bh.post('/api/v1/ill/requests/preview', { citation });
      expect(p.body.match, JSON.stringify(citation)).toBeNull();
      expect(p.body.proposal.rota).toEqual([]);
    }
  });

  it('does not match a title alone, however common', async () => {
    await catalogued('SAWAHLUNTO', { title: 'Pengantar Ekonomi Mikro', authors: ['Sukirno, Sadono'], year: 2002 });
    await catalogued('PAYAKUMBUH', { title: 'Pengantar Ekonomi Mikro', authors: ['Sukirno, Sadono'], year: 2002 });
    for (const citation of [{ title: 'Pengantar ekonomi mikro' }, { title: 'Pengantar ekonomi mikro', year: '2002' }]) {
      const p = await bh.post('/api/v1/ill/requests/preview', { citation });
      expect(p.status).toBe(200);
      expect(p.body.match).toBeNull();
      expect(p.body.ambiguous).toEqual([]);
      expect(p.body.proposal.rota).toEqual([]);
      const c = await bh.post('/api/v1/ill/requests', { patronId: fadli, citation, serviceType: 'Loan' });
      expect(c.body.clusterId).toBeNull();
      expect(c.body.rota).toEqual([]);
    }
  });

  it('does not guess between two records the citation matches equally: it lists them, and saving files it under none', async () => {
    const older = await catalogued('SAWAHLUNTO', {
      title: 'Sejarah Indonesia Modern',
      authors: ['Ricklefs, M. C.'],
      year: 1991,
    });
    const newer = await catalogued('PAYAKUMBUH', {
      title: 'Sejarah Indonesia Modern',
      authors: ['Ricklefs, M. C.'],
      year: 2008,
    });
    expect(newer).not.toBe(older);
    const citation = { title: 'Sejarah Indonesia modern', author: 'M.C. Ricklefs' };
    const p = await bh.post('/api/v1/ill/requests/preview', { citation });
    expect(p.status).toBe(200);
    expect(p.body.match).toBeNull();
    expect(p.body.ambiguous.map((c: { clusterId: number }) => c.clusterId).sort()).toEqual([older, newer].sort());
    expect(p.body.ambiguous.map((c: { year: number }) => c.year).sort()).toEqual([1991, 2008]);
    expect(p.body.proposal.rota).toEqual([]);
    const c = await bh.post('/api/v1/ill/requests', { patronId: fadli, citation, serviceType: 'Loan' });
    expect(c.body.clusterId).toBeNull();
    expect(c.body.rota).toEqual([]);

    // the year typed tells them apart
    const dated = await bh.post('/api/v1/ill/requests/preview', { citation: { ...citation, year: '2008' } });
    expect(dated.body.match).toMatchObject({ clusterId: newer, year: 2008, by: 'title_author' });
    expect((dated.body.proposal.rota as Ranked[]).map((r) => r.libraryCode)).toEqual(['PAYAKUMBUH']);
  });

  it('goes on to title and author when the typed ISBN is in no record, and a record with another ISBN is another book', async () => {
    const without = await catalogued('SAWAHLUNTO', {
      title: 'Robohnya Surau Kami',
      authors: ['Navis, A. A.'],
      year: 1986,
    });
    const citation = { title: 'Robohnya surau kami', author: 'A.A. Navis', year: '1986', isbn: '978-979-22-0000-3' };
    const p = await bh.post('/api/v1/ill/requests/preview', { citation });
    expect(p.body.match).toMatchObject({ clusterId: without, by: 'title_author' });
    const c = await bh.post('/api/v1/ill/requests', { patronId: fadli, citation, serviceType: 'Loan' });
    expect(c.body.clusterId).toBe(without);
    expect(saved(c.body.rota)).toEqual(previewed(p.body.proposal.rota));
    expect(saved(c.body.rota).map((r) => r.code)).toEqual(['SAWAHLUNTO']);

    const kemarau = await catalogued('PAYAKUMBUH', {
      title: 'Kemarau',
      authors: ['Navis, A. A.'],
      year: 1992,
      isbns: ['9789794036310'],
    });
    const other = await bh.post('/api/v1/ill/requests/preview', {
      citation: { title: 'Kemarau', author: 'A.A. Navis', year: '1992', isbn: '978-979-22-0000-3' },
    });
    expect(other.body.match).toBeNull();
    expect(other.body.ambiguous).toEqual([]);
    // without the wrong ISBN, title, author and year find it
    const right = await bh.post('/api/v1/ill/requests/preview', {
      citation: { title: 'Kemarau', author: 'A.A. Navis', year: '1992' },
    });
    expect(right.body.match).toMatchObject({ clusterId: kemarau, by: 'title_author' });
  });

  it('finds no record for an ISBN the catalog does not hold', async () => {
    const citation = { title: 'Buku yang tidak ada', isbn: '978-602-0000-00-0' };
    const p = await bh.post('/api/v1/ill/requests/preview', { citation });
    expect(p.status).toBe(200);
    expect(p.body.match).toBeNull();
    expect(p.body.proposal.rota).toEqual([]);
    const c = await bh.post('/api/v1/ill/requests', { patronId: fadli, citation, serviceType: 'Loan' });
    expect(c.body.clusterId).toBeNull();
    expect(c.body.rota).toEqual([]);
  });

  it('previews for the staff’s own library only, coordinators included', async () => {
    await titleWithIsbn('Salah Pilih', '9789799731241', { BUNGHATTA: 1, PAYAKUMBUH: 1 });
    const citation = { title: 'Salah Pilih', isbn: '9789799731241' };
    const [bhId, swlId] = await Promise.all([libraryId(s, 'BUNGHATTA'), libraryId(s, 'SAWAHLUNTO')]);
    const own = await swl.post('/api/v1/ill/requests/preview', { citation, library: swlId });
    expect(own.status).toBe(200);
    // Sawahlunto borrowing: Bung Hatta's copy is a lender now, and no local copy
    expect(own.body.proposal.rota.map((r: Ranked) => r.libraryCode).sort()).toEqual(['BUNGHATTA', 'PAYAKUMBUH']);
    expect(own.body.proposal.localAvailableCopies).toBe(0);
    for (const [agent, library] of [
      [swl, bhId],
      [bh, swlId],
      [coord, swlId],
    ] as const) {
      const r = await agent.post('/api/v1/ill/requests/preview', { citation, library });
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('not_borrower_staff');
    }
    expect((await s.anonymous.post('/api/v1/ill/requests/preview', { citation })).status).toBe(401);
    const patron = await s.asPatron('BUNGHATTA', 'BH-2024-0001');
    expect((await patron.post('/api/v1/ill/requests/preview', { citation })).status).toBe(401);
  });
});
