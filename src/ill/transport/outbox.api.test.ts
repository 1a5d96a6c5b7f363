import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ScriptedPeer, startScriptedPeer } from '../../../test/ill-transport-support.ts';
import { startTestSimpul, type TestSimpul } from '../../../test/support.ts';
import { systemActor } from '../../platform/actor.ts';
import { fullRequest, requestingAgencyMessage } from '../iso18626/fixtures.ts';
import { loadIso18626Schema } from '../iso18626/schema.ts';
import { backoffMs, type OutboundEvent, onOutboundSettled, queueOutbound } from './outbox.ts';
import { createPeer } from './peers.ts';

process.env.SIMPUL_ILL_RETRY_BASE_MS = '1000';
process.env.SIMPUL_ILL_MAX_ATTEMPTS = '3';

let s: TestSimpul;
let peer: ScriptedPeer;
let peerId: number;
const settled: OutboundEvent[] = [];
const OUT_SECRET = 'kunci-keluar-0123456789abcdef';

beforeAll(async () => {
  s = await startTestSimpul();
  peer = await startScriptedPeer();
  const db = s.ctx.database.db;
  const net = await db.selectFrom('networks').select('id').executeTakeFirstOrThrow();
  await db
    .insertInto('libraries')
    .values({ network_id: net.id, code: 'JKT-PNRI', name: 'Perpusnas (peer)', type: 'national' })
    .execute();
  const created = await createPeer(db, s.ctx.protector, systemActor(), {
    name: 'Peer Jakarta',
    library: 'JKT-PNRI',
    agencyId: { type: 'ISIL', value: 'ID-JKT' },
    endpointUrl: peer.url,
    outboundAccountId: 'sumbar',
    outboundSecret: OUT_SECRET,
    inboundAccountId: 'jakarta',
    timeoutMs: 1000,
  });
  peerId = created.peer.id;
  // Compile the XSD before any timed exchange: the first compile takes longer than a send may.
  loadIso18626Schema();
  onOutboundSettled(async (_trx, e) => {
    settled.push(e);
  });
});
afterAll(async () => {
  await peer?.close();
  await s?.stop();
});
beforeEach(async () => {
  // Nothing of an earlier test may still be on its way.
  await s.ctx.database.db
    .updateTable('ill_messages')
    .set({ status: 'abandoned' })
    .where('status', 'in', ['pending', 'failed'])
    .execute();
  await s.ctx.database.db
    .updateTable('jobs')
    .set({ status: 'done' })
    .where('kind', '=', 'ill.outbox')
    .where('status', '=', 'queued')
    .execute();
  peer.received.length = 0;
  peer.script.length = 0;
  settled.length = 0;
});

const ram = (rid: string, action: Parameters<typeof requestingAgencyMessage>[0]) => {
  const m = requestingAgencyMessage(action);
  return {
    kind: 'requestingAgencyMessage' as const,
    message: { ...m, header: { ...m.header, requestingAgencyRequestId: rid } },
  };
};

async function queue(rid: string, action: Parameters<typeof requestingAgencyMessage>[0]): Promise<number> {
  return s.ctx.database.db.transaction().execute((trx) => queueOutbound(trx, { peerId, message: ram(rid, action) }));
}

type Got = ScriptedPeer['received'][number];
const actionOf = (r: Got) => (r.parsed?.kind === 'requestingAgencyMessage' ? r.parsed.message.action : undefined);
const ridOf = (r: Got) =>
  r.parsed?.kind === 'requestingAgencyMessage' ? r.parsed.message.header.requestingAgencyRequestId : undefined;

