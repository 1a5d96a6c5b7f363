import { sql } from 'kysely';
import { holdItems, releaseItems } from '../catalog/item-status.ts';
import { type Actor, canActFor } from '../platform/actor.ts';
import { audit } from '../platform/audit.ts';
import type { Db, DbOrTrx, Trx } from '../platform/db.ts';
import { Conflict, type FieldError, Forbidden, Invalid, invalidField } from '../platform/errors.ts';
import { msg } from '../platform/messages.ts';
import { inForce } from './agreement-state.ts';
import { agreementTerms } from './agreements.ts';
import { actorLibrary } from './cards.ts';
import { addMonths, todayIso } from './dates.ts';
import { lostRuleNames, notFound, pmsg, programNames } from './messages.ts';
import type { DepositOutcome, LostItemRule } from './tables.ts';

/**
 * Deposit collections (koleksi titipan): a lender sends a set of items to a
 * partner school for a period and swaps it for a new set on rotation day.
 * Items are the catalog's rows; this module only moves their status between
 * available, on_deposit, missing, lost and withdrawn, as the items table allows.
 */

interface LibRef {
  id: number;
  code: string;
  name: string;
}

export interface DepositTotals {
  setsSent: number;
  itemsOut: number;
  itemsReturned: number;
  itemsMissing: number;
  itemsReplaced: number;
  itemsPaid: number;
  loansReported: number;
}

export interface DepositProgram {
  id: number;
  agreementId: number | null;
  agreementTitle: string | null;
  lender: LibRef;
  recipient: LibRef;
  setSize: number;
  rotationMonths: number;
  audience: string | null;
  active: boolean;
  lostItemRule: { rule: LostItemRule; amountRupiah: number | null } | null;
  openSet: { id: number; sequence: number; issuedOn: string; dueOn: string; items: number } | null;
  sets: Array<{
    id: number;
    sequence: number;
    status: 'issued' | 'returned';
    issuedOn: string;
    dueOn: string;
    returnedOn: string | null;
    items: number;
  }>;
  totals: DepositTotals;
  /** The caller is the lender's staff: she plans, issues and rotates. */
  canManage: boolean;
}

export interface DepositSetItem {
  itemId: number;
  barcode: string | null;
  callNumber: string | null;
  title: string;
  outcome: DepositOutcome;
  loans: number | null;
  resolvedOn: string | null;
  replacementBarcode: string | null;
  paidRupiah: number | null;
}

export interface DepositSet {
  id: number;
  programId: number;
  sequence: number;
  status: 'issued' | 'returned';
  issuedOn: string;
  dueOn: string;
  returnedOn: string | null;
  loansReported: number | null;
  lender: LibRef;
  recipient: LibRef;
  agreementTitle: string | null;
  items: DepositSetItem[];
  canManage: boolean;
}

function programQuery(db: DbOrTrx) {
  return db
    .selectFrom('deposit_programs as d')
    .innerJoin('libraries as ll', 'll.id', 'd.lender_library_id')
    .innerJoin('libraries as rl', 'rl.id', 'd.recipient_library_id')
    .leftJoin('agreements as a', 'a.id', 'd.agreement_id')
    .select([
      'd.id',
      'd.agreement_id',
      'a.title as agreement_title',
      'd.lender_library_id',
      'll.code as lender_code',
      'll.name as lender_name',
      'll.network_id as lender_network_id',
      'd.recipient_library_id',
      'rl.code as recipient_code',
      'rl.name as recipient_name',
      'rl.network_id as recipient_network_id',
      'd.set_size',
      'd.rotation_months',
      'd.audience',
      'd.active',
    ]);
}

type ProgramRow = Awaited<ReturnType<ReturnType<typeof programQuery>['executeTakeFirstOrThrow']>>;

const isLender = (actor: Actor, r: ProgramRow) =>
  canActFor(actor, { id: r.lender_library_id, network_id: r.lender_network_id });
const isRecipient = (actor: Actor, r: ProgramRow) =>
  canActFor(actor, { id: r.recipient_library_id, network_id: r.recipient_network_id });

