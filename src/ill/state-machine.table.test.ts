import { describe, expect, it } from 'vitest';
import { STATUSES } from './iso18626/types.ts';
import {
  applyRequesterEvent,
  REQUESTER_STATES,
  type RequesterContext,
  type RequesterEvent,
  type RequesterState,
} from './requester-states.ts';
import type { Transition } from './state-machine.ts';
import {
  applySupplierEvent,
  SUPPLIER_STATES,
  type SupplierContext,
  type SupplierEvent,
  type SupplierState,
} from './supplier-states.ts';

/**
 * Every (state, event) pair of both machines, against legal sets written out
 * by hand here rather than derived from the code: a change to either machine
 * has to be made in this table too.
 */

function expectExplained<S>(r: Transition<S>, label: string): void {
  if (r.ok) return;
  expect(r.reason.code, label).toMatch(/^[a-z_]+$/);
  expect(r.reason.message.id.length, label).toBeGreaterThan(10);
  expect(r.reason.message.en.length, label).toBeGreaterThan(10);
  expect(r.reason.message.id, label).not.toBe(r.reason.message.en);
}

const S = (...s: SupplierState[]): SupplierState[] => s;
const OUT = S('Loaned', 'Overdue', 'Recalled', 'RenewRequested', 'ReturnInTransit');
const PRE = S('RequestReceived', 'ExpectToSupply', 'WillSupply');

const supplierTable: [SupplierEvent, SupplierState[]][] = [
  [{ type: 'expectToSupply' }, S('RequestReceived', 'ExpectToSupply')],
  [{ type: 'willSupply' }, PRE],
  [{ type: 'offerConditions', conditions: ['LibraryUseOnly'] }, PRE],
  [{ type: 'retryPossible', reasonRetry: 'NotAvailableYet' }, S('RequestReceived', 'ExpectToSupply', 'RetryPossible')],
  [{ type: 'unfilled', reasonUnfilled: 'NotHeld' }, [...PRE, 'ConditionalPending', 'Unfilled']],
  [{ type: 'ship', dueDate: '2025-04-01T00:00:00Z' }, [...PRE, 'Loaned']],
  [{ type: 'deliverCopy' }, []],
  [{ type: 'markOverdue' }, S('Loaned', 'Overdue')],
  [{ type: 'recall' }, S('Loaned', 'Overdue', 'RenewRequested', 'Recalled')],
  [{ type: 'checkIn' }, [...OUT, 'LoanCompleted']],
  [{ type: 'declareLost' }, [...OUT, 'CompletedWithoutReturn']],
  [{ type: 'approveCancel' }, S('CancelRequested', 'Cancelled')],
  [{ type: 'refuseCancel' }, S('CancelRequested')],
  [{ type: 'approveRenew', dueDate: '2025-05-01T00:00:00Z' }, S('RenewRequested')],
  [{ type: 'refuseRenew' }, S('RenewRequested')],
  [{ type: 'peerCancel' }, [...SUPPLIER_STATES]],
  [{ type: 'peerRenew' }, S('Loaned', 'Overdue', 'Recalled', 'RenewRequested')],
  [
    { type: 'peerReceived' },
    S('Loaned', 'Overdue', 'Recalled', 'RenewRequested', 'ReturnInTransit', 'LoanCompleted', 'CopyCompleted'),
  ],
  [{ type: 'peerShippedReturn' }, [...OUT, 'LoanCompleted', 'CompletedWithoutReturn']],
  [{ type: 'peerShippedForward' }, S('Loaned', 'Overdue', 'Recalled')],
  [{ type: 'peerLost' }, [...OUT, 'CompletedWithoutReturn']],
  [{ type: 'peerStatusRequest' }, [...SUPPLIER_STATES]],
  [{ type: 'peerNotification', note: 'halo' }, [...SUPPLIER_STATES]],
  [{ type: 'peerConditionsAccepted' }, S('ConditionalPending')],
  [{ type: 'peerHoldReturn' }, []],
];

