import { describe, expect, it } from 'vitest';
import { JAKARTA, PADANG } from './iso18626/fixtures.ts';
import { buildMessage, handleIncoming } from './iso18626/index.ts';
import type { AgencyId, SupplyingAgencyMessage } from './iso18626/types.ts';
import {
  applyRequesterEvent,
  type RequesterContext,
  type RequesterEvent,
  type RequesterState,
  requesterEventFromMessage,
} from './requester-states.ts';
import type { Effect, Transition } from './state-machine.ts';
import {
  applySupplierEvent,
  type SupplierContext,
  type SupplierEvent,
  type SupplierState,
  supplierEventFromMessage,
} from './supplier-states.ts';

/**
 * Two libraries talking through real ISO 18626 XML: every message an effect
 * asks for is built, validated, parsed by `handleIncoming` and mapped back to
 * an event for the other side, as the service will do.
 */
class Exchange {
  req: RequesterState = 'New';
  reqCtx: RequesterContext;
  sup: SupplierState | undefined;
  supCtx: SupplierContext;
  rota: AgencyId[];
  lender = -1;
  clock = Date.parse('2025-03-01T08:00:00Z');
  readonly reqSeen = new Set<string>();
  readonly supSeen = new Set<string>();
  readonly effects: Effect[] = [];
  lastSam = '';

  constructor(
    serviceType: 'Loan' | 'Copy',
    rota: AgencyId[] = [JAKARTA],
    supplierExtra: Partial<SupplierContext> = {},
  ) {
    this.rota = rota;
    this.reqCtx = { serviceType, hasNextLender: rota.length > 0, seenMessageKeys: this.reqSeen };
    this.supCtx = { serviceType, seenMessageKeys: this.supSeen, ...supplierExtra };
    this.supplierExtra = supplierExtra;
  }
  private readonly supplierExtra: Partial<SupplierContext>;

  private tick(): string {
    this.clock += 60_000;
    return new Date(this.clock).toISOString();
  }

  requester(event: RequesterEvent): Transition<RequesterState> {
    const r = applyRequesterEvent(this.req, event, this.reqCtx);
    if (!r.ok) return r;
    if (r.next !== this.req) this.reqCtx = { ...this.reqCtx, previousState: this.req };
    this.req = r.next;
    for (const e of r.effects) this.requesterEffect(e);
    return r;
  }

  supplier(event: SupplierEvent): Transition<SupplierState> {
    if (!this.sup) throw new Error('no request at the supplier');
    const r = applySupplierEvent(this.sup, event, this.supCtx);
    if (!r.ok) return r;
    if (r.next !== this.sup) this.supCtx = { ...this.supCtx, previousState: this.sup };
    this.sup = r.next;
    for (const e of r.effects) this.supplierEffect(e);
    return r;
  }

  private requesterEffect(e: Effect): void {
    this.effects.push(e);
    switch (e.type) {
      case 'advanceRota':
        this.lender += 1;
        this.reqCtx = { ...this.reqCtx, hasNextLender: this.lender + 1 < this.rota.length };
        break;
      case 'sendRequest':
        // A new lender (or a retry) starts a fresh transaction on the supplying side.
        this.sup = 'RequestReceived';
        this.supSeen.clear();
        this.supCtx = { serviceType: this.reqCtx.serviceType, seenMessageKeys: this.supSeen, ...this.supplierExtra };
        break;
      case 'rememberConditions':
        this.reqCtx = { ...this.reqCtx, conditionalKind: e.kind };
        break;
      case 'rememberCancelIntent':
        this.reqCtx = { ...this.reqCtx, cancelIntent: e.intent };
        break;
      case 'rememberMessage':
        this.reqSeen.add(e.key);
        break;
      case 'sendRequestingAgencyMessage': {
        const xml = buildMessage({
          kind: 'requestingAgencyMessage',
          message: {
            header: {
              supplyingAgencyId: this.currentLender(),
              requestingAgencyId: PADANG,
              timestamp: this.tick(),
              requestingAgencyRequestId: 'PDG-1',
            },
            action: e.action,
            ...(e.note === undefined ? {} : { note: e.note }),
          },
        });
        const incoming = handleIncoming(xml);
        if (!incoming.ok || incoming.kind !== 'requestingAgencyMessage') throw new Error('RAM did not parse');
        this.supplier(supplierEventFromMessage(incoming.message));
        break;
      }
      default:
        break;
    }
  }

