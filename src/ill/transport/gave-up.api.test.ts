import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { libraryId, patronId, signIn, titleHeldBy } from '../../../test/ill-support.ts';
import { outsideLibrary, type ScriptedPeer, startScriptedPeer } from '../../../test/ill-transport-support.ts';
import { type Agent, must, startTestSimpul, type TestSimpul } from '../../../test/support.ts';
import { handlePeerMessage } from '../delivery.ts';
import { loadIso18626Schema } from '../iso18626/schema.ts';
import type { Request } from '../iso18626/types.ts';

process.env.SIMPUL_ILL_RETRY_BASE_MS = '1000';
process.env.SIMPUL_ILL_MAX_ATTEMPTS = '3';

/**
 * Staff hear when an outbound ISO 18626 message to an outside peer gives up
 * for good: the peer refused it (ERROR), or its retries ran out. Bung Hatta
 * borrows from JKT-PNRI, a library that stands for the scripted peer;
 * Sawahlunto lends to it.
 */
let s: TestSimpul;
let peer: ScriptedPeer;
let bh: Agent;
let swl: Agent;
let bhAdmin: Agent;
let fadli: number;
let bhId: number;
let swlId: number;

beforeAll(async () => {
  s = await startTestSimpul();
  peer = await startScriptedPeer();
  loadIso18626Schema();
  await outsideLibrary(
    s,
    { code: 'JKT-PNRI', name: 'Perpustakaan Nasional (Jakarta)', peerName: 'Simpul Jakarta', isil: 'ID-JKT' },
    {
      endpointUrl: peer.url,
      outboundAccountId: 'sumbar',
      outboundSecret: 'kunci-keluar-0123456789abcdef',
      inboundAccountId: 'jakarta',
      timeoutMs: 2000,
    },
  );
  ({ bh, swl } = await signIn(s, 'bh', 'swl'));
  bhAdmin = await s.as('admin.bunghatta');
  fadli = await patronId(s, 'BH-2024-0001');
  bhId = await libraryId(s, 'BUNGHATTA');
  swlId = await libraryId(s, 'SAWAHLUNTO');
});
afterAll(async () => {
  await peer?.close();
  await s?.stop();
});
beforeEach(() => {
  peer.script.length = 0;
});

/** Runs the job queue until no send is scheduled, skipping the back-off waits (not the back-off). */
async function settle(): Promise<void> {
  const db = s.ctx.database.db;
  for (let round = 0; round < 20; round++) {
    await s.jobs.drain();
    await db
      .updateTable('jobs')
      .set({ run_at: new Date() })
      .where('kind', '=', 'ill.outbox')
      .where('status', '=', 'queued')
      .execute();
    const open = await db
      .selectFrom('jobs')
      .select('id')
      .where('kind', '=', 'ill.outbox')
      .where('status', 'in', ['queued', 'running'])
      .execute();
    if (open.length === 0) return;
  }
  throw new Error('the outbox kept sending');
}

/** The notifications of one kind and link, with the library of each staff recipient. */
async function told(kind: string, link: string) {
  return s.ctx.database.db
    .selectFrom('notifications as n')
    .innerJoin('staff_users as u', 'u.id', 'n.recipient_user_id')
    .select(['u.library_id', 'n.subject_id', 'n.subject_en', 'n.body_id', 'n.body_en'])
    .where('n.kind', '=', kind)
    .where('n.link', '=', link)
    .execute();
}

async function activeStaff(library: number): Promise<number> {
  const rows = await s.ctx.database.db
    .selectFrom('staff_users')
    .select('id')
    .where('library_id', '=', library)
    .where('active', '=', true)
    .execute();
  return rows.length;
}

async function outMessage(ref: { requestId: number } | { supplierRequestId: number }) {
  let q = s.ctx.database.db.selectFrom('ill_messages').selectAll().where('direction', '=', 'out');
  q =
    'requestId' in ref
      ? q.where('request_id', '=', ref.requestId)
      : q.where('supplier_request_id', '=', ref.supplierRequestId);
  return q.orderBy('id').execute();
}

async function borrowFromPeer(title: string): Promise<{ id: number; hrid: string }> {
  const { clusterId } = await titleHeldBy(s, title, { 'JKT-PNRI': 1 });
  const c = must(
    await bh.post('/api/v1/ill/requests', { patronId: fadli, clusterId, serviceType: 'Loan', send: true }),
  );
  expect(c.body.currentLender.code).toBe('JKT-PNRI');
  return { id: c.body.id, hrid: c.body.hrid };
}

const down = () => ({ status: 500, body: 'database down' });

