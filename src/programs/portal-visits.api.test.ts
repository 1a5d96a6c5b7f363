import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, startTestSimpul, type TestSimpul } from '../../test/support.ts';
import { addDays, todayIso } from './dates.ts';

let s: TestSimpul;
let intan: Agent;
let fikri: Agent;
let uinLib: Agent;
let upiLib: Agent;
const today = todayIso();

beforeAll(async () => {
  s = await startTestSimpul();
  [intan, fikri, uinLib, upiLib] = await Promise.all([
    s.asPatron('UPERTIS', 'UPI-2201001'),
    s.asPatron('UINMY', 'UIN-2301045'),
    s.as('pustakawan.uinmy'),
    s.as('pustakawan.upertis'),
  ]);
});
afterAll(async () => s?.stop());

describe('a cardholder announces her own visit', () => {
  it('shows where her card is valid and what she may use there', async () => {
    const r = await intan.get('/api/v1/me/visiting-cards');
    expect(r.body.items[0].places).toEqual([
      {
        library: expect.objectContaining({ code: 'UINMY' }),
        privileges: expect.arrayContaining([
          { key: 'on_site_reading', allowed: true },
          expect.objectContaining({ key: 'home_loan' }),
        ]),
      },
    ]);
  });

  let visitId: number;
  it('announces a visit; the visited library sees it at the desk and is notified', async () => {
    const planned = addDays(today, 3);
    const r = await intan.post('/api/v1/me/visits', { libraryCode: 'uinmy', plannedOn: planned, purpose: 'Skripsi' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      status: 'announced',
      plannedOn: planned,
      announcedBy: 'cardholder',
      cardNumber: 'SL-7KQ2-M9XD',
      visitedLibrary: { code: 'UINMY' },
    });
    visitId = r.body.id;
    const desk = await uinLib.get(`/api/v1/visits?status=announced&plannedFrom=${today}`);
    expect(desk.body.items.map((v: { id: number }) => v.id)).toContain(visitId);
    const made = await upiLib.get('/api/v1/visits?direction=made&status=announced');
    expect(made.body.items.map((v: { id: number }) => v.id)).toContain(visitId);
    const notes = await uinLib.get('/api/v1/notifications');
    expect(notes.body.items[0]).toMatchObject({ kind: 'visit.announced', link: '/programs/desk' });
    expect(notes.body.items[0].body.id).toContain('Intan Permata Sari');
    expect((await intan.get('/api/v1/me/visits')).body.items[0].id).toBe(visitId);
    // Twice for the same day: refused.
    const again = await intan.post('/api/v1/me/visits', { libraryCode: 'UINMY', plannedOn: planned });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('visit_already_announced');
  });

  it('refuses a library her card is not valid at, a past date, a date after the card, and someone else’s card', async () => {
    const home = await intan.post('/api/v1/me/visits', { libraryCode: 'BUNGHATTA', plannedOn: addDays(today, 1) });
    expect(home.status).toBe(400);
    expect(home.body.error.details.fields[0].field).toBe('libraryCode');
    const past = await intan.post('/api/v1/me/visits', { libraryCode: 'UINMY', plannedOn: addDays(today, -1) });
    expect(past.status).toBe(400);
    const late = await intan.post('/api/v1/me/visits', { libraryCode: 'UINMY', plannedOn: '2027-09-15' });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('card_expired');
    const other = await intan.post('/api/v1/me/visits', {
      cardNumber: 'SL-3HWA-52RT',
      libraryCode: 'UPERTIS',
      plannedOn: addDays(today, 1),
    });
    expect(other.status).toBe(400);
    expect(other.body.error.details.fields[0].field).toBe('cardNumber');
    const fadliless = await s.anonymous.post('/api/v1/me/visits', {
      libraryCode: 'UINMY',
      plannedOn: addDays(today, 1),
    });
    expect(fadliless.status).toBe(401);
  });

  it('lets only her cancel her visit, once', async () => {
    expect((await fikri.post(`/api/v1/me/visits/${visitId}/cancel`)).status).toBe(404);
    const r = await intan.post(`/api/v1/me/visits/${visitId}/cancel`);
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('cancelled');
    const twice = await intan.post(`/api/v1/me/visits/${visitId}/cancel`);
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('visit_not_announced');
    const notes = await uinLib.get('/api/v1/notifications');
    expect(notes.body.items[0].kind).toBe('visit.cancelled');
    const desk = await uinLib.get(`/api/v1/visits?status=announced&plannedFrom=${today}`);
    expect(desk.body.items.map((v: { id: number }) => v.id)).not.toContain(visitId);
  });

  it('an announced visit is checked in as announced and counted for both libraries', async () => {
    const r = await intan.post('/api/v1/me/visits', { libraryCode: 'UINMY', plannedOn: today });
    expect(r.status).toBe(201);
    const c = await uinLib.post('/api/v1/visits/check-in', { cardNumber: 'sl 7kq2 m9xd' });
    expect(c.body).toMatchObject({ ok: true, announced: true, visitId: r.body.id });
    const month = today.slice(0, 7);
    const figUin = await uinLib.get(`/api/v1/program-figures?from=${month}-01&to=${today}`);
    const figUpi = await upiLib.get(`/api/v1/program-figures?from=${month}-01&to=${today}`);
    const row = (
      f: { visits: Array<{ month: string; libraryCode: string; received: number; made: number }> },
      code: string,
    ) => f.visits.find((v) => v.month === month && v.libraryCode === code);
    expect(row(figUin.body, 'UINMY')?.received).toBeGreaterThanOrEqual(1);
    expect(row(figUpi.body, 'UPERTIS')?.made).toBeGreaterThanOrEqual(1);
    expect((await intan.get('/api/v1/me/visits')).body.items[0].status).toBe('checked_in');
  });

  it('staff of the home or the visited library may cancel an announced visit; others may not', async () => {
    const planned = addDays(today, 5);
    const v = await upiLib.post('/api/v1/visits', {
      cardNumber: 'SL-7KQ2-M9XD',
      libraryCode: 'UINMY',
      plannedOn: planned,
    });
    expect(v.status).toBe(201);
    expect(v.body.announcedBy).toBe('library');
    const bh = await s.as('pustakawan.bunghatta');
    expect((await bh.post(`/api/v1/visits/${v.body.id}/cancel`)).status).toBe(404);
    expect((await intan.post(`/api/v1/visits/${v.body.id}/cancel`)).status).toBe(401);
    const r = await uinLib.post(`/api/v1/visits/${v.body.id}/cancel`);
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('cancelled');
  });
});
