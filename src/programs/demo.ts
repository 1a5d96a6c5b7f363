import type { Actor } from '../platform/actor.ts';
import { audit } from '../platform/audit.ts';
import type { Trx } from '../platform/db.ts';
import { seedExchangeDemo } from './exchange-demo.ts';
import type { PartyTerms, Program } from './tables.ts';

/**
 * The demo network's partnership programs, as the studies in ../shared/seeds
 * describe them: Perpustakaan Nasional signs for Bung Hatta; 100 books per
 * partner school rotated every three months, lost copies replaced by the
 * school; partner students borrow with proof of enrolment; Payakumbuh's mobile
 * library MoU with its schools; a university forum's visiting cards.
 * Numbers and dates are illustrative.
 */
interface DemoParty {
  library?: string;
  institution?: string;
  kind?: string;
  role: string;
  signatory?: [string, string];
  terms?: PartyTerms;
}

interface DemoAgreement {
  title: string;
  number: string;
  kind: 'mou' | 'pks';
  programs: Program[];
  startsOn: string;
  endsOn: string;
  isPublic?: boolean;
  background: string;
  purpose: string;
  divisionOfWork?: string;
  financing?: string;
  method?: string;
  parties: DemoParty[];
  deposit?: { lender: string; recipient: string; setSize: number; rotationMonths: number; audience: string };
}