/** Lender and school see the program; nobody else learns it exists. */
async function loadProgram(db: DbOrTrx, actor: Actor, id: number): Promise<ProgramRow> {
  const row = await programQuery(db).where('d.id', '=', id).executeTakeFirst();
  if (!row || !(isLender(actor, row) || isRecipient(actor, row))) throw notFound('deposit');
  return row;
}

function assertLender(actor: Actor, r: ProgramRow) {
  if (!isLender(actor, r)) throw new Forbidden(pmsg('deposit_not_lender'), 'forbidden_other_library');
}

async function totalsFor(db: DbOrTrx, programIds: number[]): Promise<Map<number, DepositTotals>> {
  const out = new Map<number, DepositTotals>();
  if (!programIds.length) return out;
  const rows = await db
    .selectFrom('deposit_sets as s')
    .leftJoin('deposit_set_items as i', 'i.set_id', 's.id')
    .select([
      's.program_id',
      sql<number>`count(distinct s.id)`.as('sets'),
      sql<number>`count(i.item_id) filter (where i.outcome = 'out')`.as('out'),
      sql<number>`count(i.item_id) filter (where i.outcome = 'returned')`.as('returned'),
      sql<number>`count(i.item_id) filter (where i.outcome = 'missing')`.as('missing'),
      sql<number>`count(i.item_id) filter (where i.outcome = 'replaced')`.as('replaced'),
      sql<number>`count(i.item_id) filter (where i.outcome = 'paid')`.as('paid'),
    ])
    .where('s.program_id', 'in', programIds)
    .groupBy('s.program_id')
    .execute();
  const loans = await db
    .selectFrom('deposit_sets')
    .select(['program_id', sql<number>`coalesce(sum(loans_reported), 0)`.as('loans')])
    .where('program_id', 'in', programIds)
    .groupBy('program_id')
    .execute();
  const loansBy = new Map(loans.map((l) => [l.program_id, Number(l.loans)]));
  for (const r of rows) {
    out.set(r.program_id, {
      setsSent: Number(r.sets),
      itemsOut: Number(r.out),
      itemsReturned: Number(r.returned),
      itemsMissing: Number(r.missing),
      itemsReplaced: Number(r.replaced),
      itemsPaid: Number(r.paid),
      loansReported: loansBy.get(r.program_id) ?? 0,
    });
  }
  return out;
}

const zero: DepositTotals = {
  setsSent: 0,
  itemsOut: 0,
  itemsReturned: 0,
  itemsMissing: 0,
  itemsReplaced: 0,
  itemsPaid: 0,
  loansReported: 0,
};

async function presentPrograms(
  db: DbOrTrx,
  actor: Actor,
  rows: ProgramRow[],
  today: string,
): Promise<DepositProgram[]> {
  const ids = rows.map((r) => r.id);
  const [totals, sets] = await Promise.all([
    totalsFor(db, ids),
    ids.length
      ? db
          .selectFrom('deposit_sets as s')
          .select([
            's.id',
            's.program_id',
            's.sequence',
            's.status',
            's.issued_on',
            's.due_on',
            's.returned_on',
            (eb) =>
              eb
                .selectFrom('deposit_set_items as i')
                .select(eb.fn.countAll<number>().as('n'))
                .whereRef('i.set_id', '=', 's.id')
                .as('items'),
          ])
          .where('s.program_id', 'in', ids)
          .orderBy('s.sequence', 'desc')
          .execute()
      : [],
  ]);
  const out: DepositProgram[] = [];
  for (const r of rows) {
    const mine = sets.filter((s) => s.program_id === r.id);
    const open = mine.find((s) => s.status === 'issued');
    const terms = await agreementTerms(db, r.recipient_library_id, r.lender_library_id, 'deposit_collections', today);
    out.push({
      id: r.id,
      agreementId: r.agreement_id,
      agreementTitle: r.agreement_title,
      lender: { id: r.lender_library_id, code: r.lender_code, name: r.lender_name },
      recipient: { id: r.recipient_library_id, code: r.recipient_code, name: r.recipient_name },
      setSize: r.set_size,
      rotationMonths: r.rotation_months,
      audience: r.audience,
      active: r.active,
      lostItemRule: terms.lostItemRule,
      openSet: open
        ? {
            id: open.id,
            sequence: open.sequence,
            issuedOn: open.issued_on,
            dueOn: open.due_on,
            items: Number(open.items),
          }
        : null,
      sets: mine.map((s) => ({
        id: s.id,
        sequence: s.sequence,
        status: s.status,
        issuedOn: s.issued_on,
        dueOn: s.due_on,
        returnedOn: s.returned_on,
        items: Number(s.items),
      })),
      totals: totals.get(r.id) ?? zero,
      canManage: isLender(actor, r),
    });
  }
  return out;
}

