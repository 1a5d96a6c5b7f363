import { sql } from 'kysely';
import { type Actor, canActFor } from '../platform/actor.ts';
import { audit } from '../platform/audit.ts';
import type { Db, DbOrTrx } from '../platform/db.ts';
import { Conflict, Forbidden, invalidField } from '../platform/errors.ts';
import { msg } from '../platform/messages.ts';
import { actorLibrary } from './cards.ts';
import { cmsg, coopNotFound } from './coop-messages.ts';
import type { InternStudent, TrainingKind } from './coop-tables.ts';
import { todayIso } from './dates.ts';

/**
 * Internships (magang) universities send to a library, and training, workshops
 * and meetings for librarians held by a library or a forum. The host or
 * organiser gave; the sending university's library and the participants'
 * libraries received.
 */

interface LibRef {
  id: number;
  code: string;
  name: string;
}

export interface Internship {
  id: number;
  host: LibRef;
  institutionName: string;
  institutionLibrary: LibRef | null;
  supervisor: string;
  startsOn: string;
  endsOn: string;
  students: InternStudent[];
  evaluation: string | null;
  score: number | null;
  /** From the caller's library: it hosted the interns, or its university sent them. */
  direction: 'hosted' | 'sent' | null;
  canManage: boolean;
}

export interface Participant {
  id: number;
  library: LibRef | null;
  institutionName: string | null;
  name: string;
  position: string | null;
  attended: boolean;
  certificateNumber: string | null;
  certificateIssuedOn: string | null;
}

export interface Training {
  id: number;
  kind: TrainingKind;
  title: string;
  organiser: LibRef;
  organiserName: string | null;
  place: string | null;
  startsOn: string;
  endsOn: string;
  hours: number | null;
  description: string | null;
  participants: Participant[];
  participantCount: number;
  libraries: number;
  /** From the caller's library: it organised the event, or sent participants. */
  direction: 'organised' | 'attended' | null;
  canManage: boolean;
}

export interface Certificate {
  number: string;
  issuedOn: string;
  participantName: string;
  position: string | null;
  from: string;
  kind: TrainingKind;
  title: string;
  organiser: string;
  place: string | null;
  startsOn: string;
  endsOn: string;
  hours: number | null;
}

// ------------------------------------------------------------------ internships

function internshipQuery(db: DbOrTrx) {
  return db
    .selectFrom('internships as i')
    .innerJoin('libraries as h', 'h.id', 'i.host_library_id')
    .leftJoin('libraries as u', 'u.id', 'i.institution_library_id')
    .select([
      'i.id',
      'i.network_id',
      'i.host_library_id',
      'h.code as host_code',
      'h.name as host_name',
      'i.institution_name',
      'i.institution_library_id',
      'u.code as inst_code',
      'u.name as inst_name',
      'i.supervisor',
      'i.starts_on',
      'i.ends_on',
      'i.students',
      'i.evaluation',
      'i.score',
    ]);
}

type InternRow = Awaited<ReturnType<ReturnType<typeof internshipQuery>['executeTakeFirstOrThrow']>>;

function presentInternship(actor: Actor, r: InternRow): Internship {
  const manage = canActFor(actor, { id: r.host_library_id, network_id: r.network_id });
  return {
    id: r.id,
    host: { id: r.host_library_id, code: r.host_code, name: r.host_name },
    institutionName: r.institution_name,
    institutionLibrary:
      r.institution_library_id === null
        ? null
        : { id: r.institution_library_id, code: r.inst_code ?? '', name: r.inst_name ?? '' },
    supervisor: r.supervisor,
    startsOn: r.starts_on,
    endsOn: r.ends_on,
    students: r.students,
    evaluation: r.evaluation,
    score: r.score,
    direction:
      actor.libraryId === r.host_library_id ? 'hosted' : actor.libraryId === r.institution_library_id ? 'sent' : null,
    canManage: manage,
  };
}

async function loadInternship(db: DbOrTrx, actor: Actor, id: number): Promise<InternRow> {
  const r = await internshipQuery(db).where('i.id', '=', id).executeTakeFirst();
  const sees =
    r &&
    (canActFor(actor, { id: r.host_library_id, network_id: r.network_id }) ||
      (r.institution_library_id !== null && actor.libraryId === r.institution_library_id));
  if (!r || !sees) throw coopNotFound('internship');
  return r;
}

