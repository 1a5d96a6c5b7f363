/**
 * ILL background work in the Postgres job queue: the silence check (a lender
 * that does not answer within the time it promised is passed over) and the
 * daily overdue run (mark overdue on both sides, record due-soon, overdue and
 * lost-threshold notices once each, also for loans from outside lenders).
 */
import type { Db, Trx } from '../platform/db.ts';
import type { JobRunner } from '../platform/jobs.ts';
import {
  ANSWER_TIMEOUT_JOB,
  applyRequester,
  applySupplier,
  currentRota,
  loadRequest,
  logEvent,
  sendRam,
} from './engine.ts';
import { tellBorrowerSide, tellLenderSide } from './notices.ts';
import type { NoticeKind } from './tables.ts';
import { t } from './texts.ts';

const SIMPUL = { label: 'Simpul', userId: null };

/** Notice levels after the due date; 42 days is the usual point at which consortia count an item as lost. */
export const OVERDUE_LEVELS: Array<{ kind: NoticeKind; days: number }> = [
  { kind: 'overdue', days: 0 },
  { kind: 'overdue_2', days: 7 },
  { kind: 'overdue_3', days: 14 },
  { kind: 'lost_threshold', days: 42 },
];
export const DUE_SOON_DAYS = 3;

/** Runs the silence check for one attempt; does nothing when the lender answered or the request moved on. */
export async function answerTimeout(db: Db, requestId: number, agencyRequestId: string): Promise<{ movedOn: boolean }> {
  return db.transaction().execute(async (trx) => {
    const r = await loadRequest(trx, requestId);
    const cur = r ? await currentRota(trx, requestId) : undefined;
    if (!r || !cur || cur.agency_request_id !== agencyRequestId || r.state !== 'SentToSupplier') {
      return { movedOn: false };
    }
    const note = t('answer_timeout');
    const res = await applyRequester(
      trx,
      requestId,
      { type: 'requestNotConfirmed', note: note.en },
      { who: SIMPUL, kind: 'system', name: 'answerTimeout', note: note.id, rotaOutcome: 'no_answer' },
    );
    if (!res.ok) return { movedOn: false };
    await tellBorrowerSide(trx, requestId, 'answer_timeout');
    // Tell the silent lender to stop: its record closes instead of lingering in its queue.
    const fresh = await loadRequest(trx, requestId);
    if (fresh) {
      await sendRam(trx, fresh, cur, { type: 'sendRequestingAgencyMessage', action: 'Cancel', note: note.en }, SIMPUL);
    }
    return { movedOn: true };
  });
}

