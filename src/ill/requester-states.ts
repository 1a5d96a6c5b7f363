/**
 * The requesting (borrowing) library's side of one ILL request, across the
 * whole rota: when a lender cannot supply, the request moves on to the next
 * lender instead of ending, and ends `Unfilled` only when the rota runs out.
 */
import type { Status, SupplyingAgencyMessage } from './iso18626/types.ts';
import {
  type CancelIntent,
  type CommonContext,
  type Effect,
  go,
  messageKey,
  refuse,
  same,
  type Transition,
  withIdempotency,
} from './state-machine.ts';
import { CONDITIONS_AGREED_MARKER, LOAN_CONDITION_MARKER } from './supplier-states.ts';

export const REQUESTER_STATES = [
  'New',
  'Validated',
  'SentToSupplier',
  'ExpectToSupply',
  'WillSupply',
  'ConditionalAnswerReceived',
  'CancelPending',
  'Shipped',
  'Received',
  'Overdue',
  'Recalled',
  'RenewPending',
  'ShippedReturn',
  'LostReported',
  'Completed',
  'CompletedWithoutReturn',
  'Unfilled',
  'Cancelled',
] as const;
export type RequesterState = (typeof REQUESTER_STATES)[number];

export const REQUESTER_TERMINAL: ReadonlySet<RequesterState> = new Set([
  'Completed',
  'CompletedWithoutReturn',
  'Unfilled',
  'Cancelled',
]);

type Peer<T extends string> = { type: T; messageKey?: string; note?: string };

export type RequesterEvent =
  // staff of the borrowing library (or the system acting for them)
  | { type: 'validate' }
  | { type: 'reject'; note?: string }
  | { type: 'send' }
  /** Unfilled (the rota used up): send again to lenders added to the rota. */
  | { type: 'resend' }
  | { type: 'requestNotConfirmed'; note?: string }
  | { type: 'cancel'; note?: string }
  | { type: 'acceptConditions' }
  | { type: 'rejectConditions'; note?: string }
  | { type: 'receive' }
  | { type: 'returnItem'; note?: string }
  | { type: 'forward'; note?: string }
  | { type: 'renew'; note?: string }
  | { type: 'reportLost'; note?: string }
  | { type: 'markOverdue' }
  | { type: 'sendNote'; note: string }
  | { type: 'requestStatus' }
  // the lending library, through a SupplyingAgencyMessage
  | (Peer<'supplierStatus'> & { status: Status; dueDate?: string })
  | (Peer<'cancelAnswer'> & { yes: boolean })
  | (Peer<'renewAnswer'> & { yes: boolean; dueDate?: string })
  | (Peer<'conditionalAnswer'> & { kind: 'conditions' | 'retry'; conditions: readonly string[] })
  | Peer<'supplierNotification'>;

export type RequesterEventType = RequesterEvent['type'];

export interface RequesterContext extends CommonContext {
  previousState?: RequesterState;
  /** Whether the rota still holds a lender not yet tried. */
  hasNextLender: boolean;
  /** What the current lender offered, remembered from a `rememberConditions` effect. */
  conditionalKind?: 'conditions' | 'retry';
  /** Why the pending cancel was sent, remembered from a `rememberCancelIntent` effect. */
  cancelIntent?: CancelIntent;
}

const AT_LENDER: ReadonlySet<RequesterState> = new Set([
  'SentToSupplier',
  'ExpectToSupply',
  'WillSupply',
  'ConditionalAnswerReceived',
]);
const ON_LOAN: ReadonlySet<RequesterState> = new Set(['Received', 'Overdue', 'Recalled', 'RenewPending']);
const WITH_ITEM: ReadonlySet<RequesterState> = new Set([
  'Shipped',
  'Received',
  'Overdue',
  'Recalled',
  'RenewPending',
  'ShippedReturn',
  'LostReported',
]);

function ram(action: Extract<Effect, { type: 'sendRequestingAgencyMessage' }>['action'], note?: string): Effect {
  return note === undefined
    ? { type: 'sendRequestingAgencyMessage', action }
    : { type: 'sendRequestingAgencyMessage', action, note };
}

function nextLender(ctx: RequesterContext): Transition<RequesterState> {
  if (ctx.hasNextLender) {
    return go('SentToSupplier', { type: 'advanceRota' }, { type: 'sendRequest', requestType: 'New', supplier: 'next' });
  }
  return go('Unfilled', { type: 'notifyPatron', topic: 'request_unfilled' });
}

function closedOr(
  state: RequesterState,
  event: string,
  code: Parameters<typeof refuse>[0],
): Transition<RequesterState> {
  return refuse(REQUESTER_TERMINAL.has(state) ? 'request_closed' : code, state, event);
}

