import { type Actor, canActFor } from '../platform/actor.ts';
import { audit } from '../platform/audit.ts';
import type { Db } from '../platform/db.ts';
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
  const terms = await agreementTerms(db, card.home_library_id, visited.id, 'visiting_cards', today);
  answer.privileges = [
    { key: 'on_site_reading', allowed: true },
    { key: 'photocopy', allowed: visited.services.includes('photocopy') },
    {
      key: 'home_loan',
      allowed: terms.visitorsMayBorrow,
      loanPeriodDays: terms.visitorsMayBorrow ? terms.loanPeriodDays : null,
    },
  ];
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
  const target = await db
    .selectFrom('libraries')
    .select(['id', 'name'])
    .where('code', '=', input.libraryCode.toUpperCase())
    .executeTakeFirst();
  if (!target) throw invalidField('libraryCode', msg('library_unknown'));
  if (input.plannedOn < today) throw invalidField('plannedOn', msg('field_invalid'));
  const check = cardOutcome(card, target, input.plannedOn, card.card_number);
  if (check.outcome === 'not_participant') throw invalidField('libraryCode', pmsg('visit_elsewhere'));
  if (check.outcome !== 'valid') throw new Conflict(`card_${check.outcome}`, check.message);
  const id = await db.transaction().execute(async (trx) => {
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
        created_by: actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, actor, {
      action: 'announce',
      entity: 'visit',
      entityId: row.id,
      libraryId: card.home_library_id,
      after: { cardNumber: card.card_number, visited: input.libraryCode.toUpperCase(), plannedOn: input.plannedOn },
    });
    return row.id;
  });
  const [v] = (await visitsQuery(db).where('v.id', '=', id).execute()).map(presentVisit);
  if (!v) throw notFound('visit');
  return v;
}

function visitsQuery(db: Db) {
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
    ]);
}

function presentVisit(r: Awaited<ReturnType<ReturnType<typeof visitsQuery>['execute']>>[number]): Visit {
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
  };
}

/** Visits a library received (default) or its patrons made elsewhere. */
export async function listVisits(
  db: Db,
  actor: Actor,
  f: PageParams & { library?: string | undefined; direction?: 'received' | 'made' | undefined },
): Promise<Page<Visit>> {
  const lib = await actorLibrary(db, actor, f.library);
  const { page, pageSize, offset } = pageOf(f);
  const q = visitsQuery(db).where(f.direction === 'made' ? 'v.home_library_id' : 'v.visited_library_id', '=', lib.id);
  const [rows, count] = await Promise.all([
    q.orderBy('v.id', 'desc').limit(pageSize).offset(offset).execute(),
    q
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(presentVisit), total: Number(count.n), page, pageSize };
}
