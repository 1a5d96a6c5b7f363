import { sql } from 'kysely';
import { addAcquiredCopy } from '../catalog/acquired.ts';
import { parseIsbn } from '../catalog/isbn.ts';
import { type Actor, canActFor, roleAtLeast } from '../platform/actor.ts';
import { audit } from '../platform/audit.ts';
import type { Db, DbOrTrx, Trx } from '../platform/db.ts';
import { Conflict, Forbidden, invalidField } from '../platform/errors.ts';
import { type Bilingual, msg } from '../platform/messages.ts';
import { actorLibrary } from './cards.ts';
import { cmsg, coopNotFound, rupiah } from './coop-messages.ts';
import type { CopyStatus, ExpectedUse, ProposalStatus } from './coop-tables.ts';
import { isIsoDate, todayIso } from './dates.ts';

/**
 * Cooperative acquisition (pengadaan bersama). A coordinating library runs a
 * purchase round with a budget in rupiah and a deadline; member libraries
 * propose titles, see how many partners already hold each one, vote and
 * comment; the coordinator approves within the budget; each approved copy is
 * ordered, received and placed in the catalog at the library that keeps it.
 */

interface LibRef {
  id: number;
  code: string;
  name: string;
}

export type RoundPhase = 'proposing' | 'deciding' | 'closed';

export interface RoundSummary {
  id: number;
  title: string;
  coordinator: LibRef;
  budgetRupiah: number;
  approvedRupiah: number;
  remainingRupiah: number;
  deadline: string;
  phase: RoundPhase;
  members: LibRef[];
  proposals: number;
  approved: number;
  copiesReceived: number;
  copiesApproved: number;
}

export interface Holder {
  libraryCode: string;
  libraryName: string;
  copies: number;
  onLoan: number;
}

export interface Proposal {
  id: number;
  roundId: number;
  library: LibRef;
  keeper: LibRef;
  clusterId: number | null;
  title: string;
  authors: string | null;
  publisher: string | null;
  year: number | null;
  isbn: string | null;
  priceRupiah: number;
  quantity: number;
  costRupiah: number;
  expectedUse: ExpectedUse;
  reason: string | null;
  status: ProposalStatus;
  decisionReason: string | null;
  /** Libraries of the network other than the keeper that hold the title now. */
  partnersHolding: number;
  heldBy: Holder[];
  flags: Array<{ code: 'expensive_held'; message: Bilingual }>;
  votes: { up: number; down: number; mine: number };
  comments: Array<{ id: number; libraryCode: string; author: string; body: string; at: string }>;
  copies: Array<{
    id: number;
    sequence: number;
    status: CopyStatus;
    orderedOn: string | null;
    supplier: string | null;
    receivedOn: string | null;
    itemId: number | null;
    barcode: string | null;
  }>;
  canEdit: boolean;
}

export interface Round extends RoundSummary {
  expensiveRupiah: number;
  note: string | null;
  items: Proposal[];
  canCoordinate: boolean;
  /** Libraries the caller may propose for (members she acts for). */
  canProposeFor: string[];
}

interface RoundRow {
  id: number;
  network_id: number;
  coordinator_library_id: number;
  title: string;
  budget_rupiah: number;
  deadline: string;
  expensive_rupiah: number;
  note: string | null;
  status: 'open' | 'closed';
}

function phaseOf(r: { status: 'open' | 'closed'; deadline: string }, today: string): RoundPhase {
  if (r.status === 'closed') return 'closed';
  return today <= r.deadline ? 'proposing' : 'deciding';
}

