import { createHash, randomInt } from 'node:crypto';
import type { Actor, PatronActor } from '../platform/actor.ts';
import { audit } from '../platform/audit.ts';
import { hashPassword, verifyPassword } from '../platform/auth.ts';
import type { Db, DbOrTrx } from '../platform/db.ts';
import { AppError, Conflict, invalidField, NotFound } from '../platform/errors.ts';
import type { Bilingual } from '../platform/messages.ts';
import { createPatronSession, patronActor } from '../platform/patron-session.ts';
import type { Protector } from '../platform/protect.ts';
import { getPatron, type Patron } from './patrons.ts';

/**
 * Patron portal access: staff set a password (or PIN) from the patron page, or
 * hand out a one-time activation code with which the patron chooses her own
 * password. Patrons sign in with library code + member number + password.
 */

export const STAFF_SET_MIN = 6; // a PIN of six digits is what many libraries hand out at the desk
export const PATRON_CHOSEN_MIN = 8;
export const ACTIVATION_DAYS = 14;

const texts = {
  bad_credentials: {
    id: 'Perpustakaan, nomor anggota atau kata sandi salah',
    en: 'Wrong library, member number or password',
  },
  bad_activation: {
    id: 'Kode aktivasi salah, sudah dipakai atau kedaluwarsa',
    en: 'The activation code is wrong, already used or expired',
  },
  password_short: { id: 'minimal {n} karakter', en: 'needs at least {n} characters' },
  current_password_wrong: { id: 'kata sandi saat ini salah', en: 'the current password is wrong' },
  patron_not_active: {
    id: 'Keanggotaan ini tidak aktif; akses portal tidak dapat diberikan',
    en: 'This membership is not active; portal access cannot be given',
  },
} satisfies Record<string, Bilingual>;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Eight Crockford base32 characters (40 bits) shown as XXXX-XXXX; typed any way. */
export function newActivationCode(): string {
  const part = () => Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return `${part()}-${part()}`;
}

export function normalizeActivationCode(input: string): string {
  const c = input
    .toUpperCase()
    .replace(/[\s_-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  return c.length === 8 ? `${c.slice(0, 4)}-${c.slice(4)}` : c;
}

function checkLength(field: string, password: string, min: number) {
  if (password.length < min)
    throw invalidField(field, {
      id: texts.password_short.id.replace('{n}', String(min)),
      en: texts.password_short.en.replace('{n}', String(min)),
    });
}

export interface PortalAccess {
  patronId: number;
  hasPassword: boolean;
  passwordSetAt: string | null;
  passwordSetBy: 'staff' | 'patron' | null;
  activationPending: boolean;
  activationExpiresAt: string | null;
  lastLoginAt: string | null;
}

async function accessOf(db: DbOrTrx, patronId: number): Promise<PortalAccess> {
  const c = await db.selectFrom('patron_credentials').selectAll().where('patron_id', '=', patronId).executeTakeFirst();
  const pending = Boolean(c?.activation_code_hash && c.activation_expires_at && c.activation_expires_at > new Date());
  return {
    patronId,
    hasPassword: Boolean(c?.password_hash),
    passwordSetAt: c?.password_set_at?.toISOString() ?? null,
    passwordSetBy: c?.password_set_by ?? null,
    activationPending: pending,
    activationExpiresAt: pending ? (c?.activation_expires_at?.toISOString() ?? null) : null,
    lastLoginAt: c?.last_login_at?.toISOString() ?? null,
  };
}

/** Staff of the patron's library (or the network coordinator) only: getPatron checks it. */
async function staffPatron(db: DbOrTrx, actor: Actor, protector: Protector, patronId: number): Promise<Patron> {
  return getPatron(db, actor, protector, patronId);
}

export async function portalAccess(
  db: Db,
  actor: Actor,
  protector: Protector,
  patronId: number,
): Promise<PortalAccess> {
  await staffPatron(db, actor, protector, patronId);
  return accessOf(db, patronId);
}

function assertMayHaveAccess(p: Patron) {
  if (p.status === 'blocked' || p.status === 'inactive')
    throw new Conflict('patron_not_active', texts.patron_not_active);
}

/** Staff set a password or PIN; open portal sessions end. */
export async function setPatronPassword(
  db: Db,
  actor: Actor,
  protector: Protector,
  patronId: number,
  password: string,
): Promise<PortalAccess> {
  checkLength('password', password, STAFF_SET_MIN);
  const hash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    const p = await staffPatron(trx, actor, protector, patronId);
    assertMayHaveAccess(p);
    const now = new Date();
    await trx
      .insertInto('patron_credentials')
      .values({ patron_id: patronId, password_hash: hash, password_set_at: now, password_set_by: 'staff' })
      .onConflict((oc) =>
        oc.column('patron_id').doUpdateSet({
          password_hash: hash,
          password_set_at: now,
          password_set_by: 'staff',
          activation_code_hash: null,
          activation_expires_at: null,
          updated_at: now,
        }),
      )
      .execute();
    await trx.deleteFrom('patron_sessions').where('patron_id', '=', patronId).execute();
    await audit(trx, actor, {
      action: 'set_password',
      entity: 'patron_access',
      entityId: patronId,
      libraryId: p.libraryId,
      after: { memberNumber: p.memberNumber, by: 'staff' },
    });
    return accessOf(trx, patronId);
  });
}

