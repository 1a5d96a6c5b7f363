/**
 * How many requests each queue holds, per state, plus the two highlighted
 * groups (overdue, waiting too long), for the tabs and filters of the staff
 * workspace. The overdue / waiting counts ask the queues themselves, so the
 * numbers on a tab always match the list the same filter shows.
 */
import { Type } from '@fastify/type-provider-typebox';
import type { Actor } from '../platform/actor.ts';
import type { Db } from '../platform/db.ts';
import { type App, requireActor } from '../platform/http.ts';
import { REQUESTER_TERMINAL } from './requester-states.ts';
import { SUPPLIER_TERMINAL } from './supplier-states.ts';
import { assertQueueLibrary, incomingQueue, outgoingQueue, queueLibrary } from './views.ts';

export interface QueueCounts {
  libraryId: number;
  total: number;
  open: number;
  closed: number;
  overdue: number;
  waitingTooLong: number;
  byState: Record<string, number>;
}

export const QueueCountsReply = Type.Object({
  libraryId: Type.Integer(),
  total: Type.Integer(),
  open: Type.Integer(),
  closed: Type.Integer(),
  overdue: Type.Integer(),
  waitingTooLong: Type.Integer(),
  byState: Type.Record(Type.String(), Type.Integer(), { description: 'state name → number of requests' }),
});

export async function queueCounts(
  db: Db,
  actor: Actor,
  side: 'outgoing' | 'incoming',
  library: number | undefined,
): Promise<QueueCounts> {
  const lib = await assertQueueLibrary(db, actor, queueLibrary(actor, library));
  const rows =
    side === 'outgoing'
      ? await db
          .selectFrom('ill_requests')
          .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
          .where('borrower_library_id', '=', lib)
          .groupBy('state')
          .execute()
      : await db
          .selectFrom('ill_supplier_requests')
          .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
          .where('lender_library_id', '=', lib)
          .groupBy('state')
          .execute();
  const terminal: ReadonlySet<string> = side === 'outgoing' ? REQUESTER_TERMINAL : SUPPLIER_TERMINAL;
  const byState: Record<string, number> = {};
  let open = 0;
  let closed = 0;
  for (const r of rows) {
    const n = Number(r.n);
    byState[r.state] = n;
    if (terminal.has(r.state)) closed += n;
    else open += n;
  }
  const queue = side === 'outgoing' ? outgoingQueue : incomingQueue;
  const [overdue, waiting] = await Promise.all([
    queue(db, actor, { library: lib, overdue: true, pageSize: 1 }),
    queue(db, actor, { library: lib, waitingTooLong: true, pageSize: 1 }),
  ]);
  return {
    libraryId: lib,
    total: open + closed,
    open,
    closed,
    overdue: overdue.total,
    waitingTooLong: waiting.total,
    byState,
  };
}

const err = { $ref: 'ErrorReply#' } as const;

export async function queueCountRoutes(app: App): Promise<void> {
  const db = app.simpul.database.db;
  for (const side of ['outgoing', 'incoming'] as const) {
    app.get(
      `/ill/${side}/counts`,
      {
        schema: {
          tags: ['ill'],
          summary:
            side === 'outgoing'
              ? "How many requests the borrowing library's outgoing queue holds: per state, open, closed, overdue, waiting too long"
              : "How many requests the lending library's incoming queue holds: per state, open, closed, overdue, waiting too long",
          security: [{ session: [] }, { token: [] }],
          querystring: Type.Object({
            library: Type.Optional(
              Type.Integer({ minimum: 1, description: 'coordinators: another library of the network' }),
            ),
          }),
          response: { 200: QueueCountsReply, 401: err, 403: err, 404: err },
        },
      },
      async (req) => queueCounts(db, requireActor(req), side, req.query.library),
    );
  }
}
