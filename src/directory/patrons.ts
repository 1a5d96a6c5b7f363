import { sql } from 'kysely';
import { type Actor, assertActFor } from '../platform/actor.ts';
import { audit, diff } from '../platform/audit.ts';
import type { Db, DbOrTrx } from '../platform/db.ts';
import { Conflict, Invalid, invalidField, NotFound } from '../platform/errors.ts';
import { msg, things } from '../platform/messages.ts';
import { type Page, type PageParams, pageOf } from '../platform/paging.ts';
import { maskNik, type Protector } from '../platform/protect.ts';
import type { PatronCategory, PatronStatus } from '../platform/schema.ts';
import {
  type Condition,
  type EligibilityAnswer,
  evaluateEligibility,
  type PatronFacts,
  type Privilege,
  type Rule,
} from './eligibility.ts';
import { getLibrary } from './libraries.ts';

export interface Patron {
  id: number;
  libraryId: number;
  libraryCode: string;
  libraryName: string;
  memberNumber: string;
  fullName: string;
  /** Only the last four digits ever leave the server. */
  nikMasked: string | null;
  domicileRegionCode: string | null;
  domicileRegionName: string | null;
  category: PatronCategory;
  institutionLibraryId: number | null;
  institutionName: string | null;
  email: string | null;
  phone: string | null;
  status: PatronStatus;
  membershipExpiresOn: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface PatronDetail extends Patron {
  address: string | null;
  enrolmentProofs: Array<{
    id: number;
    institutionLibraryId: number | null;
    institutionName: string | null;
    documentRef: string | null;
    validFrom: string;
    validUntil: string;
  }>;
}

function baseQuery(db: DbOrTrx) {
  return db
    .selectFrom('patrons as p')
    .innerJoin('libraries as l', 'l.id', 'p.library_id')
    .leftJoin('regions as r', 'r.code', 'p.domicile_region_code')
    .leftJoin('libraries as il', 'il.id', 'p.institution_library_id')
    .select([
      'p.id',
      'p.library_id',
      'l.code as library_code',
      'l.name as library_name',
      'l.network_id',
      'p.member_number',
      'p.full_name',
      'p.nik_last4',
      'p.address_cipher',
      'p.domicile_region_code',
      'r.name as region_name',
      'p.category',
      'p.institution_library_id',
      'p.institution_name',
      'il.name as institution_library_name',
      'p.email',
      'p.phone',
      'p.status',
      'p.membership_expires_on',
      'p.created_at',
      'p.updated_at',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function present(r: Row): Patron {
  return {
    id: r.id,
    libraryId: r.library_id,
    libraryCode: r.library_code,
    libraryName: r.library_name,
    memberNumber: r.member_number,
    fullName: r.full_name,
    nikMasked: maskNik(r.nik_last4),
    domicileRegionCode: r.domicile_region_code,
    domicileRegionName: r.region_name,
    category: r.category,
    institutionLibraryId: r.institution_library_id,
    institutionName: r.institution_library_name ?? r.institution_name,
    email: r.email,
    phone: r.phone,
    status: r.status,
    membershipExpiresOn: r.membership_expires_on,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export interface PatronFilter extends PageParams {
  q?: string | undefined;
  category?: PatronCategory | undefined;
  status?: PatronStatus | undefined;
  nik?: string | undefined;
}

export async function listPatrons(
  db: Db,
  actor: Actor,
  protector: Protector,
  libraryRef: string,
  f: PatronFilter,
): Promise<Page<Patron>> {
  const lib = await getLibrary(db, libraryRef);
  assertActFor(actor, { id: lib.id, network_id: lib.networkId });
  const { page, pageSize, offset } = pageOf(f);
  let q = baseQuery(db).where('p.library_id', '=', lib.id);
  if (f.q) {
    const like = `%${f.q.trim().toLowerCase()}%`;
    q = q.where((eb) =>
      eb.or([eb(sql`lower(p.full_name)`, 'like', like), eb(sql`lower(p.member_number)`, 'like', like)]),
    );
  }
  if (f.category) q = q.where('p.category', '=', f.category);
  if (f.status) q = q.where('p.status', '=', f.status);
  // Searching by NIK compares keyed hashes; the number itself is never queried.
  if (f.nik) q = q.where('p.nik_hash', '=', protector.lookupHash(f.nik.trim()));
  const [rows, count] = await Promise.all([
    q.orderBy('p.full_name').orderBy('p.id').limit(pageSize).offset(offset).execute(),
    q
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(present), total: Number(count.n), page, pageSize };
}

/** A patron as she sees herself in the portal (no authorisation: the caller is that patron). */
export async function patronById(db: DbOrTrx, id: number): Promise<Patron & { language: 'id' | 'en' }> {
  const row = await baseQuery(db).select('p.language').where('p.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('patron');
  return { ...present(row), language: row.language };
}

async function loadRow(db: DbOrTrx, actor: Actor, id: number): Promise<Row> {
  const row = await baseQuery(db).where('p.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('patron');
  assertActFor(actor, { id: row.library_id, network_id: row.network_id });
  return row;
}

export async function getPatron(db: DbOrTrx, actor: Actor, protector: Protector, id: number): Promise<PatronDetail> {
  const row = await loadRow(db, actor, id);
  const proofs = await db
    .selectFrom('enrolment_proofs as e')
    .leftJoin('libraries as l', 'l.id', 'e.institution_library_id')
    .select(['e.id', 'e.institution_library_id', 'l.name', 'e.document_ref', 'e.valid_from', 'e.valid_until'])
    .where('e.patron_id', '=', id)
    .orderBy('e.valid_until', 'desc')
    .execute();
  return {
    ...present(row),
    address: row.address_cipher ? protector.decrypt(row.address_cipher) : null,
    enrolmentProofs: proofs.map((p) => ({
      id: p.id,
      institutionLibraryId: p.institution_library_id,
      institutionName: p.name,
      documentRef: p.document_ref,
      validFrom: p.valid_from,
      validUntil: p.valid_until,
    })),
  };
}

export interface PatronInput {
  memberNumber: string;
  fullName: string;
  nik?: string | null | undefined;
  address?: string | null | undefined;
  domicileRegionCode?: string | null | undefined;
  category: PatronCategory;
  institutionLibraryCode?: string | null | undefined;
  institutionName?: string | null | undefined;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  status?: PatronStatus | undefined;
  membershipExpiresOn?: string | null | undefined;
}

/** Audit snapshots carry no NIK and no address, only whether they changed. */
function auditView(p: Patron | PatronDetail, extra: { addressChanged?: boolean } = {}): Record<string, unknown> {
  const { createdAt: _c, updatedAt: _u, ...rest } = p;
  const { address: _a, enrolmentProofs: _e, ...safe } = rest as Partial<PatronDetail>;
  return { ...safe, ...extra };
}

async function resolveRefs(db: DbOrTrx, input: Partial<PatronInput>) {
  if (input.domicileRegionCode) {
    const r = await db
      .selectFrom('regions')
      .select('code')
      .where('code', '=', input.domicileRegionCode)
      .executeTakeFirst();
    if (!r) throw invalidField('domicileRegionCode', msg('region_unknown'));
  }
  if (input.nik && !/^\d{16}$/.test(input.nik)) throw invalidField('nik', msg('nik_invalid'));
  if (input.institutionLibraryCode) {
    const l = await db
      .selectFrom('libraries')
      .select('id')
      .where('code', '=', input.institutionLibraryCode.toUpperCase())
      .executeTakeFirst();
    if (!l) throw invalidField('institutionLibraryCode', msg('library_unknown'));
    return l.id;
  }
  return input.institutionLibraryCode === null ? null : undefined;
}

export async function createPatron(
  db: Db,
  actor: Actor,
  protector: Protector,
  libraryRef: string,
  input: PatronInput,
): Promise<PatronDetail> {
  return db.transaction().execute(async (trx) => {
    const lib = await getLibrary(trx, libraryRef);
    assertActFor(actor, { id: lib.id, network_id: lib.networkId });
    const institution = await resolveRefs(trx, input);
    const dup = await trx
      .selectFrom('patrons')
      .select('id')
      .where('library_id', '=', lib.id)
      .where('member_number', '=', input.memberNumber)
      .executeTakeFirst();
    if (dup) throw new Conflict('duplicate_member_number', msg('duplicate', { what: things.patron.id }));
    const row = await trx
      .insertInto('patrons')
      .values({
        library_id: lib.id,
        member_number: input.memberNumber,
        full_name: input.fullName,
        nik_cipher: input.nik ? protector.encrypt(input.nik) : null,
        nik_hash: input.nik ? protector.lookupHash(input.nik) : null,
        nik_last4: input.nik ? input.nik.slice(-4) : null,
        address_cipher: input.address ? protector.encrypt(input.address) : null,
        domicile_region_code: input.domicileRegionCode ?? null,
        category: input.category,
        institution_library_id: institution ?? null,
        institution_name: input.institutionName ?? null,
        email: input.email ?? null,
        phone: input.phone ?? null,
        status: input.status ?? 'active',
        membership_expires_on: input.membershipExpiresOn ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const created = await getPatron(trx, actor, protector, row.id);
    await audit(trx, actor, {
      action: 'create',
      entity: 'patron',
      entityId: row.id,
      libraryId: lib.id,
      after: auditView(created, { addressChanged: Boolean(input.address) }),
    });
    return created;
  });
}

export async function updatePatron(
  db: Db,
  actor: Actor,
  protector: Protector,
  id: number,
  patch: Partial<PatronInput>,
): Promise<PatronDetail> {
  return db.transaction().execute(async (trx) => {
    const before = await getPatron(trx, actor, protector, id);
    const institution = await resolveRefs(trx, patch);
    if (patch.memberNumber && patch.memberNumber !== before.memberNumber) {
      const dup = await trx
        .selectFrom('patrons')
        .select('id')
        .where('library_id', '=', before.libraryId)
        .where('member_number', '=', patch.memberNumber)
        .executeTakeFirst();
      if (dup) throw new Conflict('duplicate_member_number', msg('duplicate', { what: things.patron.id }));
    }
    const set: Record<string, unknown> = {};
    const simple: Array<[keyof PatronInput, string]> = [
      ['memberNumber', 'member_number'],
      ['fullName', 'full_name'],
      ['domicileRegionCode', 'domicile_region_code'],
      ['category', 'category'],
      ['institutionName', 'institution_name'],
      ['email', 'email'],
      ['phone', 'phone'],
      ['status', 'status'],
      ['membershipExpiresOn', 'membership_expires_on'],
    ];
    for (const [k, col] of simple) if (patch[k] !== undefined) set[col] = patch[k];
    if (institution !== undefined) set.institution_library_id = institution;
    if (patch.nik !== undefined) {
      set.nik_cipher = patch.nik ? protector.encrypt(patch.nik) : null;
      set.nik_hash = patch.nik ? protector.lookupHash(patch.nik) : null;
      set.nik_last4 = patch.nik ? patch.nik.slice(-4) : null;
    }
    const addressChanged = patch.address !== undefined && patch.address !== before.address;
    if (patch.address !== undefined) set.address_cipher = patch.address ? protector.encrypt(patch.address) : null;
    if (Object.keys(set).length === 0) return before;
    await trx
      .updateTable('patrons')
      .set({ ...set, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
    const after = await getPatron(trx, actor, protector, id);
    const changes = diff(auditView(before), auditView(after, addressChanged ? { addressChanged: true } : {}));
    if (changes) {
      await audit(trx, actor, {
        action: 'update',
        entity: 'patron',
        entityId: id,
        libraryId: before.libraryId,
        ...changes,
      });
    }
    return after;
  });
}

export interface ProofInput {
  institutionLibraryCode: string;
  documentRef?: string | null | undefined;
  validFrom: string;
  validUntil: string;
}

export async function addEnrolmentProof(
  db: Db,
  actor: Actor,
  protector: Protector,
  patronId: number,
  input: ProofInput,
): Promise<PatronDetail> {
  if (input.validUntil < input.validFrom) {
    throw new Invalid([
      {
        field: 'validUntil',
        message: { id: 'harus setelah tanggal mulai', en: 'must be after the start date' },
      },
    ]);
  }
  return db.transaction().execute(async (trx) => {
    const patron = await getPatron(trx, actor, protector, patronId);
    const inst = await resolveRefs(trx, { institutionLibraryCode: input.institutionLibraryCode });
    const row = await trx
      .insertInto('enrolment_proofs')
      .values({
        patron_id: patronId,
        institution_library_id: inst ?? null,
        document_ref: input.documentRef ?? null,
        valid_from: input.validFrom,
        valid_until: input.validUntil,
        verified_by: actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, actor, {
      action: 'create',
      entity: 'enrolment_proof',
      entityId: row.id,
      libraryId: patron.libraryId,
      after: { patronId, ...input },
    });
    return getPatron(trx, actor, protector, patronId);
  });
}

// ---------------------------------------------------------------- eligibility

export async function libraryRules(db: DbOrTrx, libraryId: number): Promise<Rule[]> {
  const rows = await db
    .selectFrom('eligibility_rules')
    .select(['id', 'name', 'condition', 'grants'])
    .where('library_id', '=', libraryId)
    .where('active', '=', true)
    .orderBy('position')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    condition: r.condition as Condition,
    grants: r.grants as Privilege[],
  }));
}

/**
 * The one answer other modules ask for: what may this patron do at this
 * library on this date, and why. Defaults: the patron's home library, today.
 */
export async function patronEligibility(
  db: DbOrTrx,
  patronId: number,
  opts: {
    libraryRef?: string | number | undefined;
    date?: string | undefined;
    /** "What if": the answer for changed facts (e.g. a renewed card), to tell which fact stands in the way. */
    assume?: ((facts: PatronFacts) => PatronFacts) | undefined;
  } = {},
): Promise<EligibilityAnswer> {
  const p = await db
    .selectFrom('patrons')
    .select(['id', 'library_id', 'status', 'membership_expires_on', 'domicile_region_code', 'category'])
    .where('id', '=', patronId)
    .executeTakeFirst();
  if (!p) throw new NotFound('patron');
  const library = await getLibrary(db, opts.libraryRef ?? p.library_id);
  const proofs = await db
    .selectFrom('enrolment_proofs')
    .select(['institution_library_id', 'valid_from', 'valid_until'])
    .where('patron_id', '=', patronId)
    .execute();
  const rules = await libraryRules(db, library.id);
  const regionCodes = new Set<string>();
  const instIds = new Set<number>();
  const walk = (c: Condition) => {
    if (c.type === 'resident') for (const r of c.regions) regionCodes.add(r);
    if (c.type === 'enrolled') for (const i of c.institutions) instIds.add(i);
    if (c.type === 'all' || c.type === 'any') for (const sub of c.of) walk(sub);
  };
  for (const r of rules) walk(r.condition);
  if (p.domicile_region_code) regionCodes.add(p.domicile_region_code);
  for (const pr of proofs) if (pr.institution_library_id) instIds.add(pr.institution_library_id);
  const [regions, insts] = await Promise.all([
    regionCodes.size
      ? db
          .selectFrom('regions')
          .select(['code', 'name'])
          .where('code', 'in', [...regionCodes])
          .execute()
      : [],
    instIds.size
      ? db
          .selectFrom('libraries')
          .select(['id', 'name'])
          .where('id', 'in', [...instIds])
          .execute()
      : [],
  ]);
  const regionName = new Map(regions.map((r) => [r.code, r.name]));
  const instName = new Map(insts.map((i) => [i.id, i.name]));
  const date = opts.date ?? new Date().toISOString().slice(0, 10);
  const facts: PatronFacts = {
    homeLibraryId: p.library_id,
    status: p.status,
    membershipExpiresOn: p.membership_expires_on,
    domicileRegionCode: p.domicile_region_code,
    category: p.category,
    proofs: proofs.map((x) => ({
      institutionLibraryId: x.institution_library_id,
      validFrom: x.valid_from,
      validUntil: x.valid_until,
    })),
  };
  return evaluateEligibility(
    { id: library.id, name: library.name },
    rules,
    opts.assume ? opts.assume(facts) : facts,
    date,
    {
      region: (c) => regionName.get(c) ?? c,
      institution: (i) => instName.get(i) ?? `#${i}`,
    },
  );
}

/** Staff may ask for their own patrons, at any library. */
export async function patronEligibilityFor(
  db: Db,
  actor: Actor,
  patronId: number,
  opts: { libraryRef?: string | undefined; date?: string | undefined },
): Promise<EligibilityAnswer> {
  await loadRow(db, actor, patronId);
  return patronEligibility(db, patronId, opts);
}