export async function listInternships(
  db: Db,
  actor: Actor,
  f: { library?: string | undefined; from?: string | undefined; to?: string | undefined },
): Promise<Internship[]> {
  let q = internshipQuery(db);
  if (f.library || actor.role !== 'network_coordinator') {
    const lib = await actorLibrary(db, actor, f.library);
    q = q.where((eb) => eb.or([eb('i.host_library_id', '=', lib.id), eb('i.institution_library_id', '=', lib.id)]));
  } else {
    q = q.where('i.network_id', '=', actor.networkId ?? -1);
  }
  if (f.from) q = q.where('i.ends_on', '>=', f.from);
  if (f.to) q = q.where('i.starts_on', '<=', f.to);
  const rows = await q.orderBy('i.starts_on', 'desc').orderBy('i.id', 'desc').execute();
  return rows.map((r) => presentInternship(actor, r));
}

export async function getInternship(db: DbOrTrx, actor: Actor, id: number): Promise<Internship> {
  return presentInternship(actor, await loadInternship(db, actor, id));
}

export interface InternshipInput {
  hostCode?: string | undefined;
  institutionName: string;
  institutionLibraryCode?: string | null | undefined;
  supervisor: string;
  startsOn: string;
  endsOn: string;
  students: InternStudent[];
  evaluation?: string | null | undefined;
  score?: number | null | undefined;
}

function cleanStudents(list: InternStudent[]): InternStudent[] {
  return list
    .map((s) => ({
      name: s.name.trim(),
      ...(s.studentNumber?.trim() ? { studentNumber: s.studentNumber.trim() } : {}),
      ...(s.programme?.trim() ? { programme: s.programme.trim() } : {}),
    }))
    .filter((s) => s.name);
}

async function institutionLibrary(db: DbOrTrx, networkId: number, code: string | null | undefined) {
  if (!code) return null;
  const u = await db
    .selectFrom('libraries')
    .select(['id', 'name', 'network_id'])
    .where('code', '=', code.toUpperCase())
    .executeTakeFirst();
  if (!u) throw invalidField('institutionLibraryCode', msg('library_unknown'));
  if (u.network_id !== networkId)
    throw invalidField('institutionLibraryCode', cmsg('not_same_network', { library: u.name }));
  return u.id;
}

/** The host library records interns it takes in. */
export async function createInternship(db: Db, actor: Actor, input: InternshipInput): Promise<Internship> {
  const host = await actorLibrary(db, actor, input.hostCode, 'hostCode');
  if (input.endsOn < input.startsOn) throw invalidField('endsOn', cmsg('dates_order'));
  const students = cleanStudents(input.students);
  if (!students.length) throw invalidField('students', msg('field_required'));
  const instId = await institutionLibrary(db, host.network_id, input.institutionLibraryCode);
  const id = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('internships')
      .values({
        network_id: host.network_id,
        host_library_id: host.id,
        institution_name: input.institutionName.trim(),
        institution_library_id: instId,
        supervisor: input.supervisor.trim(),
        starts_on: input.startsOn,
        ends_on: input.endsOn,
        students: JSON.stringify(students),
        evaluation: input.evaluation ?? null,
        score: input.score ?? null,
        created_by: actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, actor, {
      action: 'create',
      entity: 'internship',
      entityId: row.id,
      libraryId: host.id,
      after: {
        institution: input.institutionName,
        startsOn: input.startsOn,
        endsOn: input.endsOn,
        students: students.length,
      },
    });
    return row.id;
  });
  return getInternship(db, actor, id);
}

export async function updateInternship(
  db: Db,
  actor: Actor,
  id: number,
  patch: Partial<Omit<InternshipInput, 'hostCode'>>,
): Promise<Internship> {
  await db.transaction().execute(async (trx) => {
    const r = await loadInternship(trx, actor, id);
    if (!canActFor(actor, { id: r.host_library_id, network_id: r.network_id }))
      throw new Forbidden(cmsg('not_host'), 'not_host');
    const startsOn = patch.startsOn ?? r.starts_on;
    const endsOn = patch.endsOn ?? r.ends_on;
    if (endsOn < startsOn) throw invalidField('endsOn', cmsg('dates_order'));
    const students = patch.students ? cleanStudents(patch.students) : undefined;
    if (students && !students.length) throw invalidField('students', msg('field_required'));
    const instId =
      patch.institutionLibraryCode !== undefined
        ? await institutionLibrary(trx, r.network_id, patch.institutionLibraryCode)
        : undefined;
    await trx
      .updateTable('internships')
      .set({
        starts_on: startsOn,
        ends_on: endsOn,
        ...(patch.institutionName !== undefined ? { institution_name: patch.institutionName.trim() } : {}),
        ...(instId !== undefined ? { institution_library_id: instId } : {}),
        ...(patch.supervisor !== undefined ? { supervisor: patch.supervisor.trim() } : {}),
        ...(students ? { students: JSON.stringify(students) } : {}),
        ...(patch.evaluation !== undefined ? { evaluation: patch.evaluation } : {}),
        ...(patch.score !== undefined ? { score: patch.score } : {}),
      })
      .where('id', '=', id)
      .execute();
    await audit(trx, actor, {
      action: 'update',
      entity: 'internship',
      entityId: id,
      libraryId: r.host_library_id,
      before: { evaluation: r.evaluation, score: r.score, startsOn: r.starts_on, endsOn: r.ends_on },
      after: { ...patch, ...(students ? { students: students.length } : {}) },
    });
  });
  return getInternship(db, actor, id);
}

