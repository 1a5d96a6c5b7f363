import { ingestStream, type Parsed } from '../catalog/ingest.ts';
import { catalogMatcher } from '../catalog/match.ts';
import { seedPortalDemo } from '../directory/portal-demo.ts';
import { seedIllDemo } from '../ill/demo.ts';
import { systemActor } from '../platform/actor.ts';
import { audit } from '../platform/audit.ts';
import { hashPassword } from '../platform/auth.ts';
import type { Db } from '../platform/db.ts';
import type { Protector } from '../platform/protect.ts';
import type { LibraryType, PatronCategory, Role } from '../platform/schema.ts';
import { seedCoopDemo } from '../programs/coop-demo.ts';
import { seedPrograms } from '../programs/demo.ts';
import { seedRedistributionDemo } from '../programs/exchange-demo.ts';
import { demoCatalog } from './catalog.ts';

/**
 * The demo network: West Sumatra libraries drawn from the cases in the studies
 * Simpul comes from (../shared/seeds). School names are illustrative.
 * Every demo account shares one password, printed when Simpul starts.
 */
export const DEMO_PASSWORD = 'simpul-demo-2026';

// BPS region codes.
const REGIONS: Array<[string, string, 'province' | 'city' | 'regency', string | null]> = [
  ['13', 'Sumatera Barat', 'province', null],
  ['13.01', 'Kabupaten Kepulauan Mentawai', 'regency', '13'],
  ['13.02', 'Kabupaten Pesisir Selatan', 'regency', '13'],
  ['13.03', 'Kabupaten Solok', 'regency', '13'],
  ['13.04', 'Kabupaten Sijunjung', 'regency', '13'],
  ['13.05', 'Kabupaten Tanah Datar', 'regency', '13'],
  ['13.06', 'Kabupaten Padang Pariaman', 'regency', '13'],
  ['13.07', 'Kabupaten Agam', 'regency', '13'],
  ['13.08', 'Kabupaten Lima Puluh Kota', 'regency', '13'],
  ['13.09', 'Kabupaten Pasaman', 'regency', '13'],
  ['13.10', 'Kabupaten Solok Selatan', 'regency', '13'],
  ['13.11', 'Kabupaten Dharmasraya', 'regency', '13'],
  ['13.12', 'Kabupaten Pasaman Barat', 'regency', '13'],
  ['13.71', 'Kota Padang', 'city', '13'],
  ['13.72', 'Kota Solok', 'city', '13'],
  ['13.73', 'Kota Sawahlunto', 'city', '13'],
  ['13.74', 'Kota Padang Panjang', 'city', '13'],
  ['13.75', 'Kota Bukittinggi', 'city', '13'],
  ['13.76', 'Kota Payakumbuh', 'city', '13'],
  ['13.77', 'Kota Pariaman', 'city', '13'],
  ['31', 'DKI Jakarta', 'province', null],
  ['31.71', 'Kota Administrasi Jakarta Pusat', 'city', '31'],
];

interface LibrarySeed {
  code: string;
  name: string;
  type: LibraryType;
  region: string;
  parentInstitution?: string;
  parent?: string;
  signsOwnAgreements?: boolean;
  address: string;
  phone?: string;
  email?: string;
  website?: string;
  hours: Record<string, string>;
  services: string[];
  capacity?: number;
}

const weekday = {
  mon: '08:00-16:00',
  tue: '08:00-16:00',
  wed: '08:00-16:00',
  thu: '08:00-16:00',
  fri: '08:00-16:30',
};
const school = {
  mon: '07:30-13:00',
  tue: '07:30-13:00',
  wed: '07:30-13:00',
  thu: '07:30-13:00',
  fri: '07:30-11:00',
  sat: '07:30-12:00',
};

