import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { libraryId, patronId, postWithKey, supplierIdOf, titleHeldBy } from '../../test/ill-support.ts';
import { type Agent, startTestSimpul, type TestSimpul } from '../../test/support.ts';
import { answerTimeout } from './jobs.ts';

let s: TestSimpul;
let bh: Agent;
let staff: Record<string, Agent>;
let fadli: number;

beforeAll(async () => {
  s = await startTestSimpul();
  bh = await s.as('pustakawan.bunghatta');
  staff = {
    SAWAHLUNTO: await s.as('pustakawan.sawahlunto'),
    PAYAKUMBUH: await s.as('pustakawan.payakumbuh'),
    UPERTIS: await s.as('pustakawan.upertis'),
    UINMY: await s.as('pustakawan.uinmy'),
  };
  fadli = await patronId(s, 'BH-2024-0001');
});
afterAll(async () => s?.stop());

async function lenderOf(requestId: number): Promise<{ agent: Agent; code: string; supId: number }> {
  const r = await bh.get(`/api/v1/ill/requests/${requestId}`);
  const code = r.body.currentLender.code as string;
  const agent = staff[code];
  if (!agent) throw new Error(`no staff for ${code}`);
  return { agent, code, supId: r.body.supplierRequestId };
}

describe('the rota', () => {
  it('is built from holdings, skips libraries without ILL lending or copies, and warns about a local copy', async () => {
    const { clusterId } = await titleHeldBy(s, 'Siti Nurbaya', {
      BUNGHATTA: 1,
      SAWAHLUNTO: 2,
      PAYAKUMBUH: 1,
      'SDN01-BKT': 1,
    });
    const preview = await bh.get(`/api/v1/ill/lenders?clusterId=${clusterId}`);
    expect(preview.status).toBe(200);
    const codes = preview.body.rota.map((r: { libraryCode: string }) => r.libraryCode);
    expect(codes.sort()).toEqual(['PAYAKUMBUH', 'SAWAHLUNTO']);
    expect(preview.body.skipped.find((x: { libraryCode: string }) => x.libraryCode === 'SDN01-BKT').code).toBe(
      'no_ill_lending',
    );
    expect(preview.body.warnings[0].code).toBe('local_copy_available');
    const c = await bh.post('/api/v1/ill/requests', { patronId: fadli, clusterId, serviceType: 'Loan' });
    expect(c.status).toBe(201);
    expect(c.body.state).toBe('Validated');
    expect(c.body.warnings[0].code).toBe('local_copy_available');
    expect(c.body.allowedActions).toEqual(expect.arrayContaining(['send', 'cancel', 'editRota']));
  });

  it('skips a paused lender', async () => {
    const { clusterId } = await titleHeldBy(s, 'Salah Asuhan', { SAWAHLUNTO: 1, PAYAKUMBUH: 1 });
    await s.ctx.database.db
      .updateTable('libraries')
      .set({ lending_paused: true })
      .where('code', '=', 'PAYAKUMBUH')
      .execute();
    try {
      const preview = await bh.get(`/api/v1/ill/lenders?clusterId=${clusterId}`);
      expect(preview.body.rota.map((r: { libraryCode: string }) => r.libraryCode)).toEqual(['SAWAHLUNTO']);
      expect(preview.body.skipped[0].code).toBe('lending_paused');
    } finally {
      await s.ctx.database.db
        .updateTable('libraries')
        .set({ lending_paused: false })
        .where('code', '=', 'PAYAKUMBUH')
        .execute();
    }
  });

  it('moves to the next lender when one answers unfilled, and ends Unfilled when the rota runs out', async () => {
    const { clusterId } = await titleHeldBy(s, 'Layar Terkembang', { SAWAHLUNTO: 1, PAYAKUMBUH: 1 });
    const c = await bh.post('/api/v1/ill/requests', { patronId: fadli, clusterId, serviceType: 'Loan', send: true });
    const first = await lenderOf(c.body.id);
    const u = await first.agent.post(`/api/v1/ill/supplier-requests/${first.supId}/actions/unfilled`, {
      reason: 'NotOnShelf',
      note: 'tidak ada di rak',
    });
    expect(u.status).toBe(200);
    expect(u.body.state).toBe('Unfilled');
    const second = await lenderOf(c.body.id);
    expect(second.code).not.toBe(first.code);
    let r = await bh.get(`/api/v1/ill/requests/${c.body.id}`);
    expect(r.body.state).toBe('SentToSupplier');
    expect(r.body.rota.map((x: { status: string }) => x.status)).toEqual(['unfilled', 'current']);
    expect(r.body.rota[1].agencyRequestId).toBe(`${r.body.hrid}-2`);
    // the first lender's late news no longer moves the request
    const late = await first.agent.post(`/api/v1/ill/supplier-requests/${first.supId}/actions/willSupply`, {});
    expect(late.status).toBe(409);
    await second.agent.post(`/api/v1/ill/supplier-requests/${second.supId}/actions/unfilled`, {});
    r = await bh.get(`/api/v1/ill/requests/${c.body.id}`);
    expect(r.body.state).toBe('Unfilled');
    expect(r.body.rota.map((x: { status: string }) => x.status)).toEqual(['unfilled', 'unfilled']);
    expect(r.body.timeline.some((e: { event: string }) => e.event === 'patron:request_unfilled')).toBe(true);
  });

  it('moves on after silence: no answer within the promised time', async () => {
    const { clusterId } = await titleHeldBy(s, 'Robohnya Surau Kami', { SAWAHLUNTO: 1, PAYAKUMBUH: 1 });
    const c = await bh.post('/api/v1/ill/requests', { patronId: fadli, clusterId, serviceType: 'Loan', send: true });
    const first = await lenderOf(c.body.id);
    const job = await s.ctx.database.db
      .selectFrom('jobs')
      .select(['run_at', 'payload'])
      .where('kind', '=', 'ill.answer-timeout')
      .where('unique_key', '=', `ill.answer-timeout:${c.body.hrid}-1`)
      .executeTakeFirstOrThrow();
    // default policy: an answer within 48 hours
    expect(new Date(job.run_at).getTime() - Date.now()).toBeGreaterThan(47 * 3600_000);
    // an answer in time makes the check do nothing …
    const answered = await titleHeldBy(s, 'Atheis', { SAWAHLUNTO: 1, PAYAKUMBUH: 1 });
    const c2 = await bh.post('/api/v1/ill/requests', {
      patronId: fadli,
      clusterId: answered.clusterId,
      serviceType: 'Loan',
      send: true,
    });
    const l2 = await lenderOf(c2.body.id);
    await l2.agent.post(`/api/v1/ill/supplier-requests/${l2.supId}/actions/expectToSupply`, {});
    expect(await answerTimeout(s.ctx.database.db, c2.body.id, `${c2.body.hrid}-1`)).toEqual({ movedOn: false });
    // … silence moves the request on and closes the silent lender's record
    await s.ctx.database.db
      .updateTable('jobs')
      .set({ run_at: new Date(Date.now() - 1000) })
      .where('kind', '=', 'ill.answer-timeout')
      .execute();
    await s.jobs.drain();
    const r = await bh.get(`/api/v1/ill/requests/${c.body.id}`);
    expect(r.body.state).toBe('SentToSupplier');
    expect(r.body.rota.map((x: { status: string }) => x.status)).toEqual(['no_answer', 'current']);
    const silent = await first.agent.get(`/api/v1/ill/supplier-requests/${first.supId}`);
    expect(silent.body.state).toBe('Cancelled');
    const r2 = await bh.get(`/api/v1/ill/requests/${c2.body.id}`);
    expect(r2.body.state).toBe('ExpectToSupply');
  });

  it('lets staff reorder, remove and add lenders before sending, and not after', async () => {
    const { clusterId } = await titleHeldBy(s, 'Sengsara Membawa Nikmat', { SAWAHLUNTO: 1, PAYAKUMBUH: 1 });
    const c = await bh.post('/api/v1/ill/requests', { patronId: fadli, clusterId, serviceType: 'Loan' });
    const [swl, pyk, upertis, sdn] = await Promise.all(
      ['SAWAHLUNTO', 'PAYAKUMBUH', 'UPERTIS', 'SDN01-BKT'].map((code) => libraryId(s, code)),
    );
    let r = await bh.post(`/api/v1/ill/requests/${c.body.id}/rota`, { lenders: [upertis, pyk] });
    expect(r.status).toBe(200);
    expect(r.body.rota.map((x: { library: { code: string } }) => x.library.code)).toEqual(['UPERTIS', 'PAYAKUMBUH']);
    expect(r.body.rota[0].addedBy).toBe('staff');
    const bad = await bh.post(`/api/v1/ill/requests/${c.body.id}/rota`, { lenders: [sdn] });
    expect(bad.status).toBe(409);
    expect(bad.body.error.code).toBe('lender_not_allowed');
    const twice = await bh.post(`/api/v1/ill/requests/${c.body.id}/rota`, { lenders: [swl, swl] });
    expect(twice.status).toBe(400);
    r = await bh.post(`/api/v1/ill/requests/${c.body.id}/actions/send`, {});
    expect(r.body.currentLender.code).toBe('UPERTIS');
    const locked = await bh.post(`/api/v1/ill/requests/${c.body.id}/rota`, { lenders: [swl] });
    expect(locked.status).toBe(409);
    expect(locked.body.error.code).toBe('rota_locked');
    // another library's staff cannot edit it
    const other = await staff.SAWAHLUNTO?.post(`/api/v1/ill/requests/${c.body.id}/rota`, { lenders: [pyk] });
    expect(other?.status).toBe(404);
  });
});

