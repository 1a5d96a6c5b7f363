import { sql } from 'kysely';
import { holdItems, releaseItems } from '../catalog/item-status.ts';
import { type Actor, canActFor } from '../platform/actor.ts';
import { audit } from '../platform/audit.ts';
import type { Db, DbOrTrx, Trx } from '../platform/db.ts';
import { Conflict, type FieldError, Forbidden, Invalid, invalidField } from '../platform/errors.ts';
import { msg } from '../platform/messages.ts';
import { inForce } from './agreement-state.ts';
import { actorLibrary } from './cards.ts';
import { cmsg, coopNotFound } from './coop-messages.ts';
import type { StopKind } from './coop-tables.ts';
import { addDays, todayIso } from './dates.ts';
import { type Change, nextVisit, type Occurrence, occurrences, type Rule } from './mobile-schedule.ts';

/**
 * Mobile library (perpustakaan keliling): a library runs routes of stops
 * (schools, villages, public spaces, partner libraries under an agreement) on a
 * timetable, with a vehicle, staff and items of its own on board. At each visit
 * staff record visitors, loans to local people (due at the stop's next visit)
 * and returns. Partners at a stop see its timetable.
 */

interface LibRef {
  id: number;
  code: string;
  name: string;
}

export interface Stop {
  id: number;
  routeId: number;
  position: number;
  name: string;
  kind: StopKind;
  address: string | null;
  partner: LibRef | null;
  agreementId: number | null;
  startTime: string;
  endTime: string;
  active: boolean;
  rules: Array<Rule & { id: number }>;
  changes: Array<Change & { id: number }>;
  upcoming: Occurrence[];
}

export interface RouteSummary {
  id: number;
  library: LibRef;
  name: string;
  vehicle: string | null;
  staff: string[];
  active: boolean;
  stops: number;
  onBoard: number;
  openLoans: number;
  nextVisit: { date: string; stop: string; startTime: string } | null;
}

export interface MobileLoan {
  id: number;
  itemId: number | null;
  barcode: string | null;
  title: string;
  borrowerName: string;
  stopName: string;
  lentOn: string;
  dueOn: string;
  returnedOn: string | null;
  overdue: boolean;
}

export interface VisitRecord {
  id: number;
  stopId: number;
  stopName: string;
  visitedOn: string;
  visitors: number;
  loans: number;
  returns: number;
  note: string | null;
}

export interface Route extends RouteSummary {
  stopList: Stop[];
  loans: MobileLoan[];
  visits: VisitRecord[];
  canManage: boolean;
}

interface RouteRow {
  id: number;
  library_id: number;
  network_id: number;
  name: string;
  vehicle: string | null;
  staff: string[];
  active: boolean;
}

const STOP_KINDS: StopKind[] = ['school', 'village', 'public_space', 'library', 'other'];

export { STOP_KINDS };

function routeQuery(db: DbOrTrx) {
  return db
    .selectFrom('mobile_routes as r')
    .innerJoin('libraries as l', 'l.id', 'r.library_id')
    .select([
      'r.id',
      'r.library_id',
      'l.network_id',
      'l.code as library_code',
      'l.name as library_name',
      'r.name',
      'r.vehicle',
      'r.staff',
      'r.active',
    ]);
}

async function partnerIds(db: DbOrTrx, routeId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('mobile_stops')
    .select('partner_library_id')
    .where('route_id', '=', routeId)
    .where('partner_library_id', 'is not', null)
    .execute();
  return rows.map((r) => r.partner_library_id as number);
}

const isOperator = (actor: Actor, r: RouteRow) => canActFor(actor, { id: r.library_id, network_id: r.network_id });

/** The operator's staff, partners at a stop and the network's coordinators see a route. */
async function loadRoute(db: DbOrTrx, actor: Actor, id: number) {
  const r = await routeQuery(db).where('r.id', '=', id).executeTakeFirst();
  if (!r) throw coopNotFound('route');
  if (!isOperator(actor, r)) {
    const partners = await partnerIds(db, id);
    if (actor.libraryId === null || !partners.includes(actor.libraryId)) throw coopNotFound('route');
  }
  return r;
}

function assertOperator(actor: Actor, r: RouteRow) {
  if (!isOperator(actor, r)) throw new Forbidden(cmsg('not_operator'), 'not_operator');
}

