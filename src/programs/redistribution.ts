import { sql } from 'kysely';
import { holdItems } from '../catalog/item-status.ts';
import { addCopies, transferItems } from '../catalog/transfer.ts';
import { type Actor, canActFor } from '../platform/actor.ts';
import { audit } from '../platform/audit.ts';
import type { Db, DbOrTrx, Trx } from '../platform/db.ts';
import { Conflict, type FieldError, Forbidden, Invalid, invalidField } from '../platform/errors.ts';
import { msg } from '../platform/messages.ts';
import { type Page, type PageParams, pageOf } from '../platform/paging.ts';
import { actorLibrary } from './cards.ts';
import { isIsoDate, todayIso } from './dates.ts';
import { clusterFor, type LibRef } from './exchange.ts';
import { stateMessage, xmsg, xNotFound } from './exchange-messages.ts';
import type { AllocationRule, ClaimStatus, Condition, SurplusReason } from './exchange-tables.ts';
import { allocate, type ClaimForAllocation } from './redistribution-allocate.ts';

/**
 * Redistribution of surplus, duplicate and weeded copies: a library publishes
 * a list, others claim lines (marked when they hold no copy of the title),
 * the offering library allocates and ships, the receiver confirms, and the
 * catalog moves the holdings (src/catalog/transfer.ts) in the same transaction.
 */

type ListStatus = 'draft' | 'published' | 'closed';

export interface RedistributionList {
  id: number;
  library: LibRef;
  title: string;
  note: string | null;
  status: ListStatus;
  allocationRule: AllocationRule;
  claimsUntil: string | null;
  publishedAt: string | null;
  createdAt: string;
  lines: number;
  copies: number;
  copiesLeft: number;
  claims: number;
  canManage: boolean;
}

export interface LineClaim {
  id: number;
  library: LibRef;
  copies: number;
  copiesAllocated: number;
  status: ClaimStatus;
  /** Whether the claimant holds the title in the union catalog now (at claim time when uncatalogued). */
  holdsTitle: boolean;
  note: string | null;
  claimedAt: string;
  allocatedAt: string | null;
  shippedOn: string | null;
  receivedOn: string | null;
}

export interface RedistributionLine {
  id: number;
  itemId: number | null;
  barcode: string | null;
  callNumber: string | null;
  clusterId: number | null;
  title: string;
  author: string | null;
  year: number | null;
  isbn: string | null;
  copies: number;
  copiesLeft: number;
  condition: Condition;
  reason: SurplusReason;
  note: string | null;
  withdrawn: boolean;
  /** Libraries of the network holding the title in the union catalog. */
  holders: number;
  /** The caller's library does not hold the title yet: the mark the list shows. */
  newForYou: boolean;
  claimCount: number;
  /** The caller's live claim on this line, if any. */
  yourClaim: LineClaim | null;
  /** Every claim, for the offering library and the coordinator. */
  claims: LineClaim[];
  canClaim: boolean;
}

export interface RedistributionListDetail extends RedistributionList {
  lineItems: RedistributionLine[];
}

function listQuery(db: DbOrTrx) {
  return db
    .selectFrom('redistribution_lists as rl')
    .innerJoin('libraries as l', 'l.id', 'rl.library_id')
    .select([
      'rl.id',
      'rl.library_id',
      'l.code',
      'l.name',
      'l.network_id',
      'rl.title',
      'rl.note',
      'rl.status',
      'rl.allocation_rule',
      'rl.claims_until',
      'rl.published_at',
      'rl.created_at',
      (eb) =>
        eb
          .selectFrom('redistribution_lines as ln')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('ln.list_id', '=', 'rl.id')
          .where('ln.withdrawn', '=', false)
          .as('n_lines'),
      (eb) =>
        eb
          .selectFrom('redistribution_lines as ln')
          .select(sql<number>`coalesce(sum(ln.copies), 0)`.as('n'))
          .whereRef('ln.list_id', '=', 'rl.id')
          .where('ln.withdrawn', '=', false)
          .as('n_copies'),
      (eb) =>
        eb
          .selectFrom('redistribution_claims as cl')
          .innerJoin('redistribution_lines as ln', 'ln.id', 'cl.line_id')
          .select(sql<number>`coalesce(sum(cl.copies_allocated), 0)`.as('n'))
          .whereRef('ln.list_id', '=', 'rl.id')
          .where('ln.withdrawn', '=', false)
          .where('cl.status', 'in', ['allocated', 'shipped', 'received'])
          .as('n_allocated'),
      (eb) =>
        eb
          .selectFrom('redistribution_claims as cl')
          .innerJoin('redistribution_lines as ln', 'ln.id', 'cl.line_id')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('ln.list_id', '=', 'rl.id')
          .where('cl.status', '<>', 'withdrawn')
          .as('n_claims'),
    ]);
}

type ListRow = Awaited<ReturnType<ReturnType<typeof listQuery>['executeTakeFirstOrThrow']>>;

const owns = (actor: Actor, r: { library_id: number; network_id: number }) =>
  canActFor(actor, { id: r.library_id, network_id: r.network_id });

