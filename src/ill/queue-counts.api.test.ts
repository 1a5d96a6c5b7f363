import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { libraryId, patronId, signIn, supplierIdOf, titleHeldBy } from '../../test/ill-support.ts';
import { type Agent, startTestSimpul, type TestSimpul } from '../../test/support.ts';

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

describe('queue counts', () => {
  it('counts the outgoing and incoming queues per state, open, closed, overdue and waiting', async () => {
    const { clusterId } = await titleHeldBy(s, 'Salah Asuhan', { SAWAHLUNTO: 2 });
    const a = await bh.post('/api/v1/ill/requests', { patronId: fadli, clusterId, serviceType: 'Loan', send: true });
    const b = await bh.post('/api/v1/ill/requests', { patronId: fadli, clusterId, serviceType: 'Loan', send: true });
    const c = await bh.post('/api/v1/ill/requests', { patronId: fadli, clusterId, serviceType: 'Loan' });
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    const supB = await supplierIdOf(bh, b.body.id);
    expect((await swl.post(`/api/v1/ill/supplier-requests/${supB}/actions/unfilled`, { reason: 'x' })).status).toBe(
      200,
    );

    const out = await bh.get('/api/v1/ill/outgoing/counts');
    expect(out.status).toBe(200);
    expect(out.body.byState).toEqual({ SentToSupplier: 1, Unfilled: 1, Validated: 1 });
    expect(out.body).toMatchObject({ total: 3, open: 2, closed: 1, overdue: 0, waitingTooLong: 0 });
    expect(out.body.libraryId).toBe(await libraryId(s, 'BUNGHATTA'));
    // the counts match what the queue lists with the same filter
    const openList = await bh.get('/api/v1/ill/outgoing?status=open');
    expect(openList.body.total).toBe(out.body.open);

    const inc = await swl.get('/api/v1/ill/incoming/counts');
    expect(inc.body.byState).toEqual({ RequestReceived: 1, Unfilled: 1 });
    expect(inc.body).toMatchObject({ total: 2, open: 1, closed: 1 });
  });

  it('shows a librarian only her own library: others get empty counts of their own, naming another library is 404', async () => {
    const mine = await pyk.get('/api/v1/ill/outgoing/counts');
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ total: 0, open: 0, byState: {} });
    expect(mine.body.libraryId).toBe(await libraryId(s, 'PAYAKUMBUH'));
    const bhId = await libraryId(s, 'BUNGHATTA');
    expect((await pyk.get(`/api/v1/ill/outgoing/counts?library=${bhId}`)).status).toBe(404);
    expect((await swl.get(`/api/v1/ill/outgoing/counts?library=${bhId}`)).status).toBe(404);
    expect((await bh.get(`/api/v1/ill/incoming/counts`)).body.total).toBe(0);
    // the coordinator may look at any library of the network
    const seen = await coord.get(`/api/v1/ill/outgoing/counts?library=${bhId}`);
    expect(seen.status).toBe(200);
    expect(seen.body.total).toBe(3);
    expect((await s.anonymous.get('/api/v1/ill/outgoing/counts')).status).toBe(401);
    expect((await bh.get('/api/v1/ill/outgoing/counts?library=abc')).status).toBe(400);
  });
});