// ------------------------------------------------------------------ training, workshops, meetings

interface TrainingRow {
  id: number;
  network_id: number;
  kind: TrainingKind;
  title: string;
  organiser_library_id: number;
  org_code: string;
  org_name: string;
  organiser_name: string | null;
  place: string | null;
  starts_on: string;
  ends_on: string;
  hours: number | null;
  description: string | null;
}

function trainingQuery(db: DbOrTrx) {
  return db
    .selectFrom('trainings as t')
    .innerJoin('libraries as o', 'o.id', 't.organiser_library_id')
    .select([
      't.id',
      't.network_id',
      't.kind',
      't.title',
      't.organiser_library_id',
      'o.code as org_code',
      'o.name as org_name',
      't.organiser_name',
      't.place',
      't.starts_on',
      't.ends_on',
      't.hours',
      't.description',
    ]);
}

const organises = (actor: Actor, t: TrainingRow) =>
  canActFor(actor, { id: t.organiser_library_id, network_id: t.network_id });

async function participantsOf(db: DbOrTrx, ids: number[]) {
  if (!ids.length) return [];
  return db
    .selectFrom('training_participants as p')
    .leftJoin('libraries as l', 'l.id', 'p.library_id')
    .select([
      'p.id',
      'p.training_id',
      'p.library_id',
      'l.code',
      'l.name as library_name',
      'p.institution_name',
      'p.name',
      'p.position',
      'p.attended',
      'p.certificate_number',
      'p.certificate_issued_on',
    ])
    .where('p.training_id', 'in', ids)
    .orderBy('l.name')
    .orderBy('p.name')
    .execute();
}

async function presentTrainings(db: DbOrTrx, actor: Actor, rows: TrainingRow[]): Promise<Training[]> {
  const parts = await participantsOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((t) => {
    const manage = organises(actor, t);
    const mine = parts.filter((p) => p.training_id === t.id);
    const visible =
      manage || actor.role === 'network_coordinator' ? mine : mine.filter((p) => p.library_id === actor.libraryId);
    return {
      id: t.id,
      kind: t.kind,
      title: t.title,
      organiser: { id: t.organiser_library_id, code: t.org_code, name: t.org_name },
      organiserName: t.organiser_name,
      place: t.place,
      startsOn: t.starts_on,
      endsOn: t.ends_on,
      hours: t.hours,
      description: t.description,
      participants: visible.map((p) => ({
        id: p.id,
        library: p.library_id === null ? null : { id: p.library_id, code: p.code ?? '', name: p.library_name ?? '' },
        institutionName: p.institution_name,
        name: p.name,
        position: p.position,
        attended: p.attended,
        certificateNumber: p.certificate_number,
        certificateIssuedOn: p.certificate_issued_on,
      })),
      participantCount: mine.length,
      libraries: new Set(mine.map((p) => p.library_id ?? p.institution_name)).size,
      direction:
        actor.libraryId === t.organiser_library_id
          ? 'organised'
          : mine.some((p) => p.library_id === actor.libraryId)
            ? 'attended'
            : null,
      canManage: manage,
    };
  });
}

/** Events are announced to the whole network; participants' names only to the organiser and their own library. */
async function loadTraining(db: DbOrTrx, actor: Actor, id: number): Promise<TrainingRow> {
  const t = await trainingQuery(db).where('t.id', '=', id).executeTakeFirst();
  if (!t || (actor.role !== 'system' && actor.networkId !== t.network_id)) throw coopNotFound('training');
  return t;
}

function assertOrganiser(actor: Actor, t: TrainingRow) {
  if (!organises(actor, t)) throw new Forbidden(cmsg('not_organiser'), 'not_organiser');
}

