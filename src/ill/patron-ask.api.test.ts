import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterOf, makeTitle, patronId, titleHeldBy } from '../../test/ill-support.ts';
import { type Agent, startTestSimpul, type TestSimpul } from '../../test/support.ts';

let s: TestSimpul;
let bhAdmin: Agent;

beforeAll(async () => {
  s = await startTestSimpul();
  bhAdmin = await s.as('admin.bunghatta');
});
afterAll(async () => s?.stop());

const PIN = 'pin-123456';

/** The patron's library gives her portal access, as its desk does, and she signs in. */
async function portal(staff: string, library: string, member: string): Promise<Agent> {
  const desk = await s.as(staff);
  const id = await patronId(s, member);
  const r = await desk.post(`/api/v1/patrons/${id}/portal-access/password`, { password: PIN });
  if (r.status !== 200) throw new Error(`portal access for ${member}: ${r.status} ${JSON.stringify(r.body)}`);
  return s.asPatron(library, member, PIN);
}

const codes = (r: { body: { reasons: Array<{ code: string }> } }) => r.body.reasons.map((x) => x.code);

async function requestsOf(member: string): Promise<number> {
  const id = await patronId(s, member);
  const rows = await s.ctx.database.db.selectFrom('ill_requests').select('id').where('patron_id', '=', id).execute();
  return rows.length;
}

/** The check says no with `code`, and asking anyway is refused with the same code and nothing is stored. */
async function refusedBoth(me: Agent, member: string, clusterId: number, code: string) {
  const check = await me.get(`/api/v1/ill/my-requests/check?clusterId=${clusterId}`);
  expect(check.status).toBe(200);
  expect(check.body.mayAsk).toBe(false);
  expect(codes(check)).toContain(code);
  const before = await requestsOf(member);
  const r = await me.post('/api/v1/ill/my-requests', { clusterId, serviceType: 'Loan' });
  expect(r.status).toBe(409);
  expect(r.body.error.code).toBe(codes(check)[0]);
  expect(r.body.error.details.reasons.map((x: { code: string }) => x.code)).toEqual(codes(check));
  expect(await requestsOf(member)).toBe(before);
  return { check: check.body, refusal: r.body.error };
}

describe('a patron who may ask', () => {
  it('is told so, and her request is made as before', async () => {
    const { clusterId } = await titleHeldBy(s, 'Siti Nurbaya', { SAWAHLUNTO: 1 });
    const fadli = await s.asPatron('BUNGHATTA', 'BH-2024-0001');
    const c = await fadli.get(`/api/v1/ill/my-requests/check?clusterId=${clusterId}`);
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ mayAsk: true, reasons: [], library: { code: 'BUNGHATTA' }, openLimit: 5 });
    const a = await fadli.post('/api/v1/ill/my-requests', { clusterId, serviceType: 'Loan' });
    expect(a.status).toBe(201);
    expect(a.body.state).toBe('Validated');
    const after = await fadli.get(`/api/v1/ill/my-requests/check?clusterId=${clusterId}`);
    expect(after.body.openRequests).toBe(c.body.openRequests + 1);
  });
});