/** The programs a library lends or receives; a school librarian sees only her school's. */
export async function listDepositPrograms(
  db: Db,
  actor: Actor,
  f: { library?: string | undefined },
  today: string = todayIso(),
): Promise<DepositProgram[]> {
  let q = programQuery(db);
  if (f.library || actor.role !== 'network_coordinator') {
    const lib = await actorLibrary(db, actor, f.library);
    q = q.where((eb) => eb.or([eb('d.lender_library_id', '=', lib.id), eb('d.recipient_library_id', '=', lib.id)]));
  } else {
    q = q.where('ll.network_id', '=', actor.networkId ?? -1);
  }
  const rows = await q.orderBy('ll.name').orderBy('rl.name').execute();
  return presentPrograms(db, actor, rows, today);
}

export async function getDepositProgram(
  db: DbOrTrx,
  actor: Actor,
  id: number,
  today: string = todayIso(),
): Promise<DepositProgram> {
  const row = await loadProgram(db, actor, id);
  const [p] = await presentPrograms(db, actor, [row], today);
  if (!p) throw notFound('deposit');
  return p;
}

export interface DepositProgramInput {
  agreementId: number;
  recipientCode: string;
  lenderCode?: string | undefined;
  setSize?: number | undefined;
  rotationMonths?: number | undefined;
  audience?: string | null | undefined;
}

function programName(key: string) {
  const n = programNames[key] ?? { id: key, en: key };
  const m = pmsg('program_not_covered', { program: '{p}' });
  return { id: m.id.replace('{p}', n.id), en: m.en.replace('{p}', n.en) };
}

export async function createDepositProgram(
  db: Db,
  actor: Actor,
  input: DepositProgramInput,
  today: string = todayIso(),
): Promise<DepositProgram> {
  const lender = await actorLibrary(db, actor, input.lenderCode, 'lenderCode');
  const recipient = await db
    .selectFrom('libraries')
    .select(['id', 'name'])
    .where('code', '=', input.recipientCode.toUpperCase())
    .executeTakeFirst();
  if (!recipient) throw invalidField('recipientCode', msg('library_unknown'));
  if (recipient.id === lender.id) throw invalidField('recipientCode', msg('field_invalid'));
  const agreement = await db
    .selectFrom('agreements')
    .select(['id', 'status', 'programs', 'starts_on', 'ends_on'])
    .where('id', '=', input.agreementId)
    .executeTakeFirst();
  const parties = agreement
    ? (
        await db.selectFrom('agreement_parties').select('library_id').where('agreement_id', '=', agreement.id).execute()
      ).map((p) => p.library_id)
    : [];
  if (!agreement || !parties.includes(lender.id)) {
    throw invalidField('agreementId', pmsg('not_a_party', { library: lender.name }));
  }
  if (!parties.includes(recipient.id)) {
    throw invalidField('recipientCode', pmsg('not_a_party', { library: recipient.name }));
  }
  if (!agreement.programs.includes('deposit_collections')) {
    throw invalidField('agreementId', programName('deposit_collections'));
  }
  if (!inForce(agreement.status, agreement.starts_on, agreement.ends_on, today)) {
    throw new Conflict('agreement_not_in_force', pmsg('agreement_not_in_force'));
  }
  const id = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('deposit_programs')
      .values({
        agreement_id: agreement.id,
        lender_library_id: lender.id,
        recipient_library_id: recipient.id,
        set_size: input.setSize ?? 100,
        rotation_months: input.rotationMonths ?? 3,
        audience: input.audience ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, actor, {
      action: 'create',
      entity: 'deposit_program',
      entityId: row.id,
      libraryId: lender.id,
      after: {
        agreementId: agreement.id,
        recipient: input.recipientCode.toUpperCase(),
        setSize: input.setSize ?? 100,
        rotationMonths: input.rotationMonths ?? 3,
      },
    });
    return row.id;
  });
  return getDepositProgram(db, actor, id, today);
}

