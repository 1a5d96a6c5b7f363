/**
 * What the API shows: a request as its borrowing library sees it, a lender's
 * record as the lending library sees it, their timelines, the actions allowed
 * now (asked of the pure machines), the two work queues, pick slips and
 * shipping labels.
 */
import { sql } from 'kysely';
import type { Actor } from '../platform/actor.ts';
import type { Db, DbOrTrx } from '../platform/db.ts';
import { type Page, type PageParams, pageOf } from '../platform/paging.ts';
import { type Charge, chargeOut } from './charges.ts';
import type { RequestRow, SupplierRow } from './engine.ts';
import { clusterOfRequest, LENDER_ACTIONS, type LenderAction } from './lending.ts';
import { lendingPolicy } from './policies.ts';
import { applyRequesterEvent, REQUESTER_TERMINAL, type RequesterState } from './requester-states.ts';
import { BORROWER_ACTIONS, type BorrowerAction, borrowerEvent } from './requests.ts';
import { applySupplierEvent, SUPPLIER_TERMINAL, type SupplierEvent, type SupplierState } from './supplier-states.ts';
import type { Citation } from './tables.ts';
import { notFound } from './texts.ts';

/** A request waits too long at a lender after this many days without news. */
export const WAITING_TOO_LONG_DAYS = 7;

export interface LibraryBrief {
  id: number;
  code: string;
  name: string;
}

export interface TimelineEntry {
  id: number;
  at: string;
  side: 'borrower' | 'lender';
  actor: string;
  kind: string;
  event: string;
  fromState: string | null;
  toState: string | null;
  note: string | null;
  data: Record<string, unknown> | null;
}

export interface CopyFile {
  id: number;
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: string;
}

export interface RotaEntry {
  position: number;
  library: LibraryBrief;
  status: string;
  addedBy: 'auto' | 'staff';
  score: number | null;
  reasons: Array<{ id: string; en: string }>;
  agencyRequestId: string | null;
  sentAt: string | null;
  answerDueAt: string | null;
  finishedAt: string | null;
}

export interface RequestDetail {
  id: number;
  hrid: string;
  side: 'borrower';
  state: RequesterState;
  previousState: string | null;
  serviceType: 'Loan' | 'Copy';
  copyDelivery: 'file' | 'paper' | null;
  clusterId: number | null;
  citation: Citation;
  patron: { id: number; memberNumber: string; name: string } | null;
  borrower: LibraryBrief;
  pickup: LibraryBrief;
  neededBy: string | null;
  note: string | null;
  dueAt: string | null;
  renewalCount: number;
  conditions: { kind: 'conditions' | 'retry' | null; conditions: string[]; note: string | null } | null;
  copyright: { declaredAt: string; declaredBy: string; statement: string } | null;
  warnings: Array<{ code: string; message: { id: string; en: string } }>;
  currentLender: LibraryBrief | null;
  supplierRequestId: number | null;
  rota: RotaEntry[];
  flags: { overdue: boolean; waitingTooLong: boolean };
  allowedActions: string[];
  copyFiles: CopyFile[];
  charges: Charge[];
  timeline: TimelineEntry[];
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
  shippedAt: string | null;
  receivedAt: string | null;
  returnedAt: string | null;
  closedAt: string | null;
}

