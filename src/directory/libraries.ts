import { sql } from 'kysely';
import { type Actor, assertAdminOf, assertRole } from '../platform/actor.ts';
import { audit, diff } from '../platform/audit.ts';
import type { Db, DbOrTrx } from '../platform/db.ts';
import { Conflict, invalidField, NotFound } from '../platform/errors.ts';
import { msg, things } from '../platform/messages.ts';
import { type Page, type PageParams, pageOf } from '../platform/paging.ts';
import type { LibraryType } from '../platform/schema.ts';

/** Services a library may offer its partners; the UI and other modules use these keys. */
export const LIBRARY_SERVICES = [
  'on_site_reading',
  'photocopy',
  'ill_lending',
  'ill_borrowing',
  'document_delivery',
  'visiting_cards',
  'deposit_collections',
  'mobile_library',
  'exchange',
  'internships',
  'training',
] as const;

export const LIBRARY_TYPES: LibraryType[] = ['national', 'provincial', 'public', 'school', 'university', 'special'];

export interface Library {
  id: number;
  code: string;
  name: string;
  type: LibraryType;
  networkId: number;
  networkCode: string;
  regionCode: string | null;
  regionName: string | null;
  provinceName: string | null;
  parentInstitution: string | null;
  parentLibraryId: number | null;
  parentLibraryName: string | null;
  signsOwnAgreements: boolean;
  address: string | null;
  phone: string | null;
  email: string | null;
  website: string | null;
  openingHours: Record<string, string>;
  services: string[];
  lendingPaused: boolean;
  illCapacity: number;
  active: boolean;
}

