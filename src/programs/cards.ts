import { randomInt } from 'node:crypto';
import QRCode from 'qrcode';
import { type Actor, assertActFor, canActFor } from '../platform/actor.ts';
import { audit } from '../platform/audit.ts';
import type { Db, DbOrTrx } from '../platform/db.ts';
import { Conflict, Forbidden, invalidField } from '../platform/errors.ts';
import { msg } from '../platform/messages.ts';
import { type Page, type PageParams, pageOf } from '../platform/paging.ts';
import { inForce } from './agreement-state.ts';
import { todayIso } from './dates.ts';
import { notFound, pmsg, programNames } from './messages.ts';

export interface VisitingCard {
  id: number;
  cardNumber: string;
  agreementId: number;
  agreementTitle: string;
  holderName: string;
  memberNumber: string;
  patronId: number;
  homeLibrary: { id: number; code: string; name: string };
  validLibraries: Array<{ id: number; code: string; name: string }>;
  validFrom: string;
  validUntil: string;
  status: 'active' | 'revoked';
  statusReason: string | null;
  createdAt: string;
}

// Crockford's base32 without I, L, O, U: nothing a desk clerk can misread when typing.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newCardNumber(): string {
  const part = () => Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return `SL-${part()}-${part()}`;
}

/** Scanners and people type the number in many ways: lower case, spaces, no dashes, O for 0. */
export function normalizeCardNumber(input: string): string {
  const compact = input.toUpperCase().replace(/[\s_-]/g, '');
  if (!compact.startsWith('SL')) return input.trim().toUpperCase();
  const body = compact.slice(2).replace(/O/g, '0').replace(/[IL]/g, '1');
  return /^[0-9A-Z]{8}$/.test(body) ? `SL-${body.slice(0, 4)}-${body.slice(4)}` : input.trim().toUpperCase();
}