async function stopsOf(db: DbOrTrx, routeIds: number[], today: string, horizonDays = 62): Promise<Map<number, Stop[]>> {
  const out = new Map<number, Stop[]>();
  if (!routeIds.length) return out;
  const stops = await db
    .selectFrom('mobile_stops as s')
    .leftJoin('libraries as l', 'l.id', 's.partner_library_id')
    .select([
      's.id',
      's.route_id',
      's.position',
      's.name',
      's.kind',
      's.address',
      's.partner_library_id',
      'l.code as partner_code',
      'l.name as partner_name',
      's.agreement_id',
      's.start_time',
      's.end_time',
      's.active',
    ])
    .where('s.route_id', 'in', routeIds)
    .orderBy('s.position')
    .orderBy('s.id')
    .execute();
  const ids = stops.map((s) => s.id);
  const [rules, changes] = ids.length
    ? await Promise.all([
        db.selectFrom('mobile_rules').selectAll().where('stop_id', 'in', ids).orderBy('id').execute(),
        db.selectFrom('mobile_changes').selectAll().where('stop_id', 'in', ids).orderBy('on_date').execute(),
      ])
    : [[], []];
  for (const s of stops) {
    const rs = rules
      .filter((r) => r.stop_id === s.id)
      .map((r) => ({
        id: r.id,
        weekday: r.weekday,
        everyWeeks: r.every_weeks,
        startsOn: r.starts_on,
        endsOn: r.ends_on,
      }));
    const cs = changes
      .filter((c) => c.stop_id === s.id)
      .map((c) => ({
        id: c.id,
        date: c.on_date,
        kind: c.kind,
        startTime: c.start_time,
        endTime: c.end_time,
        note: c.note,
      }));
    const times = { startTime: s.start_time, endTime: s.end_time };
    const list = out.get(s.route_id) ?? [];
    list.push({
      id: s.id,
      routeId: s.route_id,
      position: s.position,
      name: s.name,
      kind: s.kind,
      address: s.address,
      partner:
        s.partner_library_id === null
          ? null
          : { id: s.partner_library_id, code: s.partner_code ?? '', name: s.partner_name ?? '' },
      agreementId: s.agreement_id,
      startTime: s.start_time,
      endTime: s.end_time,
      active: s.active,
      rules: rs,
      changes: cs,
      upcoming: s.active ? occurrences(times, rs, cs, today, addDays(today, horizonDays)) : [],
    });
    out.set(s.route_id, list);
  }
  return out;
}

async function summaries(
  db: DbOrTrx,
  rows: Array<RouteRow & { library_code: string; library_name: string }>,
  today: string,
) {
  const ids = rows.map((r) => r.id);
  const [stops, board, loans] = ids.length
    ? await Promise.all([
        stopsOf(db, ids, today),
        db
          .selectFrom('mobile_collection')
          .select(['route_id', sql<number>`count(*)`.as('n')])
          .where('route_id', 'in', ids)
          .groupBy('route_id')
          .execute(),
        db
          .selectFrom('mobile_loans as ml')
          .innerJoin('mobile_visits as v', 'v.id', 'ml.visit_id')
          .innerJoin('mobile_stops as s', 's.id', 'v.stop_id')
          .select(['s.route_id', sql<number>`count(*)`.as('n')])
          .where('s.route_id', 'in', ids)
          .where('ml.returned_on', 'is', null)
          .groupBy('s.route_id')
          .execute(),
      ])
    : [new Map<number, Stop[]>(), [], []];
  return rows.map((r) => {
    const st = stops.get(r.id) ?? [];
    const next = st
      .flatMap((s) => s.upcoming.map((o) => ({ date: o.date, stop: s.name, startTime: o.startTime })))
      .sort((a, b) => a.date.localeCompare(b.date) || a.startTime.localeCompare(b.startTime))[0];
    return {
      summary: {
        id: r.id,
        library: { id: r.library_id, code: r.library_code, name: r.library_name },
        name: r.name,
        vehicle: r.vehicle,
        staff: r.staff,
        active: r.active,
        stops: st.length,
        onBoard: Number(board.find((b) => b.route_id === r.id)?.n ?? 0),
        openLoans: Number(loans.find((b) => b.route_id === r.id)?.n ?? 0),
        nextVisit: next ?? null,
      } satisfies RouteSummary,
      stops: st,
    };
  });
}

/** Routes a library runs, and routes that stop at it. Coordinators see the network's. */
export async function listRoutes(
  db: Db,
  actor: Actor,
  f: { library?: string | undefined },
  today: string = todayIso(),
): Promise<RouteSummary[]> {
  let q = routeQuery(db);
  if (f.library || actor.role !== 'network_coordinator') {
    const lib = await actorLibrary(db, actor, f.library);
    q = q.where((eb) =>
      eb.or([
        eb('r.library_id', '=', lib.id),
        eb.exists(
          eb
            .selectFrom('mobile_stops as s')
            .select('s.id')
            .whereRef('s.route_id', '=', 'r.id')
            .where('s.partner_library_id', '=', lib.id),
        ),
      ]),
    );
  } else {
    q = q.where('l.network_id', '=', actor.networkId ?? -1);
  }
  const rows = await q.orderBy('l.name').orderBy('r.name').execute();
  return (await summaries(db, rows, today)).map((x) => x.summary);
}

