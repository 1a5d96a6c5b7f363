import { sql } from 'kysely';
import { isbnKeys } from '../catalog/search-index.ts';
import { type Actor, canActFor } from '../platform/actor.ts';
import { audit } from '../platform/audit.ts';
import type { Db, DbOrTrx, Trx } from '../platform/db.ts';
import { Conflict, Forbidden, invalidField } from '../platform/errors.ts';
import { type Bilingual, msg } from '../platform/messages.ts';
import { type Page, type PageParams, pageOf } from '../platform/paging.ts';
import { actorLibrary } from './cards.ts';
import { addDays, addMonths, isIsoDate, todayIso } from './dates.ts';
import { sideNames, stateMessage, xmsg, xNotFound } from './exchange-messages.ts';
import {
  type ExchangeAction,
  exchangeActions,
  exchangeBalance,
  exchangeMove,
  pairRatio,
  ratioText,
  type Side,
} from './exchange-state.ts';
import type { ExchangeStatus, Frequency } from './exchange-tables.ts';

/**
 * Exchange of publications a library issues itself (pertukaran terbitan):
 * offers, partners' requests, agreement, shipment and receipt, and the ledger
 * of each partner pair against the ratio their agreement sets.
 */

export interface LibRef {
  id: number;
  code: string;
  name: string;
}

interface LibRow extends LibRef {
  network_id: number;
}

