import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, must, startTestSimpul, type TestSimpul } from '../../test/support.ts';
import { addDays, todayIso } from './dates.ts';
import { weekdayOf } from './mobile-schedule.ts';

let s: TestSimpul;
let bh: Agent; // Bung Hatta: hosts interns, organises training
let upertis: Agent; // the university whose students intern
let swl: Agent; // sends staff to training
let pyk: Agent;
let coordinator: Agent;
let internshipId: number;
let trainingId: number;
const today = todayIso();
const year = today.slice(0, 4);

beforeAll(async () => {
  s = await startTestSimpul();
  [bh, upertis, swl, pyk, coordinator] = await Promise.all([
    s.as('pustakawan.bunghatta'),
    s.as('pustakawan.upertis'),
    s.as('pustakawan.sawahlunto'),
    s.as('pustakawan.payakumbuh'),
    s.as('koordinator'),
  ]);
});
afterAll(async () => s?.stop());

describe('internships', () => {
  it('records interns, their evaluation, and who gave and received', async () => {
    const bad = await bh.post('/api/v1/internships', {
      institutionName: 'Universitas Perintis Indonesia',
      supervisor: 'Nurul Aini, S.IP.',
      startsOn: addDays(today, 10),
      endsOn: addDays(today, 5),
      students: [{ name: 'Dina' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields[0].field).toBe('endsOn');
    const noStudents = await bh.post('/api/v1/internships', {
      institutionName: 'Universitas Perintis Indonesia',
      supervisor: 'Nurul Aini',
      startsOn: today,
      endsOn: today,
      students: [],
    });
    expect(noStudents.status).toBe(400);
    const created = await bh.post('/api/v1/internships', {
      institutionName: 'Universitas Perintis Indonesia — Prodi D3 Perpustakaan',
      institutionLibraryCode: 'UPERTIS',
      supervisor: 'Nurul Aini, S.IP.',
      startsOn: addDays(today, -20),
      endsOn: addDays(today, 10),
      students: [
        { name: 'Dina Marlina', studentNumber: '2201001', programme: 'D3 Perpustakaan' },
        { name: 'Fajar Ramadhan', studentNumber: '2201002', programme: 'D3 Perpustakaan' },
      ],
    });
    expect(created.status).toBe(201);
    internshipId = created.body.id;
    expect(created.body).toMatchObject({ direction: 'hosted', canManage: true, host: { code: 'BUNGHATTA' } });

    const seen = await upertis.get('/api/v1/internships');
    expect(seen.body.items).toEqual([
      expect.objectContaining({ id: internshipId, direction: 'sent', canManage: false }),
    ]);
    const notHost = await upertis.patch(`/api/v1/internships/${internshipId}`, { evaluation: 'Baik' });
    expect(notHost.status).toBe(403);
    expect((await swl.get(`/api/v1/internships/${internshipId}`)).status).toBe(404);
    expect((await swl.get('/api/v1/internships')).body.items).toEqual([]);

    const evaluated = await bh.patch(`/api/v1/internships/${internshipId}`, {
      evaluation: 'Rajin; mengolah 240 judul dan membantu layanan sirkulasi',
      score: 88,
    });
    expect(evaluated.status).toBe(200);
    expect(evaluated.body).toMatchObject({
      score: 88,
      students: [{ name: 'Dina Marlina' }, { name: 'Fajar Ramadhan' }],
    });
  });
});

describe('training, workshops and meetings', () => {
  it('adds participants from libraries, marks attendance and issues certificates once the event is over', async () => {
    const created = await bh.post('/api/v1/trainings', {
      kind: 'workshop',
      title: 'Lokakarya Katalogisasi RDA dan MARC 21',
      organiserName: 'Forum Perpustakaan Sumatera Barat',
      place: 'Aula Perpustakaan Bung Hatta',
      startsOn: addDays(today, -2),
      endsOn: addDays(today, -1),
      hours: 16,
    });
    expect(created.status).toBe(201);
    trainingId = created.body.id;
    const parts = await bh.post(`/api/v1/trainings/${trainingId}/participants`, {
      participants: [
        { libraryCode: 'SAWAHLUNTO', name: 'Fitri Handayani', position: 'Pustakawan Pertama' },
        { libraryCode: 'SAWAHLUNTO', name: 'Yusrizal', position: 'Kepala' },
        { libraryCode: 'PAYAKUMBUH', name: 'Sri Wahyuni' },
        { institutionName: 'SMA Negeri 1 Bukittinggi', name: 'Rina' },
      ],
    });
    expect(parts.status).toBe(201);
    expect(parts.body).toMatchObject({ participantCount: 4, libraries: 3 });
    const noOrigin = await bh.post(`/api/v1/trainings/${trainingId}/participants`, {
      participants: [{ name: 'Tanpa asal' }],
    });
    expect(noOrigin.status).toBe(400);
    const notOrganiser = await swl.post(`/api/v1/trainings/${trainingId}/participants`, {
      participants: [{ libraryCode: 'SAWAHLUNTO', name: 'Orang lain' }],
    });
    expect(notOrganiser.status).toBe(403);

    const yusrizal = parts.body.participants.find((p: any) => p.name === 'Yusrizal');
    must(
      await bh.post(`/api/v1/trainings/${trainingId}/attendance`, { participantIds: [yusrizal.id], attended: false }),
    );
    const issued = await bh.post(`/api/v1/trainings/${trainingId}/certificates`);
    expect(issued.status).toBe(200);
    const withCert = issued.body.participants.filter((p: any) => p.certificateNumber);
    expect(withCert).toHaveLength(3);
    expect(withCert[0].certificateNumber).toMatch(new RegExp(`^LKK/BUNGHATTA/${year}/\\d{4}-00\\d$`));
    const absent = issued.body.participants.find((p: any) => p.id === yusrizal.id);
    expect(absent.certificateNumber).toBeNull();
    const undo = await bh.post(`/api/v1/trainings/${trainingId}/attendance`, {
      participantIds: [withCert[0].id],
      attended: false,
    });
    expect(undo.body.error.code).toBe('certificate_issued');

    // a participant's library sees its own people and prints their certificates; not others'
    const mine = await swl.get(`/api/v1/trainings/${trainingId}`);
    expect(mine.body.participants.map((p: any) => p.name).sort()).toEqual(['Fitri Handayani', 'Yusrizal']);
    expect(mine.body.direction).toBe('attended');
    const fitri = mine.body.participants.find((p: any) => p.name === 'Fitri Handayani');
    const cert = await swl.get(`/api/v1/trainings/${trainingId}/participants/${fitri.id}/certificate`);
    expect(cert.status).toBe(200);
    expect(cert.body).toMatchObject({
      participantName: 'Fitri Handayani',
      from: expect.stringContaining('Sawahlunto'),
      organiser: expect.stringContaining('Forum Perpustakaan Sumatera Barat'),
      hours: 16,
    });
    const sri = parts.body.participants.find((p: any) => p.name === 'Sri Wahyuni');
    expect((await swl.get(`/api/v1/trainings/${trainingId}/participants/${sri.id}/certificate`)).status).toBe(404);
    expect((await pyk.get(`/api/v1/trainings/${trainingId}/participants/${sri.id}/certificate`)).status).toBe(200);

    const future = await bh.post('/api/v1/trainings', {
      kind: 'training',
      title: 'Pelatihan Literasi Informasi',
      startsOn: addDays(today, 5),
      endsOn: addDays(today, 6),
    });
    const early = await bh.post(`/api/v1/trainings/${future.body.id}/certificates`);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('event_not_over');
  });
});

describe('network calendar and figures', () => {
  it('lists acquisition deadlines, mobile visits, internships and training, filtered by library and month', async () => {
    const admin = await s.as('admin.bunghatta');
    const round = await admin.post('/api/v1/acq-rounds', {
      title: 'Pengadaan bersama koleksi rujukan',
      budgetRupiah: 5_000_000,
      deadline: addDays(today, 3),
      memberCodes: ['SAWAHLUNTO'],
    });
    expect(round.status).toBe(201);
    const route = await pyk.post('/api/v1/mobile-routes', { name: 'Pusling Kota', vehicle: 'Mobil boks' });
    await pyk.post(`/api/v1/mobile-routes/${route.body.id}/stops`, {
      name: 'Taman Kota Payakumbuh',
      kind: 'public_space',
      startTime: '07:00',
      endTime: '10:00',
      schedule: { weekday: weekdayOf(addDays(today, 2)), startsOn: today },
    });

    const cal = await bh.get(`/api/v1/program-calendar?from=${addDays(today, -30)}&to=${addDays(today, 30)}`);
    expect(cal.status).toBe(200);
    const kinds = new Set(cal.body.items.map((e: any) => e.kind));
    // the demo's agreed exchange between Bung Hatta and Sawahlunto falls due in two weeks
    expect(kinds).toEqual(new Set(['acquisition_deadline', 'internship', 'training', 'exchange_due']));
    const all = await coordinator.get(`/api/v1/program-calendar?from=${today}&to=${addDays(today, 30)}`);
    const visit = all.body.items.find((e: any) => e.kind === 'mobile_visit');
    expect(visit).toMatchObject({
      date: addDays(today, 2),
      time: '07:00–10:00',
      link: `/programs/mobile/${route.body.id}`,
    });
    const forSwl = await coordinator.get(
      `/api/v1/program-calendar?from=${addDays(today, -30)}&to=${addDays(today, 30)}&library=SAWAHLUNTO`,
    );
    expect(new Set(forSwl.body.items.map((e: any) => e.kind))).toEqual(
      new Set(['acquisition_deadline', 'training', 'exchange_due']),
    );
    const month = await pyk.get(`/api/v1/program-calendar?month=${addDays(today, 2).slice(0, 7)}`);
    expect(month.body.items.some((e: any) => e.kind === 'mobile_visit' && e.date === addDays(today, 2))).toBe(true);
    expect((await pyk.get('/api/v1/program-calendar?month=2027-13')).status).toBe(400);
    // a librarian narrows her own calendar to any library of the network: what she sees that involves it
    const withPyk = await swl.get(
      `/api/v1/program-calendar?from=${addDays(today, -30)}&to=${addDays(today, 30)}&library=PAYAKUMBUH`,
    );
    expect(withPyk.status).toBe(200);
    const own = await swl.get(`/api/v1/program-calendar?from=${addDays(today, -30)}&to=${addDays(today, 30)}`);
    const pykId = (await swl.get('/api/v1/libraries/PAYAKUMBUH')).body.id;
    expect(withPyk.body.items).toEqual(own.body.items.filter((e: any) => e.libraries.some((l: any) => l.id === pykId)));
    expect((await swl.get('/api/v1/program-calendar?library=NOSUCHLIB')).status).toBe(400);
  });

  it('counts interns hosted and staff trained per library; others see only their own rows', async () => {
    const f = await coordinator.get(`/api/v1/program-figures/cooperation?from=${addDays(today, -40)}&to=${today}`);
    expect(f.status).toBe(200);
    expect(f.body.internships).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ libraryCode: 'BUNGHATTA', hosted: 1, internsHosted: 2 }),
        expect.objectContaining({ libraryCode: 'UPERTIS', sent: 1, internsSent: 2 }),
      ]),
    );
    expect(f.body.training).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ libraryCode: 'BUNGHATTA', eventsOrganised: 1, participantsHosted: 3 }),
        expect.objectContaining({ libraryCode: 'SAWAHLUNTO', staffTrained: 1, certificates: 1 }),
        expect.objectContaining({ libraryCode: 'PAYAKUMBUH', staffTrained: 1, certificates: 1 }),
      ]),
    );
    const own = await swl.get(`/api/v1/program-figures/cooperation?from=${addDays(today, -40)}&to=${today}`);
    expect(own.body.training.map((r: any) => r.libraryCode)).toEqual(['SAWAHLUNTO']);
    expect(own.body.internships).toEqual([]);
    expect((await swl.get(`/api/v1/program-figures/cooperation?from=${today}&to=${addDays(today, -1)}`)).status).toBe(
      400,
    );
  });
});
