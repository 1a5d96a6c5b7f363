/**
 * Message delivery between the two sides of an interlibrary loan.
 *
 * CONTRACT (stable; the ISO 18626 endpoint and outbox build on it)
 *
 *   deliver(trx, toLibraryId, message, opts?) -> Promise<DeliveryResult>
 *     Every action of one side produces one ISO 18626 message (a Request, a
 *     SupplyingAgencyMessage or a RequestingAgencyMessage, typed as in
 *     iso18626/types.ts) for the other side, and the ill service hands it here
 *     inside the action's transaction. `toLibraryId` is the receiving library
 *     (`libraries.id`), or null when the receiver is not a library of this
 *     node (then the message header's agency id says where it goes).
 *     Today every library is on this node: the message is applied at once to
 *     the local counterpart through `handlePeerMessage`, in the same
 *     transaction, and the result is `{ delivered: 'local', outcome }`. An
 *     error outcome makes the sending action fail (409 peer_refused) and the
 *     whole transaction roll back.
 *     The outbox (ill-iso) adds: for a library served by an outside peer, queue
 *     the message in the same transaction and return `{ delivered: 'queued' }`;
 *     the sending side then waits for the peer's answer like any other.
 *
 *   handlePeerMessage(trx, message, origin) -> Promise<ConfirmationOutcome>
 *     The one entry point for an incoming Request, SupplyingAgencyMessage or
 *     RequestingAgencyMessage, whoever sent it. It finds the local record by
 *     the header (agency ids, requestingAgencyRequestId), maps the message to
 *     a state-machine event and applies it. Returns 'OK' (also for a duplicate
 *     resent message, which changes nothing) or
 *     `{ errorType, errorValue }` with an ISO 18626 error type: unknown agency
 *     or request id -> UnrecognisedDataValue; a message the state does not
 *     allow -> the machine's errorType or UnrecognisedDataValue with the
 *     reason in English. On an error nothing was changed. It throws only on
 *     faults (database errors, a refused nested local delivery); the caller
 *     then rolls the transaction back. The /iso18626 endpoint calls it after
 *     `handleIncoming(xml)` succeeded and answers with
 *     `confirmIncoming(result, outcome)`.
 *
 *   Agency ids: see agency.ts (`SIMPUL` + library code for libraries of this
 *   node; `agencyIdFor` / `localLibraryForAgency` are where peers plug in).
 */

import { sql } from 'kysely';
import type { Trx } from '../platform/db.ts';
import { agencyIdFor, agencyKey, libraryById, localLibraryForAgency } from './agency.ts';
import { applyRequester, applySupplier, logEvent } from './engine.ts';
import type { ConfirmationOutcome } from './iso18626/build.ts';
import type { IncomingMessage } from './iso18626/incoming.ts';
import type { Request, RequestingAgencyMessage, SupplyingAgencyMessage } from './iso18626/types.ts';
import { tellLenderSide } from './notices.ts';
import { requesterEventFromMessage } from './requester-states.ts';
import { supplierEventFromMessage } from './supplier-states.ts';
import { t } from './texts.ts';
import { queueForPeer } from './transport/remote-delivery.ts';
import { validateOutgoing } from './validate.ts';

/** What one side sends the other. */
export type OutgoingMessage = IncomingMessage;

export type DeliveryResult = { delivered: 'local'; outcome: ConfirmationOutcome } | { delivered: 'queued' };

/** Where a message came from: a library of this node, or an outside system (the /iso18626 endpoint). */
export type PeerOrigin =
  | { kind: 'local'; fromLibraryId: number | null; actorLabel?: string }
  | { kind: 'remote'; label: string; peerId?: number | string };

export async function deliver(
  trx: Trx,
  toLibraryId: number | null,
  message: OutgoingMessage,
  opts: {
    actorLabel?: string;
    fromLibraryId?: number | null;
    /** The sending side's records, so the ISO 18626 message log lists the message on them. */
    links?: { requestId: number | null; supplierRequestId: number | null };
  } = {},
): Promise<DeliveryResult> {
  validateOutgoing(message);
  // A library served by an outside peer: queued in this transaction, sent by the outbox job.
  if (await queueForPeer(trx, toLibraryId, message, opts.links)) return { delivered: 'queued' };
  if (toLibraryId === null) {
    const to =
      message.kind === 'request' || message.kind === 'requestingAgencyMessage'
        ? message.message.header.supplyingAgencyId
        : message.message.header.requestingAgencyId;
    return {
      delivered: 'local',
      outcome: {
        errorType: 'UnrecognisedDataValue',
        errorValue: t('no_route', { agency: to ? agencyKey(to) : '?' }).en,
      },
    };
  }
  const outcome = await handlePeerMessage(trx, message, {
    kind: 'local',
    fromLibraryId: opts.fromLibraryId ?? null,
    ...(opts.actorLabel ? { actorLabel: opts.actorLabel } : {}),
  });
  return { delivered: 'local', outcome };
}

