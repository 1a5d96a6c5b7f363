/**
 * What the ILL requester and supplier state machines share: the result shape,
 * the effects they ask the service to carry out, and the duplicate check.
 * The machines are pure: the service loads the request, calls `apply…`,
 * and performs the effects (store state, send messages) in one transaction.
 * Effects come in order: what to remember comes before what to send, so an
 * answer that arrives quickly finds the request already updated.
 */
import type { Bilingual } from '../platform/messages.ts';
import type { Action, ReasonForMessage, Status } from './iso18626/types.ts';

export type { Bilingual };

export interface Reason {
  /** Stable, for clients to branch on; the message is for people. */
  code: string;
  message: Bilingual;
  /**
   * Set when the event came from a peer's message: the ISO 18626 error type to
   * put in the confirmation (the peer's message was understood but cannot be acted on).
   */
  errorType?: 'UnsupportedActionType' | 'UnsupportedReasonForMessageType' | 'UnrecognisedDataValue';
}

export type Effect =
  | {
      type: 'sendSupplyingAgencyMessage';
      reasonForMessage: ReasonForMessage;
      status: Status;
      answerYesNo?: 'Y' | 'N';
      note?: string;
      reasonUnfilled?: string;
      reasonRetry?: string;
      dueDate?: string;
      /** Conditions of a conditional answer; the service puts them in retryInfo/loanCondition. */
      loanConditions?: readonly string[];
    }
  | { type: 'sendRequestingAgencyMessage'; action: Action; note?: string }
  | { type: 'sendRequest'; requestType: 'New' | 'Retry'; supplier: 'next' | 'current' }
  | { type: 'advanceRota' }
  | { type: 'setDueDate'; dueDate: string }
  | { type: 'countRenewal' }
  | { type: 'rememberConditions'; kind: 'conditions' | 'retry'; conditions: readonly string[]; note?: string }
  | { type: 'rememberCancelIntent'; intent: CancelIntent }
  | { type: 'chargeLostItem' }
  | { type: 'notifyPatron'; topic: PatronTopic }
  | { type: 'notifyStaff'; topic: StaffTopic; note?: string }
  | { type: 'rememberMessage'; key: string };

/** Why a borrower cancels: the patron no longer wants it, or only this lender is dropped. */
export type CancelIntent = 'patron' | 'nextLender';

export type PatronTopic =
  | 'request_unfilled'
  | 'item_arrived'
  | 'copy_available'
  | 'due_date_changed'
  | 'renewal_refused'
  | 'overdue'
  | 'recalled'
  | 'request_cancelled';

export type StaffTopic =
  | 'peer_note'
  | 'cancel_requested'
  | 'cancel_too_late'
  | 'renew_requested'
  | 'conditions_offered'
  | 'item_received_by_borrower'
  | 'item_forwarded'
  | 'lost_reported'
  | 'cancel_refused';

export type Transition<S> =
  | {
      ok: true;
      next: S;
      effects: Effect[];
      /** True when the event changes nothing because it was already applied: answer OK, do nothing. */
      duplicate: boolean;
    }
  | { ok: false; reason: Reason };

/** Facts both machines read. The service fills them from the stored request. */
export interface CommonContext {
  serviceType: 'Loan' | 'Copy' | 'CopyOrLoan';
  /** The state the request was in before the current one; pending states resume it when a request is refused. */
  previousState?: string;
  /** Keys of peer messages already applied to this request (see `messageKey`). */
  seenMessageKeys?: ReadonlySet<string>;
}

/**
 * A peer's message identity. ISO 18626 has no message id, so the header
 * timestamp plus what the message says stands for one: a resent message
 * repeats all three.
 */
export function messageKey(timestamp: string, what: string): string {
  return `${timestamp}|${what}`;
}

export function go<S>(next: S, ...effects: Effect[]): Transition<S> {
  return { ok: true, next, effects, duplicate: false };
}

export function same<S>(state: S): Transition<S> {
  return { ok: true, next: state, effects: [], duplicate: true };
}

