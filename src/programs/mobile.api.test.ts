import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTitle } from '../../test/programs-support.ts';
import { type Agent, startTestSimpul, type TestSimpul } from '../../test/support.ts';
import { addDays, todayIso } from './dates.ts';
import { weekdayOf } from './mobile-schedule.ts';

let s: TestSimpul;
let pyk: Agent; // librarian of Payakumbuh: runs the mobile library
let sd03: Agent; // the partner school at a stop
let sd01: Agent; // a school elsewhere
let bh: Agent;
let routeId: number;
let schoolStop: number;
let villageStop: number;
let agreementId: number;
const barcodes: string[] = [];
const today = todayIso();
const weekday = weekdayOf(today);

async function itemStatus(barcode: string): Promise<string> {
  const r = await s.ctx.database.db
    .selectFrom('items')
    .select('status')
    .where('barcode', '=', barcode)
    .executeTakeFirstOrThrow();
  return r.status;
}

beforeAll(async () => {
  s = await startTestSimpul();
  [pyk, sd03, sd01, bh] = await Promise.all([
    s.as('pustakawan.payakumbuh'),
    s.as('pustakawan.sdn03pyk'),
    s.as('pustakawan.sdn01bkt'),
    s.as('pustakawan.bunghatta'),
  ]);
  // The demo MoU ends on 2027-01-31; a fresh one keeps this test independent of the calendar.
  const admin = await s.as('admin.payakumbuh');
  const mou = await admin.post('/api/v1/agreements', {
    title: 'MoU Perpustakaan Keliling (uji)',
    kind: 'mou',
    programs: ['mobile_library'],
    startsOn: addDays(today, -10),
    endsOn: addDays(today, 700),
    parties: [
      { libraryCode: 'PAYAKUMBUH', role: 'first_party' },
      { libraryCode: 'SDN03-PYK', role: 'second_party' },
    ],
  });
  expect(mou.status).toBe(201);
  agreementId = mou.body.id;
  expect((await admin.post(`/api/v1/agreements/${agreementId}/activate`)).status).toBe(200);
  for (let i = 1; i <= 4; i++) {
    const [id] = await makeTitle(s, 'PAYAKUMBUH', { title: `Dongeng Nusantara ${i}` });
    const row = await s.ctx.database.db
      .selectFrom('items')
      .select('barcode')
      .where('id', '=', id as number)
      .executeTakeFirstOrThrow();
    barcodes.push(row.barcode as string);
  }
  await makeTitle(s, 'BUNGHATTA', { title: 'Buku Bung Hatta' });
});
afterAll(async () => s?.stop());