export function cardQrSvg(cardNumber: string): Promise<string> {
  return QRCode.toString(cardNumber, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
}

export function cardsQuery(db: DbOrTrx) {
  return db
    .selectFrom('visiting_cards as c')
    .innerJoin('patrons as p', 'p.id', 'c.patron_id')
    .innerJoin('libraries as h', 'h.id', 'c.home_library_id')
    .innerJoin('agreements as a', 'a.id', 'c.agreement_id')
    .select([
      'c.id',
      'c.card_number',
      'c.agreement_id',
      'a.title as agreement_title',
      'a.status as agreement_status',
      'a.starts_on as agreement_starts_on',
      'a.ends_on as agreement_ends_on',
      'p.full_name',
      'p.member_number',
      'c.patron_id',
      'c.home_library_id',
      'h.code as home_code',
      'h.name as home_name',
      'h.network_id as home_network_id',
      'c.valid_library_ids',
      'c.valid_from',
      'c.valid_until',
      'c.status',
      'c.status_reason',
      'c.created_at',
    ]);
}

export type CardRow = Awaited<ReturnType<ReturnType<typeof cardsQuery>['executeTakeFirstOrThrow']>>;

export async function presentCards(db: DbOrTrx, rows: CardRow[]): Promise<VisitingCard[]> {
  const ids = [...new Set(rows.flatMap((r) => r.valid_library_ids))];
  const libs = ids.length
    ? await db.selectFrom('libraries').select(['id', 'code', 'name']).where('id', 'in', ids).execute()
    : [];
  const byId = new Map(libs.map((l) => [l.id, l]));
  return rows.map((r) => ({
    id: r.id,
    cardNumber: r.card_number,
    agreementId: r.agreement_id,
    agreementTitle: r.agreement_title,
    holderName: r.full_name,
    memberNumber: r.member_number,
    patronId: r.patron_id,
    homeLibrary: { id: r.home_library_id, code: r.home_code, name: r.home_name },
    validLibraries: r.valid_library_ids.flatMap((id) => {
      const l = byId.get(id);
      return l ? [l] : [];
    }),
    validFrom: r.valid_from,
    validUntil: r.valid_until,
    status: r.status,
    statusReason: r.status_reason,
    createdAt: r.created_at.toISOString(),
  }));
}

export async function cardRowByNumber(db: DbOrTrx, cardNumber: string): Promise<CardRow | undefined> {
  return cardsQuery(db).where('c.card_number', '=', normalizeCardNumber(cardNumber)).executeTakeFirst();
}

/** The home library issues and manages; the libraries the card is valid at may look it up. */
function canSeeCard(actor: Actor, r: CardRow): boolean {
  if (canActFor(actor, { id: r.home_library_id, network_id: r.home_network_id })) return true;
  return actor.libraryId !== null && r.valid_library_ids.includes(actor.libraryId);
}

export async function getCard(db: DbOrTrx, actor: Actor, id: number): Promise<VisitingCard & { qrSvg: string }> {
  const row = await cardsQuery(db).where('c.id', '=', id).executeTakeFirst();
  if (!row || !canSeeCard(actor, row)) throw notFound('card');
  const [card] = await presentCards(db, [row]);
  if (!card) throw notFound('card');
  return { ...card, qrSvg: await cardQrSvg(card.cardNumber) };
}

export interface CardFilter extends PageParams {
  library?: string | undefined;
  q?: string | undefined;
  status?: 'active' | 'revoked' | undefined;
}

export async function libraryByRef(db: DbOrTrx, ref: string | number) {
  const q = db.selectFrom('libraries').select(['id', 'code', 'name', 'network_id', 'services']);
  const row = await (typeof ref === 'number' || /^\d+$/.test(ref)
    ? q.where('id', '=', Number(ref))
    : q.where('code', '=', ref.toUpperCase())
  ).executeTakeFirst();
  return row ?? null;
}

export async function actorLibrary(db: DbOrTrx, actor: Actor, ref: string | undefined, field = 'library') {
  const lib = await libraryByRef(db, ref ?? actor.libraryId ?? '');
  if (!lib) throw invalidField(field, msg('library_unknown'));
  assertActFor(actor, lib);
  return lib;
}

/** The cards a library issued to its own patrons. */
export async function listCards(db: Db, actor: Actor, f: CardFilter): Promise<Page<VisitingCard>> {
  const lib = await actorLibrary(db, actor, f.library);
  const { page, pageSize, offset } = pageOf(f);
  let q = cardsQuery(db).where('c.home_library_id', '=', lib.id);
  if (f.status) q = q.where('c.status', '=', f.status);
  if (f.q) {
    const like = `%${f.q.trim().toLowerCase()}%`;
    q = q.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['p.full_name']), 'like', like),
        eb(eb.fn('lower', ['c.card_number']), 'like', like),
        eb(eb.fn('lower', ['p.member_number']), 'like', like),
      ]),
    );
  }
  const [rows, count] = await Promise.all([
    q.orderBy('c.created_at', 'desc').orderBy('c.id', 'desc').limit(pageSize).offset(offset).execute(),
    q
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items: await presentCards(db, rows), total: Number(count.n), page, pageSize };
}

export interface CardInput {
  agreementId: number;
  memberNumber: string;
  homeLibraryCode?: string | undefined;
  validLibraryCodes?: string[] | undefined;
  validFrom?: string | undefined;
  validUntil?: string | undefined;
}

/**
 * A forum's or agreement's visiting card for a patron of a participating
 * library, valid at the other participating libraries within the agreement's dates.
 */
