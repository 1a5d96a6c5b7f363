import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, startTestSimpul, type TestSimpul } from '../../test/support.ts';
import { systemActor } from '../platform/actor.ts';
import { addDays, addMonths, todayIso } from './dates.ts';
import { exchangeCalendarEntries } from './exchange.ts';

let s: TestSimpul;
let bh: Agent; // librarian, Payakumbuh (1:1 partner of Sawahlunto under a test agreement; the demo's Bung Hatta pair has data of its own)
let sw: Agent; // librarian, Sawahlunto
let uin: Agent; // librarian, UIN Mahmud Yunus
let upertis: Agent;
let coord: Agent;
const today = todayIso();
const year = Number(today.slice(0, 4));

async function offer(a: Agent, body: Record<string, unknown>) {
  const r = await a.post('/api/v1/exchange/offers', { copiesAvailable: 5, ...body });
  expect(r.status).toBe(201);
  return r.body;
}

async function act(a: Agent, id: number, action: string, body: Record<string, unknown> = {}) {
  return a.post(`/api/v1/exchange/requests/${id}/${action}`, body);
}

beforeAll(async () => {
  s = await startTestSimpul();
  [bh, sw, uin, upertis, coord] = await Promise.all([
    s.as('pustakawan.payakumbuh'),
    s.as('pustakawan.sawahlunto'),
    s.as('pustakawan.uinmy'),
    s.as('pustakawan.upertis'),
    s.as('koordinator'),
  ]);
  const pykAdmin = await s.as('admin.payakumbuh');
  const one = await pykAdmin.post('/api/v1/agreements', {
    title: 'Pertukaran terbitan daerah Payakumbuh dan Sawahlunto (uji)',
    kind: 'pks',
    programs: ['exchange'],
    startsOn: addDays(today, -10),
    endsOn: addDays(today, 700),
    parties: [
      { libraryCode: 'PAYAKUMBUH', role: 'first_party', terms: { exchangeRatio: '1:1' } },
      { libraryCode: 'SAWAHLUNTO', role: 'second_party', terms: { exchangeRatio: '1:1' } },
    ],
  });
  expect(one.status).toBe(201);
  expect((await pykAdmin.post(`/api/v1/agreements/${one.body.id}/activate`)).status).toBe(200);
  // UPERTIS gives three titles for every one it receives from UIN.
  const admin = await s.as('admin.upertis');
  const ag = await admin.post('/api/v1/agreements', {
    title: 'Pertukaran terbitan UPERTIS dan UIN Mahmud Yunus (uji)',
    kind: 'pks',
    programs: ['exchange'],
    startsOn: addDays(today, -10),
    endsOn: addDays(today, 700),
    parties: [
      { libraryCode: 'UPERTIS', role: 'first_party', terms: { exchangeRatio: '3:1' } },
      { libraryCode: 'UINMY', role: 'second_party' },
    ],
  });
  expect(ag.status).toBe(201);
  expect((await admin.post(`/api/v1/agreements/${ag.body.id}/activate`)).status).toBe(200);
});
afterAll(async () => s?.stop());

