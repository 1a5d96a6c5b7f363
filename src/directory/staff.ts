import { type Actor, assertActFor, assertAdminOf, roleAtLeast } from '../platform/actor.ts';
import { audit, diff } from '../platform/audit.ts';
import { hashPassword } from '../platform/auth.ts';
import type { Db, DbOrTrx } from '../platform/db.ts';
import { Conflict, Forbidden, invalidField, NotFound } from '../platform/errors.ts';
import { msg, things } from '../platform/messages.ts';
import type { Role } from '../platform/schema.ts';
import { getLibrary } from './libraries.ts';

export interface StaffUser {
  id: number;
  libraryId: number;
  libraryCode: string;
  username: string;
  fullName: string;
  email: string | null;
  role: Role;
  active: boolean;
  language: 'id' | 'en';
  lastLoginAt: string | null;
}

function baseQuery(db: DbOrTrx) {
  return db
    .selectFrom('staff_users as u')
    .innerJoin('libraries as l', 'l.id', 'u.library_id')
    .select([
      'u.id',
      'u.library_id',
      'l.code as library_code',
      'l.network_id',
      'u.username',
      'u.full_name',
      'u.email',
      'u.role',
      'u.active',
      'u.language',
      'u.last_login_at',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

const present = (r: Row): StaffUser => ({
  id: r.id,
  libraryId: r.library_id,
  libraryCode: r.library_code,
  username: r.username,
  fullName: r.full_name,
  email: r.email,
  role: r.role,
  active: r.active,
  language: r.language,
  lastLoginAt: r.last_login_at ? r.last_login_at.toISOString() : null,
});

export async function getStaff(db: DbOrTrx, id: number): Promise<StaffUser> {
  const row = await baseQuery(db).where('u.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('user');
  return present(row);
}

export async function listStaff(db: Db, actor: Actor, libraryRef: string): Promise<StaffUser[]> {
  const lib = await getLibrary(db, libraryRef);
  assertActFor(actor, { id: lib.id, network_id: lib.networkId });
  const rows = await baseQuery(db).where('u.library_id', '=', lib.id).orderBy('u.full_name').execute();
  return rows.map(present);
}

export interface StaffInput {
  username: string;
  fullName: string;
  email?: string | null | undefined;
  role: Role;
  password: string;
  language?: 'id' | 'en' | undefined;
}

function checkPassword(pw: string) {
  if (pw.length < 10) throw invalidField('password', msg('password_weak'));
}

function assertMayGrant(actor: Actor, role: Role) {
  // Nobody hands out more power than they hold.
  if (!roleAtLeast(actor, role)) throw new Forbidden(msg('role_too_high'), 'role_too_high');
}

export async function createStaff(db: Db, actor: Actor, libraryRef: string, input: StaffInput): Promise<StaffUser> {
  checkPassword(input.password);
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (trx) => {
    const lib = await getLibrary(trx, libraryRef);
    assertAdminOf(actor, { id: lib.id, network_id: lib.networkId });
    assertMayGrant(actor, input.role);
    const username = input.username.trim().toLowerCase();
    const dup = await trx.selectFrom('staff_users').select('id').where('username', '=', username).executeTakeFirst();
    if (dup) throw new Conflict('duplicate_username', msg('duplicate', { what: things.user.id }));
    const row = await trx
      .insertInto('staff_users')
      .values({
        library_id: lib.id,
        username,
        full_name: input.fullName,
        email: input.email ?? null,
        role: input.role,
        password_hash: passwordHash,
        language: input.language ?? 'id',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const created = await getStaff(trx, row.id);
    await audit(trx, actor, {
      action: 'create',
      entity: 'staff_user',
      entityId: row.id,
      libraryId: lib.id,
      after: created as unknown as Record<string, unknown>,
    });
    return created;
  });
}

export interface StaffPatch {
  fullName?: string | undefined;
  email?: string | null | undefined;
  role?: Role | undefined;
  active?: boolean | undefined;
  password?: string | undefined;
  language?: 'id' | 'en' | undefined;
}

export async function updateStaff(db: Db, actor: Actor, id: number, patch: StaffPatch): Promise<StaffUser> {
  if (patch.password !== undefined) checkPassword(patch.password);
  const passwordHash = patch.password !== undefined ? await hashPassword(patch.password) : undefined;
  return db.transaction().execute(async (trx) => {
    const row = await baseQuery(trx).where('u.id', '=', id).executeTakeFirst();
    if (!row) throw new NotFound('user');
    const self = actor.userId === id;
    // Staff may change their own name, language and password; everything else is an administrator's.
    const adminOnly = patch.role !== undefined || patch.active !== undefined || !self;
    if (adminOnly) {
      assertAdminOf(actor, { id: row.library_id, network_id: row.network_id });
      assertMayGrant(actor, row.role);
      if (patch.role) assertMayGrant(actor, patch.role);
    }
    const before = present(row);
    const set: Record<string, unknown> = {};
    if (patch.fullName !== undefined) set.full_name = patch.fullName;
    if (patch.email !== undefined) set.email = patch.email;
    if (patch.role !== undefined) set.role = patch.role;
    if (patch.active !== undefined) set.active = patch.active;
    if (patch.language !== undefined) set.language = patch.language;
    if (passwordHash) set.password_hash = passwordHash;
    if (Object.keys(set).length === 0) return before;
    await trx.updateTable('staff_users').set(set).where('id', '=', id).execute();
    // A password change or deactivation ends the sessions that were open.
    if (passwordHash || patch.active === false) await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    const after = await getStaff(trx, id);
    const changes = diff(
      before as unknown as Record<string, unknown>,
      { ...after, ...(passwordHash ? { passwordChanged: true } : {}) } as unknown as Record<string, unknown>,
    );
    if (changes) {
      await audit(trx, actor, {
        action: 'update',
        entity: 'staff_user',
        entityId: id,
        libraryId: row.library_id,
        ...changes,
      });
    }
    return after;
  });
}
