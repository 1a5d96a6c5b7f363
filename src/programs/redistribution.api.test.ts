import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bib, libraryIds, load } from '../../test/catalog-fixtures.ts';
import { type Agent, startTestSimpul, type TestSimpul } from '../../test/support.ts';
import { addDays, todayIso } from './dates.ts';

let s: TestSimpul;
let bh: Agent; // librarian, Bung Hatta: gives copies away
let sw: Agent; // Sawahlunto holds one of the titles already
let pyk: Agent; // Payakumbuh holds none
let upertis: Agent;
let coord: Agent;
let lib: Record<string, number> = {};
const today = todayIso();

async function item(barcode: string) {
  return s.ctx.database.db
    .selectFrom('items')
    .select(['id', 'library_id', 'status', 'source_record_id', 'cluster_id'])
    .where('barcode', '=', barcode)
    .orderBy('id')
    .executeTakeFirstOrThrow();
}

const lineOf = (list: any, title: string) => list.lineItems.find((l: any) => l.title === title);

beforeAll(async () => {
  s = await startTestSimpul();
  lib = await libraryIds(s);
  [bh, sw, pyk, upertis, coord] = await Promise.all([
    s.as('pustakawan.bunghatta'),
    s.as('pustakawan.sawahlunto'),
    s.as('pustakawan.payakumbuh'),
    s.as('pustakawan.upertis'),
    s.as('koordinator'),
  ]);
  await load(s, lib.BUNGHATTA as number, [
    bib({
      sourceId: 'bh-1',
      title: 'Sejarah Minangkabau',
      authors: ['Rasjid Manggis'],
      year: 1971,
      isbns: ['9789794612345'],
      items: [
        { barcode: 'BH-0001', status: 'available', loanable: true },
        { barcode: 'BH-0002', status: 'available', loanable: true },
      ],
    }),
    bib({
      sourceId: 'bh-2',
      title: 'Tambo Alam Minangkabau',
      authors: ['Datoek Toeah'],
      year: 1956,
      items: [
        { barcode: 'BH-0003', status: 'withdrawn', loanable: false },
        { barcode: 'BH-0004', status: 'on_loan', loanable: true },
      ],
    }),
  ]);
  await load(s, lib.SAWAHLUNTO as number, [
    bib({
      sourceId: 'sw-1',
      title: 'Sejarah Minangkabau',
      year: 1971,
      items: [{ barcode: 'SW-0001', status: 'available', loanable: true }],
    }),
  ]);
});
afterAll(async () => s?.stop());

