/**
 * The supplying (lending) library's side of one ILL transaction. States are the
 * ISO 18626 statuses plus four in-between states where the lender owes the
 * borrower an answer (conditions, cancel, renew) or awaits the item's return;
 * `supplierWireStatus` says which ISO status each of those reports to peers.
 */
import type { RequestingAgencyMessage, Status } from './iso18626/types.ts';
import {
  type CommonContext,
  type Effect,
  go,
  messageKey,
  refuse,
  same,
  type Transition,
  withIdempotency,
} from './state-machine.ts';

export const SUPPLIER_STATES = [
  'RequestReceived',
  'ExpectToSupply',
  'WillSupply',
  'ConditionalPending',
  'CancelRequested',
  'Loaned',
  'Overdue',
  'Recalled',
  'RenewRequested',
  'ReturnInTransit',
  'RetryPossible',
  'Unfilled',
  'CopyCompleted',
  'LoanCompleted',
  'CompletedWithoutReturn',
  'Cancelled',
] as const;
export type SupplierState = (typeof SUPPLIER_STATES)[number];

export const SUPPLIER_TERMINAL: ReadonlySet<SupplierState> = new Set([
  'RetryPossible',
  'Unfilled',
  'CopyCompleted',
  'LoanCompleted',
  'CompletedWithoutReturn',
  'Cancelled',
]);

/** ReShare's note markers for loan conditions; kept so ReShare peers understand our conditional answers. */
export const LOAN_CONDITION_MARKER = '#ReShareAddLoanCondition#';
export const CONDITIONS_AGREED_MARKER = '#ReShareLoanConditionAgreeResponse#';

type Peer<T extends string> = { type: T; messageKey?: string; note?: string };

export type SupplierEvent =
  // staff of the lending library
  | { type: 'expectToSupply'; note?: string }
  | { type: 'willSupply'; note?: string }
  | { type: 'offerConditions'; conditions: readonly string[]; note?: string }
  | { type: 'retryPossible'; reasonRetry: string; note?: string }
  | { type: 'unfilled'; reasonUnfilled: string; note?: string }
  | { type: 'ship'; dueDate: string; note?: string }
  | { type: 'deliverCopy'; note?: string }
  | { type: 'markOverdue' }
  | { type: 'recall'; note?: string }
  | { type: 'checkIn' }
  | { type: 'declareLost'; note?: string }
  | { type: 'approveCancel' }
  | { type: 'refuseCancel'; note?: string }
  | { type: 'approveRenew'; dueDate: string }
  | { type: 'refuseRenew'; note?: string }
  // the borrowing library, through a RequestingAgencyMessage
  | Peer<'peerCancel'>
  | Peer<'peerRenew'>
  | Peer<'peerReceived'>
  | Peer<'peerShippedReturn'>
  | Peer<'peerShippedForward'>
  | Peer<'peerLost'>
  | Peer<'peerStatusRequest'>
  | Peer<'peerNotification'>
  | Peer<'peerConditionsAccepted'>
  | Peer<'peerHoldReturn'>;

export type SupplierEventType = SupplierEvent['type'];

export interface SupplierContext extends CommonContext {
  previousState?: SupplierState;
  /** Renewal policy from the agreement; without it every renewal waits for staff. */
  renewals?: {
    max: number;
    count: number;
    /** When set, renewals under the limit are granted at once with this due date. */
    autoApproveDueDate?: string;
  };
  /** Approve a cancel before shipping without asking staff (most lenders do). */
  autoApproveCancel?: boolean;
}

const PRE_SHIP: ReadonlySet<SupplierState> = new Set(['RequestReceived', 'ExpectToSupply', 'WillSupply']);
const ON_LOAN: ReadonlySet<SupplierState> = new Set(['Loaned', 'Overdue', 'Recalled']);
const OUT: ReadonlySet<SupplierState> = new Set(['Loaned', 'Overdue', 'Recalled', 'RenewRequested', 'ReturnInTransit']);

/** The ISO 18626 status a peer is told for each state. */
export function supplierWireStatus(state: SupplierState, ctx: Pick<SupplierContext, 'previousState'> = {}): Status {
  const prev = ctx.previousState;
  switch (state) {
    case 'ConditionalPending':
      return 'WillSupply';
    case 'CancelRequested':
      return prev && PRE_SHIP.has(prev) ? (prev as Status) : 'ExpectToSupply';
    case 'RenewRequested':
    case 'ReturnInTransit':
      return prev === 'Overdue' || prev === 'Recalled' ? prev : 'Loaned';
    default:
      return state;
  }
}

