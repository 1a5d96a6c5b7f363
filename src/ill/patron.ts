/**
 * The patron's side: ask for a title from a catalog record page, see "my
 * requests", cancel one. A patron's request is checked like a staff one
 * (eligibility, local copy, rota) and waits, validated, for her library's
 * staff to send it.
 */
import type { PatronActor } from '../platform/actor.ts';
import { audit } from '../platform/audit.ts';
import type { Db } from '../platform/db.ts';
import { Conflict } from '../platform/errors.ts';
import { applyRequester } from './engine.ts';
import { createPatronRequest, type RequestInput, whoOf } from './requests.ts';
import { notFound } from './texts.ts';

export type PatronRequestInput = Omit<RequestInput, 'patronId' | 'lenders' | 'send'>;

export interface MyRequest {
  id: number;
  hrid: string;
  state: string;
  serviceType: 'Loan' | 'Copy';
  title: string;
  author: string | null;
  pages: string | null;
  pickup: { code: string; name: string };
  neededBy: string | null;
  dueAt: string | null;
  createdAt: string;
  updatedAt: string;
  canCancel: boolean;
}

const CANCELLABLE = new Set([
  'New',
  'Validated',
  'SentToSupplier',
  'ExpectToSupply',
  'WillSupply',
  'ConditionalAnswerReceived',
]);

export async function askAsPatron(
  db: Db,
  actor: PatronActor,
  input: PatronRequestInput,
  idempotencyKey?: string,
): Promise<MyRequest> {
  const id = await createPatronRequest(db, actor, actor.patronId, input, idempotencyKey);
  const mine = await myRequests(db, actor, id);
  const r = mine[0];
  if (!r) throw notFound('request');
  return r;
}

export async function myRequests(db: Db, actor: PatronActor, onlyId?: number): Promise<MyRequest[]> {
  let q = db
    .selectFrom('ill_requests as r')
    .innerJoin('libraries as l', 'l.id', 'r.pickup_library_id')
    .select([
      'r.id',
      'r.hrid',
      'r.state',
      'r.service_type',
      'r.citation',
      'r.needed_by',
      'r.due_at',
      'r.created_at',
      'r.updated_at',
      'l.code',
      'l.name',
    ])
    .where('r.patron_id', '=', actor.patronId)
    .orderBy('r.created_at', 'desc')
    .limit(200);
  if (onlyId !== undefined) q = q.where('r.id', '=', onlyId);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    hrid: r.hrid,
    state: r.state,
    serviceType: r.service_type,
    title: r.citation.title,
    author: r.citation.author ?? null,
    pages: r.citation.pages ?? null,
    pickup: { code: r.code, name: r.name },
    neededBy: r.needed_by,
    dueAt: r.due_at ? r.due_at.toISOString() : null,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    canCancel: CANCELLABLE.has(r.state),
  }));
}

/** A patron withdraws her own request before the item is shipped. */
export async function cancelAsPatron(db: Db, actor: PatronActor, id: number): Promise<MyRequest> {
  await db.transaction().execute(async (trx) => {
    const r = await trx
      .selectFrom('ill_requests')
      .select(['id', 'patron_id', 'state', 'borrower_library_id'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!r || r.patron_id !== actor.patronId) throw notFound('request');
    const res = await applyRequester(
      trx,
      id,
      { type: 'cancel', note: 'Dibatalkan oleh anggota / cancelled by the patron' },
      { who: whoOf(actor), kind: 'action', name: 'patronCancel', rotaOutcome: 'cancelled' },
    );
    if (!res.ok) throw new Conflict(res.reason.code, res.reason.message);
    if (!res.duplicate) {
      await audit(trx, actor, {
        action: 'cancel',
        entity: 'ill_request',
        entityId: id,
        libraryId: r.borrower_library_id,
        before: { state: r.state },
        after: { state: res.state },
      });
    }
  });
  const mine = await myRequests(db, actor, id);
  const out = mine[0];
  if (!out) throw notFound('request');
  return out;
}