async function libraryRow(db: DbOrTrx, id: number): Promise<LibRow> {
  return db
    .selectFrom('libraries')
    .select(['id', 'code', 'name', 'network_id'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

const ref = (l: LibRow | LibRef): LibRef => ({ id: l.id, code: l.code, name: l.name });

/** The network a list is for: the coordinator's, or the acting library's. */
async function networkOf(db: DbOrTrx, actor: Actor): Promise<number> {
  if (actor.networkId !== null) return actor.networkId;
  if (actor.libraryId !== null) return (await libraryRow(db, actor.libraryId)).network_id;
  return -1;
}

// ------------------------------------------------------------------ partners

export interface ExchangePartner {
  library: LibRef;
  agreementIds: number[];
  /** This library's own ratio terms and the partner's, as written in the agreement. */
  ownRatio: string | null;
  partnerRatio: string | null;
}

/**
 * Libraries with which `libraryId` has an agreement in force on `date` that
 * covers exchange; one query for all of them, so lists can mark partners.
 */
export async function exchangePartners(
  db: DbOrTrx,
  libraryId: number,
  date: string = todayIso(),
): Promise<Map<number, ExchangePartner>> {
  const rows = await db
    .selectFrom('agreements as ag')
    .innerJoin('agreement_parties as pa', (j) =>
      j.onRef('pa.agreement_id', '=', 'ag.id').on('pa.library_id', '=', libraryId),
    )
    .innerJoin('agreement_parties as pb', 'pb.agreement_id', 'ag.id')
    .innerJoin('libraries as l', 'l.id', 'pb.library_id')
    .select(['ag.id', 'l.id as lib_id', 'l.code', 'l.name', 'pa.terms as a_terms', 'pb.terms as b_terms'])
    .where('pb.library_id', '<>', libraryId)
    .where('ag.status', '=', 'active')
    .where(sql<boolean>`'exchange' = any(ag.programs)`)
    .where((eb) => eb.or([eb('ag.starts_on', 'is', null), eb('ag.starts_on', '<=', date)]))
    .where((eb) => eb.or([eb('ag.ends_on', 'is', null), eb('ag.ends_on', '>=', date)]))
    .orderBy('ag.starts_on', 'desc')
    .orderBy('ag.id', 'desc')
    .execute();
  const out = new Map<number, ExchangePartner>();
  for (const r of rows) {
    const p = out.get(r.lib_id) ?? {
      library: { id: r.lib_id, code: r.code, name: r.name },
      agreementIds: [],
      ownRatio: null,
      partnerRatio: null,
    };
    p.agreementIds.push(r.id);
    p.ownRatio ??= r.a_terms.exchangeRatio ?? null;
    p.partnerRatio ??= r.b_terms.exchangeRatio ?? null;
    out.set(r.lib_id, p);
  }
  return out;
}

// ------------------------------------------------------------------ offers

export interface ExchangeOffer {
  id: number;
  library: LibRef;
  title: string;
  author: string | null;
  year: number | null;
  isbn: string | null;
  frequency: Frequency;
  copiesAvailable: number;
  clusterId: number | null;
  note: string | null;
  active: boolean;
  createdAt: string;
  /** The caller's library holds the linked title in the union catalog. */
  youHold: boolean;
  /** The caller's library has an exchange agreement in force with the offering library. */
  isPartner: boolean;
  canManage: boolean;
  canRequest: boolean;
  openRequests: number;
}

function offerQuery(db: DbOrTrx) {
  return db
    .selectFrom('exchange_offers as o')
    .innerJoin('libraries as l', 'l.id', 'o.library_id')
    .leftJoin('clusters as c', 'c.id', 'o.cluster_id')
    .select([
      'o.id',
      'o.library_id',
      'l.code',
      'l.name',
      'l.network_id',
      'o.title',
      'o.author',
      'o.year',
      'o.isbn',
      'o.frequency',
      'o.copies_available',
      'o.cluster_id',
      'o.note',
      'o.active',
      'o.created_at',
      'c.library_ids',
      (eb) =>
        eb
          .selectFrom('exchange_requests as r')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('r.offer_id', '=', 'o.id')
          .where('r.status', 'in', ['requested', 'agreed', 'shipped'])
          .as('open_requests'),
    ]);
}

type OfferRow = Awaited<ReturnType<ReturnType<typeof offerQuery>['executeTakeFirstOrThrow']>>;

function presentOffer(actor: Actor, r: OfferRow, partners: Map<number, ExchangePartner> | null): ExchangeOffer {
  const mine = canActFor(actor, { id: r.library_id, network_id: r.network_id });
  const own = actor.libraryId === r.library_id;
  const isPartner = partners?.has(r.library_id) ?? false;
  return {
    id: r.id,
    library: { id: r.library_id, code: r.code, name: r.name },
    title: r.title,
    author: r.author,
    year: r.year,
    isbn: r.isbn,
    frequency: r.frequency,
    copiesAvailable: r.copies_available,
    clusterId: r.cluster_id,
    note: r.note,
    active: r.active,
    createdAt: new Date(r.created_at).toISOString(),
    youHold: actor.libraryId !== null && (r.library_ids ?? []).includes(actor.libraryId),
    isPartner,
    canManage: mine,
    canRequest: !own && isPartner && r.active && r.copies_available > 0,
    openRequests: Number(r.open_requests ?? 0),
  };
}

export interface OfferFilter extends PageParams {
  library?: string | undefined;
  q?: string | undefined;
  frequency?: Frequency | undefined;
  /** Only offers of libraries the caller exchanges with. */
  partners?: boolean | undefined;
  /** Also withdrawn offers (the owner's view). */
  all?: boolean | undefined;
}

/** Every staff member of the network sees what the network offers for exchange. */
export async function listOffers(db: Db, actor: Actor, f: OfferFilter): Promise<Page<ExchangeOffer>> {
  const { page, pageSize, offset } = pageOf(f);
  const partners = actor.libraryId !== null ? await exchangePartners(db, actor.libraryId) : null;
  let q = offerQuery(db).where('l.network_id', '=', await networkOf(db, actor));
  if (f.library) q = q.where('l.code', '=', f.library.toUpperCase());
  if (!f.all) q = q.where('o.active', '=', true);
  if (f.frequency) q = q.where('o.frequency', '=', f.frequency);
  if (f.q?.trim()) {
    const like = `%${f.q.trim().toLowerCase()}%`;
    q = q.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['o.title']), 'like', like),
        eb(eb.fn('lower', [eb.fn.coalesce('o.author', sql.lit(''))]), 'like', like),
      ]),
    );
  }
  if (f.partners) {
    const ids = [...(partners?.keys() ?? [])];
    q = q.where('o.library_id', 'in', ids.length ? ids : [-1]);
  }
  const [rows, count] = await Promise.all([
    q.orderBy('l.name').orderBy('o.title').orderBy('o.id').limit(pageSize).offset(offset).execute(),
    q
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map((r) => presentOffer(actor, r, partners)), total: Number(count.n), page, pageSize };
}

async function loadOffer(db: DbOrTrx, actor: Actor, id: number): Promise<OfferRow> {
  const row = await offerQuery(db).where('o.id', '=', id).executeTakeFirst();
  if (!row || row.network_id !== (await networkOf(db, actor))) throw xNotFound('offer');
  return row;
}

export async function getOffer(db: DbOrTrx, actor: Actor, id: number): Promise<ExchangeOffer> {
  const row = await loadOffer(db, actor, id);
  const partners = actor.libraryId !== null ? await exchangePartners(db, actor.libraryId) : null;
  return presentOffer(actor, row, partners);
}

export interface OfferInput {
  library?: string | undefined;
  title: string;
  author?: string | null | undefined;
  year?: number | null | undefined;
  isbn?: string | null | undefined;
  frequency?: Frequency | undefined;
  copiesAvailable: number;
  clusterId?: number | null | undefined;
  note?: string | null | undefined;
}

