import type { PatronActor } from '../platform/actor.ts';
import type { Db } from '../platform/db.ts';
import { cardQrSvg, cardsQuery, presentCards, type VisitingCard } from './cards.ts';
import { todayIso } from './dates.ts';
import { cardOutcome } from './visits.ts';

/** Programs as the cardholder sees them in the patron portal. */

export interface MyCard extends VisitingCard {
  qrSvg: string;
  /** valid | expired | not_yet_valid | revoked today, at her own library's partners. */
  usableToday: boolean;
}

/** The patron's own visiting cards, newest first, with the QR code to show at the desk. */
export async function myCards(db: Db, patron: PatronActor, today = todayIso()): Promise<MyCard[]> {
  const rows = await cardsQuery(db)
    .where('c.patron_id', '=', patron.patronId)
    .orderBy('c.valid_until', 'desc')
    .orderBy('c.id', 'desc')
    .execute();
  const cards = await presentCards(db, rows);
  return Promise.all(
    cards.map(async (c, i) => {
      const row = rows[i];
      const first = c.validLibraries[0];
      const usable =
        row !== undefined &&
        first !== undefined &&
        cardOutcome(row, { id: first.id, name: first.name }, today, c.cardNumber).outcome === 'valid';
      return { ...c, qrSvg: await cardQrSvg(c.cardNumber), usableToday: usable };
    }),
  );
}