/** A one-time code (shown once) with which the patron chooses her own password. */
export async function issueActivationCode(
  db: Db,
  actor: Actor,
  protector: Protector,
  patronId: number,
): Promise<PortalAccess & { code: string }> {
  return db.transaction().execute(async (trx) => {
    const p = await staffPatron(trx, actor, protector, patronId);
    assertMayHaveAccess(p);
    const code = newActivationCode();
    const expires = new Date(Date.now() + ACTIVATION_DAYS * 86_400_000);
    const now = new Date();
    await trx
      .insertInto('patron_credentials')
      .values({ patron_id: patronId, activation_code_hash: sha256(code), activation_expires_at: expires })
      .onConflict((oc) =>
        oc
          .column('patron_id')
          .doUpdateSet({ activation_code_hash: sha256(code), activation_expires_at: expires, updated_at: now }),
      )
      .execute();
    await audit(trx, actor, {
      action: 'issue_activation',
      entity: 'patron_access',
      entityId: patronId,
      libraryId: p.libraryId,
      after: { memberNumber: p.memberNumber, expiresAt: expires.toISOString() },
    });
    return { ...(await accessOf(trx, patronId)), code };
  });
}

/** Takes portal access away: password, pending code and sessions. */
export async function revokePortalAccess(
  db: Db,
  actor: Actor,
  protector: Protector,
  patronId: number,
): Promise<PortalAccess> {
  return db.transaction().execute(async (trx) => {
    const p = await staffPatron(trx, actor, protector, patronId);
    await trx.deleteFrom('patron_credentials').where('patron_id', '=', patronId).execute();
    await trx.deleteFrom('patron_sessions').where('patron_id', '=', patronId).execute();
    await audit(trx, actor, {
      action: 'revoke',
      entity: 'patron_access',
      entityId: patronId,
      libraryId: p.libraryId,
      after: { memberNumber: p.memberNumber },
    });
    return accessOf(trx, patronId);
  });
}

function findPatron(db: DbOrTrx, libraryCode: string, memberNumber: string) {
  return db
    .selectFrom('patrons as p')
    .innerJoin('libraries as l', 'l.id', 'p.library_id')
    .leftJoin('patron_credentials as c', 'c.patron_id', 'p.id')
    .select([
      'p.id',
      'p.member_number',
      'p.full_name',
      'p.library_id',
      'p.status',
      'l.network_id',
      'l.code as library_code',
      'c.password_hash',
      'c.activation_code_hash',
      'c.activation_expires_at',
    ])
    .where('l.code', '=', libraryCode.trim().toUpperCase())
    .where('p.member_number', '=', memberNumber.trim())
    .executeTakeFirst();
}

let dummyHash: Promise<string> | undefined;
const mayUsePortal = (status: string) => status === 'active' || status === 'suspended';

export interface PatronSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
  actor: PatronActor;
}

interface SessionOpts {
  hours: number;
  ip?: string | undefined;
  userAgent?: string | undefined;
}

