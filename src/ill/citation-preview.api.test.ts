import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { libraryId, patronId, signIn, titleHeldBy } from '../../test/ill-support.ts';
import { type Agent, startTestSimpul, type TestSimpul } from '../../test/support.ts';

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

  it('finds no record for a title and author without an ISBN: no lenders, and the saved request has none either', async () => {
    // the catalog holds this title at two partners, but a typed citation is matched by ISBN only
    await titleHeldBy(s, 'Sitti Nurbaya', { SAWAHLUNTO: 1, PAYAKUMBUH: 1 });
    const citation = { title: 'Sitti Nurbaya', author: 'Marah Rusli', year: '1922' };
    const p = await bh.post('/api/v1/ill/requests/preview', { citation });
    expect(p.status).toBe(200);
    expect(p.body.match).toBeNull();
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
