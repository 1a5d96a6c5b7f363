import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, startTestSimpul, type TestSimpul } from '../../test/support.ts';

let s: TestSimpul;
let bh: Agent; // librarian, Bung Hatta
let bhAdmin: Agent;
let swl: Agent; // librarian, Sawahlunto
let coord: Agent; // network coordinator

const TODAY = '2026-11-23';

async function patronId(agent: Agent, lib: string, member: string): Promise<number> {
  const r = await agent.get(`/api/v1/libraries/${lib}/patrons?q=${encodeURIComponent(member)}`);
  expect(r.status).toBe(200);
  return r.body.items[0].id;
}

function expectErrorShape(body: any, code: string) {
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message.id).toBe('string');
  expect(typeof body.error.message.en).toBe('string');
  expect(body.error.message.id).not.toBe(body.error.message.en);
}

beforeAll(async () => {
  s = await startTestSimpul();
  [bh, bhAdmin, swl, coord] = await Promise.all([
    s.as('pustakawan.bunghatta'),
    s.as('admin.bunghatta'),
    s.as('pustakawan.sawahlunto'),
    s.as('koordinator'),
  ]);
});
afterAll(async () => s?.stop());

describe('library directory', () => {
  it('lists libraries publicly with filters by type, region and service', async () => {
    const all = await s.anonymous.get('/api/v1/libraries?pageSize=100');
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(10);
    const schools = await s.anonymous.get('/api/v1/libraries?type=school');
    expect(schools.body.items.map((l: any) => l.code).sort()).toEqual([
      'SDN01-BKT',
      'SDN03-PYK',
      'SDN05-BKT',
      'SDN12-PYK',
    ]);
    const bukittinggi = await s.anonymous.get('/api/v1/libraries?region=13.75');
    expect(bukittinggi.body.items.every((l: any) => l.regionName === 'Kota Bukittinggi')).toBe(true);
    const province = await s.anonymous.get('/api/v1/libraries?region=13&pageSize=100');
    expect(province.body.total).toBe(9); // all but the national library in Jakarta
    const mobile = await s.anonymous.get('/api/v1/libraries?service=mobile_library');
    expect(mobile.body.items.map((l: any) => l.code)).toEqual(['PAYAKUMBUH']);
    const paged = await s.anonymous.get('/api/v1/libraries?pageSize=3&page=2');
    expect(paged.body.items).toHaveLength(3);
    expect(paged.body.page).toBe(2);
  });

  it('shows a library by code with its parent that signs on its behalf', async () => {
    const r = await s.anonymous.get('/api/v1/libraries/bunghatta');
    expect(r.status).toBe(200);
    expect(r.body.parentLibraryName).toBe('Perpustakaan Nasional Republik Indonesia');
    expect(r.body.signsOwnAgreements).toBe(false);
    expect(r.body.openingHours.mon).toBe('08:00-16:00');
  });

  it('lets the library administrator edit and records before and after in the audit log', async () => {
    const r = await bhAdmin.patch('/api/v1/libraries/BUNGHATTA', {
      phone: '(0752) 22222',
      lendingPaused: true,
    });
    expect(r.status).toBe(200);
    expect(r.body.phone).toBe('(0752) 22222');
    const audit = await bhAdmin.get('/api/v1/audit?entity=library&entityId=2');
    const entry = audit.body.items.find((e: any) => e.action === 'update');
    expect(entry.before).toEqual({ phone: '(0752) 21000', lendingPaused: false });
    expect(entry.after).toEqual({ phone: '(0752) 22222', lendingPaused: true });
    expect(entry.actorLabel).toContain('admin.bunghatta');
    await bhAdmin.patch('/api/v1/libraries/BUNGHATTA', { lendingPaused: false });
  });

  it('forbids a librarian to edit her library and anyone to edit another library', async () => {
    const r1 = await bh.patch('/api/v1/libraries/BUNGHATTA', { phone: '1' });
    expect(r1.status).toBe(403);
    const r2 = await bhAdmin.patch('/api/v1/libraries/SAWAHLUNTO', { phone: '1' });
    expect(r2.status).toBe(403);
    expectErrorShape(r2.body, 'forbidden_other_library');
    const after = await s.anonymous.get('/api/v1/libraries/SAWAHLUNTO');
    expect(after.body.phone).toBeNull();
    const r3 = await s.anonymous.patch('/api/v1/libraries/SAWAHLUNTO', { phone: '1' });
    expect(r3.status).toBe(401);
  });

  it('lets only the network coordinator add a library', async () => {
    const body = {
      code: 'SDN07-BKT',
      name: 'Perpustakaan SD Negeri 07 Bukittinggi',
      type: 'school',
      networkCode: 'SUMBAR',
      regionCode: '13.75',
    };
    expect((await bhAdmin.post('/api/v1/libraries', body)).status).toBe(403);
    const r = await coord.post('/api/v1/libraries', body);
    expect(r.status).toBe(201);
    expect(r.body.regionName).toBe('Kota Bukittinggi');
    const dup = await coord.post('/api/v1/libraries', body);
    expect(dup.status).toBe(409);
  });
});

