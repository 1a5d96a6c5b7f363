import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemStatus, libraryId, patronId, signIn, supplierIdOf, titleHeldBy } from '../../test/ill-support.ts';
import { type Agent, must, startTestSimpul, type TestSimpul } from '../../test/support.ts';
import { runOverdue } from './jobs.ts';

let s: TestSimpul;
let bh: Agent;
let swl: Agent;
let pyk: Agent;
let upi: Agent;
let fadli: number;
let intan: number;

beforeAll(async () => {
  s = await startTestSimpul();
  ({ bh, swl, pyk, upi } = await signIn(s, 'bh', 'swl', 'pyk', 'upi'));
  fadli = await patronId(s, 'BH-2024-0001');
  intan = await patronId(s, 'UPI-2201001');
});
afterAll(async () => s?.stop());

const DAY = 86_400_000;

/** Bung Hatta borrows from Sawahlunto (no agreement: same network, lender's policy). */
async function shippedLoan(title: string) {
  const { clusterId, items } = await titleHeldBy(s, title, { SAWAHLUNTO: 1 });
  const c = await bh.post('/api/v1/ill/requests', { patronId: fadli, clusterId, serviceType: 'Loan', send: true });
  expect(c.status).toBe(201);
  const supId = await supplierIdOf(bh, c.body.id);
  const ship = await swl.post(`/api/v1/ill/supplier-requests/${supId}/actions/ship`, {});
  expect(ship.status).toBe(200);
  return { id: c.body.id as number, supId, itemId: items.SAWAHLUNTO?.[0] as number };
}

const req = (id: number) => bh.get(`/api/v1/ill/requests/${id}`);
const act = (id: number, action: string, body: object = {}) =>
  bh.post(`/api/v1/ill/requests/${id}/actions/${action}`, body);
const lend = (supId: number, action: string, body: object = {}) =>
  swl.post(`/api/v1/ill/supplier-requests/${supId}/actions/${action}`, body);

describe('due dates', () => {
  it("come from the lender's policy without an agreement", async () => {
    const { id } = await shippedLoan('Max Havelaar');
    const r = await req(id);
    const days = (new Date(r.body.dueAt).getTime() - Date.now()) / DAY;
    expect(days).toBeGreaterThan(27);
    expect(days).toBeLessThan(29.1);
  });

  it("come from the agreement's loan period when one is in force", async () => {
    // MoU Bung Hatta – UPERTIS – UINMY: Bung Hatta lends for 14 days; UPERTIS replaces lost copies
    const { clusterId } = await titleHeldBy(s, 'Keluarga Gerilya', { BUNGHATTA: 1 });
    const c = await upi.post('/api/v1/ill/requests', { patronId: intan, clusterId, serviceType: 'Loan', send: true });
    expect(c.status).toBe(201);
    expect(
      c.body.rota[0].reasons.some((x: { en: string }) => x.en.includes('agreement') || x.en.includes('Preferred')),
    ).toBe(true);
    const supId = await supplierIdOf(upi, c.body.id);
    const ship = await bh.post(`/api/v1/ill/supplier-requests/${supId}/actions/ship`, {});
    expect(ship.status).toBe(200);
    const days = (new Date(ship.body.dueAt).getTime() - Date.now()) / DAY;
    expect(days).toBeGreaterThan(13);
    expect(days).toBeLessThan(15.1);
    // an explicit due date wins, and one in the past is refused
    expect((await bh.post(`/api/v1/ill/supplier-requests/${supId}/actions/recall`, {})).status).toBe(200);
    must(await upi.post(`/api/v1/ill/requests/${c.body.id}/actions/receive`, {}));
    const lost = await upi.post(`/api/v1/ill/requests/${c.body.id}/actions/reportLost`, { note: 'hilang di asrama' });
    // the lender answers Lost at once with CompletedWithoutReturn
    expect(lost.body.state).toBe('CompletedWithoutReturn');
    const sup = await bh.get(`/api/v1/ill/supplier-requests/${supId}`);
    expect(sup.body.state).toBe('CompletedWithoutReturn');
    expect(sup.body.charges).toHaveLength(1);
    expect(sup.body.charges[0]).toMatchObject({ kind: 'lost', rule: 'replace_copy', status: 'open' });
    expect(await itemStatus(s, sup.body.item.id)).toBe('lost');
    // the borrower cannot settle the lender's charge; the lender can
    const chargeId = sup.body.charges[0].id;
    expect((await upi.post(`/api/v1/ill/charges/${chargeId}/settle`, { status: 'settled' })).status).toBe(403);
    const settled = await bh.post(`/api/v1/ill/charges/${chargeId}/settle`, { status: 'settled', note: 'diganti' });
    expect(settled.status).toBe(200);
    expect(settled.body.status).toBe('settled');
    expect((await bh.post(`/api/v1/ill/charges/${chargeId}/settle`, { status: 'waived' })).status).toBe(409);
    const b = await upi.get(`/api/v1/ill/requests/${c.body.id}`);
    expect(b.body.state).toBe('CompletedWithoutReturn');
  });
});

