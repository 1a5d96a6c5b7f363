import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bib, libraryIds, load } from '../../test/catalog-fixtures.ts';
import { type Agent, must, startTestSimpul, type TestSimpul } from '../../test/support.ts';
import { catalogMatcher } from '../catalog/match.ts';
import { addDays, todayIso } from './dates.ts';

let s: TestSimpul;
let coord: Agent; // admin.bunghatta: the coordinating library's administrator
let bhLib: Agent; // a librarian of the coordinating library, not its administrator
let swl: Agent;
let pyk: Agent;
let upertis: Agent;
let school: Agent; // not a member
let roundId: number;
let encClusterId: number;
const today = todayIso();

async function clusterOf(title: string): Promise<number> {
  const r = await s.ctx.database.db
    .selectFrom('clusters')
    .select('id')
    .where('title', '=', title)
    .executeTakeFirstOrThrow();
  return r.id;
}

beforeAll(async () => {
  s = await startTestSimpul();
  [coord, bhLib, swl, pyk, upertis, school] = await Promise.all([
    s.as('admin.bunghatta'),
    s.as('pustakawan.bunghatta'),
    s.as('pustakawan.sawahlunto'),
    s.as('pustakawan.payakumbuh'),
    s.as('pustakawan.upertis'),
    s.as('pustakawan.sdn01bkt'),
  ]);
  const ids = await libraryIds(s);
  // Universitas Perintis already holds the encyclopaedia; nobody holds the Payakumbuh history yet.
  await load(
    s,
    ids.UPERTIS as number,
    [
      bib({
        sourceId: 'up-1',
        title: 'Ensiklopedia Adat Minangkabau',
        authors: ['Navis, A. A.'],
        isbns: ['9789790000018'],
        year: 2019,
        items: [{ barcode: 'UP-0001', status: 'available', loanable: true }],
      }),
    ],
    catalogMatcher,
  );
  encClusterId = await clusterOf('Ensiklopedia Adat Minangkabau');
});
afterAll(async () => s?.stop());