function originLabel(origin: PeerOrigin, fromCode: string): string {
  if (origin.kind === 'remote') return origin.label;
  return origin.actorLabel ? `${origin.actorLabel} (${fromCode})` : fromCode;
}

const unrecognised = (errorValue: string): ConfirmationOutcome => ({ errorType: 'UnrecognisedDataValue', errorValue });

export async function handlePeerMessage(
  trx: Trx,
  message: IncomingMessage,
  origin: PeerOrigin,
): Promise<ConfirmationOutcome> {
  switch (message.kind) {
    case 'request':
      return onRequest(trx, message.message, origin);
    case 'supplyingAgencyMessage':
      return onSupplyingAgencyMessage(trx, message.message, origin);
    case 'requestingAgencyMessage':
      return onRequestingAgencyMessage(trx, message.message, origin);
  }
}

/** A Request: a new transaction at one of our lending libraries. A resent one is a duplicate. */
async function onRequest(trx: Trx, m: Request, origin: PeerOrigin): Promise<ConfirmationOutcome> {
  const lender = await localLibraryForAgency(trx, m.header.supplyingAgencyId);
  if (!lender)
    return unrecognised(
      `supplyingAgencyId ${m.header.supplyingAgencyId ? agencyKey(m.header.supplyingAgencyId) : '(none)'}`,
    );
  const st = m.serviceInfo.serviceType;
  // CopyOrLoan: we lend; a lender that can only copy answers with conditions.
  const serviceType = st === 'Copy' ? 'Copy' : 'Loan';
  const ra = m.header.requestingAgencyId;
  const existing = await trx
    .selectFrom('ill_supplier_requests')
    .select('id')
    .where('lender_library_id', '=', lender.id)
    .where('requesting_agency_type', '=', ra.agencyIdType.value)
    .where('requesting_agency_value', '=', ra.agencyIdValue)
    .where('requesting_agency_request_id', '=', m.header.requestingAgencyRequestId)
    .executeTakeFirst();
  if (existing) return 'OK';
  const borrower = await localLibraryForAgency(trx, ra);
  if (borrower && borrower.id === lender.id) return unrecognised('requestingAgencyId is the supplying agency');
  let requestId: number | null = null;
  let rotaId: number | null = null;
  if (borrower) {
    const rota = await trx
      .selectFrom('ill_rota as r')
      .innerJoin('ill_requests as q', 'q.id', 'r.request_id')
      .select(['r.id', 'r.request_id'])
      .where('r.agency_request_id', '=', m.header.requestingAgencyRequestId)
      .where('q.borrower_library_id', '=', borrower.id)
      .executeTakeFirst();
    if (rota) {
      requestId = rota.request_id;
      rotaId = rota.id;
    }
  }
  const format = m.serviceInfo.itemFormat?.value.toLowerCase();
  const copyDelivery = serviceType !== 'Copy' ? null : format === 'paper' ? 'paper' : format ? 'file' : null;
  const id = await nextId(trx, 'ill_supplier_requests_id_seq');
  await trx
    .insertInto('ill_supplier_requests')
    .values({
      id: Number(id),
      hrid: `${lender.code}-S${id}`,
      lender_library_id: lender.id,
      borrower_library_id: borrower?.id ?? null,
      requesting_agency_type: ra.agencyIdType.value,
      requesting_agency_value: ra.agencyIdValue,
      requesting_agency_request_id: m.header.requestingAgencyRequestId,
      request_id: requestId,
      rota_id: rotaId,
      service_type: serviceType,
      request_message: JSON.stringify(m),
      state: 'RequestReceived',
      copy_delivery: copyDelivery,
    })
    .execute();
  await logEvent(
    trx,
    { request_id: null, supplier_request_id: Number(id), side: 'lender' },
    {
      who: { label: originLabel(origin, borrower?.code ?? agencyKey(ra)), userId: null },
      kind: 'message_in',
      name: `Request:${m.serviceInfo.requestType ?? 'New'}`,
      data: { message: m as unknown as Record<string, unknown> },
    },
  );
  await logEvent(
    trx,
    { request_id: null, supplier_request_id: Number(id), side: 'lender' },
    { who: { label: 'Simpul', userId: null }, kind: 'notice', name: 'staff:new_request' },
  );
  await tellLenderSide(trx, Number(id), 'new_request');
  return 'OK';
}

/** The next id of a table's sequence, so a human id (hrid) can be written with the row. */
export async function nextId(
  trx: Trx,
  sequence: 'ill_supplier_requests_id_seq' | 'ill_requests_id_seq',
): Promise<number> {
  const r = await sql<{ id: string | number }>`select nextval(${sequence}::regclass) as id`.execute(trx);
  return Number(r.rows[0]?.id);
}

