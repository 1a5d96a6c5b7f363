import type { Selectable } from 'kysely';
import type { Db, DbOrTrx } from '../../platform/db.ts';
import { enqueue, type JobRunner } from '../../platform/jobs.ts';
import type { Protector } from '../../platform/protect.ts';
import { buildMessage } from '../iso18626/build.ts';
import { parseMessage } from '../iso18626/parse.ts';
import type { ErrorData, Iso18626Message, MessageKind } from '../iso18626/types.ts';
import { basicHeader } from './credentials.ts';
import type { IllPeersTable } from './tables.ts';

/**
 * Outbound ISO 18626 messages. `queueOutbound` writes the message into the
 * log (status `pending`) inside the caller's transaction, so a state change and
 * the message announcing it commit together or not at all. The `ill.outbox`
 * job posts it to the peer and reads the confirmation:
 *
 * - OK → `confirmed`;
 * - ERROR → `rejected`, not retried (the peer understood and said no); listeners
 *   put it on the request's timeline;
 * - no confirmation (network error, timeout, HTTP 5xx, an answer that is not a
 *   valid confirmation) → tried again after `retryBaseMs · 2^(attempt-1)`
 *   (capped), until `maxAttempts`; then `failed`, held for staff to retry or abandon.
 *
 * One conversation (peer + requestingAgencyRequestId) is sent in order: a
 * message waits while an earlier one of its conversation is pending or failed.
 */

export const OUTBOX_JOB = 'ill.outbox';

export interface OutboxOptions {
  retryBaseMs: number;
  retryCapMs: number;
  maxAttempts: number;
}

/** From SIMPUL_ILL_RETRY_BASE_MS (30 s), SIMPUL_ILL_RETRY_CAP_MS (6 h), SIMPUL_ILL_MAX_ATTEMPTS (12), read when used. */
export function outboxOptions(env: NodeJS.ProcessEnv = process.env): OutboxOptions {
  const num = (v: string | undefined, d: number) => (v && Number.isFinite(Number(v)) && Number(v) > 0 ? Number(v) : d);
  return {
    retryBaseMs: num(env.SIMPUL_ILL_RETRY_BASE_MS, 30_000),
    retryCapMs: num(env.SIMPUL_ILL_RETRY_CAP_MS, 6 * 3600_000),
    maxAttempts: num(env.SIMPUL_ILL_MAX_ATTEMPTS, 12),
  };
}

export function backoffMs(attempts: number, o: OutboxOptions): number {
  return Math.min(o.retryCapMs, o.retryBaseMs * 2 ** Math.max(0, attempts - 1));
}

type Sendable = Extract<Iso18626Message, { kind: 'request' | 'supplyingAgencyMessage' | 'requestingAgencyMessage' }>;

/** One line for lists: what the message says. */
export function summarise(m: Iso18626Message): string {
  switch (m.kind) {
    case 'request':
      return `${m.message.serviceInfo.requestType ?? 'New'} ${m.message.serviceInfo.serviceType}`;
    case 'supplyingAgencyMessage':
      return `${m.message.messageInfo.reasonForMessage} ${m.message.statusInfo.status}`;
    case 'requestingAgencyMessage':
      return m.message.action;
    default:
      return m.kind;
  }
}

function withoutSecurityCode(m: Sendable): Sendable {
  if (m.kind === 'supplyingAgencyMessage') return m;
  const auth = m.message.header.requestingAgencyAuthentication;
  if (auth?.securityCode === undefined) return m;
  const { securityCode: _drop, ...rest } = auth;
  const header = { ...m.message.header };
  if (rest.accountId === undefined) delete header.requestingAgencyAuthentication;
  else header.requestingAgencyAuthentication = rest;
  return { ...m, message: { ...m.message, header } } as Sendable;
}

export const conversationOf = (peerId: number, requestingAgencyRequestId: string) =>
  `${peerId}:${requestingAgencyRequestId}`;

export interface OutboundEntry {
  peerId: number;
  message: Sendable;
  requestId?: number | null;
  supplierRequestId?: number | null;
  localLibraryId?: number | null;
}