// ------------------------------------------------------------------ choosing items

export interface Candidate {
  itemId: number;
  barcode: string | null;
  callNumber: string | null;
  title: string;
  subjects: string[];
  ddc: string | null;
}

export interface CandidateFilter {
  subject?: string | undefined;
  ddc?: string | undefined;
  limit?: number | undefined;
}

/**
 * Items the lender can send: its own, available and loanable, never sent to
 * this school before, one copy per title so a set is a set of different books.
 */
async function candidateRows(trx: DbOrTrx, p: ProgramRow, f: CandidateFilter): Promise<Candidate[]> {
  let q = trx
    .selectFrom('items as it')
    .innerJoin('clusters as c', 'c.id', 'it.cluster_id')
    .select(['it.id', 'it.barcode', 'it.call_number', 'it.cluster_id', 'c.title', 'c.display'])
    .where('it.library_id', '=', p.lender_library_id)
    .where('it.status', '=', 'available')
    .where('it.loanable', '=', true)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('deposit_set_items as si')
            .innerJoin('deposit_sets as ds', 'ds.id', 'si.set_id')
            .innerJoin('deposit_programs as dp', 'dp.id', 'ds.program_id')
            .select('si.item_id')
            .whereRef('si.item_id', '=', 'it.id')
            .where('dp.recipient_library_id', '=', p.recipient_library_id),
        ),
      ),
    );
  if (f.subject?.trim()) {
    const like = `%${f.subject.trim().toLowerCase()}%`;
    q = q.where(
      sql<boolean>`exists (select 1 from jsonb_array_elements_text(coalesce(c.display->'subjects', '[]'::jsonb)) s where lower(s) like ${like})`,
    );
  }
  if (f.ddc?.trim())
    q = q.where(sql<string>`coalesce(c.display->>'ddc', it.call_number, '')`, 'like', `${f.ddc.trim()}%`);
  const rows = await q.orderBy('c.title').orderBy('it.id').limit(5000).execute();
  const seen = new Set<number>();
  const out: Candidate[] = [];
  const limit = f.limit ?? p.set_size;
  for (const r of rows) {
    if (r.cluster_id !== null && seen.has(r.cluster_id)) continue;
    if (r.cluster_id !== null) seen.add(r.cluster_id);
    out.push({
      itemId: r.id,
      barcode: r.barcode,
      callNumber: r.call_number,
      title: r.title,
      subjects: r.display.subjects ?? [],
      ddc: r.display.ddc ?? null,
    });
    if (out.length >= limit) break;
  }
  return out;
}

export async function depositCandidates(
  db: Db,
  actor: Actor,
  programId: number,
  f: CandidateFilter,
): Promise<Candidate[]> {
  const p = await loadProgram(db, actor, programId);
  assertLender(actor, p);
  return candidateRows(db, p, f);
}

export interface IssueInput {
  itemIds?: number[] | undefined;
  /** Let Simpul choose set-size items with these filters. */
  pick?: CandidateFilter | undefined;
  issuedOn?: string | undefined;
}