/** `HRID-n` -> the borrower's request HRID and attempt number. */
export function splitAgencyRequestId(id: string): { hrid: string; attempt: number } | null {
  const m = /^(.+)-(\d+)$/.exec(id);
  return m?.[1] && m[2] ? { hrid: m[1], attempt: Number(m[2]) } : null;
}

/** A lender's answer or news, for one of our borrowing libraries' requests. */
async function onSupplyingAgencyMessage(
  trx: Trx,
  m: SupplyingAgencyMessage,
  origin: PeerOrigin,
): Promise<ConfirmationOutcome> {
  const borrower = await localLibraryForAgency(trx, m.header.requestingAgencyId);
  if (!borrower) return unrecognised(`requestingAgencyId ${agencyKey(m.header.requestingAgencyId)}`);
  const split = splitAgencyRequestId(m.header.requestingAgencyRequestId);
  const r = split
    ? await trx
        .selectFrom('ill_requests')
        .select(['id', 'state'])
        .where('hrid', '=', split.hrid)
        .where('borrower_library_id', '=', borrower.id)
        .executeTakeFirst()
    : undefined;
  if (!r) return unrecognised(`requestingAgencyRequestId ${m.header.requestingAgencyRequestId}`);
  const attempt = await trx
    .selectFrom('ill_rota')
    .select(['id', 'status', 'lender_library_id'])
    .where('request_id', '=', r.id)
    .where('agency_request_id', '=', m.header.requestingAgencyRequestId)
    .executeTakeFirst();
  if (!attempt) return unrecognised(`requestingAgencyRequestId ${m.header.requestingAgencyRequestId}`);
  const lender = await libraryById(trx, attempt.lender_library_id);
  const expected = await agencyIdFor(trx, attempt.lender_library_id);
  if (agencyKey(expected) !== agencyKey(m.header.supplyingAgencyId)) {
    return unrecognised(`supplyingAgencyId ${agencyKey(m.header.supplyingAgencyId)}`);
  }
  const who = { label: originLabel(origin, lender.code), userId: null };
  const name = `SupplyingAgencyMessage:${m.messageInfo.reasonForMessage}:${m.statusInfo.status}`;
  const data = { message: m as unknown as Record<string, unknown> };
  if (attempt.status !== 'current') {
    // The request moved on from this lender (or this was an earlier attempt): keep it in the
    // timeline for staff, but it must not disturb the lender now asked.
    await logEvent(
      trx,
      { request_id: r.id, supplier_request_id: null, side: 'borrower' },
      { who, kind: 'message_in', name, note: t('stale_attempt').en, data },
    );
    return 'OK';
  }
  const event = requesterEventFromMessage(m);
  const outcome: Record<string, import('./tables.ts').RotaStatus> = {
    Unfilled: 'unfilled',
    Cancelled: 'cancelled',
    RetryPossible: 'moved_on',
  };
  const res = await applyRequester(trx, r.id, event, {
    who,
    kind: 'message_in',
    name,
    note: m.messageInfo.note ?? null,
    data,
    ...(outcome[m.statusInfo.status] ? { rotaOutcome: outcome[m.statusInfo.status] } : {}),
  });
  if (!res.ok) return { errorType: res.reason.errorType ?? 'UnrecognisedDataValue', errorValue: res.reason.message.en };
  return 'OK';
}

/** A borrower's action, for one of our lending libraries' records. */
async function onRequestingAgencyMessage(
  trx: Trx,
  m: RequestingAgencyMessage,
  origin: PeerOrigin,
): Promise<ConfirmationOutcome> {
  const lender = await localLibraryForAgency(trx, m.header.supplyingAgencyId);
  if (!lender) return unrecognised(`supplyingAgencyId ${agencyKey(m.header.supplyingAgencyId)}`);
  const ra = m.header.requestingAgencyId;
  const s = await trx
    .selectFrom('ill_supplier_requests')
    .select(['id'])
    .where('lender_library_id', '=', lender.id)
    .where('requesting_agency_type', '=', ra.agencyIdType.value)
    .where('requesting_agency_value', '=', ra.agencyIdValue)
    .where('requesting_agency_request_id', '=', m.header.requestingAgencyRequestId)
    .executeTakeFirst();
  if (!s) return unrecognised(`requestingAgencyRequestId ${m.header.requestingAgencyRequestId}`);
  const borrower = await localLibraryForAgency(trx, ra);
  const res = await applySupplier(trx, s.id, supplierEventFromMessage(m), {
    who: { label: originLabel(origin, borrower?.code ?? agencyKey(ra)), userId: null },
    kind: 'message_in',
    name: `RequestingAgencyMessage:${m.action}`,
    note: m.note ?? null,
    data: { message: m as unknown as Record<string, unknown> },
  });
  if (!res.ok) return { errorType: res.reason.errorType ?? 'UnrecognisedDataValue', errorValue: res.reason.message.en };
  return 'OK';
}
