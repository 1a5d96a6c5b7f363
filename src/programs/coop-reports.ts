import { sql } from 'kysely';
import type { Actor } from '../platform/actor.ts';
import type { Db } from '../platform/db.ts';
import { invalidField } from '../platform/errors.ts';
import { type Bilingual, msg } from '../platform/messages.ts';
import { libraryByRef } from './cards.ts';
import { cmsg } from './coop-messages.ts';
import { addDays, isIsoDate, todayIso } from './dates.ts';
import { exchangeCalendarEntries } from './exchange.ts';
import { mobileResults, mobileSchedule, type StopMonth } from './mobile.ts';
import { listInternships, listTrainings } from './training.ts';

/**
 * The network calendar and the figures of cooperative acquisition, the mobile
 * library, internships and training. The calendar is a list of providers, each
 * answering the entries the actor may see between two dates; other programs
 * (exchange) add theirs to `calendarProviders`.
 */

interface LibRef {
  id: number;
  code: string;
  name: string;
}

export interface CalendarEntry {
  date: string;
  endDate?: string | null;
  time?: string | null;
  program: string;
  kind: string;
  title: Bilingual;
  libraries: LibRef[];
  status: string;
  link: string;
}

export type CalendarProvider = (db: Db, actor: Actor, from: string, to: string) => Promise<CalendarEntry[]>;

const acquisitionDeadlines: CalendarProvider = async (db, actor, from, to) => {
  let q = db
    .selectFrom('acq_rounds as r')
    .innerJoin('libraries as l', 'l.id', 'r.coordinator_library_id')
    .select(['r.id', 'r.title', 'r.deadline', 'r.status', 'l.id as lib_id', 'l.code', 'l.name'])
    .where('r.deadline', '>=', from)
    .where('r.deadline', '<=', to);
  if (actor.role === 'network_coordinator') q = q.where('r.network_id', '=', actor.networkId ?? -1);
  else if (actor.role !== 'system')
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('acq_members as m')
          .select('m.round_id')
          .whereRef('m.round_id', '=', 'r.id')
          .where('m.library_id', '=', actor.libraryId ?? -1),
      ),
    );
  const rows = await q.execute();
  const members = rows.length
    ? await db
        .selectFrom('acq_members as m')
        .innerJoin('libraries as l', 'l.id', 'm.library_id')
        .select(['m.round_id', 'l.id', 'l.code', 'l.name'])
        .where(
          'm.round_id',
          'in',
          rows.map((r) => r.id),
        )
        .execute()
    : [];
  return rows.map((r) => ({
    date: r.deadline,
    program: 'shared_acquisition',
    kind: 'acquisition_deadline',
    title: {
      id: `Batas usulan pengadaan bersama: ${r.title} (koordinator ${r.name})`,
      en: `Cooperative acquisition proposals close: ${r.title} (coordinator ${r.name})`,
    },
    libraries: members.filter((m) => m.round_id === r.id).map((m) => ({ id: m.id, code: m.code, name: m.name })),
    status: r.status,
    link: `/programs/acquisition/${r.id}`,
  }));
};

const mobileVisits: CalendarProvider = async (db, actor, from, to) => {
  if (actor.role !== 'network_coordinator' && actor.libraryId === null) return [];
  const entries = await mobileSchedule(db, actor, { from, to });
  return entries.map((e) => ({
    date: e.date,
    time: `${e.startTime}–${e.endTime}`,
    program: 'mobile_library',
    kind: 'mobile_visit',
    title: {
      id: `Perpustakaan keliling ${e.operator.name} di ${e.stopName}${e.extra ? ' (jadwal tambahan)' : ''}`,
      en: `${e.operator.name} mobile library at ${e.stopName}${e.extra ? ' (extra visit)' : ''}`,
    },
    libraries: e.partner ? [e.operator, e.partner] : [e.operator],
    status: e.extra ? 'extra' : 'scheduled',
    link: `/programs/mobile/${e.routeId}`,
  }));
};