const LIBRARIES: LibrarySeed[] = [
  {
    code: 'PERPUSNAS',
    name: 'Perpustakaan Nasional Republik Indonesia',
    type: 'national',
    region: '31.71',
    address: 'Jl. Medan Merdeka Selatan No. 11, Jakarta Pusat',
    website: 'https://www.perpusnas.go.id',
    hours: { ...weekday, sat: '09:00-16:00', sun: '09:00-16:00' },
    services: ['on_site_reading', 'photocopy', 'ill_lending', 'document_delivery', 'training', 'internships'],
    capacity: 100,
  },
  {
    code: 'BUNGHATTA',
    name: 'UPT Perpustakaan Proklamator Bung Hatta',
    type: 'public',
    region: '13.75',
    parentInstitution: 'Perpustakaan Nasional Republik Indonesia',
    parent: 'PERPUSNAS',
    // A technical unit: formal MoUs are signed by Perpustakaan Nasional on its behalf.
    signsOwnAgreements: false,
    address: 'Jl. Bung Hatta, Gulai Bancah, Mandiangin Koto Selayan, Bukittinggi',
    phone: '(0752) 21000',
    hours: { ...weekday, sat: '09:00-15:00', sun: '09:00-15:00' },
    services: [
      'on_site_reading',
      'photocopy',
      'ill_lending',
      'ill_borrowing',
      'deposit_collections',
      'exchange',
      'internships',
      'visiting_cards',
    ],
    capacity: 40,
  },
  {
    code: 'SAWAHLUNTO',
    name: 'Dinas Perpustakaan dan Kearsipan Kota Sawahlunto',
    type: 'public',
    region: '13.73',
    parentInstitution: 'Pemerintah Kota Sawahlunto',
    address: 'Jl. M. Yamin, Sawahlunto',
    hours: weekday,
    services: ['on_site_reading', 'photocopy', 'ill_lending', 'ill_borrowing', 'exchange'],
    capacity: 15,
  },
  {
    code: 'PAYAKUMBUH',
    name: 'Perpustakaan Umum Daerah Kota Payakumbuh',
    type: 'public',
    region: '13.76',
    parentInstitution: 'Pemerintah Kota Payakumbuh',
    address: 'Jl. Soekarno-Hatta, Payakumbuh',
    hours: { ...weekday, sun: 'perpustakaan keliling ke sekolah' },
    services: ['on_site_reading', 'ill_lending', 'ill_borrowing', 'mobile_library', 'deposit_collections'],
    capacity: 20,
  },
  {
    code: 'SDN01-BKT',
    name: 'Perpustakaan SD Negeri 01 Bukittinggi',
    type: 'school',
    region: '13.75',
    parentInstitution: 'SD Negeri 01 Bukittinggi',
    address: 'Bukittinggi',
    hours: school,
    services: ['on_site_reading'],
    capacity: 0,
  },
  {
    code: 'SDN05-BKT',
    name: 'Perpustakaan SD Negeri 05 Bukittinggi',
    type: 'school',
    region: '13.75',
    parentInstitution: 'SD Negeri 05 Bukittinggi',
    address: 'Bukittinggi',
    hours: school,
    services: ['on_site_reading'],
    capacity: 0,
  },
  {
    code: 'SDN03-PYK',
    name: 'Perpustakaan SD Negeri 03 Payakumbuh',
    type: 'school',
    region: '13.76',
    parentInstitution: 'SD Negeri 03 Payakumbuh',
    address: 'Payakumbuh',
    hours: school,
    services: ['on_site_reading'],
    capacity: 0,
  },
  {
    code: 'SDN12-PYK',
    name: 'Perpustakaan SD Negeri 12 Payakumbuh',
    type: 'school',
    region: '13.76',
    parentInstitution: 'SD Negeri 12 Payakumbuh',
    address: 'Payakumbuh',
    hours: school,
    services: ['on_site_reading'],
    capacity: 0,
  },
  {
    code: 'UPERTIS',
    name: 'Perpustakaan Universitas Perintis Indonesia',
    type: 'university',
    region: '13.71',
    parentInstitution: 'Universitas Perintis Indonesia (dahulu STIKes Perintis Padang)',
    address: 'Jl. Adinegoro KM 17, Simpang Kalumpang, Lubuk Buaya, Padang',
    hours: weekday,
    services: ['on_site_reading', 'photocopy', 'ill_lending', 'ill_borrowing', 'visiting_cards', 'internships'],
    capacity: 15,
  },
  {
    code: 'UINMY',
    name: 'Perpustakaan UIN Mahmud Yunus Batusangkar',
    type: 'university',
    region: '13.05',
    parentInstitution: 'Universitas Islam Negeri Mahmud Yunus Batusangkar',
    address: 'Jl. Sudirman No. 137, Lima Kaum, Batusangkar',
    hours: weekday,
    services: ['on_site_reading', 'photocopy', 'ill_lending', 'ill_borrowing', 'visiting_cards', 'internships'],
    capacity: 20,
  },
];

interface StaffSeed {
  library: string;
  username: string;
  name: string;
  role: Role;
}

