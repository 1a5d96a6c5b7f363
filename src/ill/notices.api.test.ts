import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { libraryId, patronId, signIn, supplierIdOf, titleHeldBy } from '../../test/ill-support.ts';
import { outsideLibrary } from '../../test/ill-transport-support.ts';
import { decodeMail, type Mail, type MailSimpul, startMailSimpul } from '../../test/mail-support.ts';
import { type Agent, must, type TestSimpul } from '../../test/support.ts';
import { handlePeerMessage } from './delivery.ts';
import type { SupplyingAgencyMessage } from './iso18626/types.ts';
import { answerTimeout, runOverdue } from './jobs.ts';

let m: MailSimpul;
let s: TestSimpul;
let inbox: Mail[];
let bh: Agent;
let swl: Agent;
let pyk: Agent;
let fadli: number;
let bhId: number;
let swlId: number;

beforeAll(async () => {
  m = await startMailSimpul();
  s = m.s;
  inbox = m.sink.inbox;
  const db = s.ctx.database.db;
  await db
    .updateTable('patrons')
    .set({ email: 'fadli@contoh.example' })
    .where('member_number', '=', 'BH-2024-0001')
    .execute();
  await db
    .updateTable('staff_users')
    .set({ email: 'staf@sawahlunto.example' })
    .where('username', '=', 'pustakawan.sawahlunto')
    .execute();
  ({ bh, swl, pyk } = await signIn(s, 'bh', 'swl', 'pyk'));
  fadli = await patronId(s, 'BH-2024-0001');
  bhId = await libraryId(s, 'BUNGHATTA');
  swlId = await libraryId(s, 'SAWAHLUNTO');
});
afterAll(async () => m?.stop());

/** The ILL notifications since a notification id, as `recipient kind` strings. */
async function sentSince(since: number): Promise<string[]> {
  const rows = await s.ctx.database.db
    .selectFrom('notifications as n')
    .leftJoin('staff_users as u', 'u.id', 'n.recipient_user_id')
    .select(['n.kind', 'n.recipient_patron_id', 'u.library_id', 'n.link', 'n.subject_id', 'n.subject_en'])
    .where('n.id', '>', since)
    .where('n.kind', 'like', 'ill.%')
    .orderBy('n.id')
    .execute();
  const seen = new Set<string>();
  const out: string[] = [];
  for (const r of rows) {
    const who =
      r.recipient_patron_id === fadli
        ? 'patron'
        : r.library_id === bhId
          ? 'bh'
          : r.library_id === swlId
            ? 'swl'
            : `lib${r.library_id}`;
    // every staff member of a library gets one: count the library once per kind and link
    const key = `${who} ${r.kind} ${r.link}`;
    if (who !== 'patron' && seen.has(key)) continue;
    seen.add(key);
    expect(r.subject_id.length).toBeGreaterThan(0);
    expect(r.subject_en.length).toBeGreaterThan(0);
    out.push(`${who} ${r.kind}`);
  }
  return out;
}

async function lastId(): Promise<number> {
  const r = await s.ctx.database.db
    .selectFrom('notifications')
    .select((eb) => eb.fn.max('id').as('m'))
    .executeTakeFirst();
  return Number(r?.m ?? 0);
}

const deliverAll = () => m.deliverAll();
const decode = decodeMail;