function onStatus(
  state: RequesterState,
  event: Extract<RequesterEvent, { type: 'supplierStatus' }>,
  ctx: RequesterContext,
): Transition<RequesterState> {
  const s = event.status;
  const stale = (): Transition<RequesterState> => closedOr(state, s, 'stale_status');
  const due: Effect[] = event.dueDate === undefined ? [] : [{ type: 'setDueDate', dueDate: event.dueDate }];
  switch (s) {
    case 'RequestReceived':
      return AT_LENDER.has(state) || state === 'CancelPending' ? same(state) : stale();
    case 'ExpectToSupply':
      if (state === 'SentToSupplier') return go('ExpectToSupply');
      // Later news already arrived, or we are cancelling: this adds nothing.
      return AT_LENDER.has(state) || state === 'CancelPending' ? same(state) : stale();
    case 'WillSupply':
      if (state === 'SentToSupplier' || state === 'ExpectToSupply' || state === 'ConditionalAnswerReceived') {
        return go('WillSupply');
      }
      return state === 'WillSupply' || state === 'CancelPending' ? same(state) : stale();
    case 'Loaned':
      if (ctx.serviceType === 'Copy') return refuse('copy_not_loan', state, s);
      if (AT_LENDER.has(state)) return go('Shipped', ...due);
      if (state === 'CancelPending') return go('Shipped', ...due, { type: 'notifyStaff', topic: 'cancel_too_late' });
      if (state === 'Overdue' || state === 'Recalled') {
        return go('Received', ...due, { type: 'notifyPatron', topic: 'due_date_changed' });
      }
      return state === 'Shipped' || state === 'Received' || state === 'RenewPending' ? same(state) : stale();
    case 'Overdue':
      if (state === 'Shipped' || state === 'Received' || state === 'RenewPending') {
        return go('Overdue', { type: 'notifyPatron', topic: 'overdue' });
      }
      return state === 'Overdue' || state === 'Recalled' || state === 'ShippedReturn' ? same(state) : stale();
    case 'Recalled':
      if (state === 'Shipped' || state === 'Received' || state === 'Overdue' || state === 'RenewPending') {
        return go('Recalled', { type: 'notifyPatron', topic: 'recalled' });
      }
      return state === 'Recalled' || state === 'ShippedReturn' ? same(state) : stale();
    case 'RetryPossible':
      return onConditional(state, { type: 'conditionalAnswer', kind: 'retry', conditions: [] });
    case 'Unfilled':
      if (AT_LENDER.has(state)) return nextLender(ctx);
      if (state === 'CancelPending') return ctx.cancelIntent === 'nextLender' ? nextLender(ctx) : cancelled();
      return state === 'Unfilled' ? same(state) : stale();
    case 'HoldReturn':
    case 'ReleaseHoldReturn':
      return refuse('unsupported_status', state, s);
    case 'CopyCompleted':
      if (ctx.serviceType === 'Loan') return refuse('loan_not_copy', state, s);
      if (AT_LENDER.has(state)) return go('Completed', { type: 'notifyPatron', topic: 'copy_available' });
      if (state === 'CancelPending') {
        return go(
          'Completed',
          { type: 'notifyPatron', topic: 'copy_available' },
          { type: 'notifyStaff', topic: 'cancel_too_late' },
        );
      }
      return state === 'Completed' ? same(state) : stale();
    case 'LoanCompleted':
      if (WITH_ITEM.has(state)) return go('Completed');
      return state === 'Completed' ? same(state) : stale();
    case 'CompletedWithoutReturn':
      if (WITH_ITEM.has(state)) return go('CompletedWithoutReturn');
      return state === 'CompletedWithoutReturn' ? same(state) : stale();
    case 'Cancelled':
      if (state === 'CancelPending') return ctx.cancelIntent === 'nextLender' ? nextLender(ctx) : cancelled();
      // A lender that cancels on its own cannot supply: try the next one.
      if (AT_LENDER.has(state)) return nextLender(ctx);
      return state === 'Cancelled' ? same(state) : stale();
  }
}

function cancelled(): Transition<RequesterState> {
  return go('Cancelled', { type: 'notifyPatron', topic: 'request_cancelled' });
}

function onConditional(
  state: RequesterState,
  event: { type: 'conditionalAnswer'; kind: 'conditions' | 'retry'; conditions: readonly string[]; note?: string },
): Transition<RequesterState> {
  if (state === 'ConditionalAnswerReceived' || state === 'CancelPending') return same(state);
  if (state === 'SentToSupplier' || state === 'ExpectToSupply' || state === 'WillSupply') {
    const remember: Effect =
      event.note === undefined
        ? { type: 'rememberConditions', kind: event.kind, conditions: event.conditions }
        : { type: 'rememberConditions', kind: event.kind, conditions: event.conditions, note: event.note };
    return go('ConditionalAnswerReceived', remember, { type: 'notifyStaff', topic: 'conditions_offered' });
  }
  return closedOr(state, event.type, 'stale_status');
}