describe('a patron who may not ask is told why and what to do, and asking anyway is refused the same way', () => {
  it('card_expired: renew the card; once renewed she may ask', async () => {
    const { clusterId } = await titleHeldBy(s, 'Tenggelamnya Kapal van der Wijck', { SAWAHLUNTO: 1 });
    const aulia = await portal('pustakawan.uinmy', 'UINMY', 'UIN-2301046');
    const { check, refusal } = await refusedBoth(aulia, 'UIN-2301046', clusterId, 'card_expired');
    expect(codes({ body: check })).toEqual(['card_expired']);
    expect(check.reasons[0]).toMatchObject({
      params: { date: '2025-08-31' },
      message: { en: expect.stringContaining('expired on 2025-08-31') },
      whatToDo: { id: expect.stringContaining('Perpanjang kartu'), en: expect.stringContaining('Renew your card') },
    });
    expect(refusal.message.en).toContain('Renew your card');
    const uin = await s.as('pustakawan.uinmy');
    const id = await patronId(s, 'UIN-2301046');
    expect((await uin.patch(`/api/v1/patrons/${id}`, { membershipExpiresOn: '2028-08-31' })).status).toBe(200);
    const now = await aulia.get(`/api/v1/ill/my-requests/check?clusterId=${clusterId}`);
    expect(now.body).toMatchObject({ mayAsk: true, reasons: [] });
    expect((await aulia.post('/api/v1/ill/my-requests', { clusterId, serviceType: 'Loan' })).status).toBe(201);
  });

  it('card_suspended: contact the desk (a suspended patron may still sign in)', async () => {
    const { clusterId } = await titleHeldBy(s, 'Salah Asuhan', { SAWAHLUNTO: 1 });
    const uin = await s.as('pustakawan.uinmy');
    const id = await patronId(s, 'UIN-2301045');
    expect((await uin.patch(`/api/v1/patrons/${id}`, { status: 'suspended' })).status).toBe(200);
    const fikri = await s.asPatron('UINMY', 'UIN-2301045');
    const { check } = await refusedBoth(fikri, 'UIN-2301045', clusterId, 'card_suspended');
    expect(codes({ body: check })).toEqual(['card_suspended']);
    expect(check.reasons[0].whatToDo.en).toContain('reinstated');
    expect((await uin.patch(`/api/v1/patrons/${id}`, { status: 'active' })).status).toBe(200);
    expect((await fikri.get(`/api/v1/ill/my-requests/check?clusterId=${clusterId}`)).body.mayAsk).toBe(true);
  });

  it('enrolment_proof_expired: bring a new proof of enrolment', async () => {
    const { clusterId } = await titleHeldBy(s, 'Robohnya Surau Kami', { SAWAHLUNTO: 1 });
    // Ilham lives outside Bung Hatta's area; he borrowed as a UIN student until his proof ran out.
    const ilham = await portal('pustakawan.bunghatta', 'BUNGHATTA', 'BH-2025-0151');
    const { check } = await refusedBoth(ilham, 'BH-2025-0151', clusterId, 'enrolment_proof_expired');
    expect(codes({ body: check })).toEqual(['enrolment_proof_expired']);
    expect(check.reasons[0].params.date).toBe('2025-07-31');
    expect(check.reasons[0].whatToDo.en).toContain('proof of enrolment');
  });

  it("patron_not_eligible: the library's own reasons, rule by rule", async () => {
    const { clusterId } = await titleHeldBy(s, 'Layar Terkembang', { SAWAHLUNTO: 1 });
    const rizky = await portal('pustakawan.bunghatta', 'BUNGHATTA', 'BH-2025-0103'); // lives in Padang, no proof
    const { check, refusal } = await refusedBoth(rizky, 'BH-2025-0103', clusterId, 'patron_not_eligible');
    expect(codes({ body: check })).toEqual(['patron_not_eligible']);
    const details = check.reasons[0].details.map((d: { en: string }) => d.en);
    expect(details).toEqual(
      expect.arrayContaining([
        expect.stringContaining('outside the service area'),
        expect.stringContaining('No proof of enrolment'),
      ]),
    );
    expect(refusal.message.en).toContain('outside the service area');
    // staff asking for him meet the same rule under the code they always had
    const bh = await s.as('pustakawan.bunghatta');
    const staff = await bh.post('/api/v1/ill/requests', {
      patronId: await patronId(s, 'BH-2025-0103'),
      clusterId,
      serviceType: 'Loan',
    });
    expect(staff.body.error.code).toBe('patron_not_eligible');
  });

  it('library_no_ill_borrowing: a school library that does not borrow through ILL', async () => {
    const { clusterId } = await titleHeldBy(s, 'Si Kancil', { SAWAHLUNTO: 1 });
    const pupil = await portal('pustakawan.sdn01bkt', 'SDN01-BKT', 'SD01-001');
    const { check } = await refusedBoth(pupil, 'SD01-001', clusterId, 'library_no_ill_borrowing');
    expect(codes({ body: check })).toEqual(['library_no_ill_borrowing']);
    expect(check.reasons[0].message.id).toContain('Perpustakaan SD Negeri 01 Bukittinggi');
    expect(check.reasons[0].whatToDo.en).toContain("your library's desk");
  });

  it('open_request_limit: the library sets it (audited); withdrawing one lets her ask again; others are not counted', async () => {
    const set = await bhAdmin.patch('/api/v1/ill/policies/BUNGHATTA', { patronOpenLimit: 2 });
    expect(set.status).toBe(200);
    expect(set.body.patronOpenLimit).toBe(2);
    const audited = await s.ctx.database.db
      .selectFrom('audit_log')
      .select(['before', 'after'])
      .where('entity', '=', 'ill_policy')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audited).toMatchObject({ before: { patronOpenLimit: 5 }, after: { patronOpenLimit: 2 } });
    expect((await bhAdmin.patch('/api/v1/ill/policies/BUNGHATTA', { patronOpenLimit: 0 })).status).toBe(400);

    const yulia = await portal('pustakawan.bunghatta', 'BUNGHATTA', 'BH-2024-0002');
    const ids: number[] = [];
    for (const title of ['Sitti Nurbaya jilid 1', 'Sitti Nurbaya jilid 2']) {
      const { clusterId } = await titleHeldBy(s, title, { SAWAHLUNTO: 1 });
      const a = await yulia.post('/api/v1/ill/my-requests', { clusterId, serviceType: 'Loan' });
      expect(a.status).toBe(201);
      ids.push(a.body.id);
    }
    const { clusterId } = await titleHeldBy(s, 'Sitti Nurbaya jilid 3', { SAWAHLUNTO: 1 });
    const { check } = await refusedBoth(yulia, 'BH-2024-0002', clusterId, 'open_request_limit');
    expect(check.reasons[0].params).toEqual({ open: 2, limit: 2 });
    expect(check).toMatchObject({ openRequests: 2, openLimit: 2 });
    // Fadli at the same library has his own count, not hers
    const fadli = await s.asPatron('BUNGHATTA', 'BH-2024-0001');
    const his = await fadli.get(`/api/v1/ill/my-requests/check?clusterId=${clusterId}`);
    expect(his.body.mayAsk).toBe(true);
    expect(his.body.openRequests).toBe(1);

    expect((await yulia.post(`/api/v1/ill/my-requests/${ids[0]}/cancel`, {})).body.state).toBe('Cancelled');
    expect((await yulia.get(`/api/v1/ill/my-requests/check?clusterId=${clusterId}`)).body.mayAsk).toBe(true);
    expect((await yulia.post('/api/v1/ill/my-requests', { clusterId, serviceType: 'Loan' })).status).toBe(201);
    expect((await bhAdmin.patch('/api/v1/ill/policies/BUNGHATTA', { patronOpenLimit: 5 })).status).toBe(200);
  });

  it('available_at_your_library: borrow it there; staff may still ask with the warning', async () => {
    const { clusterId } = await titleHeldBy(s, 'Di Bawah Lindungan Kabah', { BUNGHATTA: 1, SAWAHLUNTO: 1 });
    const fadli = await s.asPatron('BUNGHATTA', 'BH-2024-0001');
    const { check } = await refusedBoth(fadli, 'BH-2024-0001', clusterId, 'available_at_your_library');
    expect(codes({ body: check })).toEqual(['available_at_your_library']);
    expect(check.reasons[0].params).toMatchObject({ n: 1 });
    expect(check.reasons[0].whatToDo.en).toContain('at your own library');
    const copy = await fadli.post('/api/v1/ill/my-requests', {
      clusterId,
      serviceType: 'Copy',
      citation: { pages: '1-10' },
      copyrightDeclaration: { accepted: true },
    });
    expect(copy.body.error.code).toBe('available_at_your_library');
    const bh = await s.as('pustakawan.bunghatta');
    const staff = await bh.post('/api/v1/ill/requests', {
      patronId: await patronId(s, 'BH-2024-0001'),
      clusterId,
      serviceType: 'Loan',
    });
    expect(staff.status).toBe(201);
    expect(staff.body.warnings.map((w: { code: string }) => w.code)).toContain('local_copy_available');
  });

  it('no_lender: every copy is out, or the only holder does not lend', async () => {
    const fadli = await s.asPatron('BUNGHATTA', 'BH-2024-0001');
    const out = await makeTitle(s, 'SAWAHLUNTO', { title: 'Atheis', status: 'on_loan' });
    const onLoan = await clusterOf(s, out[0] as number);
    const { check } = await refusedBoth(fadli, 'BH-2024-0001', onLoan, 'no_lender');
    expect(codes({ body: check })).toEqual(['no_lender']);
    expect(check.reasons[0].whatToDo.en).toContain('Try again later');
    const school = await makeTitle(s, 'SDN05-BKT', { title: 'Bacaan Anak Nusantara' });
    await refusedBoth(fadli, 'BH-2024-0001', await clusterOf(s, school[0] as number), 'no_lender');
  });
});