describe('when an outbound message gives up for good', () => {
  it('tells the borrowing staff once when the retries run out, linking to the message log of the request', async () => {
    const { id, hrid } = await borrowFromPeer('Bumi Manusia');
    peer.script.push(down(), down(), down());
    await settle();
    const [msg] = await outMessage({ requestId: id });
    expect(msg).toMatchObject({ status: 'failed', attempts: 3, local_library_id: bhId });
    const link = `/ill/settings/messages?status=failed&requestId=${id}`;
    let got = await told('ill.message_failed', link);
    // every active staff member of Bung Hatta, nobody of another library
    expect(got).toHaveLength(await activeStaff(bhId));
    expect(new Set(got.map((g) => g.library_id))).toEqual(new Set([bhId]));
    const n = got[0];
    expect(n?.subject_id).toBe(`Pesan ke Simpul Jakarta gagal terkirim: ${hrid}`);
    expect(n?.subject_en).toBe(`Message to Simpul Jakarta not delivered: ${hrid}`);
    expect(n?.body_en).toContain('“Bumi Manusia”: the New Loan message did not reach Simpul Jakarta after 3 attempts');
    expect(n?.body_en).toContain('HTTP 500');
    expect(n?.body_id).toContain('setelah 3 kali dicoba');
    // the librarian sees it in her inbox, and the link shows her the message; Sawahlunto sees neither
    const inbox = await bh.get('/api/v1/notifications?pageSize=100');
    expect(inbox.body.items.filter((i: { link: string }) => i.link === link)).toHaveLength(1);
    const other = await swl.get('/api/v1/notifications?pageSize=100');
    expect(other.body.items.some((i: { kind: string }) => i.kind.startsWith('ill.message_'))).toBe(false);
    const log = await bh.get(`/api/v1/ill/messages?status=failed&requestId=${id}`);
    expect(log.body.items.map((m: { id: number }) => m.id)).toEqual([msg?.id]);
    expect((await swl.get(`/api/v1/ill/messages?status=failed&requestId=${id}`)).body.items).toEqual([]);
    // the timeline says so too
    const r = await bh.get(`/api/v1/ill/requests/${id}`);
    expect(r.body.timeline.filter((e: { event: string }) => e.event === 'peer:undeliverable')).toHaveLength(1);

    // the administrator retries, and it gives up again: nobody is told a second time
    must(await bhAdmin.post(`/api/v1/ill/messages/${msg?.id}/retry`));
    peer.script.push(down(), down(), down());
    await settle();
    expect((await outMessage({ requestId: id }))[0]?.status).toBe('failed');
    got = await told('ill.message_failed', link);
    expect(got).toHaveLength(await activeStaff(bhId));
    // once it goes through, nothing more is said either
    must(await bhAdmin.post(`/api/v1/ill/messages/${msg?.id}/retry`));
    await settle();
    expect((await outMessage({ requestId: id }))[0]?.status).toBe('confirmed');
    expect(await told('ill.message_failed', link)).toHaveLength(await activeStaff(bhId));
  });

  it('tells nobody about a message that fails for a while and then goes through', async () => {
    const { id } = await borrowFromPeer('Anak Semua Bangsa');
    peer.script.push(down(), { close: true });
    await settle();
    const [msg] = await outMessage({ requestId: id });
    expect(msg).toMatchObject({ status: 'confirmed', attempts: 3, staff_told_at: null });
    const any = await s.ctx.database.db
      .selectFrom('notifications')
      .select('id')
      .where('kind', 'like', 'ill.%message_%')
      .where('link', 'like', `%requestId=${id}`)
      .execute();
    expect(any).toEqual([]);
  });

  it('tells the lending staff once when the peer refuses their answer, and the borrowers of this node nothing', async () => {
    const request: Request = {
      header: {
        supplyingAgencyId: { agencyIdType: { value: 'SIMPUL' }, agencyIdValue: 'SAWAHLUNTO' },
        requestingAgencyId: { agencyIdType: { value: 'ISIL' }, agencyIdValue: 'ID-JKT' },
        timestamp: '2026-11-01T08:00:00Z',
        requestingAgencyRequestId: 'JKT-77-1',
      },
      bibliographicInfo: { title: 'Rumah Kaca', author: 'Pramoedya Ananta Toer' },
      serviceInfo: { serviceType: 'Loan', requestType: 'New' },
    };
    const db = s.ctx.database.db;
    const ok = await db
      .transaction()
      .execute((trx) =>
        handlePeerMessage(trx, { kind: 'request', message: request }, { kind: 'remote', label: 'Simpul Jakarta' }),
      );
    expect(ok).toBe('OK');
    const sup = await db
      .selectFrom('ill_supplier_requests')
      .select(['id', 'hrid'])
      .where('requesting_agency_request_id', '=', 'JKT-77-1')
      .executeTakeFirstOrThrow();
    peer.script.push({
      answer: { errorType: 'UnrecognisedDataValue', errorValue: 'requestingAgencyRequestId JKT-77-1' },
    });
    must(await swl.post(`/api/v1/ill/supplier-requests/${sup.id}/actions/willSupply`, {}));
    await settle();
    const [msg] = await outMessage({ supplierRequestId: sup.id });
    expect(msg).toMatchObject({ status: 'rejected', attempts: 1, local_library_id: swlId });
    const link = `/ill/settings/messages?status=rejected&supplierRequestId=${sup.id}`;
    const got = await told('ill.lender.message_rejected', link);
    expect(got).toHaveLength(await activeStaff(swlId));
    expect(new Set(got.map((g) => g.library_id))).toEqual(new Set([swlId]));
    expect(got[0]?.subject_en).toBe(`Message refused by Simpul Jakarta: ${sup.hrid}`);
    expect(got[0]?.subject_id).toBe(`Pesan ditolak Simpul Jakarta: ${sup.hrid}`);
    expect(got[0]?.body_en).toContain('refused the RequestResponse WillSupply message');
    expect(got[0]?.body_en).toContain('UnrecognisedDataValue: requestingAgencyRequestId JKT-77-1');
    expect(got[0]?.body_id).toContain('menolak pesan RequestResponse WillSupply');
    const mine = await bh.get('/api/v1/notifications?pageSize=100');
    expect(mine.body.items.some((i: { link: string }) => i.link === link)).toBe(false);
    // sent again and refused again: still one notice each
    const swlAdmin = await s.as('admin.sawahlunto');
    must(await swlAdmin.post(`/api/v1/ill/messages/${msg?.id}/retry`));
    peer.script.push({ answer: { errorType: 'UnrecognisedDataValue', errorValue: 'still unknown' } });
    await settle();
    expect((await outMessage({ supplierRequestId: sup.id }))[0]).toMatchObject({ status: 'rejected', attempts: 1 });
    expect(await told('ill.lender.message_rejected', link)).toHaveLength(await activeStaff(swlId));
  });
});
