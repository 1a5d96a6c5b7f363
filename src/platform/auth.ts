import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Actor } from './actor.ts';
import { audit } from './audit.ts';
import type { Db } from './db.ts';
import { AppError, Unauthenticated } from './errors.ts';
import { msg } from './messages.ts';

// argon2id with OWASP's recommended minimum (19 MiB, 2 passes).
const ARGON = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
export const newSecret = (bytes = 32) => randomBytes(bytes).toString('base64url');

// A hash to verify against when the user does not exist, so the reply takes
// the same time and does not reveal which usernames exist.
let dummyHash: Promise<string> | undefined;

export interface SessionInfo {
  token: string;
  csrfToken: string;
  expiresAt: Date;
  actor: Actor;
}

export async function login(
  db: Db,
  username: string,
  password: string,
  opts: { hours: number; ip?: string; userAgent?: string },
): Promise<SessionInfo> {
  const user = await db
    .selectFrom('staff_users as u')
    .innerJoin('libraries as l', 'l.id', 'u.library_id')
    .select([
      'u.id',
      'u.username',
      'u.full_name',
      'u.role',
      'u.password_hash',
      'u.active',
      'u.library_id',
      'l.network_id',
    ])
    .where('u.username', '=', username.trim().toLowerCase())
    .executeTakeFirst();
  if (!user?.active) {
    dummyHash ??= hashPassword('not-a-real-password');
    await verifyPassword(await dummyHash, password);
    throw new AppError(401, 'bad_credentials', msg('bad_credentials'));
  }
  if (!(await verifyPassword(user.password_hash, password))) {
    throw new AppError(401, 'bad_credentials', msg('bad_credentials'));
  }
  // Never the patron sessions' prefix (patron-session.ts PATRON_TOKEN_PREFIX): the cookie is looked up as
  // a patron's first when it starts with p_.
  let token = newSecret();
  while (token.startsWith('p_')) token = newSecret();
  const csrfToken = newSecret(24);
  const expiresAt = new Date(Date.now() + opts.hours * 3600_000);
  const actor = staffActor(user);
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('sessions')
      .values({
        id: sha256(token),
        user_id: user.id,
        csrf_token: csrfToken,
        expires_at: expiresAt,
        ip: opts.ip ?? null,
        user_agent: opts.userAgent?.slice(0, 300) ?? null,
      })
      .execute();
    await trx.updateTable('staff_users').set({ last_login_at: new Date() }).where('id', '=', user.id).execute();
    await audit(trx, actor, {
      action: 'login',
      entity: 'staff_user',
      entityId: user.id,
      libraryId: user.library_id,
    });
  });
  return { token, csrfToken, expiresAt, actor };
}

function staffActor(u: {
  id: number;
  username: string;
  full_name: string;
  role: Actor['role'];
  library_id: number;
  network_id: number;
}): Actor {
  return {
    kind: 'staff',
    userId: u.id,
    patronId: null,
    label: `${u.username} (${u.full_name})`,
    libraryId: u.library_id,
    networkId: u.network_id,
    role: u.role,
  };
}

export interface SessionLookup {
  actor: Actor;
  csrfToken: string;
}

export async function sessionActor(db: Db, token: string): Promise<SessionLookup | null> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('staff_users as u', 'u.id', 's.user_id')
    .innerJoin('libraries as l', 'l.id', 'u.library_id')
    .select([
      'u.id',
      'u.username',
      'u.full_name',
      'u.role',
      'u.library_id',
      'l.network_id',
      's.csrf_token',
      's.expires_at',
      'u.active',
    ])
    .where('s.id', '=', sha256(token))
    .executeTakeFirst();
  if (!row?.active || row.expires_at.getTime() < Date.now()) return null;
  return { actor: staffActor(row), csrfToken: row.csrf_token };
}

export async function logout(db: Db, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sha256(token)).execute();
}

/** API tokens are shown once at creation as "smp_<secret>" and stored hashed. */
export async function createApiToken(
  db: Db,
  by: Actor,
  input: { libraryId: number; name: string; role: Actor['role'] & string },
): Promise<string> {
  if (input.role === 'system' || input.role === 'patron') throw new Unauthenticated();
  const token = `smp_${newSecret()}`;
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('api_tokens')
      .values({
        library_id: input.libraryId,
        name: input.name,
        token_hash: sha256(token),
        role: input.role as Exclude<Actor['role'], 'system' | 'patron'>,
        created_by: by.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, by, {
      action: 'create',
      entity: 'api_token',
      entityId: row.id,
      libraryId: input.libraryId,
      after: { name: input.name, role: input.role },
    });
  });
  return token;
}

export async function tokenActor(db: Db, token: string): Promise<Actor | null> {
  const row = await db
    .selectFrom('api_tokens as t')
    .innerJoin('libraries as l', 'l.id', 't.library_id')
    .select(['t.id', 't.name', 't.role', 't.library_id', 'l.network_id', 't.revoked_at'])
    .where('t.token_hash', '=', sha256(token))
    .executeTakeFirst();
  if (!row || row.revoked_at) return null;
  await db.updateTable('api_tokens').set({ last_used_at: new Date() }).where('id', '=', row.id).execute();
  return {
    kind: 'token',
    userId: null,
    patronId: null,
    label: `token:${row.name}`,
    libraryId: row.library_id,
    networkId: row.network_id,
    role: row.role,
  };
}
