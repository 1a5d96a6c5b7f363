import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, startTestSimpul, type TestSimpul } from '../../test/support.ts';

let s: TestSimpul;
let coord: Agent;

beforeAll(async () => {
  s = await startTestSimpul({ demoCatalog: true });
  coord = await s.as('koordinator');
});
afterAll(async () => s?.stop());

describe('the demo network', () => {
  it('has ILL requests in various states on both sides', async () => {
    const db = s.ctx.database.db;
    const states = (await db.selectFrom('ill_requests').select('state').execute()).map((r) => r.state);
    expect(states.length).toBeGreaterThanOrEqual(5);
    expect(new Set(states).size).toBeGreaterThanOrEqual(4);
    const lenderStates = (await db.selectFrom('ill_supplier_requests').select('state').execute()).map((r) => r.state);
    expect(lenderStates).toEqual(expect.arrayContaining(['RequestReceived', 'Loaned', 'LoanCompleted']));
    const bh = await s.as('pustakawan.bunghatta');
    const out = await bh.get('/api/v1/ill/outgoing');
    expect(out.body.total).toBeGreaterThanOrEqual(1);
    const r = await bh.get(`/api/v1/ill/requests/${out.body.items[0].id}`);
    expect(r.status).toBe(200);
    expect(r.body.timeline.length).toBeGreaterThan(1);
    const today = new Date().toISOString().slice(0, 10);
    expect((await coord.get(`/api/v1/ill/figures?from=${today}&to=${today}`)).body.libraries.length).toBeGreaterThan(2);
  });
});