describe('idempotency', () => {
  it('answers a retried create and a retried action like the first call, changing nothing', async () => {
    const { clusterId } = await titleHeldBy(s, 'Azab dan Sengsara', { SAWAHLUNTO: 1 });
    const body = { patronId: fadli, clusterId, serviceType: 'Loan', send: true };
    const a = await postWithKey(s, 'pustakawan.bunghatta', '/api/v1/ill/requests', body, 'k-create-1');
    const b = await postWithKey(s, 'pustakawan.bunghatta', '/api/v1/ill/requests', body, 'k-create-1');
    expect(a.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    const n = await s.ctx.database.db
      .selectFrom('ill_supplier_requests')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('request_id', '=', a.body.id)
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1);
    const supId = await supplierIdOf(bh, a.body.id);
    const url = `/api/v1/ill/supplier-requests/${supId}/actions/ship`;
    const s1 = await postWithKey(s, 'pustakawan.sawahlunto', url, {}, 'k-ship-1');
    const s2 = await postWithKey(s, 'pustakawan.sawahlunto', url, {}, 'k-ship-1');
    expect(s1.status).toBe(200);
    expect(s2.status).toBe(200);
    expect(s2.headers['x-ill-duplicate']).toBe('1');
    expect(s2.body.timeline.filter((e: { event: string }) => e.event === 'ship')).toHaveLength(1);
    // the same key for another action is refused
    const other = await postWithKey(
      s,
      'pustakawan.sawahlunto',
      `/api/v1/ill/supplier-requests/${supId}/actions/recall`,
      {},
      'k-ship-1',
    );
    expect(other.status).toBe(409);
    // without a key, repeating an action already applied is recognised by the state machine
    const r1 = await bh.post(`/api/v1/ill/requests/${a.body.id}/actions/receive`, {});
    const r2 = await bh.post(`/api/v1/ill/requests/${a.body.id}/actions/receive`, {});
    expect(r1.body.state).toBe('Received');
    expect(r2.status).toBe(200);
    expect(r2.headers['x-ill-duplicate']).toBe('1');
  });
});
