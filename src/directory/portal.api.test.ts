import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, startTestSimpul, type TestSimpul } from '../../test/support.ts';
import { DEMO_PATRON_PASSWORD } from './portal-demo.ts';

let s: TestSimpul;
let bhLib: Agent;
let upiLib: Agent;
let intan: Agent;

async function patronId(library: string, member: string): Promise<number> {
  const r = await s.ctx.database.db
    .selectFrom('patrons as p')
    .innerJoin('libraries as l', 'l.id', 'p.library_id')
    .select('p.id')
    .where('l.code', '=', library)
    .where('p.member_number', '=', member)
    .executeTakeFirstOrThrow();
  return r.id;
}

async function rawLogin(body: Record<string, unknown>, url = '/api/v1/auth/patron/login') {
  const res = await s.app.inject({ method: 'POST', url, payload: body });
  return {
    status: res.statusCode,
    body: JSON.parse(res.body),
    cookie: res.cookies.find((c) => c.name === 'simpul_session'),
  };
}

beforeAll(async () => {
  s = await startTestSimpul({ loginMax: 20 });
  [bhLib, upiLib] = await Promise.all([s.as('pustakawan.bunghatta'), s.as('pustakawan.upertis')]);
  intan = await s.asPatron('UPERTIS', 'UPI-2201001');
});
afterAll(async () => s?.stop());

describe('patron sign-in', () => {
  it('signs a demo patron in with library, member number and password; NIK masked, no cipher', async () => {
    const r = await rawLogin({ library: 'upertis', memberNumber: 'UPI-2201001', password: DEMO_PATRON_PASSWORD });
    expect(r.status).toBe(200);
    expect(r.cookie?.httpOnly).toBe(true);
    expect(r.body).toMatchObject({
      kind: 'patron',
      memberNumber: 'UPI-2201001',
      libraryCode: 'UPERTIS',
      language: 'id',
    });
    expect(r.body.csrfToken).toEqual(expect.any(String));
    const me = await intan.get('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.fullName).toBe('Intan Permata Sari');
    expect(me.body.nikMasked).toBe('************0014');
    const text = JSON.stringify(me.body);
    expect(text).not.toContain('1371015203030014');
    expect(text).not.toMatch(/cipher|nik_hash|password/i);
  });

  it('answers wrong password, unknown member and unknown library the same way', async () => {
    const a = await rawLogin({ library: 'UPERTIS', memberNumber: 'UPI-D-0042', password: 'wrong-password' });
    const b = await rawLogin({ library: 'UPERTIS', memberNumber: 'NOPE-1', password: 'whatever-it-is' });
    const c = await rawLogin({ library: 'NOWHERE', memberNumber: 'UPI-2201001', password: DEMO_PATRON_PASSWORD });
    for (const x of [a, b, c]) {
      expect(x.status).toBe(401);
      expect(x.body.error.code).toBe('bad_credentials');
      expect(x.body.error.message.id).toMatch(/salah/);
    }
    // A patron without portal access cannot sign in even with a "right" guess.
    const d = await rawLogin({ library: 'UPERTIS', memberNumber: 'UPI-D-0042', password: DEMO_PATRON_PASSWORD });
    expect(d.status).toBe(401);
  });

  it('limits sign-in attempts per address and account', async () => {
    const body = { library: 'BUNGHATTA', memberNumber: 'BH-2024-0002', password: 'not-it-at-all' };
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await rawLogin(body)).status);
    expect(statuses.slice(0, 20).every((x) => x === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it('asks a patron session for the CSRF token on changes', async () => {
    const r = await rawLogin({ library: 'UINMY', memberNumber: 'UIN-2301045', password: DEMO_PATRON_PASSWORD });
    const res = await s.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: { cookie: `simpul_session=${r.cookie?.value}` },
      payload: { language: 'en' },
    });
    expect(res.statusCode).toBe(403);
    expect(JSON.parse(res.body).error.code).toBe('csrf');
    const ok = await s.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: { cookie: `simpul_session=${r.cookie?.value}`, 'x-csrf-token': r.body.csrfToken },
      payload: { language: 'en' },
    });
    expect(ok.statusCode).toBe(200);
    expect(JSON.parse(ok.body).language).toBe('en');
  });

  it('ends the session on logout', async () => {
    const fikri = await s.asPatron('UINMY', 'UIN-2301045');
    expect((await fikri.get('/api/v1/me')).status).toBe(200);
    expect((await fikri.post('/api/v1/auth/logout')).status).toBe(204);
    expect((await fikri.get('/api/v1/me')).status).toBe(401);
  });
});