export async function getRoute(db: DbOrTrx, actor: Actor, id: number, today: string = todayIso()): Promise<Route> {
  const r = await loadRoute(db, actor, id);
  const [s] = await summaries(db, [r], today);
  const manage = isOperator(actor, r);
  const loanRows = await db
    .selectFrom('mobile_loans as ml')
    .innerJoin('mobile_visits as v', 'v.id', 'ml.visit_id')
    .innerJoin('mobile_stops as s', 's.id', 'v.stop_id')
    .select([
      'ml.id',
      'ml.item_id',
      'ml.barcode',
      'ml.title',
      'ml.borrower_name',
      's.name as stop_name',
      's.partner_library_id',
      'v.visited_on',
      'ml.due_on',
      'ml.returned_on',
    ])
    .where('s.route_id', '=', id)
    .where((eb) => eb.or([eb('ml.returned_on', 'is', null), eb('ml.returned_on', '>=', addDays(today, -31))]))
    .orderBy('ml.due_on')
    .orderBy('ml.id')
    .execute();
  const visitRows = await db
    .selectFrom('mobile_visits as v')
    .innerJoin('mobile_stops as s', 's.id', 'v.stop_id')
    .select([
      'v.id',
      'v.stop_id',
      's.name as stop_name',
      's.partner_library_id',
      'v.visited_on',
      'v.visitors',
      'v.note',
      (eb) =>
        eb
          .selectFrom('mobile_loans as l')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('l.visit_id', '=', 'v.id')
          .as('loans'),
      (eb) =>
        eb
          .selectFrom('mobile_loans as l')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('l.return_visit_id', '=', 'v.id')
          .as('returns'),
    ])
    .where('s.route_id', '=', id)
    .orderBy('v.visited_on', 'desc')
    .limit(200)
    .execute();
  // A partner sees its own stop's visits; the names of borrowers stay with the operator.
  const mineOnly = (pid: number | null) => manage || pid === actor.libraryId;
  const summary = (s as { summary: RouteSummary; stops: Stop[] }).summary;
  return {
    ...summary,
    stopList: (s as { stops: Stop[] }).stops.filter((st) => manage || st.partner?.id === actor.libraryId),
    loans: manage
      ? loanRows.map((l) => ({
          id: l.id,
          itemId: l.item_id,
          barcode: l.barcode,
          title: l.title,
          borrowerName: l.borrower_name,
          stopName: l.stop_name,
          lentOn: l.visited_on,
          dueOn: l.due_on,
          returnedOn: l.returned_on,
          overdue: l.returned_on === null && l.due_on < today,
        }))
      : [],
    visits: visitRows
      .filter((v) => mineOnly(v.partner_library_id))
      .map((v) => ({
        id: v.id,
        stopId: v.stop_id,
        stopName: v.stop_name,
        visitedOn: v.visited_on,
        visitors: v.visitors,
        loans: Number(v.loans),
        returns: Number(v.returns),
        note: v.note,
      })),
    canManage: manage,
  };
}

export interface RouteInput {
  libraryCode?: string | undefined;
  name: string;
  vehicle?: string | null | undefined;
  staff?: string[] | undefined;
}

export async function createRoute(db: Db, actor: Actor, input: RouteInput): Promise<Route> {
  const lib = await actorLibrary(db, actor, input.libraryCode, 'libraryCode');
  const id = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('mobile_routes')
      .values({
        library_id: lib.id,
        name: input.name.trim(),
        vehicle: input.vehicle ?? null,
        staff: (input.staff ?? []).map((s) => s.trim()).filter(Boolean),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, actor, {
      action: 'create',
      entity: 'mobile_route',
      entityId: row.id,
      libraryId: lib.id,
      after: { name: input.name, vehicle: input.vehicle ?? null, staff: input.staff ?? [] },
    });
    return row.id;
  });
  return getRoute(db, actor, id);
}

export async function updateRoute(
  db: Db,
  actor: Actor,
  id: number,
  patch: {
    name?: string | undefined;
    vehicle?: string | null | undefined;
    staff?: string[] | undefined;
    active?: boolean | undefined;
  },
): Promise<Route> {
  await db.transaction().execute(async (trx) => {
    const r = await loadRoute(trx, actor, id);
    assertOperator(actor, r);
    const set = {
      ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
      ...(patch.vehicle !== undefined ? { vehicle: patch.vehicle } : {}),
      ...(patch.staff !== undefined ? { staff: patch.staff.map((s) => s.trim()).filter(Boolean) } : {}),
      ...(patch.active !== undefined ? { active: patch.active } : {}),
    };
    if (Object.keys(set).length) await trx.updateTable('mobile_routes').set(set).where('id', '=', id).execute();
    await audit(trx, actor, {
      action: 'update',
      entity: 'mobile_route',
      entityId: id,
      libraryId: r.library_id,
      before: { name: r.name, vehicle: r.vehicle, staff: r.staff, active: r.active },
      after: { ...patch },
    });
  });
  return getRoute(db, actor, id);
}

export interface RuleInput {
  weekday: number;
  everyWeeks?: number | undefined;
  startsOn?: string | undefined;
  endsOn?: string | null | undefined;
}

export interface StopInput {
  name: string;
  kind: StopKind;
  address?: string | null | undefined;
  partnerLibraryCode?: string | null | undefined;
  agreementId?: number | null | undefined;
  startTime: string;
  endTime: string;
  schedule?: RuleInput | undefined;
}

function checkRule(rule: RuleInput, today: string, field: string) {
  const startsOn = rule.startsOn ?? today;
  if (startsOn < today) throw invalidField(`${field}.startsOn`, cmsg('date_in_past', { date: startsOn }));
  if (rule.endsOn && rule.endsOn < startsOn) throw invalidField(`${field}.endsOn`, cmsg('dates_order'));
  return {
    weekday: rule.weekday,
    every_weeks: rule.everyWeeks ?? 1,
    starts_on: startsOn,
    ends_on: rule.endsOn ?? null,
  };
}