/** Validates and queues one message in the caller's transaction; returns its log id. */
export async function queueOutbound(trx: DbOrTrx, entry: OutboundEntry): Promise<number> {
  // We authenticate with HTTP Basic; a securityCode would otherwise sit readable in the log.
  const message = withoutSecurityCode(entry.message);
  // Throws Iso18626BuildError if we built something the schema refuses: our bug, so the caller's change rolls back too.
  const xml = buildMessage(message);
  const rid = message.message.header.requestingAgencyRequestId;
  const conversation = conversationOf(entry.peerId, rid);
  const row = await trx
    .insertInto('ill_messages')
    .values({
      peer_id: entry.peerId,
      direction: 'out',
      kind: message.kind,
      request_id: entry.requestId ?? null,
      supplier_request_id: entry.supplierRequestId ?? null,
      local_library_id: entry.localLibraryId ?? null,
      requesting_agency_request_id: rid,
      conversation,
      summary: summarise(message),
      status: 'pending',
      xml,
      next_attempt_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (!(await earlierOpen(trx, conversation, row.id))) await schedule(trx, row.id, 0, new Date());
  return row.id;
}

async function earlierOpen(db: DbOrTrx, conversation: string, id: number): Promise<boolean> {
  const found = await db
    .selectFrom('ill_messages')
    .select('id')
    .where('direction', '=', 'out')
    .where('conversation', '=', conversation)
    .where('status', 'in', ['pending', 'failed'])
    .where('id', '<', id)
    .limit(1)
    .executeTakeFirst();
  return found !== undefined;
}

async function schedule(db: DbOrTrx, messageId: number, attempt: number, runAt: Date): Promise<void> {
  await enqueue(
    db as Db,
    OUTBOX_JOB,
    { messageId },
    { runAt, uniqueKey: `${OUTBOX_JOB}:${messageId}:${attempt}`, maxAttempts: 3 },
  );
}

/** After a message of a conversation is settled, the next waiting one goes. */
async function kickNext(db: DbOrTrx, conversation: string | null): Promise<void> {
  if (!conversation) return;
  const next = await db
    .selectFrom('ill_messages')
    .select(['id', 'status', 'attempts'])
    .where('direction', '=', 'out')
    .where('conversation', '=', conversation)
    .where('status', 'in', ['pending', 'failed'])
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (next?.status === 'pending') await schedule(db, next.id, next.attempts, new Date());
}

export type OutboundEvent =
  | (SettledRef & { type: 'rejected'; errors: ErrorData[] })
  | (SettledRef & { type: 'failed'; lastError: string });

/** Which outbound message settled, and for whom: what the outbox's listeners are told besides the outcome. */
export interface SettledRef {
  messageId: number;
  requestId: number | null;
  supplierRequestId: number | null;
  /** The library of this node that sent it. */
  localLibraryId: number | null;
  peerId: number;
  summary: string;
}

export type OutboundListener = (trx: DbOrTrx, event: OutboundEvent) => Promise<void>;

const listeners: OutboundListener[] = [];

/** The ILL service puts rejections and give-ups on the request's timeline, and tells the sending staff, through this. */
export function onOutboundSettled(listener: OutboundListener): void {
  if (!listeners.includes(listener)) listeners.push(listener);
}

const CONFIRMATION_OF: Partial<Record<MessageKind, MessageKind>> = {
  request: 'requestConfirmation',
  supplyingAgencyMessage: 'supplyingAgencyMessageConfirmation',
  requestingAgencyMessage: 'requestingAgencyMessageConfirmation',
};

type PeerRow = Pick<
  Selectable<IllPeersTable>,
  'endpoint_url' | 'outbound_account_id' | 'outbound_secret_cipher' | 'timeout_ms' | 'active'
>;

type Attempt =
  | { kind: 'confirmed'; confirmationXml: string; httpStatus: number }
  | { kind: 'rejected'; confirmationXml: string; httpStatus: number; errors: ErrorData[] }
  | { kind: 'transport'; error: string; httpStatus: number | null; body?: string };

/** One HTTP POST and what its answer means. Never throws. */
export async function postMessage(
  protector: Protector,
  peer: PeerRow,
  kind: MessageKind,
  xml: string,
  fetchImpl: typeof fetch = fetch,
): Promise<Attempt> {
  if (!peer.active) return { kind: 'transport', error: 'peer is paused', httpStatus: null };
  const headers: Record<string, string> = { 'content-type': 'text/xml; charset=utf-8', accept: 'text/xml' };
  if (peer.outbound_account_id && peer.outbound_secret_cipher) {
    headers.authorization = basicHeader(peer.outbound_account_id, protector.decrypt(peer.outbound_secret_cipher));
  }
  let status: number;
  let body: string;
  try {
    const res = await fetchImpl(peer.endpoint_url, {
      method: 'POST',
      headers,
      body: xml,
      signal: AbortSignal.timeout(peer.timeout_ms),
      redirect: 'error',
    });
    status = res.status;
    body = await res.text();
  } catch (e) {
    const cause =
      e instanceof Error ? (e.cause instanceof Error ? `${e.message}: ${e.cause.message}` : e.message) : String(e);
    return { kind: 'transport', error: cause, httpStatus: null };
  }
  const parsed = parseMessage(body);
  const expected = CONFIRMATION_OF[kind];
  if (!parsed.ok || parsed.parsed.kind !== expected) {
    const why = parsed.ok
      ? `answer is a ${parsed.parsed.kind}, not a ${expected}`
      : `answer is not valid ISO 18626 (${parsed.errorType}: ${parsed.errorValue})`;
    return { kind: 'transport', error: `HTTP ${status}: ${why}`, httpStatus: status, body: body.slice(0, 2000) };
  }
  const conf = parsed.parsed.message as { confirmationHeader: { messageStatus: string }; errorData?: ErrorData[] };
  if (conf.confirmationHeader.messageStatus === 'OK')
    return { kind: 'confirmed', confirmationXml: body, httpStatus: status };
  return { kind: 'rejected', confirmationXml: body, httpStatus: status, errors: conf.errorData ?? [] };
}

export interface SendResult {
  messageId: number;
  outcome: 'confirmed' | 'rejected' | 'retry' | 'failed' | 'skipped';
}

/** The job: send one pending message if it is the head of its conversation. */
export async function sendOutbound(
  db: Db,
  protector: Protector,
  messageId: number,
  options: OutboxOptions = outboxOptions(),
  fetchImpl: typeof fetch = fetch,
): Promise<SendResult> {
  const msg = await db
    .selectFrom('ill_messages as m')
    .innerJoin('ill_peers as p', 'p.id', 'm.peer_id')
    .select([
      'm.id',
      'm.kind',
      'm.xml',
      'm.status',
      'm.attempts',
      'm.conversation',
      'm.request_id',
      'm.supplier_request_id',
      'm.local_library_id',
      'm.summary',
      'm.peer_id',
      'p.endpoint_url',
      'p.outbound_account_id',
      'p.outbound_secret_cipher',
      'p.timeout_ms',
      'p.active',
    ])
    .where('m.id', '=', messageId)
    .where('m.direction', '=', 'out')
    .executeTakeFirst();
  if (msg?.status !== 'pending' || msg.peer_id === null) return { messageId, outcome: 'skipped' };
  if (msg.conversation && (await earlierOpen(db, msg.conversation, msg.id))) return { messageId, outcome: 'skipped' };
  const ref: SettledRef = {
    messageId,
    requestId: msg.request_id,
    supplierRequestId: msg.supplier_request_id,
    localLibraryId: msg.local_library_id,
    peerId: msg.peer_id,
    summary: msg.summary,
  };
  const attempt = await postMessage(protector, msg, msg.kind as MessageKind, msg.xml, fetchImpl);
  const now = new Date();
  const attempts = msg.attempts + 1;
  return db.transaction().execute(async (trx) => {
    // Settle only a message still pending: a staff "abandon" meanwhile wins.
    const base = trx.updateTable('ill_messages').where('id', '=', msg.id).where('status', '=', 'pending');
    if (attempt.kind === 'confirmed' || attempt.kind === 'rejected') {
      const first = attempt.kind === 'rejected' ? attempt.errors[0] : undefined;
      const res = await base
        .set({
          status: attempt.kind,
          attempts,
          last_attempt_at: now,
          finished_at: now,
          next_attempt_at: null,
          http_status: attempt.httpStatus,
          confirmation_xml: attempt.confirmationXml,
          error_type: first?.errorType ?? null,
          error_value: first?.errorValue ?? null,
          last_error: null,
        })
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) return { messageId, outcome: 'skipped' as const };
      if (attempt.kind === 'rejected') {
        for (const l of listeners) {
          await l(trx, { type: 'rejected', ...ref, errors: attempt.errors });
        }
      }
      await kickNext(trx, msg.conversation);
      return { messageId, outcome: attempt.kind };
    }
    const final = attempts >= options.maxAttempts;
    const next = new Date(now.getTime() + backoffMs(attempts, options));
    const res = await base
      .set({
        status: final ? 'failed' : 'pending',
        attempts,
        last_attempt_at: now,
        next_attempt_at: final ? null : next,
        http_status: attempt.httpStatus,
        last_error: attempt.error.slice(0, 2000),
        ...(attempt.body !== undefined ? { confirmation_xml: attempt.body } : {}),
      })
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) return { messageId, outcome: 'skipped' as const };
    if (final) {
      for (const l of listeners) {
        await l(trx, { type: 'failed', ...ref, lastError: attempt.error });
      }
      return { messageId, outcome: 'failed' as const };
    }
    await schedule(trx, msg.id, attempts, next);
    return { messageId, outcome: 'retry' as const };
  });
}

