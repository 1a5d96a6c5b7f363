import { notify } from '../notify/notify.ts';
import { type Actor, canActFor } from '../platform/actor.ts';
import { audit } from '../platform/audit.ts';
import type { Db, DbOrTrx } from '../platform/db.ts';
import { Conflict, Forbidden, invalidField } from '../platform/errors.ts';
import { type Bilingual, msg } from '../platform/messages.ts';
import { type Page, type PageParams, pageOf } from '../platform/paging.ts';
import { inForce } from './agreement-state.ts';
import { agreementTerms } from './agreements.ts';
import { actorLibrary, type CardRow, cardRowByNumber, normalizeCardNumber } from './cards.ts';
import { todayIso } from './dates.ts';
import { notFound, pmsg } from './messages.ts';

export type CardOutcome = 'valid' | 'expired' | 'not_yet_valid' | 'revoked' | 'not_participant' | 'unknown';

/** The desk's question, without I/O: may this card be used here today, and if not, why. */
export function cardOutcome(
  card: Pick<
    CardRow,
    | 'status'
    | 'status_reason'
    | 'valid_from'
    | 'valid_until'
    | 'valid_library_ids'
    | 'agreement_status'
    | 'agreement_starts_on'
    | 'agreement_ends_on'
    | 'full_name'
    | 'home_name'
  > | null,
  visited: { id: number; name: string },
  today: string,
  cardNumber: string,
): { outcome: CardOutcome; message: Bilingual } {
  if (!card) return { outcome: 'unknown', message: pmsg('card_unknown', { number: cardNumber }) };
  if (card.status === 'revoked') {
    return { outcome: 'revoked', message: pmsg('card_revoked', { reason: card.status_reason ?? '—' }) };
  }
  if (today > card.valid_until)
    return { outcome: 'expired', message: pmsg('card_expired', { date: card.valid_until }) };
  if (today < card.valid_from) {
    return { outcome: 'not_yet_valid', message: pmsg('card_not_yet', { date: card.valid_from }) };
  }
  if (!inForce(card.agreement_status, card.agreement_starts_on, card.agreement_ends_on, today)) {
    return { outcome: 'expired', message: pmsg('card_agreement_ended') };
  }
  if (!card.valid_library_ids.includes(visited.id)) {
    return { outcome: 'not_participant', message: pmsg('card_not_participant', { library: visited.name }) };
  }
  return { outcome: 'valid', message: pmsg('card_valid', { name: card.full_name, home: card.home_name }) };
}

export interface Privilege {
  key: 'on_site_reading' | 'photocopy' | 'home_loan';
  allowed: boolean;
  loanPeriodDays?: number | null;
}

/** What a cardholder of the home library may use at the visited library on a date, from the agreement's terms. */
export async function visitPrivileges(
  db: DbOrTrx,
  homeLibraryId: number,
  visited: { id: number; services: string[] },
  date: string,
): Promise<Privilege[]> {
  const terms = await agreementTerms(db, homeLibraryId, visited.id, 'visiting_cards', date);
  return [
    { key: 'on_site_reading', allowed: true },
    { key: 'photocopy', allowed: visited.services.includes('photocopy') },
    {
      key: 'home_loan',
      allowed: terms.visitorsMayBorrow,
      loanPeriodDays: terms.visitorsMayBorrow ? terms.loanPeriodDays : null,
    },
  ];
}

export interface CheckInAnswer {
  outcome: CardOutcome;
  ok: boolean;
  message: Bilingual;
  cardNumber: string;
  card: {
    id: number;
    holderName: string;
    memberNumber: string;
    homeLibraryCode: string;
    homeLibraryName: string;
    validFrom: string;
    validUntil: string;
    agreementTitle: string;
  } | null;
  privileges: Privilege[];
  visitId: number | null;
  /** The home library had announced this visit. */
  announced: boolean;
}

/**
 * Check-in at the desk by scanned or typed card number. Only a valid card
 * records a visit; the answer always says why, in both languages.
 */