function step(state: RequesterState, event: RequesterEvent, ctx: RequesterContext): Transition<RequesterState> {
  const t = event.type;
  const isCopy = ctx.serviceType === 'Copy';
  switch (event.type) {
    case 'validate':
      if (state === 'Validated') return same(state);
      return state === 'New' ? go('Validated') : closedOr(state, t, 'already_sent');

    case 'reject':
      if (state === 'New' || state === 'Validated') return cancelled();
      return closedOr(state, t, 'already_sent');

    case 'send':
      if (state !== 'Validated') return closedOr(state, t, state === 'New' ? 'not_allowed' : 'already_sent');
      return ctx.hasNextLender ? nextLender(ctx) : refuse('no_lender', state, t);

    case 'resend':
      if (state !== 'Unfilled')
        return refuse(REQUESTER_TERMINAL.has(state) ? 'request_closed' : 'not_unfilled', state, t);
      return ctx.hasNextLender ? nextLender(ctx) : refuse('no_lender', state, t);

    case 'requestNotConfirmed':
      return state === 'SentToSupplier' ? nextLender(ctx) : closedOr(state, t, 'not_allowed');

    case 'cancel':
      if (state === 'CancelPending' || state === 'Cancelled') return same(state);
      if (state === 'New' || state === 'Validated') return cancelled();
      // After RetryPossible the lender has closed its side: nothing to ask it.
      if (state === 'ConditionalAnswerReceived' && ctx.conditionalKind === 'retry') return cancelled();
      if (AT_LENDER.has(state)) {
        return go('CancelPending', { type: 'rememberCancelIntent', intent: 'patron' }, ram('Cancel', event.note));
      }
      return closedOr(state, t, 'cancel_after_shipped');

    case 'acceptConditions':
      if (state !== 'ConditionalAnswerReceived') return closedOr(state, t, 'no_conditions_pending');
      if (ctx.conditionalKind === 'retry') {
        return go('SentToSupplier', { type: 'sendRequest', requestType: 'Retry', supplier: 'current' });
      }
      return go('WillSupply', ram('Notification', CONDITIONS_AGREED_MARKER));

    case 'rejectConditions':
      if (state !== 'ConditionalAnswerReceived') return closedOr(state, t, 'no_conditions_pending');
      if (ctx.conditionalKind === 'retry') return nextLender(ctx);
      return go('CancelPending', { type: 'rememberCancelIntent', intent: 'nextLender' }, ram('Cancel', event.note));

    case 'receive':
      if (isCopy) return refuse('copy_not_loan', state, t);
      if (state === 'Shipped') return go('Received', ram('Received'), { type: 'notifyPatron', topic: 'item_arrived' });
      if (ON_LOAN.has(state)) return same(state);
      return closedOr(state, t, 'not_shipped');

    case 'returnItem':
    case 'forward':
      if (state === 'ShippedReturn') return same(state);
      if (ON_LOAN.has(state))
        return go('ShippedReturn', ram(t === 'returnItem' ? 'ShippedReturn' : 'ShippedForward', event.note));
      return closedOr(state, t, state === 'Shipped' ? 'not_received' : 'not_shipped');

    case 'renew':
      if (isCopy) return refuse('renew_copy', state, t);
      if (state === 'RenewPending') return same(state);
      if (state === 'Received' || state === 'Overdue') return go('RenewPending', ram('Renew', event.note));
      if (state === 'Recalled') return refuse('renew_recalled', state, t);
      if (state === 'ShippedReturn' || state === 'Completed') return refuse('renew_after_return', state, t);
      if (state === 'LostReported' || state === 'CompletedWithoutReturn') return refuse('renew_lost', state, t);
      if (state === 'Shipped') return refuse('not_received', state, t);
      return closedOr(state, t, 'renew_before_loan');

    case 'reportLost':
      if (state === 'LostReported') return same(state);
      if (WITH_ITEM.has(state)) return go('LostReported', ram('Lost', event.note));
      return closedOr(state, t, 'not_shipped');

    case 'markOverdue':
      if (state === 'Overdue') return same(state);
      if (state === 'Received') return go('Overdue', { type: 'notifyPatron', topic: 'overdue' });
      return closedOr(state, t, 'not_received');

    case 'sendNote':
      if (state === 'New' || state === 'Validated') return refuse('not_sent', state, t);
      return go(state, ram('Notification', event.note));

    case 'requestStatus':
      if (state === 'New' || state === 'Validated') return refuse('not_sent', state, t);
      if (REQUESTER_TERMINAL.has(state)) return refuse('request_closed', state, t);
      return go(state, ram('StatusRequest'));

    case 'supplierStatus':
      return onStatus(state, event, ctx);

    case 'cancelAnswer':
      if (state === 'CancelPending') {
        if (event.yes) return ctx.cancelIntent === 'nextLender' ? nextLender(ctx) : cancelled();
        const back: RequesterState =
          ctx.previousState && AT_LENDER.has(ctx.previousState) && ctx.previousState !== 'ConditionalAnswerReceived'
            ? ctx.previousState
            : 'WillSupply';
        return go(back, { type: 'notifyStaff', topic: 'cancel_refused' });
      }
      if (event.yes && state === 'Cancelled') return same(state);
      // A refusal that arrives after the item shipped tells us nothing new.
      if (!event.yes && WITH_ITEM.has(state)) return same(state);
      return closedOr(state, t, 'no_cancel_pending');

    case 'renewAnswer':
      if (state === 'RenewPending') {
        if (event.yes) {
          const due: Effect[] = event.dueDate === undefined ? [] : [{ type: 'setDueDate', dueDate: event.dueDate }];
          return go('Received', ...due, { type: 'countRenewal' }, { type: 'notifyPatron', topic: 'due_date_changed' });
        }
        const back: RequesterState = ctx.previousState === 'Overdue' ? 'Overdue' : 'Received';
        return go(back, { type: 'notifyPatron', topic: 'renewal_refused' });
      }
      if (event.yes && state === 'Received') return same(state);
      if (!event.yes && (state === 'Received' || state === 'Overdue' || state === 'Recalled')) return same(state);
      return closedOr(state, t, 'no_renew_pending');

    case 'conditionalAnswer':
      return onConditional(state, event);

    case 'supplierNotification':
      if (state === 'New' || state === 'Validated') return refuse('not_sent', state, t);
      return go(
        state,
        event.note === undefined
          ? { type: 'notifyStaff', topic: 'peer_note' }
          : { type: 'notifyStaff', topic: 'peer_note', note: event.note },
      );
  }
}