/** The catalog cluster of a title: the one named, or the one its ISBN finds. */
export async function clusterFor(
  db: DbOrTrx,
  clusterId: number | null | undefined,
  isbn: string | null | undefined,
): Promise<number | null> {
  if (clusterId) {
    const c = await db.selectFrom('clusters').select('id').where('id', '=', clusterId).executeTakeFirst();
    if (!c) throw invalidField('clusterId', msg('field_invalid'));
    return c.id;
  }
  const keys = isbn ? isbnKeys(isbn) : [];
  if (!keys.length) return null;
  const c = await db
    .selectFrom('clusters')
    .select('id')
    .where(sql<boolean>`isbns && ${sql.val(keys)}::text[]`)
    .orderBy('holdings_count', 'desc')
    .orderBy('id')
    .executeTakeFirst();
  return c?.id ?? null;
}

export async function createOffer(db: Db, actor: Actor, input: OfferInput): Promise<ExchangeOffer> {
  const lib = await actorLibrary(db, actor, input.library);
  const title = input.title.trim();
  if (!title) throw invalidField('title', msg('field_required'));
  const clusterId = await clusterFor(db, input.clusterId, input.isbn);
  const id = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('exchange_offers')
      .values({
        library_id: lib.id,
        title,
        author: input.author?.trim() || null,
        year: input.year ?? null,
        isbn: input.isbn?.trim() || null,
        frequency: input.frequency ?? 'once',
        copies_available: input.copiesAvailable,
        cluster_id: clusterId,
        note: input.note?.trim() || null,
        created_by: actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, actor, {
      action: 'create',
      entity: 'exchange_offer',
      entityId: row.id,
      libraryId: lib.id,
      after: { title, year: input.year ?? null, copiesAvailable: input.copiesAvailable, clusterId },
    });
    return row.id;
  });
  return getOffer(db, actor, id);
}

export interface OfferPatch {
  title?: string | undefined;
  author?: string | null | undefined;
  year?: number | null | undefined;
  isbn?: string | null | undefined;
  frequency?: Frequency | undefined;
  copiesAvailable?: number | undefined;
  clusterId?: number | null | undefined;
  note?: string | null | undefined;
  active?: boolean | undefined;
}