function baseQuery(db: DbOrTrx) {
  return db
    .selectFrom('libraries as l')
    .innerJoin('networks as n', 'n.id', 'l.network_id')
    .leftJoin('regions as r', 'r.code', 'l.region_code')
    .leftJoin('regions as p', 'p.code', 'r.parent_code')
    .leftJoin('libraries as pl', 'pl.id', 'l.parent_library_id')
    .select([
      'l.id',
      'l.code',
      'l.name',
      'l.type',
      'l.network_id',
      'n.code as network_code',
      'l.region_code',
      'r.name as region_name',
      'p.name as province_name',
      'l.parent_institution',
      'l.parent_library_id',
      'pl.name as parent_library_name',
      'l.signs_own_agreements',
      'l.address',
      'l.phone',
      'l.email',
      'l.website',
      'l.opening_hours',
      'l.services',
      'l.lending_paused',
      'l.ill_capacity',
      'l.active',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function present(r: Row): Library {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    type: r.type,
    networkId: r.network_id,
    networkCode: r.network_code,
    regionCode: r.region_code,
    regionName: r.region_name,
    provinceName: r.province_name,
    parentInstitution: r.parent_institution,
    parentLibraryId: r.parent_library_id,
    parentLibraryName: r.parent_library_name,
    signsOwnAgreements: r.signs_own_agreements,
    address: r.address,
    phone: r.phone,
    email: r.email,
    website: r.website,
    openingHours: r.opening_hours,
    services: r.services,
    lendingPaused: r.lending_paused,
    illCapacity: r.ill_capacity,
    active: r.active,
  };
}

export interface LibraryFilter extends PageParams {
  q?: string | undefined;
  type?: LibraryType | undefined;
  region?: string | undefined; // a region code; a province code covers its cities and regencies
  network?: string | undefined;
  service?: string | undefined;
}

/** The directory is public: patrons and partners look libraries up without signing in. */
export async function listLibraries(db: Db, f: LibraryFilter): Promise<Page<Library>> {
  const { page, pageSize, offset } = pageOf(f);
  let q = baseQuery(db);
  if (f.q) {
    const like = `%${f.q.trim().toLowerCase()}%`;
    q = q.where((eb) =>
      eb.or([
        eb(sql`lower(l.name)`, 'like', like),
        eb(sql`lower(l.code)`, 'like', like),
        eb(sql`lower(r.name)`, 'like', like),
      ]),
    );
  }
  if (f.type) q = q.where('l.type', '=', f.type);
  if (f.region) {
    const region = f.region;
    q = q.where((eb) => eb.or([eb('l.region_code', '=', region), eb('l.region_code', 'like', `${region}.%`)]));
  }
  if (f.network) q = q.where('n.code', '=', f.network);
  if (f.service) q = q.where(sql<boolean>`${f.service} = any(l.services)`);
  const [rows, count] = await Promise.all([
    q.orderBy('l.name').limit(pageSize).offset(offset).execute(),
    q
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(present), total: Number(count.n), page, pageSize };
}

/** By numeric id or by code. */
export async function getLibrary(db: DbOrTrx, ref: string | number): Promise<Library> {
  const q = baseQuery(db);
  const row = await (typeof ref === 'number' || /^\d+$/.test(ref)
    ? q.where('l.id', '=', Number(ref))
    : q.where('l.code', '=', ref.toUpperCase())
  ).executeTakeFirst();
  if (!row) throw new NotFound('library');
  return present(row);
}

export interface LibraryInput {
  code: string;
  name: string;
  type: LibraryType;
  networkCode: string;
  regionCode?: string | null | undefined;
  parentInstitution?: string | null | undefined;
  parentLibraryCode?: string | null | undefined;
  signsOwnAgreements?: boolean | undefined;
  address?: string | null | undefined;
  phone?: string | null | undefined;
  email?: string | null | undefined;
  website?: string | null | undefined;
  openingHours?: Record<string, string> | undefined;
  services?: string[] | undefined;
  lendingPaused?: boolean | undefined;
  illCapacity?: number | undefined;
  active?: boolean | undefined;
}

async function checkRegion(db: DbOrTrx, code: string | null | undefined) {
  if (!code) return;
  const found = await db.selectFrom('regions').select('code').where('code', '=', code).executeTakeFirst();
  if (!found) throw invalidField('regionCode', msg('region_unknown'));
}

async function parentId(db: DbOrTrx, code: string | null | undefined): Promise<number | null | undefined> {
  if (code === undefined) return undefined;
  if (code === null) return null;
  const row = await db.selectFrom('libraries').select('id').where('code', '=', code.toUpperCase()).executeTakeFirst();
  if (!row) throw invalidField('parentLibraryCode', msg('library_unknown'));
  return row.id;
}

/** Adding a library to a network is the coordinator's job. */
export async function createLibrary(db: Db, actor: Actor, input: LibraryInput): Promise<Library> {
  assertRole(actor, 'network_coordinator');
  return db.transaction().execute(async (trx) => {
    const network = await trx
      .selectFrom('networks')
      .select('id')
      .where('code', '=', input.networkCode)
      .executeTakeFirst();
    if (!network) throw new NotFound('network');
    if (actor.role !== 'system' && actor.networkId !== network.id) throw new NotFound('network');
    await checkRegion(trx, input.regionCode);
    const code = input.code.toUpperCase();
    const exists = await trx.selectFrom('libraries').select('id').where('code', '=', code).executeTakeFirst();
    if (exists) throw new Conflict('duplicate_code', msg('duplicate', { what: things.library.id }));
    const parent = await parentId(trx, input.parentLibraryCode);
    const row = await trx
      .insertInto('libraries')
      .values({
        network_id: network.id,
        code,
        name: input.name,
        type: input.type,
        region_code: input.regionCode ?? null,
        parent_institution: input.parentInstitution ?? null,
        parent_library_id: parent ?? null,
        signs_own_agreements: input.signsOwnAgreements ?? true,
        address: input.address ?? null,
        phone: input.phone ?? null,
        email: input.email ?? null,
        website: input.website ?? null,
        opening_hours: JSON.stringify(input.openingHours ?? {}),
        services: input.services ?? [],
        lending_paused: input.lendingPaused ?? false,
        ill_capacity: input.illCapacity ?? 20,
        active: input.active ?? true,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const created = await getLibrary(trx, row.id);
    await audit(trx, actor, {
      action: 'create',
      entity: 'library',
      entityId: row.id,
      libraryId: row.id,
      after: created as unknown as Record<string, unknown>,
    });
    return created;
  });
}

export type LibraryPatch = Partial<Omit<LibraryInput, 'code' | 'networkCode'>>;

export async function updateLibrary(db: Db, actor: Actor, ref: string, patch: LibraryPatch): Promise<Library> {
  return db.transaction().execute(async (trx) => {
    const before = await getLibrary(trx, ref);
    assertAdminOf(actor, { id: before.id, network_id: before.networkId });
    // Moving a library between kinds or networks is structural; only its coordinator does it.
    if (patch.type !== undefined && patch.type !== before.type) assertRole(actor, 'network_coordinator');
    await checkRegion(trx, patch.regionCode);
    const parent = await parentId(trx, patch.parentLibraryCode);
    const set: Record<string, unknown> = {};
    const map: Array<[keyof LibraryPatch, string]> = [
      ['name', 'name'],
      ['type', 'type'],
      ['regionCode', 'region_code'],
      ['parentInstitution', 'parent_institution'],
      ['signsOwnAgreements', 'signs_own_agreements'],
      ['address', 'address'],
      ['phone', 'phone'],
      ['email', 'email'],
      ['website', 'website'],
      ['services', 'services'],
      ['lendingPaused', 'lending_paused'],
      ['illCapacity', 'ill_capacity'],
      ['active', 'active'],
    ];
    for (const [k, col] of map) if (patch[k] !== undefined) set[col] = patch[k];
    if (patch.openingHours !== undefined) set.opening_hours = JSON.stringify(patch.openingHours);
    if (parent !== undefined) set.parent_library_id = parent;
    if (Object.keys(set).length === 0) return before;
    await trx
      .updateTable('libraries')
      .set({ ...set, updated_at: new Date() })
      .where('id', '=', before.id)
      .execute();
    const after = await getLibrary(trx, before.id);
    const changes = diff(before as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>);
    if (changes) {
      await audit(trx, actor, {
        action: 'update',
        entity: 'library',
        entityId: before.id,
        libraryId: before.id,
        ...changes,
      });
    }
    return after;
  });
}

export async function listNetworks(db: Db) {
  return db.selectFrom('networks').select(['id', 'code', 'name', 'description']).orderBy('name').execute();
}

export async function listRegions(db: Db) {
  return db
    .selectFrom('regions')
    .select(['code', 'name', 'kind', 'parent_code as parentCode'])
    .orderBy('code')
    .execute();
}

/** For other modules: the library a signed-in actor works for, with its network. */
export async function libraryRef(
  db: DbOrTrx,
  ref: string | number,
): Promise<{ id: number; network_id: number; name: string }> {
  const lib = await getLibrary(db, ref);
  return { id: lib.id, network_id: lib.networkId, name: lib.name };
}