export interface SupplierDetail {
  id: number;
  hrid: string;
  side: 'lender';
  state: SupplierState;
  previousState: string | null;
  serviceType: 'Loan' | 'Copy';
  copyDelivery: 'file' | 'paper' | null;
  citation: Citation;
  clusterId: number | null;
  lender: LibraryBrief;
  borrower: LibraryBrief | null;
  requestingAgency: { type: string; value: string; requestId: string };
  patronRef: string | null;
  neededBy: string | null;
  note: string | null;
  pickupAddress: string | null;
  copyrightCompliance: string | null;
  dueAt: string | null;
  renewalCount: number;
  conditions: { conditions: string[]; note: string | null } | null;
  item: {
    id: number;
    barcode: string | null;
    callNumber: string | null;
    location: string | null;
    status: string;
  } | null;
  availableItems: Array<{ id: number; barcode: string | null; callNumber: string | null; location: string | null }>;
  flags: { overdue: boolean; waitingTooLong: boolean };
  allowedActions: string[];
  copyFiles: CopyFile[];
  charges: Charge[];
  timeline: TimelineEntry[];
  createdAt: string;
  updatedAt: string;
  answeredAt: string | null;
  shippedAt: string | null;
  returnedAt: string | null;
  closedAt: string | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

async function briefs(db: DbOrTrx, ids: number[]): Promise<Map<number, LibraryBrief>> {
  const uniq = [...new Set(ids)];
  if (!uniq.length) return new Map();
  const rows = await db.selectFrom('libraries').select(['id', 'code', 'name']).where('id', 'in', uniq).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

function entry(e: {
  id: number;
  at: Date;
  side: 'borrower' | 'lender';
  actor_label: string;
  kind: string;
  event: string;
  from_state: string | null;
  to_state: string | null;
  note: string | null;
  data: Record<string, unknown> | null;
}): TimelineEntry {
  return {
    id: e.id,
    at: e.at.toISOString(),
    side: e.side,
    actor: e.actor_label,
    kind: e.kind,
    event: e.event,
    fromState: e.from_state,
    toState: e.to_state,
    note: e.note,
    data: e.data,
  };
}

async function copyFilesOf(db: DbOrTrx, supplierIds: number[]): Promise<CopyFile[]> {
  if (!supplierIds.length) return [];
  const rows = await db
    .selectFrom('ill_copy_files')
    .selectAll()
    .where('supplier_request_id', 'in', supplierIds)
    .orderBy('id')
    .execute();
  return rows.map((f) => ({
    id: f.id,
    filename: f.filename,
    contentType: f.content_type,
    sizeBytes: f.size_bytes,
    sha256: f.sha256,
    uploadedBy: f.uploaded_by,
    uploadedAt: f.created_at.toISOString(),
  }));
}

const ON_LOAN_B = new Set(['Received', 'Overdue', 'Recalled', 'RenewPending', 'Shipped']);
const WAITING_B = new Set([
  'SentToSupplier',
  'ExpectToSupply',
  'WillSupply',
  'ConditionalAnswerReceived',
  'CancelPending',
]);
const ON_LOAN_S = new Set(['Loaned', 'Overdue', 'Recalled', 'RenewRequested']);
const WAITING_S = new Set([
  'RequestReceived',
  'ExpectToSupply',
  'WillSupply',
  'ConditionalPending',
  'CancelRequested',
  'RenewRequested',
]);

function borrowerFlags(r: RequestRow, answerDueAt: Date | null, now = Date.now()) {
  const overdue = r.state === 'Overdue' || (ON_LOAN_B.has(r.state) && r.due_at !== null && r.due_at.getTime() < now);
  const stale = now - r.updated_at.getTime() > WAITING_TOO_LONG_DAYS * 86_400_000;
  const waitingTooLong =
    WAITING_B.has(r.state) &&
    ((r.state === 'SentToSupplier' && answerDueAt !== null && answerDueAt.getTime() < now) || stale);
  return { overdue, waitingTooLong };
}

function lenderFlags(s: SupplierRow, answerHours: number, now = Date.now()) {
  const overdue = s.state === 'Overdue' || (ON_LOAN_S.has(s.state) && s.due_at !== null && s.due_at.getTime() < now);
  const waitingTooLong =
    WAITING_S.has(s.state) &&
    ((s.state === 'RequestReceived' && now - s.created_at.getTime() > answerHours * 3600_000) ||
      now - s.updated_at.getTime() > WAITING_TOO_LONG_DAYS * 86_400_000);
  return { overdue, waitingTooLong };
}

// ------------------------------------------------------------------ allowed actions

async function borrowerAllowed(db: DbOrTrx, r: RequestRow): Promise<string[]> {
  const pending = await db
    .selectFrom('ill_rota')
    .select('id')
    .where('request_id', '=', r.id)
    .where('status', '=', 'pending')
    .limit(1)
    .executeTakeFirst();
  const ctx = {
    serviceType: r.service_type,
    hasNextLender: pending !== undefined,
    ...(r.previous_state ? { previousState: r.previous_state as RequesterState } : {}),
    ...(r.conditional_kind ? { conditionalKind: r.conditional_kind } : {}),
    ...(r.cancel_intent ? { cancelIntent: r.cancel_intent } : {}),
  };
  const out: string[] = [];
  for (const a of BORROWER_ACTIONS) {
    if (a === 'declareCopyright') {
      if (
        r.service_type === 'Copy' &&
        r.copyright_declared_at === null &&
        !REQUESTER_TERMINAL.has(r.state as RequesterState)
      )
        out.push(a);
      continue;
    }
    if (a === 'send' && r.service_type === 'Copy' && r.copyright_declared_at === null) continue;
    const ev = borrowerEvent(a as BorrowerAction, { note: 'x' });
    if (!ev) continue;
    // A re-send brings its own lenders.
    const res = applyRequesterEvent(
      r.state as RequesterState,
      ev,
      a === 'resend' ? { ...ctx, hasNextLender: true } : ctx,
    );
    if (res.ok && !res.duplicate) out.push(a);
  }
  if (r.state === 'New' || r.state === 'Validated') out.push('editRota');
  return out;
}

const SAMPLE: Record<LenderAction, SupplierEvent> = {
  expectToSupply: { type: 'expectToSupply' },
  willSupply: { type: 'willSupply' },
  offerConditions: { type: 'offerConditions', conditions: ['x'] },
  retryPossible: { type: 'retryPossible', reasonRetry: 'x' },
  unfilled: { type: 'unfilled', reasonUnfilled: 'x' },
  ship: { type: 'ship', dueDate: '2999-01-01T00:00:00Z' },
  deliverCopy: { type: 'deliverCopy' },
  recall: { type: 'recall' },
  checkIn: { type: 'checkIn' },
  declareLost: { type: 'declareLost' },
  approveCancel: { type: 'approveCancel' },
  refuseCancel: { type: 'refuseCancel' },
  approveRenew: { type: 'approveRenew', dueDate: '2999-01-01T00:00:00Z' },
  refuseRenew: { type: 'refuseRenew' },
};

function lenderAllowed(s: SupplierRow): string[] {
  const ctx = {
    serviceType: s.service_type,
    ...(s.previous_state ? { previousState: s.previous_state as SupplierState } : {}),
  };
  return LENDER_ACTIONS.filter((a) => {
    const res = applySupplierEvent(s.state as SupplierState, SAMPLE[a], ctx);
    return res.ok && !res.duplicate;
  });
}

// ------------------------------------------------------------------ who sees what

type Seer = 'side' | 'coordinator';

function seesAs(actor: Actor | null, libraryId: number | null, networkId: number): Seer | null {
  if (!actor) return null;
  if (actor.role === 'system') return 'side';
  if (libraryId !== null && actor.libraryId === libraryId) return 'side';
  if (actor.role === 'network_coordinator' && actor.networkId === networkId) return 'coordinator';
  return null;
}

// ------------------------------------------------------------------ detail

export async function requestDetail(db: DbOrTrx, actor: Actor | null, id: number): Promise<RequestDetail> {
  const r = await db.selectFrom('ill_requests').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('request');
  const borrowerLib = await db
    .selectFrom('libraries')
    .select('network_id')
    .where('id', '=', r.borrower_library_id)
    .executeTakeFirstOrThrow();
  const seer = seesAs(actor, r.borrower_library_id, borrowerLib.network_id);
  if (!seer) throw notFound('request');
  const [rota, events, patron, charges, sup] = await Promise.all([
    db.selectFrom('ill_rota').selectAll().where('request_id', '=', id).orderBy('position').execute(),
    db.selectFrom('ill_events').selectAll().where('request_id', '=', id).orderBy('id').execute(),
    r.patron_id === null
      ? undefined
      : db
          .selectFrom('patrons')
          .select(['id', 'member_number', 'full_name'])
          .where('id', '=', r.patron_id)
          .executeTakeFirst(),
    db.selectFrom('ill_charges').selectAll().where('request_id', '=', id).orderBy('id').execute(),
    db.selectFrom('ill_supplier_requests').select(['id', 'rota_id', 'state']).where('request_id', '=', id).execute(),
  ]);
  const libs = await briefs(db, [r.borrower_library_id, r.pickup_library_id, ...rota.map((x) => x.lender_library_id)]);
  // The lender asked now, or after the request closed the one that supplied it.
  const current = rota.find((x) => x.status === 'current') ?? rota.find((x) => x.status === 'supplied') ?? null;
  const currentSupplier = current ? sup.find((s) => s.rota_id === current.id) : undefined;
  // The borrower sees the copy once the lender delivered it.
  const files = currentSupplier?.state === 'CopyCompleted' ? await copyFilesOf(db, [currentSupplier.id]) : [];
  const lib = (i: number) => libs.get(i) ?? { id: i, code: '?', name: '?' };
  return {
    id: r.id,
    hrid: r.hrid,
    side: 'borrower',
    state: r.state as RequesterState,
    previousState: r.previous_state,
    serviceType: r.service_type,
    copyDelivery: r.copy_delivery,
    clusterId: r.cluster_id,
    citation: r.citation,
    patron: patron ? { id: patron.id, memberNumber: patron.member_number, name: patron.full_name } : null,
    borrower: lib(r.borrower_library_id),
    pickup: lib(r.pickup_library_id),
    neededBy: r.needed_by,
    note: r.note,
    dueAt: iso(r.due_at),
    renewalCount: r.renewal_count,
    conditions: r.conditions
      ? { kind: r.conditional_kind, conditions: r.conditions.conditions, note: r.conditions.note ?? null }
      : null,
    copyright:
      r.copyright_declared_at && r.copyright_declared_by
        ? {
            declaredAt: r.copyright_declared_at.toISOString(),
            declaredBy: r.copyright_declared_by,
            statement: r.copyright_statement ?? '',
          }
        : null,
    warnings: r.warnings,
    currentLender: current ? lib(current.lender_library_id) : null,
    supplierRequestId: currentSupplier?.id ?? null,
    rota: rota.map((x) => ({
      position: x.position,
      library: lib(x.lender_library_id),
      status: x.status,
      addedBy: x.added_by,
      score: x.score === null ? null : Number(x.score),
      reasons: x.reasons,
      agencyRequestId: x.agency_request_id,
      sentAt: iso(x.sent_at),
      answerDueAt: iso(x.answer_due_at),
      finishedAt: iso(x.finished_at),
    })),
    flags: borrowerFlags(r, current?.answer_due_at ?? null),
    allowedActions: seer === 'side' ? await borrowerAllowed(db, r) : [],
    copyFiles: files,
    charges: charges.map(chargeOut),
    timeline: events.map(entry),
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    sentAt: iso(r.sent_at),
    shippedAt: iso(r.shipped_at),
    receivedAt: iso(r.received_at),
    returnedAt: iso(r.returned_at),
    closedAt: iso(r.closed_at),
  };
}

export function citationOfMessage(s: SupplierRow): Citation {
  const b = s.request_message.bibliographicInfo;
  const p = s.request_message.publicationInfo;
  const ids = b.bibliographicItemId ?? [];
  const isbn = ids.find((i) => i.bibliographicItemIdentifierCode.value.toUpperCase() === 'ISBN');
  const issn = ids.find((i) => i.bibliographicItemIdentifierCode.value.toUpperCase() === 'ISSN');
  return {
    title: b.title ?? '—',
    ...(b.author ? { author: b.author } : {}),
    ...(isbn ? { isbn: isbn.bibliographicItemIdentifier } : {}),
    ...(issn ? { issn: issn.bibliographicItemIdentifier } : {}),
    ...(p?.publisher ? { publisher: p.publisher } : {}),
    ...(p?.publicationDate ? { year: p.publicationDate } : {}),
    ...(b.edition ? { edition: b.edition } : {}),
    ...(b.titleOfComponent ? { articleTitle: b.titleOfComponent } : {}),
    ...(b.authorOfComponent ? { articleAuthor: b.authorOfComponent } : {}),
    ...(b.volume?.[0] ? { volume: b.volume[0] } : {}),
    ...(b.issue ? { issue: b.issue } : {}),
    ...(b.pagesRequested ? { pages: b.pagesRequested } : {}),
  };
}

function pickupOfMessage(s: SupplierRow): string | null {
  const a = s.request_message.requestedDeliveryInfo?.[0]?.address;
  if (!a) return null;
  if ('physicalAddress' in a) {
    const p = a.physicalAddress;
    return [p.line1, p.line2, p.locality, p.postalCode, p.region].filter(Boolean).join(', ') || null;
  }
  return a.electronicAddress.electronicAddressData;
}

export async function supplierDetail(db: DbOrTrx, actor: Actor | null, id: number): Promise<SupplierDetail> {
  const s = await db.selectFrom('ill_supplier_requests').selectAll().where('id', '=', id).executeTakeFirst();
  if (!s) throw notFound('supplier_request');
  const lenderLib = await db
    .selectFrom('libraries')
    .select('network_id')
    .where('id', '=', s.lender_library_id)
    .executeTakeFirstOrThrow();
  const seer = seesAs(actor, s.lender_library_id, lenderLib.network_id);
  if (!seer) throw notFound('supplier_request');
  const cluster = clusterOfRequest(s);
  const [events, item, avail, charges, files, policy] = await Promise.all([
    db.selectFrom('ill_events').selectAll().where('supplier_request_id', '=', id).orderBy('id').execute(),
    s.item_id === null
      ? undefined
      : db
          .selectFrom('items')
          .select(['id', 'barcode', 'call_number', 'location', 'status'])
          .where('id', '=', s.item_id)
          .executeTakeFirst(),
    cluster === null
      ? []
      : db
          .selectFrom('items')
          .select(['id', 'barcode', 'call_number', 'location'])
          .where('library_id', '=', s.lender_library_id)
          .where('cluster_id', '=', cluster)
          .where('status', '=', 'available')
          .where('loanable', '=', true)
          .orderBy('id')
          .limit(20)
          .execute(),
    db.selectFrom('ill_charges').selectAll().where('supplier_request_id', '=', id).orderBy('id').execute(),
    copyFilesOf(db, [id]),
    lendingPolicy(db, s.lender_library_id),
  ]);
  const libs = await briefs(db, [s.lender_library_id, ...(s.borrower_library_id ? [s.borrower_library_id] : [])]);
  const m = s.request_message;
  return {
    id: s.id,
    hrid: s.hrid,
    side: 'lender',
    state: s.state as SupplierState,
    previousState: s.previous_state,
    serviceType: s.service_type,
    copyDelivery: s.copy_delivery,
    citation: citationOfMessage(s),
    clusterId: cluster,
    lender: libs.get(s.lender_library_id) ?? { id: s.lender_library_id, code: '?', name: '?' },
    borrower: s.borrower_library_id ? (libs.get(s.borrower_library_id) ?? null) : null,
    requestingAgency: {
      type: s.requesting_agency_type,
      value: s.requesting_agency_value,
      requestId: s.requesting_agency_request_id,
    },
    patronRef: m.patronInfo?.patronId ?? null,
    neededBy: m.serviceInfo.needBeforeDate?.slice(0, 10) ?? null,
    note: m.serviceInfo.note ?? null,
    pickupAddress: pickupOfMessage(s),
    copyrightCompliance: m.serviceInfo.copyrightCompliance?.value ?? null,
    dueAt: iso(s.due_at),
    renewalCount: s.renewal_count,
    conditions: s.conditions ? { conditions: s.conditions.conditions, note: s.conditions.note ?? null } : null,
    item: item
      ? {
          id: item.id,
          barcode: item.barcode,
          callNumber: item.call_number,
          location: item.location,
          status: item.status,
        }
      : null,
    availableItems: avail.map((a) => ({
      id: a.id,
      barcode: a.barcode,
      callNumber: a.call_number,
      location: a.location,
    })),
    flags: lenderFlags(s, policy.answerHours),
    allowedActions: seer === 'side' ? lenderAllowed(s) : [],
    copyFiles: files,
    charges: charges.map(chargeOut),
    timeline: events.map(entry),
    createdAt: s.created_at.toISOString(),
    updatedAt: s.updated_at.toISOString(),
    answeredAt: iso(s.answered_at),
    shippedAt: iso(s.shipped_at),
    returnedAt: iso(s.returned_at),
    closedAt: iso(s.closed_at),
  };
}

// ------------------------------------------------------------------ queues

export interface QueueFilter extends PageParams {
  /** Library whose queue (default: the actor's own; coordinators may name another of the network). */
  library?: number | undefined;
  /** States, or 'open' / 'closed'. */
  status?: string[] | undefined;
  /** The other library, by id. */
  partner?: number | undefined;
  /** Only requests at least this many days old. */
  minAgeDays?: number | undefined;
  overdue?: boolean | undefined;
  waitingTooLong?: boolean | undefined;
  serviceType?: 'Loan' | 'Copy' | undefined;
  q?: string | undefined;
}

export interface QueueItem {
  id: number;
  hrid: string;
  state: string;
  serviceType: 'Loan' | 'Copy';
  title: string;
  author: string | null;
  partner: LibraryBrief | null;
  patronName: string | null;
  neededBy: string | null;
  dueAt: string | null;
  createdAt: string;
  updatedAt: string;
  ageDays: number;
  flags: { overdue: boolean; waitingTooLong: boolean };
}

export function queueLibrary(actor: Actor, library: number | undefined): number | null {
  if (library === undefined || library === actor.libraryId) return actor.libraryId;
  return actor.role === 'network_coordinator' || actor.role === 'system' ? library : -1;
}

export async function assertQueueLibrary(db: Db, actor: Actor, libraryId: number | null): Promise<number> {
  if (libraryId === null || libraryId === -1) throw notFound('request');
  if (actor.role === 'network_coordinator' && libraryId !== actor.libraryId) {
    const l = await db.selectFrom('libraries').select('network_id').where('id', '=', libraryId).executeTakeFirst();
    if (!l || l.network_id !== actor.networkId) throw notFound('request');
  }
  return libraryId;
}

function statusFilter(
  status: string[] | undefined,
  terminal: ReadonlySet<string>,
): { in?: string[]; notIn?: string[] } {
  if (!status?.length) return {};
  if (status.includes('open')) return { notIn: [...terminal] };
  if (status.includes('closed')) return { in: [...terminal] };
  return { in: status };
}

const ageDays = (d: Date, now = Date.now()) => Math.floor((now - d.getTime()) / 86_400_000);

/** The borrowing library's outgoing queue. */
export async function outgoingQueue(db: Db, actor: Actor, f: QueueFilter): Promise<Page<QueueItem>> {
  const lib = await assertQueueLibrary(db, actor, queueLibrary(actor, f.library));
  const { page, pageSize, offset } = pageOf(f);
  const st = statusFilter(f.status, REQUESTER_TERMINAL);
  const now = new Date();
  const stale = new Date(now.getTime() - WAITING_TOO_LONG_DAYS * 86_400_000);
  let q = db
    .selectFrom('ill_requests as r')
    .leftJoin('ill_rota as c', (j) => j.onRef('c.request_id', '=', 'r.id').on('c.status', '=', 'current'))
    .leftJoin('patrons as p', 'p.id', 'r.patron_id')
    .where('r.borrower_library_id', '=', lib);
  if (st.in) q = q.where('r.state', 'in', st.in);
  if (st.notIn) q = q.where('r.state', 'not in', st.notIn);
  if (f.partner !== undefined) q = q.where('c.lender_library_id', '=', f.partner);
  if (f.serviceType) q = q.where('r.service_type', '=', f.serviceType);
  if (f.minAgeDays !== undefined)
    q = q.where('r.created_at', '<=', new Date(now.getTime() - f.minAgeDays * 86_400_000));
  if (f.q?.trim()) {
    const like = `%${f.q.trim().toLowerCase()}%`;
    q = q.where((eb) =>
      eb.or([
        eb(sql`lower(r.citation->>'title')`, 'like', like),
        eb(sql`lower(r.hrid)`, 'like', like),
        eb(sql`lower(p.full_name)`, 'like', like),
      ]),
    );
  }
  if (f.overdue) {
    q = q.where((eb) =>
      eb.or([eb('r.state', '=', 'Overdue'), eb.and([eb('r.state', 'in', [...ON_LOAN_B]), eb('r.due_at', '<', now)])]),
    );
  }
  if (f.waitingTooLong) {
    q = q
      .where('r.state', 'in', [...WAITING_B])
      .where((eb) =>
        eb.or([
          eb.and([eb('r.state', '=', 'SentToSupplier'), eb('c.answer_due_at', '<', now)]),
          eb('r.updated_at', '<', stale),
        ]),
      );
  }
  const [rows, total] = await Promise.all([
    q
      .selectAll('r')
      .select(['c.lender_library_id', 'c.answer_due_at', 'p.full_name as patron_name'])
      .orderBy('r.updated_at', 'desc')
      .orderBy('r.id', 'desc')
      .limit(pageSize)
      .offset(offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const libs = await briefs(
    db,
    rows.map((r) => r.lender_library_id).filter((x): x is number => x !== null),
  );
  return {
    items: rows.map((r) => ({
      id: r.id,
      hrid: r.hrid,
      state: r.state,
      serviceType: r.service_type,
      title: r.citation.title,
      author: r.citation.author ?? null,
      partner: r.lender_library_id !== null ? (libs.get(r.lender_library_id) ?? null) : null,
      patronName: r.patron_name,
      neededBy: r.needed_by,
      dueAt: iso(r.due_at),
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
      ageDays: ageDays(r.created_at),
      flags: borrowerFlags(r as unknown as RequestRow, r.answer_due_at),
    })),
    total: Number(total.n),
    page,
    pageSize,
  };
}

/** The lending library's incoming queue. */
export async function incomingQueue(db: Db, actor: Actor, f: QueueFilter): Promise<Page<QueueItem>> {
  const lib = await assertQueueLibrary(db, actor, queueLibrary(actor, f.library));
  const { page, pageSize, offset } = pageOf(f);
  const st = statusFilter(f.status, SUPPLIER_TERMINAL);
  const policy = await lendingPolicy(db, lib);
  const now = new Date();
  const stale = new Date(now.getTime() - WAITING_TOO_LONG_DAYS * 86_400_000);
  let q = db.selectFrom('ill_supplier_requests as s').where('s.lender_library_id', '=', lib);
  if (st.in) q = q.where('s.state', 'in', st.in);
  if (st.notIn) q = q.where('s.state', 'not in', st.notIn);
  if (f.partner !== undefined) q = q.where('s.borrower_library_id', '=', f.partner);
  if (f.serviceType) q = q.where('s.service_type', '=', f.serviceType);
  if (f.minAgeDays !== undefined)
    q = q.where('s.created_at', '<=', new Date(now.getTime() - f.minAgeDays * 86_400_000));
  if (f.q?.trim()) {
    const like = `%${f.q.trim().toLowerCase()}%`;
    q = q.where((eb) =>
      eb.or([
        eb(sql`lower(s.request_message->'bibliographicInfo'->>'title')`, 'like', like),
        eb(sql`lower(s.hrid)`, 'like', like),
        eb(sql`lower(s.requesting_agency_request_id)`, 'like', like),
      ]),
    );
  }
  if (f.overdue) {
    q = q.where((eb) =>
      eb.or([eb('s.state', '=', 'Overdue'), eb.and([eb('s.state', 'in', [...ON_LOAN_S]), eb('s.due_at', '<', now)])]),
    );
  }
  if (f.waitingTooLong) {
    q = q
      .where('s.state', 'in', [...WAITING_S])
      .where((eb) =>
        eb.or([
          eb.and([
            eb('s.state', '=', 'RequestReceived'),
            eb('s.created_at', '<', new Date(now.getTime() - policy.answerHours * 3600_000)),
          ]),
          eb('s.updated_at', '<', stale),
        ]),
      );
  }
  const [rows, total] = await Promise.all([
    q.selectAll('s').orderBy('s.updated_at', 'desc').orderBy('s.id', 'desc').limit(pageSize).offset(offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const libs = await briefs(
    db,
    rows.map((r) => r.borrower_library_id).filter((x): x is number => x !== null),
  );
  return {
    items: rows.map((s) => {
      const c = citationOfMessage(s);
      return {
        id: s.id,
        hrid: s.hrid,
        state: s.state,
        serviceType: s.service_type,
        title: c.title,
        author: c.author ?? null,
        partner: s.borrower_library_id !== null ? (libs.get(s.borrower_library_id) ?? null) : null,
        patronName: null,
        neededBy: s.request_message.serviceInfo.needBeforeDate?.slice(0, 10) ?? null,
        dueAt: iso(s.due_at),
        createdAt: s.created_at.toISOString(),
        updatedAt: s.updated_at.toISOString(),
        ageDays: ageDays(s.created_at),
        flags: lenderFlags(s, policy.answerHours),
      };
    }),
    total: Number(total.n),
    page,
    pageSize,
  };
}

// ------------------------------------------------------------------ slips and labels

export interface PickSlip {
  hrid: string;
  requestingAgencyRequestId: string;
  serviceType: 'Loan' | 'Copy';
  title: string;
  author: string | null;
  pages: string | null;
  articleTitle: string | null;
  neededBy: string | null;
  borrower: { code: string; name: string } | null;
  patronRef: string | null;
  note: string | null;
  items: Array<{
    id: number;
    barcode: string | null;
    callNumber: string | null;
    location: string | null;
    chosen: boolean;
  }>;
  printedAt: string;
}

export async function pickSlip(db: DbOrTrx, actor: Actor, id: number): Promise<PickSlip> {
  const d = await supplierDetail(db, actor, id);
  const items = d.item
    ? [
        {
          id: d.item.id,
          barcode: d.item.barcode,
          callNumber: d.item.callNumber,
          location: d.item.location,
          chosen: true,
        },
      ]
    : d.availableItems.map((i) => ({ ...i, chosen: false }));
  return {
    hrid: d.hrid,
    requestingAgencyRequestId: d.requestingAgency.requestId,
    serviceType: d.serviceType,
    title: d.citation.title,
    author: d.citation.author ?? null,
    pages: d.citation.pages ?? null,
    articleTitle: d.citation.articleTitle ?? null,
    neededBy: d.neededBy,
    borrower: d.borrower ? { code: d.borrower.code, name: d.borrower.name } : null,
    patronRef: d.patronRef,
    note: d.note,
    items,
    printedAt: new Date().toISOString(),
  };
}

export interface ShippingLabel {
  hrid: string;
  requestingAgencyRequestId: string;
  from: { name: string; address: string | null; phone: string | null };
  to: { name: string; address: string | null; phone: string | null };
  barcode: string | null;
  dueAt: string | null;
  /** 'outbound' from the lender, 'return' back to it. */
  direction: 'outbound' | 'return';
}

/** Outbound label for the lender; return label for the borrower (pass the borrower's request id with side='borrower'). */
export async function shippingLabel(
  db: DbOrTrx,
  actor: Actor,
  side: 'lender' | 'borrower',
  id: number,
): Promise<ShippingLabel> {
  let supplierId: number;
  if (side === 'borrower') {
    const r = await requestDetail(db, actor, id);
    if (r.supplierRequestId === null) throw notFound('supplier_request');
    supplierId = r.supplierRequestId;
  } else {
    supplierId = (await supplierDetail(db, actor, id)).id;
  }
  const s = await db
    .selectFrom('ill_supplier_requests')
    .selectAll()
    .where('id', '=', supplierId)
    .executeTakeFirstOrThrow();
  const libs = await db
    .selectFrom('libraries')
    .select(['id', 'name', 'address', 'phone'])
    .where('id', 'in', [s.lender_library_id, ...(s.borrower_library_id ? [s.borrower_library_id] : [])])
    .execute();
  const lender = libs.find((l) => l.id === s.lender_library_id);
  const borrower = libs.find((l) => l.id === s.borrower_library_id);
  const item = s.item_id
    ? await db.selectFrom('items').select('barcode').where('id', '=', s.item_id).executeTakeFirst()
    : undefined;
  const lenderAddr = { name: lender?.name ?? '?', address: lender?.address ?? null, phone: lender?.phone ?? null };
  const borrowerAddr = {
    name: borrower?.name ?? s.request_message.requestingAgencyInfo?.name ?? s.requesting_agency_value,
    address: pickupOfMessage(s) ?? borrower?.address ?? null,
    phone: borrower?.phone ?? null,
  };
  return {
    hrid: s.hrid,
    requestingAgencyRequestId: s.requesting_agency_request_id,
    from: side === 'lender' ? lenderAddr : borrowerAddr,
    to: side === 'lender' ? borrowerAddr : lenderAddr,
    barcode: item?.barcode ?? null,
    dueAt: iso(s.due_at),
    direction: side === 'lender' ? 'outbound' : 'return',
  };
}