function presentList(actor: Actor, r: ListRow): RedistributionList {
  const copies = Number(r.n_copies ?? 0);
  return {
    id: r.id,
    library: { id: r.library_id, code: r.code, name: r.name },
    title: r.title,
    note: r.note,
    status: r.status,
    allocationRule: r.allocation_rule,
    claimsUntil: r.claims_until,
    publishedAt: r.published_at ? new Date(r.published_at).toISOString() : null,
    createdAt: new Date(r.created_at).toISOString(),
    lines: Number(r.n_lines ?? 0),
    copies,
    copiesLeft: Math.max(0, copies - Number(r.n_allocated ?? 0)),
    claims: Number(r.n_claims ?? 0),
    canManage: owns(actor, r),
  };
}

async function networkOf(db: DbOrTrx, actor: Actor): Promise<number> {
  if (actor.networkId !== null) return actor.networkId;
  if (actor.libraryId === null) return -1;
  const l = await db.selectFrom('libraries').select('network_id').where('id', '=', actor.libraryId).executeTakeFirst();
  return l?.network_id ?? -1;
}

/** Published lists are for the whole network; a draft only for its library (and the coordinator). */
async function loadList(db: DbOrTrx, actor: Actor, id: number, lock = false): Promise<ListRow> {
  if (lock) await db.selectFrom('redistribution_lists').select('id').where('id', '=', id).forUpdate().execute();
  const row = await listQuery(db).where('rl.id', '=', id).executeTakeFirst();
  if (!row || row.network_id !== (await networkOf(db, actor))) throw xNotFound('list');
  if (row.status === 'draft' && !owns(actor, row)) throw xNotFound('list');
  return row;
}

function assertOwner(actor: Actor, r: { library_id: number; network_id: number }) {
  if (!owns(actor, r)) throw new Forbidden(xmsg('list_not_yours'), 'forbidden_other_library');
}

export interface ListFilter extends PageParams {
  library?: string | undefined;
  status?: ListStatus | undefined;
  q?: string | undefined;
  /** Only lists with a line the caller's library does not hold yet. */
  newForMe?: boolean | undefined;
}

export async function listLists(db: Db, actor: Actor, f: ListFilter): Promise<Page<RedistributionList>> {
  const { page, pageSize, offset } = pageOf(f);
  let q = listQuery(db).where('l.network_id', '=', await networkOf(db, actor));
  if (actor.role !== 'network_coordinator' && actor.role !== 'system') {
    q = q.where((eb) => eb.or([eb('rl.status', '<>', 'draft'), eb('rl.library_id', '=', actor.libraryId ?? -1)]));
  }
  if (f.library) q = q.where('l.code', '=', f.library.toUpperCase());
  if (f.status) q = q.where('rl.status', '=', f.status);
  if (f.q?.trim()) {
    const like = `%${f.q.trim().toLowerCase()}%`;
    q = q.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['rl.title']), 'like', like),
        eb.exists(
          eb
            .selectFrom('redistribution_lines as ln')
            .select('ln.id')
            .whereRef('ln.list_id', '=', 'rl.id')
            .where(sql<string>`lower(ln.title)`, 'like', like),
        ),
      ]),
    );
  }
  if (f.newForMe && actor.libraryId !== null) {
    const me = actor.libraryId;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('redistribution_lines as ln')
          .leftJoin('clusters as c', 'c.id', 'ln.cluster_id')
          .select('ln.id')
          .whereRef('ln.list_id', '=', 'rl.id')
          .where('ln.withdrawn', '=', false)
          .where(sql<boolean>`not (${me}::int = any(coalesce(c.library_ids, '{}')))`),
      ),
    );
  }
  const [rows, count] = await Promise.all([
    q.orderBy('rl.published_at', 'desc').orderBy('rl.id', 'desc').limit(pageSize).offset(offset).execute(),
    q
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map((r) => presentList(actor, r)), total: Number(count.n), page, pageSize };
}