describe('portal access set by staff', () => {
  it('a librarian sets a PIN; the patron signs in with it; her old sessions end', async () => {
    const id = await patronId('BUNGHATTA', 'BH-2024-0001');
    const before = await s.asPatron('BUNGHATTA', 'BH-2024-0001');
    const short = await bhLib.post(`/api/v1/patrons/${id}/portal-access/password`, { password: '123' });
    expect(short.status).toBe(400);
    expect(short.body.error.details.fields[0].field).toBe('password');
    const r = await bhLib.post(`/api/v1/patrons/${id}/portal-access/password`, { password: '482913' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ hasPassword: true, passwordSetBy: 'staff', activationPending: false });
    expect((await before.get('/api/v1/me')).status).toBe(401);
    const pin = await s.asPatron('BUNGHATTA', 'BH-2024-0001', '482913');
    expect((await pin.get('/api/v1/me')).body.memberNumber).toBe('BH-2024-0001');
    const access = await bhLib.get(`/api/v1/patrons/${id}/portal-access`);
    expect(access.body.lastLoginAt).toEqual(expect.any(String));
    const log = await s.ctx.database.db
      .selectFrom('audit_log')
      .select(['action', 'actor_label', 'after'])
      .where('entity', '=', 'patron_access')
      .where('entity_id', '=', String(id))
      .execute();
    expect(log.map((l) => l.action)).toEqual(expect.arrayContaining(['set_password', 'login']));
    expect(JSON.stringify(log)).not.toContain('482913');
  });

  it('staff of another library may not give access to a patron not theirs', async () => {
    const id = await patronId('BUNGHATTA', 'BH-2024-0002');
    const r = await upiLib.post(`/api/v1/patrons/${id}/portal-access/password`, { password: 'abcdef123' });
    expect(r.status).toBe(403);
    expect((await upiLib.post(`/api/v1/patrons/${id}/portal-access/activation`)).status).toBe(403);
    expect((await upiLib.get(`/api/v1/patrons/${id}/portal-access`)).status).toBe(403);
    expect((await upiLib.delete(`/api/v1/patrons/${id}/portal-access`)).status).toBe(403);
    expect((await bhLib.post('/api/v1/patrons/999999/portal-access/password', { password: 'abcdef123' })).status).toBe(
      404,
    );
  });

  it('an activation code lets the patron choose her password, once', async () => {
    const id = await patronId('BUNGHATTA', 'BH-2025-0103');
    const r = await bhLib.post(`/api/v1/patrons/${id}/portal-access/activation`);
    expect(r.status).toBe(201);
    expect(r.body.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(r.body.activationPending).toBe(true);
    const code: string = r.body.code;
    const base = { library: 'BUNGHATTA', memberNumber: 'BH-2025-0103' };
    const act = (body: Record<string, unknown>) => rawLogin({ ...base, ...body }, '/api/v1/auth/patron/activate');
    expect((await act({ code: 'AAAA-BBBB', password: 'pilihan-saya-1' })).body.error.code).toBe('bad_activation');
    const weak = await act({ code, password: 'short' });
    expect(weak.status).toBe(400);
    const ok = await act({ code: code.toLowerCase().replace('-', ' '), password: 'pilihan-saya-1' });
    expect(ok.status).toBe(200);
    expect(ok.body.memberNumber).toBe('BH-2025-0103');
    expect(ok.cookie?.value).toMatch(/^p_/);
    expect((await act({ code, password: 'pilihan-lain-2' })).status).toBe(401);
    const signedIn = await s.asPatron('BUNGHATTA', 'BH-2025-0103', 'pilihan-saya-1');
    expect((await signedIn.get('/api/v1/me')).status).toBe(200);
    expect((await bhLib.get(`/api/v1/patrons/${id}/portal-access`)).body).toMatchObject({
      hasPassword: true,
      passwordSetBy: 'patron',
      activationPending: false,
    });
    // She changes it; the old password stops working.
    const wrong = await signedIn.post('/api/v1/me/password', {
      currentPassword: 'nope',
      newPassword: 'lebih-panjang-3',
    });
    expect(wrong.status).toBe(400);
    const changed = await signedIn.post('/api/v1/me/password', {
      currentPassword: 'pilihan-saya-1',
      newPassword: 'lebih-panjang-3',
    });
    expect(changed.status).toBe(204);
    expect((await signedIn.get('/api/v1/me')).status).toBe(200);
    await expect(s.asPatron('BUNGHATTA', 'BH-2025-0103', 'pilihan-saya-1')).rejects.toThrow(/401/);
  });

  it('a blocked patron is signed out and cannot sign in; revoking access ends it', async () => {
    const id = await patronId('UINMY', 'UIN-2301045');
    const fikri = await s.asPatron('UINMY', 'UIN-2301045');
    const uinLib = await s.as('pustakawan.uinmy');
    expect((await uinLib.patch(`/api/v1/patrons/${id}`, { status: 'blocked' })).status).toBe(200);
    expect((await fikri.get('/api/v1/me')).status).toBe(401);
    await expect(s.asPatron('UINMY', 'UIN-2301045')).rejects.toThrow(/401/);
    expect((await uinLib.post(`/api/v1/patrons/${id}/portal-access/activation`)).status).toBe(409);
    expect((await uinLib.patch(`/api/v1/patrons/${id}`, { status: 'active' })).status).toBe(200);
    const again = await s.asPatron('UINMY', 'UIN-2301045');
    expect((await uinLib.delete(`/api/v1/patrons/${id}/portal-access`)).body.hasPassword).toBe(false);
    expect((await again.get('/api/v1/me')).status).toBe(401);
  });
});

describe('the patron API', () => {
  it('answers her eligibility at her library and at another', async () => {
    const own = await intan.get('/api/v1/me/eligibility');
    expect(own.status).toBe(200);
    expect(own.body.privileges).toMatchObject({ on_site_reading: true, home_loan: true });
    const bh = await intan.get('/api/v1/me/eligibility?library=BUNGHATTA');
    expect(bh.status).toBe(200);
    expect(bh.body.privileges).toMatchObject({ on_site_reading: true, home_loan: false });
    expect((await intan.get('/api/v1/me/eligibility?library=NOWHERE')).status).toBe(404);
  });

  it('lists her own visiting cards with QR codes and nobody else’s', async () => {
    const r = await intan.get('/api/v1/me/visiting-cards');
    expect(r.status).toBe(200);
    expect(r.body.items.map((c: { cardNumber: string }) => c.cardNumber)).toEqual(['SL-7KQ2-M9XD']);
    expect(r.body.items[0].qrSvg).toContain('<svg');
    expect(r.body.items[0].usableToday).toBe(true);
    expect(r.body.items[0].validLibraries.map((l: { code: string }) => l.code)).toEqual(['UINMY']);
    const fadli = await s.asPatron('BUNGHATTA', 'BH-2024-0001', '482913');
    expect((await fadli.get('/api/v1/me/visiting-cards')).body.items).toEqual([]);
  });

  it('refuses patron routes to staff and to anonymous callers', async () => {
    expect((await bhLib.get('/api/v1/me')).status).toBe(403);
    expect((await bhLib.get('/api/v1/me')).body.error.code).toBe('patron_only');
    expect((await s.anonymous.get('/api/v1/me/visiting-cards')).status).toBe(401);
    expect((await s.as('pustakawan.upertis').then((a) => a.get('/api/v1/auth/me'))).status).toBe(200);
    expect((await intan.get('/api/v1/auth/me')).status).toBe(401);
  });
});

describe('a patron session opens no staff route', () => {
  it('answers every /api/v1 route to a patron exactly as to an anonymous caller', async () => {
    const fill = (url: string) =>
      url
        .replace(/:ref\b/g, 'UPERTIS')
        .replace(/:code\b/g, 'UPERTIS')
        .replace(/:(\w+)/g, (_m, name: string) => (name.endsWith('Id') || name === 'id' ? '1' : '1'));
    // The patron's own routes: the portal (/me/...) and the ILL requests she makes.
    const patronRoutes = [/^\/api\/v1\/me(\/|$)/, /^\/api\/v1\/ill\/my-requests(\/|$)/];
    const isPatronRoute = (url: string) => patronRoutes.some((p) => p.test(url));
    const routes = s.app.routeTable.filter(
      (r) =>
        r.url.startsWith('/api/v1/') &&
        !isPatronRoute(r.url) &&
        !r.url.startsWith('/api/v1/auth/') &&
        !r.url.includes('*'),
    );
    // Every patron route refuses anonymous callers.
    for (const r of s.app.routeTable.filter((x) => isPatronRoute(x.url))) {
      const res = await s.app.inject({
        method: r.method as 'GET',
        url: fill(r.url),
        ...(r.method === 'GET' ? {} : { payload: {} }),
      });
      expect([400, 401], `${r.method} ${r.url}`).toContain(res.statusCode);
    }
    expect(routes.length).toBeGreaterThan(60);
    const staffOnly: string[] = [];
    const mismatches: string[] = [];
    const call = async (method: string, url: string, cookie?: string, csrf?: string) => {
      const res = await s.app.inject({
        method: method as 'GET',
        url,
        headers: { ...(cookie ? { cookie } : {}), ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }),
      });
      return res.statusCode;
    };
    const login = await rawLogin({ library: 'UPERTIS', memberNumber: 'UPI-2201001', password: DEMO_PATRON_PASSWORD });
    const cookie = `simpul_session=${login.cookie?.value}`;
    for (const r of routes) {
      const url = fill(r.url);
      const anon = await call(r.method, url);
      const patron = await call(r.method, url, cookie, login.body.csrfToken);
      if (anon === 401) {
        staffOnly.push(`${r.method} ${r.url}`);
        if (patron !== 401 && patron !== 403) mismatches.push(`${r.method} ${r.url}: ${patron}`);
      } else if (anon !== patron) mismatches.push(`${r.method} ${r.url}: anonymous ${anon}, patron ${patron}`);
    }
    expect(mismatches).toEqual([]);
    expect(staffOnly.length).toBeGreaterThan(30);
    // The session is still hers after all that.
    expect(await call('GET', '/api/v1/me', cookie)).toBe(200);
  });

  it('refuses real staff actions with valid input to a patron', async () => {
    const id = await patronId('UPERTIS', 'UPI-D-0042');
    const attempts = await Promise.all([
      intan.post('/api/v1/libraries/UPERTIS/patrons', { memberNumber: 'X-1', fullName: 'X', category: 'public' }),
      intan.post(`/api/v1/patrons/${id}/portal-access/password`, { password: 'abcdef123' }),
      intan.get(`/api/v1/patrons/${id}`),
      intan.get('/api/v1/libraries/UPERTIS/patrons'),
      intan.post('/api/v1/visits/check-in', { cardNumber: 'SL-7KQ2-M9XD' }),
      intan.get('/api/v1/visiting-cards'),
      intan.post('/api/v1/api-tokens', { name: 'mine', role: 'librarian' }),
    ]);
    for (const a of attempts) expect(a.status).toBe(401);
  });
});