describe('exchange of publications', () => {
  let offerId: number;
  let requestId: number;

  it('lists a library’s own publications and shows partners what they may request', async () => {
    const o = await offer(sw, {
      title: 'Laporan Tahunan Kota Sawahlunto',
      year,
      frequency: 'yearly',
      note: 'Terbitan Pemerintah Kota, tidak dijual',
    });
    offerId = o.id;
    expect(o).toMatchObject({
      library: { code: 'SAWAHLUNTO' },
      copiesAvailable: 5,
      canManage: true,
      canRequest: false,
    });
    const list = await bh.get('/api/v1/exchange/offers?q=sawahlunto');
    expect(list.status).toBe(200);
    const seen = list.body.items.find((x: any) => x.id === offerId);
    expect(seen).toMatchObject({ isPartner: true, canRequest: true, canManage: false });
    const partners = await uin.get('/api/v1/exchange/offers?partners=true');
    expect(partners.body.items.some((x: any) => x.id === offerId)).toBe(false);
    expect((await bh.get(`/api/v1/exchange/offers?library=PAYAKUMBUH`)).body.items).toEqual([]);
  });

  it('only the offering library changes its offer', async () => {
    const r = await bh.patch(`/api/v1/exchange/offers/${offerId}`, { copiesAvailable: 50 });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('forbidden_other_library');
    expect((await s.anonymous.get('/api/v1/exchange/offers')).status).toBe(401);
  });

  it('a partner requests; duplicates, own titles, non-partners and too many copies are refused', async () => {
    const r = await bh.post('/api/v1/exchange/requests', { offerId, copies: 2 });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      status: 'requested',
      period: year,
      yearly: true,
      supplier: { code: 'SAWAHLUNTO' },
      requester: { code: 'PAYAKUMBUH' },
      actions: ['cancel'],
    });
    requestId = r.body.id;
    const again = await bh.post('/api/v1/exchange/requests', { offerId });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_requested');
    const own = await sw.post('/api/v1/exchange/requests', { offerId });
    expect(own.status).toBe(409);
    expect(own.body.error.code).toBe('own_offer');
    expect(own.body.error.message.en).toMatch(/own/);
    const stranger = await uin.post('/api/v1/exchange/requests', { offerId });
    expect(stranger.status).toBe(409);
    expect(stranger.body.error.code).toBe('no_exchange_agreement');
    expect(stranger.body.error.message.id).toMatch(/Sawahlunto/);
    const many = await bh.post('/api/v1/exchange/requests', { offerId, copies: 9, period: year - 1 });
    expect(many.status).toBe(409);
    expect(many.body.error.code).toBe('not_enough_copies');
  });

  it('outsiders do not see the request; the requester cannot agree to it herself', async () => {
    expect((await uin.get(`/api/v1/exchange/requests/${requestId}`)).status).toBe(404);
    expect((await act(uin, requestId, 'agree')).status).toBe(404);
    const self = await act(bh, requestId, 'agree');
    expect(self.status).toBe(403);
    expect(self.body.error.message.en).toMatch(/publishing library/);
    const early = await act(sw, requestId, 'ship');
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('illegal_transition');
    expect(early.body.error.details.allowedFrom).toEqual(['agreed']);
    expect((await sw.get(`/api/v1/exchange/requests/${requestId}`)).body.actions).toEqual([
      'agree',
      'decline',
      'cancel',
    ]);
  });

  it('agreed (copies set aside), shipped, received — each step audited', async () => {
    const due = addDays(today, 14);
    const a = await act(sw, requestId, 'agree', { dueOn: due });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ status: 'agreed', dueOn: due });
    expect(a.body.agreementId).not.toBeNull();
    expect((await sw.get(`/api/v1/exchange/offers/${offerId}`)).body.copiesAvailable).toBe(3);
    expect((await act(bh, requestId, 'receive')).status).toBe(409);
    const sh = await act(sw, requestId, 'ship', { on: today });
    expect(sh.body.status).toBe('shipped');
    const tooMany = await act(bh, requestId, 'receive', { copiesReceived: 3 });
    expect(tooMany.status).toBe(400);
    const rc = await act(bh, requestId, 'receive', { on: today });
    expect(rc.status).toBe(200);
    expect(rc.body).toMatchObject({ status: 'received', receivedOn: today, copiesReceived: 2, actions: [] });
    const log = await s.ctx.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity', '=', 'exchange_request')
      .where('entity_id', '=', String(requestId))
      .orderBy('id')
      .execute();
    expect(log.map((l) => l.action)).toEqual(['request', 'agree', 'ship', 'receive']);
  });

  it('a yearly exchange books next year’s request, due a year later, and it shows in the calendar', async () => {
    const list = await bh.get('/api/v1/exchange/requests?direction=outgoing&partner=SAWAHLUNTO');
    const next = list.body.items.find((r: any) => r.renewsId === requestId);
    expect(next).toMatchObject({
      status: 'requested',
      period: year + 1,
      yearly: true,
      dueOn: addMonths(addDays(today, 14), 12),
    });
    const actor = systemActor('test');
    const entries = await exchangeCalendarEntries(s.ctx.database.db, actor, today, addMonths(today, 13));
    expect(entries.some((e) => e.link.endsWith(`/${next.id}`) && e.kind === 'exchange_due')).toBe(true);
    const cal = await sw.get(`/api/v1/exchange/calendar?from=${today}&to=${addMonths(today, 13)}`);
    expect(cal.status).toBe(200);
    expect(cal.body.items.map((e: any) => e.date)).toContain(next.dueOn);
    // and in the network calendar of all programs
    const net = await sw.get(
      `/api/v1/program-calendar?from=${addDays(today, 30)}&to=${addMonths(today, 13)}&program=exchange`,
    );
    expect(net.status).toBe(200);
    expect(net.body.items.some((e: any) => e.link === `/programs/exchange/requests/${next.id}`)).toBe(true);
    expect((await uin.get(`/api/v1/exchange/calendar?from=${today}&to=${addMonths(today, 13)}`)).body.items).toEqual(
      [],
    );
  });

  it('the ledger shows the balance against 1:1 for both sides', async () => {
    const b = await bh.get('/api/v1/exchange/ledger?partner=SAWAHLUNTO');
    expect(b.status).toBe(200);
    expect(b.body.rows).toHaveLength(1);
    expect(b.body.rows[0]).toMatchObject({
      ratio: '1:1',
      titlesSent: 0,
      titlesReceived: 1,
      copiesReceived: 2,
      owedByLibrary: 1,
      owedByPartner: 0,
      balance: -1,
      pendingIn: 1,
    });
    expect(b.body.entries).toMatchObject([{ direction: 'received', title: 'Laporan Tahunan Kota Sawahlunto' }]);
    const w = await sw.get('/api/v1/exchange/ledger');
    expect(w.body.rows.find((r: any) => r.partner.code === 'PAYAKUMBUH')).toMatchObject({
      titlesSent: 1,
      owedByPartner: 1,
    });
    expect((await bh.get('/api/v1/exchange/ledger?library=SAWAHLUNTO')).status).toBe(403);
  });

  it('Payakumbuh sends one back: the pair is even', async () => {
    const o = await offer(bh, { title: 'Profil Kota Payakumbuh', year, copiesAvailable: 1 });
    const r = await sw.post('/api/v1/exchange/requests', { offerId: o.id });
    await act(bh, r.body.id, 'agree');
    await act(bh, r.body.id, 'ship');
    expect((await act(sw, r.body.id, 'receive')).status).toBe(200);
    const led = await bh.get('/api/v1/exchange/ledger?partner=SAWAHLUNTO');
    expect(led.body.rows[0]).toMatchObject({
      titlesSent: 1,
      titlesReceived: 1,
      owedByLibrary: 0,
      owedByPartner: 0,
      balance: 0,
    });
    // the offer's only copy went: nothing left to ask for
    const none = await sw.post('/api/v1/exchange/requests', { offerId: o.id, period: year - 1 });
    expect(none.body.error.code).toBe('not_enough_copies');
  });

  it('three for one: one title from UIN leaves UPERTIS owing three', async () => {
    const o = await offer(uin, { title: 'Jurnal Islam dan Budaya Minangkabau', year });
    const r = await upertis.post('/api/v1/exchange/requests', { offerId: o.id });
    expect(r.status).toBe(201);
    await act(uin, r.body.id, 'agree');
    await act(uin, r.body.id, 'ship');
    await act(upertis, r.body.id, 'receive');
    const u = await upertis.get('/api/v1/exchange/ledger');
    expect(u.body.rows.find((x: any) => x.partner.code === 'UINMY')).toMatchObject({
      ratio: '3:1',
      ratioSource: 'own_terms',
      titlesReceived: 1,
      owedByLibrary: 3,
    });
    const m = await uin.get('/api/v1/exchange/ledger?partner=UPERTIS');
    expect(m.body.rows[0]).toMatchObject({
      ratio: '1:3',
      ratioSource: 'partner_terms',
      titlesSent: 1,
      owedByPartner: 3,
    });
  });

  it('declining needs a reason; cancelling an agreed request puts its copies back on offer', async () => {
    const o = await offer(sw, { title: 'Buletin Tambang Batubara Ombilin', year, copiesAvailable: 4 });
    const r = await bh.post('/api/v1/exchange/requests', { offerId: o.id, copies: 3 });
    const bare = await act(sw, r.body.id, 'decline', {});
    expect(bare.status).toBe(400);
    expect(bare.body.error.details.fields[0].field).toBe('reason');
    const past = await act(sw, r.body.id, 'agree', { dueOn: addDays(today, -1) });
    expect(past.status).toBe(400);
    expect((await act(sw, r.body.id, 'agree')).body.status).toBe('agreed');
    expect((await sw.get(`/api/v1/exchange/offers/${o.id}`)).body.copiesAvailable).toBe(1);
    const c = await act(bh, r.body.id, 'cancel', { reason: 'Sudah ada di koleksi' });
    expect(c.body).toMatchObject({ status: 'cancelled', reason: 'Sudah ada di koleksi' });
    expect((await sw.get(`/api/v1/exchange/offers/${o.id}`)).body.copiesAvailable).toBe(4);
    // a cancelled request no longer blocks a new one
    expect((await bh.post('/api/v1/exchange/requests', { offerId: o.id })).status).toBe(201);
    const withdrawn = await sw.patch(`/api/v1/exchange/offers/${o.id}`, { active: false });
    expect(withdrawn.body.active).toBe(false);
    const late = await uin.post('/api/v1/exchange/requests', { offerId: o.id });
    expect(late.body.error.code).toBe('offer_inactive');
  });

  it('figures: the coordinator sees every pair; a librarian only her library’s', async () => {
    const all = await coord.get(`/api/v1/exchange/figures?from=${addDays(today, -1)}&to=${today}`);
    expect(all.status).toBe(200);
    const libs = new Set(all.body.rows.map((r: any) => r.library.code));
    expect(libs).toEqual(new Set(['BUNGHATTA', 'PAYAKUMBUH', 'SAWAHLUNTO', 'UPERTIS', 'UINMY']));
    const mine = await bh.get('/api/v1/exchange/figures');
    expect(mine.body.rows.every((r: any) => r.library.code === 'PAYAKUMBUH')).toBe(true);
    expect(mine.body.rows[0]).toMatchObject({ partner: { code: 'SAWAHLUNTO' }, titlesSent: 1, titlesReceived: 1 });
    const before = await coord.get(`/api/v1/exchange/figures?to=${addDays(today, -1)}`);
    const pykBefore = before.body.rows.filter((r: any) => r.library.code === 'PAYAKUMBUH');
    expect(pykBefore.length).toBeGreaterThan(0);
    expect(pykBefore.every((r: any) => r.titlesSent === 0 && r.titlesReceived === 0)).toBe(true);
    // the demo's Bung Hatta received Sawahlunto's yearly report in March
    expect(before.body.rows.find((r: any) => r.library.code === 'BUNGHATTA').titlesReceived).toBe(1);
    // the coordinator sees any request of the network
    expect((await coord.get(`/api/v1/exchange/requests/${requestId}`)).status).toBe(200);
  });
});