describe('redistribution of surplus copies', () => {
  let listId: number;
  let dupLine: number;
  let weededLine: number;
  let boxLine: number;

  it('a library lists its duplicates and weeded copies and uncatalogued stock; bad lines are refused', async () => {
    const r = await bh.post('/api/v1/redistribution/lists', {
      title: 'Koleksi ganda dan hasil penyiangan 2026',
      allocationRule: 'no_copy_first',
      claimsUntil: addDays(today, 30),
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'draft', canManage: true, lines: 0 });
    listId = r.body.id;
    const bad = await bh.post(`/api/v1/redistribution/lists/${listId}/lines`, {
      lines: [
        { barcode: 'SW-0001', condition: 'good', reason: 'duplicate' },
        { barcode: 'BH-0004', condition: 'good', reason: 'duplicate' },
        { condition: 'good', reason: 'surplus' },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.map((f: any) => f.field)).toEqual([
      'lines.0.barcode',
      'lines.1.barcode',
      'lines.2.title',
    ]);
    expect(bad.body.error.details.fields[1].message.en).toMatch(/on_loan/);
    const ok = await bh.post(`/api/v1/redistribution/lists/${listId}/lines`, {
      lines: [
        { barcode: 'BH-0002', condition: 'good', reason: 'duplicate' },
        { barcode: 'BH-0003', condition: 'fair', reason: 'weeded', note: 'Sampul lepas' },
        { title: 'Laporan Tahunan Perpustakaan 2019', copies: 3, condition: 'new', reason: 'surplus' },
      ],
    });
    expect(ok.status).toBe(200);
    expect(ok.body.lines).toBe(3);
    expect(ok.body.copies).toBe(5);
    dupLine = lineOf(ok.body, 'Sejarah Minangkabau').id;
    weededLine = lineOf(ok.body, 'Tambo Alam Minangkabau').id;
    boxLine = lineOf(ok.body, 'Laporan Tahunan Perpustakaan 2019').id;
    expect(lineOf(ok.body, 'Sejarah Minangkabau')).toMatchObject({
      barcode: 'BH-0002',
      holders: 2,
      clusterId: expect.any(Number),
    });
    expect(lineOf(ok.body, 'Laporan Tahunan Perpustakaan 2019')).toMatchObject({ clusterId: null, copies: 3 });
    const twice = await bh.post(`/api/v1/redistribution/lists/${listId}/lines`, {
      lines: [{ barcode: 'BH-0002', condition: 'good', reason: 'duplicate' }],
    });
    expect(twice.status).toBe(400);
    expect(twice.body.error.details.fields[0].message.en).toMatch(/another list/);
  });

  it('a draft is private to its library; others cannot change or claim it', async () => {
    expect((await sw.get(`/api/v1/redistribution/lists/${listId}`)).status).toBe(404);
    expect((await sw.post(`/api/v1/redistribution/lines/${dupLine}/claims`, {})).status).toBe(404);
    expect((await sw.get('/api/v1/redistribution/lists')).body.items.some((l: any) => l.id === listId)).toBe(false);
    expect((await coord.get(`/api/v1/redistribution/lists/${listId}`)).status).toBe(200);
    expect((await sw.post(`/api/v1/redistribution/lists/${listId}/publish`)).status).toBe(404);
  });

  it('published: others see the lines, marked where they hold no copy', async () => {
    const p = await bh.post(`/api/v1/redistribution/lists/${listId}/publish`);
    expect(p.body.status).toBe('published');
    expect((await bh.post(`/api/v1/redistribution/lists/${listId}/publish`)).body.error.code).toBe('list_state');
    const forSw = (await sw.get(`/api/v1/redistribution/lists/${listId}`)).body;
    expect(lineOf(forSw, 'Sejarah Minangkabau')).toMatchObject({ newForYou: false, canClaim: true, claims: [] });
    expect(lineOf(forSw, 'Tambo Alam Minangkabau').newForYou).toBe(true);
    expect(forSw.canManage).toBe(false);
    const forPyk = (await pyk.get(`/api/v1/redistribution/lists/${listId}`)).body;
    expect(lineOf(forPyk, 'Sejarah Minangkabau').newForYou).toBe(true);
    const filtered = await sw.get('/api/v1/redistribution/lists?q=tambo&newForMe=true');
    expect(filtered.body.items.map((l: any) => l.id)).toEqual([listId]);
    expect((await sw.patch(`/api/v1/redistribution/lists/${listId}`, { title: 'x' })).status).toBe(403);
  });

  it('claims: own offers and double claims are refused', async () => {
    const own = await bh.post(`/api/v1/redistribution/lines/${dupLine}/claims`, {});
    expect(own.status).toBe(409);
    expect(own.body.error.code).toBe('claim_own_offer');
    expect((await sw.post(`/api/v1/redistribution/lines/${dupLine}/claims`, { note: 'Untuk cabang' })).status).toBe(
      201,
    );
    const again = await sw.post(`/api/v1/redistribution/lines/${dupLine}/claims`, {});
    expect(again.body.error.code).toBe('already_claimed');
    expect((await pyk.post(`/api/v1/redistribution/lines/${dupLine}/claims`, {})).status).toBe(201);
    const other = await sw.post(`/api/v1/redistribution/lines/${dupLine}/claims`, { library: 'PAYAKUMBUH' });
    expect(other.status).toBe(403);
    const mine = await sw.get('/api/v1/redistribution/claims?direction=made');
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.items[0]).toMatchObject({ holdsTitle: true, isClaimant: true, isOfferer: false });
    const incoming = await bh.get('/api/v1/redistribution/claims?direction=received');
    expect(incoming.body.total).toBe(2);
  });

  it('allocation by priority: the library holding no copy goes first; the line is then taken', async () => {
    expect((await pyk.post(`/api/v1/redistribution/lists/${listId}/allocate`, {})).status).toBe(403);
    const a = await bh.post(`/api/v1/redistribution/lists/${listId}/allocate`, {});
    expect(a.status).toBe(200);
    const line = lineOf(a.body, 'Sejarah Minangkabau');
    expect(line.copiesLeft).toBe(0);
    const byLib = Object.fromEntries(line.claims.map((c: any) => [c.library.code, c]));
    expect(byLib.PAYAKUMBUH).toMatchObject({ status: 'allocated', copiesAllocated: 1, holdsTitle: false });
    expect(byLib.SAWAHLUNTO).toMatchObject({ status: 'not_allocated', holdsTitle: true });
    const late = await upertis.post(`/api/v1/redistribution/lines/${dupLine}/claims`, {});
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('line_allocated');
    expect(late.body.error.message.id).toMatch(/Sejarah Minangkabau/);
  });

  it('shipping only what was allocated, by the offering library', async () => {
    const claims = (await bh.get('/api/v1/redistribution/claims?direction=received')).body.items;
    const swClaim = claims.find((c: any) => c.library.code === 'SAWAHLUNTO');
    const pykClaim = claims.find((c: any) => c.library.code === 'PAYAKUMBUH');
    const notAllocated = await bh.post(`/api/v1/redistribution/claims/${swClaim.id}/ship`, {});
    expect(notAllocated.status).toBe(409);
    expect(notAllocated.body.error.code).toBe('claim_not_allocated');
    expect((await pyk.post(`/api/v1/redistribution/claims/${pykClaim.id}/ship`, {})).status).toBe(403);
    expect((await pyk.post(`/api/v1/redistribution/claims/${pykClaim.id}/receive`, {})).body.error.code).toBe(
      'illegal_transition',
    );
    const shipped = await bh.post(`/api/v1/redistribution/claims/${pykClaim.id}/ship`, { on: today });
    expect(shipped.body.status).toBe('shipped');
    expect((await item('BH-0002')).status).toBe('in_transit');
    expect((await sw.post(`/api/v1/redistribution/claims/${pykClaim.id}/receive`, {})).status).toBe(404);
    expect((await bh.post(`/api/v1/redistribution/claims/${pykClaim.id}/receive`, {})).status).toBe(403);
  });

  it('on receipt the holdings move to the receiver and catalog search shows them there at once', async () => {
    const before = await s.anonymous.get('/api/v1/catalog/search?q=%22sejarah%20minangkabau%22&library=PAYAKUMBUH');
    expect(before.body.total).toBe(0);
    const claim = (await pyk.get('/api/v1/redistribution/claims?direction=made')).body.items[0];
    const r = await pyk.post(`/api/v1/redistribution/claims/${claim.id}/receive`, { on: today });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'received', receivedOn: today });
    const moved = await item('BH-0002');
    expect(moved).toMatchObject({ library_id: lib.PAYAKUMBUH, status: 'available' });
    const after = await s.anonymous.get('/api/v1/catalog/search?q=%22sejarah%20minangkabau%22&library=PAYAKUMBUH');
    expect(after.body.total).toBe(1);
    const holdings = Object.fromEntries(after.body.hits[0].holdings.map((h: any) => [h.libraryCode, h]));
    expect(holdings.PAYAKUMBUH).toMatchObject({ copies: 1, available: 1 });
    expect(holdings.BUNGHATTA).toMatchObject({ copies: 1 });
    expect(holdings.SAWAHLUNTO).toMatchObject({ copies: 1 });
    expect(after.body.facets.library.map((f: any) => f.value)).toContain('PAYAKUMBUH');
    expect(after.body.hits[0].holdingsCount).toBe(3);
    // one cluster still: the receiver's record joined the giver's title
    const clusters = await s.ctx.database.db
      .selectFrom('source_records')
      .select('cluster_id')
      .where('cluster_id', '=', moved.cluster_id)
      .execute();
    expect(clusters).toHaveLength(3);
    const log = await s.ctx.database.db
      .selectFrom('audit_log')
      .select(['action', 'library_id'])
      .where('entity', '=', 'redistribution_claim')
      .where('entity_id', '=', String(claim.id))
      .orderBy('id')
      .execute();
    // allocation by the list's rule is audited on the list; the claim's own steps here
    expect(log.map((l) => l.action)).toEqual(['claim', 'ship', 'receive']);
    expect(log.at(-1)?.library_id).toBe(lib.PAYAKUMBUH);
  });

  it('typed-in stock is shared first come, partly, and its claims can be allocated by hand', async () => {
    expect((await pyk.post(`/api/v1/redistribution/lines/${boxLine}/claims`, { copies: 2 })).status).toBe(201);
    expect((await sw.post(`/api/v1/redistribution/lines/${boxLine}/claims`, { copies: 2 })).status).toBe(201);
    const a = await bh.post(`/api/v1/redistribution/lists/${listId}/allocate`, { rule: 'first_come' });
    const line = lineOf(a.body, 'Laporan Tahunan Perpustakaan 2019');
    expect(line.claims.map((c: any) => [c.library.code, c.status, c.copiesAllocated])).toEqual([
      ['PAYAKUMBUH', 'allocated', 2],
      ['SAWAHLUNTO', 'allocated', 1],
    ]);
    expect(line.copiesLeft).toBe(0);
    const up = await upertis.post(`/api/v1/redistribution/lines/${weededLine}/claims`, {});
    expect(up.status).toBe(201);
    const upClaim = lineOf(up.body, 'Tambo Alam Minangkabau').yourClaim;
    const tooMany = await bh.post(`/api/v1/redistribution/claims/${upClaim.id}/allocate`, { copies: 2 });
    expect(tooMany.body.error.code).toBe('allocation_exceeds');
    const hand = await bh.post(`/api/v1/redistribution/claims/${upClaim.id}/allocate`, {});
    expect(hand.body).toMatchObject({ status: 'allocated', copiesAllocated: 1 });
    const w = await upertis.post(`/api/v1/redistribution/claims/${upClaim.id}/withdraw`);
    expect(w.body.status).toBe('withdrawn');
    const again = await bh.get(`/api/v1/redistribution/lists/${listId}`);
    expect(lineOf(again.body, 'Tambo Alam Minangkabau').copiesLeft).toBe(1);
  });

  it('figures: copies given and received per library; a librarian sees only her own', async () => {
    const all = await coord.get(`/api/v1/redistribution/figures?from=${today}&to=${today}`);
    expect(all.status).toBe(200);
    const by = Object.fromEntries(all.body.rows.map((r: any) => [r.library.code, r]));
    expect(by.BUNGHATTA).toMatchObject({ listsPublished: 1, copiesOffered: 5, copiesGiven: 1, partnersServed: 1 });
    expect(by.PAYAKUMBUH).toMatchObject({ copiesReceived: 1, newTitlesReceived: 1, claimsMade: 2 });
    const mine = await sw.get('/api/v1/redistribution/figures');
    expect(mine.body.rows.map((r: any) => r.library.code)).toEqual(['SAWAHLUNTO']);
    expect((await sw.get('/api/v1/redistribution/figures?library=BUNGHATTA')).status).toBe(403);
  });

  it('closing the list lapses what was never allocated; a closed list takes no claims', async () => {
    const c = await bh.post(`/api/v1/redistribution/lists/${listId}/close`);
    expect(c.body.status).toBe('closed');
    const late = await pyk.post(`/api/v1/redistribution/lines/${weededLine}/claims`, {});
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('list_not_published');
  });
});