const internshipsInRange: CalendarProvider = async (db, actor, from, to) => {
  if (actor.role !== 'network_coordinator' && actor.libraryId === null) return [];
  const list = await listInternships(db, actor, { from, to });
  return list.map((i) => ({
    date: i.startsOn,
    endDate: i.endsOn,
    program: 'internships',
    kind: 'internship',
    title: {
      id: `Magang ${i.students.length} mahasiswa ${i.institutionName} di ${i.host.name}`,
      en: `Internship of ${i.students.length} students from ${i.institutionName} at ${i.host.name}`,
    },
    libraries: i.institutionLibrary ? [i.host, i.institutionLibrary] : [i.host],
    status: i.endsOn < todayIso() ? 'done' : 'planned',
    link: `/programs/internships/${i.id}`,
  }));
};

const kindNames: Record<string, Bilingual> = {
  training: { id: 'Pelatihan', en: 'Training' },
  workshop: { id: 'Lokakarya', en: 'Workshop' },
  meeting: { id: 'Pertemuan', en: 'Meeting' },
};

const trainingsInRange: CalendarProvider = async (db, actor, from, to) => {
  if (actor.networkId === null) return [];
  const list = await listTrainings(db, actor, { from, to });
  return list.map((t) => {
    const k = kindNames[t.kind] ?? { id: t.kind, en: t.kind };
    return {
      date: t.startsOn,
      endDate: t.endsOn,
      program: 'training',
      kind: 'training',
      title: {
        id: `${k.id}: ${t.title} (${t.organiserName ?? t.organiser.name})`,
        en: `${k.en}: ${t.title} (${t.organiserName ?? t.organiser.name})`,
      },
      libraries: [
        t.organiser,
        ...t.participants.flatMap((p) => (p.library && p.library.id !== t.organiser.id ? [p.library] : [])),
      ].filter((l, i, all) => all.findIndex((x) => x.id === l.id) === i),
      status: t.kind,
      link: `/programs/trainings/${t.id}`,
    };
  });
};

/** The calendar's sources; exchange adds `exchangeCalendarEntries` here. */
export const calendarProviders: CalendarProvider[] = [
  acquisitionDeadlines,
  mobileVisits,
  internshipsInRange,
  trainingsInRange,
  exchangeCalendarEntries,
];

function monthRange(month: string): { from: string; to: string } {
  const from = `${month}-01`;
  const next = new Date(`${from}T00:00:00Z`);
  next.setUTCMonth(next.getUTCMonth() + 1);
  return { from, to: addDays(next.toISOString().slice(0, 10), -1) };
}

export async function networkCalendar(
  db: Db,
  actor: Actor,
  q: {
    month?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
    library?: string | undefined;
    program?: string | undefined;
  },
  providers: CalendarProvider[] = calendarProviders,
): Promise<{ from: string; to: string; items: CalendarEntry[] }> {
  let from: string;
  let to: string;
  if (q.month) {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(q.month)) throw invalidField('month', msg('field_invalid'));
    ({ from, to } = monthRange(q.month));
  } else {
    from = q.from ?? todayIso();
    to = q.to ?? addDays(from, 30);
  }
  if (!isIsoDate(from) || !isIsoDate(to)) throw invalidField('from', msg('field_invalid'));
  if (to < from) throw invalidField('to', cmsg('dates_order'));
  if (to > addDays(from, 370)) throw invalidField('to', msg('field_invalid'));
  let libId: number | null = null;
  if (q.library) {
    // Only a narrowing of what the actor already sees: any library of her network will do.
    const lib = await libraryByRef(db, q.library);
    if (!lib || (actor.role !== 'system' && lib.network_id !== actor.networkId))
      throw invalidField('library', msg('library_unknown'));
    libId = lib.id;
  }
  const lists = await Promise.all(providers.map((p) => p(db, actor, from, to)));
  const items = lists
    .flat()
    .filter((e) => libId === null || e.libraries.some((l) => l.id === libId))
    .filter((e) => !q.program || e.program === q.program)
    .sort((a, b) => a.date.localeCompare(b.date) || (a.time ?? '').localeCompare(b.time ?? ''));
  return { from, to, items };
}

// ------------------------------------------------------------------ figures

export interface CoopFigures {
  from: string;
  to: string;
  acquisition: Array<{
    libraryCode: string;
    libraryName: string;
    proposals: number;
    copiesApproved: number;
    rupiahApproved: number;
    copiesReceived: number;
    rupiahReceived: number;
    duplicatesAvoided: number;
    rupiahAvoided: number;
  }>;
  rounds: Array<{
    roundId: number;
    title: string;
    coordinatorCode: string;
    budgetRupiah: number;
    rupiahApproved: number;
    libraries: number;
    titlesApproved: number;
  }>;
  mobile: StopMonth[];
  internships: Array<{
    libraryCode: string;
    libraryName: string;
    hosted: number;
    internsHosted: number;
    sent: number;
    internsSent: number;
  }>;
  training: Array<{
    libraryCode: string;
    libraryName: string;
    eventsOrganised: number;
    participantsHosted: number;
    staffTrained: number;
    certificates: number;
  }>;
}