describe('patrons and personal data', () => {
  it('never returns the NIK, only its last four digits, and finds a patron by NIK', async () => {
    const list = await bh.get('/api/v1/libraries/BUNGHATTA/patrons');
    expect(list.status).toBe(200);
    const text = JSON.stringify(list.body);
    expect(text).not.toContain('1375011203900001');
    const fadli = list.body.items.find((p: any) => p.fullName === 'Fadli Rahman');
    expect(fadli.nikMasked).toBe('************0001');
    const byNik = await bh.get('/api/v1/libraries/BUNGHATTA/patrons?nik=1375011203900001');
    expect(byNik.body.items.map((p: any) => p.fullName)).toEqual(['Fadli Rahman']);
    const row = await s.ctx.database.db
      .selectFrom('patrons')
      .selectAll()
      .where('id', '=', fadli.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain('1375011203900001');
    expect(JSON.stringify(row)).not.toContain('Sudirman');
  });

  it('gives 403 to a librarian of another library reading or changing patrons, and changes nothing', async () => {
    const id = await patronId(bh, 'BUNGHATTA', 'BH-2024-0001');
    const list = await swl.get('/api/v1/libraries/BUNGHATTA/patrons');
    expect(list.status).toBe(403);
    expectErrorShape(list.body, 'forbidden_other_library');
    expect((await swl.get(`/api/v1/patrons/${id}`)).status).toBe(403);
    expect((await swl.get(`/api/v1/patrons/${id}/eligibility`)).status).toBe(403);
    const change = await swl.patch(`/api/v1/patrons/${id}`, { fullName: 'Hacked' });
    expect(change.status).toBe(403);
    const create = await swl.post('/api/v1/libraries/BUNGHATTA/patrons', {
      memberNumber: 'X1',
      fullName: 'X',
      category: 'public',
    });
    expect(create.status).toBe(403);
    const proof = await swl.post(`/api/v1/patrons/${id}/enrolment-proofs`, {
      institutionLibraryCode: 'UPERTIS',
      validFrom: '2026-01-01',
      validUntil: '2026-12-31',
    });
    expect(proof.status).toBe(403);
    const still = await bh.get(`/api/v1/patrons/${id}`);
    expect(still.body.fullName).toBe('Fadli Rahman');
    expect(still.body.enrolmentProofs).toEqual([]);
    expect((await bh.get('/api/v1/libraries/BUNGHATTA/patrons?q=X1')).body.total).toBe(0);
  });

  it('lets the network coordinator read patrons of every library in the network', async () => {
    const r = await coord.get('/api/v1/libraries/SAWAHLUNTO/patrons');
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(2);
  });

  it('registers and changes a patron, auditing both without the NIK or address in the log', async () => {
    const created = await bh.post('/api/v1/libraries/BUNGHATTA/patrons', {
      memberNumber: 'BH-2026-0999',
      fullName: 'Siti Nurhaliza',
      nik: '1375014101990099',
      address: 'Jl. Ahmad Yani No. 9, Bukittinggi',
      domicileRegionCode: '13.75',
      category: 'public',
      membershipExpiresOn: '2027-11-30',
    });
    expect(created.status).toBe(201);
    expect(created.body.address).toBe('Jl. Ahmad Yani No. 9, Bukittinggi');
    expect(created.body.nikMasked).toBe('************0099');
    const changed = await bh.patch(`/api/v1/patrons/${created.body.id}`, {
      phone: '0812-0000-1111',
      status: 'suspended',
    });
    expect(changed.status).toBe(200);
    const audit = await bhAdmin.get(`/api/v1/audit?entity=patron&entityId=${created.body.id}`);
    expect(audit.body.items.map((e: any) => e.action)).toEqual(['update', 'create']);
    expect(audit.body.items[0].before).toEqual({ phone: null, status: 'active' });
    expect(audit.body.items[0].after).toEqual({ phone: '0812-0000-1111', status: 'suspended' });
    const log = JSON.stringify(audit.body);
    expect(log).not.toContain('1375014101990099');
    expect(log).not.toContain('Ahmad Yani');
  });

  it('rejects a duplicate member number with 409', async () => {
    const r = await bh.post('/api/v1/libraries/BUNGHATTA/patrons', {
      memberNumber: 'BH-2024-0001',
      fullName: 'Dup',
      category: 'public',
    });
    expect(r.status).toBe(409);
    expectErrorShape(r.body, 'duplicate_member_number');
  });
});

describe('borrowing eligibility at Bung Hatta', () => {
  const eligibility = async (member: string, date = TODAY) => {
    const id = await patronId(bh, 'BUNGHATTA', member);
    const r = await bh.get(`/api/v1/patrons/${id}/eligibility?date=${date}`);
    expect(r.status).toBe(200);
    return r.body;
  };

  it('lets a resident of Bukittinggi borrow and take home', async () => {
    const e = await eligibility('BH-2024-0001');
    expect(e.privileges).toEqual({
      on_site_reading: true,
      photocopy: true,
      home_loan: true,
      ill_request: true,
    });
    expect(JSON.stringify(e.rules)).toContain('Berdomisili di Kota Bukittinggi');
  });

  it('lets a resident of Kabupaten Agam borrow', async () => {
    const e = await eligibility('BH-2024-0002');
    expect(e.privileges.home_loan).toBe(true);
  });

  it('allows a non-resident only on-site reading, and says why', async () => {
    const e = await eligibility('BH-2025-0103');
    expect(e.privileges).toEqual({
      on_site_reading: true,
      photocopy: true,
      home_loan: false,
      ill_request: false,
    });
    const resident = e.rules.find((r: any) => r.name.includes('penduduk'));
    expect(resident.met).toBe(false);
    expect(resident.reasons[0].id).toContain('Domisili Kota Padang tidak termasuk wilayah layanan');
    expect(resident.reasons[0].en).toContain('outside the service area');
  });

  it('lets a partner university student with a valid proof of enrolment borrow', async () => {
    const e = await eligibility('BH-2025-0150');
    expect(e.privileges.home_loan).toBe(true);
    const partner = e.rules.find((r: any) => r.name.includes('mahasiswa'));
    expect(partner.met).toBe(true);
    expect(partner.reasons.map((x: any) => x.en).join(' ')).toContain('valid until 2027-01-31');
  });

  it('refuses home loans once the same proof has expired', async () => {
    const e = await eligibility('BH-2025-0150', '2027-02-01');
    expect(e.privileges.home_loan).toBe(false);
    expect(e.privileges.on_site_reading).toBe(true);
    const partner = e.rules.find((r: any) => r.name.includes('mahasiswa'));
    expect(partner.reasons.map((x: any) => x.id).join(' ')).toContain('kedaluwarsa sejak 2027-01-31');
  });

  it('refuses a partner student whose proof expired, until a new proof is recorded', async () => {
    const before = await eligibility('BH-2025-0151');
    expect(before.privileges.home_loan).toBe(false);
    const id = await patronId(bh, 'BUNGHATTA', 'BH-2025-0151');
    const added = await bh.post(`/api/v1/patrons/${id}/enrolment-proofs`, {
      institutionLibraryCode: 'UINMY',
      documentRef: 'SKAK/UINMY/2026/1101',
      validFrom: '2026-08-01',
      validUntil: '2027-01-31',
    });
    expect(added.status).toBe(201);
    const after = await eligibility('BH-2025-0151');
    expect(after.privileges.home_loan).toBe(true);
  });

  it('refuses home loans to a suspended member even when resident', async () => {
    const id = await patronId(bh, 'BUNGHATTA', 'BH-2024-0002');
    await bh.patch(`/api/v1/patrons/${id}`, { status: 'suspended' });
    const e = await eligibility('BH-2024-0002');
    expect(e.privileges.home_loan).toBe(false);
    expect(JSON.stringify(e.rules)).toContain('Status keanggotaan: ditangguhkan');
    await bh.patch(`/api/v1/patrons/${id}`, { status: 'active' });
  });

  it('lets an administrator add and retire rules, and a librarian not', async () => {
    const rule = {
      name: 'Dosen mitra',
      condition: { type: 'category', categories: ['lecturer'] },
      grants: ['home_loan'],
    };
    expect((await bh.post('/api/v1/libraries/BUNGHATTA/eligibility-rules', rule)).status).toBe(403);
    const r = await bhAdmin.post('/api/v1/libraries/BUNGHATTA/eligibility-rules', rule);
    expect(r.status).toBe(201);
    const bad = await bhAdmin.post('/api/v1/libraries/BUNGHATTA/eligibility-rules', {
      ...rule,
      condition: { type: 'resident', regions: [] },
    });
    expect(bad.status).toBe(400);
    expect((await bhAdmin.delete(`/api/v1/eligibility-rules/${r.body.id}`)).status).toBe(204);
    expect((await bhAdmin.delete(`/api/v1/eligibility-rules/${r.body.id}`)).status).toBe(404);
  });
});

describe('staff accounts and tokens', () => {
  it('lets an administrator create a librarian who can then sign in', async () => {
    expect(
      (
        await bh.post('/api/v1/libraries/BUNGHATTA/staff', {
          username: 'x.lib',
          fullName: 'X',
          role: 'librarian',
          password: 'panjang-sekali-1',
        })
      ).status,
    ).toBe(403);
    const tooHigh = await bhAdmin.post('/api/v1/libraries/BUNGHATTA/staff', {
      username: 'x.coord',
      fullName: 'X',
      role: 'network_coordinator',
      password: 'panjang-sekali-1',
    });
    expect(tooHigh.status).toBe(403);
    expectErrorShape(tooHigh.body, 'role_too_high');
    const ok = await bhAdmin.post('/api/v1/libraries/BUNGHATTA/staff', {
      username: 'magang.bunghatta',
      fullName: 'Putri Magang',
      role: 'librarian',
      password: 'panjang-sekali-1',
    });
    expect(ok.status).toBe(201);
    const login = await s.anonymous.post('/api/v1/auth/login', {
      username: 'magang.bunghatta',
      password: 'panjang-sekali-1',
    });
    expect(login.status).toBe(200);
    const row = await s.ctx.database.db
      .selectFrom('staff_users')
      .select('password_hash')
      .where('username', '=', 'magang.bunghatta')
      .executeTakeFirstOrThrow();
    expect(row.password_hash.startsWith('$argon2id$')).toBe(true);
  });

  it('answers a wrong password with 401 in both languages', async () => {
    const r = await s.anonymous.post('/api/v1/auth/login', { username: 'koordinator', password: 'salah' });
    expect(r.status).toBe(401);
    expect(r.body.error.message).toEqual({
      id: 'Nama pengguna atau kata sandi salah',
      en: 'Wrong username or password',
    });
  });

  it('refuses changes from a session without the CSRF token', async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'pustakawan.bunghatta', password: 'simpul-demo-2026' },
    });
    const cookie = `simpul_session=${res.cookies.find((c) => c.name === 'simpul_session')?.value}`;
    const r = await s.app.inject({
      method: 'PATCH',
      url: '/api/v1/staff/3',
      headers: { cookie },
      payload: { fullName: 'CSRF' },
    });
    expect(r.statusCode).toBe(403);
    expect(JSON.parse(r.body).error.code).toBe('csrf');
  });

  it('issues API tokens that act for their library only', async () => {
    const t = await bhAdmin.post('/api/v1/api-tokens', { name: 'SLiMS sync', role: 'librarian' });
    expect(t.status).toBe(201);
    const auth = { authorization: `Bearer ${t.body.token}` };
    const own = await s.app.inject({
      method: 'GET',
      url: '/api/v1/libraries/BUNGHATTA/patrons',
      headers: auth,
    });
    expect(own.statusCode).toBe(200);
    const other = await s.app.inject({
      method: 'GET',
      url: '/api/v1/libraries/UINMY/patrons',
      headers: auth,
    });
    expect(other.statusCode).toBe(403);
    const bad = await s.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { authorization: 'Bearer smp_nope' },
    });
    expect(bad.statusCode).toBe(401);
  });

  it('ends a session on logout', async () => {
    const a = await s.as('pustakawan.uinmy');
    expect((await a.get('/api/v1/auth/me')).status).toBe(200);
    expect((await a.post('/api/v1/auth/logout')).status).toBe(204);
    expect((await a.get('/api/v1/auth/me')).status).toBe(401);
  });
});