const REASONS = {
  not_allowed: {
    id: 'Tindakan {event} tidak diizinkan pada status {state}',
    en: 'Action {event} is not allowed in state {state}',
  },
  request_closed: {
    id: 'Permintaan ini sudah selesai ({state}); tidak ada tindakan lagi',
    en: 'This request is closed ({state}); nothing more can be done',
  },
  renew_after_return: {
    id: 'Perpanjangan tidak dapat diminta setelah buku dikembalikan',
    en: 'Renewal cannot be requested after the item was returned',
  },
  renew_before_loan: {
    id: 'Perpanjangan hanya dapat diminta untuk buku yang sedang dipinjam',
    en: 'Renewal can only be requested for an item that is on loan',
  },
  renew_recalled: {
    id: 'Buku ini ditarik kembali oleh perpustakaan pemberi pinjaman, jadi tidak dapat diperpanjang',
    en: 'The lender has recalled this item, so it cannot be renewed',
  },
  renew_copy: {
    id: 'Salinan tidak dipinjamkan, jadi tidak dapat diperpanjang',
    en: 'A copy is not lent, so it cannot be renewed',
  },
  renew_lost: {
    id: 'Buku sudah dilaporkan hilang, jadi tidak dapat diperpanjang',
    en: 'The item was reported lost, so it cannot be renewed',
  },
  cancel_after_shipped: {
    id: 'Permintaan tidak dapat dibatalkan setelah buku dikirim; kembalikan bukunya',
    en: 'The request cannot be cancelled after the item was shipped; return the item instead',
  },
  answer_cancel_first: {
    id: 'Jawab dulu permintaan pembatalan dari perpustakaan peminjam',
    en: "Answer the borrowing library's cancel request first",
  },
  no_cancel_pending: {
    id: 'Tidak ada permintaan pembatalan yang menunggu jawaban',
    en: 'No cancel request is waiting for an answer',
  },
  no_renew_pending: {
    id: 'Tidak ada permintaan perpanjangan yang menunggu jawaban',
    en: 'No renewal request is waiting for an answer',
  },
  conditions_unanswered: {
    id: 'Syarat yang ditawarkan belum dijawab oleh perpustakaan peminjam',
    en: 'The borrowing library has not yet answered the conditions offered',
  },
  no_conditions_pending: {
    id: 'Tidak ada syarat peminjaman yang menunggu jawaban',
    en: 'No loan conditions are waiting for an answer',
  },
  conditions_empty: {
    id: 'Sebutkan paling sedikit satu syarat',
    en: 'Name at least one condition',
  },
  copy_not_loan: {
    id: 'Permintaan salinan tidak dapat dikirim sebagai pinjaman',
    en: 'A copy request cannot be shipped as a loan',
  },
  loan_not_copy: {
    id: 'Permintaan pinjaman tidak dapat diselesaikan sebagai salinan',
    en: 'A loan request cannot be completed as a copy',
  },
  not_shipped: {
    id: 'Buku belum dikirim oleh perpustakaan pemberi pinjaman',
    en: 'The lender has not shipped the item yet',
  },
  not_received: {
    id: 'Buku belum diterima oleh perpustakaan peminjam',
    en: 'The borrowing library has not received the item yet',
  },
  not_sent: {
    id: 'Permintaan belum dikirim ke perpustakaan pemberi pinjaman',
    en: 'The request has not been sent to a lender yet',
  },
  already_sent: {
    id: 'Permintaan sudah dikirim ke perpustakaan pemberi pinjaman',
    en: 'The request has already been sent to a lender',
  },
  not_unfilled: {
    id: 'Hanya permintaan yang tidak terpenuhi (semua pemberi pinjaman sudah dicoba) yang dapat dikirim ulang',
    en: 'Only an unfilled request (every lender tried) can be re-sent',
  },
  no_lender: {
    id: 'Tidak ada lagi perpustakaan pemberi pinjaman dalam daftar giliran (rota)',
    en: 'No lender is left in the rota',
  },
  unsupported_action: {
    id: 'Aksi ISO 18626 {event} tidak didukung',
    en: 'The ISO 18626 action {event} is not supported',
  },
  unsupported_status: {
    id: 'Status ISO 18626 {event} tidak didukung',
    en: 'The ISO 18626 status {event} is not supported',
  },
  stale_status: {
    id: 'Status {event} dari perpustakaan pemberi pinjaman tidak sesuai dengan keadaan permintaan ({state})',
    en: "The lender's status {event} does not fit the request's state ({state})",
  },
} as const satisfies Record<string, Bilingual>;

export type ReasonCode = keyof typeof REASONS;

export function reasonText(code: ReasonCode, state: string, event: string): Bilingual {
  const fill = (s: string): string => s.replaceAll('{state}', state).replaceAll('{event}', event);
  const m = REASONS[code];
  return { id: fill(m.id), en: fill(m.en) };
}

export function refuse<S>(
  code: ReasonCode,
  state: string,
  event: string,
  errorType?: Reason['errorType'],
): Transition<S> {
  const message = reasonText(code, state, event);
  return { ok: false, reason: errorType ? { code, message, errorType } : { code, message } };
}

/**
 * Wraps a machine's step with the checks both sides make the same way: a peer
 * message seen before is a duplicate; a new one is remembered.
 */
export function withIdempotency<S, E extends object>(
  step: (state: S, event: E) => Transition<S>,
  state: S,
  event: E,
  seen: ReadonlySet<string> | undefined,
): Transition<S> {
  const key = 'messageKey' in event && typeof event.messageKey === 'string' ? event.messageKey : undefined;
  if (key !== undefined && seen?.has(key)) return same(state);
  const result = step(state, event);
  if (result.ok && key !== undefined && !result.duplicate) {
    return { ...result, effects: [...result.effects, { type: 'rememberMessage', key }] };
  }
  return result;
}