describe('what a patron may learn and do', () => {
  it('the check is about the signed-in patron only; she cannot ask for another patron', async () => {
    const { clusterId } = await titleHeldBy(s, 'Pergolakan Daerah', { SAWAHLUNTO: 1 });
    const fadli = await s.asPatron('BUNGHATTA', 'BH-2024-0001');
    const rizky = await patronId(s, 'BH-2025-0103'); // may not ask: Fadli must not get his answer
    const c = await fadli.get(`/api/v1/ill/my-requests/check?clusterId=${clusterId}&patronId=${rizky}`);
    expect(c.status).toBe(200);
    expect(c.body.mayAsk).toBe(true);
    const before = await requestsOf('BH-2025-0103');
    const r = await fadli.post('/api/v1/ill/my-requests', { clusterId, serviceType: 'Loan', patronId: rizky });
    expect(r.status).toBe(400);
    expect(await requestsOf('BH-2025-0103')).toBe(before);
    // nor another library's patron's eligibility, nor the staff routes
    const intan = await patronId(s, 'UPI-2201001');
    expect((await fadli.get(`/api/v1/patrons/${intan}/eligibility`)).status).toBe(401);
    expect((await fadli.get(`/api/v1/ill/lenders?clusterId=${clusterId}`)).status).toBe(401);
  });

  it('staff and anonymous callers get no patron answer', async () => {
    const { clusterId } = await titleHeldBy(s, 'Hulubalang Raja', { SAWAHLUNTO: 1 });
    const bh = await s.as('pustakawan.bunghatta');
    const staff = await bh.get(`/api/v1/ill/my-requests/check?clusterId=${clusterId}`);
    expect(staff.status).toBe(403);
    expect(staff.body.error.code).toBe('patron_only');
    expect((await s.anonymous.get(`/api/v1/ill/my-requests/check?clusterId=${clusterId}`)).status).toBe(401);
    const fadli = await s.asPatron('BUNGHATTA', 'BH-2024-0001');
    expect((await fadli.get('/api/v1/ill/my-requests/check?clusterId=99999999')).status).toBe(400);
  });
});