describe('bad input', () => {
  // Every write route, each with a body the schema or the rules must refuse.
  const cases: Array<[string, string, (ids: Record<string, number>) => string, unknown]> = [
    [
      'POST',
      'library: missing name',
      () => '/api/v1/libraries',
      { code: 'X-1', type: 'school', networkCode: 'SUMBAR' },
    ],
    [
      'POST',
      'library: unknown type',
      () => '/api/v1/libraries',
      { code: 'X-1', name: 'X', type: 'castle', networkCode: 'SUMBAR' },
    ],
    [
      'POST',
      'library: unknown region',
      () => '/api/v1/libraries',
      { code: 'X-1', name: 'X', type: 'school', networkCode: 'SUMBAR', regionCode: '99.99' },
    ],
    ['PATCH', 'library: negative capacity', () => '/api/v1/libraries/BUNGHATTA', { illCapacity: -1 }],
    ['PATCH', 'library: unknown field', () => '/api/v1/libraries/BUNGHATTA', { colour: 'red' }],
    ['PATCH', 'library: empty patch', () => '/api/v1/libraries/BUNGHATTA', {}],
    ['PATCH', 'library: bad email', () => '/api/v1/libraries/BUNGHATTA', { email: 'not-an-email' }],
    [
      'POST',
      'patron: NIK of 15 digits',
      () => '/api/v1/libraries/BUNGHATTA/patrons',
      { memberNumber: 'Z1', fullName: 'Z', category: 'public', nik: '137501120390000' },
    ],
    [
      'POST',
      'patron: bad category',
      () => '/api/v1/libraries/BUNGHATTA/patrons',
      { memberNumber: 'Z1', fullName: 'Z', category: 'alien' },
    ],
    [
      'POST',
      'patron: bad date',
      () => '/api/v1/libraries/BUNGHATTA/patrons',
      { memberNumber: 'Z1', fullName: 'Z', category: 'public', membershipExpiresOn: '31-12-2027' },
    ],
    [
      'POST',
      'patron: unknown region',
      () => '/api/v1/libraries/BUNGHATTA/patrons',
      { memberNumber: 'Z1', fullName: 'Z', category: 'public', domicileRegionCode: '13.99' },
    ],
    [
      'POST',
      'patron: unknown institution',
      () => '/api/v1/libraries/BUNGHATTA/patrons',
      { memberNumber: 'Z1', fullName: 'Z', category: 'student', institutionLibraryCode: 'NOPE' },
    ],
    ['PATCH', 'patron: empty name', (i) => `/api/v1/patrons/${i.patron}`, { fullName: '' }],
    ['PATCH', 'patron: bad status', (i) => `/api/v1/patrons/${i.patron}`, { status: 'deleted' }],
    [
      'POST',
      'proof: ends before it starts',
      (i) => `/api/v1/patrons/${i.patron}/enrolment-proofs`,
      { institutionLibraryCode: 'UPERTIS', validFrom: '2026-09-01', validUntil: '2026-01-01' },
    ],
    [
      'POST',
      'proof: missing dates',
      (i) => `/api/v1/patrons/${i.patron}/enrolment-proofs`,
      { institutionLibraryCode: 'UPERTIS' },
    ],
    [
      'POST',
      'staff: short password',
      () => '/api/v1/libraries/BUNGHATTA/staff',
      { username: 'abc', fullName: 'A', role: 'librarian', password: 'short' },
    ],
    [
      'POST',
      'staff: bad username',
      () => '/api/v1/libraries/BUNGHATTA/staff',
      { username: 'a b', fullName: 'A', role: 'librarian', password: 'panjang-sekali-1' },
    ],
    ['PATCH', 'staff: unknown role', (i) => `/api/v1/staff/${i.staff}`, { role: 'king' }],
    [
      'POST',
      'rule: no grants',
      () => '/api/v1/libraries/BUNGHATTA/eligibility-rules',
      { name: 'r', condition: { type: 'anyone' }, grants: [] },
    ],
    [
      'POST',
      'rule: unknown condition',
      () => '/api/v1/libraries/BUNGHATTA/eligibility-rules',
      { name: 'r', condition: { type: 'moon' }, grants: ['home_loan'] },
    ],
    ['POST', 'token: unknown role', () => '/api/v1/api-tokens', { name: 't', role: 'root' }],
    ['POST', 'login: missing password', () => '/api/v1/auth/login', { username: 'koordinator' }],
  ];

  it.each(cases)('%s %s gives 400 with the error shape and changes nothing', async (method, _label, url, body) => {
    const ids = {
      patron: await patronId(bh, 'BUNGHATTA', 'BH-2024-0001'),
      staff: 3,
    };
    const before = await s.ctx.database.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const agent = coord; // the broadest role, so only the input can be the problem
    const r = method === 'POST' ? await agent.post(url(ids), body) : await agent.patch(url(ids), body);
    expect(r.status).toBe(400);
    expectErrorShape(r.body, 'invalid');
    expect(Array.isArray(r.body.error.details.fields)).toBe(true);
    const after = await s.ctx.database.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('answers malformed JSON with 400 and the error shape', async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username": ',
    });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error.message.id).toBeTruthy();
  });

  it('answers an unknown API route with 404 and the error shape', async () => {
    const r = await s.anonymous.get('/api/v1/nothing-here');
    expect(r.status).toBe(404);
    expectErrorShape(r.body, 'not_found');
  });
});

