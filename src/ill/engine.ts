/**
 * Where the pure state machines meet the database. One function per side
 * loads the record (locked), asks the machine, stores the new state and what
 * the machine asked to remember, writes the timeline, and only then sends the
 * messages it asked for through `deliver` — so an answer that comes back in the
 * same transaction (a lender on this node) finds the record already updated.
 * Callers hold the transaction.
 */
import type { Selectable, Updateable } from 'kysely';
import { holdItems, releaseItems } from '../catalog/item-status.ts';
import type { Trx } from '../platform/db.ts';
import { enqueue } from '../platform/jobs.ts';
import { agencyIdFor, libraryById, messageTimestamp } from './agency.ts';
import { lostItemCharge } from './charges.ts';
import { deliver, type OutgoingMessage } from './delivery.ts';
import { borrowerStaffTopicOf, lenderTopicOf, tellBorrowerSide, tellLenderSide } from './notices.ts';
import { buildRequestingAgencyMessage, buildRequestMessage, buildSupplyingAgencyMessage } from './outgoing.ts';
import { lendingPolicy } from './policies.ts';
import {
  applyRequesterEvent,
  REQUESTER_TERMINAL,
  type RequesterContext,
  type RequesterEvent,
  type RequesterState,
} from './requester-states.ts';
import type { Effect, Reason } from './state-machine.ts';
import {
  applySupplierEvent,
  SUPPLIER_TERMINAL,
  type SupplierContext,
  type SupplierEvent,
  type SupplierState,
} from './supplier-states.ts';
import type { EventKind, IllRequestsTable, IllSupplierRequestsTable, RotaStatus } from './tables.ts';
import { conflict } from './texts.ts';

export type RequestRow = Selectable<IllRequestsTable>;
export type SupplierRow = Selectable<IllSupplierRequestsTable>;

/** Who appears in the timeline. */
export interface Who {
  label: string;
  userId: number | null;
}

export interface How {
  who: Who;
  kind: EventKind;
  /** What the timeline calls it: the staff action or the message received. */
  name: string;
  note?: string | null;
  data?: Record<string, unknown>;
  /** How the current lender's turn ends when this event moves the rota on. */
  rotaOutcome?: RotaStatus;
}

export type Outcome<S> = { ok: true; state: S; changed: boolean; duplicate: boolean } | { ok: false; reason: Reason };

const AT_LENDER = new Set(['SentToSupplier', 'ExpectToSupply', 'WillSupply', 'ConditionalAnswerReceived']);

async function timeline(
  trx: Trx,
  row: { request_id: number | null; supplier_request_id: number | null; side: 'borrower' | 'lender' },
  how: How,
  from: string | null,
  to: string | null,
): Promise<void> {
  await trx
    .insertInto('ill_events')
    .values({
      ...row,
      actor_label: how.who.label,
      actor_user_id: how.who.userId,
      kind: how.kind,
      event: how.name,
      from_state: from,
      to_state: to,
      note: how.note ?? null,
      data: how.data ? JSON.stringify(how.data) : null,
    })
    .execute();
}

/** A line in the timeline that changes no state: a notice, a message sent. */
export async function logEvent(
  trx: Trx,
  row: { request_id: number | null; supplier_request_id: number | null; side: 'borrower' | 'lender' },
  how: How,
): Promise<void> {
  await timeline(trx, row, how, null, null);
}

// ------------------------------------------------------------------ borrower