/** A stop at a partner may name the agreement in force that covers the mobile library. */
async function checkPartner(trx: DbOrTrx, r: RouteRow, input: StopInput, today: string) {
  let partnerId: number | null = null;
  if (input.partnerLibraryCode) {
    const p = await trx
      .selectFrom('libraries')
      .select(['id', 'name', 'network_id'])
      .where('code', '=', input.partnerLibraryCode.toUpperCase())
      .executeTakeFirst();
    if (!p) throw invalidField('partnerLibraryCode', msg('library_unknown'));
    if (p.network_id !== r.network_id)
      throw invalidField('partnerLibraryCode', cmsg('not_same_network', { library: p.name }));
    partnerId = p.id;
  }
  if (input.agreementId) {
    const a = await trx
      .selectFrom('agreements')
      .select(['id', 'status', 'programs', 'starts_on', 'ends_on'])
      .where('id', '=', input.agreementId)
      .executeTakeFirst();
    const parties = a
      ? (await trx.selectFrom('agreement_parties').select('library_id').where('agreement_id', '=', a.id).execute()).map(
          (x) => x.library_id,
        )
      : [];
    if (!a || !parties.includes(r.library_id)) throw coopNotFound('agreement');
    if (partnerId !== null && !parties.includes(partnerId))
      throw invalidField('agreementId', cmsg('stop_partner_mismatch', { library: input.partnerLibraryCode ?? '' }));
    if (!a.programs.includes('mobile_library') || !inForce(a.status, a.starts_on, a.ends_on, today))
      throw new Conflict('agreement_not_in_force', {
        id: 'perjanjian ini tidak berlaku atau tidak mencakup perpustakaan keliling',
        en: 'this agreement is not in force or does not cover the mobile library',
      });
  }
  return partnerId;
}