const AGREEMENTS: DemoAgreement[] = [
  {
    title:
      'Perjanjian Kerja Sama Pertukaran Bahan Pustaka antara Perpustakaan Nasional RI (UPT Perpustakaan Proklamator Bung Hatta) dan Dinas Perpustakaan dan Kearsipan Kota Sawahlunto',
    number: 'PKS/45/3.1/PNRI/III/2025',
    kind: 'pks',
    programs: ['exchange'],
    startsOn: '2025-03-01',
    endsOn: '2027-02-28',
    isPublic: true,
    background: 'Kedua perpustakaan menerbitkan dan menghimpun terbitan daerah yang tidak diperjualbelikan.',
    purpose: 'Saling melengkapi koleksi terbitan daerah dan menjalin pertukaran informasi.',
    method: 'Pertukaran satu judul untuk satu judul, dikirim setiap semester.',
    financing: 'Biaya pengiriman ditanggung pengirim.',
    parties: [
      {
        library: 'BUNGHATTA',
        role: 'first_party',
        signatory: ['Dr. Adin Bondar', 'Sekretaris Utama Perpustakaan Nasional RI'],
        terms: { exchangeRatio: '1:1' },
      },
      {
        library: 'SAWAHLUNTO',
        role: 'second_party',
        signatory: ['Yusrizal', 'Kepala Dinas Perpustakaan dan Kearsipan'],
        terms: { exchangeRatio: '1:1' },
      },
    ],
  },
  {
    title: 'Peminjaman Koleksi Kolektif UPT Perpustakaan Proklamator Bung Hatta untuk SD Negeri 01 Bukittinggi',
    number: 'PKS/07/UPT-PPBH/I/2026',
    kind: 'pks',
    programs: ['deposit_collections'],
    startsOn: '2026-01-01',
    endsOn: '2026-12-31',
    background: 'Sekolah membutuhkan bacaan anak; perpustakaan ingin dikenal generasi muda.',
    purpose: 'Meminjamkan 100 buku bacaan anak yang diganti setiap tiga bulan.',
    divisionOfWork: 'Perpustakaan memilih, mengirim dan menukar koleksi; sekolah menjaga dan melaporkan peminjaman.',
    parties: [
      {
        library: 'BUNGHATTA',
        role: 'first_party',
        terms: { loanPeriodDays: 90, obligations: 'Menukar set setiap tiga bulan.' },
      },
      {
        library: 'SDN01-BKT',
        role: 'second_party',
        signatory: ['Hj. Nurhayati, S.Pd.', 'Kepala Sekolah'],
        terms: {
          lostItems: { rule: 'replace_copy' },
          obligations: 'Mengganti buku yang hilang dengan judul yang sama.',
        },
      },
    ],
    deposit: {
      lender: 'BUNGHATTA',
      recipient: 'SDN01-BKT',
      setSize: 100,
      rotationMonths: 3,
      audience: 'Siswa SD kelas 1-6',
    },
  },
  {
    title: 'Peminjaman Koleksi Kolektif UPT Perpustakaan Proklamator Bung Hatta untuk SD Negeri 05 Bukittinggi',
    number: 'PKS/19/UPT-PPBH/VII/2026',
    kind: 'pks',
    programs: ['deposit_collections'],
    startsOn: '2026-07-01',
    endsOn: '2027-06-30',
    background: 'Permintaan sekolah akan buku bacaan anak.',
    purpose: 'Meminjamkan 100 buku bacaan anak yang diganti setiap tiga bulan.',
    parties: [
      { library: 'BUNGHATTA', role: 'first_party', terms: { loanPeriodDays: 90 } },
      {
        library: 'SDN05-BKT',
        role: 'second_party',
        signatory: ['Syafrizal, S.Pd.', 'Kepala Sekolah'],
        terms: { lostItems: { rule: 'replace_copy' } },
      },
    ],
    deposit: {
      lender: 'BUNGHATTA',
      recipient: 'SDN05-BKT',
      setSize: 100,
      rotationMonths: 3,
      audience: 'Siswa SD kelas 1-6',
    },
  },
  {
    title:
      'Nota Kesepahaman Pemanfaatan Layanan Perpustakaan bagi Mahasiswa Universitas Perintis Indonesia dan UIN Mahmud Yunus Batusangkar',
    number: 'MoU/112/PNRI/VIII/2025',
    kind: 'mou',
    programs: ['ill', 'internships', 'facility_use'],
    startsOn: '2025-08-01',
    endsOn: '2028-07-31',
    background:
      'Hanya penduduk Bukittinggi dan Agam (KTP) yang boleh meminjam; mahasiswa dari kota lain hanya membaca di tempat.',
    purpose: 'Mahasiswa perguruan tinggi mitra boleh meminjam dengan surat keterangan aktif kuliah; magang mahasiswa.',
    parties: [
      {
        library: 'BUNGHATTA',
        role: 'first_party',
        signatory: ['Dr. Adin Bondar', 'Sekretaris Utama Perpustakaan Nasional RI'],
        terms: {
          loanPeriodDays: 14,
          loanQuota: 2,
          preferredIllPartner: true,
          rights: 'Mahasiswa mitra meminjam dengan surat keterangan aktif kuliah sampai semester akhir.',
        },
      },
      {
        library: 'UPERTIS',
        role: 'second_party',
        signatory: ['Rini Oktavia, M.Hum.', 'Kepala Perpustakaan'],
        terms: { loanPeriodDays: 14, lostItems: { rule: 'replace_copy' } },
      },
      {
        library: 'UINMY',
        role: 'third_party',
        signatory: ['Muhammad Ilham, M.A.', 'Kepala Perpustakaan'],
        terms: { loanPeriodDays: 14, lostItems: { rule: 'replace_copy' } },
      },
    ],
  },
  {
    title: 'Nota Kesepahaman Layanan Perpustakaan Keliling Kota Payakumbuh ke Sekolah Dasar',
    number: 'MoU/03/DPK-PYK/II/2024',
    kind: 'mou',
    programs: ['mobile_library', 'deposit_collections'],
    startsOn: '2024-02-01',
    endsOn: '2027-01-31',
    isPublic: true,
    background: 'Minat baca siswa sekolah dasar di pinggiran kota perlu didekatkan dengan koleksi.',
    purpose: 'Kunjungan perpustakaan keliling pada hari Minggu dan pinjaman koleksi ke sekolah.',
    method: 'Jadwal kunjungan bergilir; sekolah menyiapkan ruang baca.',
    financing: 'APBD Kota Payakumbuh.',
    parties: [
      {
        library: 'PAYAKUMBUH',
        role: 'first_party',
        signatory: ['Afrizal Chaniago', 'Kepala Dinas'],
        terms: { loanPeriodDays: 30 },
      },
      { library: 'SDN03-PYK', role: 'second_party', terms: { lostItems: { rule: 'pay_amount', amountRupiah: 75000 } } },
      { library: 'SDN12-PYK', role: 'second_party', terms: { lostItems: { rule: 'pay_amount', amountRupiah: 75000 } } },
    ],
  },
  {
    title: 'Kesepakatan Silang Layan Forum Perpustakaan Perguruan Tinggi Sumatera Barat',
    number: 'FPPTI-SB/KS/09/2025',
    kind: 'mou',
    programs: ['visiting_cards', 'ill', 'training'],
    startsOn: '2025-09-01',
    endsOn: '2027-08-31',
    isPublic: true,
    background: 'Tidak ada perpustakaan yang dapat memenuhi semua kebutuhan informasi mahasiswanya.',
    purpose: 'Kartu anggota forum agar mahasiswa dapat berkunjung dan membaca di perpustakaan anggota lain.',
    method:
      'Pemegang kartu melapor lebih dahulu ke perpustakaan yang dikunjungi, menunjukkan kartu kepada petugas, dan mematuhi peraturan setempat.',
    parties: [
      {
        institution: 'Forum Perpustakaan Perguruan Tinggi Indonesia (FPPTI) Sumatera Barat',
        kind: 'forum',
        role: 'coordinator',
      },
      { library: 'UPERTIS', role: 'member', terms: { loanPeriodDays: 7, loanQuota: 2 } },
      { library: 'UINMY', role: 'member', terms: { loanPeriodDays: 7, loanQuota: 2 } },
    ],
  },
];