export async function loadRequest(trx: Trx, id: number): Promise<RequestRow | undefined> {
  return trx.selectFrom('ill_requests').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function currentRota(trx: Trx, requestId: number) {
  return trx
    .selectFrom('ill_rota')
    .selectAll()
    .where('request_id', '=', requestId)
    .where('status', '=', 'current')
    .executeTakeFirst();
}

async function finishCurrent(trx: Trx, requestId: number, status: RotaStatus): Promise<void> {
  await trx
    .updateTable('ill_rota')
    .set({ status, finished_at: new Date() })
    .where('request_id', '=', requestId)
    .where('status', '=', 'current')
    .execute();
}

async function advanceRota(trx: Trx, requestId: number, outcome: RotaStatus): Promise<void> {
  await finishCurrent(trx, requestId, outcome);
  const next = await trx
    .selectFrom('ill_rota')
    .select('id')
    .where('request_id', '=', requestId)
    .where('status', '=', 'pending')
    .orderBy('position')
    .limit(1)
    .executeTakeFirst();
  if (next) await trx.updateTable('ill_rota').set({ status: 'current' }).where('id', '=', next.id).execute();
}

export async function requesterContext(trx: Trx, r: RequestRow): Promise<RequesterContext> {
  const pending = await trx
    .selectFrom('ill_rota')
    .select('id')
    .where('request_id', '=', r.id)
    .where('status', '=', 'pending')
    .limit(1)
    .executeTakeFirst();
  return {
    serviceType: r.service_type,
    hasNextLender: pending !== undefined,
    seenMessageKeys: new Set(r.seen_keys),
    ...(r.previous_state ? { previousState: r.previous_state as RequesterState } : {}),
    ...(r.conditional_kind ? { conditionalKind: r.conditional_kind } : {}),
    ...(r.cancel_intent ? { cancelIntent: r.cancel_intent } : {}),
  };
}

/** Applies one event to the borrower's request, stores it, then sends what it asks to send. */
export async function applyRequester(
  trx: Trx,
  requestId: number,
  event: RequesterEvent,
  how: How,
): Promise<Outcome<RequesterState>> {
  const r = await loadRequest(trx, requestId);
  if (!r) throw new Error(`ill request ${requestId} vanished inside its transaction`);
  const from = r.state as RequesterState;
  const res = applyRequesterEvent(from, event, await requesterContext(trx, r));
  if (!res.ok) return res;
  if (res.duplicate) return { ok: true, state: from, changed: false, duplicate: true };
  const now = new Date();
  const next = res.next;
  const patch: Updateable<IllRequestsTable> = { updated_at: now };
  if (next !== from) {
    patch.state = next;
    patch.previous_state = from;
    if (next === 'SentToSupplier' && !r.sent_at) patch.sent_at = now;
    if (next === 'Shipped') patch.shipped_at = now;
    if (next === 'Received') patch.received_at = r.received_at ?? now;
    if (next === 'ShippedReturn') patch.returned_at = now;
    if (REQUESTER_TERMINAL.has(next)) patch.closed_at = now;
    else if (REQUESTER_TERMINAL.has(from)) patch.closed_at = null;
  }
  const sends: Effect[] = [];
  const notices: Effect[] = [];
  let advanced = false;
  for (const e of res.effects) {
    switch (e.type) {
      case 'advanceRota':
        await advanceRota(trx, r.id, how.rotaOutcome ?? 'moved_on');
        advanced = true;
        break;
      case 'setDueDate':
        patch.due_at = new Date(e.dueDate);
        break;
      case 'countRenewal':
        patch.renewal_count = r.renewal_count + 1;
        break;
      case 'rememberConditions':
        patch.conditional_kind = e.kind;
        patch.conditions = JSON.stringify(
          e.note === undefined ? { conditions: e.conditions } : { conditions: e.conditions, note: e.note },
        );
        break;
      case 'rememberCancelIntent':
        patch.cancel_intent = e.intent;
        break;
      case 'rememberMessage':
        patch.seen_keys = [...(patch.seen_keys ?? r.seen_keys), e.key];
        break;
      case 'notifyPatron':
      case 'notifyStaff':
        notices.push(e);
        break;
      case 'sendRequest':
      case 'sendRequestingAgencyMessage':
        sends.push(e);
        break;
      default:
        break;
    }
  }
  // The lender's turn ends without a next one: the rota ran out, or the patron cancelled.
  if (!advanced && how.rotaOutcome && next !== from && !AT_LENDER.has(next) && next !== 'CancelPending') {
    await finishCurrent(trx, r.id, how.rotaOutcome);
  }
  // The lender that supplied stays current while the loan runs; its turn ends with the request.
  if ((next === 'Completed' || next === 'CompletedWithoutReturn') && next !== from) {
    await finishCurrent(trx, r.id, 'supplied');
  }
  if (from === 'CancelPending' && next === 'Cancelled') await finishCurrent(trx, r.id, 'cancelled');
  // A new request or a resolved conditional answer starts afresh on conditions.
  if (AT_LENDER.has(from) && from === 'ConditionalAnswerReceived' && next !== from) {
    patch.conditional_kind = null;
  }
  await trx.updateTable('ill_requests').set(patch).where('id', '=', r.id).execute();
  const side = { request_id: r.id, supplier_request_id: null, side: 'borrower' as const };
  await timeline(trx, side, how, from, next === from ? null : next);
  for (const n of notices) {
    if (n.type === 'notifyPatron' || n.type === 'notifyStaff') {
      await logEvent(trx, side, {
        who: { label: 'Simpul', userId: null },
        kind: 'notice',
        name: n.type === 'notifyPatron' ? `patron:${n.topic}` : `staff:${n.topic}`,
        note: n.type === 'notifyStaff' ? (n.note ?? null) : null,
      });
    }
  }
  await tellBorrower(trx, r, from, next, notices);
  for (const e of sends) {
    if (e.type === 'sendRequest') await sendRequest(trx, r.id, e.requestType, how.who);
    else if (e.type === 'sendRequestingAgencyMessage') {
      // The current lender, or after the request closed the one that supplied it.
      const cur =
        (await currentRota(trx, r.id)) ??
        (await trx
          .selectFrom('ill_rota')
          .selectAll()
          .where('request_id', '=', r.id)
          .where('status', '=', 'supplied')
          .executeTakeFirst());
      if (!cur?.agency_request_id) throw new Error(`ill request ${r.id} has no current lender to tell`);
      await sendRam(trx, r, cur, e, how.who);
    }
  }
  return { ok: true, state: next, changed: next !== from, duplicate: false };
}

/**
 * Tells the patron and the borrowing library's staff what this step means for
 * them: the machine's notifyPatron / notifyStaff effects, plus the steps the
 * patron waits for (sent, will supply, conditions, shipped).
 */
async function tellBorrower(trx: Trx, r: RequestRow, from: RequesterState, next: RequesterState, notices: Effect[]) {
  if (next !== from) {
    if (next === 'SentToSupplier' && (!r.sent_at || from === 'Unfilled'))
      await tellBorrowerSide(trx, r.id, 'request_sent');
    if (next === 'WillSupply') await tellBorrowerSide(trx, r.id, 'will_supply');
    if (next === 'ConditionalAnswerReceived') await tellBorrowerSide(trx, r.id, 'conditions');
    if (next === 'Shipped') await tellBorrowerSide(trx, r.id, 'shipped');
  }
  for (const n of notices) {
    if (n.type === 'notifyPatron') {
      await tellBorrowerSide(trx, r.id, n.topic);
      if (n.topic === 'request_unfilled') await tellBorrowerSide(trx, r.id, 'rota_used_up');
    } else if (n.type === 'notifyStaff') {
      const topic = borrowerStaffTopicOf(n.topic);
      if (topic) await tellBorrowerSide(trx, r.id, topic, n.note);
    }
  }
}

/** Starts an ISO 18626 transaction with the current lender of the rota. */
async function sendRequest(trx: Trx, requestId: number, requestType: 'New' | 'Retry', who: Who): Promise<void> {
  const cur = await currentRota(trx, requestId);
  if (!cur) throw new Error(`ill request ${requestId} has no current lender`);
  const r = await trx
    .updateTable('ill_requests')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', requestId)
    .returningAll()
    .executeTakeFirstOrThrow();
  const agencyRequestId = `${r.hrid}-${r.attempts}`;
  const policy = await lendingPolicy(trx, cur.lender_library_id);
  const now = new Date();
  const answerDue = new Date(now.getTime() + policy.answerHours * 3600_000);
  await trx
    .updateTable('ill_rota')
    .set({ agency_request_id: agencyRequestId, sent_at: now, answer_due_at: answerDue })
    .where('id', '=', cur.id)
    .execute();
  const [borrower, pickup, patron, lenderAgency, borrowerAgency] = await Promise.all([
    libraryById(trx, r.borrower_library_id),
    trx.selectFrom('libraries').select(['name', 'address']).where('id', '=', r.pickup_library_id).executeTakeFirst(),
    r.patron_id === null
      ? undefined
      : trx.selectFrom('patrons').select('member_number').where('id', '=', r.patron_id).executeTakeFirst(),
    agencyIdFor(trx, cur.lender_library_id),
    agencyIdFor(trx, r.borrower_library_id),
  ]);
  const message = buildRequestMessage({
    borrower: borrowerAgency,
    borrowerName: borrower.name,
    lender: lenderAgency,
    agencyRequestId,
    ...(requestType === 'Retry' && cur.agency_request_id ? { previousAgencyRequestId: cur.agency_request_id } : {}),
    requestType,
    timestamp: messageTimestamp(),
    serviceType: r.service_type,
    citation: r.citation,
    clusterId: r.cluster_id,
    neededBy: r.needed_by,
    copyDelivery: r.copy_delivery,
    copyrightDeclared: r.copyright_declared_at !== null,
    note: r.note,
    patronId: patron?.member_number ?? null,
    pickup: { name: pickup?.name ?? borrower.name, address: pickup?.address ?? null },
  });
  await send(trx, { request_id: r.id, supplier_request_id: null, side: 'borrower' }, cur.lender_library_id, who, {
    kind: 'request',
    message,
  });
  await scheduleAnswerTimeout(trx, r.id, agencyRequestId, answerDue);
}

export const ANSWER_TIMEOUT_JOB = 'ill.answer-timeout';

/** The silence check: when the lender has not answered by its promised time, the rota moves on (jobs.ts). */
async function scheduleAnswerTimeout(trx: Trx, requestId: number, agencyRequestId: string, at: Date): Promise<void> {
  await enqueue(
    trx,
    ANSWER_TIMEOUT_JOB,
    { requestId, agencyRequestId },
    { runAt: at, uniqueKey: `${ANSWER_TIMEOUT_JOB}:${agencyRequestId}` },
  );
}

/** Sends a RequestingAgencyMessage for one attempt (the current one, or an old one being closed). */
export async function sendRam(
  trx: Trx,
  r: RequestRow,
  attempt: { lender_library_id: number; agency_request_id: string | null },
  e: Extract<Effect, { type: 'sendRequestingAgencyMessage' }>,
  who: Who,
): Promise<void> {
  if (!attempt.agency_request_id) throw new Error('attempt never sent');
  const [lender, borrower] = await Promise.all([
    agencyIdFor(trx, attempt.lender_library_id),
    agencyIdFor(trx, r.borrower_library_id),
  ]);
  const message = buildRequestingAgencyMessage(e, {
    lender,
    borrower,
    agencyRequestId: attempt.agency_request_id,
    timestamp: messageTimestamp(),
  });
  await send(trx, { request_id: r.id, supplier_request_id: null, side: 'borrower' }, attempt.lender_library_id, who, {
    kind: 'requestingAgencyMessage',
    message,
  });
}

async function send(
  trx: Trx,
  side: { request_id: number | null; supplier_request_id: number | null; side: 'borrower' | 'lender' },
  to: number | null,
  who: Who,
  message: OutgoingMessage,
): Promise<void> {
  await logEvent(trx, side, {
    who,
    kind: 'message_out',
    name: messageName(message),
    data: { message: message.message as unknown as Record<string, unknown> },
  });
  const result = await deliver(trx, to, message, {
    actorLabel: who.label,
    links: { requestId: side.request_id, supplierRequestId: side.supplier_request_id },
  });
  if (result.delivered === 'local' && result.outcome !== 'OK') {
    throw conflict('peer_refused', { why: result.outcome.errorValue ?? result.outcome.errorType }, result.outcome);
  }
}

export function messageName(m: OutgoingMessage): string {
  switch (m.kind) {
    case 'request':
      return `Request:${m.message.serviceInfo.requestType ?? 'New'}`;
    case 'requestingAgencyMessage':
      return `RequestingAgencyMessage:${m.message.action}`;
    case 'supplyingAgencyMessage':
      return `SupplyingAgencyMessage:${m.message.messageInfo.reasonForMessage}:${m.message.statusInfo.status}`;
  }
}

// ------------------------------------------------------------------ lender

export async function loadSupplier(trx: Trx, id: number): Promise<SupplierRow | undefined> {
  return trx.selectFrom('ill_supplier_requests').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function addDaysIso(from: Date, days: number): string {
  const d = new Date(from.getTime() + days * 86_400_000);
  d.setUTCHours(23, 59, 59, 0);
  return d.toISOString();
}

export async function supplierContext(trx: Trx, s: SupplierRow): Promise<SupplierContext> {
  const policy = await lendingPolicy(trx, s.lender_library_id);
  const base = s.due_at && s.due_at.getTime() > Date.now() ? s.due_at : new Date();
  return {
    serviceType: s.service_type,
    seenMessageKeys: new Set(s.seen_keys),
    ...(s.previous_state ? { previousState: s.previous_state as SupplierState } : {}),
    renewals: {
      max: policy.maxRenewals,
      count: s.renewal_count,
      ...(policy.autoRenew ? { autoApproveDueDate: addDaysIso(base, policy.renewalDays) } : {}),
    },
    autoApproveCancel: policy.autoApproveCancel,
  };
}

/** Applies one event to the lender's record, stores it, keeps the item's status right, then answers. */
export async function applySupplier(
  trx: Trx,
  supplierId: number,
  event: SupplierEvent,
  how: How,
): Promise<Outcome<SupplierState>> {
  const s = await loadSupplier(trx, supplierId);
  if (!s) throw new Error(`ill supplier request ${supplierId} vanished inside its transaction`);
  const from = s.state as SupplierState;
  const res = applySupplierEvent(from, event, await supplierContext(trx, s));
  if (!res.ok) return res;
  if (res.duplicate) return { ok: true, state: from, changed: false, duplicate: true };
  const now = new Date();
  const next = res.next;
  const patch: Updateable<IllSupplierRequestsTable> = { updated_at: now };
  if (next !== from) {
    patch.state = next;
    patch.previous_state = from;
    if (from === 'RequestReceived' && !s.answered_at) patch.answered_at = now;
    if (next === 'Loaned' && !s.shipped_at) patch.shipped_at = now;
    if (next === 'CopyCompleted') patch.shipped_at = now;
    if (next === 'LoanCompleted') patch.returned_at = now;
    if (SUPPLIER_TERMINAL.has(next)) patch.closed_at = now;
  }
  const sends: Array<Extract<Effect, { type: 'sendSupplyingAgencyMessage' }>> = [];
  const notices: Effect[] = [];
  let charge = false;
  for (const e of res.effects) {
    switch (e.type) {
      case 'setDueDate':
        patch.due_at = new Date(e.dueDate);
        break;
      case 'countRenewal':
        patch.renewal_count = s.renewal_count + 1;
        break;
      case 'rememberConditions':
        patch.conditions = JSON.stringify(
          e.note === undefined ? { conditions: e.conditions } : { conditions: e.conditions, note: e.note },
        );
        break;
      case 'rememberMessage':
        patch.seen_keys = [...(patch.seen_keys ?? s.seen_keys), e.key];
        break;
      case 'chargeLostItem':
        charge = true;
        break;
      case 'notifyPatron':
      case 'notifyStaff':
        notices.push(e);
        break;
      case 'sendSupplyingAgencyMessage':
        sends.push(e);
        break;
      default:
        break;
    }
  }
  await trx.updateTable('ill_supplier_requests').set(patch).where('id', '=', s.id).execute();
  if (s.item_id !== null) {
    // ILL holds the copy from shipping until it is checked in; a copy never returned stays held (lost) until staff release it.
    const status = itemStatusAfter(from, next, event.type);
    if (status === 'available') await releaseItems(trx, [s.item_id], 'ill', 'available');
    else if (status) await holdItems(trx, [s.item_id], 'ill', status);
  }
  const side = { request_id: null, supplier_request_id: s.id, side: 'lender' as const };
  await timeline(trx, side, how, from, next === from ? null : next);
  if (charge) await lostItemCharge(trx, s, 'lost', null);
  for (const n of notices) {
    if (n.type === 'notifyStaff' || n.type === 'notifyPatron') {
      await logEvent(trx, side, {
        who: { label: 'Simpul', userId: null },
        kind: 'notice',
        name: n.type === 'notifyPatron' ? `patron:${n.topic}` : `staff:${n.topic}`,
        note: n.type === 'notifyStaff' ? (n.note ?? null) : null,
      });
    }
  }
  for (const n of notices) {
    const topic = n.type === 'notifyStaff' ? lenderTopicOf(n.topic) : null;
    if (topic && n.type === 'notifyStaff') await tellLenderSide(trx, s.id, topic, n.note);
  }
  if (next === 'ReturnInTransit' && from !== next) await tellLenderSide(trx, s.id, 'return_shipped');
  if (sends.length) {
    const fresh = await loadSupplier(trx, s.id);
    if (!fresh) throw new Error('supplier record vanished');
    const [lender, item] = await Promise.all([
      agencyIdFor(trx, s.lender_library_id),
      fresh.item_id === null
        ? undefined
        : trx.selectFrom('items').select('barcode').where('id', '=', fresh.item_id).executeTakeFirst(),
    ]);
    const borrower = { agencyIdType: { value: s.requesting_agency_type }, agencyIdValue: s.requesting_agency_value };
    for (const e of sends) {
      const message = buildSupplyingAgencyMessage(e, {
        lender,
        borrower,
        agencyRequestId: s.requesting_agency_request_id,
        supplierRequestId: s.hrid,
        timestamp: messageTimestamp(),
        itemBarcode: item?.barcode ?? null,
        copyDelivery: fresh.copy_delivery,
      });
      await send(trx, side, s.borrower_library_id, how.who, { kind: 'supplyingAgencyMessage', message });
    }
  }
  return { ok: true, state: next, changed: next !== from, duplicate: false };
}

/** The lender's copy follows the loan: in transit out, on loan at the borrower, in transit back, home or lost. */
function itemStatusAfter(
  from: SupplierState,
  next: SupplierState,
  event: SupplierEvent['type'],
): 'in_transit' | 'on_loan' | 'available' | 'lost' | null {
  if (next === 'Loaned' && from !== 'Loaned' && event === 'ship') return 'in_transit';
  if (event === 'peerReceived') return 'on_loan';
  if (next === 'ReturnInTransit' && from !== 'ReturnInTransit') return 'in_transit';
  if (next === 'LoanCompleted' && from !== 'LoanCompleted') return 'available';
  if (next === 'CompletedWithoutReturn' && from !== 'CompletedWithoutReturn') return 'lost';
  return null;
}