export async function addStop(
  db: Db,
  actor: Actor,
  routeId: number,
  input: StopInput,
  today: string = todayIso(),
): Promise<Route> {
  if (input.endTime <= input.startTime) throw invalidField('endTime', cmsg('time_order'));
  await db.transaction().execute(async (trx) => {
    const r = await loadRoute(trx, actor, routeId);
    assertOperator(actor, r);
    const partnerId = await checkPartner(trx, r, input, today);
    const rule = input.schedule ? checkRule(input.schedule, today, 'schedule') : null;
    const last = await trx
      .selectFrom('mobile_stops')
      .select((eb) => eb.fn.max('position').as('n'))
      .where('route_id', '=', routeId)
      .executeTakeFirst();
    const stop = await trx
      .insertInto('mobile_stops')
      .values({
        route_id: routeId,
        position: Number(last?.n ?? 0) + 1,
        name: input.name.trim(),
        kind: input.kind,
        address: input.address ?? null,
        partner_library_id: partnerId,
        agreement_id: input.agreementId ?? null,
        start_time: input.startTime,
        end_time: input.endTime,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (rule)
      await trx
        .insertInto('mobile_rules')
        .values({ stop_id: stop.id, ...rule })
        .execute();
    await audit(trx, actor, {
      action: 'add_stop',
      entity: 'mobile_route',
      entityId: routeId,
      libraryId: r.library_id,
      after: { stopId: stop.id, name: input.name, kind: input.kind, partnerId, rule },
    });
  });
  return getRoute(db, actor, routeId, today);
}

async function loadStop(db: DbOrTrx, actor: Actor, stopId: number) {
  const s = await db.selectFrom('mobile_stops').selectAll().where('id', '=', stopId).executeTakeFirst();
  if (!s) throw coopNotFound('stop');
  try {
    const r = await loadRoute(db, actor, s.route_id);
    return { s, r };
  } catch {
    throw coopNotFound('stop');
  }
}

async function timetable(db: DbOrTrx, stopId: number) {
  const [rules, changes] = await Promise.all([
    db.selectFrom('mobile_rules').selectAll().where('stop_id', '=', stopId).execute(),
    db.selectFrom('mobile_changes').selectAll().where('stop_id', '=', stopId).execute(),
  ]);
  return {
    rules: rules.map((r) => ({
      weekday: r.weekday,
      everyWeeks: r.every_weeks,
      startsOn: r.starts_on,
      endsOn: r.ends_on,
    })),
    changes: changes.map((c) => ({
      date: c.on_date,
      kind: c.kind,
      startTime: c.start_time,
      endTime: c.end_time,
      note: c.note,
    })),
  };
}

export async function updateStop(
  db: Db,
  actor: Actor,
  stopId: number,
  patch: {
    name?: string | undefined;
    address?: string | null | undefined;
    startTime?: string | undefined;
    endTime?: string | undefined;
    active?: boolean | undefined;
  },
  today: string = todayIso(),
): Promise<Route> {
  const routeId = await db.transaction().execute(async (trx) => {
    const { s, r } = await loadStop(trx, actor, stopId);
    assertOperator(actor, r);
    const start = patch.startTime ?? s.start_time;
    const end = patch.endTime ?? s.end_time;
    if (end <= start) throw invalidField('endTime', cmsg('time_order'));
    await trx
      .updateTable('mobile_stops')
      .set({
        ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
        ...(patch.address !== undefined ? { address: patch.address } : {}),
        ...(patch.active !== undefined ? { active: patch.active } : {}),
        start_time: start,
        end_time: end,
      })
      .where('id', '=', stopId)
      .execute();
    await audit(trx, actor, {
      action: 'update_stop',
      entity: 'mobile_route',
      entityId: r.id,
      libraryId: r.library_id,
      before: {
        stopId,
        name: s.name,
        address: s.address,
        startTime: s.start_time,
        endTime: s.end_time,
        active: s.active,
      },
      after: { stopId, ...patch },
    });
    return r.id;
  });
  return getRoute(db, actor, routeId, today);
}

export async function addRule(
  db: Db,
  actor: Actor,
  stopId: number,
  input: RuleInput,
  today: string = todayIso(),
): Promise<Route> {
  const routeId = await db.transaction().execute(async (trx) => {
    const { r } = await loadStop(trx, actor, stopId);
    assertOperator(actor, r);
    const rule = checkRule(input, today, 'schedule');
    const row = await trx
      .insertInto('mobile_rules')
      .values({ stop_id: stopId, ...rule })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, actor, {
      action: 'add_rule',
      entity: 'mobile_route',
      entityId: r.id,
      libraryId: r.library_id,
      after: { stopId, ruleId: row.id, ...rule },
    });
    return r.id;
  });
  return getRoute(db, actor, routeId, today);
}

/** A rule ends the day before `from` (or is deleted when it had not started yet). */
export async function endRule(db: Db, actor: Actor, ruleId: number, today: string = todayIso()): Promise<Route> {
  const routeId = await db.transaction().execute(async (trx) => {
    const rule = await trx.selectFrom('mobile_rules').selectAll().where('id', '=', ruleId).executeTakeFirst();
    if (!rule) throw coopNotFound('stop');
    const { r } = await loadStop(trx, actor, rule.stop_id);
    assertOperator(actor, r);
    if (rule.starts_on >= today) await trx.deleteFrom('mobile_rules').where('id', '=', ruleId).execute();
    else
      await trx
        .updateTable('mobile_rules')
        .set({ ends_on: addDays(today, -1) })
        .where('id', '=', ruleId)
        .execute();
    await audit(trx, actor, {
      action: 'end_rule',
      entity: 'mobile_route',
      entityId: r.id,
      libraryId: r.library_id,
      before: { ruleId, endsOn: rule.ends_on },
      after: { ruleId, endsOn: addDays(today, -1) },
    });
    return r.id;
  });
  return getRoute(db, actor, routeId, today);
}

export interface ChangeInput {
  date: string;
  kind: 'cancel' | 'extra';
  startTime?: string | null | undefined;
  endTime?: string | null | undefined;
  note?: string | null | undefined;
}

/** One-off changes: the van does not come on a scheduled day, or comes on an extra day. Never in the past. */
export async function addChange(
  db: Db,
  actor: Actor,
  stopId: number,
  input: ChangeInput,
  today: string = todayIso(),
): Promise<Route> {
  if (input.date < today) throw invalidField('date', cmsg('date_in_past', { date: input.date }));
  if (input.startTime && input.endTime && input.endTime <= input.startTime)
    throw invalidField('endTime', cmsg('time_order'));
  const routeId = await db.transaction().execute(async (trx) => {
    const { s, r } = await loadStop(trx, actor, stopId);
    assertOperator(actor, r);
    const t = await timetable(trx, stopId);
    const times = { startTime: s.start_time, endTime: s.end_time };
    const scheduled = occurrences(times, t.rules, t.changes, input.date, input.date).length > 0;
    if (input.kind === 'cancel' && !scheduled)
      throw new Conflict('not_scheduled', cmsg('not_scheduled', { stop: s.name, date: input.date }));
    if (input.kind === 'extra' && scheduled)
      throw new Conflict('already_scheduled', cmsg('already_scheduled', { stop: s.name, date: input.date }));
    // An extra day that was cancelled before simply comes back.
    await trx.deleteFrom('mobile_changes').where('stop_id', '=', stopId).where('on_date', '=', input.date).execute();
    const wasCancelled = t.changes.some((c) => c.date === input.date && c.kind === 'cancel');
    const ruleDay = occurrences(times, t.rules, [], input.date, input.date).length > 0;
    if (!(input.kind === 'extra' && wasCancelled && ruleDay && !input.startTime && !input.endTime))
      await trx
        .insertInto('mobile_changes')
        .values({
          stop_id: stopId,
          on_date: input.date,
          kind: input.kind,
          start_time: input.startTime ?? null,
          end_time: input.endTime ?? null,
          note: input.note ?? null,
        })
        .execute();
    await audit(trx, actor, {
      action: input.kind === 'cancel' ? 'cancel_visit' : 'extra_visit',
      entity: 'mobile_route',
      entityId: r.id,
      libraryId: r.library_id,
      after: { stopId, ...input },
    });
    return r.id;
  });
  return getRoute(db, actor, routeId, today);
}

// ------------------------------------------------------------------ collection on board

export interface BoardItem {
  itemId: number;
  barcode: string | null;
  callNumber: string | null;
  title: string;
  status: string;
  addedOn: string;
}

export async function boardItems(db: DbOrTrx, actor: Actor, routeId: number): Promise<BoardItem[]> {
  const r = await loadRoute(db, actor, routeId);
  assertOperator(actor, r);
  const rows = await db
    .selectFrom('mobile_collection as m')
    .innerJoin('items as i', 'i.id', 'm.item_id')
    .leftJoin('clusters as c', 'c.id', 'i.cluster_id')
    .select(['i.id', 'i.barcode', 'i.call_number', 'c.title', 'i.status', 'm.added_on'])
    .where('m.route_id', '=', routeId)
    .orderBy('c.title')
    .orderBy('i.id')
    .execute();
  return rows.map((x) => ({
    itemId: x.id,
    barcode: x.barcode,
    callNumber: x.call_number,
    title: x.title ?? '—',
    status: x.status,
    addedOn: x.added_on,
  }));
}

async function itemsByBarcodes(trx: DbOrTrx, libraryId: number, barcodes: string[]) {
  const clean = [...new Set(barcodes.map((b) => b.trim()).filter(Boolean))];
  if (!clean.length) return { clean, rows: [] };
  const rows = await trx
    .selectFrom('items as i')
    .leftJoin('clusters as c', 'c.id', 'i.cluster_id')
    .select(['i.id', 'i.barcode', 'i.library_id', 'i.status', 'i.loanable', 'c.title'])
    .where('i.library_id', '=', libraryId)
    .where('i.barcode', 'in', clean)
    .execute();
  return { clean, rows };
}

/** Items of the operating library go on board (available, loanable, on no other vehicle). */
export async function loadOnBoard(
  db: Db,
  actor: Actor,
  routeId: number,
  input: { barcodes: string[] },
  today: string = todayIso(),
): Promise<BoardItem[]> {
  await db.transaction().execute(async (trx) => {
    const r = await loadRoute(trx, actor, routeId);
    assertOperator(actor, r);
    const { clean, rows } = await itemsByBarcodes(trx, r.library_id, input.barcodes);
    if (!clean.length) throw invalidField('barcodes', msg('field_required'));
    const onBoard = await trx
      .selectFrom('mobile_collection')
      .select(['item_id', 'route_id'])
      .where('item_id', 'in', rows.map((x) => x.id).concat([-1]))
      .execute();
    const errors: FieldError[] = [];
    const add: number[] = [];
    for (const [i, barcode] of clean.entries()) {
      const it = rows.find((x) => x.barcode === barcode);
      const there = it && onBoard.find((o) => o.item_id === it.id);
      if (!it) errors.push({ field: `barcodes.${i}`, message: cmsg('item_not_operator', { barcode }) });
      else if (there && there.route_id !== routeId)
        errors.push({ field: `barcodes.${i}`, message: cmsg('item_on_other_route', { barcode }) });
      else if (!there && (it.status !== 'available' || !it.loanable))
        errors.push({ field: `barcodes.${i}`, message: cmsg('item_unavailable', { barcode }) });
      else if (!there) add.push(it.id);
    }
    if (errors.length) throw new Invalid(errors);
    if (add.length)
      await trx
        .insertInto('mobile_collection')
        .values(add.map((item_id) => ({ route_id: routeId, item_id, added_on: today })))
        .execute();
    await audit(trx, actor, {
      action: 'load',
      entity: 'mobile_route',
      entityId: routeId,
      libraryId: r.library_id,
      after: { itemIds: add },
    });
  });
  return boardItems(db, actor, routeId);
}

/** Items come off the vehicle (back on the library's shelves); an item out on loan stays until returned. */
export async function unloadFromBoard(
  db: Db,
  actor: Actor,
  routeId: number,
  input: { itemIds: number[] },
): Promise<BoardItem[]> {
  await db.transaction().execute(async (trx) => {
    const r = await loadRoute(trx, actor, routeId);
    assertOperator(actor, r);
    const out = await trx
      .selectFrom('mobile_loans')
      .select('item_id')
      .where('item_id', 'in', input.itemIds.concat([-1]))
      .where('returned_on', 'is', null)
      .execute();
    if (out.length)
      throw new Conflict('item_out_on_loan', {
        id: 'eksemplar yang sedang dipinjam tidak dapat diturunkan',
        en: 'an item out on loan cannot be taken off the vehicle',
      });
    await trx
      .deleteFrom('mobile_collection')
      .where('route_id', '=', routeId)
      .where('item_id', 'in', input.itemIds.concat([-1]))
      .execute();
    await audit(trx, actor, {
      action: 'unload',
      entity: 'mobile_route',
      entityId: routeId,
      libraryId: r.library_id,
      after: { itemIds: input.itemIds },
    });
  });
  return boardItems(db, actor, routeId);
}

// ------------------------------------------------------------------ visits

export interface VisitInput {
  date: string;
  visitors: number;
  note?: string | null | undefined;
  loans?: Array<{ barcode: string; borrowerName: string; memberNumber?: string | null | undefined }> | undefined;
  returns?: string[] | undefined;
}

export interface VisitResult {
  visit: VisitRecord;
  loans: MobileLoan[];
  returned: MobileLoan[];
}

/**
 * What happened at a stop on a scheduled day: visitors, loans from the
 * collection on board (due at the stop's next visit) and returns, in one go.
 */
export async function recordVisit(
  db: Db,
  actor: Actor,
  stopId: number,
  input: VisitInput,
  today: string = todayIso(),
): Promise<VisitResult> {
  if (input.date > today) throw new Conflict('visit_in_future', cmsg('visit_in_future', { date: input.date }));
  const visitId = await db.transaction().execute(async (trx: Trx) => {
    const { s, r } = await loadStop(trx, actor, stopId);
    assertOperator(actor, r);
    const t = await timetable(trx, stopId);
    const times = { startTime: s.start_time, endTime: s.end_time };
    if (!occurrences(times, t.rules, t.changes, input.date, input.date).length)
      throw new Conflict('not_scheduled', cmsg('not_scheduled', { stop: s.name, date: input.date }));
    const dup = await trx
      .selectFrom('mobile_visits')
      .select('id')
      .where('stop_id', '=', stopId)
      .where('visited_on', '=', input.date)
      .executeTakeFirst();
    if (dup) throw new Conflict('visit_recorded', cmsg('visit_recorded', { stop: s.name, date: input.date }));
    const visit = await trx
      .insertInto('mobile_visits')
      .values({
        stop_id: stopId,
        visited_on: input.date,
        visitors: input.visitors,
        note: input.note ?? null,
        recorded_by: actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();

    const errors: FieldError[] = [];
    // returns first: a copy returned can go out again at the same visit
    const returns = [...new Set((input.returns ?? []).map((b) => b.trim()).filter(Boolean))];
    if (returns.length) {
      const open = await trx
        .selectFrom('mobile_loans as ml')
        .innerJoin('mobile_visits as v', 'v.id', 'ml.visit_id')
        .innerJoin('mobile_stops as st', 'st.id', 'v.stop_id')
        .select(['ml.id', 'ml.item_id', 'ml.barcode'])
        .where('st.route_id', '=', r.id)
        .where('ml.returned_on', 'is', null)
        .where('ml.barcode', 'in', returns)
        .execute();
      for (const [i, barcode] of returns.entries()) {
        const loan = open.find((o) => o.barcode === barcode);
        if (!loan) {
          errors.push({ field: `returns.${i}`, message: cmsg('item_not_lent', { barcode }) });
          continue;
        }
        await trx
          .updateTable('mobile_loans')
          .set({ returned_on: input.date, return_visit_id: visit.id })
          .where('id', '=', loan.id)
          .execute();
        if (loan.item_id !== null)
          await releaseItems(trx, [loan.item_id], 'mobile', 'available', { from: ['on_loan'] });
      }
    }
    const loans = input.loans ?? [];
    if (loans.length) {
      const next = nextVisit(times, t.rules, t.changes, input.date);
      if (!next) throw new Conflict('no_next_visit', cmsg('no_next_visit', { stop: s.name }));
      const { rows } = await itemsByBarcodes(
        trx,
        r.library_id,
        loans.map((l) => l.barcode),
      );
      const board = new Set(
        (
          await trx
            .selectFrom('mobile_collection')
            .select('item_id')
            .where('route_id', '=', r.id)
            .where('item_id', 'in', rows.map((x) => x.id).concat([-1]))
            .execute()
        ).map((b) => b.item_id),
      );
      const seen = new Set<string>();
      for (const [i, l] of loans.entries()) {
        const barcode = l.barcode.trim();
        const it = rows.find((x) => x.barcode === barcode);
        if (!it || !board.has(it.id) || seen.has(barcode)) {
          errors.push({ field: `loans.${i}.barcode`, message: cmsg('item_not_on_board', { barcode }) });
          continue;
        }
        seen.add(barcode);
        if (it.status !== 'available' || !it.loanable) {
          errors.push({ field: `loans.${i}.barcode`, message: cmsg('item_unavailable', { barcode }) });
          continue;
        }
        const name = l.borrowerName.trim();
        if (!name) {
          errors.push({ field: `loans.${i}.borrowerName`, message: msg('field_required') });
          continue;
        }
        let patronId: number | null = null;
        if (l.memberNumber?.trim()) {
          const p = await trx
            .selectFrom('patrons')
            .select('id')
            .where('library_id', '=', r.library_id)
            .where('member_number', '=', l.memberNumber.trim())
            .executeTakeFirst();
          if (!p) {
            errors.push({ field: `loans.${i}.memberNumber`, message: msg('field_invalid') });
            continue;
          }
          patronId = p.id;
        }
        await trx
          .insertInto('mobile_loans')
          .values({
            visit_id: visit.id,
            item_id: it.id,
            barcode,
            title: it.title ?? '—',
            borrower_name: name,
            patron_id: patronId,
            due_on: next.date,
          })
          .execute();
        await holdItems(trx, [it.id], 'mobile', 'on_loan');
      }
    }
    if (errors.length) throw new Invalid(errors);
    await audit(trx, actor, {
      action: 'visit',
      entity: 'mobile_route',
      entityId: r.id,
      libraryId: r.library_id,
      after: {
        stopId,
        visitId: visit.id,
        date: input.date,
        visitors: input.visitors,
        loans: loans.length,
        returns: returns.length,
      },
    });
    return visit.id;
  });
  return visitResult(db, actor, visitId);
}

async function visitResult(db: Db, actor: Actor, visitId: number): Promise<VisitResult> {
  const v = await db
    .selectFrom('mobile_visits as v')
    .innerJoin('mobile_stops as s', 's.id', 'v.stop_id')
    .select(['v.id', 'v.stop_id', 's.name', 's.route_id', 'v.visited_on', 'v.visitors', 'v.note'])
    .where('v.id', '=', visitId)
    .executeTakeFirstOrThrow();
  await loadRoute(db, actor, v.route_id);
  const rows = await db
    .selectFrom('mobile_loans')
    .selectAll()
    .where((eb) => eb.or([eb('visit_id', '=', visitId), eb('return_visit_id', '=', visitId)]))
    .orderBy('id')
    .execute();
  const present = (l: (typeof rows)[number]): MobileLoan => ({
    id: l.id,
    itemId: l.item_id,
    barcode: l.barcode,
    title: l.title,
    borrowerName: l.borrower_name,
    stopName: v.name,
    lentOn: v.visited_on,
    dueOn: l.due_on,
    returnedOn: l.returned_on,
    overdue: false,
  });
  const loans = rows.filter((l) => l.visit_id === visitId);
  const returned = rows.filter((l) => l.return_visit_id === visitId);
  return {
    visit: {
      id: v.id,
      stopId: v.stop_id,
      stopName: v.name,
      visitedOn: v.visited_on,
      visitors: v.visitors,
      loans: loans.length,
      returns: returned.length,
      note: v.note,
    },
    loans: loans.map(present),
    returned: returned.map(present),
  };
}

// ------------------------------------------------------------------ timetable and results

export interface ScheduleEntry {
  date: string;
  startTime: string;
  endTime: string;
  extra: boolean;
  note: string | null;
  routeId: number;
  routeName: string;
  operator: LibRef;
  stopId: number;
  stopName: string;
  stopKind: StopKind;
  partner: LibRef | null;
}

/**
 * Visits between two dates: the operator sees all its stops; a partner library
 * the stops at it (its timetable); a coordinator the network's.
 */
export async function mobileSchedule(
  db: Db,
  actor: Actor,
  f: { from: string; to: string; library?: string | undefined },
): Promise<ScheduleEntry[]> {
  if (f.to < f.from) throw invalidField('to', cmsg('dates_order'));
  if (f.to > addDays(f.from, 400)) throw invalidField('to', msg('field_invalid'));
  let q = routeQuery(db);
  let libId: number | null = null;
  if (f.library || actor.role !== 'network_coordinator') {
    const lib = await actorLibrary(db, actor, f.library);
    libId = lib.id;
    q = q.where((eb) =>
      eb.or([
        eb('r.library_id', '=', lib.id),
        eb.exists(
          eb
            .selectFrom('mobile_stops as s')
            .select('s.id')
            .whereRef('s.route_id', '=', 'r.id')
            .where('s.partner_library_id', '=', lib.id),
        ),
      ]),
    );
  } else {
    q = q.where('l.network_id', '=', actor.networkId ?? -1);
  }
  const rows = await q.where('r.active', '=', true).execute();
  if (!rows.length) return [];
  const stops = await stopsOf(
    db,
    rows.map((r) => r.id),
    f.from,
    0,
  );
  const out: ScheduleEntry[] = [];
  for (const r of rows) {
    for (const s of stops.get(r.id) ?? []) {
      if (!s.active) continue;
      if (libId !== null && r.library_id !== libId && s.partner?.id !== libId) continue;
      for (const o of occurrences(s, s.rules, s.changes, f.from, f.to)) {
        out.push({
          ...o,
          routeId: r.id,
          routeName: r.name,
          operator: { id: r.library_id, code: r.library_code, name: r.library_name },
          stopId: s.id,
          stopName: s.name,
          stopKind: s.kind,
          partner: s.partner,
        });
      }
    }
  }
  return out.sort((a, b) => a.date.localeCompare(b.date) || a.startTime.localeCompare(b.startTime));
}

export interface StopMonth {
  month: string;
  routeId: number;
  routeName: string;
  operatorCode: string;
  stopId: number;
  stopName: string;
  partnerCode: string | null;
  visits: number;
  visitors: number;
  loans: number;
  returns: number;
}

/** Visits, visitors, loans and returns per stop and month, for the libraries given (null: all). */
export async function mobileResults(
  db: DbOrTrx,
  libraryIds: number[] | null,
  from: string,
  to: string,
): Promise<StopMonth[]> {
  const month = sql<string>`to_char(v.visited_on, 'YYYY-MM')`;
  let q = db
    .selectFrom('mobile_visits as v')
    .innerJoin('mobile_stops as s', 's.id', 'v.stop_id')
    .innerJoin('mobile_routes as r', 'r.id', 's.route_id')
    .innerJoin('libraries as l', 'l.id', 'r.library_id')
    .leftJoin('libraries as p', 'p.id', 's.partner_library_id')
    .select([
      month.as('month'),
      'r.id as route_id',
      'r.name as route_name',
      'l.code as operator_code',
      's.id as stop_id',
      's.name as stop_name',
      'p.code as partner_code',
      sql<number>`count(*)`.as('visits'),
      sql<number>`coalesce(sum(v.visitors), 0)`.as('visitors'),
      sql<number>`coalesce(sum((select count(*) from mobile_loans ml where ml.visit_id = v.id)), 0)`.as('loans'),
      sql<number>`coalesce(sum((select count(*) from mobile_loans ml where ml.return_visit_id = v.id)), 0)`.as(
        'returns',
      ),
    ])
    .where('v.visited_on', '>=', from)
    .where('v.visited_on', '<=', to);
  if (libraryIds)
    q = q.where((eb) =>
      eb.or([
        eb('r.library_id', 'in', libraryIds.concat([-1])),
        eb('s.partner_library_id', 'in', libraryIds.concat([-1])),
      ]),
    );
  const rows = await q
    .groupBy([month, 'r.id', 'r.name', 'l.code', 's.id', 's.name', 'p.code', 's.position'])
    .orderBy(month)
    .orderBy('r.name')
    .orderBy('s.position')
    .execute();
  return rows.map((x) => ({
    month: x.month,
    routeId: x.route_id,
    routeName: x.route_name,
    operatorCode: x.operator_code,
    stopId: x.stop_id,
    stopName: x.stop_name,
    partnerCode: x.partner_code,
    visits: Number(x.visits),
    visitors: Number(x.visitors),
    loans: Number(x.loans),
    returns: Number(x.returns),
  }));
}

/** Results of one route (the operator, its partners — their stops only — and coordinators). */
export async function routeResults(
  db: Db,
  actor: Actor,
  routeId: number,
  f: { from?: string | undefined; to?: string | undefined },
  today: string = todayIso(),
): Promise<StopMonth[]> {
  const r = await loadRoute(db, actor, routeId);
  const to = f.to ?? today;
  const from = f.from ?? `${to.slice(0, 4)}-01-01`;
  if (from > to) throw invalidField('from', cmsg('dates_order'));
  const rows = (await mobileResults(db, [r.library_id], from, to)).filter((x) => x.routeId === routeId);
  if (isOperator(actor, r)) return rows;
  const mine = await db
    .selectFrom('libraries')
    .select('code')
    .where('id', '=', actor.libraryId ?? -1)
    .executeTakeFirst();
  return rows.filter((x) => x.partnerCode !== null && x.partnerCode === mine?.code);
}