export async function issueCard(
  db: Db,
  actor: Actor,
  input: CardInput,
  today: string = todayIso(),
): Promise<VisitingCard & { qrSvg: string }> {
  const home = await actorLibrary(db, actor, input.homeLibraryCode, 'homeLibraryCode');
  const agreement = await db
    .selectFrom('agreements')
    .select(['id', 'title', 'status', 'programs', 'starts_on', 'ends_on'])
    .where('id', '=', input.agreementId)
    .executeTakeFirst();
  const parties = agreement
    ? await db
        .selectFrom('agreement_parties as ap')
        .innerJoin('libraries as l', 'l.id', 'ap.library_id')
        .select(['l.id', 'l.code', 'l.name'])
        .where('ap.agreement_id', '=', agreement.id)
        .orderBy('ap.position')
        .execute()
    : [];
  if (!agreement || !parties.some((p) => p.id === home.id)) {
    throw invalidField('agreementId', pmsg('not_a_party', { library: home.name }));
  }
  if (!agreement.programs.includes('visiting_cards')) {
    const m = pmsg('program_not_covered', { program: '{p}' });
    const n = programNames.visiting_cards ?? { id: 'visiting_cards', en: 'visiting_cards' };
    throw invalidField('agreementId', { id: m.id.replace('{p}', n.id), en: m.en.replace('{p}', n.en) });
  }
  if (!inForce(agreement.status, agreement.starts_on, agreement.ends_on, today)) {
    throw new Conflict('agreement_not_in_force', pmsg('agreement_not_in_force'));
  }
  const patron = await db
    .selectFrom('patrons')
    .select(['id', 'full_name', 'status'])
    .where('library_id', '=', home.id)
    .where('member_number', '=', input.memberNumber.trim())
    .executeTakeFirst();
  if (!patron) throw invalidField('memberNumber', pmsg('patron_not_home'));
  let valid = parties.filter((p) => p.id !== home.id);
  if (input.validLibraryCodes?.length) {
    const wanted = input.validLibraryCodes.map((c) => c.toUpperCase());
    for (const code of wanted) {
      if (!valid.some((p) => p.code === code)) {
        throw invalidField('validLibraryCodes', pmsg('not_a_party', { library: code }));
      }
    }
    valid = valid.filter((p) => wanted.includes(p.code));
  }
  const from = input.validFrom ?? (agreement.starts_on && agreement.starts_on > today ? agreement.starts_on : today);
  const until = input.validUntil ?? agreement.ends_on ?? from;
  const outside =
    (agreement.starts_on !== null && from < agreement.starts_on) ||
    (agreement.ends_on !== null && until > agreement.ends_on);
  if (outside) {
    throw invalidField(
      'validUntil',
      pmsg('card_outside_agreement', { from: agreement.starts_on ?? '…', until: agreement.ends_on ?? '…' }),
    );
  }
  if (until < from) throw invalidField('validUntil', pmsg('dates_order'));
  const id = await db.transaction().execute(async (trx) => {
    let row: { id: number } | undefined;
    // Random numbers collide rarely; the unique index decides, and we draw again.
    for (let attempt = 0; !row && attempt < 5; attempt++) {
      row = await trx
        .insertInto('visiting_cards')
        .values({
          agreement_id: agreement.id,
          card_number: newCardNumber(),
          patron_id: patron.id,
          home_library_id: home.id,
          valid_library_ids: valid.map((p) => p.id),
          valid_from: from,
          valid_until: until,
          issued_by: actor.userId,
        })
        .onConflict((oc) => oc.column('card_number').doNothing())
        .returning('id')
        .executeTakeFirst();
    }
    if (!row) throw new Error('could not draw a free card number');
    await audit(trx, actor, {
      action: 'issue',
      entity: 'visiting_card',
      entityId: row.id,
      libraryId: home.id,
      after: {
        agreementId: agreement.id,
        patronId: patron.id,
        validLibraries: valid.map((p) => p.code),
        validFrom: from,
        validUntil: until,
      },
    });
    return row.id;
  });
  return getCard(db, actor, id);
}

export async function revokeCard(
  db: Db,
  actor: Actor,
  id: number,
  reason: string,
): Promise<VisitingCard & { qrSvg: string }> {
  await db.transaction().execute(async (trx) => {
    const row = await cardsQuery(trx).where('c.id', '=', id).executeTakeFirst();
    if (!row || !canSeeCard(actor, row)) throw notFound('card');
    if (!canActFor(actor, { id: row.home_library_id, network_id: row.home_network_id })) {
      throw new Forbidden(msg('forbidden_other_library'), 'forbidden_other_library');
    }
    if (row.status === 'revoked') throw new Conflict('card_revoked', pmsg('card_revoked_already'));
    await trx
      .updateTable('visiting_cards')
      .set({ status: 'revoked', status_reason: reason })
      .where('id', '=', id)
      .execute();
    await audit(trx, actor, {
      action: 'revoke',
      entity: 'visiting_card',
      entityId: id,
      libraryId: row.home_library_id,
      before: { status: 'active' },
      after: { status: 'revoked', reason },
    });
  });
  return getCard(db, actor, id);
}