describe('platform', () => {
  it('answers /healthz when ready', async () => {
    expect((await s.anonymous.get('/healthz')).status).toBe(200);
  });

  it('documents every API route in the OpenAPI document', async () => {
    const doc = await s.anonymous.get('/api/docs/json');
    expect(doc.status).toBe(200);
    const documented = new Set<string>();
    for (const [p, ops] of Object.entries(doc.body.paths as Record<string, object>)) {
      for (const m of Object.keys(ops)) documented.add(`${m.toUpperCase()} ${p}`);
    }
    const api = s.app.routeTable.filter((r) => r.url.startsWith('/api/v1/'));
    expect(api.length).toBeGreaterThanOrEqual(20);
    for (const r of api) {
      const openapiPath = r.url.replace(/:(\w+)/g, '{$1}');
      expect(documented.has(`${r.method} ${openapiPath}`), `${r.method} ${r.url}`).toBe(true);
    }
  });
});

describe('login rate limit', () => {
  it('answers 429 after too many attempts', async () => {
    const t = await startTestSimpul({ seed: false, loginMax: 3 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        statuses.push(
          (await t.anonymous.post('/api/v1/auth/login', { username: 'someone', password: 'guess' })).status,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      const last = await t.anonymous.post('/api/v1/auth/login', { username: 'someone', password: 'guess' });
      expect(last.body.error.code).toBe('rate_limited');
      expect(last.headers['retry-after']).toBeDefined();
    } finally {
      await t.stop();
    }
  });
});
