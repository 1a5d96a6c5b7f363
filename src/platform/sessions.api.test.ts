import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSimpul, type TestSimpul } from '../../test/support.ts';
import { PATRON_TOKEN_PREFIX } from './patron-session.ts';

let s: TestSimpul;
beforeAll(async () => {
  s = await startTestSimpul();
});
afterAll(async () => s?.stop());

const sha256 = (v: string) => createHash('sha256').update(v).digest('hex');

/** A staff session stored as login stores it, with a token of our choosing. */
async function staffSession(username: string, token: string): Promise<{ cookie: string; csrf: string }> {
  const db = s.ctx.database.db;
  const u = await db.selectFrom('staff_users').select('id').where('username', '=', username).executeTakeFirstOrThrow();
  const csrf = randomBytes(24).toString('base64url');
  await db
    .insertInto('sessions')
    .values({ id: sha256(token), user_id: u.id, csrf_token: csrf, expires_at: new Date(Date.now() + 3600_000) })
    .execute();
  return { cookie: `simpul_session=${token}`, csrf };
}

describe('staff sessions', () => {
  // Staff tokens are random base64url: before the fix, 1 in 4096 began with the patron prefix and its
  // staff member was treated as signed out (the flaky 404 in agreements "visibility", the ILL notices
  // whose lender actions silently did nothing).
  it('keep a staff member signed in whose token happens to start with the patron prefix', async () => {
    const token = `${PATRON_TOKEN_PREFIX}${randomBytes(30).toString('base64url')}`;
    const { cookie, csrf } = await staffSession('pustakawan.sawahlunto', token);
    const me = await s.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expect(JSON.parse(me.body).libraryCode).toBe('SAWAHLUNTO');
    // a change with the session's CSRF token goes through as that staff member
    const out = await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(out.statusCode).toBe(204);
    const after = await s.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } });
    expect(after.statusCode).toBe(401);
  });
});
