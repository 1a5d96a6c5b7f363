import { systemActor } from '../platform/actor.ts';
import type { Db } from '../platform/db.ts';
import { commentOn, createRound, decideProposal, orderCopies, propose, receiveCopy, voteOn } from './acquisition.ts';
import { addDays, todayIso } from './dates.ts';
import { addStop, createRoute, loadOnBoard, recordVisit } from './mobile.ts';
import { weekdayOf } from './mobile-schedule.ts';
import { addParticipants, createInternship, createTraining, issueCertificates, updateInternship } from './training.ts';

/**
 * Demo data of cooperative acquisition, the mobile library, internships and
 * training, made through the services (so every rule and audit row applies).
 * Runs after the demo catalog. The Payakumbuh mobile library visits its stops on
 * most Sundays (../shared/seeds/001); its history is recorded as it would have
 * been, Sunday by Sunday, by giving the services those days as "today".
 * Names, prices and numbers are illustrative.
 */
export async function seedCoopDemo(db: Db, today: string = todayIso()): Promise<void> {
  const actor = systemActor('seed-demo');
  const held = await db
    .selectFrom('clusters')
    .select(['id', 'title'])
    .where('holdings_count', '>', 0)
    .orderBy('holdings_count', 'desc')
    .orderBy('id')
    .limit(3)
    .execute();

  // ---- cooperative acquisition
  const round = await createRound(
    db,
    actor,
    {
      title: 'Pengadaan Bersama Koleksi Muatan Lokal Sumatera Barat',
      coordinatorCode: 'BUNGHATTA',
      budgetRupiah: 15_000_000,
      deadline: addDays(today, 21),
      expensiveRupiah: 500_000,
      note: 'Dana bersama anggota forum; setiap judul disimpan di perpustakaan pengusul dan dipinjamkan antarperpustakaan.',
      memberCodes: ['SAWAHLUNTO', 'PAYAKUMBUH', 'UPERTIS', 'UINMY'],
    },
    today,
  );
  const typed = await propose(
    db,
    actor,
    round.id,
    {
      libraryCode: 'PAYAKUMBUH',
      title: 'Sejarah Kota Payakumbuh dan Luhak Limo Puluah Koto',
      authors: 'Tim Penulis Pemerintah Kota Payakumbuh',
      publisher: 'Pemerintah Kota Payakumbuh',
      year: 2025,
      isbn: '978-602-8519-93-9',
      priceRupiah: 185_000,
      quantity: 4,
      expectedUse: 'high',
      reason: 'Banyak dicari pelajar untuk tugas muatan lokal',
    },
    today,
  );
  await voteOn(db, actor, typed.id, { vote: 1, libraryCode: 'SAWAHLUNTO' });
  await decideProposal(db, actor, typed.id, { decision: 'approve' });
  await orderCopies(
    db,
    actor,
    typed.id,
    { supplier: 'Toko Buku Sari Anggrek, Padang', orderedOn: addDays(today, -3) },
    today,
  );
  const approved = await commentOn(db, actor, typed.id, {
    libraryCode: 'UPERTIS',
    body: 'Setuju; mohon satu eksemplar bisa dipinjam mahasiswa sejarah lewat pinjam antarperpustakaan.',
  });
  const firstCopy = approved.copies[0];
  if (firstCopy)
    await receiveCopy(db, actor, firstCopy.id, { barcode: 'PYK-PB-0001', callNumber: '959.81 SEJ' }, today);
  const [big, other] = held;
  if (big) {
    const enc = await propose(
      db,
      actor,
      round.id,
      {
        libraryCode: 'SAWAHLUNTO',
        clusterId: big.id,
        priceRupiah: 850_000,
        quantity: 1,
        expectedUse: 'low',
        reason: 'Rujukan untuk pemustaka Sawahlunto',
      },
      today,
    );
    await commentOn(db, actor, enc.id, {
      libraryCode: 'UPERTIS',
      body: 'Judul ini sudah ada di beberapa mitra; cukup dipinjam bila perlu.',
    });
  }
  if (other) {
    await propose(
      db,
      actor,
      round.id,
      { libraryCode: 'UINMY', clusterId: other.id, priceRupiah: 120_000, quantity: 2, expectedUse: 'medium' },
      today,
    );
  }

  // ---- mobile library: most Sundays, eight weeks of history
  const firstSunday = addDays(today, -((weekdayOf(today) + 7) % 7) - 7 * 8);
  const route = await createRoute(db, actor, {
    libraryCode: 'PAYAKUMBUH',
    name: 'Perpustakaan Keliling Kota Payakumbuh — Rute Minggu',
    vehicle: 'Isuzu Elf, BA 8123 PK',
    staff: ['Sri Wahyuni', 'Afrizal Chaniago', 'Dedi Saputra (pengemudi)'],
  });
  const mou = await db
    .selectFrom('agreements')
    .select(['id', 'ends_on'])
    .where('title', 'like', 'Nota Kesepahaman Layanan Perpustakaan Keliling%')
    .executeTakeFirst();
  const mouInForce = mou && (mou.ends_on === null || mou.ends_on >= today) ? mou.id : null;
  const stopsIn = [
    { name: 'SD Negeri 03 Payakumbuh', kind: 'school' as const, partner: 'SDN03-PYK', start: '08:00', end: '10:00' },
    { name: 'SD Negeri 12 Payakumbuh', kind: 'school' as const, partner: 'SDN12-PYK', start: '10:30', end: '12:00' },
    { name: 'Nagari Koto Nan Gadang', kind: 'village' as const, start: '13:30', end: '15:00' },
    { name: 'Taman Kota Ngalau', kind: 'public_space' as const, start: '15:30', end: '17:30' },
  ];
  let current = route;
  for (const st of stopsIn) {
    current = await addStop(
      db,
      actor,
      route.id,
      {
        name: st.name,
        kind: st.kind,
        partnerLibraryCode: st.partner ?? null,
        agreementId: st.partner && mouInForce ? mouInForce : null,
        startTime: st.start,
        endTime: st.end,
        schedule: { weekday: 0, everyWeeks: 1, startsOn: firstSunday },
      },
      firstSunday,
    );
  }
  const items = await db
    .selectFrom('items as i')
    .innerJoin('libraries as l', 'l.id', 'i.library_id')
    .select('i.barcode')
    .where('l.code', '=', 'PAYAKUMBUH')
    .where('i.status', '=', 'available')
    .where('i.loanable', '=', true)
    .where('i.barcode', 'is not', null)
    .orderBy('i.id')
    .limit(16)
    .execute();
  const barcodes = items.map((i) => i.barcode as string);
  if (barcodes.length) await loadOnBoard(db, actor, route.id, { barcodes }, firstSunday);
  const borrowers = ['Rahmat', 'Ayu Lestari', 'Fadli', 'Nabila', 'Pak Syamsul', 'Bu Rosmaniar', 'Zaki', 'Intan'];
  const out: Array<{ barcode: string; stop: number }> = [];
  let next = 0;
  for (let week = 0; week <= 8; week++) {
    const sunday = addDays(firstSunday, 7 * week);
    if (sunday > today) break;
    for (const [i, stop] of current.stopList.entries()) {
      const returns = out.filter((o) => o.stop === stop.id).map((o) => o.barcode);
      for (const r of returns)
        out.splice(
          out.findIndex((o) => o.barcode === r),
          1,
        );
      const loans: Array<{ barcode: string; borrowerName: string }> = [];
      for (let k = 0; k < 2 && barcodes.length; k++) {
        const free = barcodes.filter((b) => !out.some((o) => o.barcode === b) && !loans.some((l) => l.barcode === b));
        const b = free[(next++ + k) % Math.max(free.length, 1)];
        if (!b) break;
        loans.push({ barcode: b, borrowerName: borrowers[(week + i + k) % borrowers.length] as string });
      }
      await recordVisit(
        db,
        actor,
        stop.id,
        { date: sunday, visitors: 18 + ((week * 7 + i * 5) % 23), returns, loans },
        sunday,
      );
      for (const l of loans) out.push({ barcode: l.barcode, stop: stop.id });
    }
  }

  // ---- internships and training
  const intern = await createInternship(db, actor, {
    hostCode: 'BUNGHATTA',
    institutionName: 'Universitas Perintis Indonesia — Program Studi D3 Perpustakaan',
    institutionLibraryCode: 'UPERTIS',
    supervisor: 'Nurul Aini, S.IP.',
    startsOn: addDays(today, -45),
    endsOn: addDays(today, -15),
    students: [
      { name: 'Dina Marlina', studentNumber: '2201021', programme: 'D3 Perpustakaan' },
      { name: 'Fajar Ramadhan', studentNumber: '2201034', programme: 'D3 Perpustakaan' },
      { name: 'Putri Amelia', studentNumber: '2201040', programme: 'D3 Perpustakaan' },
    ],
  });
  await updateInternship(db, actor, intern.id, {
    evaluation: 'Mengolah 310 judul koleksi muatan lokal dan membantu layanan sirkulasi; disiplin dan teliti.',
    score: 87,
  });
  await createInternship(db, actor, {
    hostCode: 'PAYAKUMBUH',
    institutionName: 'UIN Mahmud Yunus Batusangkar — Ilmu Perpustakaan',
    institutionLibraryCode: 'UINMY',
    supervisor: 'Sri Wahyuni, A.Md.',
    startsOn: addDays(today, 7),
    endsOn: addDays(today, 37),
    students: [
      { name: 'Rizki Hidayat', programme: 'S1 Ilmu Perpustakaan' },
      { name: 'Aulia Rahmi', programme: 'S1 Ilmu Perpustakaan' },
    ],
  });
  const workshop = await createTraining(db, actor, {
    organiserCode: 'BUNGHATTA',
    kind: 'workshop',
    title: 'Lokakarya Katalogisasi Koleksi Muatan Lokal dengan MARC 21',
    organiserName: 'Forum Perpustakaan Sumatera Barat',
    place: 'Aula Perpustakaan Proklamator Bung Hatta, Bukittinggi',
    startsOn: addDays(today, -30),
    endsOn: addDays(today, -29),
    hours: 16,
  });
  await addParticipants(db, actor, workshop.id, {
    participants: [
      { libraryCode: 'SAWAHLUNTO', name: 'Fitri Handayani', position: 'Pustakawan Ahli Pertama' },
      { libraryCode: 'PAYAKUMBUH', name: 'Sri Wahyuni', position: 'Pustakawan Terampil' },
      { libraryCode: 'UPERTIS', name: 'Andika Pratama', position: 'Pustakawan' },
      { libraryCode: 'UINMY', name: 'Siti Rahmah', position: 'Pustakawan' },
      { libraryCode: 'SDN01-BKT', name: 'Elvi Susanti', position: 'Pengelola perpustakaan sekolah' },
      { institutionName: 'SMA Negeri 2 Bukittinggi', name: 'Riko Saputra', position: 'Pengelola perpustakaan' },
    ],
  });
  await issueCertificates(db, actor, workshop.id, today);
  await createTraining(db, actor, {
    organiserCode: 'PAYAKUMBUH',
    kind: 'meeting',
    title: 'Rapat koordinasi perpustakaan keliling dan sekolah mitra',
    place: 'Dinas Perpustakaan Kota Payakumbuh',
    startsOn: addDays(today, 10),
    endsOn: addDays(today, 10),
    hours: 3,
  });
}