describe('cooperative acquisition', () => {
  it('refuses a round with a deadline in the past or a member from elsewhere, and a librarian opening one', async () => {
    const past = await coord.post('/api/v1/acq-rounds', {
      title: 'x',
      budgetRupiah: 1000,
      deadline: addDays(today, -1),
      memberCodes: [],
    });
    expect(past.status).toBe(400);
    expect(past.body.error.details.fields[0].field).toBe('deadline');
    expect(past.body.error.details.fields[0].message.en).toContain('in the past');
    const unknown = await coord.post('/api/v1/acq-rounds', {
      title: 'x',
      budgetRupiah: 1000,
      deadline: addDays(today, 5),
      memberCodes: ['NOPE'],
    });
    expect(unknown.status).toBe(400);
    const librarian = await bhLib.post('/api/v1/acq-rounds', {
      title: 'x',
      budgetRupiah: 1000,
      deadline: addDays(today, 5),
      memberCodes: [],
    });
    expect(librarian.status).toBe(403);
  });

  it('runs a round from proposal to received copies in the catalog', async () => {
    const created = await coord.post('/api/v1/acq-rounds', {
      title: 'Pengadaan bersama muatan lokal 2027',
      budgetRupiah: 1_000_000,
      deadline: addDays(today, 30),
      expensiveRupiah: 500_000,
      memberCodes: ['SAWAHLUNTO', 'PAYAKUMBUH', 'UPERTIS'],
    });
    expect(created.status).toBe(201);
    roundId = created.body.id;
    expect(created.body).toMatchObject({ phase: 'proposing', remainingRupiah: 1_000_000, canCoordinate: true });
    expect(created.body.members.map((m: any) => m.code).sort()).toEqual([
      'BUNGHATTA',
      'PAYAKUMBUH',
      'SAWAHLUNTO',
      'UPERTIS',
    ]);

    // a title from the catalog that a partner holds, expensive and little used: flagged at once
    const enc = await swl.post(`/api/v1/acq-rounds/${roundId}/proposals`, {
      clusterId: encClusterId,
      priceRupiah: 750_000,
      quantity: 1,
      expectedUse: 'low',
      reason: 'Rujukan adat untuk pemustaka Sawahlunto',
    });
    expect(enc.status).toBe(201);
    expect(enc.body).toMatchObject({
      title: 'Ensiklopedia Adat Minangkabau',
      isbn: '9789790000018',
      partnersHolding: 1,
      keeper: { code: 'SAWAHLUNTO' },
    });
    expect(enc.body.heldBy).toEqual([
      { libraryCode: 'UPERTIS', libraryName: expect.any(String), copies: 1, onLoan: 0 },
    ]);
    expect(enc.body.flags[0].code).toBe('expensive_held');
    expect(enc.body.flags[0].message.id).toContain('750.000');

    // typed in: the ISBN is checked; the same ISBN typed again finds the catalog title
    const bad = await pyk.post(`/api/v1/acq-rounds/${roundId}/proposals`, {
      title: 'Sejarah Kota Payakumbuh',
      isbn: '978-602-0000-00-0',
      priceRupiah: 120_000,
      quantity: 3,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields[0].field).toBe('isbn');
    const hist = await pyk.post(`/api/v1/acq-rounds/${roundId}/proposals`, {
      title: 'Sejarah Kota Payakumbuh',
      authors: 'Chaniago, Afrizal',
      publisher: 'Pemerintah Kota Payakumbuh',
      year: 2026,
      isbn: '978-602-8519-93-9',
      priceRupiah: 120_000,
      quantity: 3,
      expectedUse: 'high',
    });
    expect(hist.status).toBe(201);
    expect(hist.body).toMatchObject({ isbn: '9786028519939', partnersHolding: 0, flags: [], costRupiah: 360_000 });
    const byIsbn = await upertis.post(`/api/v1/acq-rounds/${roundId}/proposals`, {
      title: 'Ensiklopedia Adat',
      isbn: '9789790000018',
      priceRupiah: 700_000,
      quantity: 1,
    });
    expect(byIsbn.status).toBe(409);
    expect(byIsbn.body.error.code).toBe('already_proposed');

    // members vote and comment; a library acts only for itself
    const vote = await upertis.post(`/api/v1/acq-proposals/${hist.body.id}/vote`, { vote: 1 });
    expect(vote.status).toBe(200);
    expect(vote.body.votes).toEqual({ up: 1, down: 0, mine: 1 });
    const againstEnc = await pyk.post(`/api/v1/acq-proposals/${enc.body.id}/vote`, { vote: -1 });
    expect(againstEnc.body.votes).toMatchObject({ up: 0, down: 1 });
    const comment = await upertis.post(`/api/v1/acq-proposals/${enc.body.id}/comments`, {
      body: 'Kami punya satu eksemplar; bisa dipinjam lewat silang layan.',
    });
    expect(comment.status).toBe(201);
    expect(comment.body.comments[0]).toMatchObject({ libraryCode: 'UPERTIS' });
    const forOther = await swl.post(`/api/v1/acq-proposals/${hist.body.id}/vote`, { vote: 1, libraryCode: 'UPERTIS' });
    expect(forOther.status).toBe(403);

    // only the coordinator decides, within the budget
    expect((await bhLib.post(`/api/v1/acq-proposals/${hist.body.id}/decision`, { decision: 'approve' })).status).toBe(
      403,
    );
    expect((await pyk.post(`/api/v1/acq-proposals/${hist.body.id}/decision`, { decision: 'approve' })).status).toBe(
      403,
    );
    const ok = await coord.post(`/api/v1/acq-proposals/${hist.body.id}/decision`, { decision: 'approve' });
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('approved');
    expect(ok.body.copies.map((c: any) => c.status)).toEqual(['approved', 'approved', 'approved']);
    const over = await coord.post(`/api/v1/acq-proposals/${enc.body.id}/decision`, { decision: 'approve' });
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe('over_budget');
    expect(over.body.error.message.id).toContain('640.000');
    expect(over.body.error.message.en).toContain('more than the remaining budget');
    const noReason = await coord.post(`/api/v1/acq-proposals/${enc.body.id}/decision`, { decision: 'reject' });
    expect(noReason.status).toBe(400);
    const rejected = await coord.post(`/api/v1/acq-proposals/${enc.body.id}/decision`, {
      decision: 'reject',
      reason: 'Dipinjam dari Universitas Perintis bila perlu',
    });
    expect(rejected.body.status).toBe('rejected');
    const round = await swl.get(`/api/v1/acq-rounds/${roundId}`);
    expect(round.body).toMatchObject({ approvedRupiah: 360_000, remainingRupiah: 640_000, canCoordinate: false });

    // ordered, then received at Payakumbuh: an item of Payakumbuh in the union catalog
    const [c1, c2, c3] = ok.body.copies.map((c: any) => c.id);
    const early = await pyk.post(`/api/v1/acq-copies/${c1}/receive`, { barcode: 'PYK-ACQ-1' });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('copy_not_ordered');
    expect((await pyk.post(`/api/v1/acq-proposals/${hist.body.id}/order`, {})).status).toBe(403);
    const ordered = await coord.post(`/api/v1/acq-proposals/${hist.body.id}/order`, {
      copyIds: [c1, c2],
      supplier: 'Toko Buku Gramedia Padang',
    });
    expect(ordered.status).toBe(200);
    expect(ordered.body.copies.map((c: any) => c.status)).toEqual(['ordered', 'ordered', 'approved']);
    const notKeeper = await swl.post(`/api/v1/acq-copies/${c1}/receive`, { barcode: 'X-1' });
    expect(notKeeper.status).toBe(403);
    const got = await pyk.post(`/api/v1/acq-copies/${c1}/receive`, { barcode: 'PYK-ACQ-1', callNumber: '959.8 CHA s' });
    expect(got.status).toBe(200);
    expect(got.body.copies[0]).toMatchObject({ status: 'received', barcode: 'PYK-ACQ-1' });
    expect(got.body.clusterId).not.toBeNull();
    const twice = await pyk.post(`/api/v1/acq-copies/${c1}/receive`, { barcode: 'PYK-ACQ-9' });
    expect(twice.body.error.code).toBe('copy_received_already');
    const dupBarcode = await pyk.post(`/api/v1/acq-copies/${c2}/receive`, { barcode: 'PYK-ACQ-1' });
    expect(dupBarcode.status).toBe(409);
    expect(dupBarcode.body.error.code).toBe('duplicate_barcode');
    const second = await pyk.post(`/api/v1/acq-copies/${c2}/receive`, { barcode: 'PYK-ACQ-2' });
    expect(second.status).toBe(200);
    expect((await pyk.post(`/api/v1/acq-copies/${c3}/receive`, { barcode: 'PYK-ACQ-3' })).status).toBe(409);

    const search = await s.anonymous.get('/api/v1/catalog/search?q=Sejarah%20Kota%20Payakumbuh');
    expect(search.status).toBe(200);
    const hit = search.body.hits.find((h: any) => h.title === 'Sejarah Kota Payakumbuh');
    expect(hit.holdings).toEqual([expect.objectContaining({ libraryCode: 'PAYAKUMBUH', copies: 2, available: 2 })]);

    // a catalog title received elsewhere joins its cluster: the encyclopaedia now has two holders
    const enc2 = await upertis.post(`/api/v1/acq-rounds/${roundId}/proposals`, {
      clusterId: encClusterId,
      keeperCode: 'BUNGHATTA',
      priceRupiah: 100_000,
      quantity: 1,
      expectedUse: 'high',
    });
    expect(enc2.status).toBe(201);
    expect(enc2.body.keeper.code).toBe('BUNGHATTA');
    must(await coord.post(`/api/v1/acq-proposals/${enc2.body.id}/decision`, { decision: 'approve' }));
    must(await coord.post(`/api/v1/acq-proposals/${enc2.body.id}/order`, {}));
    const fresh = await coord.get(`/api/v1/acq-proposals/${enc2.body.id}`);
    const rec = await bhLib.post(`/api/v1/acq-copies/${fresh.body.copies[0].id}/receive`, { barcode: 'BH-ACQ-1' });
    expect(rec.status).toBe(200);
    expect(rec.body.clusterId).toBe(encClusterId);
    const encHit = (await s.anonymous.get('/api/v1/catalog/search?q=Ensiklopedia%20Adat')).body.hits[0];
    expect(encHit.holdings.map((h: any) => h.libraryCode).sort()).toEqual(['BUNGHATTA', 'UPERTIS']);

    const figures = await (await s.as('koordinator')).get('/api/v1/program-figures/cooperation');
    expect(figures.body.acquisition).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ libraryCode: 'SAWAHLUNTO', duplicatesAvoided: 1, rupiahAvoided: 750_000 }),
        expect.objectContaining({
          libraryCode: 'PAYAKUMBUH',
          rupiahApproved: 360_000,
          copiesApproved: 3,
          copiesReceived: 2,
        }),
        expect.objectContaining({ libraryCode: 'BUNGHATTA', rupiahApproved: 100_000, copiesReceived: 1 }),
      ]),
    );
    expect(figures.body.rounds).toEqual([
      expect.objectContaining({ roundId, budgetRupiah: 1_000_000, rupiahApproved: 460_000, libraries: 2 }),
    ]);
    const audit = await s.ctx.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity', '=', 'acq_proposal')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['create', 'approve', 'reject', 'order', 'receive']),
    );
  });

  it('keeps proposals to their library and rounds to their members', async () => {
    const hidden = await school.get(`/api/v1/acq-rounds/${roundId}`);
    expect(hidden.status).toBe(404);
    const noPropose = await school.post(`/api/v1/acq-rounds/${roundId}/proposals`, {
      title: 'Buku',
      priceRupiah: 1,
      quantity: 1,
    });
    expect(noPropose.status).toBe(404);
    const forOther = await swl.post(`/api/v1/acq-rounds/${roundId}/proposals`, {
      libraryCode: 'PAYAKUMBUH',
      title: 'Buku lain',
      priceRupiah: 1000,
      quantity: 1,
    });
    expect(forOther.status).toBe(403);
    const keeperOutside = await swl.post(`/api/v1/acq-rounds/${roundId}/proposals`, {
      keeperCode: 'SDN01-BKT',
      title: 'Buku lain',
      priceRupiah: 1000,
      quantity: 1,
    });
    expect(keeperOutside.status).toBe(400);
    const mine = await swl.post(`/api/v1/acq-rounds/${roundId}/proposals`, {
      title: 'Kamus Bahasa Minang',
      priceRupiah: 85_000,
      quantity: 2,
    });
    expect(mine.status).toBe(201);
    expect(mine.body.canEdit).toBe(true);
    const notYours = await pyk.post(`/api/v1/acq-proposals/${mine.body.id}/withdraw`);
    expect(notYours.status).toBe(403);
    expect(notYours.body.error.code).toBe('not_proposer');
    const withdrawn = await swl.post(`/api/v1/acq-proposals/${mine.body.id}/withdraw`);
    expect(withdrawn.body.status).toBe('withdrawn');
    const list = await school.get('/api/v1/acq-rounds');
    expect(list.body.items).toEqual([]);
    const network = await (await s.as('koordinator')).get('/api/v1/acq-rounds');
    expect(network.body.items.map((r: any) => r.id)).toContain(roundId);
  });

  it('stops proposals after the deadline and when the round is closed', async () => {
    await s.ctx.database.db
      .updateTable('acq_rounds')
      .set({ deadline: addDays(today, -1) })
      .where('id', '=', roundId)
      .execute();
    const late = await swl.post(`/api/v1/acq-rounds/${roundId}/proposals`, {
      title: 'Terlambat',
      priceRupiah: 1000,
      quantity: 1,
    });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('deadline_passed');
    expect((await swl.get(`/api/v1/acq-rounds/${roundId}`)).body.phase).toBe('deciding');
    expect((await swl.post(`/api/v1/acq-rounds/${roundId}/close`)).status).toBe(403);
    const closed = await coord.post(`/api/v1/acq-rounds/${roundId}/close`);
    expect(closed.body.phase).toBe('closed');
    const after = await coord.patch(`/api/v1/acq-rounds/${roundId}`, { budgetRupiah: 5_000_000 });
    expect(after.status).toBe(409);
    expect(after.body.error.code).toBe('round_closed');
  });
});