export async function listTrainings(
  db: Db,
  actor: Actor,
  f: {
    library?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
    mine?: boolean | undefined;
  },
): Promise<Training[]> {
  let q = trainingQuery(db).where('t.network_id', '=', actor.networkId ?? -1);
  if (f.library || f.mine) {
    const lib = await actorLibrary(db, actor, f.library);
    q = q.where((eb) =>
      eb.or([
        eb('t.organiser_library_id', '=', lib.id),
        eb.exists(
          eb
            .selectFrom('training_participants as p')
            .select('p.id')
            .whereRef('p.training_id', '=', 't.id')
            .where('p.library_id', '=', lib.id),
        ),
      ]),
    );
  }
  if (f.from) q = q.where('t.ends_on', '>=', f.from);
  if (f.to) q = q.where('t.starts_on', '<=', f.to);
  const rows = await q.orderBy('t.starts_on', 'desc').orderBy('t.id', 'desc').limit(500).execute();
  return presentTrainings(db, actor, rows);
}

export async function getTraining(db: DbOrTrx, actor: Actor, id: number): Promise<Training> {
  const t = await loadTraining(db, actor, id);
  const [out] = await presentTrainings(db, actor, [t]);
  return out as Training;
}

export interface TrainingInput {
  organiserCode?: string | undefined;
  kind: TrainingKind;
  title: string;
  organiserName?: string | null | undefined;
  place?: string | null | undefined;
  startsOn: string;
  endsOn: string;
  hours?: number | null | undefined;
  description?: string | null | undefined;
}

export async function createTraining(db: Db, actor: Actor, input: TrainingInput): Promise<Training> {
  const org = await actorLibrary(db, actor, input.organiserCode, 'organiserCode');
  if (input.endsOn < input.startsOn) throw invalidField('endsOn', cmsg('dates_order'));
  const id = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('trainings')
      .values({
        network_id: org.network_id,
        kind: input.kind,
        title: input.title.trim(),
        organiser_library_id: org.id,
        organiser_name: input.organiserName?.trim() || null,
        place: input.place ?? null,
        starts_on: input.startsOn,
        ends_on: input.endsOn,
        hours: input.hours ?? null,
        description: input.description ?? null,
        created_by: actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, actor, {
      action: 'create',
      entity: 'training',
      entityId: row.id,
      libraryId: org.id,
      after: { kind: input.kind, title: input.title, startsOn: input.startsOn, endsOn: input.endsOn },
    });
    return row.id;
  });
  return getTraining(db, actor, id);
}

export interface ParticipantInput {
  libraryCode?: string | null | undefined;
  institutionName?: string | null | undefined;
  name: string;
  position?: string | null | undefined;
}

export async function addParticipants(
  db: Db,
  actor: Actor,
  id: number,
  input: { participants: ParticipantInput[] },
): Promise<Training> {
  await db.transaction().execute(async (trx) => {
    const t = await loadTraining(trx, actor, id);
    assertOrganiser(actor, t);
    const codes = [...new Set(input.participants.flatMap((p) => (p.libraryCode ? [p.libraryCode.toUpperCase()] : [])))];
    const libs = codes.length
      ? await trx
          .selectFrom('libraries')
          .select(['id', 'code', 'name', 'network_id'])
          .where('code', 'in', codes)
          .execute()
      : [];
    const values = input.participants.map((p, i) => {
      const name = p.name.trim();
      if (!name) throw invalidField(`participants.${i}.name`, msg('field_required'));
      let libraryId: number | null = null;
      if (p.libraryCode) {
        const l = libs.find((x) => x.code === p.libraryCode?.toUpperCase());
        if (!l) throw invalidField(`participants.${i}.libraryCode`, msg('library_unknown'));
        if (l.network_id !== t.network_id)
          throw invalidField(`participants.${i}.libraryCode`, cmsg('not_same_network', { library: l.name }));
        libraryId = l.id;
      } else if (!p.institutionName?.trim()) {
        throw invalidField(`participants.${i}.libraryCode`, cmsg('participant_needs_library'));
      }
      return {
        training_id: id,
        library_id: libraryId,
        institution_name: libraryId === null ? (p.institutionName?.trim() ?? null) : null,
        name,
        position: p.position ?? null,
      };
    });
    if (values.length) await trx.insertInto('training_participants').values(values).execute();
    await audit(trx, actor, {
      action: 'add_participants',
      entity: 'training',
      entityId: id,
      libraryId: t.organiser_library_id,
      after: { count: values.length },
    });
  });
  return getTraining(db, actor, id);
}