describe('renewals', () => {
  it('are answered with a new due date, or refused and the loan goes on as before', async () => {
    const { id, supId } = await shippedLoan('Belenggu');
    await act(id, 'receive');
    await act(id, 'renew');
    const refused = await lend(supId, 'refuseRenew', { note: 'ada antrean' });
    expect(refused.body.state).toBe('Loaned');
    let r = await req(id);
    expect(r.body.state).toBe('Received');
    expect(r.body.renewalCount).toBe(0);
    expect(r.body.timeline.some((e: { event: string }) => e.event === 'patron:renewal_refused')).toBe(true);
    // the lender answers only a renewal that was asked
    const unasked = await lend(supId, 'approveRenew', {});
    expect(unasked.status).toBe(409);
    expect(unasked.body.error.code).toBe('no_renew_pending');
    await act(id, 'renew');
    const approved = await lend(supId, 'approveRenew', { dueDate: '2099-01-31' });
    expect(approved.body.dueAt).toBe('2099-01-31T23:59:59.000Z');
    r = await req(id);
    expect(r.body.dueAt).toBe('2099-01-31T23:59:59.000Z');
    expect(r.body.renewalCount).toBe(1);
    // the policy allows one renewal: the next one is refused at once
    const again = await act(id, 'renew');
    expect(again.body.state).toBe('Received');
    expect(again.body.renewalCount).toBe(1);
    expect(
      again.body.timeline.filter((e: { event: string }) => e.event === 'SupplyingAgencyMessage:RenewResponse:Loaned'),
    ).toHaveLength(3);
  });
});

describe('recalls', () => {
  it('recall the item; a recalled item cannot be renewed; it comes back and is checked in', async () => {
    const { id, supId, itemId } = await shippedLoan('Habis Gelap Terbitlah Terang');
    await act(id, 'receive');
    const rc = await lend(supId, 'recall', { note: 'dibutuhkan untuk pameran' });
    expect(rc.body.state).toBe('Recalled');
    let r = await req(id);
    expect(r.body.state).toBe('Recalled');
    const renew = await act(id, 'renew');
    expect(renew.status).toBe(409);
    expect(renew.body.error.code).toBe('renew_recalled');
    expect(renew.body.error.message.id).toContain('ditarik');
    await act(id, 'return');
    expect(await itemStatus(s, itemId)).toBe('in_transit');
    await lend(supId, 'checkIn', { damaged: true, note: 'sampul sobek' });
    r = await req(id);
    expect(r.body.state).toBe('Completed');
    const sup = await swl.get(`/api/v1/ill/supplier-requests/${supId}`);
    expect(sup.body.charges[0]).toMatchObject({ kind: 'damaged', rule: 'to_agree' });
    expect(await itemStatus(s, itemId)).toBe('available');
  });
});