/** Applies one event to a requester-side request. Pure: the caller stores `next` and performs `effects`. */
export function applyRequesterEvent(
  state: RequesterState,
  event: RequesterEvent,
  ctx: RequesterContext,
): Transition<RequesterState> {
  return withIdempotency((s: RequesterState, e: RequesterEvent) => step(s, e, ctx), state, event, ctx.seenMessageKeys);
}

function conditionsOf(msg: SupplyingAgencyMessage): string[] {
  const fromRetry = msg.retryInfo?.loanCondition ?? [];
  const fromDelivery = msg.deliveryInfo?.loanCondition ?? [];
  const costs = (msg.retryInfo?.offeredCosts ?? []).map((c) => `cost:${c.monetaryValue} ${c.currencyCode.value}`);
  return [...fromRetry.map((c) => c.value), ...fromDelivery.map((c) => c.value), ...costs];
}

/**
 * Turns a lender's SupplyingAgencyMessage into the requester event it stands
 * for. A WillSupply/ExpectToSupply that carries loan conditions or costs (in
 * retryInfo, or ReShare's note marker) is a conditional answer.
 */
export function requesterEventFromMessage(msg: SupplyingAgencyMessage): RequesterEvent {
  const { reasonForMessage, answerYesNo, note } = msg.messageInfo;
  const { status, dueDate } = msg.statusInfo;
  const key = messageKey(msg.header.timestamp, `${reasonForMessage}:${status}:${answerYesNo ?? ''}`);
  const base = note === undefined ? { messageKey: key } : { messageKey: key, note };
  if (reasonForMessage === 'CancelResponse') {
    return { type: 'cancelAnswer', yes: answerYesNo === 'Y' || status === 'Cancelled', ...base };
  }
  if (reasonForMessage === 'RenewResponse') {
    const yes = answerYesNo === 'Y';
    return dueDate === undefined
      ? { type: 'renewAnswer', yes, ...base }
      : { type: 'renewAnswer', yes, dueDate, ...base };
  }
  if (status === 'RetryPossible') {
    const conditions = conditionsOf(msg);
    const reasonRetry = msg.messageInfo.reasonRetry?.value;
    return {
      type: 'conditionalAnswer',
      kind: 'retry',
      conditions: reasonRetry ? [reasonRetry, ...conditions] : conditions,
      ...base,
    };
  }
  const conditions = conditionsOf(msg);
  const marked = note?.includes(LOAN_CONDITION_MARKER) === true;
  if ((status === 'WillSupply' || status === 'ExpectToSupply') && (conditions.length > 0 || marked)) {
    return { type: 'conditionalAnswer', kind: 'conditions', conditions, ...base };
  }
  // ISO 18626 sends a Notification for a note that changes no status.
  if (reasonForMessage === 'Notification') return { type: 'supplierNotification', ...base };
  return dueDate === undefined
    ? { type: 'supplierStatus', status, ...base }
    : { type: 'supplierStatus', status, dueDate, ...base };
}