  private currentLender(): AgencyId {
    const l = this.rota[this.lender];
    if (!l) throw new Error('no current lender');
    return l;
  }

  private supplierEffect(e: Effect): void {
    this.effects.push(e);
    if (e.type === 'rememberMessage') this.supSeen.add(e.key);
    if (e.type !== 'sendSupplyingAgencyMessage') return;
    const now = this.tick();
    const message: SupplyingAgencyMessage = {
      header: {
        supplyingAgencyId: this.currentLender(),
        requestingAgencyId: PADANG,
        timestamp: now,
        requestingAgencyRequestId: 'PDG-1',
      },
      messageInfo: {
        reasonForMessage: e.reasonForMessage,
        ...(e.answerYesNo ? { answerYesNo: e.answerYesNo } : {}),
        ...(e.note === undefined ? {} : { note: e.note }),
        ...(e.reasonUnfilled === undefined ? {} : { reasonUnfilled: { value: e.reasonUnfilled } }),
        ...(e.reasonRetry === undefined ? {} : { reasonRetry: { value: e.reasonRetry } }),
      },
      statusInfo: { status: e.status, ...(e.dueDate === undefined ? {} : { dueDate: e.dueDate }), lastChange: now },
      ...(e.loanConditions ? { retryInfo: { loanCondition: e.loanConditions.map((value) => ({ value })) } } : {}),
    };
    this.lastSam = buildMessage({ kind: 'supplyingAgencyMessage', message });
    this.deliverSam(this.lastSam);
  }

  deliverSam(xml: string): Transition<RequesterState> {
    const incoming = handleIncoming(xml);
    if (!incoming.ok || incoming.kind !== 'supplyingAgencyMessage') throw new Error('SAM did not parse');
    return this.requester(requesterEventFromMessage(incoming.message));
  }

  has(type: Effect['type']): boolean {
    return this.effects.some((e) => e.type === type);
  }
}

function started(serviceType: 'Loan' | 'Copy', rota?: AgencyId[], extra?: Partial<SupplierContext>): Exchange {
  const x = new Exchange(serviceType, rota, extra);
  x.requester({ type: 'validate' });
  x.requester({ type: 'send' });
  expect([x.req, x.sup]).toEqual(['SentToSupplier', 'RequestReceived']);
  return x;
}

const BANDUNG: AgencyId = { agencyIdType: { value: 'ISIL' }, agencyIdValue: 'ID-BDG' };