export async function getList(
  db: DbOrTrx,
  actor: Actor,
  id: number,
  today = todayIso(),
): Promise<RedistributionListDetail> {
  const row = await loadList(db, actor, id);
  const lines = await db
    .selectFrom('redistribution_lines as ln')
    .leftJoin('items as it', 'it.id', 'ln.item_id')
    .leftJoin('clusters as c', 'c.id', 'ln.cluster_id')
    .select([
      'ln.id',
      'ln.item_id',
      'it.barcode',
      'it.call_number',
      'ln.cluster_id',
      'ln.title',
      'ln.author',
      'ln.year',
      'ln.isbn',
      'ln.copies',
      'ln.condition',
      'ln.reason',
      'ln.note',
      'ln.withdrawn',
      'c.library_ids',
    ])
    .where('ln.list_id', '=', id)
    .orderBy('ln.withdrawn')
    .orderBy('ln.title')
    .orderBy('ln.id')
    .execute();
  const claims = lines.length
    ? await db
        .selectFrom('redistribution_claims as cl')
        .innerJoin('libraries as l', 'l.id', 'cl.library_id')
        .select([
          'cl.id',
          'cl.line_id',
          'cl.library_id',
          'l.code',
          'l.name',
          'cl.copies',
          'cl.copies_allocated',
          'cl.status',
          'cl.held_copy',
          'cl.note',
          'cl.claimed_at',
          'cl.allocated_at',
          'cl.shipped_on',
          'cl.received_on',
        ])
        .where(
          'cl.line_id',
          'in',
          lines.map((l) => l.id),
        )
        .orderBy('cl.claimed_at')
        .orderBy('cl.id')
        .execute()
    : [];
  const manage = owns(actor, row);
  const me = actor.libraryId;
  const open = row.status === 'published' && (!row.claims_until || row.claims_until >= today);
  return {
    ...presentList(actor, row),
    lineItems: lines.map((ln) => {
      const holders = ln.library_ids ?? [];
      const mine = claims.filter((c) => c.line_id === ln.id);
      const present = (c: (typeof claims)[number]): LineClaim => ({
        id: c.id,
        library: { id: c.library_id, code: c.code, name: c.name },
        copies: c.copies,
        copiesAllocated: c.copies_allocated,
        status: c.status,
        holdsTitle: ln.cluster_id !== null ? holders.includes(c.library_id) : c.held_copy,
        note: c.note,
        claimedAt: new Date(c.claimed_at).toISOString(),
        allocatedAt: c.allocated_at ? new Date(c.allocated_at).toISOString() : null,
        shippedOn: c.shipped_on,
        receivedOn: c.received_on,
      });
      const allocated = mine
        .filter((c) => ['allocated', 'shipped', 'received'].includes(c.status))
        .reduce((a, c) => a + c.copies_allocated, 0);
      const left = ln.withdrawn ? 0 : Math.max(0, ln.copies - allocated);
      const yours = mine.find((c) => c.library_id === me && c.status !== 'withdrawn');
      return {
        id: ln.id,
        itemId: ln.item_id,
        barcode: ln.barcode,
        callNumber: ln.call_number,
        clusterId: ln.cluster_id,
        title: ln.title,
        author: ln.author,
        year: ln.year,
        isbn: ln.isbn,
        copies: ln.copies,
        copiesLeft: left,
        condition: ln.condition,
        reason: ln.reason,
        note: ln.note,
        withdrawn: ln.withdrawn,
        holders: holders.length,
        newForYou: me !== null && !holders.includes(me),
        claimCount: mine.filter((c) => c.status !== 'withdrawn').length,
        yourClaim: yours ? present(yours) : null,
        claims: manage ? mine.map(present) : [],
        canClaim: open && !ln.withdrawn && left > 0 && me !== null && me !== row.library_id && !yours,
      };
    }),
  };
}

export interface ListInput {
  library?: string | undefined;
  title: string;
  note?: string | null | undefined;
  allocationRule?: AllocationRule | undefined;
  claimsUntil?: string | null | undefined;
}

function checkDate(field: string, d: string | null | undefined) {
  if (d && !isIsoDate(d)) throw invalidField(field, msg('field_invalid'));
}

export async function createList(db: Db, actor: Actor, input: ListInput): Promise<RedistributionListDetail> {
  const lib = await actorLibrary(db, actor, input.library);
  const title = input.title.trim();
  if (!title) throw invalidField('title', msg('field_required'));
  checkDate('claimsUntil', input.claimsUntil);
  const id = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('redistribution_lists')
      .values({
        library_id: lib.id,
        title,
        note: input.note?.trim() || null,
        allocation_rule: input.allocationRule ?? 'first_come',
        claims_until: input.claimsUntil ?? null,
        created_by: actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, actor, {
      action: 'create',
      entity: 'redistribution_list',
      entityId: row.id,
      libraryId: lib.id,
      after: { title, allocationRule: input.allocationRule ?? 'first_come', claimsUntil: input.claimsUntil ?? null },
    });
    return row.id;
  });
  return getList(db, actor, id);
}