async function issueInTrx(trx: Trx, actor: Actor, p: ProgramRow, input: IssueInput, today: string): Promise<number> {
  const open = await trx
    .selectFrom('deposit_sets')
    .select('id')
    .where('program_id', '=', p.id)
    .where('status', '=', 'issued')
    .executeTakeFirst();
  if (open) throw new Conflict('deposit_set_open', pmsg('deposit_set_open'));
  let itemIds: number[];
  if (input.itemIds?.length) {
    itemIds = [...new Set(input.itemIds)];
    if (itemIds.length > p.set_size) throw invalidField('itemIds', pmsg('deposit_too_many', { size: p.set_size }));
    const eligible = new Set((await candidateRows(trx, p, { limit: 100_000 })).map((c) => c.itemId));
    const rows = await trx
      .selectFrom('items')
      .select(['id', 'barcode', 'library_id', 'status', 'loanable'])
      .where('id', 'in', itemIds)
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    const errors: FieldError[] = [];
    for (const [i, id] of itemIds.entries()) {
      const r = byId.get(id);
      const barcode = r?.barcode ?? `#${id}`;
      if (!r || r.library_id !== p.lender_library_id || r.status !== 'available' || !r.loanable) {
        errors.push({ field: `itemIds.${i}`, message: pmsg('deposit_item_unavailable', { barcode }) });
      } else if (!eligible.has(id)) {
        // Available and the lender's, so the only remaining reason is an earlier set to this school
        // (or a second copy of a title already chosen, which candidateRows also leaves out).
        const sent = await trx
          .selectFrom('deposit_set_items as si')
          .innerJoin('deposit_sets as ds', 'ds.id', 'si.set_id')
          .innerJoin('deposit_programs as dp', 'dp.id', 'ds.program_id')
          .select('si.item_id')
          .where('si.item_id', '=', id)
          .where('dp.recipient_library_id', '=', p.recipient_library_id)
          .executeTakeFirst();
        if (sent) errors.push({ field: `itemIds.${i}`, message: pmsg('deposit_item_sent_before', { barcode }) });
      }
    }
    if (errors.length) throw new Invalid(errors);
  } else {
    const picked = await candidateRows(trx, p, { ...input.pick, limit: p.set_size });
    if (!picked.length) throw invalidField('pick', pmsg('deposit_no_candidates'));
    itemIds = picked.map((c) => c.itemId);
  }
  if (!itemIds.length) throw invalidField('itemIds', pmsg('deposit_empty'));
  const issuedOn = input.issuedOn ?? today;
  const last = await trx
    .selectFrom('deposit_sets')
    .select((eb) => eb.fn.max('sequence').as('n'))
    .where('program_id', '=', p.id)
    .executeTakeFirst();
  const set = await trx
    .insertInto('deposit_sets')
    .values({
      program_id: p.id,
      sequence: Number(last?.n ?? 0) + 1,
      status: 'issued',
      issued_on: issuedOn,
      due_on: addMonths(issuedOn, p.rotation_months),
    })
    .returning(['id', 'sequence', 'due_on'])
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('deposit_set_items')
    .values(itemIds.map((item_id) => ({ set_id: set.id, item_id })))
    .execute();
  // Only items still available move; a count short of the set means someone lent one meanwhile.
  const moved = await holdItems(trx, itemIds, 'deposit', 'on_deposit', { from: ['available'] });
  if (moved !== itemIds.length) {
    throw new Conflict('deposit_item_unavailable', pmsg('deposit_item_unavailable', { barcode: '…' }));
  }
  await audit(trx, actor, {
    action: 'issue',
    entity: 'deposit_set',
    entityId: set.id,
    libraryId: p.lender_library_id,
    after: { programId: p.id, sequence: set.sequence, items: itemIds.length, issuedOn, dueOn: set.due_on },
  });
  return set.id;
}

export async function issueDepositSet(
  db: Db,
  actor: Actor,
  programId: number,
  input: IssueInput,
  today: string = todayIso(),
): Promise<DepositSet> {
  const setId = await db.transaction().execute(async (trx) => {
    const p = await loadProgram(trx, actor, programId);
    assertLender(actor, p);
    return issueInTrx(trx, actor, p, input, today);
  });
  return getDepositSet(db, actor, setId);
}