describe('ILL flows between a borrowing and a lending library', () => {
  it('carries a loan through renewal, overdue, recall and return to completion', () => {
    const x = started('Loan');
    x.supplier({ type: 'willSupply' });
    expect(x.req).toBe('WillSupply');
    x.supplier({ type: 'ship', dueDate: '2025-04-01T00:00:00Z' });
    expect([x.req, x.sup]).toEqual(['Shipped', 'Loaned']);
    x.requester({ type: 'receive' });
    expect(x.req).toBe('Received');

    x.requester({ type: 'renew' });
    expect([x.req, x.sup]).toEqual(['RenewPending', 'RenewRequested']);
    x.supplier({ type: 'approveRenew', dueDate: '2025-05-01T00:00:00Z' });
    expect([x.req, x.sup]).toEqual(['Received', 'Loaned']);
    expect(x.effects).toContainEqual({ type: 'setDueDate', dueDate: '2025-05-01T00:00:00Z' });

    x.supplier({ type: 'markOverdue' });
    expect([x.req, x.sup]).toEqual(['Overdue', 'Overdue']);
    x.supplier({ type: 'recall', note: 'dibutuhkan pemustaka kami' });
    expect([x.req, x.sup]).toEqual(['Recalled', 'Recalled']);

    const renew = x.requester({ type: 'renew' });
    expect(renew.ok === false && renew.reason.code).toBe('renew_recalled');

    x.requester({ type: 'returnItem' });
    expect([x.req, x.sup]).toEqual(['ShippedReturn', 'ReturnInTransit']);
    x.supplier({ type: 'checkIn' });
    expect([x.req, x.sup]).toEqual(['Completed', 'LoanCompleted']);
  });

  it('rejects a renewal after the item was returned, on both sides, saying why', () => {
    const x = started('Loan');
    x.supplier({ type: 'ship', dueDate: '2025-04-01T00:00:00Z' });
    x.requester({ type: 'receive' });
    x.requester({ type: 'returnItem' });
    const local = x.requester({ type: 'renew' });
    expect(local).toEqual({
      ok: false,
      reason: {
        code: 'renew_after_return',
        message: {
          id: 'Perpanjangan tidak dapat diminta setelah buku dikembalikan',
          en: 'Renewal cannot be requested after the item was returned',
        },
      },
    });
    const remote = applySupplierEvent('ReturnInTransit', { type: 'peerRenew' }, { serviceType: 'Loan' });
    expect(remote.ok === false && remote.reason.code).toBe('renew_after_return');
  });

  it('completes a copy request without any return', () => {
    const x = started('Copy');
    const ship = x.supplier({ type: 'ship', dueDate: '2025-04-01T00:00:00Z' });
    expect(ship.ok === false && ship.reason.code).toBe('copy_not_loan');
    x.supplier({ type: 'deliverCopy' });
    expect([x.req, x.sup]).toEqual(['Completed', 'CopyCompleted']);
    expect(x.effects).toContainEqual({ type: 'notifyPatron', topic: 'copy_available' });
  });

  it('moves on to the next lender in the rota when one cannot supply, and ends unfilled when the rota runs out', () => {
    const x = started('Loan', [JAKARTA, BANDUNG]);
    x.supplier({ type: 'unfilled', reasonUnfilled: 'NotOnShelf' });
    expect([x.req, x.sup, x.lender]).toEqual(['SentToSupplier', 'RequestReceived', 1]);
    x.supplier({ type: 'unfilled', reasonUnfilled: 'NotHeld' });
    expect(x.req).toBe('Unfilled');
    expect(x.effects).toContainEqual({ type: 'notifyPatron', topic: 'request_unfilled' });
  });

  it('cancels when the lender accepts the cancel request', () => {
    const x = started('Loan');
    x.supplier({ type: 'willSupply' });
    x.requester({ type: 'cancel', note: 'pemustaka tidak jadi' });
    expect([x.req, x.sup]).toEqual(['CancelPending', 'CancelRequested']);
    x.supplier({ type: 'approveCancel' });
    expect([x.req, x.sup]).toEqual(['Cancelled', 'Cancelled']);
  });

  it('goes on with the loan when the lender refuses the cancel request', () => {
    const x = started('Loan');
    x.supplier({ type: 'willSupply' });
    x.requester({ type: 'cancel' });
    x.supplier({ type: 'refuseCancel', note: 'sudah dikemas' });
    expect([x.req, x.sup]).toEqual(['WillSupply', 'WillSupply']);
    x.supplier({ type: 'ship', dueDate: '2025-04-01T00:00:00Z' });
    expect(x.req).toBe('Shipped');
    const late = x.requester({ type: 'cancel' });
    expect(late.ok === false && late.reason.message.en).toMatch(/cannot be cancelled after the item was shipped/);
  });

  it('refuses a cancel automatically when the item already shipped, and tells borrowing staff it came too late', () => {
    const x = started('Loan');
    x.supplier({ type: 'willSupply' });
    // The lender ships while the borrower's cancel is still on its way.
    const sup = applySupplierEvent('WillSupply', { type: 'ship', dueDate: '2025-04-01T00:00:00Z' }, x.supCtx);
    expect(sup.ok).toBe(true);
    x.sup = 'Loaned';
    x.requester({ type: 'cancel' });
    expect(x.sup).toBe('Loaned');
    expect(x.effects).toContainEqual(
      expect.objectContaining({
        type: 'sendSupplyingAgencyMessage',
        reasonForMessage: 'CancelResponse',
        answerYesNo: 'N',
      }),
    );
    expect(x.req).toBe('WillSupply');
  });

  it('supplies under conditions the borrower accepts', () => {
    const x = started('Loan');
    x.supplier({ type: 'offerConditions', conditions: ['LibraryUseOnly'] });
    expect([x.req, x.sup]).toEqual(['ConditionalAnswerReceived', 'ConditionalPending']);
    expect(x.reqCtx.conditionalKind).toBe('conditions');
    expect(x.supplier({ type: 'ship', dueDate: '2025-04-01T00:00:00Z' }).ok).toBe(false);
    x.requester({ type: 'acceptConditions' });
    expect([x.req, x.sup]).toEqual(['WillSupply', 'WillSupply']);
    x.supplier({ type: 'ship', dueDate: '2025-04-01T00:00:00Z' });
    expect(x.req).toBe('Shipped');
  });

  it('moves to the next lender when the borrower rejects the conditions', () => {
    const x = started('Loan', [JAKARTA, BANDUNG]);
    x.supplier({ type: 'offerConditions', conditions: ['FeeRequired'] });
    x.requester({ type: 'rejectConditions', note: 'tidak dapat membayar' });
    expect(x.lender).toBe(1);
    expect([x.req, x.sup]).toEqual(['SentToSupplier', 'RequestReceived']);
  });

  it('retries with the same lender when it answers RetryPossible and the borrower agrees', () => {
    const x = started('Loan', [JAKARTA, BANDUNG]);
    x.supplier({ type: 'retryPossible', reasonRetry: 'OnLoan' });
    expect([x.req, x.reqCtx.conditionalKind]).toEqual(['ConditionalAnswerReceived', 'retry']);
    x.requester({ type: 'acceptConditions' });
    expect([x.req, x.sup, x.lender]).toEqual(['SentToSupplier', 'RequestReceived', 0]);
    expect(x.effects).toContainEqual({ type: 'sendRequest', requestType: 'Retry', supplier: 'current' });
  });

  it('closes a lost loan without return and charges the borrower', () => {
    const x = started('Loan');
    x.supplier({ type: 'ship', dueDate: '2025-04-01T00:00:00Z' });
    x.requester({ type: 'receive' });
    x.requester({ type: 'reportLost', note: 'hilang di rumah pemustaka' });
    expect([x.req, x.sup]).toEqual(['CompletedWithoutReturn', 'CompletedWithoutReturn']);
    expect(x.has('chargeLostItem')).toBe(true);
  });

  it('grants renewals by policy until the agreed maximum, then refuses', () => {
    const x = started('Loan', [JAKARTA], {
      renewals: { max: 1, count: 0, autoApproveDueDate: '2025-05-01T00:00:00Z' },
    });
    x.supplier({ type: 'ship', dueDate: '2025-04-01T00:00:00Z' });
    x.requester({ type: 'receive' });
    x.requester({ type: 'renew' });
    expect([x.req, x.sup]).toEqual(['Received', 'Loaned']);
    x.supCtx = { ...x.supCtx, renewals: { max: 1, count: 1 } };
    x.requester({ type: 'renew' });
    expect([x.req, x.sup]).toEqual(['Received', 'Loaned']);
    expect(x.effects).toContainEqual({ type: 'notifyPatron', topic: 'renewal_refused' });
  });
});