export async function updateList(
  db: Db,
  actor: Actor,
  id: number,
  p: Partial<Omit<ListInput, 'library'>>,
): Promise<RedistributionListDetail> {
  await db.transaction().execute(async (trx) => {
    const row = await loadList(trx, actor, id, true);
    assertOwner(actor, row);
    if (row.status === 'closed') throw new Conflict('list_state', xmsg('list_state', { status: 'closed' }));
    if (p.title !== undefined && !p.title.trim()) throw invalidField('title', msg('field_required'));
    checkDate('claimsUntil', p.claimsUntil);
    const next = {
      title: p.title?.trim() ?? row.title,
      note: p.note !== undefined ? p.note?.trim() || null : row.note,
      allocation_rule: p.allocationRule ?? row.allocation_rule,
      claims_until: p.claimsUntil !== undefined ? p.claimsUntil : row.claims_until,
    };
    await trx
      .updateTable('redistribution_lists')
      .set({ ...next, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
    await audit(trx, actor, {
      action: 'update',
      entity: 'redistribution_list',
      entityId: id,
      libraryId: row.library_id,
      before: { title: row.title, allocationRule: row.allocation_rule, claimsUntil: row.claims_until },
      after: { title: next.title, allocationRule: next.allocation_rule, claimsUntil: next.claims_until },
    });
  });
  return getList(db, actor, id);
}

export interface LineInput {
  /** A catalogued copy of the offering library, by barcode or id. */
  barcode?: string | undefined;
  itemId?: number | undefined;
  /** Uncatalogued stock: described by hand. */
  title?: string | undefined;
  author?: string | null | undefined;
  year?: number | null | undefined;
  isbn?: string | null | undefined;
  clusterId?: number | null | undefined;
  copies?: number | undefined;
  condition: Condition;
  reason: SurplusReason;
  note?: string | null | undefined;
}

const OFFERABLE = new Set(['available', 'reference_only', 'withdrawn']);

export async function addLines(
  db: Db,
  actor: Actor,
  listId: number,
  lines: LineInput[],
): Promise<RedistributionListDetail> {
  await db.transaction().execute(async (trx) => {
    const list = await loadList(trx, actor, listId, true);
    assertOwner(actor, list);
    if (list.status === 'closed') throw new Conflict('list_state', xmsg('list_state', { status: 'closed' }));
    const errors: FieldError[] = [];
    const rows: Array<{
      item_id: number | null;
      cluster_id: number | null;
      title: string;
      author: string | null;
      year: number | null;
      isbn: string | null;
      copies: number;
      condition: Condition;
      reason: SurplusReason;
      note: string | null;
    }> = [];
    const seen = new Set<number>();
    for (const [i, ln] of lines.entries()) {
      if (ln.barcode?.trim() || ln.itemId) {
        let q = trx
          .selectFrom('items as it')
          .leftJoin('clusters as c', 'c.id', 'it.cluster_id')
          .select(['it.id', 'it.library_id', 'it.status', 'it.barcode', 'it.cluster_id', 'c.title', 'c.display'])
          .where('it.library_id', '=', list.library_id);
        q = ln.itemId ? q.where('it.id', '=', ln.itemId) : q.where('it.barcode', '=', (ln.barcode ?? '').trim());
        const it = await q.executeTakeFirst();
        const label = ln.barcode?.trim() || `#${ln.itemId}`;
        if (!it) {
          errors.push({ field: `lines.${i}.barcode`, message: xmsg('item_not_yours', { barcode: label }) });
          continue;
        }
        if (!OFFERABLE.has(it.status)) {
          errors.push({
            field: `lines.${i}.barcode`,
            message: xmsg('item_not_offerable', { barcode: it.barcode ?? label, status: it.status }),
          });
          continue;
        }
        const taken = await trx
          .selectFrom('redistribution_lines')
          .select('id')
          .where('item_id', '=', it.id)
          .where('withdrawn', '=', false)
          .executeTakeFirst();
        if (taken || seen.has(it.id)) {
          errors.push({
            field: `lines.${i}.barcode`,
            message: xmsg('item_on_other_line', { barcode: it.barcode ?? label }),
          });
          continue;
        }
        seen.add(it.id);
        const d = it.display as { authors?: string[]; year?: number; isbns?: string[] } | null;
        rows.push({
          item_id: it.id,
          cluster_id: it.cluster_id,
          title: it.title ?? ln.title?.trim() ?? '—',
          author: d?.authors?.[0] ?? null,
          year: d?.year ?? null,
          isbn: d?.isbns?.[0] ?? null,
          copies: 1,
          condition: ln.condition,
          reason: ln.reason,
          note: ln.note?.trim() || null,
        });
      } else {
        const title = ln.title?.trim();
        if (!title) {
          errors.push({ field: `lines.${i}.title`, message: xmsg('line_needs_title') });
          continue;
        }
        let clusterId: number | null = null;
        try {
          clusterId = await clusterFor(trx, ln.clusterId, ln.isbn);
        } catch {
          errors.push({ field: `lines.${i}.clusterId`, message: msg('field_invalid') });
          continue;
        }
        rows.push({
          item_id: null,
          cluster_id: clusterId,
          title,
          author: ln.author?.trim() || null,
          year: ln.year ?? null,
          isbn: ln.isbn?.trim() || null,
          copies: ln.copies ?? 1,
          condition: ln.condition,
          reason: ln.reason,
          note: ln.note?.trim() || null,
        });
      }
    }
    if (errors.length) throw new Invalid(errors);
    if (!rows.length) throw invalidField('lines', xmsg('list_empty'));
    await trx
      .insertInto('redistribution_lines')
      .values(rows.map((r) => ({ ...r, list_id: listId })))
      .execute();
    await audit(trx, actor, {
      action: 'add_lines',
      entity: 'redistribution_list',
      entityId: listId,
      libraryId: list.library_id,
      after: { lines: rows.length, items: rows.filter((r) => r.item_id !== null).map((r) => r.item_id) },
    });
  });
  return getList(db, actor, listId);
}

async function loadLine(trx: DbOrTrx, actor: Actor, lineId: number, lock = false) {
  if (lock) await trx.selectFrom('redistribution_lines').select('id').where('id', '=', lineId).forUpdate().execute();
  const ln = await trx.selectFrom('redistribution_lines').selectAll().where('id', '=', lineId).executeTakeFirst();
  if (!ln) throw xNotFound('line');
  const list = await loadList(trx, actor, ln.list_id).catch(() => {
    throw xNotFound('line');
  });
  return { ln, list };
}

async function allocatedOf(trx: DbOrTrx, lineId: number): Promise<number> {
  const r = await trx
    .selectFrom('redistribution_claims')
    .select(sql<number>`coalesce(sum(copies_allocated), 0)`.as('n'))
    .where('line_id', '=', lineId)
    .where('status', 'in', ['allocated', 'shipped', 'received'])
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** A line leaves the list; claims not yet allocated lapse. Allocated copies must be withdrawn claim by claim first. */
export async function withdrawLine(db: Db, actor: Actor, lineId: number): Promise<RedistributionListDetail> {
  const listId = await db.transaction().execute(async (trx) => {
    const { ln, list } = await loadLine(trx, actor, lineId, true);
    assertOwner(actor, list);
    if (ln.withdrawn) throw new Conflict('line_withdrawn', xmsg('line_withdrawn'));
    if ((await allocatedOf(trx, lineId)) > 0) {
      throw new Conflict('line_allocated', xmsg('line_allocated', { title: ln.title }));
    }
    await trx.updateTable('redistribution_lines').set({ withdrawn: true }).where('id', '=', lineId).execute();
    await trx
      .updateTable('redistribution_claims')
      .set({ status: 'not_allocated', updated_at: new Date() })
      .where('line_id', '=', lineId)
      .where('status', '=', 'claimed')
      .execute();
    await audit(trx, actor, {
      action: 'withdraw_line',
      entity: 'redistribution_list',
      entityId: ln.list_id,
      libraryId: list.library_id,
      after: { lineId, title: ln.title },
    });
    return ln.list_id;
  });
  return getList(db, actor, listId);
}

export async function setListStatus(
  db: Db,
  actor: Actor,
  listId: number,
  to: 'published' | 'closed',
): Promise<RedistributionListDetail> {
  await db.transaction().execute(async (trx) => {
    const list = await loadList(trx, actor, listId, true);
    assertOwner(actor, list);
    const from = list.status;
    if ((to === 'published' && from !== 'draft') || (to === 'closed' && from !== 'published')) {
      throw new Conflict('list_state', xmsg('list_state', { status: from }), { status: from });
    }
    if (to === 'published' && Number(list.n_lines ?? 0) === 0) throw new Conflict('list_empty', xmsg('list_empty'));
    await trx
      .updateTable('redistribution_lists')
      .set({
        status: to,
        ...(to === 'published' ? { published_at: new Date() } : { closed_at: new Date() }),
        updated_at: new Date(),
      })
      .where('id', '=', listId)
      .execute();
    if (to === 'closed') {
      await trx
        .updateTable('redistribution_claims')
        .set({ status: 'not_allocated', updated_at: new Date() })
        .where('status', '=', 'claimed')
        .where('line_id', 'in', (eb) =>
          eb.selectFrom('redistribution_lines').select('id').where('list_id', '=', listId),
        )
        .execute();
    }
    await audit(trx, actor, {
      action: to === 'published' ? 'publish' : 'close',
      entity: 'redistribution_list',
      entityId: listId,
      libraryId: list.library_id,
      before: { status: from },
      after: { status: to },
    });
  });
  return getList(db, actor, listId);
}

// ------------------------------------------------------------------ claims

export interface ClaimInput {
  copies?: number | undefined;
  note?: string | null | undefined;
  library?: string | undefined;
}

export async function claimLine(
  db: Db,
  actor: Actor,
  lineId: number,
  input: ClaimInput,
  today: string = todayIso(),
): Promise<RedistributionListDetail> {
  const claimant = await actorLibrary(db, actor, input.library);
  const listId = await db.transaction().execute(async (trx) => {
    const { ln, list } = await loadLine(trx, actor, lineId, true);
    if (list.library_id === claimant.id) throw new Conflict('claim_own_offer', xmsg('claim_own_offer'));
    if (list.status !== 'published') throw new Conflict('list_not_published', xmsg('list_not_published'));
    if (list.claims_until && list.claims_until < today) {
      throw new Conflict('claims_closed', xmsg('claims_closed', { date: list.claims_until }));
    }
    if (ln.withdrawn) throw new Conflict('line_withdrawn', xmsg('line_withdrawn'));
    const left = ln.copies - (await allocatedOf(trx, lineId));
    if (left <= 0) throw new Conflict('line_allocated', xmsg('line_allocated', { title: ln.title }));
    const live = await trx
      .selectFrom('redistribution_claims')
      .select('id')
      .where('line_id', '=', lineId)
      .where('library_id', '=', claimant.id)
      .where('status', '<>', 'withdrawn')
      .executeTakeFirst();
    if (live) throw new Conflict('already_claimed', xmsg('already_claimed', { library: claimant.name }));
    const copies = input.copies ?? 1;
    if (copies > ln.copies) throw invalidField('copies', xmsg('allocation_exceeds', { n: ln.copies }));
    const held = ln.cluster_id
      ? Boolean(
          await trx
            .selectFrom('clusters')
            .select('id')
            .where('id', '=', ln.cluster_id)
            .where(sql<boolean>`${claimant.id}::int = any(library_ids)`)
            .executeTakeFirst(),
        )
      : false;
    const row = await trx
      .insertInto('redistribution_claims')
      .values({
        line_id: lineId,
        library_id: claimant.id,
        copies,
        status: 'claimed',
        held_copy: held,
        note: input.note?.trim() || null,
        created_by: actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, actor, {
      action: 'claim',
      entity: 'redistribution_claim',
      entityId: row.id,
      libraryId: claimant.id,
      after: { lineId, listId: ln.list_id, copies, heldCopy: held },
    });
    return ln.list_id;
  });
  return getList(db, actor, listId, today);
}

function claimQuery(db: DbOrTrx) {
  return db
    .selectFrom('redistribution_claims as cl')
    .innerJoin('redistribution_lines as ln', 'ln.id', 'cl.line_id')
    .innerJoin('redistribution_lists as rl', 'rl.id', 'ln.list_id')
    .innerJoin('libraries as o', 'o.id', 'rl.library_id')
    .innerJoin('libraries as c', 'c.id', 'cl.library_id')
    .select([
      'cl.id',
      'cl.line_id',
      'cl.library_id',
      'c.code as c_code',
      'c.name as c_name',
      'c.network_id as c_network',
      'cl.copies',
      'cl.copies_allocated',
      'cl.status',
      'cl.held_copy',
      'cl.note',
      'cl.claimed_at',
      'cl.allocated_at',
      'cl.shipped_on',
      'cl.received_on',
      'ln.list_id',
      'ln.item_id',
      'ln.cluster_id',
      'ln.title',
      'ln.copies as line_copies',
      'ln.condition',
      'rl.title as list_title',
      'rl.library_id as owner_id',
      'o.code as o_code',
      'o.name as o_name',
      'o.network_id as o_network',
    ]);
}

type ClaimRow = Awaited<ReturnType<ReturnType<typeof claimQuery>['executeTakeFirstOrThrow']>>;

export interface Claim extends LineClaim {
  lineId: number;
  listId: number;
  listTitle: string;
  title: string;
  condition: Condition;
  offeredBy: LibRef;
  isOfferer: boolean;
  isClaimant: boolean;
}

const isClaimant = (actor: Actor, c: ClaimRow) => canActFor(actor, { id: c.library_id, network_id: c.c_network });
const isOfferer = (actor: Actor, c: ClaimRow) => canActFor(actor, { id: c.owner_id, network_id: c.o_network });

function presentClaim(actor: Actor, c: ClaimRow): Claim {
  return {
    id: c.id,
    lineId: c.line_id,
    listId: c.list_id,
    listTitle: c.list_title,
    title: c.title,
    condition: c.condition,
    offeredBy: { id: c.owner_id, code: c.o_code, name: c.o_name },
    library: { id: c.library_id, code: c.c_code, name: c.c_name },
    copies: c.copies,
    copiesAllocated: c.copies_allocated,
    status: c.status,
    holdsTitle: c.held_copy,
    note: c.note,
    claimedAt: new Date(c.claimed_at).toISOString(),
    allocatedAt: c.allocated_at ? new Date(c.allocated_at).toISOString() : null,
    shippedOn: c.shipped_on,
    receivedOn: c.received_on,
    isOfferer: isOfferer(actor, c),
    isClaimant: isClaimant(actor, c),
  };
}

async function loadClaim(trx: DbOrTrx, actor: Actor, id: number, lock = false): Promise<ClaimRow> {
  if (lock) await trx.selectFrom('redistribution_claims').select('id').where('id', '=', id).forUpdate().execute();
  const c = await claimQuery(trx).where('cl.id', '=', id).executeTakeFirst();
  if (!c || !(isClaimant(actor, c) || isOfferer(actor, c))) throw xNotFound('claim');
  return c;
}

export async function getClaim(db: DbOrTrx, actor: Actor, id: number): Promise<Claim> {
  return presentClaim(actor, await loadClaim(db, actor, id));
}

export interface ClaimFilter extends PageParams {
  library?: string | undefined;
  /** made: the library's own claims; received: claims on its lists. */
  direction?: 'made' | 'received' | undefined;
  status?: ClaimStatus | undefined;
}

export async function listClaims(db: Db, actor: Actor, f: ClaimFilter): Promise<Page<Claim>> {
  const { page, pageSize, offset } = pageOf(f);
  let q = claimQuery(db);
  if (f.library || actor.role !== 'network_coordinator') {
    const lib = await actorLibrary(db, actor, f.library);
    if (f.direction === 'made') q = q.where('cl.library_id', '=', lib.id);
    else if (f.direction === 'received') q = q.where('rl.library_id', '=', lib.id);
    else q = q.where((eb) => eb.or([eb('cl.library_id', '=', lib.id), eb('rl.library_id', '=', lib.id)]));
  } else {
    q = q.where('o.network_id', '=', actor.networkId ?? -1);
  }
  if (f.status) q = q.where('cl.status', '=', f.status);
  const [rows, count] = await Promise.all([
    q.orderBy('cl.claimed_at', 'desc').orderBy('cl.id', 'desc').limit(pageSize).offset(offset).execute(),
    q
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map((r) => presentClaim(actor, r)), total: Number(count.n), page, pageSize };
}

function wrongState(c: ClaimRow, allowed: ClaimStatus[]): Conflict {
  return new Conflict('illegal_transition', stateMessage('claim_state', c.status, allowed), {
    status: c.status,
    allowedFrom: allowed,
  });
}

async function setClaim(trx: Trx, id: number, set: Record<string, unknown>) {
  await trx
    .updateTable('redistribution_claims')
    .set({ ...set, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

/** The claimant gives up its claim (before shipment); allocated copies go back to the line. */
export async function withdrawClaim(db: Db, actor: Actor, id: number): Promise<Claim> {
  await db.transaction().execute(async (trx) => {
    const c = await loadClaim(trx, actor, id, true);
    if (!isClaimant(actor, c)) throw new Forbidden(xmsg('claim_not_yours'), 'forbidden_other_library');
    if (!['claimed', 'allocated'].includes(c.status)) throw wrongState(c, ['claimed', 'allocated']);
    await setClaim(trx, id, { status: 'withdrawn', copies_allocated: 0 });
    await audit(trx, actor, {
      action: 'withdraw',
      entity: 'redistribution_claim',
      entityId: id,
      libraryId: c.library_id,
      before: { status: c.status, copiesAllocated: c.copies_allocated },
      after: { status: 'withdrawn' },
    });
  });
  return getClaim(db, actor, id);
}

/** The offering library allocates one claim by hand (any number of copies still left). */
export async function allocateClaim(
  db: Db,
  actor: Actor,
  id: number,
  input: { copies?: number | undefined },
): Promise<Claim> {
  await db.transaction().execute(async (trx) => {
    const c0 = await loadClaim(trx, actor, id);
    await trx.selectFrom('redistribution_lines').select('id').where('id', '=', c0.line_id).forUpdate().execute();
    const c = await loadClaim(trx, actor, id, true);
    if (!isOfferer(actor, c)) throw new Forbidden(xmsg('list_not_yours'), 'forbidden_other_library');
    if (!['claimed', 'not_allocated'].includes(c.status)) throw wrongState(c, ['claimed', 'not_allocated']);
    const left = c.line_copies - (await allocatedOf(trx, c.line_id));
    const copies = input.copies ?? Math.min(c.copies, left);
    if (left <= 0) throw new Conflict('line_allocated', xmsg('line_allocated', { title: c.title }));
    if (copies > left) throw new Conflict('allocation_exceeds', xmsg('allocation_exceeds', { n: left }), { left });
    await setClaim(trx, id, { status: 'allocated', copies_allocated: copies, allocated_at: new Date() });
    await audit(trx, actor, {
      action: 'allocate',
      entity: 'redistribution_claim',
      entityId: id,
      libraryId: c.owner_id,
      before: { status: c.status },
      after: { status: 'allocated', copies },
    });
  });
  return getClaim(db, actor, id);
}

/**
 * Allocates every open claim of a list by its rule (first come, or libraries
 * holding no copy of the title first, then first come); claims left without
 * a copy are marked not allocated.
 */
export async function allocateList(
  db: Db,
  actor: Actor,
  listId: number,
  input: { rule?: AllocationRule | undefined },
): Promise<RedistributionListDetail> {
  await db.transaction().execute(async (trx) => {
    const list = await loadList(trx, actor, listId, true);
    assertOwner(actor, list);
    if (list.status === 'draft') throw new Conflict('list_not_published', xmsg('list_not_published'));
    const rule = input.rule ?? list.allocation_rule;
    const lines = await trx
      .selectFrom('redistribution_lines as ln')
      .leftJoin('clusters as c', 'c.id', 'ln.cluster_id')
      .select(['ln.id', 'ln.copies', 'ln.cluster_id', 'c.library_ids'])
      .where('ln.list_id', '=', listId)
      .where('ln.withdrawn', '=', false)
      .execute();
    const claims = lines.length
      ? await trx
          .selectFrom('redistribution_claims')
          .select(['id', 'line_id', 'library_id', 'copies', 'copies_allocated', 'status', 'held_copy', 'claimed_at'])
          .where(
            'line_id',
            'in',
            lines.map((l) => l.id),
          )
          .where('status', '<>', 'withdrawn')
          .execute()
      : [];
    const decided: Array<{ id: number; copies: number }> = [];
    const lapsed: number[] = [];
    for (const ln of lines) {
      const mine = claims.filter((c) => c.line_id === ln.id);
      const taken = mine
        .filter((c) => ['allocated', 'shipped', 'received'].includes(c.status))
        .reduce((a, c) => a + c.copies_allocated, 0);
      const open: ClaimForAllocation[] = mine
        .filter((c) => c.status === 'claimed')
        .map((c) => ({
          id: c.id,
          copies: c.copies,
          holdsTitle: ln.cluster_id !== null ? (ln.library_ids ?? []).includes(c.library_id) : c.held_copy,
          claimedAt: new Date(c.claimed_at).getTime(),
        }));
      const result = allocate(ln.copies - taken, open, rule);
      decided.push(...result.allocated);
      lapsed.push(...result.unallocated);
    }
    for (const d of decided)
      await setClaim(trx, d.id, { status: 'allocated', copies_allocated: d.copies, allocated_at: new Date() });
    if (lapsed.length) {
      await trx
        .updateTable('redistribution_claims')
        .set({ status: 'not_allocated', updated_at: new Date() })
        .where('id', 'in', lapsed)
        .execute();
    }
    await audit(trx, actor, {
      action: 'allocate',
      entity: 'redistribution_list',
      entityId: listId,
      libraryId: list.library_id,
      after: { rule, allocated: decided, notAllocated: lapsed },
    });
  });
  return getList(db, actor, listId);
}

export async function shipClaim(
  db: Db,
  actor: Actor,
  id: number,
  input: { on?: string | undefined },
  today: string = todayIso(),
): Promise<Claim> {
  await db.transaction().execute(async (trx) => {
    const c = await loadClaim(trx, actor, id, true);
    if (!isOfferer(actor, c)) throw new Forbidden(xmsg('list_not_yours'), 'forbidden_other_library');
    if (c.status !== 'allocated') {
      throw new Conflict('claim_not_allocated', xmsg('claim_not_allocated'), { status: c.status });
    }
    const on = input.on ?? today;
    if (!isIsoDate(on)) throw invalidField('on', msg('field_invalid'));
    if (c.item_id !== null) {
      // The copy leaves the shelf: still the giver's, but in transit (imports leave that status alone).
      const moved = await holdItems(trx, [c.item_id], 'redistribution', 'in_transit', { libraryId: c.owner_id });
      if (moved !== 1) {
        throw new Conflict('item_moved', xmsg('item_moved', { barcode: `#${c.item_id}` }));
      }
    }
    await setClaim(trx, id, { status: 'shipped', shipped_on: on });
    await audit(trx, actor, {
      action: 'ship',
      entity: 'redistribution_claim',
      entityId: id,
      libraryId: c.owner_id,
      before: { status: c.status },
      after: { status: 'shipped', shippedOn: on, itemId: c.item_id },
    });
  });
  return getClaim(db, actor, id);
}

/**
 * The receiver confirms: the copies become its holdings in the union catalog
 * in the same transaction (a catalogued item moves; typed-in stock of a
 * catalogued title becomes new items; stock with no catalog record is for the
 * receiver to catalogue and arrives with its next import).
 */
export async function receiveClaim(
  db: Db,
  actor: Actor,
  id: number,
  input: { on?: string | undefined; barcodes?: string[] | undefined },
  today: string = todayIso(),
): Promise<Claim> {
  await db.transaction().execute(async (trx) => {
    const c = await loadClaim(trx, actor, id, true);
    if (!isClaimant(actor, c)) throw new Forbidden(xmsg('claim_not_yours'), 'forbidden_other_library');
    if (c.status !== 'shipped') throw wrongState(c, ['shipped']);
    const on = input.on ?? today;
    if (!isIsoDate(on)) throw invalidField('on', msg('field_invalid'));
    if (c.shipped_on && on < c.shipped_on) throw invalidField('on', xmsg('date_before', { date: c.shipped_on }));
    const barcodes = input.barcodes ?? [];
    const note = `Redistribusi dari ${c.o_name} (${on})`;
    if (c.item_id !== null) {
      await transferItems(trx, c.library_id, [{ itemId: c.item_id, barcode: barcodes[0], note }]);
    } else if (c.cluster_id !== null) {
      await addCopies(
        trx,
        c.library_id,
        c.cluster_id,
        Array.from({ length: c.copies_allocated }, (_, i) => ({ barcode: barcodes[i], note })),
      );
    }
    await setClaim(trx, id, { status: 'received', received_on: on });
    await audit(trx, actor, {
      action: 'receive',
      entity: 'redistribution_claim',
      entityId: id,
      libraryId: c.library_id,
      before: { status: c.status },
      after: { status: 'received', receivedOn: on, itemId: c.item_id, copies: c.copies_allocated },
    });
  });
  return getClaim(db, actor, id);
}

// ------------------------------------------------------------------ figures

export interface RedistributionFigure {
  library: LibRef;
  listsPublished: number;
  copiesOffered: number;
  copiesGiven: number;
  copiesReceived: number;
  claimsMade: number;
  /** Received copies of titles the library held no copy of before. */
  newTitlesReceived: number;
  partnersServed: number;
}

/** Copies redistributed, given and received, per library in the period; coordinators see the network. */
export async function redistributionFigures(
  db: Db,
  actor: Actor,
  f: { from?: string | undefined; to?: string | undefined; library?: string | undefined },
): Promise<RedistributionFigure[]> {
  const networkId = await networkOf(db, actor);
  let only: number | null = null;
  if (f.library || actor.role !== 'network_coordinator') only = (await actorLibrary(db, actor, f.library)).id;
  const from = f.from ?? '1900-01-01';
  const to = f.to ?? '2999-12-31';
  const rows = await sql<{
    id: number;
    code: string;
    name: string;
    lists: number;
    offered: number;
    given: number;
    received: number;
    claims: number;
    fresh: number;
    served: number;
  }>`
    select l.id, l.code, l.name,
      (select count(*) from redistribution_lists rl where rl.library_id = l.id and rl.published_at::date between ${from}::date and ${to}::date)::int as lists,
      (select coalesce(sum(ln.copies), 0) from redistribution_lines ln join redistribution_lists rl on rl.id = ln.list_id
        where rl.library_id = l.id and not ln.withdrawn and rl.published_at::date between ${from}::date and ${to}::date)::int as offered,
      (select coalesce(sum(cl.copies_allocated), 0) from redistribution_claims cl join redistribution_lines ln on ln.id = cl.line_id
        join redistribution_lists rl on rl.id = ln.list_id
        where rl.library_id = l.id and cl.status = 'received' and cl.received_on between ${from}::date and ${to}::date)::int as given,
      (select coalesce(sum(cl.copies_allocated), 0) from redistribution_claims cl
        where cl.library_id = l.id and cl.status = 'received' and cl.received_on between ${from}::date and ${to}::date)::int as received,
      (select count(*) from redistribution_claims cl
        where cl.library_id = l.id and cl.status <> 'withdrawn' and cl.claimed_at::date between ${from}::date and ${to}::date)::int as claims,
      (select coalesce(sum(cl.copies_allocated), 0) from redistribution_claims cl
        where cl.library_id = l.id and cl.status = 'received' and not cl.held_copy and cl.received_on between ${from}::date and ${to}::date)::int as fresh,
      (select count(distinct cl.library_id) from redistribution_claims cl join redistribution_lines ln on ln.id = cl.line_id
        join redistribution_lists rl on rl.id = ln.list_id
        where rl.library_id = l.id and cl.status = 'received' and cl.received_on between ${from}::date and ${to}::date)::int as served
    from libraries l
    where l.network_id = ${networkId} and (${only}::bigint is null or l.id = ${only}::bigint)
    order by l.name`.execute(db);
  return rows.rows
    .filter((r) => only !== null || r.lists + r.given + r.received + r.claims > 0)
    .map((r) => ({
      library: { id: r.id, code: r.code, name: r.name },
      listsPublished: r.lists,
      copiesOffered: r.offered,
      copiesGiven: r.given,
      copiesReceived: r.received,
      claimsMade: r.claims,
      newTitlesReceived: r.fresh,
      partnersServed: r.served,
    }));
}