export async function setAttendance(
  db: Db,
  actor: Actor,
  id: number,
  input: { participantIds: number[]; attended: boolean },
): Promise<Training> {
  await db.transaction().execute(async (trx) => {
    const t = await loadTraining(trx, actor, id);
    assertOrganiser(actor, t);
    const rows = await trx
      .selectFrom('training_participants')
      .select(['id', 'certificate_number'])
      .where('training_id', '=', id)
      .where('id', 'in', input.participantIds)
      .execute();
    if (rows.length !== new Set(input.participantIds).size) throw coopNotFound('participant');
    if (!input.attended && rows.some((r) => r.certificate_number))
      throw new Conflict('certificate_issued', {
        id: 'sertifikat sudah diterbitkan untuk peserta ini',
        en: 'a certificate has already been issued to this participant',
      });
    await trx
      .updateTable('training_participants')
      .set({ attended: input.attended })
      .where('training_id', '=', id)
      .where('id', 'in', input.participantIds)
      .execute();
    await audit(trx, actor, {
      action: 'attendance',
      entity: 'training',
      entityId: id,
      libraryId: t.organiser_library_id,
      after: { ...input },
    });
  });
  return getTraining(db, actor, id);
}

const KIND_CODE: Record<TrainingKind, string> = { training: 'PLT', workshop: 'LKK', meeting: 'PTM' };

/** Certificates for every participant who attended, once the event is over; numbers never change. */
export async function issueCertificates(
  db: Db,
  actor: Actor,
  id: number,
  today: string = todayIso(),
): Promise<Training> {
  await db.transaction().execute(async (trx) => {
    const t = await loadTraining(trx, actor, id);
    assertOrganiser(actor, t);
    if (t.ends_on > today) throw new Conflict('event_not_over', cmsg('event_not_over', { date: t.ends_on }));
    const pending = await trx
      .selectFrom('training_participants')
      .select('id')
      .where('training_id', '=', id)
      .where('attended', '=', true)
      .where('certificate_number', 'is', null)
      .orderBy('id')
      .execute();
    const issued = await trx
      .selectFrom('training_participants')
      .select(sql<number>`count(*)`.as('n'))
      .where('training_id', '=', id)
      .where('certificate_number', 'is not', null)
      .executeTakeFirstOrThrow();
    let seq = Number(issued.n);
    for (const p of pending) {
      seq++;
      const number = `${KIND_CODE[t.kind]}/${t.org_code}/${t.ends_on.slice(0, 4)}/${String(t.id).padStart(4, '0')}-${String(seq).padStart(3, '0')}`;
      await trx
        .updateTable('training_participants')
        .set({ certificate_number: number, certificate_issued_on: today })
        .where('id', '=', p.id)
        .execute();
    }
    await audit(trx, actor, {
      action: 'certificates',
      entity: 'training',
      entityId: id,
      libraryId: t.organiser_library_id,
      after: { issued: pending.length },
    });
  });
  return getTraining(db, actor, id);
}

/** The printable certificate: the organiser, the participant's library and coordinators see it. */
export async function certificate(db: Db, actor: Actor, id: number, participantId: number): Promise<Certificate> {
  const t = await loadTraining(db, actor, id);
  const p = await db
    .selectFrom('training_participants as p')
    .leftJoin('libraries as l', 'l.id', 'p.library_id')
    .select([
      'p.id',
      'p.library_id',
      'l.name as library_name',
      'p.institution_name',
      'p.name',
      'p.position',
      'p.attended',
      'p.certificate_number',
      'p.certificate_issued_on',
    ])
    .where('p.id', '=', participantId)
    .where('p.training_id', '=', id)
    .executeTakeFirst();
  const sees =
    p &&
    (organises(actor, t) ||
      (actor.role === 'network_coordinator' && actor.networkId === t.network_id) ||
      (p.library_id !== null && actor.libraryId === p.library_id));
  if (!p || !sees || !p.certificate_number) throw coopNotFound('participant');
  return {
    number: p.certificate_number,
    issuedOn: p.certificate_issued_on as string,
    participantName: p.name,
    position: p.position,
    from: p.library_name ?? p.institution_name ?? '',
    kind: t.kind,
    title: t.title,
    organiser: t.organiser_name ? `${t.organiser_name} (${t.org_name})` : t.org_name,
    place: t.place,
    startsOn: t.starts_on,
    endsOn: t.ends_on,
    hours: t.hours,
  };
}