describe('ILL notifications', () => {
  it('tell the patron and the library that must act through a whole loan, in the app and by e-mail', async () => {
    const { clusterId } = await titleHeldBy(s, 'Siti Nurbaya', { SAWAHLUNTO: 1 });
    let since = await lastId();
    const c = await bh.post('/api/v1/ill/requests', { patronId: fadli, clusterId, serviceType: 'Loan', send: true });
    expect(c.status).toBe(201);
    const id = c.body.id as number;
    expect(await sentSince(since)).toEqual(['patron ill.request_sent', 'swl ill.lender.new_request']);
    const newReq = await s.ctx.database.db
      .selectFrom('notifications')
      .select(['link', 'body_id', 'body_en'])
      .where('id', '>', since)
      .where('kind', '=', 'ill.lender.new_request')
      .executeTakeFirstOrThrow();
    const supId = await supplierIdOf(bh, id);
    expect(newReq.link).toBe(`/ill/lending/${supId}`);
    expect(newReq.body_id).toContain('Siti Nurbaya');
    expect(newReq.body_en).toContain('Siti Nurbaya');
    inbox.length = 0;
    await deliverAll();
    expect(inbox.map((m) => m.to[0]).sort()).toEqual(['fadli@contoh.example', 'staf@sawahlunto.example']);
    const mail = decode(inbox.find((m) => m.to[0] === 'fadli@contoh.example')?.raw ?? '');
    expect(mail).toContain('https://simpul.uji.example/portal/requests');

    since = await lastId();
    must(await swl.post(`/api/v1/ill/supplier-requests/${supId}/actions/willSupply`, {}));
    must(await swl.post(`/api/v1/ill/supplier-requests/${supId}/actions/ship`, {}));
    must(await bh.post(`/api/v1/ill/requests/${id}/actions/receive`, {}));
    expect(await sentSince(since)).toEqual(['patron ill.will_supply', 'patron ill.shipped', 'patron ill.item_arrived']);
    const ready = await s.ctx.database.db
      .selectFrom('notifications')
      .select(['body_id', 'body_en'])
      .where('kind', '=', 'ill.item_arrived')
      .where('recipient_patron_id', '=', fadli)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(ready.body_en).toMatch(/ready for pickup at .+\. Due back: \d{4}-\d\d-\d\d/);
    expect(ready.body_id).toContain('siap diambil di');

    since = await lastId();
    must(await bh.post(`/api/v1/ill/requests/${id}/actions/renew`, { note: 'skripsi belum selesai' }));
    expect(await sentSince(since)).toEqual(['swl ill.lender.renew_requested']);
    since = await lastId();
    must(await swl.post(`/api/v1/ill/supplier-requests/${supId}/actions/approveRenew`, { dueDate: '2099-03-31' }));
    expect(await sentSince(since)).toEqual(['patron ill.due_date_changed']);
    since = await lastId();
    must(await swl.post(`/api/v1/ill/supplier-requests/${supId}/actions/recall`, {}));
    expect(await sentSince(since)).toEqual(['patron ill.recalled']);
    since = await lastId();
    must(await bh.post(`/api/v1/ill/requests/${id}/actions/return`, {}));
    expect(await sentSince(since)).toEqual(['swl ill.lender.return_shipped']);
    since = await lastId();
    const checkIn = await swl.post(`/api/v1/ill/supplier-requests/${supId}/actions/checkIn`, {});
    expect(checkIn.body.state).toBe('LoanCompleted');
    expect(await sentSince(since)).toEqual([]);
  });

  it('tell nobody twice when an ISO 18626 message comes again', async () => {
    const { clusterId } = await titleHeldBy(s, 'Salah Asuhan', { SAWAHLUNTO: 1 });
    const c = await bh.post('/api/v1/ill/requests', { patronId: fadli, clusterId, serviceType: 'Loan', send: true });
    const since = await lastId();
    const sam: SupplyingAgencyMessage = {
      header: {
        supplyingAgencyId: { agencyIdType: { value: 'SIMPUL' }, agencyIdValue: 'SAWAHLUNTO' },
        requestingAgencyId: { agencyIdType: { value: 'SIMPUL' }, agencyIdValue: 'BUNGHATTA' },
        timestamp: '2026-11-02T09:00:00Z',
        requestingAgencyRequestId: `${c.body.hrid}-1`,
      },
      messageInfo: { reasonForMessage: 'StatusChange' },
      statusInfo: { status: 'WillSupply', lastChange: '2026-11-02T09:00:00Z' },
    };
    const remote = { kind: 'remote' as const, label: 'peer' };
    for (let i = 0; i < 3; i++) {
      const out = await s.ctx.database.db
        .transaction()
        .execute((trx) => handlePeerMessage(trx, { kind: 'supplyingAgencyMessage', message: sam }, remote));
      expect(out).toBe('OK');
    }
    expect(await sentSince(since)).toEqual(['patron ill.will_supply']);
    // a resent Request creates no second lender record and no second "new request"
    const req = await s.ctx.database.db
      .selectFrom('ill_supplier_requests')
      .select('request_message')
      .where('request_id', '=', c.body.id)
      .executeTakeFirstOrThrow();
    const before = await lastId();
    const again = await s.ctx.database.db
      .transaction()
      .execute((trx) => handlePeerMessage(trx, { kind: 'request', message: req.request_message }, remote));
    expect(again).toBe('OK');
    expect(await sentSince(before)).toEqual([]);
  });

  it('tell the patron and the borrowing staff when the rota is used up, and the lender of a cancellation', async () => {
    const { clusterId } = await titleHeldBy(s, 'Layar Terkembang', { SAWAHLUNTO: 1 });
    const c = await bh.post('/api/v1/ill/requests', { patronId: fadli, clusterId, serviceType: 'Loan', send: true });
    const supId = await supplierIdOf(bh, c.body.id);
    let since = await lastId();
    must(await swl.post(`/api/v1/ill/supplier-requests/${supId}/actions/unfilled`, { reason: 'rusak' }));
    expect((await bh.get(`/api/v1/ill/requests/${c.body.id}`)).body.state).toBe('Unfilled');
    expect(await sentSince(since)).toEqual(['patron ill.request_unfilled', 'bh ill.rota_used_up']);
    const staff = await s.ctx.database.db
      .selectFrom('notifications')
      .select('link')
      .where('kind', '=', 'ill.rota_used_up')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(staff.link).toBe(`/ill/requests/${c.body.id}`);

    const other = await titleHeldBy(s, 'Di Bawah Lindungan Ka’bah', { SAWAHLUNTO: 1 });
    const c2 = await bh.post('/api/v1/ill/requests', {
      patronId: fadli,
      clusterId: other.clusterId,
      serviceType: 'Loan',
      send: true,
    });
    const sup2 = await supplierIdOf(bh, c2.body.id);
    must(await swl.post(`/api/v1/ill/supplier-requests/${sup2}/actions/willSupply`, {}));
    // Sawahlunto answers cancellations itself (the default approves them at once)
    const swlAdmin = await s.as('admin.sawahlunto');
    expect((await swlAdmin.patch('/api/v1/ill/policies/SAWAHLUNTO', { autoApproveCancel: false })).status).toBe(200);
    since = await lastId();
    must(await bh.post(`/api/v1/ill/requests/${c2.body.id}/actions/cancel`, { note: 'tidak jadi' }));
    expect(await sentSince(since)).toEqual(['swl ill.lender.cancel_requested']);
    since = await lastId();
    must(await swl.post(`/api/v1/ill/supplier-requests/${sup2}/actions/approveCancel`, {}));
    expect((await bh.get(`/api/v1/ill/requests/${c2.body.id}`)).body.state).toBe('Cancelled');
    expect(await sentSince(since)).toEqual(['patron ill.request_cancelled']);
  });

  it('tell the borrowing staff when silence moves the rota on', async () => {
    const { clusterId } = await titleHeldBy(s, 'Sengsara Membawa Nikmat', { SAWAHLUNTO: 1, PAYAKUMBUH: 1 });
    const c = await bh.post('/api/v1/ill/requests', { patronId: fadli, clusterId, serviceType: 'Loan', send: true });
    const since = await lastId();
    expect(await answerTimeout(s.ctx.database.db, c.body.id, `${c.body.hrid}-1`)).toEqual({ movedOn: true });
    const got = await sentSince(since);
    expect(got).toContain('bh ill.answer_timeout');
    // the next lender hears of a new request; the patron hears nothing new (it was already sent)
    expect(got.filter((g) => g.endsWith('ill.lender.new_request'))).toHaveLength(1);
    expect(got.some((g) => g.startsWith('patron'))).toBe(false);
  });

  it('send the overdue notices once: the patron and the lender, however often the run goes', async () => {
    const { clusterId } = await titleHeldBy(s, 'Tenggelamnya Kapal', { SAWAHLUNTO: 1 });
    const c = await bh.post('/api/v1/ill/requests', { patronId: fadli, clusterId, serviceType: 'Loan', send: true });
    const supId = await supplierIdOf(bh, c.body.id);
    must(await swl.post(`/api/v1/ill/supplier-requests/${supId}/actions/ship`, {}));
    must(await bh.post(`/api/v1/ill/requests/${c.body.id}/actions/receive`, {}));
    const due = new Date(Date.now() + 2 * 86_400_000);
    await s.ctx.database.db.updateTable('ill_supplier_requests').set({ due_at: due }).where('id', '=', supId).execute();
    await s.ctx.database.db.updateTable('ill_requests').set({ due_at: due }).where('id', '=', c.body.id).execute();
    let since = await lastId();
    await runOverdue(s.ctx.database.db);
    await runOverdue(s.ctx.database.db);
    expect(await sentSince(since)).toEqual(['patron ill.due_soon']);
    since = await lastId();
    const later = new Date(Date.now() + 3 * 86_400_000);
    await runOverdue(s.ctx.database.db, later);
    await runOverdue(s.ctx.database.db, later);
    const got = await sentSince(since);
    expect(got.filter((g) => g === 'patron ill.overdue')).toHaveLength(1);
    expect(got.filter((g) => g === 'swl ill.lender.overdue')).toHaveLength(1);
    expect(got).toHaveLength(2);
    since = await lastId();
    await runOverdue(s.ctx.database.db, new Date(Date.now() + 10 * 86_400_000));
    expect((await sentSince(since)).sort()).toEqual(['patron ill.overdue_2', 'swl ill.lender.overdue_2']);
  });

  it('send the due-soon and overdue notices once for a loan from an outside lender, by the due date its messages gave', async () => {
    // Perpustakaan Nasional answers through its own system: a peer, known here by the library JKT-PNRI.
    await outsideLibrary(
      s,
      { code: 'JKT-PNRI', name: 'Perpustakaan Nasional (Jakarta)', peerName: 'Perpusnas', isil: 'ID-JKPNRI' },
      { endpointUrl: 'http://127.0.0.1:9/iso18626', inboundAccountId: 'perpusnas' },
    );
    const { clusterId } = await titleHeldBy(s, 'Max Havelaar', { 'JKT-PNRI': 1 });
    const c = await bh.post('/api/v1/ill/requests', { patronId: fadli, clusterId, serviceType: 'Loan', send: true });
    expect(c.body.currentLender.code).toBe('JKT-PNRI');
    const due = new Date(Date.now() + 2 * 86_400_000);
    const sam = (at: string, status: 'WillSupply' | 'Loaned'): SupplyingAgencyMessage => ({
      header: {
        supplyingAgencyId: { agencyIdType: { value: 'ISIL' }, agencyIdValue: 'ID-JKPNRI' },
        requestingAgencyId: { agencyIdType: { value: 'SIMPUL' }, agencyIdValue: 'BUNGHATTA' },
        timestamp: at,
        requestingAgencyRequestId: `${c.body.hrid}-1`,
      },
      messageInfo: { reasonForMessage: 'StatusChange' },
      statusInfo: { status, lastChange: at, ...(status === 'Loaned' ? { dueDate: due.toISOString() } : {}) },
    });
    const remote = { kind: 'remote' as const, label: 'Perpusnas' };
    for (const m of [sam('2026-11-03T09:00:00Z', 'WillSupply'), sam('2026-11-04T09:00:00Z', 'Loaned')]) {
      const out = await s.ctx.database.db
        .transaction()
        .execute((trx) => handlePeerMessage(trx, { kind: 'supplyingAgencyMessage', message: m }, remote));
      expect(out).toBe('OK');
    }
    must(await bh.post(`/api/v1/ill/requests/${c.body.id}/actions/receive`, {}));
    const r = await bh.get(`/api/v1/ill/requests/${c.body.id}`);
    expect(r.body.state).toBe('Received');
    expect(new Date(r.body.dueAt).getTime()).toBe(due.getTime());
    // no lender record on this node: the notice belongs to the borrower's request alone
    const lenderRecords = await s.ctx.database.db
      .selectFrom('ill_supplier_requests')
      .select('id')
      .where('request_id', '=', c.body.id)
      .execute();
    expect(lenderRecords).toEqual([]);

    let since = await lastId();
    const first = await runOverdue(s.ctx.database.db);
    await runOverdue(s.ctx.database.db);
    expect(first.notices).toBeGreaterThanOrEqual(1);
    // the patron of the request, and no library's staff
    expect(await sentSince(since)).toEqual(['patron ill.due_soon']);
    const n = await s.ctx.database.db
      .selectFrom('notifications')
      .select(['recipient_patron_id', 'body_id', 'body_en', 'link'])
      .where('id', '>', since)
      .where('kind', '=', 'ill.due_soon')
      .executeTakeFirstOrThrow();
    expect(n.recipient_patron_id).toBe(fadli);
    expect(n.link).toBe('/portal/requests');
    const day = due.toISOString().slice(0, 10);
    expect(n.body_en).toBe(`“Max Havelaar” (${c.body.hrid}) is due back at ${r.body.pickup.name} by ${day}.`);
    expect(n.body_id).toContain(day);
    // the next day's run, for the same due date, says nothing more
    since = await lastId();
    await runOverdue(s.ctx.database.db, new Date(Date.now() + 86_400_000));
    expect(await sentSince(since)).toEqual([]);
    const timeline = (await bh.get(`/api/v1/ill/requests/${c.body.id}`)).body.timeline;
    expect(timeline.filter((e: { event: string }) => e.event === 'notice:due_soon')).toHaveLength(1);

    // past the due date: the patron hears once that it is overdue (with the request's move to Overdue),
    // a week later the second reminder, each once however often the run goes
    since = await lastId();
    const late = new Date(Date.now() + 3 * 86_400_000);
    await runOverdue(s.ctx.database.db, late);
    await runOverdue(s.ctx.database.db, late);
    expect(await sentSince(since)).toEqual(['patron ill.overdue']);
    expect((await bh.get(`/api/v1/ill/requests/${c.body.id}`)).body.state).toBe('Overdue');
    since = await lastId();
    const week = new Date(Date.now() + 12 * 86_400_000);
    await runOverdue(s.ctx.database.db, week);
    await runOverdue(s.ctx.database.db, week);
    expect(await sentSince(since)).toEqual(['patron ill.overdue_2']);
    const events = (await bh.get(`/api/v1/ill/requests/${c.body.id}`)).body.timeline.map(
      (e: { event: string }) => e.event,
    );
    expect(events.filter((e: string) => e.startsWith('notice:'))).toEqual([
      'notice:due_soon',
      'notice:overdue',
      'notice:overdue_2',
    ]);
  });

  it('tell the patron a copy was delivered', async () => {
    const { clusterId } = await titleHeldBy(s, 'Pedoman Masyarakat 1938', { PAYAKUMBUH: 1 });
    const c = await bh.post('/api/v1/ill/requests', {
      patronId: fadli,
      clusterId,
      serviceType: 'Copy',
      copyDelivery: 'paper',
      citation: { pages: '10-12' },
      copyrightDeclaration: { accepted: true },
      send: true,
    });
    expect(c.status).toBe(201);
    const supId = await supplierIdOf(bh, c.body.id);
    const since = await lastId();
    must(await pyk.post(`/api/v1/ill/supplier-requests/${supId}/actions/deliverCopy`, {}));
    expect(await sentSince(since)).toEqual(['patron ill.copy_available']);
  });

  it('are rolled back with a refused action: nobody hears of what did not happen', async () => {
    const { clusterId } = await titleHeldBy(s, 'Azab dan Sengsara', { SAWAHLUNTO: 1 });
    const c = await bh.post('/api/v1/ill/requests', { patronId: fadli, clusterId, serviceType: 'Loan', send: true });
    const supId = await supplierIdOf(bh, c.body.id);
    const since = await lastId();
    // an illegal step (receive before shipping) and an action by the wrong library
    expect((await bh.post(`/api/v1/ill/requests/${c.body.id}/actions/receive`, {})).status).toBe(409);
    expect((await pyk.post(`/api/v1/ill/supplier-requests/${supId}/actions/ship`, {})).status).toBeGreaterThanOrEqual(
      403,
    );
    expect(await sentSince(since)).toEqual([]);
  });
});