describe('the overdue run', () => {
  it('marks overdue on both sides and records each notice once', async () => {
    const { id, supId } = await shippedLoan('Pergolakan');
    await act(id, 'receive');
    const db = s.ctx.database.db;
    const past = new Date(Date.now() - 2 * DAY);
    await db.updateTable('ill_supplier_requests').set({ due_at: past }).where('id', '=', supId).execute();
    await db.updateTable('ill_requests').set({ due_at: past }).where('id', '=', id).execute();
    const first = await runOverdue(db);
    expect(first.markedOverdue).toBeGreaterThanOrEqual(1);
    const second = await runOverdue(db);
    expect(second.markedOverdue).toBe(0);
    const r = await req(id);
    expect(r.body.state).toBe('Overdue');
    expect(r.body.flags.overdue).toBe(true);
    expect(r.body.timeline.filter((e: { event: string }) => e.event === 'notice:overdue')).toHaveLength(1);
    const sup = await swl.get(`/api/v1/ill/supplier-requests/${supId}`);
    expect(sup.body.state).toBe('Overdue');
    const q = await swl.get('/api/v1/ill/incoming?overdue=true');
    expect(q.body.items.map((i: { id: number }) => i.id)).toContain(supId);
    const out = await bh.get('/api/v1/ill/outgoing?overdue=true');
    expect(out.body.items.map((i: { id: number }) => i.id)).toContain(id);
    // six weeks late: the lost threshold notice, not the earlier ones again
    await db
      .updateTable('ill_supplier_requests')
      .set({ due_at: new Date(Date.now() - 43 * DAY) })
      .where('id', '=', supId)
      .execute();
    const third = await runOverdue(db);
    expect(third.notices).toBeGreaterThanOrEqual(1);
    const notices = await db
      .selectFrom('ill_notices')
      .select('kind')
      .where('supplier_request_id', '=', supId)
      .execute();
    expect(notices.map((n) => n.kind).sort()).toEqual(['lost_threshold', 'overdue']);
    // an overdue loan may still be renewed
    expect((await act(id, 'renew')).body.state).toBe('RenewPending');
  });
});

describe('cancelling and conditions', () => {
  it('cancels before shipping (the lender approves at once), and not after', async () => {
    const { clusterId } = await titleHeldBy(s, 'Hulubalang Raja', { SAWAHLUNTO: 1 });
    const c = await bh.post('/api/v1/ill/requests', { patronId: fadli, clusterId, serviceType: 'Loan', send: true });
    const supId = await supplierIdOf(bh, c.body.id);
    const x = await act(c.body.id, 'cancel', { note: 'tidak jadi' });
    expect(x.body.state).toBe('Cancelled');
    expect((await swl.get(`/api/v1/ill/supplier-requests/${supId}`)).body.state).toBe('Cancelled');
    const { id } = await shippedLoan('Kemarau');
    const late = await act(id, 'cancel');
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('cancel_after_shipped');
  });

  it('offers conditions the borrower accepts, or rejects and moves on to the next lender', async () => {
    const { clusterId } = await titleHeldBy(s, 'Sitti Nurbaya jilid 2', { SAWAHLUNTO: 1, PAYAKUMBUH: 1 });
    const c = await bh.post('/api/v1/ill/requests', {
      patronId: fadli,
      clusterId,
      serviceType: 'Loan',
      send: true,
      lenders: [await libraryId(s, 'SAWAHLUNTO'), await libraryId(s, 'PAYAKUMBUH')],
    });
    const supId = await supplierIdOf(bh, c.body.id);
    const empty = await lend(supId, 'offerConditions', { conditions: [] });
    expect(empty.status).toBe(409);
    const off = await lend(supId, 'offerConditions', { conditions: ['Baca di tempat saja'] });
    expect(off.body.state).toBe('ConditionalPending');
    let r = await req(c.body.id);
    expect(r.body.state).toBe('ConditionalAnswerReceived');
    expect(r.body.conditions.conditions).toEqual(['Baca di tempat saja']);
    expect(r.body.allowedActions).toEqual(expect.arrayContaining(['acceptConditions', 'rejectConditions']));
    // the lender cannot ship while its conditions are unanswered
    const early = await lend(supId, 'ship', {});
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('conditions_unanswered');
    r = await act(c.body.id, 'rejectConditions', { note: 'anggota perlu membawa pulang' });
    expect(r.body.state).toBe('SentToSupplier');
    expect(r.body.currentLender.code).toBe('PAYAKUMBUH');
    expect((await swl.get(`/api/v1/ill/supplier-requests/${supId}`)).body.state).toBe('Cancelled');
    const sup2 = await supplierIdOf(bh, c.body.id);
    await pyk.post(`/api/v1/ill/supplier-requests/${sup2}/actions/offerConditions`, {
      conditions: ['Tidak boleh difotokopi'],
    });
    r = await act(c.body.id, 'acceptConditions');
    expect(r.body.state).toBe('WillSupply');
    expect((await pyk.get(`/api/v1/ill/supplier-requests/${sup2}`)).body.state).toBe('WillSupply');
  });
});

