import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, startTestSimpul, type TestSimpul } from '../../test/support.ts';

let s: TestSimpul;
let coordinator: Agent;

beforeAll(async () => {
  s = await startTestSimpul({ demoCatalog: true });
  coordinator = await s.as('koordinator');
});
afterAll(async () => s?.stop());

describe('the demo network’s cooperation programs', () => {
  it('has a purchase round, a Sunday mobile library with history, interns and a workshop with certificates', async () => {
    const rounds = (await coordinator.get('/api/v1/acq-rounds')).body.items;
    expect(rounds).toHaveLength(1);
    const round = (await coordinator.get(`/api/v1/acq-rounds/${rounds[0].id}`)).body;
    expect(round.items.length).toBeGreaterThanOrEqual(2);
    expect(round.approvedRupiah).toBe(740_000);
    expect(round.copiesReceived).toBe(1);

    const routes = (await coordinator.get('/api/v1/mobile-routes')).body.items;
    expect(routes).toHaveLength(1);
    const route = (await coordinator.get(`/api/v1/mobile-routes/${routes[0].id}`)).body;
    expect(route.stopList).toHaveLength(4);
    expect(route.visits.length).toBeGreaterThanOrEqual(32);
    expect(route.onBoard).toBeGreaterThan(0);
    expect(
      route.stopList.every((st: any) =>
        st.upcoming.every((o: any) => new Date(`${o.date}T00:00:00Z`).getUTCDay() === 0),
      ),
    ).toBe(true);

    const figures = (await coordinator.get('/api/v1/program-figures/cooperation?from=2000-01-01')).body;
    expect(figures.mobile.reduce((n: number, r: any) => n + r.loans, 0)).toBeGreaterThan(0);
    expect(figures.internships.find((r: any) => r.libraryCode === 'BUNGHATTA').internsHosted).toBe(3);
    expect(figures.training.find((r: any) => r.libraryCode === 'SAWAHLUNTO').certificates).toBe(1);

    const search = (await s.anonymous.get('/api/v1/catalog/search?q=Sejarah%20Kota%20Payakumbuh')).body;
    expect(search.hits[0].holdings.map((h: any) => h.libraryCode)).toContain('PAYAKUMBUH');
  });
});