export async function coopFigures(
  db: Db,
  actor: Actor,
  q: { from?: string | undefined; to?: string | undefined },
): Promise<CoopFigures> {
  const to = q.to ?? todayIso();
  const from = q.from ?? `${to.slice(0, 4)}-01-01`;
  if (from > to) throw invalidField('from', cmsg('dates_order'));
  const whole = actor.role === 'system' || actor.role === 'network_coordinator';
  const libs = await db
    .selectFrom('libraries')
    .select(['id', 'code', 'name'])
    .$if(actor.role === 'network_coordinator', (x) => x.where('network_id', '=', actor.networkId ?? -1))
    .$if(!whole, (x) => x.where('id', '=', actor.libraryId ?? -1))
    .orderBy('name')
    .execute();
  const ids = libs.map((l) => l.id);
  const empty: CoopFigures = { from, to, acquisition: [], rounds: [], mobile: [], internships: [], training: [] };
  if (!ids.length) return empty;
  const byId = new Map(libs.map((l) => [l.id, l]));
  const end = `${to} 23:59:59.999`;

  const [props, received, roundRows, interns, sent, organised, trained] = await Promise.all([
    db
      .selectFrom('acq_proposals')
      .select([
        'keeper_library_id as library_id',
        sql<number>`count(*) filter (where created_at >= ${from}::date and created_at <= ${end}::timestamptz)`.as('n'),
        sql<number>`coalesce(sum(quantity) filter (where status = 'approved' and decided_at >= ${from}::date and decided_at <= ${end}::timestamptz), 0)`.as(
          'copies',
        ),
        sql<number>`coalesce(sum(quantity * price_rupiah) filter (where status = 'approved' and decided_at >= ${from}::date and decided_at <= ${end}::timestamptz), 0)`.as(
          'rupiah',
        ),
        sql<number>`count(*) filter (where status in ('rejected', 'withdrawn') and held_at_decision > 0 and decided_at >= ${from}::date and decided_at <= ${end}::timestamptz)`.as(
          'avoided',
        ),
        sql<number>`coalesce(sum(quantity * price_rupiah) filter (where status in ('rejected', 'withdrawn') and held_at_decision > 0 and decided_at >= ${from}::date and decided_at <= ${end}::timestamptz), 0)`.as(
          'rupiah_avoided',
        ),
      ])
      .where('keeper_library_id', 'in', ids)
      .groupBy('keeper_library_id')
      .execute(),
    db
      .selectFrom('acq_copies as c')
      .innerJoin('acq_proposals as p', 'p.id', 'c.proposal_id')
      .select([
        'p.keeper_library_id as library_id',
        sql<number>`count(*)`.as('n'),
        sql<number>`coalesce(sum(p.price_rupiah), 0)`.as('rupiah'),
      ])
      .where('p.keeper_library_id', 'in', ids)
      .where('c.status', '=', 'received')
      .where('c.received_on', '>=', from)
      .where('c.received_on', '<=', to)
      .groupBy('p.keeper_library_id')
      .execute(),
    db
      .selectFrom('acq_rounds as r')
      .innerJoin('libraries as l', 'l.id', 'r.coordinator_library_id')
      .select([
        'r.id',
        'r.title',
        'l.code',
        'r.budget_rupiah',
        sql<number>`(select coalesce(sum(p.price_rupiah * p.quantity), 0) from acq_proposals p where p.round_id = r.id and p.status = 'approved')`.as(
          'approved',
        ),
        sql<number>`(select count(distinct p.keeper_library_id) from acq_proposals p where p.round_id = r.id and p.status = 'approved')`.as(
          'libraries',
        ),
        sql<number>`(select count(*) from acq_proposals p where p.round_id = r.id and p.status = 'approved')`.as(
          'titles',
        ),
      ])
      .where('r.deadline', '>=', from)
      .where('r.created_at', '<=', sql<Date>`${end}::timestamptz`)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('acq_members as m')
            .select('m.round_id')
            .whereRef('m.round_id', '=', 'r.id')
            .where('m.library_id', 'in', ids),
        ),
      )
      .orderBy('r.deadline')
      .execute(),
    db
      .selectFrom('internships')
      .select([
        'host_library_id as library_id',
        sql<number>`count(*)`.as('n'),
        sql<number>`coalesce(sum(jsonb_array_length(students)), 0)`.as('students'),
      ])
      .where('host_library_id', 'in', ids)
      .where('starts_on', '<=', to)
      .where('ends_on', '>=', from)
      .groupBy('host_library_id')
      .execute(),
    db
      .selectFrom('internships')
      .select([
        'institution_library_id as library_id',
        sql<number>`count(*)`.as('n'),
        sql<number>`coalesce(sum(jsonb_array_length(students)), 0)`.as('students'),
      ])
      .where('institution_library_id', 'in', ids)
      .where('starts_on', '<=', to)
      .where('ends_on', '>=', from)
      .groupBy('institution_library_id')
      .execute(),
    db
      .selectFrom('trainings as t')
      .select([
        't.organiser_library_id as library_id',
        sql<number>`count(*)`.as('n'),
        sql<number>`coalesce(sum((select count(*) from training_participants p where p.training_id = t.id and p.attended)), 0)`.as(
          'participants',
        ),
      ])
      .where('t.organiser_library_id', 'in', ids)
      .where('t.starts_on', '>=', from)
      .where('t.starts_on', '<=', to)
      .groupBy('t.organiser_library_id')
      .execute(),
    db
      .selectFrom('training_participants as p')
      .innerJoin('trainings as t', 't.id', 'p.training_id')
      .select([
        'p.library_id',
        sql<number>`count(*) filter (where p.attended)`.as('n'),
        sql<number>`count(*) filter (where p.certificate_number is not null)`.as('certs'),
      ])
      .where('p.library_id', 'in', ids)
      .where('t.starts_on', '>=', from)
      .where('t.starts_on', '<=', to)
      .groupBy('p.library_id')
      .execute(),
  ]);

  const acquisition = libs.flatMap((l) => {
    const p = props.find((x) => x.library_id === l.id);
    const r = received.find((x) => x.library_id === l.id);
    const row = {
      libraryCode: l.code,
      libraryName: l.name,
      proposals: Number(p?.n ?? 0),
      copiesApproved: Number(p?.copies ?? 0),
      rupiahApproved: Number(p?.rupiah ?? 0),
      copiesReceived: Number(r?.n ?? 0),
      rupiahReceived: Number(r?.rupiah ?? 0),
      duplicatesAvoided: Number(p?.avoided ?? 0),
      rupiahAvoided: Number(p?.rupiah_avoided ?? 0),
    };
    return row.proposals + row.copiesApproved + row.copiesReceived + row.duplicatesAvoided > 0 ? [row] : [];
  });
  const internships = libs.flatMap((l) => {
    const h = interns.find((x) => x.library_id === l.id);
    const s = sent.find((x) => x.library_id === l.id);
    if (!h && !s) return [];
    return [
      {
        libraryCode: l.code,
        libraryName: l.name,
        hosted: Number(h?.n ?? 0),
        internsHosted: Number(h?.students ?? 0),
        sent: Number(s?.n ?? 0),
        internsSent: Number(s?.students ?? 0),
      },
    ];
  });
  const training = libs.flatMap((l) => {
    const o = organised.find((x) => x.library_id === l.id);
    const t = trained.find((x) => x.library_id === l.id);
    if (!o && !t) return [];
    return [
      {
        libraryCode: l.code,
        libraryName: l.name,
        eventsOrganised: Number(o?.n ?? 0),
        participantsHosted: Number(o?.participants ?? 0),
        staffTrained: Number(t?.n ?? 0),
        certificates: Number(t?.certs ?? 0),
      },
    ];
  });
  return {
    from,
    to,
    acquisition,
    rounds: roundRows.map((r) => ({
      roundId: r.id,
      title: r.title,
      coordinatorCode: r.code,
      budgetRupiah: r.budget_rupiah,
      rupiahApproved: Number(r.approved),
      libraries: Number(r.libraries),
      titlesApproved: Number(r.titles),
    })),
    mobile: await mobileResults(db, whole && actor.role === 'system' ? null : ids, from, to),
    internships,
    training: byId.size ? training : [],
  };
}
