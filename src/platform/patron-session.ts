import { createHash } from 'node:crypto';
import type { PatronActor } from './actor.ts';
import { newSecret } from './auth.ts';
import type { Db, DbOrTrx } from './db.ts';

/**
 * Patron portal sessions. They share the staff session cookie; the value of a
 * patron session starts with "p_", so one lookup finds the right table and a
 * browser holds one identity at a time.
 */
export const PATRON_TOKEN_PREFIX = 'p_';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export const isPatronToken = (token: string) => token.startsWith(PATRON_TOKEN_PREFIX);

export interface PatronRow {
  id: number;
  member_number: string;
  full_name: string;
  library_id: number;
  network_id: number;
  library_code: string;
}

export function patronActor(p: PatronRow): PatronActor {
  return {
    kind: 'patron',
    userId: null,
    patronId: p.id,
    label: `patron ${p.library_code}/${p.member_number} (${p.full_name})`,
    libraryId: p.library_id,
    networkId: p.network_id,
    role: 'patron',
  };
}

export async function createPatronSession(
  trx: DbOrTrx,
  patronId: number,
  opts: { hours: number; ip?: string | undefined; userAgent?: string | undefined },
): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = `${PATRON_TOKEN_PREFIX}${newSecret()}`;
  const csrfToken = newSecret(24);
  const expiresAt = new Date(Date.now() + opts.hours * 3600_000);
  await trx
    .insertInto('patron_sessions')
    .values({
      id: sha256(token),
      patron_id: patronId,
      csrf_token: csrfToken,
      expires_at: expiresAt,
      ip: opts.ip ?? null,
      user_agent: opts.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return { token, csrfToken, expiresAt };
}

/** The patron of a live session; a patron who is no longer active or lost portal access has none. */
export async function patronSessionActor(
  db: Db,
  token: string,
): Promise<{ actor: PatronActor; csrfToken: string } | null> {
  const row = await db
    .selectFrom('patron_sessions as s')
    .innerJoin('patrons as p', 'p.id', 's.patron_id')
    .innerJoin('libraries as l', 'l.id', 'p.library_id')
    .innerJoin('patron_credentials as c', 'c.patron_id', 'p.id')
    .select([
      'p.id',
      'p.member_number',
      'p.full_name',
      'p.library_id',
      'p.status',
      'l.network_id',
      'l.code as library_code',
      's.csrf_token',
      's.expires_at',
      'c.password_hash',
    ])
    .where('s.id', '=', sha256(token))
    .executeTakeFirst();
  if (!row || row.expires_at.getTime() < Date.now() || !row.password_hash) return null;
  if (row.status === 'blocked' || row.status === 'inactive') return null;
  return { actor: patronActor(row), csrfToken: row.csrf_token };
}

export async function endPatronSession(db: DbOrTrx, token: string): Promise<void> {
  await db.deleteFrom('patron_sessions').where('id', '=', sha256(token)).execute();
}
