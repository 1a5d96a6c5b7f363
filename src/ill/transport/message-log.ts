import { type Actor, canActFor, roleAtLeast } from '../../platform/actor.ts';
import { audit } from '../../platform/audit.ts';
import type { Db, DbOrTrx } from '../../platform/db.ts';
import { Conflict, Forbidden, NotFound } from '../../platform/errors.ts';
import { type Page, type PageParams, pageOf } from '../../platform/paging.ts';
import { abandonMessage, requeueMessage } from './outbox.ts';
import type { MessageDirection, MessageStatus } from './tables.ts';
import { tmsg } from './texts.ts';

/** One ISO 18626 message as the log keeps it. */
export interface LoggedMessage {
  id: number;
  peerId: number | null;
  peerName: string | null;
  direction: MessageDirection;
  kind: string;
  requestId: number | null;
  supplierRequestId: number | null;
  localLibraryId: number | null;
  requestingAgencyRequestId: string | null;
  summary: string;
  status: MessageStatus;
  errorType: string | null;
  errorValue: string | null;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  httpStatus: number | null;
  createdAt: string;
  lastAttemptAt: string | null;
  finishedAt: string | null;
  xml?: string;
  confirmationXml?: string | null;
}

export interface MessageFilter extends PageParams {
  peerId?: number | undefined;
  requestId?: number | undefined;
  supplierRequestId?: number | undefined;
  direction?: MessageDirection | undefined;
  status?: MessageStatus | undefined;
  /** Include the XML of each message (the detail view always has it). */
  withXml?: boolean | undefined;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function base(db: DbOrTrx) {
  return db
    .selectFrom('ill_messages as m')
    .leftJoin('ill_peers as p', 'p.id', 'm.peer_id')
    .select([
      'm.id',
      'm.peer_id',
      'p.name as peer_name',
      'p.network_id',
      'm.direction',
      'm.kind',
      'm.request_id',
      'm.supplier_request_id',
      'm.local_library_id',
      'm.requesting_agency_request_id',
      'm.summary',
      'm.status',
      'm.error_type',
      'm.error_value',
      'm.attempts',
      'm.next_attempt_at',
      'm.last_error',
      'm.http_status',
      'm.created_at',
      'm.last_attempt_at',
      'm.finished_at',
      'm.xml',
      'm.confirmation_xml',
    ]);
}

type Row = NonNullable<Awaited<ReturnType<ReturnType<typeof base>['executeTakeFirst']>>>;

function present(r: Row, withXml: boolean): LoggedMessage {
  return {
    id: r.id,
    peerId: r.peer_id,
    peerName: r.peer_name,
    direction: r.direction,
    kind: r.kind,
    requestId: r.request_id,
    supplierRequestId: r.supplier_request_id,
    localLibraryId: r.local_library_id,
    requestingAgencyRequestId: r.requesting_agency_request_id,
    summary: r.summary,
    status: r.status,
    errorType: r.error_type,
    errorValue: r.error_value,
    attempts: r.attempts,
    nextAttemptAt: iso(r.next_attempt_at),
    lastError: r.last_error,
    httpStatus: r.http_status,
    createdAt: iso(r.created_at) ?? '',
    lastAttemptAt: iso(r.last_attempt_at),
    finishedAt: iso(r.finished_at),
    ...(withXml ? { xml: r.xml, confirmationXml: r.confirmation_xml } : {}),
  };
}

/**
 * Who may read a message: administrators and coordinators of the peer's
 * network, and staff of the local library it was for or from.
 */
async function mayRead(db: DbOrTrx, actor: Actor, r: Pick<Row, 'network_id' | 'local_library_id'>): Promise<boolean> {
  if (actor.role === 'system') return true;
  if (r.network_id !== null && actor.networkId === r.network_id && roleAtLeast(actor, 'library_admin')) return true;
  if (r.local_library_id === null) return false;
  const lib = await db
    .selectFrom('libraries')
    .select(['id', 'network_id'])
    .where('id', '=', r.local_library_id)
    .executeTakeFirst();
  return lib !== undefined && canActFor(actor, lib);
}

export async function listMessages(db: Db, actor: Actor, f: MessageFilter): Promise<Page<LoggedMessage>> {
  const { page, pageSize, offset } = pageOf(f);
  let q = base(db);
  if (f.peerId !== undefined) q = q.where('m.peer_id', '=', f.peerId);
  if (f.requestId !== undefined) q = q.where('m.request_id', '=', f.requestId);
  if (f.supplierRequestId !== undefined) q = q.where('m.supplier_request_id', '=', f.supplierRequestId);
  if (f.direction) q = q.where('m.direction', '=', f.direction);
  if (f.status) q = q.where('m.status', '=', f.status);
  if (actor.role !== 'system') {
    // Network-wide for administrators and coordinators; otherwise the messages of her own library.
    const networkWide = roleAtLeast(actor, 'library_admin') && actor.networkId !== null;
    q = q.where((eb) =>
      networkWide && actor.role === 'network_coordinator'
        ? eb('p.network_id', '=', actor.networkId ?? -1)
        : networkWide
          ? eb.or([
              eb('p.network_id', '=', actor.networkId ?? -1),
              eb('m.local_library_id', '=', actor.libraryId ?? -1),
            ])
          : eb('m.local_library_id', '=', actor.libraryId ?? -1),
    );
  }
  const count = await q
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const rows = await q.orderBy('m.id', 'desc').limit(pageSize).offset(offset).execute();
  return { items: rows.map((r) => present(r, f.withXml ?? false)), total: Number(count.n), page, pageSize };
}

export async function getMessage(db: DbOrTrx, actor: Actor, id: number): Promise<LoggedMessage> {
  const row = await base(db).where('m.id', '=', id).executeTakeFirst();
  if (!row || !(await mayRead(db, actor, row))) throw new NotFound(tmsg('message'));
  return present(row, true);
}

/** Messages of one borrower's request or lender's record, in the order they travelled, for its page. */
export async function requestMessages(
  db: DbOrTrx,
  ref: { requestId: number } | { supplierRequestId: number },
): Promise<LoggedMessage[]> {
  const q = base(db);
  const rows = await ('requestId' in ref
    ? q.where('m.request_id', '=', ref.requestId)
    : q.where('m.supplier_request_id', '=', ref.supplierRequestId)
  )
    .orderBy('m.id')
    .execute();
  return rows.map((r) => present(r, false));
}

/** Retry or abandon: coordinators of the network, or administrators of the library that sent it. */
async function settle(db: Db, actor: Actor, id: number, what: 'retry' | 'abandon'): Promise<LoggedMessage> {
  await db.transaction().execute(async (trx) => {
    const row = await base(trx).where('m.id', '=', id).forUpdate('m').executeTakeFirst();
    if (!row || !(await mayRead(trx, actor, row))) throw new NotFound(tmsg('message'));
    const coordinator =
      actor.role === 'system' || (actor.role === 'network_coordinator' && actor.networkId === row.network_id);
    const ownAdmin =
      roleAtLeast(actor, 'library_admin') && row.local_library_id !== null && actor.libraryId === row.local_library_id;
    if (!coordinator && !ownAdmin) throw new Forbidden();
    const allowed = what === 'retry' ? ['failed', 'rejected'] : ['failed', 'pending'];
    if (row.direction !== 'out' || !allowed.includes(row.status)) {
      throw new Conflict('message_not_failed', tmsg('message_not_failed'), { status: row.status });
    }
    if (what === 'retry') await requeueMessage(trx, id);
    else await abandonMessage(trx, id);
    await audit(trx, actor, {
      action: what,
      entity: 'ill_message',
      entityId: id,
      libraryId: row.local_library_id,
      before: { status: row.status },
      after: { status: what === 'retry' ? 'pending' : 'abandoned' },
    });
  });
  return getMessage(db, actor, id);
}

export const retryMessage = (db: Db, actor: Actor, id: number) => settle(db, actor, id, 'retry');
export const giveUpMessage = (db: Db, actor: Actor, id: number) => settle(db, actor, id, 'abandon');