describe('illegal transitions through the API', () => {
  it('answer 409 with the reason in both languages and change nothing', async () => {
    const { clusterId } = await titleHeldBy(s, 'Tak Putus Dirundung Malang', { SAWAHLUNTO: 1 });
    const c = await bh.post('/api/v1/ill/requests', { patronId: fadli, clusterId, serviceType: 'Loan' });
    const cases: Array<[string, string]> = [
      ['receive', 'not_shipped'],
      ['return', 'not_shipped'],
      ['renew', 'renew_before_loan'],
      ['reportLost', 'not_shipped'],
      ['requestStatus', 'not_sent'],
      ['acceptConditions', 'no_conditions_pending'],
    ];
    for (const [action, code] of cases) {
      const r = await act(c.body.id, action, { note: 'x' });
      expect(r.status, action).toBe(409);
      expect(r.body.error.code, action).toBe(code);
      expect(r.body.error.message.id).not.toBe(r.body.error.message.en);
    }
    const after = await req(c.body.id);
    expect(after.body.state).toBe('Validated');
    await act(c.body.id, 'send');
    const supId = await supplierIdOf(bh, c.body.id);
    const lenderCases: Array<[string, string]> = [
      ['checkIn', 'not_shipped'],
      ['recall', 'not_shipped'],
      ['approveCancel', 'no_cancel_pending'],
      ['deliverCopy', 'loan_not_copy'],
      ['refuseRenew', 'no_renew_pending'],
    ];
    for (const [action, code] of lenderCases) {
      const r = await lend(supId, action);
      expect(r.status, action).toBe(409);
      expect(r.body.error.code, action).toBe(code);
    }
    expect((await lend(supId, 'retryPossible')).status).toBe(400);
    const sup = await swl.get(`/api/v1/ill/supplier-requests/${supId}`);
    expect(sup.body.state).toBe('RequestReceived');
    expect(sup.body.allowedActions).toEqual(
      expect.arrayContaining(['expectToSupply', 'willSupply', 'unfilled', 'ship', 'offerConditions', 'retryPossible']),
    );
    expect(sup.body.allowedActions).not.toContain('checkIn');
  });

  it('refuses a patron who may not make ILL requests, and creates nothing', async () => {
    const { clusterId } = await titleHeldBy(s, 'Cinta Tak Berujung', { SAWAHLUNTO: 1 });
    const rizky = await patronId(s, 'BH-2025-0103'); // lives in Padang: no loans at Bung Hatta
    const r = await bh.post('/api/v1/ill/requests', { patronId: rizky, clusterId, serviceType: 'Loan' });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('patron_not_eligible');
    const n = await s.ctx.database.db.selectFrom('ill_requests').select('id').where('patron_id', '=', rizky).execute();
    expect(n).toHaveLength(0);
    const none = await bh.post('/api/v1/ill/requests', { patronId: fadli, serviceType: 'Loan' });
    expect(none.status).toBe(400);
  });
});
