import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patronId, supplierIdOf, titleHeldBy } from '../../test/ill-support.ts';
import { type Agent, startTestSimpul, type TestSimpul } from '../../test/support.ts';
import { handlePeerMessage } from './delivery.ts';
import type { Request, SupplyingAgencyMessage } from './iso18626/types.ts';

let s: TestSimpul;
let bh: Agent;
let fadli: number;

beforeAll(async () => {
  s = await startTestSimpul();
  bh = await s.as('pustakawan.bunghatta');
  fadli = await patronId(s, 'BH-2024-0001');
});
afterAll(async () => s?.stop());

const remote = { kind: 'remote' as const, label: 'test peer' };

function request(over: Partial<Request['header']> = {}): Request {
  return {
    header: {
      supplyingAgencyId: { agencyIdType: { value: 'SIMPUL' }, agencyIdValue: 'SAWAHLUNTO' },
      requestingAgencyId: { agencyIdType: { value: 'ISIL' }, agencyIdValue: 'ID-JKT-OUT' },
      timestamp: '2026-11-01T08:00:00Z',
      requestingAgencyRequestId: 'OUT-1',
      ...over,
    },
    bibliographicInfo: { title: 'Bumi Manusia', author: 'Pramoedya Ananta Toer' },
    serviceInfo: { serviceType: 'Loan', requestType: 'New' },
  };
}

describe('handlePeerMessage', () => {
  it('creates a lender record for a Request once; a resent Request changes nothing', async () => {
    const db = s.ctx.database.db;
    const first = await db
      .transaction()
      .execute((trx) => handlePeerMessage(trx, { kind: 'request', message: request() }, remote));
    const again = await db
      .transaction()
      .execute((trx) => handlePeerMessage(trx, { kind: 'request', message: request() }, remote));
    expect(first).toBe('OK');
    expect(again).toBe('OK');
    const rows = await db
      .selectFrom('ill_supplier_requests')
      .select(['state', 'borrower_library_id', 'hrid'])
      .where('requesting_agency_request_id', '=', 'OUT-1')
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.state).toBe('RequestReceived');
    expect(rows[0]?.borrower_library_id).toBeNull();
    expect(rows[0]?.hrid).toMatch(/^SAWAHLUNTO-S\d+$/);
  });

  it('answers unknown agencies and request ids with UnrecognisedDataValue', async () => {
    const db = s.ctx.database.db;
    const unknownLender = await db.transaction().execute((trx) =>
      handlePeerMessage(
        trx,
        {
          kind: 'request',
          message: request({ supplyingAgencyId: { agencyIdType: { value: 'SIMPUL' }, agencyIdValue: 'NOPE' } }),
        },
        remote,
      ),
    );
    expect(unknownLender).toMatchObject({ errorType: 'UnrecognisedDataValue' });
    const ram = await db.transaction().execute((trx) =>
      handlePeerMessage(
        trx,
        {
          kind: 'requestingAgencyMessage',
          message: {
            header: {
              supplyingAgencyId: { agencyIdType: { value: 'SIMPUL' }, agencyIdValue: 'SAWAHLUNTO' },
              requestingAgencyId: { agencyIdType: { value: 'ISIL' }, agencyIdValue: 'ID-JKT-OUT' },
              timestamp: '2026-11-01T09:00:00Z',
              requestingAgencyRequestId: 'NO-SUCH',
            },
            action: 'Cancel',
          },
        },
        remote,
      ),
    );
    expect(ram).toMatchObject({ errorType: 'UnrecognisedDataValue' });
  });

  it('refuses a lender status that does not fit the request, and changes nothing', async () => {
    const { clusterId } = await titleHeldBy(s, 'Anak Semua Bangsa', { SAWAHLUNTO: 1 });
    const c = await bh.post('/api/v1/ill/requests', { patronId: fadli, clusterId, serviceType: 'Loan', send: true });
    const before = await bh.get(`/api/v1/ill/requests/${c.body.id}`);
    const sam: SupplyingAgencyMessage = {
      header: {
        supplyingAgencyId: { agencyIdType: { value: 'SIMPUL' }, agencyIdValue: 'SAWAHLUNTO' },
        requestingAgencyId: { agencyIdType: { value: 'SIMPUL' }, agencyIdValue: 'BUNGHATTA' },
        timestamp: '2026-11-02T09:00:00Z',
        requestingAgencyRequestId: `${c.body.hrid}-1`,
      },
      messageInfo: { reasonForMessage: 'StatusChange' },
      statusInfo: { status: 'LoanCompleted', lastChange: '2026-11-02T09:00:00Z' },
    };
    const out = await s.ctx.database.db
      .transaction()
      .execute((trx) => handlePeerMessage(trx, { kind: 'supplyingAgencyMessage', message: sam }, remote));
    expect(out).toMatchObject({ errorType: 'UnrecognisedDataValue' });
    const after = await bh.get(`/api/v1/ill/requests/${c.body.id}`);
    expect(after.body.state).toBe(before.body.state);
    expect(after.body.timeline).toHaveLength(before.body.timeline.length);
    // a message naming another supplier for this attempt is refused too
    const wrong = await s.ctx.database.db.transaction().execute((trx) =>
      handlePeerMessage(
        trx,
        {
          kind: 'supplyingAgencyMessage',
          message: {
            ...sam,
            header: {
              ...sam.header,
              supplyingAgencyId: { agencyIdType: { value: 'SIMPUL' }, agencyIdValue: 'PAYAKUMBUH' },
            },
            statusInfo: { status: 'WillSupply', lastChange: '2026-11-02T09:00:00Z' },
          },
        },
        remote,
      ),
    );
    expect(wrong).toMatchObject({ errorType: 'UnrecognisedDataValue' });
    // the right lender's WillSupply applies, and resent it is a duplicate
    const ok = { ...sam, statusInfo: { status: 'WillSupply' as const, lastChange: sam.header.timestamp } };
    const db = s.ctx.database.db;
    expect(
      await db
        .transaction()
        .execute((trx) => handlePeerMessage(trx, { kind: 'supplyingAgencyMessage', message: ok }, remote)),
    ).toBe('OK');
    expect(
      await db
        .transaction()
        .execute((trx) => handlePeerMessage(trx, { kind: 'supplyingAgencyMessage', message: ok }, remote)),
    ).toBe('OK');
    const r = await bh.get(`/api/v1/ill/requests/${c.body.id}`);
    expect(r.body.state).toBe('WillSupply');
    expect(
      r.body.timeline.filter((e: { event: string }) => e.event === 'SupplyingAgencyMessage:StatusChange:WillSupply'),
    ).toHaveLength(1);
    expect(await supplierIdOf(bh, c.body.id)).toBeGreaterThan(0);
  });
});