export interface ReturnInput {
  missingItemIds?: number[] | undefined;
  returnedOn?: string | undefined;
  loansReported?: number | undefined;
}

async function returnInTrx(trx: Trx, actor: Actor, p: ProgramRow, setId: number, input: ReturnInput, today: string) {
  const set = await trx
    .selectFrom('deposit_sets')
    .select(['id', 'status', 'sequence'])
    .where('id', '=', setId)
    .where('program_id', '=', p.id)
    .executeTakeFirst();
  if (!set) throw notFound('set');
  if (set.status !== 'issued') throw new Conflict('deposit_set_closed', pmsg('deposit_set_closed'));
  const items = await trx.selectFrom('deposit_set_items').select('item_id').where('set_id', '=', setId).execute();
  const inSet = new Set(items.map((i) => i.item_id));
  const missing = [...new Set(input.missingItemIds ?? [])];
  const errors: FieldError[] = missing.flatMap((id, i) =>
    inSet.has(id) ? [] : [{ field: `missingItemIds.${i}`, message: pmsg('deposit_not_in_set') }],
  );
  if (errors.length) throw new Invalid(errors);
  const back = [...inSet].filter((id) => !missing.includes(id));
  const returnedOn = input.returnedOn ?? today;
  if (back.length) {
    await trx
      .updateTable('deposit_set_items')
      .set({ outcome: 'returned', resolved_on: returnedOn })
      .where('set_id', '=', setId)
      .where('item_id', 'in', back)
      .execute();
    await releaseItems(trx, back, 'deposit', 'available', { from: ['on_deposit'] });
  }
  if (missing.length) {
    await trx
      .updateTable('deposit_set_items')
      .set({ outcome: 'missing' })
      .where('set_id', '=', setId)
      .where('item_id', 'in', missing)
      .execute();
    // A copy the school could not return stays the deposit's (missing) until it is settled and staff release it.
    await holdItems(trx, missing, 'deposit', 'missing');
  }
  await trx
    .updateTable('deposit_sets')
    .set({
      status: 'returned',
      returned_on: returnedOn,
      ...(input.loansReported !== undefined ? { loans_reported: input.loansReported } : {}),
    })
    .where('id', '=', setId)
    .execute();
  await audit(trx, actor, {
    action: 'return',
    entity: 'deposit_set',
    entityId: setId,
    libraryId: p.lender_library_id,
    after: { programId: p.id, returned: back.length, missing, returnedOn },
  });
}

export async function returnDepositSet(
  db: Db,
  actor: Actor,
  setId: number,
  input: ReturnInput,
  today: string = todayIso(),
): Promise<DepositSet> {
  await db.transaction().execute(async (trx) => {
    const p = await programOfSet(trx, actor, setId);
    assertLender(actor, p);
    await returnInTrx(trx, actor, p, setId, input, today);
  });
  return getDepositSet(db, actor, setId);
}

export interface RotateInput extends ReturnInput, IssueInput {}

/** Rotation day: the set out comes back (missing items recorded) and the next set goes out, all or nothing. */
export async function rotateDeposit(
  db: Db,
  actor: Actor,
  programId: number,
  input: RotateInput,
  today: string = todayIso(),
): Promise<{ returned: DepositSet; issued: DepositSet }> {
  const { oldId, newId } = await db.transaction().execute(async (trx) => {
    const p = await loadProgram(trx, actor, programId);
    assertLender(actor, p);
    const open = await trx
      .selectFrom('deposit_sets')
      .select('id')
      .where('program_id', '=', p.id)
      .where('status', '=', 'issued')
      .executeTakeFirst();
    if (!open) throw new Conflict('deposit_no_open_set', pmsg('deposit_no_open_set'));
    const on = input.returnedOn ?? today;
    await returnInTrx(trx, actor, p, open.id, input, today);
    const id = await issueInTrx(trx, actor, p, { ...input, issuedOn: input.issuedOn ?? on }, today);
    return { oldId: open.id, newId: id };
  });
  return { returned: await getDepositSet(db, actor, oldId), issued: await getDepositSet(db, actor, newId) };
}

