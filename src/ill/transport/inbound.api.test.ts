import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestSimpul, type TestSimpul } from '../../../test/support.ts';
import { systemActor } from '../../platform/actor.ts';
import { audit } from '../../platform/audit.ts';
import { Conflict } from '../../platform/errors.ts';
import type { ConfirmationOutcome } from '../iso18626/build.ts';
import { buildMessage } from '../iso18626/build.ts';
import { fullRequest, fullSupplyingAgencyMessage, requestingAgencyMessage } from '../iso18626/fixtures.ts';
import { parseMessage } from '../iso18626/parse.ts';
import type { AgencyId, Iso18626Message } from '../iso18626/types.ts';
import { basicHeader } from './credentials.ts';
import { type InboundHandlers, receiveIso18626 } from './inbound.ts';
import { createPeer } from './peers.ts';

/**
 * The inbound half of the endpoint with a stand-in for the ILL service that
 * writes to the database, so rollback on an error answer can be seen.
 */
let s: TestSimpul;
const SECRET = 'rahasia-masuk-0123456789abcdef';
const PEER: AgencyId = { agencyIdType: { value: 'ISIL' }, agencyIdValue: 'ID-JKT' };
const OURS: AgencyId = { agencyIdType: { value: 'SIMPUL' }, agencyIdValue: 'BUNGHATTA' };
let peerId: number;
let next: ConfirmationOutcome | Error = 'OK';
const seen: Array<{ kind: string; origin: unknown }> = [];

const handlers: InboundHandlers = {
  async handle(trx, message, origin) {
    seen.push({ kind: message.kind, origin });
    await audit(trx, systemActor('test'), {
      action: 'handled',
      entity: 'test_message',
      entityId: null,
      libraryId: null,
    });
    if (next instanceof Error) throw next;
    return next;
  },
  async link() {
    return { requestId: null, supplierRequestId: 77 };
  },
};

const auth = basicHeader('jakarta', SECRET);

function request(over: Partial<ReturnType<typeof fullRequest>['header']> = {}): string {
  const r = fullRequest();
  return buildMessage({
    kind: 'request',
    message: { ...r, header: { ...r.header, supplyingAgencyId: OURS, requestingAgencyId: PEER, ...over } },
  });
}
function sam(): string {
  const m = fullSupplyingAgencyMessage();
  return buildMessage({
    kind: 'supplyingAgencyMessage',
    message: { ...m, header: { ...m.header, supplyingAgencyId: PEER, requestingAgencyId: OURS } },
  });
}
function ram(action: Parameters<typeof requestingAgencyMessage>[0] = 'Renew'): string {
  const m = requestingAgencyMessage(action);
  return buildMessage({
    kind: 'requestingAgencyMessage',
    message: { ...m, header: { ...m.header, supplyingAgencyId: OURS, requestingAgencyId: PEER } },
  });
}

/** null: no Authorization header at all. */
const receive = (body: string, authorization: string | null = auth) =>
  receiveIso18626(s.ctx.database.db, s.ctx.protector, { body, authorization: authorization ?? undefined }, handlers);

function answer(xml: string): Iso18626Message {
  const p = parseMessage(xml);
  if (!p.ok) throw new Error(`our answer is not valid ISO 18626: ${p.errorValue}`);
  return p.parsed;
}
const errorsOf = (xml: string) => (answer(xml).message as { errorData?: unknown[] }).errorData;
const statusOf = (xml: string) =>
  (answer(xml).message as { confirmationHeader: { messageStatus: string } }).confirmationHeader.messageStatus;

const handledCount = async () =>
  (await s.ctx.database.db.selectFrom('audit_log').select('id').where('entity', '=', 'test_message').execute()).length;

beforeAll(async () => {
  s = await startTestSimpul();
  const db = s.ctx.database.db;
  const net = await db.selectFrom('networks').select('id').executeTakeFirstOrThrow();
  await db
    .insertInto('libraries')
    .values({ network_id: net.id, code: 'JKT-PNRI', name: 'Perpusnas (peer)', type: 'national' })
    .execute();
  const p = await createPeer(db, s.ctx.protector, systemActor(), {
    name: 'Peer Jakarta',
    library: 'JKT-PNRI',
    agencyId: { type: 'ISIL', value: 'ID-JKT' },
    endpointUrl: 'http://127.0.0.1:9/iso18626',
    inboundAccountId: 'jakarta',
    inboundSecret: SECRET,
  });
  peerId = p.peer.id;
});
afterAll(async () => {
  await s?.stop();
});
beforeEach(() => {
  next = 'OK';
  seen.length = 0;
});