describe('mobile library', () => {
  it('plans a route with stops, a weekly timetable and one-off changes', async () => {
    const route = await pyk.post('/api/v1/mobile-routes', {
      name: 'Pusling Payakumbuh Timur',
      vehicle: 'Isuzu Elf BA 1234 XY',
      staff: ['Sri Wahyuni', 'Dedi (sopir)'],
    });
    expect(route.status).toBe(201);
    routeId = route.body.id;
    expect(route.body).toMatchObject({ canManage: true, library: { code: 'PAYAKUMBUH' }, stops: 0 });

    const badTimes = await pyk.post(`/api/v1/mobile-routes/${routeId}/stops`, {
      name: 'X',
      kind: 'village',
      startTime: '10:00',
      endTime: '09:00',
    });
    expect(badTimes.status).toBe(400);
    const past = await pyk.post(`/api/v1/mobile-routes/${routeId}/stops`, {
      name: 'Nagari Koto Baru',
      kind: 'village',
      startTime: '13:00',
      endTime: '15:00',
      schedule: { weekday, startsOn: addDays(today, -7) },
    });
    expect(past.status).toBe(400);
    expect(past.body.error.details.fields[0]).toMatchObject({ field: 'schedule.startsOn' });
    expect(past.body.error.details.fields[0].message.id).toContain('sudah lewat');

    const school = await pyk.post(`/api/v1/mobile-routes/${routeId}/stops`, {
      name: 'SD Negeri 03 Payakumbuh',
      kind: 'school',
      partnerLibraryCode: 'SDN03-PYK',
      agreementId,
      startTime: '08:00',
      endTime: '10:00',
      schedule: { weekday, everyWeeks: 1 },
    });
    expect(school.status).toBe(201);
    schoolStop = school.body.stopList[0].id;
    expect(school.body.stopList[0].upcoming[0].date).toBe(today);
    const village = await pyk.post(`/api/v1/mobile-routes/${routeId}/stops`, {
      name: 'Nagari Koto Baru',
      kind: 'village',
      address: 'Balai nagari',
      startTime: '13:00',
      endTime: '15:00',
      schedule: { weekday },
    });
    villageStop = village.body.stopList[1].id;

    // a partner that is not a party to the agreement
    const wrongPartner = await pyk.post(`/api/v1/mobile-routes/${routeId}/stops`, {
      name: 'SD 12',
      kind: 'school',
      partnerLibraryCode: 'SDN12-PYK',
      agreementId,
      startTime: '08:00',
      endTime: '09:00',
    });
    expect(wrongPartner.status).toBe(400);

    // one-off changes: never in the past; cancel only a scheduled day; an extra day on another
    const yesterday = await pyk.post(`/api/v1/mobile-stops/${schoolStop}/changes`, {
      date: addDays(today, -1),
      kind: 'extra',
    });
    expect(yesterday.status).toBe(400);
    expect(yesterday.body.error.details.fields[0].message.en).toContain('in the past');
    const notScheduled = await pyk.post(`/api/v1/mobile-stops/${schoolStop}/changes`, {
      date: addDays(today, 8),
      kind: 'cancel',
    });
    expect(notScheduled.status).toBe(409);
    expect(notScheduled.body.error.code).toBe('not_scheduled');
    const cancel = await pyk.post(`/api/v1/mobile-stops/${schoolStop}/changes`, {
      date: addDays(today, 7),
      kind: 'cancel',
      note: 'Ujian sekolah',
    });
    expect(cancel.status).toBe(201);
    const extra = await pyk.post(`/api/v1/mobile-stops/${schoolStop}/changes`, {
      date: addDays(today, 9),
      kind: 'extra',
      startTime: '09:00',
      endTime: '11:00',
      note: 'Hari kunjung perpustakaan',
    });
    expect(extra.status).toBe(201);
    const upcoming = extra.body.stopList[0].upcoming.map((o: any) => o.date);
    expect(upcoming.slice(0, 3)).toEqual([today, addDays(today, 9), addDays(today, 14)]);
    expect(upcoming).not.toContain(addDays(today, 7));

    // others cannot change the route
    const other = await bh.post(`/api/v1/mobile-routes/${routeId}/stops`, {
      name: 'X',
      kind: 'village',
      startTime: '08:00',
      endTime: '09:00',
    });
    expect(other.status).toBe(404);
    const partnerTries = await sd03.post(`/api/v1/mobile-stops/${schoolStop}/changes`, {
      date: addDays(today, 14),
      kind: 'cancel',
    });
    expect(partnerTries.status).toBe(403);
  });

  it('lends from the collection on board until the next visit and takes returns at any stop', async () => {
    const foreign = await pyk.post(`/api/v1/mobile-routes/${routeId}/collection`, { barcodes: ['BUNGHATTA-T00005'] });
    expect(foreign.status).toBe(400);
    const loaded = await pyk.post(`/api/v1/mobile-routes/${routeId}/collection`, { barcodes: barcodes.slice(0, 3) });
    expect(loaded.status).toBe(200);
    expect(loaded.body.items).toHaveLength(3);

    // bad visits: nothing is written
    const notOnBoard = await pyk.post(`/api/v1/mobile-stops/${schoolStop}/visits`, {
      date: today,
      visitors: 34,
      loans: [
        { barcode: barcodes[0], borrowerName: 'Rahmat' },
        { barcode: barcodes[3], borrowerName: 'Ayu' },
      ],
    });
    expect(notOnBoard.status).toBe(400);
    expect(notOnBoard.body.error.details.fields[0].field).toBe('loans.1.barcode');
    expect(await itemStatus(barcodes[0] as string)).toBe('available');
    const future = await pyk.post(`/api/v1/mobile-stops/${schoolStop}/visits`, {
      date: addDays(today, 9),
      visitors: 1,
    });
    expect(future.body.error.code).toBe('visit_in_future');
    const offDay = await pyk.post(`/api/v1/mobile-stops/${schoolStop}/visits`, {
      date: addDays(today, -1),
      visitors: 1,
    });
    expect(offDay.body.error.code).toBe('not_scheduled');

    const visit = await pyk.post(`/api/v1/mobile-stops/${schoolStop}/visits`, {
      date: today,
      visitors: 34,
      note: 'Kelas 4 dan 5',
      loans: [
        { barcode: barcodes[0], borrowerName: 'Rahmat' },
        { barcode: barcodes[1], borrowerName: 'Ayu' },
      ],
    });
    expect(visit.status).toBe(201);
    // next week is cancelled: due on the extra day
    expect(visit.body.loans.map((l: any) => l.dueOn)).toEqual([addDays(today, 9), addDays(today, 9)]);
    expect(await itemStatus(barcodes[0] as string)).toBe('on_loan');
    const again = await pyk.post(`/api/v1/mobile-stops/${schoolStop}/visits`, { date: today, visitors: 2 });
    expect(again.body.error.code).toBe('visit_recorded');

    const atVillage = await pyk.post(`/api/v1/mobile-stops/${villageStop}/visits`, {
      date: today,
      visitors: 12,
      returns: [barcodes[0]],
      loans: [{ barcode: barcodes[0], borrowerName: 'Pak Wali Jorong' }],
    });
    expect(atVillage.status).toBe(201);
    expect(atVillage.body.returned).toHaveLength(1);
    expect(atVillage.body.loans[0].dueOn).toBe(addDays(today, 7));
    const notLent = await pyk.post(`/api/v1/mobile-stops/${villageStop}/visits`, {
      date: today,
      visitors: 1,
      returns: [barcodes[2]],
    });
    expect(notLent.status).toBe(409); // already recorded today; the return check comes after

    const route = await pyk.get(`/api/v1/mobile-routes/${routeId}`);
    expect(route.body.openLoans).toBe(2);
    expect(
      route.body.loans
        .filter((l: any) => !l.returnedOn)
        .map((l: any) => l.borrowerName)
        .sort(),
    ).toEqual(['Ayu', 'Pak Wali Jorong']);
    const unload = await pyk.post(`/api/v1/mobile-routes/${routeId}/collection/unload`, {
      itemIds: [route.body.loans[0].itemId],
    });
    expect(unload.status).toBe(409);

    const results = await pyk.get(`/api/v1/mobile-routes/${routeId}/results`);
    const month = today.slice(0, 7);
    expect(results.body.items).toEqual([
      expect.objectContaining({
        month,
        stopName: 'SD Negeri 03 Payakumbuh',
        visits: 1,
        visitors: 34,
        loans: 2,
        returns: 0,
      }),
      expect.objectContaining({ month, stopName: 'Nagari Koto Baru', visits: 1, visitors: 12, loans: 1, returns: 1 }),
    ]);
  });

  it('counts visitors and loans per stop in the figures', async () => {
    const f = await (await s.as('koordinator')).get('/api/v1/program-figures/cooperation');
    expect(f.body.mobile).toEqual([
      expect.objectContaining({
        operatorCode: 'PAYAKUMBUH',
        stopName: 'SD Negeri 03 Payakumbuh',
        partnerCode: 'SDN03-PYK',
        visitors: 34,
        loans: 2,
      }),
      expect.objectContaining({ stopName: 'Nagari Koto Baru', visitors: 12, loans: 1, returns: 1 }),
    ]);
    const school = await sd03.get('/api/v1/program-figures/cooperation');
    expect(school.body.mobile.map((r: any) => r.stopName)).toEqual(['SD Negeri 03 Payakumbuh']);
  });

  it('shows the partner its own stop and nothing to others', async () => {
    const mine = await sd03.get(`/api/v1/mobile-schedule?from=${today}&to=${addDays(today, 20)}`);
    expect(mine.status).toBe(200);
    expect(new Set(mine.body.items.map((e: any) => e.stopName))).toEqual(new Set(['SD Negeri 03 Payakumbuh']));
    expect(mine.body.items.map((e: any) => e.date)).toEqual([today, addDays(today, 9), addDays(today, 14)]);
    const route = await sd03.get(`/api/v1/mobile-routes/${routeId}`);
    expect(route.status).toBe(200);
    expect(route.body.canManage).toBe(false);
    expect(route.body.stopList.map((x: any) => x.name)).toEqual(['SD Negeri 03 Payakumbuh']);
    expect(route.body.loans).toEqual([]);
    expect(route.body.visits.map((v: any) => v.stopName)).toEqual(['SD Negeri 03 Payakumbuh']);
    const results = await sd03.get(`/api/v1/mobile-routes/${routeId}/results`);
    expect(results.body.items.map((r: any) => r.stopName)).toEqual(['SD Negeri 03 Payakumbuh']);
    expect((await sd03.get('/api/v1/mobile-routes')).body.items.map((r: any) => r.id)).toEqual([routeId]);

    expect((await sd01.get(`/api/v1/mobile-routes/${routeId}`)).status).toBe(404);
    expect((await sd01.get('/api/v1/mobile-routes')).body.items).toEqual([]);
    expect((await sd01.get(`/api/v1/mobile-schedule?from=${today}`)).body.items).toEqual([]);
    expect((await sd01.post(`/api/v1/mobile-stops/${schoolStop}/visits`, { date: today, visitors: 1 })).status).toBe(
      404,
    );
  });
});