async function programOfSet(db: DbOrTrx, actor: Actor, setId: number): Promise<ProgramRow> {
  const set = await db.selectFrom('deposit_sets').select('program_id').where('id', '=', setId).executeTakeFirst();
  if (!set) throw notFound('set');
  try {
    return await loadProgram(db, actor, set.program_id);
  } catch {
    throw notFound('set');
  }
}

export async function getDepositSet(db: DbOrTrx, actor: Actor, setId: number): Promise<DepositSet> {
  const p = await programOfSet(db, actor, setId);
  const set = await db.selectFrom('deposit_sets').selectAll().where('id', '=', setId).executeTakeFirstOrThrow();
  const items = await db
    .selectFrom('deposit_set_items as si')
    .innerJoin('items as it', 'it.id', 'si.item_id')
    .leftJoin('clusters as c', 'c.id', 'it.cluster_id')
    .leftJoin('items as rep', 'rep.id', 'si.replacement_item_id')
    .select([
      'si.item_id',
      'it.barcode',
      'it.call_number',
      'c.title',
      'si.outcome',
      'si.loans',
      'si.resolved_on',
      'rep.barcode as replacement_barcode',
      'si.paid_rupiah',
    ])
    .where('si.set_id', '=', setId)
    .orderBy('it.call_number')
    .orderBy('c.title')
    .orderBy('si.item_id')
    .execute();
  return {
    id: set.id,
    programId: set.program_id,
    sequence: set.sequence,
    status: set.status,
    issuedOn: set.issued_on,
    dueOn: set.due_on,
    returnedOn: set.returned_on,
    loansReported: set.loans_reported,
    lender: { id: p.lender_library_id, code: p.lender_code, name: p.lender_name },
    recipient: { id: p.recipient_library_id, code: p.recipient_code, name: p.recipient_name },
    agreementTitle: p.agreement_title,
    items: items.map((i) => ({
      itemId: i.item_id,
      barcode: i.barcode,
      callNumber: i.call_number,
      title: i.title ?? '—',
      outcome: i.outcome,
      loans: i.loans,
      resolvedOn: i.resolved_on,
      replacementBarcode: i.replacement_barcode,
      paidRupiah: i.paid_rupiah,
    })),
    canManage: isLender(actor, p),
  };
}

/** The school reports how often the set was borrowed; the lender may record it for her. */
export async function reportDepositUse(
  db: Db,
  actor: Actor,
  setId: number,
  input: { loansReported: number; items?: Array<{ itemId: number; loans: number }> | undefined },
): Promise<DepositSet> {
  await db.transaction().execute(async (trx) => {
    const p = await programOfSet(trx, actor, setId);
    const inSet = new Set(
      (await trx.selectFrom('deposit_set_items').select('item_id').where('set_id', '=', setId).execute()).map(
        (i) => i.item_id,
      ),
    );
    const errors: FieldError[] = (input.items ?? []).flatMap((it, i) =>
      inSet.has(it.itemId) ? [] : [{ field: `items.${i}.itemId`, message: pmsg('deposit_not_in_set') }],
    );
    if (errors.length) throw new Invalid(errors);
    await trx
      .updateTable('deposit_sets')
      .set({ loans_reported: input.loansReported })
      .where('id', '=', setId)
      .execute();
    for (const it of input.items ?? []) {
      await trx
        .updateTable('deposit_set_items')
        .set({ loans: it.loans })
        .where('set_id', '=', setId)
        .where('item_id', '=', it.itemId)
        .execute();
    }
    await audit(trx, actor, {
      action: 'report_use',
      entity: 'deposit_set',
      entityId: setId,
      libraryId: actor.libraryId === p.recipient_library_id ? p.recipient_library_id : p.lender_library_id,
      after: { loansReported: input.loansReported, items: input.items?.length ?? 0 },
    });
  });
  return getDepositSet(db, actor, setId);
}

export interface ResolveInput {
  kind: 'replaced' | 'paid';
  replacementBarcode?: string | undefined;
  amountRupiah?: number | undefined;
  on?: string | undefined;
}