export async function checkIn(
  db: Db,
  actor: Actor,
  input: { cardNumber: string; libraryCode?: string | undefined },
  today: string = todayIso(),
): Promise<CheckInAnswer> {
  const visited = await actorLibrary(db, actor, input.libraryCode, 'libraryCode');
  const number = normalizeCardNumber(input.cardNumber);
  const card = await cardRowByNumber(db, number);
  const { outcome, message } = cardOutcome(card ?? null, visited, today, number);
  const answer: CheckInAnswer = {
    outcome,
    ok: outcome === 'valid',
    message,
    cardNumber: number,
    card: card
      ? {
          id: card.id,
          holderName: card.full_name,
          memberNumber: card.member_number,
          homeLibraryCode: card.home_code,
          homeLibraryName: card.home_name,
          validFrom: card.valid_from,
          validUntil: card.valid_until,
          agreementTitle: card.agreement_title,
        }
      : null,
    privileges: [],
    visitId: null,
    announced: false,
  };
  if (!card || outcome !== 'valid') return answer;
  answer.privileges = await visitPrivileges(db, card.home_library_id, visited, today);
  const recorded = await db.transaction().execute(async (trx) => {
    const planned = await trx
      .selectFrom('visits')
      .select('id')
      .where('card_id', '=', card.id)
      .where('visited_library_id', '=', visited.id)
      .where('status', '=', 'announced')
      .orderBy('planned_on')
      .executeTakeFirst();
    let id: number;
    if (planned) {
      await trx
        .updateTable('visits')
        .set({ status: 'checked_in', checked_in_at: new Date(), visited_on: today })
        .where('id', '=', planned.id)
        .execute();
      id = planned.id;
    } else {
      const row = await trx
        .insertInto('visits')
        .values({
          card_id: card.id,
          home_library_id: card.home_library_id,
          visited_library_id: visited.id,
          status: 'checked_in',
          checked_in_at: new Date(),
          visited_on: today,
          created_by: actor.userId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      id = row.id;
    }
    await audit(trx, actor, {
      action: 'check_in',
      entity: 'visit',
      entityId: id,
      libraryId: visited.id,
      after: { cardNumber: card.card_number, homeLibrary: card.home_code, announced: Boolean(planned) },
    });
    return { id, announced: Boolean(planned) };
  });
  answer.visitId = recorded.id;
  answer.announced = recorded.announced;
  return answer;
}

export interface Visit {
  id: number;
  cardNumber: string;
  holderName: string;
  homeLibrary: { code: string; name: string };
  visitedLibrary: { code: string; name: string };
  status: 'announced' | 'checked_in' | 'cancelled';
  plannedOn: string | null;
  purpose: string | null;
  checkedInAt: string | null;
  visitedOn: string | null;
  announcedBy: 'library' | 'cardholder' | null;
}

/** The home library tells the library to be visited beforehand, as the forums' rules ask. */
export async function announceVisit(
  db: Db,
  actor: Actor,
  input: { cardNumber: string; libraryCode: string; plannedOn: string; purpose?: string | null | undefined },
  today: string = todayIso(),
): Promise<Visit> {
  const card = await cardRowByNumber(db, input.cardNumber);
  if (!card) throw invalidField('cardNumber', pmsg('card_unknown', { number: normalizeCardNumber(input.cardNumber) }));
  if (!canActFor(actor, { id: card.home_library_id, network_id: card.home_network_id })) {
    throw new Forbidden(msg('forbidden_other_library'), 'forbidden_other_library');
  }
  return recordAnnouncement(db, actor, card, input, 'library', today);
}

/**
 * The checks and the record of an announcement, by the home library or the
 * cardholder: a date from today within the card's validity at a library it is
 * valid at, not twice for the same day; the visited library's staff are told.
 */
export async function recordAnnouncement(
  db: Db,
  actor: Actor,
  card: CardRow,
  input: { libraryCode: string; plannedOn: string; purpose?: string | null | undefined },
  by: 'library' | 'cardholder',
  today: string,
): Promise<Visit> {
  const target = await db
    .selectFrom('libraries')
    .select(['id', 'name', 'code'])
    .where('code', '=', input.libraryCode.trim().toUpperCase())
    .executeTakeFirst();
  if (!target) throw invalidField('libraryCode', msg('library_unknown'));
  if (input.plannedOn < today) throw invalidField('plannedOn', pmsg('visit_in_past'));
  const check = cardOutcome(card, target, input.plannedOn, card.card_number);
  if (check.outcome === 'not_participant') throw invalidField('libraryCode', pmsg('visit_elsewhere'));
  if (check.outcome !== 'valid') throw new Conflict(`card_${check.outcome}`, check.message);
  const id = await db.transaction().execute(async (trx) => {
    const dup = await trx
      .selectFrom('visits')
      .select('id')
      .where('card_id', '=', card.id)
      .where('visited_library_id', '=', target.id)
      .where('planned_on', '=', input.plannedOn)
      .where('status', '=', 'announced')
      .executeTakeFirst();
    if (dup) throw new Conflict('visit_already_announced', pmsg('visit_already_announced'));
    const row = await trx
      .insertInto('visits')
      .values({
        card_id: card.id,
        home_library_id: card.home_library_id,
        visited_library_id: target.id,
        status: 'announced',
        planned_on: input.plannedOn,
        purpose: input.purpose ?? null,
        announced_at: new Date(),
        announced_by: by,
        created_by: actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, actor, {
      action: 'announce',
      entity: 'visit',
      entityId: row.id,
      libraryId: card.home_library_id,
      after: { cardNumber: card.card_number, visited: target.code, plannedOn: input.plannedOn, by },
    });
    await notify(trx, {
      to: { libraryId: target.id },
      kind: 'visit.announced',
      subject: pmsg('visit_announced_subject', { name: card.full_name, date: input.plannedOn }),
      body: pmsg('visit_announced_body', {
        name: card.full_name,
        home: card.home_name,
        date: input.plannedOn,
        card: card.card_number,
        purpose: input.purpose ?? '—',
      }),
      link: '/programs/desk',
    });
    return row.id;
  });
  return visitById(db, id);
}

export async function visitById(db: DbOrTrx, id: number): Promise<Visit> {
  const row = await visitsQuery(db).where('v.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('visit');
  return presentVisit(row);
}

/**
 * Cancels an announced visit: staff of the home or the visited library, or the
 * cardholder (`cardholderId`). Only an announced visit can be cancelled (409).
 */
export async function cancelVisit(
  db: Db,
  actor: Actor,
  id: number,
  cardholderId: number | null = null,
): Promise<Visit> {
  const row = await visitsQuery(db).where('v.id', '=', id).executeTakeFirst();
  const mayAct =
    row &&
    (cardholderId !== null
      ? row.patron_id === cardholderId
      : canActFor(actor, { id: row.home_library_id, network_id: row.home_network_id }) ||
        canActFor(actor, { id: row.visited_library_id, network_id: row.visited_network_id }));
  if (!row || !mayAct) throw notFound('visit');
  if (row.status !== 'announced') {
    throw new Conflict('visit_not_announced', pmsg('visit_not_announced', { status: row.status }));
  }
  await db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('visits')
      .set({ status: 'cancelled', cancelled_at: new Date() })
      .where('id', '=', id)
      .where('status', '=', 'announced')
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) {
      throw new Conflict('visit_not_announced', pmsg('visit_not_announced', { status: 'changed' }));
    }
    await audit(trx, actor, {
      action: 'cancel',
      entity: 'visit',
      entityId: id,
      libraryId: row.home_library_id,
      before: { status: 'announced' },
      after: { status: 'cancelled', by: cardholderId !== null ? 'cardholder' : 'library' },
    });
    // The visited library learns of it unless it cancelled itself.
    if (actor.kind === 'patron' || actor.libraryId !== row.visited_library_id) {
      await notify(trx, {
        to: { libraryId: row.visited_library_id },
        kind: 'visit.cancelled',
        subject: pmsg('visit_cancelled_subject', { name: row.full_name, date: row.planned_on ?? '—' }),
        body: pmsg('visit_cancelled_body', { name: row.full_name, home: row.home_name, date: row.planned_on ?? '—' }),
        link: '/programs/desk',
      });
    }
  });
  return visitById(db, id);
}

export function visitsQuery(db: DbOrTrx) {
  return db
    .selectFrom('visits as v')
    .innerJoin('visiting_cards as c', 'c.id', 'v.card_id')
    .innerJoin('patrons as p', 'p.id', 'c.patron_id')
    .innerJoin('libraries as h', 'h.id', 'v.home_library_id')
    .innerJoin('libraries as t', 't.id', 'v.visited_library_id')
    .select([
      'v.id',
      'c.card_number',
      'p.full_name',
      'h.code as home_code',
      'h.name as home_name',
      't.code as visited_code',
      't.name as visited_name',
      'v.status',
      'v.planned_on',
      'v.purpose',
      'v.checked_in_at',
      'v.visited_on',
      'v.announced_by',
      'c.patron_id',
      'v.visited_library_id',
      'v.home_library_id',
      't.network_id as visited_network_id',
      'h.network_id as home_network_id',
    ]);
}

export function presentVisit(r: Awaited<ReturnType<ReturnType<typeof visitsQuery>['execute']>>[number]): Visit {
  return {
    id: r.id,
    cardNumber: r.card_number,
    holderName: r.full_name,
    homeLibrary: { code: r.home_code, name: r.home_name },
    visitedLibrary: { code: r.visited_code, name: r.visited_name },
    status: r.status,
    plannedOn: r.planned_on,
    purpose: r.purpose,
    checkedInAt: r.checked_in_at ? r.checked_in_at.toISOString() : null,
    visitedOn: r.visited_on,
    announcedBy: r.announced_by,
  };
}

/** Visits a library received (default) or its patrons made elsewhere; the desk asks for announced ones from today. */
export async function listVisits(
  db: Db,
  actor: Actor,
  f: PageParams & {
    library?: string | undefined;
    direction?: 'received' | 'made' | undefined;
    status?: 'announced' | 'checked_in' | 'cancelled' | undefined;
    plannedFrom?: string | undefined;
  },
): Promise<Page<Visit>> {
  const lib = await actorLibrary(db, actor, f.library);
  const { page, pageSize, offset } = pageOf(f);
  let q = visitsQuery(db).where(f.direction === 'made' ? 'v.home_library_id' : 'v.visited_library_id', '=', lib.id);
  if (f.status) q = q.where('v.status', '=', f.status);
  if (f.plannedFrom) q = q.where('v.planned_on', '>=', f.plannedFrom);
  const ordered = f.status === 'announced' ? q.orderBy('v.planned_on').orderBy('v.id') : q.orderBy('v.id', 'desc');
  const [rows, count] = await Promise.all([
    ordered.limit(pageSize).offset(offset).execute(),
    q
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(presentVisit), total: Number(count.n), page, pageSize };
}
