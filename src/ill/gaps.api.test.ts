import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { libraryId, patronId, postWithKey, signIn, supplierIdOf, titleHeldBy } from '../../test/ill-support.ts';
import { type Agent, must, startTestSimpul, type TestSimpul } from '../../test/support.ts';

let s: TestSimpul;
let bh: Agent;
let swl: Agent;
let pyk: Agent;
let coord: Agent;
let fadli: number;

beforeAll(async () => {
  s = await startTestSimpul();
  ({ bh, swl, pyk, coord } = await signIn(s, 'bh', 'swl', 'pyk', 'coord'));
  fadli = await patronId(s, 'BH-2024-0001');
});
afterAll(async () => s?.stop());

async function rotaOf(id: number) {
  return s.ctx.database.db
    .selectFrom('ill_rota')
    .select(['lender_library_id', 'position', 'status'])
    .where('request_id', '=', id)
    .orderBy('position')
    .execute();
}

describe('an unfilled request', () => {
  it('is re-sent by the borrower with new lenders, and the new lender can supply it', async () => {
    const { clusterId } = await titleHeldBy(s, 'Hikayat Abdullah', { SAWAHLUNTO: 1 });
    const [swlId, pykId] = await Promise.all([libraryId(s, 'SAWAHLUNTO'), libraryId(s, 'PAYAKUMBUH')]);
    const c = await bh.post('/api/v1/ill/requests', { patronId: fadli, clusterId, serviceType: 'Loan', send: true });
    const sup1 = await supplierIdOf(bh, c.body.id);
    must(await swl.post(`/api/v1/ill/supplier-requests/${sup1}/actions/unfilled`, { reason: 'hilang dari rak' }));
    let r = await bh.get(`/api/v1/ill/requests/${c.body.id}`);
    expect(r.body.state).toBe('Unfilled');
    expect(r.body.allowedActions).toContain('resend');
    // a lender already tried is refused, with the reason, and nothing changes
    const tried = await bh.post(`/api/v1/ill/requests/${c.body.id}/actions/resend`, { lenders: [swlId] });
    expect(tried.status).toBe(400);
    expect(tried.body.error.details.fields[0].field).toBe('lenders');
    expect(tried.body.error.details.fields[0].message.en).toMatch(/already tried/);
    expect(tried.body.error.details.fields[0].message.id).toMatch(/sudah dicoba/);
    expect(await rotaOf(c.body.id)).toHaveLength(1);
    // only the borrowing library re-sends
    expect((await pyk.post(`/api/v1/ill/requests/${c.body.id}/actions/resend`, { lenders: [pykId] })).status).toBe(404);
    // a new lender
    const again = await bh.post(`/api/v1/ill/requests/${c.body.id}/actions/resend`, { lenders: [pykId] });
    expect(again.status).toBe(200);
    expect(again.body.state).toBe('SentToSupplier');
    expect(await rotaOf(c.body.id)).toEqual([
      { lender_library_id: swlId, position: 1, status: 'unfilled' },
      { lender_library_id: pykId, position: 2, status: 'current' },
    ]);
    const sup2 = await supplierIdOf(bh, c.body.id);
    expect(sup2).not.toBe(sup1);
    const sup = await pyk.get(`/api/v1/ill/supplier-requests/${sup2}`);
    expect(sup.status).toBe(200);
    expect(sup.body.state).toBe('RequestReceived');
    r = await bh.get(`/api/v1/ill/requests/${c.body.id}`);
    expect(r.body.closedAt ?? null).toBeNull();
    expect(r.body.timeline.some((e: { event: string }) => e.event === 'resend')).toBe(true);
    // a re-sent request that is open again cannot be re-sent
    const twice = await bh.post(`/api/v1/ill/requests/${c.body.id}/actions/resend`, {});
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('not_unfilled');
    // an audit row says who re-sent it
    const audit = await s.ctx.database.db
      .selectFrom('audit_log')
      .select(['action'])
      .where('entity', '=', 'ill_request')
      .where('entity_id', '=', String(c.body.id))
      .where('action', '=', 'resend')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('without a list takes the lenders a fresh proposal ranks that were not tried; none left is a 409', async () => {
    const { clusterId } = await titleHeldBy(s, 'Tambo Alam Minangkabau', { SAWAHLUNTO: 1 });
    const c = await bh.post('/api/v1/ill/requests', { patronId: fadli, clusterId, serviceType: 'Loan', send: true });
    const sup1 = await supplierIdOf(bh, c.body.id);
    must(await swl.post(`/api/v1/ill/supplier-requests/${sup1}/actions/unfilled`, {}));
    // nobody else holds it: no lender left
    const none = await bh.post(`/api/v1/ill/requests/${c.body.id}/actions/resend`, {});
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe('no_lender');
    expect(none.body.error.message.id.length).toBeGreaterThan(10);
    expect((await bh.get(`/api/v1/ill/requests/${c.body.id}`)).body.state).toBe('Unfilled');
    // a copy is added at Payakumbuh: the proposal finds it
    await s.ctx.database.db
      .insertInto('items')
      .values({
        library_id: await libraryId(s, 'PAYAKUMBUH'),
        cluster_id: clusterId,
        barcode: `PYK-TAMBO-${Date.now()}`,
        call_number: '959.8',
        location: 'Rak umum',
        status: 'available',
        loanable: true,
      })
      .execute();
    const ok = await bh.post(`/api/v1/ill/requests/${c.body.id}/actions/resend`, {});
    expect(ok.status).toBe(200);
    expect(ok.body.state).toBe('SentToSupplier');
    const rota = await rotaOf(c.body.id);
    expect(rota.at(-1)).toMatchObject({ lender_library_id: await libraryId(s, 'PAYAKUMBUH'), status: 'current' });
  });
});

describe('idempotency keys', () => {
  it('two concurrent first uses of the same key give one request and the same answer', async () => {
    const { clusterId } = await titleHeldBy(s, 'Kaba Cindua Mato', { SAWAHLUNTO: 1 });
    const body = { patronId: fadli, clusterId, serviceType: 'Loan', send: true };
    const key = `conc-${Date.now()}`;
    const results = await Promise.all(
      [1, 2, 3].map(() => postWithKey(s, 'pustakawan.bunghatta', '/api/v1/ill/requests', body, key)),
    );
    for (const r of results) expect(r.status).toBe(201);
    const ids = new Set(results.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    const made = await s.ctx.database.db
      .selectFrom('ill_requests')
      .select('id')
      .where('cluster_id', '=', clusterId)
      .execute();
    expect(made).toHaveLength(1);
    // and on an action: one renewal asked, three answers
    const id = results[0]?.body.id as number;
    const supId = await supplierIdOf(bh, id);
    must(await swl.post(`/api/v1/ill/supplier-requests/${supId}/actions/ship`, {}));
    must(await bh.post(`/api/v1/ill/requests/${id}/actions/receive`, {}));
    const k2 = `conc-renew-${Date.now()}`;
    const renewals = await Promise.all(
      [1, 2, 3].map(() => postWithKey(s, 'pustakawan.bunghatta', `/api/v1/ill/requests/${id}/actions/renew`, {}, k2)),
    );
    for (const r of renewals) expect(r.status).toBe(200);
    expect(renewals.filter((r) => r.headers['x-ill-duplicate'] === '1')).toHaveLength(2);
    const r = await bh.get(`/api/v1/ill/requests/${id}`);
    expect(r.body.timeline.filter((e: { event: string }) => e.event === 'renew')).toHaveLength(1);
  });
});

describe('the network coordinator', () => {
  it("sees both sides' requests read only, and acts on neither", async () => {
    // Payakumbuh borrows from Sawahlunto; the coordinator works at Bung Hatta
    const { clusterId } = await titleHeldBy(s, 'Sabai Nan Aluih', { SAWAHLUNTO: 1 });
    const pykPatron = await patronId(s, 'PYK-0001');
    const c = await pyk.post('/api/v1/ill/requests', {
      patronId: pykPatron,
      clusterId,
      serviceType: 'Loan',
      send: true,
    });
    expect(c.status).toBe(201);
    const supId = await supplierIdOf(pyk, c.body.id);
    const borrowerSide = await coord.get(`/api/v1/ill/requests/${c.body.id}`);
    expect(borrowerSide.status).toBe(200);
    expect(borrowerSide.body.allowedActions).toEqual([]);
    expect(borrowerSide.body.timeline.length).toBeGreaterThan(0);
    const lenderSide = await coord.get(`/api/v1/ill/supplier-requests/${supId}`);
    expect(lenderSide.status).toBe(200);
    expect(lenderSide.body.allowedActions).toEqual([]);
    // read only: every action on either side is 403, and nothing changes
    const a1 = await coord.post(`/api/v1/ill/requests/${c.body.id}/actions/cancel`, {});
    expect(a1.status).toBe(403);
    expect(a1.body.error.message.id.length).toBeGreaterThan(5);
    expect((await coord.post(`/api/v1/ill/supplier-requests/${supId}/actions/willSupply`, {})).status).toBe(403);
    expect((await coord.post(`/api/v1/ill/requests/${c.body.id}/rota`, { lenders: [] })).status).toBe(403);
    expect((await pyk.get(`/api/v1/ill/requests/${c.body.id}`)).body.state).toBe('SentToSupplier');
    // the coordinator finds them in the network's queues
    const out = await coord.get(`/api/v1/ill/outgoing?library=${await libraryId(s, 'PAYAKUMBUH')}`);
    expect(out.status).toBe(200);
    expect(out.body.items.some((i: { id: number }) => i.id === c.body.id)).toBe(true);
    // a librarian of a third library sees neither side
    expect((await bh.get(`/api/v1/ill/requests/${c.body.id}`)).status).toBe(404);
    expect((await bh.get(`/api/v1/ill/supplier-requests/${supId}`)).status).toBe(404);
  });
});