const STAFF: StaffSeed[] = [
  { library: 'BUNGHATTA', username: 'koordinator', name: 'Rahmi Yulianti', role: 'network_coordinator' },
  { library: 'BUNGHATTA', username: 'admin.bunghatta', name: 'Hendra Saputra', role: 'library_admin' },
  { library: 'BUNGHATTA', username: 'pustakawan.bunghatta', name: 'Nurul Aini', role: 'librarian' },
  { library: 'PERPUSNAS', username: 'admin.perpusnas', name: 'Dewi Kartika', role: 'library_admin' },
  { library: 'SAWAHLUNTO', username: 'admin.sawahlunto', name: 'Yusrizal', role: 'library_admin' },
  { library: 'SAWAHLUNTO', username: 'pustakawan.sawahlunto', name: 'Fitri Handayani', role: 'librarian' },
  { library: 'PAYAKUMBUH', username: 'admin.payakumbuh', name: 'Afrizal Chaniago', role: 'library_admin' },
  { library: 'PAYAKUMBUH', username: 'pustakawan.payakumbuh', name: 'Sri Wahyuni', role: 'librarian' },
  { library: 'SDN01-BKT', username: 'pustakawan.sdn01bkt', name: 'Elvi Susanti', role: 'librarian' },
  { library: 'SDN05-BKT', username: 'pustakawan.sdn05bkt', name: 'Mardiah', role: 'librarian' },
  { library: 'SDN03-PYK', username: 'pustakawan.sdn03pyk', name: 'Yenni Marlina', role: 'librarian' },
  { library: 'SDN12-PYK', username: 'pustakawan.sdn12pyk', name: 'Zulfahmi', role: 'librarian' },
  { library: 'UPERTIS', username: 'admin.upertis', name: 'Rini Oktavia', role: 'library_admin' },
  { library: 'UPERTIS', username: 'pustakawan.upertis', name: 'Andika Pratama', role: 'librarian' },
  { library: 'UINMY', username: 'admin.uinmy', name: 'Muhammad Ilham', role: 'library_admin' },
  { library: 'UINMY', username: 'pustakawan.uinmy', name: 'Siti Rahmah', role: 'librarian' },
];

interface PatronSeed {
  library: string;
  member: string;
  name: string;
  nik: string;
  region: string;
  category: PatronCategory;
  institution?: string;
  address?: string;
  expires?: string;
  proof?: { institution: string; from: string; until: string; ref: string };
}

const PATRONS: PatronSeed[] = [
  // Bung Hatta: residents of Bukittinggi and Agam borrow; others read on site;
  // students of partner universities borrow while their proof of enrolment is valid.
  {
    library: 'BUNGHATTA',
    member: 'BH-2024-0001',
    name: 'Fadli Rahman',
    nik: '1375011203900001',
    region: '13.75',
    category: 'public',
    address: 'Jl. Sudirman No. 5, Bukittinggi',
    expires: '2027-12-31',
  },
  {
    library: 'BUNGHATTA',
    member: 'BH-2024-0002',
    name: 'Yulia Fitriani',
    nik: '1307025508950002',
    region: '13.07',
    category: 'public',
    address: 'Nagari Koto Gadang, Agam',
    expires: '2027-12-31',
  },
  {
    library: 'BUNGHATTA',
    member: 'BH-2025-0103',
    name: 'Rizky Maulana',
    nik: '1371030101000003',
    region: '13.71',
    category: 'public',
    address: 'Jl. Khatib Sulaiman, Padang',
    expires: '2027-12-31',
  },
  {
    library: 'BUNGHATTA',
    member: 'BH-2025-0150',
    name: 'Annisa Putri',
    nik: '1371044403020004',
    region: '13.71',
    category: 'student',
    institution: 'UPERTIS',
    expires: '2027-12-31',
    proof: { institution: 'UPERTIS', from: '2026-08-01', until: '2027-01-31', ref: 'SKAK/UPI/2026/0812' },
  },
  {
    library: 'BUNGHATTA',
    member: 'BH-2025-0151',
    name: 'Ilham Syahputra',
    nik: '1305021507010005',
    region: '13.05',
    category: 'student',
    institution: 'UINMY',
    expires: '2027-12-31',
    proof: { institution: 'UINMY', from: '2025-02-01', until: '2025-07-31', ref: 'SKAK/UINMY/2025/0331' },
  },
  {
    library: 'SAWAHLUNTO',
    member: 'SWL-0001',
    name: 'Budi Santoso',
    nik: '1373010506850006',
    region: '13.73',
    category: 'public',
    expires: '2027-06-30',
  },
  {
    library: 'SAWAHLUNTO',
    member: 'SWL-0002',
    name: 'Rina Marlina',
    nik: '1373024107900007',
    region: '13.73',
    category: 'staff',
    expires: '2027-06-30',
  },
  {
    library: 'PAYAKUMBUH',
    member: 'PYK-0001',
    name: 'Dodi Firmansyah',
    nik: '1376011009880008',
    region: '13.76',
    category: 'public',
    expires: '2027-03-31',
  },
  {
    library: 'PAYAKUMBUH',
    member: 'PYK-0002',
    name: 'Salsabila Zahra',
    nik: '1376026212120009',
    region: '13.76',
    category: 'pupil',
    institution: 'SDN03-PYK',
    expires: '2027-03-31',
  },
  {
    library: 'SDN01-BKT',
    member: 'SD01-001',
    name: 'Aqila Ramadhani',
    nik: '1375016504150010',
    region: '13.75',
    category: 'pupil',
  },
  {
    library: 'SDN05-BKT',
    member: 'SD05-001',
    name: 'Fathan Alfarizi',
    nik: '1375012011140011',
    region: '13.75',
    category: 'pupil',
  },
  {
    library: 'SDN03-PYK',
    member: 'SD03-001',
    name: 'Nayla Azzahra',
    nik: '1376014902150012',
    region: '13.76',
    category: 'pupil',
  },
  {
    library: 'SDN12-PYK',
    member: 'SD12-001',
    name: 'Raffi Akbar',
    nik: '1376010703140013',
    region: '13.76',
    category: 'pupil',
  },
  {
    library: 'UPERTIS',
    member: 'UPI-2201001',
    name: 'Intan Permata Sari',
    nik: '1371015203030014',
    region: '13.71',
    category: 'student',
    expires: '2027-08-31',
  },
  {
    library: 'UPERTIS',
    member: 'UPI-D-0042',
    name: 'Dr. Yessi Andriani',
    nik: '1371016801800015',
    region: '13.71',
    category: 'lecturer',
    expires: '2028-12-31',
  },
  {
    library: 'UINMY',
    member: 'UIN-2301045',
    name: 'Muhammad Fikri',
    nik: '1305011104040016',
    region: '13.05',
    category: 'student',
    expires: '2027-08-31',
  },
  {
    library: 'UINMY',
    member: 'UIN-2301046',
    name: 'Aulia Rahmi',
    nik: '1305025606040017',
    region: '13.05',
    category: 'student',
    expires: '2025-08-31',
  },
];