function sam(
  reasonForMessage: Extract<Effect, { type: 'sendSupplyingAgencyMessage' }>['reasonForMessage'],
  status: Status,
  extra: Omit<Extract<Effect, { type: 'sendSupplyingAgencyMessage' }>, 'type' | 'reasonForMessage' | 'status'> = {},
): Effect {
  return { type: 'sendSupplyingAgencyMessage', reasonForMessage, status, ...extra };
}

function withNote<T extends object>(base: T, note: string | undefined): T & { note?: string } {
  return note === undefined ? base : { ...base, note };
}

/** First answer to a request is a RequestResponse; later news is a StatusChange. */
function answerReason(state: SupplierState): 'RequestResponse' | 'StatusChange' {
  return state === 'RequestReceived' ? 'RequestResponse' : 'StatusChange';
}

function closedOr<S>(state: SupplierState, event: string, code: Parameters<typeof refuse>[0]): Transition<S> {
  return refuse(SUPPLIER_TERMINAL.has(state) ? 'request_closed' : code, state, event);
}

function step(state: SupplierState, event: SupplierEvent, ctx: SupplierContext): Transition<SupplierState> {
  const t = event.type;
  const isCopy = ctx.serviceType === 'Copy';
  const isLoan = ctx.serviceType === 'Loan';
  switch (event.type) {
    case 'expectToSupply':
      if (state === 'ExpectToSupply') return same(state);
      if (state === 'RequestReceived') {
        return go('ExpectToSupply', sam('RequestResponse', 'ExpectToSupply', withNote({}, event.note)));
      }
      return closedOr(state, t, 'not_allowed');

    case 'willSupply':
      if (state === 'WillSupply') return same(state);
      if (state === 'RequestReceived' || state === 'ExpectToSupply') {
        return go('WillSupply', sam(answerReason(state), 'WillSupply', withNote({}, event.note)));
      }
      if (state === 'ConditionalPending') return refuse('conditions_unanswered', state, t);
      if (state === 'CancelRequested') return refuse('answer_cancel_first', state, t);
      return closedOr(state, t, 'not_allowed');

    case 'offerConditions': {
      if (event.conditions.length === 0) return refuse('conditions_empty', state, t);
      if (state === 'ConditionalPending') return refuse('conditions_unanswered', state, t);
      if (state === 'CancelRequested') return refuse('answer_cancel_first', state, t);
      if (!PRE_SHIP.has(state)) return closedOr(state, t, 'not_allowed');
      const note = `${LOAN_CONDITION_MARKER} ${event.note ?? event.conditions.join('; ')}`;
      return go(
        'ConditionalPending',
        withNote(
          { type: 'rememberConditions' as const, kind: 'conditions' as const, conditions: event.conditions },
          event.note,
        ),
        sam(state === 'RequestReceived' ? 'RequestResponse' : 'Notification', 'WillSupply', {
          note,
          loanConditions: event.conditions,
        }),
      );
    }

    case 'retryPossible':
      if (state === 'RequestReceived' || state === 'ExpectToSupply') {
        return go(
          'RetryPossible',
          sam(answerReason(state), 'RetryPossible', withNote({ reasonRetry: event.reasonRetry }, event.note)),
        );
      }
      if (state === 'RetryPossible') return same(state);
      return closedOr(state, t, 'not_allowed');

    case 'unfilled':
      if (state === 'Unfilled') return same(state);
      if (PRE_SHIP.has(state) || state === 'ConditionalPending') {
        return go(
          'Unfilled',
          sam(answerReason(state), 'Unfilled', withNote({ reasonUnfilled: event.reasonUnfilled }, event.note)),
        );
      }
      if (state === 'CancelRequested') return refuse('answer_cancel_first', state, t);
      return closedOr(state, t, 'not_allowed');

    case 'ship':
      if (isCopy) return refuse('copy_not_loan', state, t);
      if (state === 'Loaned') return same(state);
      if (PRE_SHIP.has(state)) {
        return go(
          'Loaned',
          { type: 'setDueDate', dueDate: event.dueDate },
          sam('StatusChange', 'Loaned', withNote({ dueDate: event.dueDate }, event.note)),
        );
      }
      if (state === 'ConditionalPending') return refuse('conditions_unanswered', state, t);
      if (state === 'CancelRequested') return refuse('answer_cancel_first', state, t);
      return closedOr(state, t, 'not_allowed');

    case 'deliverCopy':
      if (isLoan) return refuse('loan_not_copy', state, t);
      if (state === 'CopyCompleted') return same(state);
      if (PRE_SHIP.has(state)) {
        return go('CopyCompleted', sam('StatusChange', 'CopyCompleted', withNote({}, event.note)));
      }
      if (state === 'ConditionalPending') return refuse('conditions_unanswered', state, t);
      if (state === 'CancelRequested') return refuse('answer_cancel_first', state, t);
      return closedOr(state, t, 'not_allowed');

    case 'markOverdue':
      if (state === 'Overdue') return same(state);
      if (state === 'Loaned') return go('Overdue', sam('StatusChange', 'Overdue'));
      return closedOr(state, t, state === 'Recalled' ? 'not_allowed' : 'not_shipped');

    case 'recall':
      if (state === 'Recalled') return same(state);
      if (state === 'Loaned' || state === 'Overdue') {
        return go('Recalled', sam('StatusChange', 'Recalled', withNote({}, event.note)));
      }
      if (state === 'RenewRequested') {
        // A recall answers the pending renewal too: the borrower must not keep waiting for it.
        return go(
          'Recalled',
          sam('RenewResponse', 'Recalled', { answerYesNo: 'N' }),
          sam('StatusChange', 'Recalled', withNote({}, event.note)),
        );
      }
      return closedOr(state, t, 'not_shipped');

    case 'checkIn':
      if (state === 'LoanCompleted') return same(state);
      if (OUT.has(state)) return go('LoanCompleted', sam('StatusChange', 'LoanCompleted'));
      return closedOr(state, t, 'not_shipped');

    case 'declareLost':
      if (state === 'CompletedWithoutReturn') return same(state);
      if (OUT.has(state)) {
        return go('CompletedWithoutReturn', sam('StatusChange', 'CompletedWithoutReturn', withNote({}, event.note)), {
          type: 'chargeLostItem',
        });
      }
      return closedOr(state, t, 'not_shipped');

    case 'approveCancel':
      if (state === 'Cancelled') return same(state);
      if (state === 'CancelRequested') return go('Cancelled', sam('CancelResponse', 'Cancelled', { answerYesNo: 'Y' }));
      return closedOr(state, t, 'no_cancel_pending');

    case 'refuseCancel': {
      if (state !== 'CancelRequested') return closedOr(state, t, 'no_cancel_pending');
      const back: SupplierState =
        ctx.previousState && PRE_SHIP.has(ctx.previousState) ? ctx.previousState : 'ExpectToSupply';
      return go(back, sam('CancelResponse', back as Status, withNote({ answerYesNo: 'N' as const }, event.note)));
    }

    case 'approveRenew':
      if (state !== 'RenewRequested') return closedOr(state, t, 'no_renew_pending');
      return go(
        'Loaned',
        { type: 'setDueDate', dueDate: event.dueDate },
        { type: 'countRenewal' },
        sam('RenewResponse', 'Loaned', { answerYesNo: 'Y', dueDate: event.dueDate }),
      );

    case 'refuseRenew': {
      if (state !== 'RenewRequested') return closedOr(state, t, 'no_renew_pending');
      const back: SupplierState = ctx.previousState === 'Overdue' ? 'Overdue' : 'Loaned';
      return go(back, sam('RenewResponse', back, withNote({ answerYesNo: 'N' as const }, event.note)));
    }

    case 'peerCancel':
      if (state === 'CancelRequested' || state === 'Cancelled') return same(state);
      if (state === 'ConditionalPending' || (PRE_SHIP.has(state) && ctx.autoApproveCancel === true)) {
        return go('Cancelled', sam('CancelResponse', 'Cancelled', { answerYesNo: 'Y' }));
      }
      if (PRE_SHIP.has(state)) {
        return go(
          'CancelRequested',
          withNote({ type: 'notifyStaff' as const, topic: 'cancel_requested' as const }, event.note),
        );
      }
      // Too late or already closed: ISO 18626 answers a Cancel with a CancelResponse either way.
      return go(state, sam('CancelResponse', supplierWireStatus(state, ctx), { answerYesNo: 'N' }));

    case 'peerRenew': {
      if (state === 'RenewRequested') return same(state);
      if (state === 'Recalled') return go(state, sam('RenewResponse', 'Recalled', { answerYesNo: 'N' }));
      if (state === 'Loaned' || state === 'Overdue') {
        const r = ctx.renewals;
        if (r && r.count >= r.max) return go(state, sam('RenewResponse', state, { answerYesNo: 'N' }));
        if (r?.autoApproveDueDate !== undefined) {
          const dueDate = r.autoApproveDueDate;
          return go(
            'Loaned',
            { type: 'setDueDate', dueDate },
            { type: 'countRenewal' },
            sam('RenewResponse', 'Loaned', { answerYesNo: 'Y', dueDate }),
          );
        }
        return go(
          'RenewRequested',
          withNote({ type: 'notifyStaff' as const, topic: 'renew_requested' as const }, event.note),
        );
      }
      if (state === 'ReturnInTransit' || state === 'LoanCompleted') return refuse('renew_after_return', state, t);
      if (state === 'CompletedWithoutReturn') return refuse('renew_lost', state, t);
      if (state === 'CopyCompleted') return refuse('renew_copy', state, t);
      return closedOr(state, t, 'renew_before_loan');
    }

    case 'peerReceived':
      if (ON_LOAN.has(state) || state === 'RenewRequested') {
        return go(state, { type: 'notifyStaff', topic: 'item_received_by_borrower' });
      }
      // A late receipt after the item came back or the copy was delivered changes nothing.
      if (state === 'ReturnInTransit' || state === 'LoanCompleted' || state === 'CopyCompleted') return same(state);
      return closedOr(state, t, 'not_shipped');

    case 'peerShippedReturn':
      if (state === 'ReturnInTransit' || state === 'LoanCompleted') return same(state);
      if (ON_LOAN.has(state) || state === 'RenewRequested') return go('ReturnInTransit');
      if (state === 'CompletedWithoutReturn') {
        // The "lost" item turned up and is on its way back; staff settle the charge by hand.
        return go(
          'ReturnInTransit',
          withNote({ type: 'notifyStaff' as const, topic: 'lost_reported' as const }, event.note),
        );
      }
      return closedOr(state, t, 'not_shipped');

    case 'peerShippedForward':
      if (ON_LOAN.has(state))
        return go(state, withNote({ type: 'notifyStaff' as const, topic: 'item_forwarded' as const }, event.note));
      return closedOr(state, t, 'not_shipped');

    case 'peerLost':
      if (state === 'CompletedWithoutReturn') return same(state);
      if (OUT.has(state)) {
        return go(
          'CompletedWithoutReturn',
          sam('StatusChange', 'CompletedWithoutReturn'),
          { type: 'chargeLostItem' },
          withNote({ type: 'notifyStaff' as const, topic: 'lost_reported' as const }, event.note),
        );
      }
      return closedOr(state, t, 'not_shipped');

    case 'peerStatusRequest':
      return go(state, sam('StatusRequestResponse', supplierWireStatus(state, ctx)));

    case 'peerNotification':
      return go(state, withNote({ type: 'notifyStaff' as const, topic: 'peer_note' as const }, event.note));

    case 'peerConditionsAccepted':
      if (state === 'WillSupply' && ctx.previousState === 'ConditionalPending') return same(state);
      if (state === 'ConditionalPending') return go('WillSupply', sam('Notification', 'WillSupply'));
      return closedOr(state, t, 'no_conditions_pending');

    case 'peerHoldReturn':
      return refuse('unsupported_action', state, 'HoldReturn', 'UnsupportedActionType');
  }
}