const supplierCopyTable: [SupplierEvent, SupplierState[]][] = [
  [{ type: 'deliverCopy' }, [...PRE, 'CopyCompleted']],
  [{ type: 'ship', dueDate: '2025-04-01T00:00:00Z' }, []],
];

function runSupplierTable(table: [SupplierEvent, SupplierState[]][], ctx: SupplierContext): void {
  for (const [event, legal] of table) {
    for (const state of SUPPLIER_STATES) {
      const expected = legal.includes(state);
      it(`supplier ${expected ? 'accepts' : 'refuses'} ${event.type} in ${state} (${ctx.serviceType})`, () => {
        const r = applySupplierEvent(state, event, ctx);
        expect(r.ok).toBe(expected);
        expectExplained(r, `${state}/${event.type}`);
      });
    }
  }
}

const R = (...s: RequesterState[]): RequesterState[] => s;
const AT_LENDER = R('SentToSupplier', 'ExpectToSupply', 'WillSupply', 'ConditionalAnswerReceived');
const WITH_ITEM = R('Shipped', 'Received', 'Overdue', 'Recalled', 'RenewPending', 'ShippedReturn', 'LostReported');
const ON_LOAN = R('Received', 'Overdue', 'Recalled', 'RenewPending');
const SENT = REQUESTER_STATES.filter((s) => s !== 'New' && s !== 'Validated');
const TERMINAL = R('Completed', 'CompletedWithoutReturn', 'Unfilled', 'Cancelled');

const status = (s: (typeof STATUSES)[number]): RequesterEvent => ({ type: 'supplierStatus', status: s });

const requesterTable: [RequesterEvent, RequesterState[]][] = [
  [{ type: 'validate' }, R('New', 'Validated')],
  [{ type: 'reject' }, R('New', 'Validated')],
  [{ type: 'send' }, R('Validated')],
  [{ type: 'resend' }, R('Unfilled')],
  [{ type: 'requestNotConfirmed' }, R('SentToSupplier')],
  [{ type: 'cancel' }, [...R('New', 'Validated'), ...AT_LENDER, 'CancelPending', 'Cancelled']],
  [{ type: 'acceptConditions' }, R('ConditionalAnswerReceived')],
  [{ type: 'rejectConditions' }, R('ConditionalAnswerReceived')],
  [{ type: 'receive' }, ['Shipped', ...ON_LOAN]],
  [{ type: 'returnItem' }, [...ON_LOAN, 'ShippedReturn']],
  [{ type: 'forward' }, [...ON_LOAN, 'ShippedReturn']],
  [{ type: 'renew' }, R('Received', 'Overdue', 'RenewPending')],
  [{ type: 'reportLost' }, WITH_ITEM],
  [{ type: 'markOverdue' }, R('Received', 'Overdue')],
  [{ type: 'sendNote', note: 'mohon dikirim' }, SENT],
  [{ type: 'requestStatus' }, SENT.filter((s) => !TERMINAL.includes(s))],
  [status('RequestReceived'), [...AT_LENDER, 'CancelPending']],
  [status('ExpectToSupply'), [...AT_LENDER, 'CancelPending']],
  [status('WillSupply'), [...AT_LENDER, 'CancelPending']],
  [status('Loaned'), [...AT_LENDER, 'CancelPending', 'Shipped', ...ON_LOAN]],
  [status('Overdue'), R('Shipped', 'Received', 'RenewPending', 'Overdue', 'Recalled', 'ShippedReturn')],
  [status('Recalled'), R('Shipped', 'Received', 'Overdue', 'RenewPending', 'Recalled', 'ShippedReturn')],
  [status('RetryPossible'), [...AT_LENDER, 'CancelPending']],
  [status('Unfilled'), [...AT_LENDER, 'CancelPending', 'Unfilled']],
  [status('HoldReturn'), []],
  [status('ReleaseHoldReturn'), []],
  [status('CopyCompleted'), []],
  [status('LoanCompleted'), [...WITH_ITEM, 'Completed']],
  [status('CompletedWithoutReturn'), [...WITH_ITEM, 'CompletedWithoutReturn']],
  [status('Cancelled'), [...AT_LENDER, 'CancelPending', 'Cancelled']],
  [{ type: 'cancelAnswer', yes: true }, R('CancelPending', 'Cancelled')],
  [{ type: 'cancelAnswer', yes: false }, ['CancelPending', ...WITH_ITEM]],
  [{ type: 'renewAnswer', yes: true, dueDate: '2025-05-01T00:00:00Z' }, R('RenewPending', 'Received')],
  [{ type: 'renewAnswer', yes: false }, R('RenewPending', 'Received', 'Overdue', 'Recalled')],
  [{ type: 'conditionalAnswer', kind: 'conditions', conditions: ['LibraryUseOnly'] }, [...AT_LENDER, 'CancelPending']],
  [{ type: 'supplierNotification', note: 'buku sedang diproses' }, SENT],
];

