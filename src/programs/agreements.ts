import { sql } from 'kysely';
import { notify } from '../notify/notify.ts';
import { type Actor, roleAtLeast, systemActor } from '../platform/actor.ts';
import { audit, diff } from '../platform/audit.ts';
import type { Db, DbOrTrx } from '../platform/db.ts';
import { Conflict, type FieldError, Forbidden, Invalid, invalidField } from '../platform/errors.ts';
import { type Bilingual, msg } from '../platform/messages.ts';
import { type Page, type PageParams, pageOf } from '../platform/paging.ts';
import {
  type AgreementAction,
  type AgreementStatus,
  EXPIRING_DAYS,
  effectiveStatus,
  reminderDue,
  transition,
} from './agreement-state.ts';
import { addDays, todayIso } from './dates.ts';
import { lostRuleNames, notFound, pmsg, programNames } from './messages.ts';
import type { LostItemRule, PartyTerms, Program, StoredAgreementStatus } from './tables.ts';

export const PARTY_ROLES = ['first_party', 'second_party', 'third_party', 'member', 'coordinator', 'funder'] as const;
export const INSTITUTION_KINDS = [
  'school',
  'university',
  'library',
  'bank',
  'forum',
  'government',
  'company',
  'other',
] as const;

export interface AgreementParty {
  position: number;
  libraryId: number | null;
  libraryCode: string | null;
  libraryName: string | null;
  institutionName: string | null;
  institutionKind: string | null;
  /** The name to show: the library's name or the outside institution's. */
  name: string;
  role: string;
  /** Who signs for this party when it cannot sign itself (a UPT: its parent). */
  signedByLibraryId: number | null;
  signedByLibraryCode: string | null;
  signedByLibraryName: string | null;
  signatoryName: string | null;
  signatoryTitle: string | null;
  terms: PartyTerms;
}

export interface AgreementDocument {
  id: number;
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  uploadedAt: string;
}

export interface AgreementSummary {
  id: number;
  title: string;
  number: string | null;
  kind: 'mou' | 'pks';
  written: boolean;
  status: AgreementStatus;
  programs: string[];
  startsOn: string | null;
  endsOn: string | null;
  isPublic: boolean;
  parties: Array<{ libraryCode: string | null; name: string; role: string }>;
}

export interface Agreement extends Omit<AgreementSummary, 'parties'> {
  networkId: number;
  storedStatus: StoredAgreementStatus;
  statusReason: string | null;
  implementsId: number | null;
  implementsTitle: string | null;
  renewsId: number | null;
  renewedById: number | null;
  background: string | null;
  purpose: string | null;
  divisionOfWork: string | null;
  financing: string | null;
  method: string | null;
  parties: AgreementParty[];
  documents: AgreementDocument[];
  createdAt: string;
  updatedAt: string;
  /** What the asking actor may do, so clients need not repeat the rules. */
  canManage: boolean;
}

// ------------------------------------------------------------------ visibility

interface AgreementRef {
  id: number;
  network_id: number;
  is_public: boolean;
}

async function involvedLibraryIds(db: DbOrTrx, agreementId: number): Promise<Set<number>> {
  const rows = await db
    .selectFrom('agreement_parties')
    .select(['library_id', 'signed_by_library_id'])
    .where('agreement_id', '=', agreementId)
    .execute();
  const ids = new Set<number>();
  for (const r of rows) {
    if (r.library_id !== null) ids.add(r.library_id);
    if (r.signed_by_library_id !== null) ids.add(r.signed_by_library_id);
  }
  return ids;
}

/** Parties (and whoever signs for them) and the network's coordinators see an agreement; everyone sees a public one. */
function canSee(actor: Actor | null, a: AgreementRef, involved: Set<number>): boolean {
  if (a.is_public) return true;
  if (!actor) return false;
  if (actor.role === 'system') return true;
  if (actor.role === 'network_coordinator') return actor.networkId === a.network_id;
  return actor.libraryId !== null && involved.has(actor.libraryId);
}

function canManage(actor: Actor | null, a: AgreementRef, involved: Set<number>): boolean {
  if (!actor) return false;
  if (actor.role === 'system') return true;
  if (actor.role === 'network_coordinator') return actor.networkId === a.network_id;
  return roleAtLeast(actor, 'library_admin') && actor.libraryId !== null && involved.has(actor.libraryId);
}

function assertManage(actor: Actor, a: AgreementRef, involved: Set<number>): void {
  if (canManage(actor, a, involved)) return;
  if (actor.libraryId !== null && involved.has(actor.libraryId)) throw new Forbidden();
  throw new Forbidden(msg('forbidden_other_library'), 'forbidden_other_library');
}

