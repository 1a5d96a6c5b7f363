import { sql } from 'kysely';
import type { PatronActor } from '../platform/actor.ts';
import type { Db, DbOrTrx } from '../platform/db.ts';
import { Forbidden, NotFound } from '../platform/errors.ts';
import { enqueue } from '../platform/jobs.ts';
import type { Bilingual } from '../platform/messages.ts';
import { type Page, type PageParams, pageOf } from '../platform/paging.ts';
import { EMAIL_JOB, EMAIL_MAX_ATTEMPTS, mailEnabled } from './mail.ts';
import type { EmailStatus } from './tables.ts';

/** Someone to tell: one staff member, every active staff member of a library, or one patron. */
export type Recipient = { userId: number } | { libraryId: number } | { patronId: number };

export interface NotifyInput {
  to: Recipient | Recipient[];
  /** A stable name for the kind of notice, e.g. 'agreement.reminder', 'visit.announced'. */
  kind: string;
  subject: Bilingual;
  body: Bilingual;
  /** A path in the web UI (e.g. '/programs/agreements/5'); e-mails make it absolute. */
  link?: string | null | undefined;
}

/**
 * Stores an in-app notification for each recipient in the caller's transaction
 * and, when SMTP is configured and the recipient has an address, queues an
 * e-mail job (retried with back-off) in the same transaction: if the change is
 * rolled back, nobody is told. Returns the ids of the notifications created.
 */
export async function notify(trx: DbOrTrx, input: NotifyInput): Promise<number[]> {
  const list = Array.isArray(input.to) ? input.to : [input.to];
  const userIds = new Set<number>();
  const patronIds = new Set<number>();
  const libraryIds: number[] = [];
  for (const r of list) {
    if ('userId' in r) userIds.add(r.userId);
    else if ('patronId' in r) patronIds.add(r.patronId);
    else libraryIds.push(r.libraryId);
  }
  if (libraryIds.length) {
    const staff = await trx
      .selectFrom('staff_users')
      .select('id')
      .where('library_id', 'in', libraryIds)
      .where('active', '=', true)
      .execute();
    for (const s of staff) userIds.add(s.id);
  }
  const [users, patrons] = await Promise.all([
    userIds.size
      ? trx
          .selectFrom('staff_users')
          .select(['id', 'email'])
          .where('id', 'in', [...userIds])
          .execute()
      : [],
    patronIds.size
      ? trx
          .selectFrom('patrons')
          .select(['id', 'email'])
          .where('id', 'in', [...patronIds])
          .execute()
      : [],
  ]);
  const mail = mailEnabled();
  const rows = [
    ...users.map((u) => ({ recipient_user_id: u.id, recipient_patron_id: null, email: u.email })),
    ...patrons.map((p) => ({ recipient_user_id: null, recipient_patron_id: p.id, email: p.email })),
  ];
  if (rows.length === 0) return [];
  const inserted = await trx
    .insertInto('notifications')
    .values(
      rows.map((r) => ({
        recipient_user_id: r.recipient_user_id,
        recipient_patron_id: r.recipient_patron_id,
        kind: input.kind,
        subject_id: input.subject.id,
        subject_en: input.subject.en,
        body_id: input.body.id,
        body_en: input.body.en,
        link: input.link ?? null,
        email_status: mail && r.email ? ('queued' as const) : ('none' as const),
        email_to: mail && r.email ? r.email : null,
      })),
    )
    .returning(['id', 'email_status'])
    .execute();
  for (const n of inserted) {
    if (n.email_status !== 'queued') continue;
    await enqueue(
      trx as Db,
      EMAIL_JOB,
      { notificationId: n.id },
      {
        uniqueKey: `${EMAIL_JOB}:${n.id}`,
        maxAttempts: EMAIL_MAX_ATTEMPTS,
      },
    );
  }
  return inserted.map((n) => n.id);
}

export interface Notification {
  id: number;
  kind: string;
  subject: Bilingual;
  body: Bilingual;
  link: string | null;
  createdAt: string;
  readAt: string | null;
  email: EmailStatus;
}

/** Whose notifications: a staff member's (by user id) or a patron's. */
export type Owner = { userId: number } | { patronId: number };

/** The owner of a request: a signed-in staff member or a patron. API tokens have no inbox. */
export function ownerOf(actor: { userId: number | null } | PatronActor): Owner {
  if ('kind' in actor && actor.kind === 'patron') return { patronId: actor.patronId };
  if (actor.userId === null) throw new Forbidden();
  return { userId: actor.userId };
}

function mine(db: DbOrTrx, owner: Owner) {
  const q = db.selectFrom('notifications');
  return 'userId' in owner
    ? q.where('recipient_user_id', '=', owner.userId)
    : q.where('recipient_patron_id', '=', owner.patronId);
}

export async function listNotifications(
  db: Db,
  owner: Owner,
  f: PageParams & { unread?: boolean | undefined },
): Promise<Page<Notification> & { unread: number }> {
  const { page, pageSize, offset } = pageOf(f);
  let q = mine(db, owner);
  if (f.unread) q = q.where('read_at', 'is', null);
  const [rows, count, unread] = await Promise.all([
    q.selectAll().orderBy('id', 'desc').limit(pageSize).offset(offset).execute(),
    q.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    unreadCount(db, owner),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      subject: { id: r.subject_id, en: r.subject_en },
      body: { id: r.body_id, en: r.body_en },
      link: r.link,
      createdAt: r.created_at.toISOString(),
      readAt: r.read_at ? r.read_at.toISOString() : null,
      email: r.email_status,
    })),
    total: Number(count.n),
    page,
    pageSize,
    unread,
  };
}

export async function unreadCount(db: DbOrTrx, owner: Owner): Promise<number> {
  const r = await mine(db, owner)
    .where('read_at', 'is', null)
    .select(sql<number>`count(*)`.as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Marks one of the owner's notifications read; someone else's answers 404. */
export async function markRead(db: Db, owner: Owner, id: number): Promise<{ unread: number }> {
  const n = await mine(db, owner).select(['id', 'read_at']).where('id', '=', id).executeTakeFirst();
  if (!n) throw new NotFound({ id: 'Pemberitahuan', en: 'Notification' });
  if (!n.read_at) await db.updateTable('notifications').set({ read_at: new Date() }).where('id', '=', id).execute();
  return { unread: await unreadCount(db, owner) };
}

export async function markAllRead(db: Db, owner: Owner): Promise<{ updated: number; unread: number }> {
  let q = db.updateTable('notifications').set({ read_at: new Date() }).where('read_at', 'is', null);
  q =
    'userId' in owner
      ? q.where('recipient_user_id', '=', owner.userId)
      : q.where('recipient_patron_id', '=', owner.patronId);
  const r = await q.executeTakeFirst();
  return { updated: Number(r.numUpdatedRows), unread: 0 };
}
