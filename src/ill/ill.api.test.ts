import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemStatus, libraryId, patronId, signIn, supplierIdOf, titleHeldBy } from '../../test/ill-support.ts';
import { type Agent, startTestSimpul, type TestSimpul } from '../../test/support.ts';

let s: TestSimpul;
let bh: Agent; // borrower staff, Bung Hatta
let swl: Agent; // Sawahlunto staff
let pyk: Agent; // Payakumbuh staff
let fadli: number;

beforeAll(async () => {
  s = await startTestSimpul();
  ({ bh, swl, pyk } = await signIn(s, 'bh', 'swl', 'pyk'));
  fadli = await patronId(s, 'BH-2024-0001');
});
afterAll(async () => s?.stop());

describe('a loan through the whole cycle on one node', () => {
  it('creates, sends, ships, receives, renews, returns and checks in, with both sides and the item kept right', async () => {
    const { clusterId, items } = await titleHeldBy(s, 'Tenggelamnya Kapal Van der Wijck', { SAWAHLUNTO: 1 });
    const created = await bh.post('/api/v1/ill/requests', {
      patronId: fadli,
      clusterId,
      serviceType: 'Loan',
      send: true,
    });
    expect(created.status).toBe(201);
    expect(created.body.state).toBe('SentToSupplier');
    expect(created.body.currentLender.code).toBe('SAWAHLUNTO');
    expect(created.body.rota[0].status).toBe('current');
    const supId = await supplierIdOf(bh, created.body.id);

    const incoming = await swl.get('/api/v1/ill/incoming?status=open');
    expect(incoming.body.items.map((i: { id: number }) => i.id)).toContain(supId);

    const ws = await swl.post(`/api/v1/ill/supplier-requests/${supId}/actions/willSupply`, {});
    expect(ws.status).toBe(200);
    expect(ws.body.state).toBe('WillSupply');
    const ship = await swl.post(`/api/v1/ill/supplier-requests/${supId}/actions/ship`, {});
    expect(ship.status).toBe(200);
    expect(ship.body.state).toBe('Loaned');
    expect(ship.body.item.id).toBe(items.SAWAHLUNTO?.[0]);
    expect(await itemStatus(s, items.SAWAHLUNTO?.[0] as number)).toBe('in_transit');

    let r = await bh.get(`/api/v1/ill/requests/${created.body.id}`);
    expect(r.body.state).toBe('Shipped');
    expect(r.body.dueAt).not.toBeNull();
    expect(r.body.allowedActions).toContain('receive');

    r = await bh.post(`/api/v1/ill/requests/${created.body.id}/actions/receive`, {});
    expect(r.body.state).toBe('Received');
    expect(await itemStatus(s, items.SAWAHLUNTO?.[0] as number)).toBe('on_loan');

    r = await bh.post(`/api/v1/ill/requests/${created.body.id}/actions/renew`, { note: 'masih dipakai' });
    expect(r.body.state).toBe('RenewPending');
    const due1 = r.body.dueAt;
    const ar = await swl.post(`/api/v1/ill/supplier-requests/${supId}/actions/approveRenew`, {});
    expect(ar.body.state).toBe('Loaned');
    r = await bh.get(`/api/v1/ill/requests/${created.body.id}`);
    expect(r.body.state).toBe('Received');
    expect(r.body.renewalCount).toBe(1);
    expect(new Date(r.body.dueAt).getTime()).toBeGreaterThan(new Date(due1).getTime());

    r = await bh.post(`/api/v1/ill/requests/${created.body.id}/actions/return`, {});
    expect(r.body.state).toBe('ShippedReturn');
    expect(await itemStatus(s, items.SAWAHLUNTO?.[0] as number)).toBe('in_transit');
    const ci = await swl.post(`/api/v1/ill/supplier-requests/${supId}/actions/checkIn`, {});
    expect(ci.body.state).toBe('LoanCompleted');
    expect(await itemStatus(s, items.SAWAHLUNTO?.[0] as number)).toBe('available');
    r = await bh.get(`/api/v1/ill/requests/${created.body.id}`);
    expect(r.body.state).toBe('Completed');
    expect(r.body.allowedActions).toEqual(['note']);
    const events = r.body.timeline.map((e: { event: string }) => e.event);
    expect(events).toContain('RequestingAgencyMessage:Renew');
    expect(events).toContain('SupplyingAgencyMessage:StatusChange:LoanCompleted');
    expect(r.body.timeline.find((e: { event: string }) => e.event === 'receive').actor).toContain('Nurul Aini');
  });
});

describe('authorisation', () => {
  it('lets only the borrowing library act on its side and only the lender on its side', async () => {
    const { clusterId } = await titleHeldBy(s, 'Di Bawah Lindungan Ka’bah', { PAYAKUMBUH: 1 });
    const c = await bh.post('/api/v1/ill/requests', { patronId: fadli, clusterId, serviceType: 'Loan', send: true });
    expect(c.status).toBe(201);
    const supId = await supplierIdOf(bh, c.body.id);
    // the lender cannot act as borrower, nor see the borrower's record (patron data)
    const asBorrower = await pyk.post(`/api/v1/ill/requests/${c.body.id}/actions/cancel`, {});
    expect(asBorrower.status).toBe(404);
    // the borrower cannot act as lender
    const asLender = await bh.post(`/api/v1/ill/supplier-requests/${supId}/actions/willSupply`, {});
    expect(asLender.status).toBe(404);
    // a third library sees neither
    expect((await swl.get(`/api/v1/ill/requests/${c.body.id}`)).status).toBe(404);
    expect((await swl.post(`/api/v1/ill/supplier-requests/${supId}/actions/unfilled`, {})).status).toBe(404);
    expect((await libraryId(s, 'PAYAKUMBUH')) > 0).toBe(true);
  });
});