/**
 * A missing item settled as the agreement says: the school hands in a copy
 * (a new item of the lender, the lost one withdrawn) or pays (the item lost).
 */
export async function resolveMissingItem(
  db: Db,
  actor: Actor,
  setId: number,
  itemId: number,
  input: ResolveInput,
  today: string = todayIso(),
): Promise<DepositSet> {
  const on = input.on ?? today;
  await db.transaction().execute(async (trx) => {
    const p = await programOfSet(trx, actor, setId);
    assertLender(actor, p);
    const si = await trx
      .selectFrom('deposit_set_items as si')
      .innerJoin('items as it', 'it.id', 'si.item_id')
      .select(['si.outcome', 'it.cluster_id', 'it.call_number', 'it.location', 'it.barcode'])
      .where('si.set_id', '=', setId)
      .where('si.item_id', '=', itemId)
      .executeTakeFirst();
    if (!si) throw notFound('item');
    if (si.outcome !== 'missing') throw new Conflict('deposit_not_missing', pmsg('deposit_not_missing'));
    const terms = await agreementTerms(trx, p.recipient_library_id, p.lender_library_id, 'deposit_collections', on);
    const rule = terms.lostItemRule?.rule;
    const expected = rule === 'replace_copy' ? 'replaced' : rule === 'pay_amount' ? 'paid' : null;
    if (rule === 'none' || (expected && expected !== input.kind)) {
      const name = lostRuleNames[rule ?? 'none'] ?? { id: String(rule), en: String(rule) };
      const m = pmsg('deposit_rule_mismatch', { rule: '{r}' });
      throw new Conflict(
        'deposit_rule_mismatch',
        { id: m.id.replace('{r}', name.id), en: m.en.replace('{r}', name.en) },
        { rule: rule ?? null },
      );
    }
    if (input.kind === 'replaced') {
      const barcode = input.replacementBarcode?.trim();
      if (!barcode) throw invalidField('replacementBarcode', msg('field_required'));
      const taken = await trx
        .selectFrom('items')
        .select('id')
        .where('library_id', '=', p.lender_library_id)
        .where('barcode', '=', barcode)
        .executeTakeFirst();
      if (taken) throw new Conflict('duplicate_barcode', pmsg('duplicate_barcode', { barcode }));
      const rep = await trx
        .insertInto('items')
        .values({
          library_id: p.lender_library_id,
          cluster_id: si.cluster_id,
          barcode,
          call_number: si.call_number,
          location: si.location,
          status: 'available',
          loanable: true,
          note: `Pengganti ${si.barcode ?? `#${itemId}`} dari ${p.recipient_name} (koleksi titipan)`,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await holdItems(trx, [itemId], 'deposit', 'withdrawn', {
        note: `Hilang di ${p.recipient_name}; diganti ${barcode}`,
      });
      await trx
        .updateTable('deposit_set_items')
        .set({ outcome: 'replaced', replacement_item_id: rep.id, resolved_on: on })
        .where('set_id', '=', setId)
        .where('item_id', '=', itemId)
        .execute();
    } else {
      const amount = input.amountRupiah ?? terms.lostItemRule?.amountRupiah ?? null;
      if (amount === null) throw invalidField('amountRupiah', msg('field_required'));
      await holdItems(trx, [itemId], 'deposit', 'lost', { note: `Hilang di ${p.recipient_name}; dibayar Rp${amount}` });
      await trx
        .updateTable('deposit_set_items')
        .set({ outcome: 'paid', paid_rupiah: amount, resolved_on: on })
        .where('set_id', '=', setId)
        .where('item_id', '=', itemId)
        .execute();
    }
    await audit(trx, actor, {
      action: input.kind === 'replaced' ? 'replace_lost' : 'pay_lost',
      entity: 'deposit_set',
      entityId: setId,
      libraryId: p.lender_library_id,
      after: { itemId, ...input, on },
    });
  });
  return getDepositSet(db, actor, setId);
}