export async function isSeeded(db: Db): Promise<boolean> {
  const row = await db.selectFrom('networks').select('id').limit(1).executeTakeFirst();
  return Boolean(row);
}

/** Idempotent: does nothing when the database already has a network. */
export async function seedDemo(db: Db, protector: Protector, opts: { catalog?: boolean } = {}): Promise<boolean> {
  if (await isSeeded(db)) return false;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const actor = systemActor('seed-demo');
  await db.transaction().execute(async (trx) => {
    for (const [code, name, kind, parent] of REGIONS) {
      await trx
        .insertInto('regions')
        .values({ code, name, kind, parent_code: parent })
        .onConflict((oc) => oc.column('code').doNothing())
        .execute();
    }
    const network = await trx
      .insertInto('networks')
      .values({
        code: 'SUMBAR',
        name: 'Jaringan Kerjasama Perpustakaan Sumatera Barat',
        description:
          'Demo: perpustakaan umum, sekolah dan perguruan tinggi di Sumatera Barat yang bekerja sama dalam katalog induk, pinjam antarperpustakaan dan program kemitraan.',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const libId = new Map<string, number>();
    for (const l of LIBRARIES) {
      const row = await trx
        .insertInto('libraries')
        .values({
          network_id: network.id,
          code: l.code,
          name: l.name,
          type: l.type,
          region_code: l.region,
          parent_institution: l.parentInstitution ?? null,
          parent_library_id: l.parent ? (libId.get(l.parent) ?? null) : null,
          signs_own_agreements: l.signsOwnAgreements ?? true,
          address: l.address,
          phone: l.phone ?? null,
          email: l.email ?? null,
          website: l.website ?? null,
          opening_hours: JSON.stringify(l.hours),
          services: l.services,
          ill_capacity: l.capacity ?? 20,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      libId.set(l.code, row.id);
    }
    const id = (code: string) => {
      const v = libId.get(code);
      if (v === undefined) throw new Error(`unknown demo library ${code}`);
      return v;
    };
    for (const s of STAFF) {
      await trx
        .insertInto('staff_users')
        .values({
          library_id: id(s.library),
          username: s.username,
          full_name: s.name,
          role: s.role,
          password_hash: passwordHash,
        })
        .execute();
    }
    for (const p of PATRONS) {
      const row = await trx
        .insertInto('patrons')
        .values({
          library_id: id(p.library),
          member_number: p.member,
          full_name: p.name,
          nik_cipher: protector.encrypt(p.nik),
          nik_hash: protector.lookupHash(p.nik),
          nik_last4: p.nik.slice(-4),
          address_cipher: p.address ? protector.encrypt(p.address) : null,
          domicile_region_code: p.region,
          category: p.category,
          institution_library_id: p.institution ? id(p.institution) : null,
          membership_expires_on: p.expires ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (p.proof) {
        await trx
          .insertInto('enrolment_proofs')
          .values({
            patron_id: row.id,
            institution_library_id: id(p.proof.institution),
            document_ref: p.proof.ref,
            valid_from: p.proof.from,
            valid_until: p.proof.until,
          })
          .execute();
      }
    }
    const rules: Array<{ library: string; name: string; condition: unknown; grants: string[] }> = [
      {
        library: 'BUNGHATTA',
        name: 'Baca di tempat dan fotokopi untuk semua pengunjung',
        condition: { type: 'anyone' },
        grants: ['on_site_reading', 'photocopy'],
      },
      {
        library: 'BUNGHATTA',
        name: 'Pinjam bawa pulang untuk penduduk Kota Bukittinggi dan Kabupaten Agam (KTP)',
        condition: {
          type: 'all',
          of: [{ type: 'member' }, { type: 'resident', regions: ['13.75', '13.07'] }],
        },
        grants: ['home_loan', 'ill_request'],
      },
      {
        library: 'BUNGHATTA',
        name: 'Pinjam bawa pulang untuk mahasiswa perguruan tinggi mitra dengan surat aktif kuliah',
        condition: {
          type: 'all',
          of: [{ type: 'member' }, { type: 'enrolled', institutions: [id('UPERTIS'), id('UINMY')] }],
        },
        grants: ['home_loan', 'ill_request'],
      },
    ];
    for (const code of LIBRARIES.map((l) => l.code).filter((c) => c !== 'BUNGHATTA')) {
      rules.push(
        {
          library: code,
          name: 'Baca di tempat untuk semua pengunjung',
          condition: { type: 'anyone' },
          grants: ['on_site_reading'],
        },
        {
          library: code,
          name: 'Anggota aktif boleh meminjam',
          condition: { type: 'member' },
          grants: ['home_loan', 'ill_request'],
        },
      );
    }
    let position = 0;
    for (const r of rules) {
      await trx
        .insertInto('eligibility_rules')
        .values({
          library_id: id(r.library),
          name: r.name,
          condition: JSON.stringify(r.condition),
          grants: r.grants,
          position: position++,
        })
        .execute();
    }
    await seedPrograms(trx, actor, network.id, id);
    await seedPortalDemo(trx);
    await audit(trx, actor, {
      action: 'seed',
      entity: 'network',
      entityId: network.id,
      libraryId: null,
      after: { libraries: LIBRARIES.length, staff: STAFF.length, patrons: PATRONS.length },
    });
  });
  if (opts.catalog !== false) await seedDemoCatalog(db);
  if (opts.catalog !== false) await seedCoopDemo(db);
  if (opts.catalog !== false) await seedIllDemo(db);
  if (opts.catalog !== false) await seedRedistributionDemo(db);
  return true;
}

/** The demo holdings go through the real ingest, so the union catalog shows real clusters. */
async function seedDemoCatalog(db: Db): Promise<void> {
  const libs = new Map((await db.selectFrom('libraries').select(['id', 'code']).execute()).map((l) => [l.code, l.id]));
  for (const { library, records } of demoCatalog()) {
    const libraryId = libs.get(library);
    if (libraryId === undefined) continue;
    const batch = await db
      .insertInto('import_batches')
      .values({
        library_id: libraryId,
        kind: 'file',
        filename: 'demo-katalog.json',
        format: 'demo',
        status: 'running',
        started_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    async function* parsed(): AsyncIterable<Parsed> {
      let n = 0;
      for (const bib of records) {
        n++;
        yield { ok: true, position: `record ${n}`, raw: Buffer.from(JSON.stringify(bib)), format: 'demo', bib };
      }
    }
    await ingestStream(db, { batchId: batch.id, libraryId, sourceId: null }, parsed(), catalogMatcher);
    await db
      .updateTable('import_batches')
      .set({ status: 'done', finished_at: new Date() })
      .where('id', '=', batch.id)
      .execute();
  }
}

export const demoLogins = STAFF.map((s) => ({ username: s.username, library: s.library, role: s.role }));