const CARDS: Array<{
  agreement: number;
  library: string;
  member: string;
  number: string;
  from: string;
  until: string;
}> = [
  {
    agreement: 5,
    library: 'UPERTIS',
    member: 'UPI-2201001',
    number: 'SL-7KQ2-M9XD',
    from: '2025-09-01',
    until: '2027-08-31',
  },
  {
    agreement: 5,
    library: 'UINMY',
    member: 'UIN-2301045',
    number: 'SL-3HWA-52RT',
    from: '2025-09-01',
    until: '2027-08-31',
  },
  // Her student status ended: the card ran out with it.
  {
    agreement: 5,
    library: 'UINMY',
    member: 'UIN-2301046',
    number: 'SL-8PZM-4C1E',
    from: '2025-09-01',
    until: '2026-08-31',
  },
];

export async function seedPrograms(
  trx: Trx,
  actor: Actor,
  networkId: number,
  id: (code: string) => number,
): Promise<void> {
  const parentOf = new Map(
    (await trx.selectFrom('libraries').select(['id', 'parent_library_id', 'signs_own_agreements']).execute())
      .filter((l) => !l.signs_own_agreements)
      .map((l) => [l.id, l.parent_library_id]),
  );
  const agreementIds: number[] = [];
  for (const a of AGREEMENTS) {
    const row = await trx
      .insertInto('agreements')
      .values({
        network_id: networkId,
        title: a.title,
        number: a.number,
        kind: a.kind,
        programs: a.programs,
        starts_on: a.startsOn,
        ends_on: a.endsOn,
        is_public: a.isPublic ?? false,
        background: a.background,
        purpose: a.purpose,
        division_of_work: a.divisionOfWork ?? null,
        financing: a.financing ?? null,
        method: a.method ?? null,
        status: 'active',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    agreementIds.push(row.id);
    const firstLibrary = a.parties.find((p) => p.library)?.library;
    await trx
      .insertInto('agreement_parties')
      .values(
        a.parties.map((p, position) => {
          const libraryId = p.library ? id(p.library) : null;
          return {
            agreement_id: row.id,
            position,
            library_id: libraryId,
            institution_name: p.institution ?? null,
            institution_kind: p.kind ?? null,
            role: p.role,
            signed_by_library_id: libraryId === null ? null : (parentOf.get(libraryId) ?? null),
            signatory_name: p.signatory?.[0] ?? null,
            signatory_title: p.signatory?.[1] ?? null,
            terms: JSON.stringify(p.terms ?? {}),
          };
        }),
      )
      .execute();
    if (a.deposit) {
      await trx
        .insertInto('deposit_programs')
        .values({
          agreement_id: row.id,
          lender_library_id: id(a.deposit.lender),
          recipient_library_id: id(a.deposit.recipient),
          set_size: a.deposit.setSize,
          rotation_months: a.deposit.rotationMonths,
          audience: a.deposit.audience,
        })
        .execute();
    }
    await audit(trx, actor, {
      action: 'create',
      entity: 'agreement',
      entityId: row.id,
      libraryId: firstLibrary ? id(firstLibrary) : null,
      after: { title: a.title, number: a.number, status: 'active', seeded: true },
    });
  }
  for (const c of CARDS) {
    const agreementId = agreementIds[c.agreement];
    if (agreementId === undefined) continue;
    const patron = await trx
      .selectFrom('patrons')
      .select('id')
      .where('library_id', '=', id(c.library))
      .where('member_number', '=', c.member)
      .executeTakeFirstOrThrow();
    const others = ['UPERTIS', 'UINMY'].filter((x) => x !== c.library).map(id);
    await trx
      .insertInto('visiting_cards')
      .values({
        agreement_id: agreementId,
        card_number: c.number,
        patron_id: patron.id,
        home_library_id: id(c.library),
        valid_library_ids: others,
        valid_from: c.from,
        valid_until: c.until,
      })
      .execute();
  }
  await seedExchangeDemo(trx, actor, id);
}