describe('idempotency', () => {
  it('treats the same supplying agency message delivered twice as a duplicate, not an error', () => {
    const x = started('Loan');
    x.supplier({ type: 'ship', dueDate: '2025-04-01T00:00:00Z' });
    expect(x.req).toBe('Shipped');
    const again = x.deliverSam(x.lastSam);
    expect(again).toEqual({ ok: true, next: 'Shipped', effects: [], duplicate: true });
  });

  it('treats a new message announcing the status already reached as a duplicate', () => {
    const r = applyRequesterEvent(
      'Shipped',
      { type: 'supplierStatus', status: 'Loaned', messageKey: 'new' },
      { serviceType: 'Loan', hasNextLender: false },
    );
    expect(r).toEqual({ ok: true, next: 'Shipped', effects: [], duplicate: true });
  });

  it('treats a repeated requesting agency message as a duplicate at the supplier', () => {
    const ctx: SupplierContext = { serviceType: 'Loan', seenMessageKeys: new Set(['2025-03-20T10:00:00Z|Lost']) };
    const event: SupplierEvent = { type: 'peerLost', messageKey: '2025-03-20T10:00:00Z|Lost' };
    expect(applySupplierEvent('Loaned', event, ctx)).toEqual({
      ok: true,
      next: 'Loaned',
      effects: [],
      duplicate: true,
    });
  });

  it('remembers the key of each peer message it applies', () => {
    const r = applySupplierEvent('Loaned', { type: 'peerShippedReturn', messageKey: 'k1' }, { serviceType: 'Loan' });
    expect(r.ok && r.effects).toContainEqual({ type: 'rememberMessage', key: 'k1' });
  });
});