/** Applies one event to a supplier-side request. Pure: the caller stores `next` and performs `effects`. */
export function applySupplierEvent(
  state: SupplierState,
  event: SupplierEvent,
  ctx: SupplierContext,
): Transition<SupplierState> {
  return withIdempotency((s: SupplierState, e: SupplierEvent) => step(s, e, ctx), state, event, ctx.seenMessageKeys);
}

/** Turns a borrower's RequestingAgencyMessage into the supplier event it stands for. */
export function supplierEventFromMessage(msg: RequestingAgencyMessage): SupplierEvent {
  const key = messageKey(msg.header.timestamp, msg.action);
  const base = msg.note === undefined ? { messageKey: key } : { messageKey: key, note: msg.note };
  switch (msg.action) {
    case 'Cancel':
      return { type: 'peerCancel', ...base };
    case 'Renew':
      return { type: 'peerRenew', ...base };
    case 'Received':
      return { type: 'peerReceived', ...base };
    case 'ShippedReturn':
      return { type: 'peerShippedReturn', ...base };
    case 'ShippedForward':
      return { type: 'peerShippedForward', ...base };
    case 'Lost':
      return { type: 'peerLost', ...base };
    case 'StatusRequest':
      return { type: 'peerStatusRequest', ...base };
    case 'HoldReturn':
      return { type: 'peerHoldReturn', ...base };
    case 'Notification':
      if (msg.note?.trimStart().startsWith(CONDITIONS_AGREED_MARKER))
        return { type: 'peerConditionsAccepted', ...base };
      return { type: 'peerNotification', ...base };
  }
}
