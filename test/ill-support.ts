import { libraryId, makeTitle, rawLogin } from './programs-support.ts';
import type { Agent, TestSimpul } from './support.ts';

/** The staff the ILL tests act as, by the short names the tests use. */
export const ILL_STAFF = {
  bh: 'pustakawan.bunghatta',
  swl: 'pustakawan.sawahlunto',
  pyk: 'pustakawan.payakumbuh',
  upi: 'pustakawan.upertis',
  coord: 'koordinator',
} as const;

/** Signs the named ILL staff in at once: `const { bh, swl } = await signIn(s, 'bh', 'swl')`. */
export async function signIn<K extends keyof typeof ILL_STAFF>(s: TestSimpul, ...who: K[]): Promise<Record<K, Agent>> {
  const agents = await Promise.all(who.map((k) => s.as(ILL_STAFF[k])));
  return Object.fromEntries(who.map((k, i) => [k, agents[i]])) as Record<K, Agent>;
}

/** Helpers the ILL tests share: patrons by member number, titles with copies, calls with an Idempotency-Key. */

export { libraryId, makeTitle };

export async function patronId(s: TestSimpul, member: string): Promise<number> {
  const row = await s.ctx.database.db
    .selectFrom('patrons')
    .select('id')
    .where('member_number', '=', member)
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function clusterOf(s: TestSimpul, itemId: number): Promise<number> {
  const row = await s.ctx.database.db
    .selectFrom('items')
    .select('cluster_id')
    .where('id', '=', itemId)
    .executeTakeFirstOrThrow();
  if (row.cluster_id === null) throw new Error('item without cluster');
  return row.cluster_id;
}

/** Copies of the same title at several libraries: one cluster, items per library. */
export async function titleHeldBy(
  s: TestSimpul,
  title: string,
  holders: Record<string, number>,
): Promise<{ clusterId: number; items: Record<string, number[]> }> {
  const db = s.ctx.database.db;
  const [first, ...rest] = Object.entries(holders);
  if (!first) throw new Error('no holders');
  const firstItems = await makeTitle(s, first[0], { title, copies: first[1] });
  const clusterId = await clusterOf(s, firstItems[0] as number);
  const items: Record<string, number[]> = { [first[0]]: firstItems };
  for (const [code, n] of rest) {
    const lib = await libraryId(s, code);
    items[code] = [];
    for (let i = 0; i < n; i++) {
      const row = await db
        .insertInto('items')
        .values({
          library_id: lib,
          cluster_id: clusterId,
          barcode: `${code}-${title.slice(0, 6).replace(/\W/g, '')}-${i}-${Math.random().toString(36).slice(2, 7)}`,
          call_number: '899.221',
          location: 'Rak umum',
          status: 'available',
          loanable: true,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      items[code].push(row.id);
    }
  }
  return { clusterId, items };
}

export async function itemStatus(s: TestSimpul, itemId: number): Promise<string> {
  const row = await s.ctx.database.db
    .selectFrom('items')
    .select('status')
    .where('id', '=', itemId)
    .executeTakeFirstOrThrow();
  return row.status;
}

/** A POST with an Idempotency-Key header, as a retrying client sends it. */
export async function postWithKey(
  s: TestSimpul,
  username: string,
  url: string,
  body: unknown,
  key: string,
): Promise<{ status: number; body: any; headers: Record<string, unknown> }> {
  const who = await rawLogin(s, username);
  const res = await s.app.inject({
    method: 'POST',
    url,
    headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, 'idempotency-key': key },
    payload: body as object,
  });
  return { status: res.statusCode, body: JSON.parse(res.body), headers: res.headers as Record<string, unknown> };
}

/** The lender's record of the request's current attempt. */
export async function supplierIdOf(agent: Agent, requestId: number): Promise<number> {
  const r = await agent.get(`/api/v1/ill/requests/${requestId}`);
  if (r.status !== 200) throw new Error(`request ${requestId}: ${r.status} ${JSON.stringify(r.body)}`);
  if (r.body.supplierRequestId === null) throw new Error(`request ${requestId} has no lender record (${r.body.state})`);
  return r.body.supplierRequestId as number;
}