/** Library code + member number + password. The same answer for every failure, in the same time. */
export async function patronLogin(
  db: Db,
  input: { library: string; memberNumber: string; password: string },
  opts: SessionOpts,
): Promise<PatronSession> {
  const p = await findPatron(db, input.library, input.memberNumber);
  const fail = () => new AppError(401, 'bad_credentials', texts.bad_credentials);
  if (!p?.password_hash || !mayUsePortal(p.status)) {
    dummyHash ??= hashPassword('not-a-real-password');
    await verifyPassword(await dummyHash, input.password);
    throw fail();
  }
  if (!(await verifyPassword(p.password_hash, input.password))) throw fail();
  return openSession(db, p, 'login', opts);
}

async function openSession(
  db: Db,
  p: NonNullable<Awaited<ReturnType<typeof findPatron>>>,
  action: string,
  opts: SessionOpts,
  change?: (trx: DbOrTrx) => Promise<void>,
): Promise<PatronSession> {
  const actor = patronActor(p);
  return db.transaction().execute(async (trx) => {
    if (change) await change(trx);
    const s = await createPatronSession(trx, p.id, opts);
    await trx
      .updateTable('patron_credentials')
      .set({ last_login_at: new Date() })
      .where('patron_id', '=', p.id)
      .execute();
    await audit(trx, actor, { action, entity: 'patron_access', entityId: p.id, libraryId: p.library_id });
    return { ...s, actor };
  });
}

/** The patron uses the code staff gave her to choose a password, and is signed in. */
export async function activatePatron(
  db: Db,
  input: { library: string; memberNumber: string; code: string; password: string },
  opts: SessionOpts,
): Promise<PatronSession> {
  checkLength('password', input.password, PATRON_CHOSEN_MIN);
  const p = await findPatron(db, input.library, input.memberNumber);
  const codeHash = sha256(normalizeActivationCode(input.code));
  const ok =
    p?.activation_code_hash &&
    p.activation_expires_at &&
    p.activation_expires_at > new Date() &&
    p.activation_code_hash === codeHash &&
    mayUsePortal(p.status);
  if (!p || !ok) throw new AppError(401, 'bad_activation', texts.bad_activation);
  const hash = await hashPassword(input.password);
  return openSession(db, p, 'activate', opts, async (trx) => {
    // Consumed only if still the same code: two tabs racing cannot both use it.
    const r = await trx
      .updateTable('patron_credentials')
      .set({
        password_hash: hash,
        password_set_at: new Date(),
        password_set_by: 'patron',
        activation_code_hash: null,
        activation_expires_at: null,
        updated_at: new Date(),
      })
      .where('patron_id', '=', p.id)
      .where('activation_code_hash', '=', codeHash)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new AppError(401, 'bad_activation', texts.bad_activation);
    await trx.deleteFrom('patron_sessions').where('patron_id', '=', p.id).execute();
  });
}

/** The signed-in patron changes her password; her other sessions end. */
export async function changeOwnPassword(
  db: Db,
  patron: PatronActor,
  input: { currentPassword: string; newPassword: string },
  currentSessionToken: string,
): Promise<void> {
  checkLength('newPassword', input.newPassword, PATRON_CHOSEN_MIN);
  const c = await db
    .selectFrom('patron_credentials')
    .select('password_hash')
    .where('patron_id', '=', patron.patronId)
    .executeTakeFirst();
  if (!c?.password_hash) throw new NotFound('patron');
  if (!(await verifyPassword(c.password_hash, input.currentPassword))) {
    throw invalidField('currentPassword', texts.current_password_wrong);
  }
  const hash = await hashPassword(input.newPassword);
  const keep = createHash('sha256').update(currentSessionToken).digest('hex');
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('patron_credentials')
      .set({ password_hash: hash, password_set_at: new Date(), password_set_by: 'patron', updated_at: new Date() })
      .where('patron_id', '=', patron.patronId)
      .execute();
    await trx.deleteFrom('patron_sessions').where('patron_id', '=', patron.patronId).where('id', '<>', keep).execute();
    await audit(trx, patron, {
      action: 'change_password',
      entity: 'patron_access',
      entityId: patron.patronId,
      libraryId: patron.libraryId,
    });
  });
}