const message = (id: number) =>
  s.ctx.database.db.selectFrom('ill_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

/** Sends due in the future become due now: the tests skip the back-off waits, not the back-off. */
const fastForward = () =>
  s.ctx.database.db
    .updateTable('jobs')
    .set({ run_at: new Date() })
    .where('kind', '=', 'ill.outbox')
    .where('status', '=', 'queued')
    .execute();

/** Runs the job queue until no send is scheduled, skipping back-off waits. */
async function settle(limitMs = 5000): Promise<void> {
  const end = Date.now() + limitMs;
  for (;;) {
    await s.jobs.drain();
    await fastForward();
    const open = await s.ctx.database.db
      .selectFrom('jobs')
      .select('id')
      .where('kind', '=', 'ill.outbox')
      .where('status', 'in', ['queued', 'running'])
      .execute();
    if (open.length === 0 || Date.now() > end) return;
  }
}

describe('the ISO 18626 outbox', () => {
  it('posts a queued message to the peer with its credentials and records the OK confirmation', async () => {
    const id = await queue('PDG-1', 'Renew');
    expect((await message(id)).status).toBe('pending');
    await settle();
    expect(peer.received).toHaveLength(1);
    const got = peer.received[0];
    expect(got?.contentType).toContain('text/xml');
    expect(got?.authorization).toBe(`Basic ${Buffer.from(`sumbar:${OUT_SECRET}`).toString('base64')}`);
    expect(got?.parsed?.kind).toBe('requestingAgencyMessage');
    const m = await message(id);
    expect(m).toMatchObject({ status: 'confirmed', attempts: 1, http_status: 200, direction: 'out', summary: 'Renew' });
    expect(m.confirmation_xml).toContain('<messageStatus>OK</messageStatus>');
    expect(m.xml).toBe(got?.xml);
  });

  it('tries again with exponential back-off when the peer is unreachable or answers no confirmation, then succeeds', async () => {
    peer.script.push({ status: 503, body: 'maintenance' }, { hang: 2500 });
    const id = await queue('PDG-2', 'Received');
    await s.jobs.drain();
    const first = await message(id);
    expect(first).toMatchObject({ status: 'pending', attempts: 1, http_status: 503 });
    expect(first.last_error).toContain('HTTP 503');
    const wait1 = (first.next_attempt_at?.getTime() ?? 0) - (first.last_attempt_at?.getTime() ?? 0);
    expect(wait1).toBe(1000);
    await fastForward();
    await s.jobs.drain();
    const second = await message(id);
    expect(second).toMatchObject({ status: 'pending', attempts: 2 });
    expect(second.last_error).toMatch(/abort|timeout/i);
    const wait2 = (second.next_attempt_at?.getTime() ?? 0) - (second.last_attempt_at?.getTime() ?? 0);
    expect(wait2).toBe(2000);
    await settle();
    expect(await message(id)).toMatchObject({ status: 'confirmed', attempts: 3 });
    expect(peer.received).toHaveLength(3);
    expect(backoffMs(5, { retryBaseMs: 30_000, retryCapMs: 3_600_000, maxAttempts: 12 })).toBe(480_000);
    expect(backoffMs(20, { retryBaseMs: 30_000, retryCapMs: 3_600_000, maxAttempts: 12 })).toBe(3_600_000);
  });

  it('records an ERROR confirmation as rejected, tells the listeners, and does not try again', async () => {
    peer.script.push({ answer: { errorType: 'UnsupportedActionType', errorValue: 'Renew' } });
    const id = await queue('PDG-3', 'Renew');
    await settle();
    const m = await message(id);
    expect(m).toMatchObject({
      status: 'rejected',
      attempts: 1,
      error_type: 'UnsupportedActionType',
      error_value: 'Renew',
    });
    expect(settled).toEqual([
      expect.objectContaining({
        type: 'rejected',
        messageId: id,
        peerId,
        errors: [{ errorType: 'UnsupportedActionType', errorValue: 'Renew' }],
      }),
    ]);
    await settle();
    expect(peer.received).toHaveLength(1);
  });

  it('treats an answer that is not a valid confirmation of the right kind as a failed attempt', async () => {
    peer.script.push(
      { status: 200, body: '<html>login</html>' },
      {
        status: 200,
        body: '<?xml version="1.0"?><ISO18626Message xmlns="http://illtransactions.org/2013/iso18626"><bogus/></ISO18626Message>',
      },
      { close: true },
    );
    const id = await queue('PDG-4', 'Notification');
    await settle();
    const m = await message(id);
    expect(m).toMatchObject({ status: 'failed', attempts: 3, next_attempt_at: null });
    expect(m.last_error).toBeTruthy();
    expect(settled).toEqual([expect.objectContaining({ type: 'failed', messageId: id })]);
  });

  it('keeps the order of one request: a later message waits while an earlier one is failing, and follows once it goes', async () => {
    peer.script.push({ status: 500, body: '' });
    const a = await queue('PDG-5', 'Received');
    const b = await queue('PDG-5', 'ShippedReturn');
    const other = await queue('PDG-6', 'Received');
    await s.jobs.drain();
    // The other request is not held up; PDG-5's second message has not gone.
    expect(peer.received.map(actionOf)).toEqual(['Received', 'Received']);
    expect((await message(b)).attempts).toBe(0);
    await settle();
    const order = peer.received.filter((r) => ridOf(r) === 'PDG-5').map(actionOf);
    expect(order).toEqual(['Received', 'Received', 'ShippedReturn']);
    expect((await message(a)).status).toBe('confirmed');
    expect((await message(b)).status).toBe('confirmed');
    expect((await message(other)).status).toBe('confirmed');
  });

  it('holds a request after a message failed for good until staff retry or abandon it', async () => {
    peer.script.push({ status: 500, body: '' }, { status: 500, body: '' }, { status: 500, body: '' });
    const a = await queue('PDG-7', 'Received');
    const b = await queue('PDG-7', 'Renew');
    await settle();
    expect((await message(a)).status).toBe('failed');
    expect((await message(b)).status).toBe('pending');
    const coord = await s.as('koordinator');
    const retried = await coord.post(`/api/v1/ill/messages/${a}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'pending', attempts: 0 });
    await settle();
    expect((await message(a)).status).toBe('confirmed');
    expect((await message(b)).status).toBe('confirmed');
    // Only a failed (or rejected) message can be retried.
    const again = await coord.post(`/api/v1/ill/messages/${a}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('message_not_failed');
    const audit = await s.ctx.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity', '=', 'ill_message')
      .execute();
    expect(audit.map((x) => x.action)).toEqual(['retry']);
  });

  it('lets staff abandon a failed message so the rest of its request goes on', async () => {
    peer.script.push({ status: 500, body: '' }, { status: 500, body: '' }, { status: 500, body: '' });
    const a = await queue('PDG-8', 'Received');
    const b = await queue('PDG-8', 'ShippedReturn');
    await settle();
    const librarian = await s.as('pustakawan.bunghatta');
    expect((await librarian.post(`/api/v1/ill/messages/${a}/abandon`)).status).toBe(404);
    const coord = await s.as('koordinator');
    expect((await coord.post(`/api/v1/ill/messages/${a}/abandon`)).body.status).toBe('abandoned');
    await settle();
    expect((await message(b)).status).toBe('confirmed');
    const log = await coord.get(`/api/v1/ill/messages?peerId=${peerId}&status=abandoned`);
    expect(log.body.items.map((m: { id: number }) => m.id)).toContain(a);
    expect(log.body.items.map((m: { id: number }) => m.id)).not.toContain(b);
    const one = await coord.get(`/api/v1/ill/messages/${a}`);
    expect(one.body.xml).toContain('<action>Received</action>');
  });

  it('queues nothing when the state change it belongs to rolls back, and never builds an invalid message', async () => {
    const before = await s.ctx.database.db.selectFrom('ill_messages').select('id').execute();
    const jobsBefore = await s.ctx.database.db.selectFrom('jobs').select('id').execute();
    await expect(
      s.ctx.database.db.transaction().execute(async (trx) => {
        await queueOutbound(trx, { peerId, message: ram('PDG-9', 'Cancel') });
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    const broken = {
      kind: 'request' as const,
      message: { ...fullRequest(), header: { ...fullRequest().header, timestamp: 'kemarin' } },
    };
    await expect(
      s.ctx.database.db.transaction().execute((trx) => queueOutbound(trx, { peerId, message: broken })),
    ).rejects.toThrow(/not valid ISO 18626/);
    expect(await s.ctx.database.db.selectFrom('ill_messages').select('id').execute()).toHaveLength(before.length);
    expect(await s.ctx.database.db.selectFrom('jobs').select('id').execute()).toHaveLength(jobsBefore.length);
  });

  it('never sends or keeps a securityCode: we authenticate with HTTP Basic', async () => {
    const req = fullRequest();
    const id = await s.ctx.database.db
      .transaction()
      .execute((trx) => queueOutbound(trx, { peerId, message: { kind: 'request', message: req } }));
    await settle();
    expect(peer.received[0]?.xml).not.toContain('securityCode');
    expect(peer.received[0]?.xml).toContain('<accountId>pdg</accountId>');
    expect((await message(id)).xml).not.toContain('s3cret');
  });

  it('waits while the peer is paused', async () => {
    const coord = await s.as('koordinator');
    await coord.patch(`/api/v1/ill/peers/${peerId}`, { active: false });
    const id = await queue('PDG-10', 'Received');
    await s.jobs.drain();
    expect(await message(id)).toMatchObject({ status: 'pending', attempts: 1, last_error: 'peer is paused' });
    expect(peer.received).toHaveLength(0);
    await coord.patch(`/api/v1/ill/peers/${peerId}`, { active: true });
    await settle();
    expect((await message(id)).status).toBe('confirmed');
  });
});