async function notice(
  trx: Trx,
  s: { id: number; request_id: number | null; due_at: Date | null },
  kind: NoticeKind,
  today: string,
): Promise<boolean> {
  if (!s.due_at) return false;
  const inserted = await trx
    .insertInto('ill_notices')
    .values({
      supplier_request_id: s.id,
      request_id: s.request_id,
      kind,
      due_on: s.due_at.toISOString().slice(0, 10),
      on_day: today,
    })
    .onConflict((oc) => oc.columns(['supplier_request_id', 'kind', 'due_on']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return false;
  const how = { who: SIMPUL, kind: 'notice' as const, name: `notice:${kind}`, data: { dueAt: s.due_at.toISOString() } };
  await logEvent(trx, { request_id: null, supplier_request_id: s.id, side: 'lender' }, how);
  if (kind !== 'due_soon' && kind !== 'recall') await tellLenderSide(trx, s.id, kind);
  if (s.request_id !== null) {
    await logEvent(trx, { request_id: s.request_id, supplier_request_id: null, side: 'borrower' }, how);
    // The first overdue notice reaches the patron with the request's move to Overdue (the machine's
    // notifyPatron), so it is sent here only when that move did not happen (a recall, a renewal asked).
    const r = await trx.selectFrom('ill_requests').select('state').where('id', '=', s.request_id).executeTakeFirst();
    if (r && kind !== 'recall' && !(kind === 'overdue' && r.state === 'Overdue')) {
      await tellBorrowerSide(trx, s.request_id, kind);
    }
  }
  return true;
}

/**
 * A due-soon or overdue notice for a loan from an outside lender (a peer's
 * library): there is no lender record on this node, so the notice is the
 * borrower's request's alone, once per due date (the one its lender's messages gave).
 */
async function borrowerOnlyNotice(
  trx: Trx,
  r: { id: number; due_at: Date | null; state: string },
  kind: Exclude<NoticeKind, 'recall'>,
  today: string,
): Promise<boolean> {
  if (!r.due_at) return false;
  const inserted = await trx
    .insertInto('ill_notices')
    .values({
      supplier_request_id: null,
      request_id: r.id,
      kind,
      due_on: r.due_at.toISOString().slice(0, 10),
      on_day: today,
    })
    .onConflict((oc) =>
      oc.columns(['request_id', 'kind', 'due_on']).where('supplier_request_id', 'is', null).doNothing(),
    )
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return false;
  await logEvent(
    trx,
    { request_id: r.id, supplier_request_id: null, side: 'borrower' },
    { who: SIMPUL, kind: 'notice', name: `notice:${kind}`, data: { dueAt: r.due_at.toISOString() } },
  );
  // As for a Simpul lender: the first overdue notice came with the request's move to Overdue.
  if (!(kind === 'overdue' && r.state === 'Overdue')) await tellBorrowerSide(trx, r.id, kind);
  return true;
}

export interface OverdueReport {
  day: string;
  markedOverdue: number;
  borrowerMarkedOverdue: number;
  notices: number;
}

/**
 * The daily run. `now` decides what is overdue (a due date before it); each
 * notice is recorded once per due date, so running twice a day, or again
 * after a crash, sends nothing twice.
 */
export async function runOverdue(db: Db, now: Date = new Date()): Promise<OverdueReport> {
  const day = now.toISOString().slice(0, 10);
  const report: OverdueReport = { day, markedOverdue: 0, borrowerMarkedOverdue: 0, notices: 0 };
  const late = await db
    .selectFrom('ill_supplier_requests')
    .select('id')
    .where('state', '=', 'Loaned')
    .where('due_at', '<', now)
    .execute();
  for (const { id } of late) {
    await db.transaction().execute(async (trx) => {
      const res = await applySupplier(
        trx,
        id,
        { type: 'markOverdue' },
        { who: SIMPUL, kind: 'system', name: 'overdueRun' },
      );
      if (res.ok && res.changed) report.markedOverdue++;
    });
  }
  // Borrowers whose lender does not say so (an outside system) mark their side themselves.
  const borrowed = await db
    .selectFrom('ill_requests')
    .select('id')
    .where('state', '=', 'Received')
    .where('due_at', '<', now)
    .execute();
  for (const { id } of borrowed) {
    await db.transaction().execute(async (trx) => {
      const res = await applyRequester(
        trx,
        id,
        { type: 'markOverdue' },
        { who: SIMPUL, kind: 'system', name: 'overdueRun' },
      );
      if (res.ok && res.changed) report.borrowerMarkedOverdue++;
    });
  }
  const out = await db
    .selectFrom('ill_supplier_requests')
    .select(['id', 'request_id', 'due_at', 'state'])
    .where('state', 'in', ['Loaned', 'Overdue', 'Recalled', 'RenewRequested'])
    .where('due_at', 'is not', null)
    .where('due_at', '<', new Date(now.getTime() + DUE_SOON_DAYS * 86_400_000))
    .execute();
  for (const s of out) {
    if (!s.due_at) continue;
    const daysLate = (now.getTime() - s.due_at.getTime()) / 86_400_000;
    await db.transaction().execute(async (trx) => {
      if (daysLate < 0) {
        if (await notice(trx, s, 'due_soon', day)) report.notices++;
        return;
      }
      // The highest level reached only: a run missed for a week never sends yesterday's notice late.
      const level = OVERDUE_LEVELS.filter((l) => daysLate >= l.days).at(-1);
      if (level && (await notice(trx, s, level.kind, day))) report.notices++;
    });
  }
  // Loans from outside lenders: the lender's current turn is a peer's library, the due date came in its messages.
  const fromPeers = await db
    .selectFrom('ill_requests as r')
    .innerJoin('ill_rota as o', (j) => j.onRef('o.request_id', '=', 'r.id').on('o.status', '=', 'current'))
    .innerJoin('ill_peers as p', 'p.library_id', 'o.lender_library_id')
    .select(['r.id', 'r.due_at', 'r.state'])
    .where('r.state', 'in', ['Shipped', 'Received', 'Overdue', 'RenewPending', 'Recalled'])
    .where('r.due_at', 'is not', null)
    .where('r.due_at', '<', new Date(now.getTime() + DUE_SOON_DAYS * 86_400_000))
    .execute();
  for (const r of fromPeers) {
    if (!r.due_at) continue;
    const daysLate = (now.getTime() - r.due_at.getTime()) / 86_400_000;
    const kind = daysLate < 0 ? 'due_soon' : OVERDUE_LEVELS.filter((l) => daysLate >= l.days).at(-1)?.kind;
    if (!kind || kind === 'recall') continue;
    await db.transaction().execute(async (trx) => {
      if (await borrowerOnlyNotice(trx, r, kind, day)) report.notices++;
    });
  }
  return report;
}

export function registerIllJobs(runner: JobRunner, db: Db): void {
  runner.register(ANSWER_TIMEOUT_JOB, async (payload) => {
    const requestId = Number(payload.requestId);
    const agencyRequestId = String(payload.agencyRequestId);
    return answerTimeout(db, requestId, agencyRequestId);
  });
  let lastDay = '';
  runner.every(async () => {
    const today = new Date().toISOString().slice(0, 10);
    if (today === lastDay) return;
    await runOverdue(db);
    lastDay = today;
  });
}