describe('receiving ISO 18626 messages', () => {
  it('hands each of the three kinds to the ILL service with who sent it, answers the matching OK confirmation and logs it', async () => {
    const kinds = [];
    for (const xml of [request(), sam(), ram()]) {
      const r = await receive(xml);
      expect(r.status).toBe(200);
      expect(statusOf(r.xml)).toBe('OK');
      kinds.push(answer(r.xml).kind);
    }
    expect(kinds).toEqual([
      'requestConfirmation',
      'supplyingAgencyMessageConfirmation',
      'requestingAgencyMessageConfirmation',
    ]);
    expect(seen.map((x) => x.kind)).toEqual(['request', 'supplyingAgencyMessage', 'requestingAgencyMessage']);
    expect(seen[0]?.origin).toEqual({ kind: 'remote', label: 'Peer Jakarta', peerId });
    const logged = await s.ctx.database.db
      .selectFrom('ill_messages')
      .selectAll()
      .where('direction', '=', 'in')
      .orderBy('id')
      .execute();
    expect(logged.map((m) => [m.kind, m.status, m.summary, m.supplier_request_id])).toEqual([
      ['request', 'accepted', 'New Loan', 77],
      ['supplyingAgencyMessage', 'accepted', 'StatusChange Loaned', 77],
      ['requestingAgencyMessage', 'accepted', 'Renew', 77],
    ]);
    const lib = await s.ctx.database.db
      .selectFrom('libraries')
      .select('id')
      .where('code', '=', 'BUNGHATTA')
      .executeTakeFirstOrThrow();
    expect(logged.every((m) => m.peer_id === peerId && m.local_library_id === lib.id)).toBe(true);
    // The securityCode the request carried is not kept readable.
    expect(logged[0]?.xml).toContain('<securityCode>***</securityCode>');
    expect(logged[0]?.xml).not.toContain('s3cret');
  });

  it('refuses a sender without credentials or with wrong ones: 401, an ERROR confirmation, nothing handled or logged', async () => {
    const before = await handledCount();
    const logBefore = (await s.ctx.database.db.selectFrom('ill_messages').select('id').execute()).length;
    for (const a of [
      null,
      basicHeader('jakarta', 'salah-rahasia-0123456789abcdef'),
      basicHeader('orang-lain', SECRET),
      'Basic !!!',
    ]) {
      const r = await receive(sam(), a);
      expect(r.status).toBe(401);
      expect(statusOf(r.xml)).toBe('ERROR');
      expect(answer(r.xml).kind).toBe('supplyingAgencyMessageConfirmation');
      expect(errorsOf(r.xml)).toEqual([
        { errorType: 'UnrecognisedDataValue', errorValue: expect.stringMatching(/^authentication/) },
      ]);
    }
    // Not even for a broken message does an unknown sender learn more than that.
    const broken = await receive('<not-xml', null);
    expect(broken.status).toBe(401);
    expect(await handledCount()).toBe(before);
    expect((await s.ctx.database.db.selectFrom('ill_messages').select('id').execute()).length).toBe(logBefore);
  });

  it('accepts the account and securityCode of a Request header in place of HTTP Basic', async () => {
    const r = await receive(
      request({ requestingAgencyAuthentication: { accountId: 'jakarta', securityCode: SECRET } }),
      null,
    );
    expect(r.status).toBe(200);
    expect(statusOf(r.xml)).toBe('OK');
    const wrong = await receive(
      request({ requestingAgencyAuthentication: { accountId: 'jakarta', securityCode: 'x' } }),
      null,
    );
    expect(wrong.status).toBe(401);
  });

  it('does not accept credentials from a paused peer', async () => {
    await s.ctx.database.db.updateTable('ill_peers').set({ active: false }).where('id', '=', peerId).execute();
    try {
      expect((await receive(ram())).status).toBe(401);
    } finally {
      await s.ctx.database.db.updateTable('ill_peers').set({ active: true }).where('id', '=', peerId).execute();
    }
  });

  it('answers malformed and schema-invalid messages with the standard error types, handling nothing', async () => {
    const before = await handledCount();
    const valid = ram();
    const cases: Array<[string, string]> = [
      ['<ISO18626Message', 'BadlyFormedMessage'],
      [valid.replace('<action>Renew</action>', '<action>Borrow</action>'), 'UnrecognisedDataValue'],
      [
        valid.replace('<action>Renew</action>', '<action>Renew</action><colour>blue</colour>'),
        'UnrecognisedDataElement',
      ],
      [valid.replace(/<timestamp>[^<]+<\/timestamp>/, ''), 'BadlyFormedMessage'],
      [valid.replace('<action>Renew</action>', '<action>HoldReturn</action>'), 'UnsupportedActionType'],
      [valid.replace('http://illtransactions.org/2013/iso18626"', 'urn:other"'), 'UnrecognisedDataElement'],
      [
        `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>${valid.replace(/^<\?xml[^>]*>/, '')}`,
        'BadlyFormedMessage',
      ],
      [
        buildMessage({
          kind: 'requestConfirmation',
          message: {
            confirmationHeader: {
              timestamp: '2025-01-01T00:00:00Z',
              timestampReceived: '2025-01-01T00:00:00Z',
              messageStatus: 'OK',
            },
          },
        }),
        'BadlyFormedMessage',
      ],
    ];
    for (const [xml, type] of cases) {
      const r = await receive(xml);
      expect(r.status, type).toBe(200);
      expect(statusOf(r.xml)).toBe('ERROR');
      expect((errorsOf(r.xml) as Array<{ errorType: string }>)[0]?.errorType, xml.slice(0, 80)).toBe(type);
    }
    expect(await handledCount()).toBe(before);
    const rejected = await s.ctx.database.db
      .selectFrom('ill_messages')
      .select(['status', 'error_type'])
      .where('direction', '=', 'in')
      .where('status', '=', 'rejected')
      .execute();
    expect(rejected.map((r) => r.error_type)).toEqual(cases.map((c) => c[1]));
  });

  it('refuses a message whose agencies are not the peer and one of our libraries', async () => {
    const before = await handledCount();
    const spoofed = await receive(
      request({ requestingAgencyId: { agencyIdType: { value: 'ISIL' }, agencyIdValue: 'ID-OTHER' } }),
    );
    expect(errorsOf(spoofed.xml)).toEqual([
      { errorType: 'UnrecognisedDataValue', errorValue: expect.stringContaining('requestingAgencyId ISIL:ID-OTHER') },
    ]);
    const notOurs = await receive(
      request({ supplyingAgencyId: { agencyIdType: { value: 'SIMPUL' }, agencyIdValue: 'NOWHERE' } }),
    );
    expect(errorsOf(notOurs.xml)).toEqual([
      { errorType: 'UnrecognisedDataValue', errorValue: expect.stringContaining('not a library of this node') },
    ]);
    // The library standing for the peer is in our directory, but it is not ours to answer for.
    const peerLib = await receive(
      request({ supplyingAgencyId: { agencyIdType: { value: 'SIMPUL' }, agencyIdValue: 'JKT-PNRI' } }),
    );
    expect(statusOf(peerLib.xml)).toBe('ERROR');
    const { supplyingAgencyId: _none, ...header } = fullRequest().header;
    const r = fullRequest();
    const missing = await receive(
      buildMessage({ kind: 'request', message: { ...r, header: { ...header, requestingAgencyId: PEER } } }),
    );
    expect(errorsOf(missing.xml)).toEqual([
      { errorType: 'UnrecognisedDataValue', errorValue: expect.stringContaining('supplyingAgencyId is missing') },
    ]);
    expect(await handledCount()).toBe(before);
  });

  it('rolls back everything the service wrote when it answers with an error, and says so to the peer', async () => {
    const before = await handledCount();
    next = { errorType: 'UnsupportedReasonForMessageType', errorValue: 'RenewResponse is not expected now' };
    const r = await receive(sam());
    expect(r.status).toBe(200);
    expect(answer(r.xml).kind).toBe('supplyingAgencyMessageConfirmation');
    expect(errorsOf(r.xml)).toEqual([
      { errorType: 'UnsupportedReasonForMessageType', errorValue: 'RenewResponse is not expected now' },
    ]);
    next = new Conflict('illegal_transition', { id: 'tidak boleh', en: 'not allowed now' });
    const c = await receive(ram('Cancel'));
    expect(errorsOf(c.xml)).toEqual([
      { errorType: 'UnrecognisedDataValue', errorValue: 'illegal_transition: not allowed now' },
    ]);
    expect(await handledCount()).toBe(before);
    const last = await s.ctx.database.db
      .selectFrom('ill_messages')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(2)
      .execute();
    expect(last.map((m) => [m.status, m.error_type, m.supplier_request_id])).toEqual([
      ['rejected', 'UnrecognisedDataValue', 77],
      ['rejected', 'UnsupportedReasonForMessageType', 77],
    ]);
  });

  it('lets a fault in the service surface as a fault (the peer will send again), keeping nothing', async () => {
    const before = await handledCount();
    const logBefore = (await s.ctx.database.db.selectFrom('ill_messages').select('id').execute()).length;
    next = new Error('database went away');
    await expect(receive(ram())).rejects.toThrow('database went away');
    expect(await handledCount()).toBe(before);
    expect((await s.ctx.database.db.selectFrom('ill_messages').select('id').execute()).length).toBe(logBefore);
  });
});