async function loadRef(
  db: DbOrTrx,
  actor: Actor | null,
  id: number,
): Promise<AgreementRef & { involved: Set<number> }> {
  const row = await db
    .selectFrom('agreements')
    .select(['id', 'network_id', 'is_public'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('agreement');
  const involved = await involvedLibraryIds(db, id);
  // Not telling outsiders that a private agreement exists.
  if (!canSee(actor, row, involved)) throw notFound('agreement');
  return { ...row, involved };
}

/** For other modules: may this actor see the agreement, and is it the actor's to manage. */
export async function agreementAccess(
  db: DbOrTrx,
  actor: Actor | null,
  id: number,
): Promise<{ canSee: boolean; canManage: boolean; involved: Set<number> }> {
  const row = await db
    .selectFrom('agreements')
    .select(['id', 'network_id', 'is_public'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return { canSee: false, canManage: false, involved: new Set() };
  const involved = await involvedLibraryIds(db, id);
  return { canSee: canSee(actor, row, involved), canManage: canManage(actor, row, involved), involved };
}

// ------------------------------------------------------------------ reading

async function loadParties(db: DbOrTrx, agreementIds: number[]) {
  if (!agreementIds.length) return [];
  return db
    .selectFrom('agreement_parties as p')
    .leftJoin('libraries as l', 'l.id', 'p.library_id')
    .leftJoin('libraries as s', 's.id', 'p.signed_by_library_id')
    .select([
      'p.agreement_id',
      'p.position',
      'p.library_id',
      'l.code as library_code',
      'l.name as library_name',
      'p.institution_name',
      'p.institution_kind',
      'p.role',
      'p.signed_by_library_id',
      's.code as signer_code',
      's.name as signer_name',
      'p.signatory_name',
      'p.signatory_title',
      'p.terms',
    ])
    .where('p.agreement_id', 'in', agreementIds)
    .orderBy('p.agreement_id')
    .orderBy('p.position')
    .execute();
}

type PartyRow = Awaited<ReturnType<typeof loadParties>>[number];

function presentParty(p: PartyRow): AgreementParty {
  return {
    position: p.position,
    libraryId: p.library_id,
    libraryCode: p.library_code,
    libraryName: p.library_name,
    institutionName: p.institution_name,
    institutionKind: p.institution_kind,
    name: p.library_name ?? p.institution_name ?? '',
    role: p.role,
    signedByLibraryId: p.signed_by_library_id,
    signedByLibraryCode: p.signer_code,
    signedByLibraryName: p.signer_name,
    signatoryName: p.signatory_name,
    signatoryTitle: p.signatory_title,
    terms: p.terms,
  };
}

export async function getAgreement(
  db: DbOrTrx,
  actor: Actor | null,
  id: number,
  asOf: string = todayIso(),
): Promise<Agreement> {
  const ref = await loadRef(db, actor, id);
  return present(db, actor, ref, asOf);
}

async function present(db: DbOrTrx, actor: Actor | null, ref: AgreementRef & { involved: Set<number> }, asOf: string) {
  const a = await db
    .selectFrom('agreements as a')
    .leftJoin('agreements as m', 'm.id', 'a.implements_id')
    .selectAll('a')
    .select('m.title as implements_title')
    .where('a.id', '=', ref.id)
    .executeTakeFirstOrThrow();
  const [parties, docs, renewedBy] = await Promise.all([
    loadParties(db, [a.id]),
    db
      .selectFrom('agreement_documents')
      .select(['id', 'filename', 'content_type', 'size_bytes', 'sha256', 'created_at'])
      .where('agreement_id', '=', a.id)
      .orderBy('id')
      .execute(),
    db.selectFrom('agreements').select('id').where('renews_id', '=', a.id).executeTakeFirst(),
  ]);
  return {
    id: a.id,
    networkId: a.network_id,
    title: a.title,
    number: a.number,
    kind: a.kind,
    written: a.written,
    status: effectiveStatus(a.status, a.ends_on, asOf),
    storedStatus: a.status,
    statusReason: a.status_reason,
    implementsId: a.implements_id,
    implementsTitle: a.implements_title,
    renewsId: a.renews_id,
    renewedById: renewedBy?.id ?? null,
    background: a.background,
    purpose: a.purpose,
    programs: a.programs,
    startsOn: a.starts_on,
    endsOn: a.ends_on,
    divisionOfWork: a.division_of_work,
    financing: a.financing,
    method: a.method,
    isPublic: a.is_public,
    parties: parties.map(presentParty),
    documents: docs.map((d) => ({
      id: d.id,
      filename: d.filename,
      contentType: d.content_type,
      sizeBytes: d.size_bytes,
      sha256: d.sha256,
      uploadedAt: d.created_at.toISOString(),
    })),
    createdAt: a.created_at.toISOString(),
    updatedAt: a.updated_at.toISOString(),
    canManage: canManage(actor, ref, ref.involved),
  } satisfies Agreement;
}

export interface AgreementFilter extends PageParams {
  q?: string | undefined;
  /** A library code or id: agreements it is a party to. */
  partner?: string | undefined;
  status?: AgreementStatus | undefined;
  program?: Program | undefined;
  /** Only agreements in force that end within 90 days. */
  expiringSoon?: boolean | undefined;
  asOf?: string | undefined;
}

export async function listAgreements(db: Db, actor: Actor | null, f: AgreementFilter): Promise<Page<AgreementSummary>> {
  const { page, pageSize, offset } = pageOf(f);
  const asOf = f.asOf ?? todayIso();
  const soon = addDays(asOf, EXPIRING_DAYS);
  let q = db.selectFrom('agreements as a');
  // Visibility is decided in SQL so paging counts only what the actor may see.
  if (!actor) q = q.where('a.is_public', '=', true);
  else if (actor.role === 'network_coordinator') {
    const networkId = actor.networkId ?? -1;
    q = q.where((eb) => eb.or([eb('a.is_public', '=', true), eb('a.network_id', '=', networkId)]));
  } else if (actor.role !== 'system') {
    const libraryId = actor.libraryId ?? -1;
    q = q.where((eb) =>
      eb.or([
        eb('a.is_public', '=', true),
        eb.exists(
          eb
            .selectFrom('agreement_parties as vp')
            .select('vp.id')
            .whereRef('vp.agreement_id', '=', 'a.id')
            .where((e2) => e2.or([e2('vp.library_id', '=', libraryId), e2('vp.signed_by_library_id', '=', libraryId)])),
        ),
      ]),
    );
  }
  if (f.q) {
    const like = `%${f.q.trim().toLowerCase()}%`;
    q = q.where((eb) =>
      eb.or([eb(sql`lower(a.title)`, 'like', like), eb(sql`lower(coalesce(a.number, ''))`, 'like', like)]),
    );
  }
  if (f.partner) {
    const partner = f.partner;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('agreement_parties as fp')
          .innerJoin('libraries as fl', 'fl.id', 'fp.library_id')
          .select('fp.id')
          .whereRef('fp.agreement_id', '=', 'a.id')
          .where((e2) =>
            /^\d+$/.test(partner) ? e2('fl.id', '=', Number(partner)) : e2('fl.code', '=', partner.toUpperCase()),
          ),
      ),
    );
  }
  if (f.program) q = q.where(sql<boolean>`${f.program} = any(a.programs)`);
  const status = f.expiringSoon ? 'expiring' : f.status;
  if (status) {
    switch (status) {
      case 'draft':
      case 'renewed':
      case 'terminated':
        q = q.where('a.status', '=', status);
        break;
      case 'active':
        q = q
          .where('a.status', '=', 'active')
          .where((eb) => eb.or([eb('a.ends_on', 'is', null), eb('a.ends_on', '>', soon)]));
        break;
      case 'expiring':
        q = q.where('a.status', '=', 'active').where('a.ends_on', '>=', asOf).where('a.ends_on', '<=', soon);
        break;
      case 'expired':
        q = q.where('a.status', '=', 'active').where('a.ends_on', '<', asOf);
        break;
    }
  }
  const [rows, count] = await Promise.all([
    q
      .select(['a.id', 'a.title', 'a.number', 'a.kind', 'a.written', 'a.status', 'a.programs'])
      .select(['a.starts_on', 'a.ends_on', 'a.is_public'])
      .orderBy(sql`a.ends_on is null`)
      .orderBy('a.ends_on')
      .orderBy('a.id')
      .limit(pageSize)
      .offset(offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const parties = await loadParties(
    db,
    rows.map((r) => r.id),
  );
  return {
    items: rows.map((r) => ({
      id: r.id,
      title: r.title,
      number: r.number,
      kind: r.kind,
      written: r.written,
      status: effectiveStatus(r.status, r.ends_on, asOf),
      programs: r.programs,
      startsOn: r.starts_on,
      endsOn: r.ends_on,
      isPublic: r.is_public,
      parties: parties
        .filter((p) => p.agreement_id === r.id)
        .map((p) => ({ libraryCode: p.library_code, name: p.library_name ?? p.institution_name ?? '', role: p.role })),
    })),
    total: Number(count.n),
    page,
    pageSize,
  };
}

// ------------------------------------------------------------------ changing

export interface PartyInput {
  libraryCode?: string | null | undefined;
  institutionName?: string | null | undefined;
  institutionKind?: string | null | undefined;
  role: string;
  signedByLibraryCode?: string | null | undefined;
  signatoryName?: string | null | undefined;
  signatoryTitle?: string | null | undefined;
  terms?: PartyTerms | undefined;
}

export interface AgreementInput {
  title: string;
  number?: string | null | undefined;
  kind: 'mou' | 'pks';
  written?: boolean | undefined;
  implementsId?: number | null | undefined;
  background?: string | null | undefined;
  purpose?: string | null | undefined;
  programs?: Program[] | undefined;
  startsOn?: string | null | undefined;
  endsOn?: string | null | undefined;
  divisionOfWork?: string | null | undefined;
  financing?: string | null | undefined;
  method?: string | null | undefined;
  isPublic?: boolean | undefined;
  parties: PartyInput[];
}

export type AgreementPatch = Partial<AgreementInput>;

interface ResolvedParty {
  library_id: number | null;
  institution_name: string | null;
  institution_kind: string | null;
  role: string;
  signed_by_library_id: number | null;
  signatory_name: string | null;
  signatory_title: string | null;
  terms: string;
  networkId: number | null;
}

async function resolveParties(db: DbOrTrx, parties: PartyInput[]): Promise<ResolvedParty[]> {
  const errors: FieldError[] = [];
  const out: ResolvedParty[] = [];
  const seen = new Set<number>();
  for (const [i, p] of parties.entries()) {
    const field = `parties.${i}`;
    let libraryId: number | null = null;
    let signer: number | null = null;
    let networkId: number | null = null;
    if (p.libraryCode) {
      const lib = await db
        .selectFrom('libraries')
        .select(['id', 'network_id', 'signs_own_agreements', 'parent_library_id'])
        .where('code', '=', p.libraryCode.toUpperCase())
        .executeTakeFirst();
      if (!lib) {
        errors.push({ field: `${field}.libraryCode`, message: msg('library_unknown') });
        continue;
      }
      if (seen.has(lib.id)) errors.push({ field: `${field}.libraryCode`, message: pmsg('party_twice') });
      seen.add(lib.id);
      libraryId = lib.id;
      networkId = lib.network_id;
      let given: number | null = null;
      if (p.signedByLibraryCode) {
        const s = await db
          .selectFrom('libraries')
          .select('id')
          .where('code', '=', p.signedByLibraryCode.toUpperCase())
          .executeTakeFirst();
        if (!s) errors.push({ field: `${field}.signedByLibraryCode`, message: msg('library_unknown') });
        else given = s.id;
      }
      // A technical unit cannot sign; its parent signs for it, whatever the form said.
      if (!lib.signs_own_agreements && lib.parent_library_id !== null) {
        if (given !== null && given !== lib.parent_library_id) {
          errors.push({ field: `${field}.signedByLibraryCode`, message: pmsg('signer_not_parent') });
        }
        signer = lib.parent_library_id;
      } else if (given !== null && given !== lib.id) {
        signer = given;
      }
    } else if (!p.institutionName?.trim()) {
      errors.push({ field, message: pmsg('party_needs_name') });
      continue;
    }
    out.push({
      library_id: libraryId,
      institution_name: libraryId === null ? (p.institutionName?.trim() ?? null) : null,
      institution_kind: p.institutionKind ?? null,
      role: p.role,
      signed_by_library_id: signer,
      signatory_name: p.signatoryName ?? null,
      signatory_title: p.signatoryTitle ?? null,
      terms: JSON.stringify(p.terms ?? {}),
      networkId,
    });
  }
  if (parties.length < 2) errors.push({ field: 'parties', message: pmsg('parties_too_few') });
  if (errors.length) throw new Invalid(errors);
  return out;
}

function checkDates(startsOn: string | null | undefined, endsOn: string | null | undefined) {
  if (startsOn && endsOn && endsOn < startsOn) throw invalidField('endsOn', pmsg('dates_order'));
}

async function checkImplements(db: DbOrTrx, kind: 'mou' | 'pks', implementsId: number | null | undefined) {
  if (implementsId === undefined || implementsId === null) return;
  const m = await db.selectFrom('agreements').select('kind').where('id', '=', implementsId).executeTakeFirst();
  if (!m) throw invalidField('implementsId', pmsg('agreement_unknown'));
  if (kind !== 'pks' || m.kind !== 'mou') throw invalidField('implementsId', pmsg('implements_not_mou'));
}

function snapshot(a: Agreement): Record<string, unknown> {
  return {
    title: a.title,
    number: a.number,
    kind: a.kind,
    written: a.written,
    status: a.storedStatus,
    programs: a.programs,
    startsOn: a.startsOn,
    endsOn: a.endsOn,
    isPublic: a.isPublic,
    implementsId: a.implementsId,
    background: a.background,
    purpose: a.purpose,
    divisionOfWork: a.divisionOfWork,
    financing: a.financing,
    method: a.method,
    parties: a.parties.map((p) => ({
      name: p.name,
      role: p.role,
      signedBy: p.signedByLibraryCode,
      signatory: p.signatoryName,
      terms: p.terms,
    })),
  };
}

/** The library an audit row belongs to: the actor's if it is involved, else the first library party. */
function auditLibrary(actor: Actor, involved: Set<number>, parties: Array<{ library_id: number | null }>) {
  if (actor.libraryId !== null && involved.has(actor.libraryId)) return actor.libraryId;
  return parties.find((p) => p.library_id !== null)?.library_id ?? null;
}

async function insertParties(trx: DbOrTrx, agreementId: number, parties: ResolvedParty[]) {
  await trx
    .insertInto('agreement_parties')
    .values(
      parties.map((p, position) => ({
        agreement_id: agreementId,
        position,
        library_id: p.library_id,
        institution_name: p.institution_name,
        institution_kind: p.institution_kind,
        role: p.role,
        signed_by_library_id: p.signed_by_library_id,
        signatory_name: p.signatory_name,
        signatory_title: p.signatory_title,
        terms: p.terms,
      })),
    )
    .execute();
}

function involvedOf(parties: ResolvedParty[]): Set<number> {
  const s = new Set<number>();
  for (const p of parties) {
    if (p.library_id !== null) s.add(p.library_id);
    if (p.signed_by_library_id !== null) s.add(p.signed_by_library_id);
  }
  return s;
}

/** Registering an agreement is for an administrator of one of its library parties (or of the one signing for it). */
export async function createAgreement(db: Db, actor: Actor, input: AgreementInput): Promise<Agreement> {
  return db.transaction().execute(async (trx) => {
    const parties = await resolveParties(trx, input.parties);
    checkDates(input.startsOn, input.endsOn);
    await checkImplements(trx, input.kind, input.implementsId);
    const involved = involvedOf(parties);
    const networkId = actor.networkId ?? parties.find((p) => p.networkId !== null)?.networkId ?? null;
    if (networkId === null) throw invalidField('parties', pmsg('party_not_yours'));
    if (actor.role !== 'system' && actor.role !== 'network_coordinator') {
      if (actor.libraryId === null || !involved.has(actor.libraryId)) {
        throw new Forbidden(pmsg('party_not_yours'), 'forbidden_other_library');
      }
    }
    assertManage(actor, { id: 0, network_id: networkId, is_public: false }, involved);
    const row = await trx
      .insertInto('agreements')
      .values({
        network_id: networkId,
        title: input.title.trim(),
        number: input.number ?? null,
        kind: input.kind,
        written: input.written ?? true,
        implements_id: input.implementsId ?? null,
        background: input.background ?? null,
        purpose: input.purpose ?? null,
        programs: input.programs ?? [],
        starts_on: input.startsOn ?? null,
        ends_on: input.endsOn ?? null,
        division_of_work: input.divisionOfWork ?? null,
        financing: input.financing ?? null,
        method: input.method ?? null,
        is_public: input.isPublic ?? false,
        created_by: actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await insertParties(trx, row.id, parties);
    const created = await present(
      trx,
      actor,
      { id: row.id, network_id: networkId, is_public: false, involved },
      todayIso(),
    );
    await audit(trx, actor, {
      action: 'create',
      entity: 'agreement',
      entityId: row.id,
      libraryId: auditLibrary(actor, involved, parties),
      after: snapshot(created),
    });
    return created;
  });
}

const columns: Array<[keyof AgreementPatch, string]> = [
  ['title', 'title'],
  ['number', 'number'],
  ['kind', 'kind'],
  ['written', 'written'],
  ['implementsId', 'implements_id'],
  ['background', 'background'],
  ['purpose', 'purpose'],
  ['programs', 'programs'],
  ['startsOn', 'starts_on'],
  ['endsOn', 'ends_on'],
  ['divisionOfWork', 'division_of_work'],
  ['financing', 'financing'],
  ['method', 'method'],
  ['isPublic', 'is_public'],
];

export async function updateAgreement(
  db: Db,
  actor: Actor,
  id: number,
  patch: AgreementPatch,
  today: string = todayIso(),
): Promise<Agreement> {
  return db.transaction().execute(async (trx) => {
    const ref = await loadRef(trx, actor, id);
    assertManage(actor, ref, ref.involved);
    const before = await present(trx, actor, ref, today);
    assertTransition(before.status, 'edit');
    checkDates(
      patch.startsOn !== undefined ? patch.startsOn : before.startsOn,
      patch.endsOn !== undefined ? patch.endsOn : before.endsOn,
    );
    await checkImplements(
      trx,
      patch.kind ?? before.kind,
      patch.implementsId !== undefined ? patch.implementsId : before.implementsId,
    );
    const set: Record<string, unknown> = {};
    for (const [k, col] of columns) if (patch[k] !== undefined) set[col] = patch[k];
    if (typeof set.title === 'string') set.title = set.title.trim();
    let involved = ref.involved;
    if (patch.parties) {
      const parties = await resolveParties(trx, patch.parties);
      involved = involvedOf(parties);
      // Nobody hands an agreement over to libraries they do not act for.
      assertManage(actor, ref, involved);
      await trx.deleteFrom('agreement_parties').where('agreement_id', '=', id).execute();
      await insertParties(trx, id, parties);
    }
    await trx
      .updateTable('agreements')
      .set({ ...set, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
    const after = await present(trx, actor, { ...ref, involved }, today);
    const changes = diff(snapshot(before), snapshot(after));
    if (changes) {
      await audit(trx, actor, {
        action: 'update',
        entity: 'agreement',
        entityId: id,
        libraryId: auditLibrary(
          actor,
          involved,
          after.parties.map((p) => ({ library_id: p.libraryId })),
        ),
        ...changes,
      });
    }
    return after;
  });
}

function assertTransition(current: AgreementStatus, action: AgreementAction) {
  const t = transition(current, action);
  if (!t.ok) throw new Conflict('illegal_transition', t.reason, { status: current, action });
  return t.next;
}

async function changeStatus(
  db: Db,
  actor: Actor,
  id: number,
  action: 'activate' | 'terminate',
  reason: string | null,
  today: string,
): Promise<Agreement> {
  return db.transaction().execute(async (trx) => {
    const ref = await loadRef(trx, actor, id);
    assertManage(actor, ref, ref.involved);
    const before = await present(trx, actor, ref, today);
    const next = assertTransition(before.status, action);
    if (action === 'activate') {
      const missing: FieldError[] = [];
      if (!before.startsOn) missing.push({ field: 'startsOn', message: pmsg('dates_needed') });
      if (!before.endsOn) missing.push({ field: 'endsOn', message: pmsg('dates_needed') });
      if (missing.length) throw new Invalid(missing);
    }
    await trx
      .updateTable('agreements')
      .set({ status: next, status_reason: reason, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
    const after = await present(trx, actor, ref, today);
    await audit(trx, actor, {
      action,
      entity: 'agreement',
      entityId: id,
      libraryId: auditLibrary(
        actor,
        ref.involved,
        after.parties.map((p) => ({ library_id: p.libraryId })),
      ),
      before: { status: before.status },
      after: { status: after.status, ...(reason ? { reason } : {}) },
    });
    return after;
  });
}

export const activateAgreement = (db: Db, actor: Actor, id: number, today: string = todayIso()) =>
  changeStatus(db, actor, id, 'activate', null, today);

export const terminateAgreement = (db: Db, actor: Actor, id: number, reason: string, today: string = todayIso()) =>
  changeStatus(db, actor, id, 'terminate', reason, today);

export interface RenewInput {
  startsOn: string;
  endsOn: string;
  number?: string | null | undefined;
  title?: string | undefined;
}

/** A renewal is a new agreement in force, linked to the one it renews; the old one becomes 'renewed'. */
export async function renewAgreement(
  db: Db,
  actor: Actor,
  id: number,
  input: RenewInput,
  today: string = todayIso(),
): Promise<Agreement> {
  checkDates(input.startsOn, input.endsOn);
  return db.transaction().execute(async (trx) => {
    const ref = await loadRef(trx, actor, id);
    assertManage(actor, ref, ref.involved);
    const old = await present(trx, actor, ref, today);
    assertTransition(old.status, 'renew');
    const oldRow = await trx.selectFrom('agreements').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const row = await trx
      .insertInto('agreements')
      .values({
        network_id: oldRow.network_id,
        title: input.title?.trim() || oldRow.title,
        number: input.number ?? null,
        kind: oldRow.kind,
        written: oldRow.written,
        implements_id: oldRow.implements_id,
        renews_id: id,
        background: oldRow.background,
        purpose: oldRow.purpose,
        programs: oldRow.programs,
        starts_on: input.startsOn,
        ends_on: input.endsOn,
        division_of_work: oldRow.division_of_work,
        financing: oldRow.financing,
        method: oldRow.method,
        is_public: oldRow.is_public,
        status: 'active',
        created_by: actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('agreement_parties')
      .columns([
        'agreement_id',
        'position',
        'library_id',
        'institution_name',
        'institution_kind',
        'role',
        'signed_by_library_id',
        'signatory_name',
        'signatory_title',
        'terms',
      ])
      .expression((eb) =>
        eb
          .selectFrom('agreement_parties')
          .select([
            sql<number>`${row.id}::bigint`.as('agreement_id'),
            'position',
            'library_id',
            'institution_name',
            'institution_kind',
            'role',
            'signed_by_library_id',
            'signatory_name',
            'signatory_title',
            'terms',
          ])
          .where('agreement_id', '=', id),
      )
      .execute();
    await trx
      .updateTable('agreements')
      .set({ status: 'renewed', status_reason: null, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
    const libraryId = auditLibrary(
      actor,
      ref.involved,
      old.parties.map((p) => ({ library_id: p.libraryId })),
    );
    await audit(trx, actor, {
      action: 'renew',
      entity: 'agreement',
      entityId: id,
      libraryId,
      before: { status: old.status },
      after: { status: 'renewed', renewedBy: row.id },
    });
    const created = await present(trx, actor, { ...ref, id: row.id }, today);
    await audit(trx, actor, {
      action: 'create',
      entity: 'agreement',
      entityId: row.id,
      libraryId,
      after: { ...snapshot(created), renews: id },
    });
    return created;
  });
}

export interface HistoryEntry {
  at: string;
  actorLabel: string;
  action: string;
  before: unknown;
  after: unknown;
}

/** The agreement's own audit trail; those who may see the agreement may see how it came to be. */
export async function agreementHistory(db: Db, actor: Actor | null, id: number): Promise<HistoryEntry[]> {
  await loadRef(db, actor, id);
  // The audit log is the platform's; this module reads only its own entity's rows.
  const rows = await db
    .selectFrom('audit_log')
    .select(['at', 'actor_label', 'action', 'before', 'after'])
    .where('entity', '=', 'agreement')
    .where('entity_id', '=', String(id))
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    at: r.at.toISOString(),
    actorLabel: r.actor_label,
    action: r.action,
    before: r.before,
    after: r.after,
  }));
}

// ------------------------------------------------------------------ reminders

export interface ReminderFired {
  agreementId: number;
  daysBefore: number;
  endsOn: string;
}

/**
 * Run once a day (the job scheduler, or `simpul reminders`). Idempotent: the
 * unique (agreement, days) row means a second run on the same day, or a rerun
 * after a crash, records nothing twice.
 */
export async function runAgreementReminders(db: Db, today: string = todayIso()): Promise<ReminderFired[]> {
  const due = await db
    .selectFrom('agreements')
    .select(['id', 'title', 'ends_on'])
    .where('status', '=', 'active')
    .where('ends_on', '>=', today)
    .where('ends_on', '<=', addDays(today, 90))
    .orderBy('id')
    .execute();
  const fired: ReminderFired[] = [];
  const actor = systemActor('agreement-reminders');
  for (const a of due) {
    if (!a.ends_on) continue;
    const endsOn = a.ends_on;
    const sent = await db
      .selectFrom('agreement_reminders')
      .select('days_before')
      .where('agreement_id', '=', a.id)
      .execute();
    const days = reminderDue(endsOn, today, new Set(sent.map((s) => s.days_before)));
    if (days === null) continue;
    const inserted = await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('agreement_reminders')
        .values({ agreement_id: a.id, days_before: days, ends_on: endsOn })
        .onConflict((oc) => oc.columns(['agreement_id', 'days_before']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!row) return false;
      const first = await trx
        .selectFrom('agreement_parties')
        .select('library_id')
        .where('agreement_id', '=', a.id)
        .where('library_id', 'is not', null)
        .orderBy('position')
        .executeTakeFirst();
      await audit(trx, actor, {
        action: 'reminder',
        entity: 'agreement',
        entityId: a.id,
        libraryId: first?.library_id ?? null,
        after: { daysBefore: days, endsOn, on: today },
      });
      // Every staff member of each party library and of a library that signs for one.
      const parties = await trx
        .selectFrom('agreement_parties')
        .select(['library_id', 'signed_by_library_id'])
        .where('agreement_id', '=', a.id)
        .execute();
      const libraries = new Set<number>();
      for (const p of parties) {
        if (p.library_id !== null) libraries.add(p.library_id);
        if (p.signed_by_library_id !== null) libraries.add(p.signed_by_library_id);
      }
      await notify(trx, {
        to: [...libraries].map((libraryId) => ({ libraryId })),
        kind: 'agreement.reminder',
        subject: pmsg('reminder_subject', { title: a.title, days }),
        body: pmsg('reminder', { title: a.title, date: endsOn, days }),
        link: `/programs/agreements/${a.id}`,
      });
      return true;
    });
    if (inserted) fired.push({ agreementId: a.id, daysBefore: days, endsOn });
  }
  return fired;
}

export interface Notice {
  id: number;
  agreementId: number;
  title: string;
  daysBefore: number;
  endsOn: string;
  createdAt: string;
  message: Bilingual;
}

/** Reminders for the agreements the actor's library is party to (or signs for); coordinators see the network's. */
export async function listNotices(db: Db, actor: Actor): Promise<Notice[]> {
  let q = db
    .selectFrom('agreement_reminders as r')
    .innerJoin('agreements as a', 'a.id', 'r.agreement_id')
    .select(['r.id', 'r.agreement_id', 'a.title', 'r.days_before', 'r.ends_on', 'r.created_at'])
    .where('a.status', '=', 'active');
  if (actor.role === 'network_coordinator') q = q.where('a.network_id', '=', actor.networkId ?? -1);
  else if (actor.role !== 'system') {
    const libraryId = actor.libraryId ?? -1;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('agreement_parties as p')
          .select('p.id')
          .whereRef('p.agreement_id', '=', 'a.id')
          .where((e2) => e2.or([e2('p.library_id', '=', libraryId), e2('p.signed_by_library_id', '=', libraryId)])),
      ),
    );
  }
  const rows = await q.orderBy('r.created_at', 'desc').orderBy('r.id', 'desc').limit(50).execute();
  return rows.map((r) => ({
    id: r.id,
    agreementId: r.agreement_id,
    title: r.title,
    daysBefore: r.days_before,
    endsOn: r.ends_on,
    createdAt: r.created_at.toISOString(),
    message: pmsg('reminder', { title: r.title, date: r.ends_on, days: r.days_before }),
  }));
}

// ------------------------------------------------------------------ what is allowed

export interface AgreementTermsAnswer {
  allowed: boolean;
  program: Program;
  date: string;
  agreementIds: number[];
  agreements: Array<{ id: number; title: string; number: string | null; endsOn: string | null }>;
  /** What the provider (b) grants. */
  loanPeriodDays: number | null;
  quota: number | null;
  feeRupiah: number | null;
  preferredPartner: boolean;
  visitorsMayBorrow: boolean;
  exchangeRatio: string | null;
  /** What the receiver (a) owes when it loses an item it received. */
  lostItemRule: { rule: LostItemRule; amountRupiah: number | null } | null;
  reasons: Bilingual[];
}

async function libraryOf(db: DbOrTrx, ref: string | number) {
  const q = db.selectFrom('libraries').select(['id', 'code', 'name', 'network_id']);
  const row = await (typeof ref === 'number' || /^\d+$/.test(ref)
    ? q.where('id', '=', Number(ref))
    : q.where('code', '=', ref.toUpperCase())
  ).executeTakeFirst();
  return row ?? null;
}

/**
 * The one question other modules ask: what do the agreements in force on
 * `date` between library a (the one that receives: its patrons borrow, it
 * receives the deposit set, its card holders visit) and library b (the one that
 * provides) allow for a program? Several agreements may apply; the answer takes
 * the most generous loan terms and the first stated rule for lost items.
 */
export async function agreementTerms(
  db: DbOrTrx,
  a: string | number,
  b: string | number,
  program: Program,
  date: string = todayIso(),
): Promise<AgreementTermsAnswer> {
  const [la, lb] = await Promise.all([libraryOf(db, a), libraryOf(db, b)]);
  const none: AgreementTermsAnswer = {
    allowed: false,
    program,
    date,
    agreementIds: [],
    agreements: [],
    loanPeriodDays: null,
    quota: null,
    feeRupiah: null,
    preferredPartner: false,
    visitorsMayBorrow: false,
    exchangeRatio: null,
    lostItemRule: null,
    reasons: [],
  };
  const names = programNames[program] ?? { id: program, en: program };
  const noAgreement = (an: string, bn: string) => {
    const m = pmsg('terms_none', { a: an, b: bn, program: '{p}', date });
    return { id: m.id.replace('{p}', names.id), en: m.en.replace('{p}', names.en) };
  };
  if (!la || !lb) return { ...none, reasons: [noAgreement(String(a), String(b))] };
  const rows = await db
    .selectFrom('agreements as ag')
    .innerJoin('agreement_parties as pa', (j) =>
      j.onRef('pa.agreement_id', '=', 'ag.id').on('pa.library_id', '=', la.id),
    )
    .innerJoin('agreement_parties as pb', (j) =>
      j.onRef('pb.agreement_id', '=', 'ag.id').on('pb.library_id', '=', lb.id),
    )
    .select([
      'ag.id',
      'ag.title',
      'ag.number',
      'ag.starts_on',
      'ag.ends_on',
      'pa.terms as a_terms',
      'pb.terms as b_terms',
    ])
    .where('ag.status', '=', 'active')
    .where(sql<boolean>`${program} = any(ag.programs)`)
    .where((eb) => eb.or([eb('ag.starts_on', 'is', null), eb('ag.starts_on', '<=', date)]))
    .where((eb) => eb.or([eb('ag.ends_on', 'is', null), eb('ag.ends_on', '>=', date)]))
    .orderBy('ag.starts_on', 'desc')
    .orderBy('ag.id', 'desc')
    .execute();
  if (!rows.length) return { ...none, reasons: [noAgreement(la.name, lb.name)] };
  const max = (vals: Array<number | undefined>) => {
    const v = vals.filter((x): x is number => typeof x === 'number');
    return v.length ? Math.max(...v) : null;
  };
  const min = (vals: Array<number | undefined>) => {
    const v = vals.filter((x): x is number => typeof x === 'number');
    return v.length ? Math.min(...v) : null;
  };
  const lost = rows.map((r) => r.a_terms.lostItems).find((x) => x !== undefined);
  const reasons: Bilingual[] = rows.map((r) => {
    const m = pmsg('terms_found', {
      title: r.title,
      number: r.number ?? '—',
      from: r.starts_on ?? '…',
      until: r.ends_on ?? '…',
      program: '{p}',
    });
    return { id: m.id.replace('{p}', names.id), en: m.en.replace('{p}', names.en) };
  });
  if (lost) {
    const rn = lostRuleNames[lost.rule] ?? { id: lost.rule, en: lost.rule };
    const amount = lost.amountRupiah ? ` (Rp${lost.amountRupiah.toLocaleString('id-ID')})` : '';
    reasons.push({
      id: `Bila hilang, ${la.name}: ${rn.id}${amount}`,
      en: `If lost, ${la.name}: ${rn.en}${amount}`,
    });
  }
  return {
    allowed: true,
    program,
    date,
    agreementIds: rows.map((r) => r.id),
    agreements: rows.map((r) => ({ id: r.id, title: r.title, number: r.number, endsOn: r.ends_on })),
    loanPeriodDays: max(rows.map((r) => r.b_terms.loanPeriodDays)),
    quota: max(rows.map((r) => r.b_terms.loanQuota)),
    feeRupiah: min(rows.map((r) => r.b_terms.feeRupiah)),
    preferredPartner: rows.some((r) => r.b_terms.preferredIllPartner === true),
    visitorsMayBorrow: rows.some((r) => r.b_terms.visitorsMayBorrow === true),
    exchangeRatio: rows.map((r) => r.b_terms.exchangeRatio).find((x) => x !== undefined) ?? null,
    lostItemRule: lost ? { rule: lost.rule, amountRupiah: lost.amountRupiah ?? null } : null,
    reasons,
  };
}

/** The HTTP face of agreementTerms: staff ask about their own library's agreements. */
export async function agreementTermsFor(
  db: Db,
  actor: Actor,
  a: string,
  b: string,
  program: Program,
  date: string | undefined,
): Promise<AgreementTermsAnswer> {
  const [la, lb] = await Promise.all([libraryOf(db, a), libraryOf(db, b)]);
  if (!la) throw invalidField('a', msg('library_unknown'));
  if (!lb) throw invalidField('b', msg('library_unknown'));
  const mine =
    actor.role === 'system' ||
    (actor.role === 'network_coordinator' &&
      (actor.networkId === la.network_id || actor.networkId === lb.network_id)) ||
    actor.libraryId === la.id ||
    actor.libraryId === lb.id;
  if (!mine) throw new Forbidden(msg('forbidden_other_library'), 'forbidden_other_library');
  return agreementTerms(db, la.id, lb.id, program, date);
}
