import type { PatronActor } from '../platform/actor.ts';
import type { Db } from '../platform/db.ts';
import { invalidField } from '../platform/errors.ts';
import { cardQrSvg, cardsQuery, normalizeCardNumber, presentCards, type VisitingCard } from './cards.ts';
import { todayIso } from './dates.ts';
import { pmsg } from './messages.ts';
import {
  cancelVisit,
  cardOutcome,
  type Privilege,
  presentVisit,
  recordAnnouncement,
  type Visit,
  visitPrivileges,
  visitsQuery,
} from './visits.ts';

/** Programs as the cardholder sees them in the patron portal. */

export interface MyCard extends VisitingCard {
  qrSvg: string;
  /** Valid today at one or more of its libraries. */
  usableToday: boolean;
  /** Each library the card is valid at, with what she may use there (today's terms). */
  places: Array<{ library: { id: number; code: string; name: string }; privileges: Privilege[] }>;
}

/** The patron's own visiting cards, newest first, with the QR code to show at the desk. */
export async function myCards(db: Db, patron: PatronActor, today = todayIso()): Promise<MyCard[]> {
  const rows = await cardsQuery(db)
    .where('c.patron_id', '=', patron.patronId)
    .orderBy('c.valid_until', 'desc')
    .orderBy('c.id', 'desc')
    .execute();
  const cards = await presentCards(db, rows);
  const libs = await db
    .selectFrom('libraries')
    .select(['id', 'services'])
    .where('id', 'in', [0, ...cards.flatMap((c) => c.validLibraries.map((l) => l.id))])
    .execute();
  const services = new Map(libs.map((l) => [l.id, l.services]));
  return Promise.all(
    cards.map(async (c, i) => {
      const row = rows[i];
      const usable =
        row !== undefined && c.validLibraries.some((l) => cardOutcome(row, l, today, c.cardNumber).outcome === 'valid');
      const places = await Promise.all(
        c.validLibraries.map(async (l) => ({
          library: l,
          privileges: await visitPrivileges(
            db,
            c.homeLibrary.id,
            { id: l.id, services: services.get(l.id) ?? [] },
            today,
          ),
        })),
      );
      return { ...c, qrSvg: await cardQrSvg(c.cardNumber), usableToday: usable, places };
    }),
  );
}

/** Her visits (announced, made, cancelled), the next ones first. */
export async function myVisits(db: Db, patron: PatronActor): Promise<Visit[]> {
  const rows = await visitsQuery(db)
    .where('c.patron_id', '=', patron.patronId)
    .orderBy('v.id', 'desc')
    .limit(100)
    .execute();
  return rows.map(presentVisit);
}

/**
 * The cardholder announces her own visit: one of her cards (default: the one
 * valid at that library on that day), a library and date it is valid for.
 */
export async function announceOwnVisit(
  db: Db,
  patron: PatronActor,
  input: {
    cardNumber?: string | undefined;
    libraryCode: string;
    plannedOn: string;
    purpose?: string | null | undefined;
  },
  today = todayIso(),
): Promise<Visit> {
  let candidates = await cardsQuery(db)
    .where('c.patron_id', '=', patron.patronId)
    .where('c.status', '=', 'active')
    .orderBy('c.valid_until', 'desc')
    .execute();
  if (input.cardNumber) {
    const wanted = normalizeCardNumber(input.cardNumber);
    candidates = candidates.filter((c) => c.card_number === wanted);
    if (candidates.length === 0) {
      // Not hers or unknown: the same answer, so others' card numbers cannot be probed.
      throw invalidField('cardNumber', pmsg('card_unknown', { number: wanted }));
    }
  }
  if (candidates.length === 0) throw invalidField('cardNumber', pmsg('card_unknown', { number: '—' }));
  const target = await db
    .selectFrom('libraries')
    .select(['id', 'name'])
    .where('code', '=', input.libraryCode.trim().toUpperCase())
    .executeTakeFirst();
  // Prefer a card valid there on that day; otherwise the first, whose check explains why not.
  const card =
    (target && candidates.find((c) => cardOutcome(c, target, input.plannedOn, c.card_number).outcome === 'valid')) ??
    candidates[0];
  if (!card) throw invalidField('cardNumber', pmsg('card_unknown', { number: '—' }));
  return recordAnnouncement(db, patron, card, input, 'cardholder', today);
}

export function cancelOwnVisit(db: Db, patron: PatronActor, id: number): Promise<Visit> {
  return cancelVisit(db, patron, id, patron.patronId);
}