async function libsById(db: DbOrTrx, ids: number[]): Promise<Map<number, LibRef & { network_id: number }>> {
  if (!ids.length) return new Map();
  const rows = await db
    .selectFrom('libraries')
    .select(['id', 'code', 'name', 'network_id'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

const ref = (l: LibRef | undefined): LibRef => ({ id: l?.id ?? 0, code: l?.code ?? '', name: l?.name ?? '' });

async function membersOf(db: DbOrTrx, roundId: number): Promise<number[]> {
  return (await db.selectFrom('acq_members').select('library_id').where('round_id', '=', roundId).execute()).map(
    (m) => m.library_id,
  );
}

/** Members' staff and the network's coordinators see a round; nobody else learns it exists. */
async function loadRound(
  db: DbOrTrx,
  actor: Actor,
  id: number,
  lock = false,
): Promise<RoundRow & { members: number[] }> {
  let q = db
    .selectFrom('acq_rounds')
    .select([
      'id',
      'network_id',
      'coordinator_library_id',
      'title',
      'budget_rupiah',
      'deadline',
      'expensive_rupiah',
      'note',
      'status',
    ])
    .where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw coopNotFound('round');
  const members = await membersOf(db, id);
  const sees =
    actor.role === 'system' ||
    (actor.role === 'network_coordinator' && actor.networkId === row.network_id) ||
    (actor.libraryId !== null && members.includes(actor.libraryId));
  if (!sees) throw coopNotFound('round');
  return { ...row, members };
}

function isCoordinator(actor: Actor, r: RoundRow): boolean {
  if (actor.role === 'system') return true;
  if (actor.role === 'network_coordinator') return actor.networkId === r.network_id;
  return actor.libraryId === r.coordinator_library_id && roleAtLeast(actor, 'library_admin');
}

function assertCoordinator(actor: Actor, r: RoundRow) {
  if (!isCoordinator(actor, r)) throw new Forbidden(cmsg('not_coordinator'), 'not_coordinator');
}

async function approvedCost(db: DbOrTrx, roundId: number): Promise<number> {
  const r = await db
    .selectFrom('acq_proposals')
    .select(sql<number>`coalesce(sum(price_rupiah * quantity), 0)`.as('n'))
    .where('round_id', '=', roundId)
    .where('status', '=', 'approved')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Who holds each title now (items not lost or withdrawn), for the clusters asked. */
export async function holdersOf(
  db: DbOrTrx,
  clusterIds: number[],
): Promise<Map<number, Array<Holder & { libraryId: number }>>> {
  const out = new Map<number, Array<Holder & { libraryId: number }>>();
  if (!clusterIds.length) return out;
  const rows = await db
    .selectFrom('items as i')
    .innerJoin('libraries as l', 'l.id', 'i.library_id')
    .select([
      'i.cluster_id',
      'l.id',
      'l.code',
      'l.name',
      sql<number>`count(*)`.as('copies'),
      sql<number>`count(*) filter (where i.status = 'on_loan')`.as('on_loan'),
    ])
    .where('i.cluster_id', 'in', [...new Set(clusterIds)])
    .where('i.status', 'not in', ['lost', 'withdrawn', 'missing'])
    .groupBy(['i.cluster_id', 'l.id', 'l.code', 'l.name'])
    .orderBy('l.name')
    .execute();
  for (const r of rows) {
    const list = out.get(r.cluster_id as number) ?? [];
    list.push({
      libraryId: r.id,
      libraryCode: r.code,
      libraryName: r.name,
      copies: Number(r.copies),
      onLoan: Number(r.on_loan),
    });
    out.set(r.cluster_id as number, list);
  }
  return out;
}

/**
 * The flag a coordinator wants to see: an expensive title that partners already
 * hold and that would be little used here (the proposer expects low use, or the
 * partners' copies sit on the shelf) is better borrowed than bought.
 */
export function expensiveHeldFlag(
  p: { price: number; expectedUse: ExpectedUse },
  threshold: number,
  partners: Holder[],
): { code: 'expensive_held'; message: Bilingual } | null {
  if (p.price < threshold || partners.length === 0) return null;
  const rarelyUsed = p.expectedUse === 'low' || partners.every((h) => h.onLoan === 0);
  if (!rarelyUsed) return null;
  return {
    code: 'expensive_held',
    message: cmsg('flag_expensive_held', { price: rupiah(p.price), n: partners.length }),
  };
}

async function presentProposals(db: DbOrTrx, actor: Actor, round: RoundRow, ids?: number[]): Promise<Proposal[]> {
  let q = db.selectFrom('acq_proposals').selectAll().where('round_id', '=', round.id);
  if (ids) q = q.where('id', 'in', ids.length ? ids : [-1]);
  const rows = await q.orderBy('created_at').orderBy('id').execute();
  if (!rows.length) return [];
  const pids = rows.map((r) => r.id);
  const [libs, holders, votes, comments, copies] = await Promise.all([
    libsById(
      db,
      rows.flatMap((r) => [r.library_id, r.keeper_library_id]),
    ),
    holdersOf(
      db,
      rows.flatMap((r) => (r.cluster_id === null ? [] : [r.cluster_id])),
    ),
    db.selectFrom('acq_votes').select(['proposal_id', 'library_id', 'vote']).where('proposal_id', 'in', pids).execute(),
    db
      .selectFrom('acq_comments as c')
      .innerJoin('libraries as l', 'l.id', 'c.library_id')
      .select(['c.id', 'c.proposal_id', 'l.code', 'c.author_label', 'c.body', 'c.created_at'])
      .where('c.proposal_id', 'in', pids)
      .orderBy('c.id')
      .execute(),
    db
      .selectFrom('acq_copies as c')
      .leftJoin('items as i', 'i.id', 'c.item_id')
      .select([
        'c.id',
        'c.proposal_id',
        'c.sequence',
        'c.status',
        'c.ordered_on',
        'c.supplier',
        'c.received_on',
        'c.item_id',
        'i.barcode',
      ])
      .where('c.proposal_id', 'in', pids)
      .orderBy('c.sequence')
      .execute(),
  ]);
  return rows.map((r) => {
    const all = r.cluster_id === null ? [] : (holders.get(r.cluster_id) ?? []);
    const partners = all.filter((h) => h.libraryId !== r.keeper_library_id);
    const flag =
      r.status === 'proposed' || r.status === 'approved'
        ? expensiveHeldFlag({ price: r.price_rupiah, expectedUse: r.expected_use }, round.expensive_rupiah, partners)
        : null;
    const v = votes.filter((x) => x.proposal_id === r.id);
    return {
      id: r.id,
      roundId: r.round_id,
      library: ref(libs.get(r.library_id)),
      keeper: ref(libs.get(r.keeper_library_id)),
      clusterId: r.cluster_id,
      title: r.title,
      authors: r.authors,
      publisher: r.publisher,
      year: r.year,
      isbn: r.isbn,
      priceRupiah: r.price_rupiah,
      quantity: r.quantity,
      costRupiah: r.price_rupiah * r.quantity,
      expectedUse: r.expected_use,
      reason: r.reason,
      status: r.status,
      decisionReason: r.decision_reason,
      partnersHolding: partners.length,
      heldBy: all.map(({ libraryId: _l, ...h }) => h),
      flags: flag ? [flag] : [],
      votes: {
        up: v.filter((x) => x.vote > 0).length,
        down: v.filter((x) => x.vote < 0).length,
        mine: v.find((x) => x.library_id === actor.libraryId)?.vote ?? 0,
      },
      comments: comments
        .filter((c) => c.proposal_id === r.id)
        .map((c) => ({
          id: c.id,
          libraryCode: c.code,
          author: c.author_label,
          body: c.body,
          at: new Date(c.created_at).toISOString(),
        })),
      copies: copies
        .filter((c) => c.proposal_id === r.id)
        .map((c) => ({
          id: c.id,
          sequence: c.sequence,
          status: c.status,
          orderedOn: c.ordered_on,
          supplier: c.supplier,
          receivedOn: c.received_on,
          itemId: c.item_id,
          barcode: c.barcode,
        })),
      canEdit: r.status === 'proposed' && canActFor(actor, { id: r.library_id, network_id: round.network_id }),
    };
  });
}

async function summaries(db: DbOrTrx, rows: RoundRow[], today: string): Promise<RoundSummary[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const [members, stats, copies] = await Promise.all([
    db.selectFrom('acq_members').select(['round_id', 'library_id']).where('round_id', 'in', ids).execute(),
    db
      .selectFrom('acq_proposals')
      .select([
        'round_id',
        sql<number>`count(*)`.as('n'),
        sql<number>`count(*) filter (where status = 'approved')`.as('approved'),
        sql<number>`coalesce(sum(price_rupiah * quantity) filter (where status = 'approved'), 0)`.as('cost'),
      ])
      .where('round_id', 'in', ids)
      .groupBy('round_id')
      .execute(),
    db
      .selectFrom('acq_copies as c')
      .innerJoin('acq_proposals as p', 'p.id', 'c.proposal_id')
      .select([
        'p.round_id',
        sql<number>`count(*)`.as('n'),
        sql<number>`count(*) filter (where c.status = 'received')`.as('received'),
      ])
      .where('p.round_id', 'in', ids)
      .groupBy('p.round_id')
      .execute(),
  ]);
  const libs = await libsById(db, [...rows.map((r) => r.coordinator_library_id), ...members.map((m) => m.library_id)]);
  return rows.map((r) => {
    const s = stats.find((x) => x.round_id === r.id);
    const c = copies.find((x) => x.round_id === r.id);
    const approved = Number(s?.cost ?? 0);
    return {
      id: r.id,
      title: r.title,
      coordinator: ref(libs.get(r.coordinator_library_id)),
      budgetRupiah: r.budget_rupiah,
      approvedRupiah: approved,
      remainingRupiah: r.budget_rupiah - approved,
      deadline: r.deadline,
      phase: phaseOf(r, today),
      members: members
        .filter((m) => m.round_id === r.id)
        .map((m) => ref(libs.get(m.library_id)))
        .sort((a, b) => a.name.localeCompare(b.name)),
      proposals: Number(s?.n ?? 0),
      approved: Number(s?.approved ?? 0),
      copiesApproved: Number(c?.n ?? 0),
      copiesReceived: Number(c?.received ?? 0),
    };
  });
}

export async function listRounds(
  db: Db,
  actor: Actor,
  f: { library?: string | undefined },
  today: string = todayIso(),
): Promise<RoundSummary[]> {
  let q = db
    .selectFrom('acq_rounds as r')
    .select([
      'r.id',
      'r.network_id',
      'r.coordinator_library_id',
      'r.title',
      'r.budget_rupiah',
      'r.deadline',
      'r.expensive_rupiah',
      'r.note',
      'r.status',
    ]);
  if (f.library || actor.role !== 'network_coordinator') {
    const lib = await actorLibrary(db, actor, f.library);
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('acq_members as m')
          .select('m.round_id')
          .whereRef('m.round_id', '=', 'r.id')
          .where('m.library_id', '=', lib.id),
      ),
    );
  } else {
    q = q.where('r.network_id', '=', actor.networkId ?? -1);
  }
  const rows = await q.orderBy('r.deadline', 'desc').orderBy('r.id', 'desc').execute();
  return summaries(db, rows, today);
}

export async function getRound(db: DbOrTrx, actor: Actor, id: number, today: string = todayIso()): Promise<Round> {
  const r = await loadRound(db, actor, id);
  const [summary] = await summaries(db, [r], today);
  const items = await presentProposals(db, actor, r);
  const libs = await libsById(db, r.members);
  return {
    ...(summary as RoundSummary),
    expensiveRupiah: r.expensive_rupiah,
    note: r.note,
    items,
    canCoordinate: isCoordinator(actor, r),
    canProposeFor:
      r.status === 'open' && today <= r.deadline
        ? r.members.flatMap((m) => {
            const l = libs.get(m);
            return l && canActFor(actor, l) ? [l.code] : [];
          })
        : [],
  };
}

export interface RoundInput {
  title: string;
  coordinatorCode?: string | undefined;
  budgetRupiah: number;
  deadline: string;
  expensiveRupiah?: number | undefined;
  note?: string | null | undefined;
  memberCodes: string[];
}

async function memberLibraries(db: DbOrTrx, networkId: number, codes: string[], field: string) {
  const wanted = [...new Set(codes.map((c) => c.toUpperCase()))];
  const rows = wanted.length
    ? await db
        .selectFrom('libraries')
        .select(['id', 'code', 'name', 'network_id'])
        .where('code', 'in', wanted)
        .execute()
    : [];
  for (const [i, code] of wanted.entries()) {
    const l = rows.find((r) => r.code === code);
    if (!l) throw invalidField(`${field}.${i}`, msg('library_unknown'));
    if (l.network_id !== networkId) throw invalidField(`${field}.${i}`, cmsg('not_same_network', { library: l.name }));
  }
  return rows;
}

/** A library administrator opens a round for her library (a network coordinator for any library of the network). */
export async function createRound(db: Db, actor: Actor, input: RoundInput, today: string = todayIso()): Promise<Round> {
  const coord = await actorLibrary(db, actor, input.coordinatorCode, 'coordinatorCode');
  if (!roleAtLeast(actor, 'library_admin')) throw new Forbidden();
  if (!isIsoDate(input.deadline)) throw invalidField('deadline', msg('field_invalid'));
  if (input.deadline < today) throw invalidField('deadline', cmsg('date_in_past', { date: input.deadline }));
  const members = await memberLibraries(db, coord.network_id, input.memberCodes, 'memberCodes');
  const memberIds = [...new Set([coord.id, ...members.map((m) => m.id)])];
  const id = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('acq_rounds')
      .values({
        network_id: coord.network_id,
        coordinator_library_id: coord.id,
        title: input.title.trim(),
        budget_rupiah: input.budgetRupiah,
        deadline: input.deadline,
        expensive_rupiah: input.expensiveRupiah ?? 500_000,
        note: input.note ?? null,
        created_by: actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('acq_members')
      .values(memberIds.map((library_id) => ({ round_id: row.id, library_id })))
      .execute();
    await audit(trx, actor, {
      action: 'create',
      entity: 'acq_round',
      entityId: row.id,
      libraryId: coord.id,
      after: { title: input.title, budgetRupiah: input.budgetRupiah, deadline: input.deadline, members: memberIds },
    });
    return row.id;
  });
  return getRound(db, actor, id, today);
}

export interface RoundPatch {
  budgetRupiah?: number | undefined;
  deadline?: string | undefined;
  expensiveRupiah?: number | undefined;
  note?: string | null | undefined;
  addMemberCodes?: string[] | undefined;
}

export async function updateRound(
  db: Db,
  actor: Actor,
  id: number,
  patch: RoundPatch,
  today: string = todayIso(),
): Promise<Round> {
  await db.transaction().execute(async (trx) => {
    const r = await loadRound(trx, actor, id, true);
    assertCoordinator(actor, r);
    if (r.status === 'closed') throw new Conflict('round_closed', cmsg('round_closed'));
    if (patch.deadline !== undefined && patch.deadline < today)
      throw invalidField('deadline', cmsg('date_in_past', { date: patch.deadline }));
    if (patch.budgetRupiah !== undefined) {
      const approved = await approvedCost(trx, id);
      if (patch.budgetRupiah < approved)
        throw invalidField('budgetRupiah', cmsg('budget_below_approved', { approved: rupiah(approved) }));
    }
    const set = {
      ...(patch.budgetRupiah !== undefined ? { budget_rupiah: patch.budgetRupiah } : {}),
      ...(patch.deadline !== undefined ? { deadline: patch.deadline } : {}),
      ...(patch.expensiveRupiah !== undefined ? { expensive_rupiah: patch.expensiveRupiah } : {}),
      ...(patch.note !== undefined ? { note: patch.note } : {}),
    };
    if (Object.keys(set).length) await trx.updateTable('acq_rounds').set(set).where('id', '=', id).execute();
    const added = patch.addMemberCodes?.length
      ? (await memberLibraries(trx, r.network_id, patch.addMemberCodes, 'addMemberCodes')).filter(
          (l) => !r.members.includes(l.id),
        )
      : [];
    if (added.length)
      await trx
        .insertInto('acq_members')
        .values(added.map((l) => ({ round_id: id, library_id: l.id })))
        .execute();
    await audit(trx, actor, {
      action: 'update',
      entity: 'acq_round',
      entityId: id,
      libraryId: r.coordinator_library_id,
      before: {
        budgetRupiah: r.budget_rupiah,
        deadline: r.deadline,
        expensiveRupiah: r.expensive_rupiah,
        note: r.note,
      },
      after: { ...patch },
    });
  });
  return getRound(db, actor, id, today);
}

export async function closeRound(db: Db, actor: Actor, id: number, today: string = todayIso()): Promise<Round> {
  await db.transaction().execute(async (trx) => {
    const r = await loadRound(trx, actor, id, true);
    assertCoordinator(actor, r);
    if (r.status === 'closed') throw new Conflict('round_closed', cmsg('round_closed'));
    await trx.updateTable('acq_rounds').set({ status: 'closed' }).where('id', '=', id).execute();
    await audit(trx, actor, {
      action: 'close',
      entity: 'acq_round',
      entityId: id,
      libraryId: r.coordinator_library_id,
      before: { status: 'open' },
      after: { status: 'closed' },
    });
  });
  return getRound(db, actor, id, today);
}

export interface ProposalInput {
  libraryCode?: string | undefined;
  keeperCode?: string | undefined;
  clusterId?: number | null | undefined;
  title?: string | null | undefined;
  authors?: string | null | undefined;
  publisher?: string | null | undefined;
  year?: number | null | undefined;
  isbn?: string | null | undefined;
  priceRupiah: number;
  quantity: number;
  expectedUse?: ExpectedUse | undefined;
  reason?: string | null | undefined;
}

function assertProposing(r: RoundRow, today: string) {
  if (r.status === 'closed') throw new Conflict('round_closed', cmsg('round_closed'));
  if (today > r.deadline) throw new Conflict('deadline_passed', cmsg('deadline_passed', { date: r.deadline }));
}

/** A member library proposes a title for itself (or a library she acts for). */
export async function propose(
  db: Db,
  actor: Actor,
  roundId: number,
  input: ProposalInput,
  today: string = todayIso(),
): Promise<Proposal> {
  const id = await db.transaction().execute(async (trx) => {
    const r = await loadRound(trx, actor, roundId);
    assertProposing(r, today);
    const lib = await actorLibrary(trx, actor, input.libraryCode, 'libraryCode');
    if (!r.members.includes(lib.id)) throw invalidField('libraryCode', cmsg('not_member', { library: lib.name }));
    let keeperId = lib.id;
    if (input.keeperCode) {
      const k = await trx
        .selectFrom('libraries')
        .select(['id', 'name'])
        .where('code', '=', input.keeperCode.toUpperCase())
        .executeTakeFirst();
      if (!k) throw invalidField('keeperCode', msg('library_unknown'));
      if (!r.members.includes(k.id)) throw invalidField('keeperCode', cmsg('not_member', { library: k.name }));
      keeperId = k.id;
    }
    let isbn: string | null = null;
    if (input.isbn?.trim()) {
      const parsed = parseIsbn(input.isbn);
      if (!parsed.valid || !parsed.isbn13)
        throw invalidField('isbn', cmsg('isbn_invalid', { isbn: input.isbn.trim() }));
      isbn = parsed.isbn13;
    }
    let clusterId: number | null = null;
    let title = input.title?.trim() ?? '';
    let authors = input.authors?.trim() || null;
    let publisher = input.publisher?.trim() || null;
    let year = input.year ?? null;
    if (input.clusterId) {
      const c = await trx
        .selectFrom('clusters')
        .select(['id', 'title', 'display', 'isbns', 'year'])
        .where('id', '=', input.clusterId)
        .executeTakeFirst();
      if (!c) throw invalidField('clusterId', cmsg('cluster_unknown'));
      clusterId = c.id;
      title = title || c.title;
      authors = authors ?? (c.display.authors?.join('; ') || null);
      publisher = publisher ?? c.display.publisher ?? null;
      year = year ?? c.year;
      isbn = isbn ?? c.isbns[0] ?? null;
    } else if (isbn) {
      // A typed-in ISBN the union catalog knows is that title: holdings show at once.
      const c = await trx
        .selectFrom('clusters')
        .select('id')
        .where(sql<boolean>`isbns @> array[${isbn}]::text[]`)
        .orderBy('holdings_count', 'desc')
        .executeTakeFirst();
      clusterId = c?.id ?? null;
    }
    if (!title) throw invalidField('title', cmsg('title_needed'));
    const dup = await trx
      .selectFrom('acq_proposals')
      .select('id')
      .where('round_id', '=', roundId)
      .where('status', 'in', ['proposed', 'approved'])
      .where((eb) => {
        const ors = [];
        if (clusterId !== null) ors.push(eb('cluster_id', '=', clusterId));
        if (isbn) ors.push(eb('isbn', '=', isbn));
        if (!ors.length) ors.push(eb(eb.fn('lower', ['title']), '=', title.toLowerCase()));
        return eb.or(ors);
      })
      .executeTakeFirst();
    if (dup) throw new Conflict('already_proposed', cmsg('already_proposed', { id: dup.id }), { proposalId: dup.id });
    const row = await trx
      .insertInto('acq_proposals')
      .values({
        round_id: roundId,
        library_id: lib.id,
        keeper_library_id: keeperId,
        cluster_id: clusterId,
        title,
        authors,
        publisher,
        year,
        isbn,
        price_rupiah: input.priceRupiah,
        quantity: input.quantity,
        expected_use: input.expectedUse ?? 'medium',
        reason: input.reason ?? null,
        created_by: actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, actor, {
      action: 'create',
      entity: 'acq_proposal',
      entityId: row.id,
      libraryId: lib.id,
      after: { roundId, title, isbn, clusterId, priceRupiah: input.priceRupiah, quantity: input.quantity },
    });
    return row.id;
  });
  return getProposal(db, actor, id);
}

async function loadProposal(db: DbOrTrx, actor: Actor, id: number, lock = false) {
  let q = db.selectFrom('acq_proposals').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  const p = await q.executeTakeFirst();
  if (!p) throw coopNotFound('proposal');
  try {
    const round = await loadRound(db, actor, p.round_id, lock);
    return { p, round };
  } catch {
    throw coopNotFound('proposal');
  }
}

export async function getProposal(db: DbOrTrx, actor: Actor, id: number): Promise<Proposal> {
  const { round } = await loadProposal(db, actor, id);
  const [p] = await presentProposals(db, actor, round, [id]);
  if (!p) throw coopNotFound('proposal');
  return p;
}

async function partnersHoldingNow(trx: DbOrTrx, clusterId: number | null, keeperId: number): Promise<number> {
  if (clusterId === null) return 0;
  const h = (await holdersOf(trx, [clusterId])).get(clusterId) ?? [];
  return h.filter((x) => x.libraryId !== keeperId).length;
}

/** The proposing library withdraws its own proposal before the decision. */
export async function withdrawProposal(db: Db, actor: Actor, id: number): Promise<Proposal> {
  await db.transaction().execute(async (trx) => {
    const { p, round } = await loadProposal(trx, actor, id, true);
    if (!canActFor(actor, { id: p.library_id, network_id: round.network_id }))
      throw new Forbidden(cmsg('not_proposer'), 'not_proposer');
    if (round.status === 'closed') throw new Conflict('round_closed', cmsg('round_closed'));
    if (p.status !== 'proposed')
      throw new Conflict('proposal_not_open', cmsg('proposal_not_open', { status: p.status }));
    const held = await partnersHoldingNow(trx, p.cluster_id, p.keeper_library_id);
    await trx
      .updateTable('acq_proposals')
      .set({ status: 'withdrawn', held_at_decision: held, decided_at: new Date(), decided_by: actor.userId })
      .where('id', '=', id)
      .execute();
    await audit(trx, actor, {
      action: 'withdraw',
      entity: 'acq_proposal',
      entityId: id,
      libraryId: p.library_id,
      before: { status: 'proposed' },
      after: { status: 'withdrawn' },
    });
  });
  return getProposal(db, actor, id);
}

/** One vote per member library and proposal: 1 for, -1 against, 0 takes it back. */
export async function voteOn(
  db: Db,
  actor: Actor,
  id: number,
  input: { vote: number; libraryCode?: string | undefined },
): Promise<Proposal> {
  await db.transaction().execute(async (trx) => {
    const { p, round } = await loadProposal(trx, actor, id);
    if (round.status === 'closed') throw new Conflict('round_closed', cmsg('round_closed'));
    if (p.status !== 'proposed')
      throw new Conflict('proposal_not_open', cmsg('proposal_not_open', { status: p.status }));
    const lib = await actorLibrary(trx, actor, input.libraryCode, 'libraryCode');
    if (!round.members.includes(lib.id)) throw new Forbidden(cmsg('not_member', { library: lib.name }), 'not_member');
    await trx.deleteFrom('acq_votes').where('proposal_id', '=', id).where('library_id', '=', lib.id).execute();
    if (input.vote !== 0)
      await trx
        .insertInto('acq_votes')
        .values({ proposal_id: id, library_id: lib.id, vote: input.vote > 0 ? 1 : -1 })
        .execute();
    await audit(trx, actor, {
      action: 'vote',
      entity: 'acq_proposal',
      entityId: id,
      libraryId: lib.id,
      after: { vote: input.vote },
    });
  });
  return getProposal(db, actor, id);
}

export async function commentOn(
  db: Db,
  actor: Actor,
  id: number,
  input: { body: string; libraryCode?: string | undefined },
): Promise<Proposal> {
  await db.transaction().execute(async (trx) => {
    const { round } = await loadProposal(trx, actor, id);
    const lib = await actorLibrary(trx, actor, input.libraryCode, 'libraryCode');
    if (!round.members.includes(lib.id)) throw new Forbidden(cmsg('not_member', { library: lib.name }), 'not_member');
    const body = input.body.trim();
    if (!body) throw invalidField('body', msg('field_required'));
    const row = await trx
      .insertInto('acq_comments')
      .values({ proposal_id: id, library_id: lib.id, author_label: actor.label, body })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, actor, {
      action: 'comment',
      entity: 'acq_proposal',
      entityId: id,
      libraryId: lib.id,
      after: { commentId: row.id },
    });
  });
  return getProposal(db, actor, id);
}

/**
 * The coordinator approves within the budget (approved copies to order, one row
 * each) or rejects with a reason. The round row is locked so two approvals at
 * once cannot both spend the same remainder.
 */
export async function decideProposal(
  db: Db,
  actor: Actor,
  id: number,
  input: { decision: 'approve' | 'reject'; reason?: string | null | undefined },
): Promise<Proposal> {
  await db.transaction().execute(async (trx) => {
    const { p, round } = await loadProposal(trx, actor, id, true);
    assertCoordinator(actor, round);
    if (round.status === 'closed') throw new Conflict('round_closed', cmsg('round_closed'));
    if (p.status !== 'proposed')
      throw new Conflict('proposal_not_open', cmsg('proposal_not_open', { status: p.status }));
    const held = await partnersHoldingNow(trx, p.cluster_id, p.keeper_library_id);
    if (input.decision === 'approve') {
      const approved = await approvedCost(trx, round.id);
      const remaining = round.budget_rupiah - approved;
      const cost = p.price_rupiah * p.quantity;
      if (cost > remaining) {
        throw new Conflict(
          'over_budget',
          cmsg('over_budget', {
            cost: rupiah(cost),
            remaining: rupiah(remaining),
            budget: rupiah(round.budget_rupiah),
            approved: rupiah(approved),
          }),
          { costRupiah: cost, remainingRupiah: remaining },
        );
      }
      await trx
        .insertInto('acq_copies')
        .values(Array.from({ length: p.quantity }, (_, i) => ({ proposal_id: id, sequence: i + 1 })))
        .execute();
    } else if (!input.reason?.trim()) {
      throw invalidField('reason', msg('field_required'));
    }
    const status = input.decision === 'approve' ? 'approved' : 'rejected';
    await trx
      .updateTable('acq_proposals')
      .set({
        status,
        decision_reason: input.reason?.trim() || null,
        held_at_decision: held,
        decided_at: new Date(),
        decided_by: actor.userId,
      })
      .where('id', '=', id)
      .execute();
    await audit(trx, actor, {
      action: input.decision,
      entity: 'acq_proposal',
      entityId: id,
      libraryId: round.coordinator_library_id,
      before: { status: 'proposed' },
      after: { status, reason: input.reason ?? null, partnersHolding: held },
    });
  });
  return getProposal(db, actor, id);
}

async function loadCopy(trx: Trx, actor: Actor, copyId: number) {
  const c = await trx.selectFrom('acq_copies').selectAll().where('id', '=', copyId).forUpdate().executeTakeFirst();
  if (!c) throw coopNotFound('copy');
  try {
    const { p, round } = await loadProposal(trx, actor, c.proposal_id, true);
    return { c, p, round };
  } catch {
    throw coopNotFound('copy');
  }
}

/** The coordinator records the order of approved copies (all of a proposal, or the ones named). */
export async function orderCopies(
  db: Db,
  actor: Actor,
  proposalId: number,
  input: { copyIds?: number[] | undefined; orderedOn?: string | undefined; supplier?: string | null | undefined },
  today: string = todayIso(),
): Promise<Proposal> {
  await db.transaction().execute(async (trx) => {
    const { p, round } = await loadProposal(trx, actor, proposalId, true);
    assertCoordinator(actor, round);
    const copies = await trx.selectFrom('acq_copies').selectAll().where('proposal_id', '=', p.id).execute();
    const chosen = input.copyIds?.length ? copies.filter((c) => input.copyIds?.includes(c.id)) : copies;
    if (input.copyIds?.length && chosen.length !== new Set(input.copyIds).size) throw coopNotFound('copy');
    const open = chosen.filter((c) => c.status === 'approved');
    if (!open.length) throw new Conflict('copy_not_approved', cmsg('copy_not_approved'));
    const on = input.orderedOn ?? today;
    await trx
      .updateTable('acq_copies')
      .set({ status: 'ordered', ordered_on: on, supplier: input.supplier ?? null })
      .where(
        'id',
        'in',
        open.map((c) => c.id),
      )
      .execute();
    await audit(trx, actor, {
      action: 'order',
      entity: 'acq_proposal',
      entityId: p.id,
      libraryId: round.coordinator_library_id,
      after: { copies: open.map((c) => c.id), orderedOn: on, supplier: input.supplier ?? null },
    });
  });
  return getProposal(db, actor, proposalId);
}

/**
 * The copy arrives at the keeping library: it becomes an item of that library in
 * the union catalog (under the title when known), visible to every partner.
 */
export async function receiveCopy(
  db: Db,
  actor: Actor,
  copyId: number,
  input: { barcode: string; callNumber?: string | null | undefined; receivedOn?: string | undefined },
  today: string = todayIso(),
): Promise<Proposal> {
  const proposalId = await db.transaction().execute(async (trx) => {
    const { c, p, round } = await loadCopy(trx, actor, copyId);
    const keeper = await trx
      .selectFrom('libraries')
      .select(['id', 'network_id', 'name'])
      .where('id', '=', p.keeper_library_id)
      .executeTakeFirstOrThrow();
    if (!canActFor(actor, keeper) && !isCoordinator(actor, round))
      throw new Forbidden(cmsg('not_keeper'), 'not_keeper');
    if (c.status === 'received') throw new Conflict('copy_received_already', cmsg('copy_received_already'));
    if (c.status !== 'ordered') throw new Conflict('copy_not_ordered', cmsg('copy_not_ordered'));
    const barcode = input.barcode.trim();
    if (!barcode) throw invalidField('barcode', msg('field_required'));
    const taken = await trx
      .selectFrom('items')
      .select('id')
      .where('library_id', '=', keeper.id)
      .where('barcode', '=', barcode)
      .executeTakeFirst();
    if (taken) throw new Conflict('duplicate_barcode', cmsg('duplicate_barcode', { barcode }));
    const placed = await addAcquiredCopy(
      trx,
      {
        libraryId: keeper.id,
        clusterId: p.cluster_id,
        recordKey: `acq:${p.id}`,
        createdBy: actor.userId,
        bib: {
          title: p.title,
          authors: p.authors
            ? p.authors
                .split(';')
                .map((a) => a.trim())
                .filter(Boolean)
            : [],
          isbns: p.isbn ? [p.isbn] : [],
          issns: [],
          format: 'book',
          subjects: [],
          ...(p.publisher ? { publisher: p.publisher } : {}),
          ...(p.year ? { year: p.year } : {}),
        },
      },
      {
        barcode,
        callNumber: input.callNumber ?? undefined,
        note: `Pengadaan bersama: ${round.title}`,
      },
    );
    const on = input.receivedOn ?? today;
    await trx
      .updateTable('acq_copies')
      .set({ status: 'received', received_on: on, item_id: placed.itemId })
      .where('id', '=', copyId)
      .execute();
    if (p.cluster_id === null && placed.clusterId !== null)
      await trx.updateTable('acq_proposals').set({ cluster_id: placed.clusterId }).where('id', '=', p.id).execute();
    await audit(trx, actor, {
      action: 'receive',
      entity: 'acq_proposal',
      entityId: p.id,
      libraryId: keeper.id,
      after: { copyId, itemId: placed.itemId, barcode, receivedOn: on },
    });
    return p.id;
  });
  return getProposal(db, actor, proposalId);
}

/** Rounds with their members, for the calendar and figures. */
export async function roundsVisibleTo(db: Db, actor: Actor, libraryId: number | null) {
  let q = db
    .selectFrom('acq_rounds as r')
    .innerJoin('libraries as l', 'l.id', 'r.coordinator_library_id')
    .select(['r.id', 'r.title', 'r.deadline', 'r.status', 'l.code as coordinator_code']);
  if (libraryId !== null) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('acq_members as m')
          .select('m.round_id')
          .whereRef('m.round_id', '=', 'r.id')
          .where('m.library_id', '=', libraryId),
      ),
    );
  } else if (actor.role !== 'system') {
    q = q.where('r.network_id', '=', actor.networkId ?? -1);
  }
  return q.execute();
}
