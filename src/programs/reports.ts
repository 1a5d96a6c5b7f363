import { sql } from 'kysely';
import type { Actor } from '../platform/actor.ts';
import type { Db } from '../platform/db.ts';
import { invalidField } from '../platform/errors.ts';
import { EXPIRING_DAYS } from './agreement-state.ts';
import { addDays, todayIso } from './dates.ts';
import { pmsg } from './messages.ts';

export interface ProgramFigures {
  from: string;
  to: string;
  agreements: Array<{ libraryCode: string; libraryName: string; active: number; expiring: number }>;
  visits: Array<{ month: string; libraryCode: string; libraryName: string; received: number; made: number }>;
  deposits: Array<{
    programId: number;
    lenderCode: string;
    recipientCode: string;
    recipientName: string;
    setsSent: number;
    itemsSent: number;
    itemsOutNow: number;
    itemsReturned: number;
    itemsMissing: number;
    itemsReplaced: number;
    itemsPaid: number;
    loansReported: number;
  }>;
}

/**
 * What the programs brought, per library and period. A coordinator sees the
 * network; anyone else only rows that involve her own library.
 */
export async function figures(
  db: Db,
  actor: Actor,
  q: { from?: string | undefined; to?: string | undefined },
): Promise<ProgramFigures> {
  const to = q.to ?? todayIso();
  const from = q.from ?? `${to.slice(0, 4)}-01-01`;
  if (from > to) throw invalidField('from', pmsg('dates_order'));
  const whole = actor.role === 'system' || actor.role === 'network_coordinator';
  const libs = await db
    .selectFrom('libraries')
    .select(['id', 'code', 'name'])
    .$if(actor.role === 'network_coordinator', (x) => x.where('network_id', '=', actor.networkId ?? -1))
    .$if(!whole, (x) => x.where('id', '=', actor.libraryId ?? -1))
    .orderBy('name')
    .execute();
  const ids = libs.map((l) => l.id);
  if (!ids.length) return { from, to, agreements: [], visits: [], deposits: [] };
  const byId = new Map(libs.map((l) => [l.id, l]));

  const soon = addDays(to, EXPIRING_DAYS);
  const agreementRows = await db
    .selectFrom('agreement_parties as p')
    .innerJoin('agreements as a', 'a.id', 'p.agreement_id')
    .select([
      'p.library_id',
      sql<number>`count(distinct a.id)`.as('active'),
      sql<number>`count(distinct a.id) filter (where a.ends_on <= ${soon})`.as('expiring'),
    ])
    .where('p.library_id', 'in', ids)
    .where('a.status', '=', 'active')
    .where((eb) => eb.or([eb('a.starts_on', 'is', null), eb('a.starts_on', '<=', to)]))
    .where((eb) => eb.or([eb('a.ends_on', 'is', null), eb('a.ends_on', '>=', to)]))
    .groupBy('p.library_id')
    .execute();
  const agreements = agreementRows.flatMap((r) => {
    const l = r.library_id === null ? undefined : byId.get(r.library_id);
    return l
      ? [{ libraryCode: l.code, libraryName: l.name, active: Number(r.active), expiring: Number(r.expiring) }]
      : [];
  });

  const month = sql<string>`to_char(v.visited_on, 'YYYY-MM')`;
  const base = db
    .selectFrom('visits as v')
    .where('v.status', '=', 'checked_in')
    .where('v.visited_on', '>=', from)
    .where('v.visited_on', '<=', to);
  const [received, made] = await Promise.all([
    base
      .select(['v.visited_library_id as library_id', month.as('month'), sql<number>`count(*)`.as('n')])
      .where('v.visited_library_id', 'in', ids)
      .groupBy(['v.visited_library_id', month])
      .execute(),
    base
      .select(['v.home_library_id as library_id', month.as('month'), sql<number>`count(*)`.as('n')])
      .where('v.home_library_id', 'in', ids)
      .groupBy(['v.home_library_id', month])
      .execute(),
  ]);
  const visitMap = new Map<string, { month: string; libraryId: number; received: number; made: number }>();
  const bump = (r: { library_id: number; month: string; n: number }, key: 'received' | 'made') => {
    const k = `${r.month}|${r.library_id}`;
    const cur = visitMap.get(k) ?? { month: r.month, libraryId: r.library_id, received: 0, made: 0 };
    cur[key] += Number(r.n);
    visitMap.set(k, cur);
  };
  for (const r of received) bump(r, 'received');
  for (const r of made) bump(r, 'made');
  const visits = [...visitMap.values()]
    .sort((a, b) => a.month.localeCompare(b.month) || a.libraryId - b.libraryId)
    .flatMap((v) => {
      const l = byId.get(v.libraryId);
      return l
        ? [{ month: v.month, libraryCode: l.code, libraryName: l.name, received: v.received, made: v.made }]
        : [];
    });

  const programs = await db
    .selectFrom('deposit_programs as d')
    .innerJoin('libraries as ll', 'll.id', 'd.lender_library_id')
    .innerJoin('libraries as rl', 'rl.id', 'd.recipient_library_id')
    .select(['d.id', 'll.code as lender_code', 'rl.code as recipient_code', 'rl.name as recipient_name'])
    .where((eb) => eb.or([eb('d.lender_library_id', 'in', ids), eb('d.recipient_library_id', 'in', ids)]))
    .orderBy('ll.code')
    .orderBy('rl.name')
    .execute();
  const pids = programs.map((p) => p.id);
  const stats = pids.length
    ? await db
        .selectFrom('deposit_sets as s')
        .innerJoin('deposit_set_items as i', 'i.set_id', 's.id')
        .select([
          's.program_id',
          sql<number>`count(distinct s.id) filter (where s.issued_on between ${from} and ${to})`.as('sets'),
          sql<number>`count(*) filter (where s.issued_on between ${from} and ${to})`.as('sent'),
          sql<number>`count(*) filter (where i.outcome = 'out')`.as('out_now'),
          sql<number>`count(*) filter (where i.outcome = 'returned' and s.returned_on between ${from} and ${to})`.as(
            'returned',
          ),
          // Missing counts when the set came back short, whatever was settled later.
          sql<number>`count(*) filter (where i.outcome in ('missing', 'replaced', 'paid') and s.returned_on between ${from} and ${to})`.as(
            'missing',
          ),
          sql<number>`count(*) filter (where i.outcome = 'replaced' and i.resolved_on between ${from} and ${to})`.as(
            'replaced',
          ),
          sql<number>`count(*) filter (where i.outcome = 'paid' and i.resolved_on between ${from} and ${to})`.as(
            'paid',
          ),
        ])
        .where('s.program_id', 'in', pids)
        .groupBy('s.program_id')
        .execute()
    : [];
  const loans = pids.length
    ? await db
        .selectFrom('deposit_sets')
        .select(['program_id', sql<number>`coalesce(sum(loans_reported), 0)`.as('n')])
        .where('program_id', 'in', pids)
        .where('issued_on', '<=', to)
        .where((eb) => eb.or([eb('returned_on', 'is', null), eb('returned_on', '>=', from)]))
        .groupBy('program_id')
        .execute()
    : [];
  const statBy = new Map(stats.map((s) => [s.program_id, s]));
  const loansBy = new Map(loans.map((l) => [l.program_id, Number(l.n)]));
  const deposits = programs.map((p) => {
    const st = statBy.get(p.id);
    return {
      programId: p.id,
      lenderCode: p.lender_code,
      recipientCode: p.recipient_code,
      recipientName: p.recipient_name,
      setsSent: Number(st?.sets ?? 0),
      itemsSent: Number(st?.sent ?? 0),
      itemsOutNow: Number(st?.out_now ?? 0),
      itemsReturned: Number(st?.returned ?? 0),
      itemsMissing: Number(st?.missing ?? 0),
      itemsReplaced: Number(st?.replaced ?? 0),
      itemsPaid: Number(st?.paid ?? 0),
      loansReported: loansBy.get(p.id) ?? 0,
    };
  });
  return { from, to, agreements, visits, deposits };
}