const requesterCopyTable: [RequesterEvent, RequesterState[]][] = [
  [status('CopyCompleted'), [...AT_LENDER, 'CancelPending', 'Completed']],
  [status('Loaned'), []],
  [{ type: 'receive' }, []],
  [{ type: 'renew' }, []],
];

const eventName = (e: RequesterEvent): string =>
  e.type === 'supplierStatus' ? `status ${e.status}` : 'yes' in e ? `${e.type}(${e.yes ? 'yes' : 'no'})` : e.type;

function runRequesterTable(table: [RequesterEvent, RequesterState[]][], ctx: RequesterContext): void {
  for (const [event, legal] of table) {
    for (const state of REQUESTER_STATES) {
      const expected = legal.includes(state);
      it(`requester ${expected ? 'accepts' : 'refuses'} ${eventName(event)} in ${state} (${ctx.serviceType})`, () => {
        const r = applyRequesterEvent(state, event, ctx);
        expect(r.ok).toBe(expected);
        expectExplained(r, `${state}/${eventName(event)}`);
      });
    }
  }
}

describe('supplier state machine, every state x event', () => {
  runSupplierTable(supplierTable, { serviceType: 'Loan' });
  runSupplierTable(supplierCopyTable, { serviceType: 'Copy' });
});

describe('requester state machine, every state x event', () => {
  runRequesterTable(requesterTable, { serviceType: 'Loan', hasNextLender: true });
  runRequesterTable(requesterCopyTable, { serviceType: 'Copy', hasNextLender: true });
});

describe('the tables cover every event type', () => {
  it('names each supplier event type at least once', () => {
    const covered = new Set(supplierTable.map(([e]) => e.type));
    const all: SupplierEvent['type'][] = [
      'expectToSupply',
      'willSupply',
      'offerConditions',
      'retryPossible',
      'unfilled',
      'ship',
      'deliverCopy',
      'markOverdue',
      'recall',
      'checkIn',
      'declareLost',
      'approveCancel',
      'refuseCancel',
      'approveRenew',
      'refuseRenew',
      'peerCancel',
      'peerRenew',
      'peerReceived',
      'peerShippedReturn',
      'peerShippedForward',
      'peerLost',
      'peerStatusRequest',
      'peerNotification',
      'peerConditionsAccepted',
      'peerHoldReturn',
    ];
    expect([...covered].sort()).toEqual([...all].sort());
  });

  it('names each requester event type and every ISO status at least once', () => {
    const covered = new Set(requesterTable.map(([e]) => e.type));
    expect(covered.size).toBe(21);
    const statuses = new Set(requesterTable.flatMap(([e]) => (e.type === 'supplierStatus' ? [e.status] : [])));
    expect([...statuses].sort()).toEqual([...STATUSES].sort());
  });
});
