import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, must, startTestSimpul, type TestSimpul } from '../../test/support.ts';
import { normalizeCardNumber } from './cards.ts';
import { addDays, todayIso } from './dates.ts';

let s: TestSimpul;
let upiAdmin: Agent;
let upiLib: Agent;
let uinLib: Agent;
let bhLib: Agent;
let forumId: number;
let exchangeId: number;
const today = todayIso();

async function visitCount(): Promise<number> {
  const r = await s.ctx.database.db
    .selectFrom('visits')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function cardCount(): Promise<number> {
  const r = await s.ctx.database.db
    .selectFrom('visiting_cards')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

beforeAll(async () => {
  s = await startTestSimpul();
  [upiAdmin, upiLib, uinLib, bhLib] = await Promise.all([
    s.as('admin.upertis'),
    s.as('pustakawan.upertis'),
    s.as('pustakawan.uinmy'),
    s.as('pustakawan.bunghatta'),
  ]);
  const forum = await upiAdmin.post('/api/v1/agreements', {
    title: 'Forum silang layan perpustakaan perguruan tinggi (uji)',
    kind: 'mou',
    programs: ['visiting_cards'],
    startsOn: addDays(today, -200),
    endsOn: addDays(today, 300),
    parties: [
      { libraryCode: 'UPERTIS', role: 'member', terms: { visitorsMayBorrow: true, loanPeriodDays: 7 } },
      { libraryCode: 'UINMY', role: 'member' },
      {
        institutionName: 'Forum Perpustakaan Perguruan Tinggi Sumatera Barat',
        institutionKind: 'forum',
        role: 'coordinator',
      },
    ],
  });
  expect(forum.status).toBe(201);
  forumId = forum.body.id;
  expect((await upiAdmin.post(`/api/v1/agreements/${forumId}/activate`)).status).toBe(200);
  const ex = await upiAdmin.post('/api/v1/agreements', {
    title: 'Pertukaran terbitan (uji)',
    kind: 'pks',
    programs: ['exchange'],
    startsOn: addDays(today, -10),
    endsOn: addDays(today, 300),
    parties: [
      { libraryCode: 'UPERTIS', role: 'first_party' },
      { libraryCode: 'UINMY', role: 'second_party' },
    ],
  });
  exchangeId = ex.body.id;
  must(await upiAdmin.post(`/api/v1/agreements/${exchangeId}/activate`));
});
afterAll(async () => s?.stop());

describe('issuing visiting cards', () => {
  it('issues a card valid at the other participating libraries, with a QR code', async () => {
    const r = await upiLib.post('/api/v1/visiting-cards', { agreementId: forumId, memberNumber: 'UPI-2201001' });
    expect(r.status).toBe(201);
    expect(r.body.cardNumber).toMatch(/^SL-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(r.body.holderName).toBe('Intan Permata Sari');
    expect(r.body.homeLibrary.code).toBe('UPERTIS');
    expect(r.body.validLibraries.map((l: any) => l.code)).toEqual(['UINMY']);
    expect(r.body.validFrom).toBe(today);
    expect(r.body.validUntil).toBe(addDays(today, 300));
    expect(r.body.qrSvg.startsWith('<svg')).toBe(true);
    const list = await upiLib.get('/api/v1/visiting-cards?q=intan');
    expect(list.body.items.map((c: any) => c.id)).toContain(r.body.id);
  });

  it('refuses another library’s librarian and bad input, creating nothing', async () => {
    const before = await cardCount();
    const other = await uinLib.post('/api/v1/visiting-cards', {
      agreementId: forumId,
      memberNumber: 'UPI-2201001',
      homeLibraryCode: 'UPERTIS',
    });
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('forbidden_other_library');
    const notHere = await upiLib.post('/api/v1/visiting-cards', { agreementId: forumId, memberNumber: 'UIN-2301045' });
    expect(notHere.status).toBe(400);
    expect(notHere.body.error.details.fields[0].field).toBe('memberNumber');
    const wrongProgram = await upiLib.post('/api/v1/visiting-cards', {
      agreementId: exchangeId,
      memberNumber: 'UPI-2201001',
    });
    expect(wrongProgram.status).toBe(400);
    expect(wrongProgram.body.error.details.fields[0].message.en).toContain('visiting cards');
    const tooLong = await upiLib.post('/api/v1/visiting-cards', {
      agreementId: forumId,
      memberNumber: 'UPI-2201001',
      validUntil: addDays(today, 400),
    });
    expect(tooLong.status).toBe(400);
    const notParty = await bhLib.post('/api/v1/visiting-cards', { agreementId: forumId, memberNumber: 'BH-2024-0001' });
    expect(notParty.status).toBe(400);
    const missing = await upiLib.post('/api/v1/visiting-cards', { agreementId: forumId });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('invalid');
    expect(await cardCount()).toBe(before);
  });
});

describe('check-in at the desk', () => {
  let valid: any;
  let expired: any;
  let revoked: any;

  beforeAll(async () => {
    valid = (await upiLib.post('/api/v1/visiting-cards', { agreementId: forumId, memberNumber: 'UPI-D-0042' })).body;
    expired = (
      await upiLib.post('/api/v1/visiting-cards', {
        agreementId: forumId,
        memberNumber: 'UPI-2201001',
        validFrom: addDays(today, -150),
        validUntil: addDays(today, -1),
      })
    ).body;
    revoked = (await upiLib.post('/api/v1/visiting-cards', { agreementId: forumId, memberNumber: 'UPI-2201001' })).body;
    const rv = await upiLib.post(`/api/v1/visiting-cards/${revoked.id}/revoke`, { reason: 'Kartu hilang' });
    expect(rv.status).toBe(200);
    expect((await upiLib.post(`/api/v1/visiting-cards/${revoked.id}/revoke`, { reason: 'lagi' })).status).toBe(409);
  });

  it('accepts a valid card typed any way, says what the visitor may use, and counts the visit', async () => {
    const before = await visitCount();
    const typed = valid.cardNumber.toLowerCase().replace(/-/g, ' ');
    const r = await uinLib.post('/api/v1/visits/check-in', { cardNumber: typed });
    expect(r.status).toBe(200);
    expect(r.body.outcome).toBe('valid');
    expect(r.body.ok).toBe(true);
    expect(r.body.message.id).toContain('Dr. Yessi Andriani');
    expect(r.body.privileges).toEqual([
      { key: 'on_site_reading', allowed: true },
      { key: 'photocopy', allowed: true },
      { key: 'home_loan', allowed: false, loanPeriodDays: null },
    ]);
    expect(r.body.visitId).toBeGreaterThan(0);
    expect(await visitCount()).toBe(before + 1);
    const received = await uinLib.get('/api/v1/visits');
    expect(received.body.items[0].cardNumber).toBe(valid.cardNumber);
    const made = await upiLib.get('/api/v1/visits?direction=made');
    expect(made.body.items[0].visitedLibrary.code).toBe('UINMY');
  });

  it('lets a visitor borrow where the agreement says visitors may', async () => {
    const uinCard = (await uinLib.post('/api/v1/visiting-cards', { agreementId: forumId, memberNumber: 'UIN-2301045' }))
      .body;
    const r = await upiLib.post('/api/v1/visits/check-in', { cardNumber: uinCard.cardNumber });
    expect(r.body.outcome).toBe('valid');
    expect(r.body.privileges.find((p: any) => p.key === 'home_loan')).toEqual({
      key: 'home_loan',
      allowed: true,
      loanPeriodDays: 7,
    });
  });

  it('answers clearly for expired, revoked, non-participant and unknown cards, recording no visit', async () => {
    const before = await visitCount();
    const e = await uinLib.post('/api/v1/visits/check-in', { cardNumber: expired.cardNumber });
    expect(e.body).toMatchObject({ outcome: 'expired', ok: false, visitId: null, privileges: [] });
    expect(e.body.message.en).toContain(addDays(today, -1));
    const rv = await uinLib.post('/api/v1/visits/check-in', { cardNumber: revoked.cardNumber });
    expect(rv.body.outcome).toBe('revoked');
    expect(rv.body.message.id).toContain('Kartu hilang');
    const np = await bhLib.post('/api/v1/visits/check-in', { cardNumber: valid.cardNumber });
    expect(np.body.outcome).toBe('not_participant');
    expect(np.body.message.en).toContain('UPT Perpustakaan Proklamator Bung Hatta');
    const home = await upiLib.post('/api/v1/visits/check-in', { cardNumber: valid.cardNumber });
    expect(home.body.outcome).toBe('not_participant');
    const unknown = await uinLib.post('/api/v1/visits/check-in', { cardNumber: 'SL-0000-0000' });
    expect(unknown.body).toMatchObject({ outcome: 'unknown', card: null });
    expect(await visitCount()).toBe(before);
  });

  it('does not let a librarian check visitors in for another library', async () => {
    const before = await visitCount();
    const r = await uinLib.post('/api/v1/visits/check-in', { cardNumber: valid.cardNumber, libraryCode: 'UPERTIS' });
    expect(r.status).toBe(403);
    expect(await visitCount()).toBe(before);
    const blank = await uinLib.post('/api/v1/visits/check-in', { cardNumber: '' });
    expect(blank.status).toBe(400);
  });

  it('checks in an announced visit as announced', async () => {
    const a = await upiLib.post('/api/v1/visits', {
      cardNumber: valid.cardNumber,
      libraryCode: 'UINMY',
      plannedOn: today,
      purpose: 'Mencari skripsi tentang pendidikan Islam',
    });
    expect(a.status).toBe(201);
    expect(a.body.status).toBe('announced');
    const wrong = await upiLib.post('/api/v1/visits', {
      cardNumber: valid.cardNumber,
      libraryCode: 'BUNGHATTA',
      plannedOn: today,
    });
    expect(wrong.status).toBe(400);
    const notHers = await uinLib.post('/api/v1/visits', {
      cardNumber: valid.cardNumber,
      libraryCode: 'UINMY',
      plannedOn: today,
    });
    expect(notHers.status).toBe(403);
    const r = await uinLib.post('/api/v1/visits/check-in', { cardNumber: valid.cardNumber });
    expect(r.body.announced).toBe(true);
    expect(r.body.visitId).toBe(a.body.id);
  });
});

describe('visit figures', () => {
  it('counts visits received and made per library and month', async () => {
    const month = today.slice(0, 7);
    const f = await uinLib.get(`/api/v1/program-figures?from=${month}-01&to=${today}`);
    expect(f.status).toBe(200);
    const uin = f.body.visits.find((v: any) => v.libraryCode === 'UINMY' && v.month === month);
    expect(uin.received).toBe(2);
    expect(uin.made).toBe(1); // a UIN student visited Universitas Perintis
    expect(f.body.visits.every((v: any) => v.libraryCode === 'UINMY')).toBe(true);
    const coord = await s.as('koordinator');
    const all = await coord.get(`/api/v1/program-figures?from=${month}-01&to=${today}`);
    const upi = all.body.visits.find((v: any) => v.libraryCode === 'UPERTIS' && v.month === month);
    expect(upi).toMatchObject({ received: 1, made: 2 });
  });
});

describe('card numbers', () => {
  it('normalises what scanners and people type', () => {
    expect(normalizeCardNumber('sl 7kq2 m9xd')).toBe('SL-7KQ2-M9XD');
    expect(normalizeCardNumber('SL7KQ2M9XD')).toBe('SL-7KQ2-M9XD');
    expect(normalizeCardNumber('SL-7KQ2-M9XO')).toBe('SL-7KQ2-M9X0');
    expect(normalizeCardNumber(' whatever ')).toBe('WHATEVER');
  });
});