export function registerOutboxJob(runner: JobRunner, db: Db, protector: Protector): void {
  runner.register(OUTBOX_JOB, async (payload) => {
    const id = Number(payload.messageId);
    const r = await sendOutbound(db, protector, id);
    return { ...r };
  });
}

/** Staff send a failed or rejected message again: attempts start over, the conversation resumes. */
export async function requeueMessage(trx: DbOrTrx, id: number): Promise<void> {
  const row = await trx
    .updateTable('ill_messages')
    .set({ status: 'pending', attempts: 0, next_attempt_at: new Date(), finished_at: null })
    .where('id', '=', id)
    .where('direction', '=', 'out')
    .where('status', 'in', ['failed', 'rejected'])
    .returning(['id', 'conversation'])
    .executeTakeFirst();
  if (!row) return;
  if (!row.conversation || !(await earlierOpen(trx, row.conversation, row.id)))
    await schedule(trx, row.id, 0, new Date());
}

/** Staff give up on a failed message: it stays in the log, the conversation moves on. */
export async function abandonMessage(trx: DbOrTrx, id: number): Promise<void> {
  const row = await trx
    .updateTable('ill_messages')
    .set({ status: 'abandoned', finished_at: new Date(), next_attempt_at: null })
    .where('id', '=', id)
    .where('direction', '=', 'out')
    .where('status', 'in', ['failed', 'pending'])
    .returning(['conversation'])
    .executeTakeFirst();
  if (row) await kickNext(trx, row.conversation);
}