export async function updateOffer(db: Db, actor: Actor, id: number, p: OfferPatch): Promise<ExchangeOffer> {
  await db.transaction().execute(async (trx) => {
    const row = await loadOffer(trx, actor, id);
    if (!canActFor(actor, { id: row.library_id, network_id: row.network_id })) {
      throw new Forbidden(msg('forbidden_other_library'), 'forbidden_other_library');
    }
    if (p.title !== undefined && !p.title.trim()) throw invalidField('title', msg('field_required'));
    const clusterId =
      p.clusterId !== undefined || p.isbn !== undefined
        ? await clusterFor(trx, p.clusterId ?? null, p.isbn ?? row.isbn)
        : row.cluster_id;
    const next = {
      title: p.title?.trim() ?? row.title,
      author: p.author !== undefined ? p.author?.trim() || null : row.author,
      year: p.year !== undefined ? p.year : row.year,
      isbn: p.isbn !== undefined ? p.isbn?.trim() || null : row.isbn,
      frequency: p.frequency ?? row.frequency,
      copies_available: p.copiesAvailable ?? row.copies_available,
      cluster_id: clusterId,
      note: p.note !== undefined ? p.note?.trim() || null : row.note,
      active: p.active ?? row.active,
    };
    await trx
      .updateTable('exchange_offers')
      .set({ ...next, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
    await audit(trx, actor, {
      action: 'update',
      entity: 'exchange_offer',
      entityId: id,
      libraryId: row.library_id,
      before: { copiesAvailable: row.copies_available, active: row.active, title: row.title },
      after: { copiesAvailable: next.copies_available, active: next.active, title: next.title },
    });
  });
  return getOffer(db, actor, id);
}

// ------------------------------------------------------------------ requests

export interface ExchangeRequest {
  id: number;
  offer: { id: number; title: string; year: number | null; frequency: Frequency };
  supplier: LibRef;
  requester: LibRef;
  agreementId: number | null;
  period: number;
  copies: number;
  status: ExchangeStatus;
  yearly: boolean;
  dueOn: string | null;
  note: string | null;
  reason: string | null;
  requestedAt: string;
  agreedAt: string | null;
  shippedOn: string | null;
  receivedOn: string | null;
  copiesReceived: number | null;
  renewsId: number | null;
  /** What the caller may do now. */
  actions: ExchangeAction[];
}

function requestQuery(db: DbOrTrx) {
  return db
    .selectFrom('exchange_requests as r')
    .innerJoin('exchange_offers as o', 'o.id', 'r.offer_id')
    .innerJoin('libraries as s', 's.id', 'r.supplier_library_id')
    .innerJoin('libraries as q', 'q.id', 'r.requester_library_id')
    .select([
      'r.id',
      'r.offer_id',
      'o.title',
      'o.year',
      'o.frequency',
      'r.supplier_library_id',
      's.code as s_code',
      's.name as s_name',
      's.network_id as s_network',
      'r.requester_library_id',
      'q.code as q_code',
      'q.name as q_name',
      'q.network_id as q_network',
      'r.agreement_id',
      'r.period',
      'r.copies',
      'r.status',
      'r.yearly',
      'r.due_on',
      'r.note',
      'r.reason',
      'r.requested_at',
      'r.agreed_at',
      'r.shipped_on',
      'r.received_on',
      'r.copies_received',
      'r.renews_id',
    ]);
}

type RequestRow = Awaited<ReturnType<ReturnType<typeof requestQuery>['executeTakeFirstOrThrow']>>;

function sidesOf(actor: Actor, r: RequestRow): Side[] {
  const out: Side[] = [];
  if (canActFor(actor, { id: r.supplier_library_id, network_id: r.s_network })) out.push('supplier');
  if (canActFor(actor, { id: r.requester_library_id, network_id: r.q_network })) out.push('requester');
  return out;
}

function presentRequest(actor: Actor, r: RequestRow): ExchangeRequest {
  return {
    id: r.id,
    offer: { id: r.offer_id, title: r.title, year: r.year, frequency: r.frequency },
    supplier: { id: r.supplier_library_id, code: r.s_code, name: r.s_name },
    requester: { id: r.requester_library_id, code: r.q_code, name: r.q_name },
    agreementId: r.agreement_id,
    period: r.period,
    copies: r.copies,
    status: r.status,
    yearly: r.yearly,
    dueOn: r.due_on,
    note: r.note,
    reason: r.reason,
    requestedAt: new Date(r.requested_at).toISOString(),
    agreedAt: r.agreed_at ? new Date(r.agreed_at).toISOString() : null,
    shippedOn: r.shipped_on,
    receivedOn: r.received_on,
    copiesReceived: r.copies_received,
    renewsId: r.renews_id,
    actions: exchangeActions(r.status, sidesOf(actor, r)),
  };
}

/** Parties' staff and the network coordinator see a request; others learn nothing of it. */
async function loadRequest(db: DbOrTrx, actor: Actor, id: number, lock = false): Promise<RequestRow> {
  if (lock) await db.selectFrom('exchange_requests').select('id').where('id', '=', id).forUpdate().execute();
  const row = await requestQuery(db).where('r.id', '=', id).executeTakeFirst();
  if (!row || sidesOf(actor, row).length === 0) throw xNotFound('request');
  return row;
}

export async function getRequest(db: DbOrTrx, actor: Actor, id: number): Promise<ExchangeRequest> {
  return presentRequest(actor, await loadRequest(db, actor, id));
}

export interface RequestFilter extends PageParams {
  library?: string | undefined;
  direction?: 'incoming' | 'outgoing' | undefined;
  status?: ExchangeStatus | undefined;
  partner?: string | undefined;
  offerId?: number | undefined;
}

/** A library's requests, incoming (to it as publisher) and outgoing; the coordinator sees the network's. */
export async function listRequests(db: Db, actor: Actor, f: RequestFilter): Promise<Page<ExchangeRequest>> {
  const { page, pageSize, offset } = pageOf(f);
  let q = requestQuery(db);
  if (f.library || actor.role !== 'network_coordinator') {
    const lib = await actorLibrary(db, actor, f.library);
    if (f.direction === 'incoming') q = q.where('r.supplier_library_id', '=', lib.id);
    else if (f.direction === 'outgoing') q = q.where('r.requester_library_id', '=', lib.id);
    else
      q = q.where((eb) => eb.or([eb('r.supplier_library_id', '=', lib.id), eb('r.requester_library_id', '=', lib.id)]));
  } else {
    q = q.where('s.network_id', '=', actor.networkId ?? -1);
  }
  if (f.status) q = q.where('r.status', '=', f.status);
  if (f.offerId) q = q.where('r.offer_id', '=', f.offerId);
  if (f.partner) {
    const p = f.partner.toUpperCase();
    q = q.where((eb) => eb.or([eb('s.code', '=', p), eb('q.code', '=', p)]));
  }
  const [rows, count] = await Promise.all([
    q.orderBy('r.requested_at', 'desc').orderBy('r.id', 'desc').limit(pageSize).offset(offset).execute(),
    q
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map((r) => presentRequest(actor, r)), total: Number(count.n), page, pageSize };
}

export interface RequestInput {
  offerId: number;
  copies?: number | undefined;
  period?: number | undefined;
  yearly?: boolean | undefined;
  note?: string | null | undefined;
  /** The requesting library (a coordinator acting for one); default the caller's. */
  library?: string | undefined;
}

function noAgreement(a: LibRef, b: LibRef): Conflict {
  return new Conflict('no_exchange_agreement', xmsg('no_exchange_agreement', { a: a.name, b: b.name }));
}

export async function createRequest(
  db: Db,
  actor: Actor,
  input: RequestInput,
  today: string = todayIso(),
): Promise<ExchangeRequest> {
  const requester = await actorLibrary(db, actor, input.library);
  const id = await db.transaction().execute(async (trx) => {
    const offer = await loadOffer(trx, actor, input.offerId);
    if (offer.library_id === requester.id) throw new Conflict('own_offer', xmsg('own_offer'));
    if (!offer.active) throw new Conflict('offer_inactive', xmsg('offer_inactive'));
    const copies = input.copies ?? 1;
    if (copies > offer.copies_available) {
      throw new Conflict('not_enough_copies', xmsg('not_enough_copies', { n: offer.copies_available }));
    }
    const supplier = { id: offer.library_id, code: offer.code, name: offer.name };
    const partner = (await exchangePartners(trx, requester.id, today)).get(offer.library_id);
    if (!partner) throw noAgreement(requester, supplier);
    const period = input.period ?? offer.year ?? Number(today.slice(0, 4));
    const live = await trx
      .selectFrom('exchange_requests')
      .select('id')
      .where('offer_id', '=', offer.id)
      .where('requester_library_id', '=', requester.id)
      .where('period', '=', period)
      .where('status', 'not in', ['declined', 'cancelled'])
      .executeTakeFirst();
    if (live) throw new Conflict('already_requested', xmsg('already_requested', { library: requester.name, period }));
    const row = await trx
      .insertInto('exchange_requests')
      .values({
        offer_id: offer.id,
        supplier_library_id: offer.library_id,
        requester_library_id: requester.id,
        agreement_id: partner.agreementIds[0] ?? null,
        period,
        copies,
        status: 'requested',
        yearly: input.yearly ?? offer.frequency === 'yearly',
        note: input.note?.trim() || null,
        created_by: actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, actor, {
      action: 'request',
      entity: 'exchange_request',
      entityId: row.id,
      libraryId: requester.id,
      after: { offerId: offer.id, supplier: offer.code, period, copies, status: 'requested' },
    });
    return row.id;
  });
  return getRequest(db, actor, id);
}

export interface ActionInput {
  reason?: string | undefined;
  /** agree: when the publisher will ship (default 30 days on). */
  dueOn?: string | undefined;
  /** ship / receive: the day it happened (default today). */
  on?: string | undefined;
  copiesReceived?: number | undefined;
}

function refuse(actionOk: ReturnType<typeof exchangeMove>, action: ExchangeAction): never {
  if (actionOk.ok) throw new Error('unreachable');
  if (actionOk.why === 'wrong_side') {
    const side = action === 'receive' ? 'requester' : 'supplier';
    const n = sideNames[side] as Bilingual;
    const m = xmsg('exchange_wrong_side', { side: '{s}' });
    throw new Forbidden({ id: m.id.replace('{s}', n.id), en: m.en.replace('{s}', n.en) }, 'forbidden_other_library');
  }
  throw new Conflict('illegal_transition', stateMessage('exchange_wrong_state', actionOk.from, actionOk.allowedFrom), {
    status: actionOk.from,
    allowedFrom: actionOk.allowedFrom,
  });
}

function dayField(field: string, v: string | undefined, fallback: string): string {
  const d = v ?? fallback;
  if (!isIsoDate(d)) throw invalidField(field, msg('field_invalid'));
  return d;
}

export async function actOnRequest(
  db: Db,
  actor: Actor,
  id: number,
  action: ExchangeAction,
  input: ActionInput,
  today: string = todayIso(),
): Promise<ExchangeRequest> {
  await db.transaction().execute(async (trx) => {
    const r = await loadRequest(trx, actor, id, true);
    const verdict = exchangeMove(r.status, action, sidesOf(actor, r));
    if (!verdict.ok) refuse(verdict, action);
    const supplier = { id: r.supplier_library_id, code: r.s_code, name: r.s_name };
    const requester = { id: r.requester_library_id, code: r.q_code, name: r.q_name };
    const set: Record<string, unknown> = { status: verdict.to, updated_at: new Date() };
    const after: Record<string, unknown> = { status: verdict.to };
    if (action === 'agree') {
      const partner = (await exchangePartners(trx, requester.id, today)).get(supplier.id);
      if (!partner) throw noAgreement(requester, supplier);
      const offer = await trx
        .selectFrom('exchange_offers')
        .select(['copies_available', 'active'])
        .where('id', '=', r.offer_id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (offer.copies_available < r.copies) {
        throw new Conflict('not_enough_copies', xmsg('not_enough_copies', { n: offer.copies_available }));
      }
      await trx
        .updateTable('exchange_offers')
        .set({ copies_available: offer.copies_available - r.copies, updated_at: new Date() })
        .where('id', '=', r.offer_id)
        .execute();
      const dueOn = dayField('dueOn', input.dueOn, addDays(today, 30));
      if (dueOn < today) throw invalidField('dueOn', xmsg('date_before', { date: today }));
      Object.assign(set, { agreed_at: new Date(), due_on: dueOn, agreement_id: partner.agreementIds[0] ?? null });
      Object.assign(after, { dueOn, agreementId: partner.agreementIds[0] ?? null });
    } else if (action === 'decline' || action === 'cancel') {
      const reason = input.reason?.trim();
      if (!reason) throw invalidField('reason', xmsg('reason_required'));
      set.reason = reason;
      after.reason = reason;
      if (r.status === 'agreed') {
        // The copies set aside for this partner go back on offer.
        await trx
          .updateTable('exchange_offers')
          .set({ copies_available: sql`copies_available + ${r.copies}`, updated_at: new Date() })
          .where('id', '=', r.offer_id)
          .execute();
      }
    } else if (action === 'ship') {
      const on = dayField('on', input.on, today);
      set.shipped_on = on;
      after.shippedOn = on;
    } else if (action === 'receive') {
      const on = dayField('on', input.on, today);
      if (r.shipped_on && on < r.shipped_on) throw invalidField('on', xmsg('date_before', { date: r.shipped_on }));
      const n = input.copiesReceived ?? r.copies;
      if (n > r.copies) throw invalidField('copiesReceived', xmsg('copies_received_too_many', { n: r.copies }));
      Object.assign(set, { received_on: on, copies_received: n });
      Object.assign(after, { receivedOn: on, copiesReceived: n });
    }
    await trx.updateTable('exchange_requests').set(set).where('id', '=', id).execute();
    await audit(trx, actor, {
      action,
      entity: 'exchange_request',
      entityId: id,
      libraryId:
        action === 'receive' || (action === 'cancel' && actor.libraryId === requester.id) ? requester.id : supplier.id,
      before: { status: r.status },
      after,
    });
    if (action === 'receive' && r.yearly) await bookNextYear(trx, actor, r, today);
  });
  return getRequest(db, actor, id);
}

/** A yearly exchange: receiving this year's issue books next year's request, due a year after this one. */
async function bookNextYear(trx: Trx, actor: Actor, r: RequestRow, today: string): Promise<void> {
  const period = r.period + 1;
  const exists = await trx
    .selectFrom('exchange_requests')
    .select('id')
    .where('offer_id', '=', r.offer_id)
    .where('requester_library_id', '=', r.requester_library_id)
    .where('period', '=', period)
    .where('status', 'not in', ['declined', 'cancelled'])
    .executeTakeFirst();
  if (exists) return;
  const dueOn = addMonths(r.due_on ?? today, 12);
  const row = await trx
    .insertInto('exchange_requests')
    .values({
      offer_id: r.offer_id,
      supplier_library_id: r.supplier_library_id,
      requester_library_id: r.requester_library_id,
      agreement_id: r.agreement_id,
      period,
      copies: r.copies,
      status: 'requested',
      yearly: true,
      due_on: dueOn,
      renews_id: r.id,
      created_by: actor.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await audit(trx, actor, {
    action: 'request',
    entity: 'exchange_request',
    entityId: row.id,
    libraryId: r.requester_library_id,
    after: { offerId: r.offer_id, period, copies: r.copies, status: 'requested', renewsId: r.id, dueOn },
  });
}

// ------------------------------------------------------------------ ledger

export interface LedgerRow {
  library: LibRef;
  partner: LibRef;
  /** "give:take" from the library's side, and where it came from. */
  ratio: string;
  ratioSource: 'own_terms' | 'partner_terms' | 'default';
  agreementIds: number[];
  titlesSent: number;
  copiesSent: number;
  titlesReceived: number;
  copiesReceived: number;
  inTransitOut: number;
  inTransitIn: number;
  pendingOut: number;
  pendingIn: number;
  /** Titles the library still owes the partner at the ratio, and the other way round. */
  owedByLibrary: number;
  owedByPartner: number;
  balance: number;
}

export interface LedgerEntry {
  requestId: number;
  direction: 'sent' | 'received';
  title: string;
  period: number;
  copies: number;
  status: ExchangeStatus;
  shippedOn: string | null;
  receivedOn: string | null;
}

interface PairCount {
  supplier: number;
  requester: number;
  titles: number;
  copies: number;
  transit: number;
  pending: number;
}

async function pairCounts(
  db: DbOrTrx,
  networkId: number,
  libraryId: number | null,
  from: string | undefined,
  to: string | undefined,
): Promise<PairCount[]> {
  const inPeriod = (col: string) =>
    sql<boolean>`(${from ?? null}::date is null or ${sql.ref(col)} >= ${from ?? null}::date)
      and (${to ?? null}::date is null or ${sql.ref(col)} <= ${to ?? null}::date)`;
  let q = db
    .selectFrom('exchange_requests as r')
    .innerJoin('libraries as s', 's.id', 'r.supplier_library_id')
    .select([
      'r.supplier_library_id as supplier',
      'r.requester_library_id as requester',
      sql<number>`count(*) filter (where r.status = 'received' and ${inPeriod('r.received_on')})`.as('titles'),
      sql<number>`coalesce(sum(r.copies_received) filter (where r.status = 'received' and ${inPeriod('r.received_on')}), 0)`.as(
        'copies',
      ),
      sql<number>`count(*) filter (where r.status = 'shipped')`.as('transit'),
      sql<number>`count(*) filter (where r.status in ('requested', 'agreed'))`.as('pending'),
    ])
    .where('s.network_id', '=', networkId)
    .groupBy(['r.supplier_library_id', 'r.requester_library_id']);
  if (libraryId !== null)
    q = q.where((eb) =>
      eb.or([eb('r.supplier_library_id', '=', libraryId), eb('r.requester_library_id', '=', libraryId)]),
    );
  return (await q.execute()).map((r) => ({
    supplier: r.supplier,
    requester: r.requester,
    titles: Number(r.titles),
    copies: Number(r.copies),
    transit: Number(r.transit),
    pending: Number(r.pending),
  }));
}

/** The rows of every pair from each library's side, for the libraries asked about. */
async function ledgerRows(
  db: DbOrTrx,
  networkId: number,
  libraryIds: number[] | null,
  from: string | undefined,
  to: string | undefined,
  today: string,
): Promise<LedgerRow[]> {
  const counts = await pairCounts(db, networkId, libraryIds?.length === 1 ? (libraryIds[0] as number) : null, from, to);
  const libs = new Map(
    (await db.selectFrom('libraries').select(['id', 'code', 'name']).where('network_id', '=', networkId).execute()).map(
      (l) => [l.id, l],
    ),
  );
  const pairs = new Map<string, { a: number; b: number }>();
  const add = (a: number, b: number) => {
    if (libraryIds && !libraryIds.includes(a)) return;
    pairs.set(`${a}|${b}`, { a, b });
  };
  for (const c of counts) {
    add(c.supplier, c.requester);
    add(c.requester, c.supplier);
  }
  const partnerMaps = new Map<number, Map<number, ExchangePartner>>();
  const partnersOf = async (id: number) => {
    let m = partnerMaps.get(id);
    if (!m) {
      m = await exchangePartners(db, id, today);
      partnerMaps.set(id, m);
    }
    return m;
  };
  // Partners under an agreement in force appear even before the first exchange.
  for (const id of libraryIds ?? []) for (const p of (await partnersOf(id)).keys()) add(id, p);
  const get = (s: number, r: number) => counts.find((c) => c.supplier === s && c.requester === r);
  const out: LedgerRow[] = [];
  for (const { a, b } of pairs.values()) {
    const la = libs.get(a);
    const lb = libs.get(b);
    if (!la || !lb) continue;
    const p = (await partnersOf(a)).get(b);
    const { ratio, source } = pairRatio(p?.ownRatio ?? null, p?.partnerRatio ?? null);
    const sent = get(a, b);
    const recv = get(b, a);
    const bal = exchangeBalance(sent?.titles ?? 0, recv?.titles ?? 0, ratio);
    out.push({
      library: ref(la),
      partner: ref(lb),
      ratio: ratioText(ratio),
      ratioSource: source === 'a' ? 'own_terms' : source === 'b' ? 'partner_terms' : 'default',
      agreementIds: p?.agreementIds ?? [],
      titlesSent: sent?.titles ?? 0,
      copiesSent: sent?.copies ?? 0,
      titlesReceived: recv?.titles ?? 0,
      copiesReceived: recv?.copies ?? 0,
      inTransitOut: sent?.transit ?? 0,
      inTransitIn: recv?.transit ?? 0,
      pendingOut: sent?.pending ?? 0,
      pendingIn: recv?.pending ?? 0,
      owedByLibrary: bal.owedByA,
      owedByPartner: bal.owedByB,
      balance: bal.balance,
    });
  }
  return out.sort(
    (x, y) => x.library.name.localeCompare(y.library.name) || x.partner.name.localeCompare(y.partner.name),
  );
}

export interface LedgerQuery {
  library?: string | undefined;
  partner?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** The ledger of a library with each partner; with `partner`, also the exchanges one by one. */
export async function exchangeLedger(
  db: Db,
  actor: Actor,
  f: LedgerQuery,
  today: string = todayIso(),
): Promise<{ rows: LedgerRow[]; entries: LedgerEntry[] }> {
  const lib = await actorLibrary(db, actor, f.library);
  let rows = await ledgerRows(db, lib.network_id, [lib.id], f.from, f.to, today);
  let entries: LedgerEntry[] = [];
  if (f.partner) {
    const code = f.partner.toUpperCase();
    rows = rows.filter((r) => r.partner.code === code);
    const partner = await db.selectFrom('libraries').select('id').where('code', '=', code).executeTakeFirst();
    if (!partner) throw invalidField('partner', msg('library_unknown'));
    const list = await db
      .selectFrom('exchange_requests as r')
      .innerJoin('exchange_offers as o', 'o.id', 'r.offer_id')
      .select([
        'r.id',
        'r.supplier_library_id',
        'o.title',
        'r.period',
        'r.copies',
        'r.copies_received',
        'r.status',
        'r.shipped_on',
        'r.received_on',
      ])
      .where((eb) =>
        eb.or([
          eb.and([eb('r.supplier_library_id', '=', lib.id), eb('r.requester_library_id', '=', partner.id)]),
          eb.and([eb('r.supplier_library_id', '=', partner.id), eb('r.requester_library_id', '=', lib.id)]),
        ]),
      )
      .where('r.status', 'in', ['agreed', 'shipped', 'received'])
      .orderBy(sql`coalesce(r.received_on, r.shipped_on, r.due_on)`, 'desc')
      .orderBy('r.id', 'desc')
      .execute();
    entries = list
      .filter(
        (e) =>
          e.status !== 'received' ||
          ((!f.from || (e.received_on ?? '') >= f.from) && (!f.to || (e.received_on ?? '') <= f.to)),
      )
      .map((e) => ({
        requestId: e.id,
        direction: e.supplier_library_id === lib.id ? 'sent' : 'received',
        title: e.title,
        period: e.period,
        copies: e.copies_received ?? e.copies,
        status: e.status,
        shippedOn: e.shipped_on,
        receivedOn: e.received_on,
      }));
  }
  return { rows, entries };
}

/** Figures: titles exchanged and balance per library and partner in the period; coordinators see the network. */
export async function exchangeFigures(
  db: Db,
  actor: Actor,
  f: { from?: string | undefined; to?: string | undefined; library?: string | undefined },
  today: string = todayIso(),
): Promise<LedgerRow[]> {
  const networkId = await networkOf(db, actor);
  if (actor.role === 'network_coordinator' && !f.library) return ledgerRows(db, networkId, null, f.from, f.to, today);
  const lib = await actorLibrary(db, actor, f.library);
  return (await ledgerRows(db, networkId, [lib.id], f.from, f.to, today)).filter(
    (r) => r.titlesSent + r.titlesReceived + r.inTransitIn + r.inTransitOut + r.pendingIn + r.pendingOut > 0,
  );
}

// ------------------------------------------------------------------ calendar

export interface CalendarEntry {
  date: string;
  program: 'exchange';
  kind: 'exchange_due';
  title: Bilingual;
  libraries: LibRef[];
  status: string;
  /** Where the UI shows it. */
  link: string;
}

/**
 * Exchanges due between `from` and `to`: requests agreed (the publisher must
 * ship by the due date) and yearly requests booked for the next issue. Staff
 * see their own library's; coordinators the network's.
 */
export async function exchangeCalendarEntries(
  db: Db,
  actor: Actor,
  from: string,
  to: string,
): Promise<CalendarEntry[]> {
  let q = requestQuery(db)
    .where('r.status', 'in', ['requested', 'agreed'])
    .where('r.due_on', '>=', from)
    .where('r.due_on', '<=', to);
  if (actor.role === 'network_coordinator' || actor.role === 'system') {
    if (actor.networkId !== null) q = q.where('s.network_id', '=', actor.networkId);
  } else {
    const lib = actor.libraryId ?? -1;
    q = q.where((eb) => eb.or([eb('r.supplier_library_id', '=', lib), eb('r.requester_library_id', '=', lib)]));
  }
  const rows = await q.orderBy('r.due_on').orderBy('r.id').execute();
  return rows.map((r) => ({
    date: r.due_on as string,
    program: 'exchange',
    kind: 'exchange_due',
    title: {
      id: `Pertukaran jatuh tempo: "${r.title}" (${r.period}) dari ${r.s_name} untuk ${r.q_name}`,
      en: `Exchange due: "${r.title}" (${r.period}) from ${r.s_name} to ${r.q_name}`,
    },
    libraries: [
      { id: r.supplier_library_id, code: r.s_code, name: r.s_name },
      { id: r.requester_library_id, code: r.q_code, name: r.q_name },
    ],
    status: r.status,
    link: `/programs/exchange/requests/${r.id}`,
  }));
}
