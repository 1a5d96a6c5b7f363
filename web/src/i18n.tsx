import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { catalogText } from './pages/catalog/text.ts';
import { illText } from './pages/ill/text.ts';
import { illAdminText } from './pages/ill-admin/text.ts';
import { portalText } from './pages/portal/text.ts';
import { coopText } from './pages/programs/coop-text.ts';
import { programsText } from './pages/programs/text.ts';

export type Lang = 'id' | 'en';

/** Indonesian first; every key must exist in both languages (checked by the type). */
const id = {
  appName: 'Simpul',
  tagline: 'Kerjasama perpustakaan',
  navLibraries: 'Perpustakaan',
  navPatrons: 'Anggota',
  navApi: 'API',
  login: 'Masuk',
  logout: 'Keluar',
  username: 'Nama pengguna',
  password: 'Kata sandi',
  signInTitle: 'Masuk sebagai staf perpustakaan',
  signingIn: 'Sedang masuk…',
  language: 'Bahasa',
  search: 'Cari',
  searchPlaceholder: 'Nama, kode atau wilayah',
  allTypes: 'Semua jenis',
  allRegions: 'Semua wilayah',
  allServices: 'Semua layanan',
  type: 'Jenis',
  region: 'Wilayah',
  services: 'Layanan untuk mitra',
  address: 'Alamat',
  phone: 'Telepon',
  email: 'Surel',
  website: 'Situs web',
  openingHours: 'Jam buka',
  parentInstitution: 'Lembaga induk',
  signsFor: 'Perjanjian resmi ditandatangani oleh',
  illCapacity: 'Kapasitas pinjam antarperpustakaan (permintaan aktif)',
  lendingPaused: 'Peminjaman ke perpustakaan lain dihentikan sementara',
  edit: 'Ubah',
  save: 'Simpan',
  cancel: 'Batal',
  saved: 'Perubahan disimpan',
  name: 'Nama',
  results: 'hasil',
  previous: 'Sebelumnya',
  next: 'Berikutnya',
  page: 'Halaman',
  loading: 'Memuat…',
  none: 'Tidak ada data',
  back: 'Kembali',
  memberNumber: 'No. anggota',
  fullName: 'Nama lengkap',
  nik: 'NIK',
  domicile: 'Domisili',
  category: 'Kategori',
  institution: 'Institusi',
  status: 'Status',
  membershipExpires: 'Keanggotaan berlaku sampai',
  enrolmentProofs: 'Surat keterangan aktif kuliah',
  validFrom: 'Berlaku mulai',
  validUntil: 'Berlaku sampai',
  documentRef: 'Nomor dokumen',
  eligibility: 'Hak layanan',
  eligibilityAt: 'Di perpustakaan',
  eligibilityDate: 'Pada tanggal',
  check: 'Periksa',
  allowed: 'boleh',
  notAllowed: 'tidak boleh',
  rulesApplied: 'Aturan yang diperiksa',
  ruleMet: 'terpenuhi',
  ruleNotMet: 'tidak terpenuhi',
  patronsOf: 'Anggota',
  library: 'Perpustakaan',
  newPatron: 'Daftarkan anggota',
  register: 'Daftarkan',
  mustLogin: 'Silakan masuk untuk melihat halaman ini.',
  notFound: 'Halaman tidak ditemukan',
  welcome: 'Selamat datang',
  homeIntro:
    'Simpul menghubungkan perpustakaan dalam satu jaringan: katalog induk, pinjam antarperpustakaan, dan program kemitraan.',
  yes: 'ya',
  no: 'tidak',
  'type.national': 'Nasional',
  'type.provincial': 'Provinsi',
  'type.public': 'Umum (kota/kabupaten)',
  'type.school': 'Sekolah',
  'type.university': 'Perguruan tinggi',
  'type.special': 'Khusus',
  'service.on_site_reading': 'Baca di tempat',
  'service.photocopy': 'Fotokopi',
  'service.ill_lending': 'Meminjamkan ke perpustakaan lain',
  'service.ill_borrowing': 'Meminjam dari perpustakaan lain',
  'service.document_delivery': 'Pengiriman dokumen',
  'service.visiting_cards': 'Kartu kunjungan (silang layan)',
  'service.deposit_collections': 'Koleksi titipan',
  'service.mobile_library': 'Perpustakaan keliling',
  'service.exchange': 'Pertukaran terbitan',
  'service.internships': 'Magang',
  'service.training': 'Pelatihan',
  'category.student': 'Mahasiswa',
  'category.pupil': 'Pelajar',
  'category.lecturer': 'Dosen',
  'category.staff': 'Pegawai',
  'category.public': 'Umum',
  'category.other': 'Lainnya',
  'status.active': 'Aktif',
  'status.suspended': 'Ditangguhkan',
  'status.blocked': 'Diblokir',
  'status.inactive': 'Tidak aktif',
  'priv.on_site_reading': 'Baca di tempat',
  'priv.photocopy': 'Fotokopi',
  'priv.home_loan': 'Pinjam bawa pulang',
  'priv.ill_request': 'Permintaan pinjam antarperpustakaan',
  'role.network_coordinator': 'Koordinator jaringan',
  'role.library_admin': 'Administrator perpustakaan',
  'role.librarian': 'Pustakawan',
  'day.mon': 'Senin',
  'day.tue': 'Selasa',
  'day.wed': 'Rabu',
  'day.thu': 'Kamis',
  'day.fri': 'Jumat',
  'day.sat': 'Sabtu',
  'day.sun': 'Minggu',
};

type Key = keyof typeof id;

const en: Record<Key, string> = {
  appName: 'Simpul',
  tagline: 'Library cooperation',
  navLibraries: 'Libraries',
  navPatrons: 'Patrons',
  navApi: 'API',
  login: 'Sign in',
  logout: 'Sign out',
  username: 'Username',
  password: 'Password',
  signInTitle: 'Sign in as library staff',
  signingIn: 'Signing in…',
  language: 'Language',
  search: 'Search',
  searchPlaceholder: 'Name, code or region',
  allTypes: 'All types',
  allRegions: 'All regions',
  allServices: 'All services',
  type: 'Type',
  region: 'Region',
  services: 'Services to partners',
  address: 'Address',
  phone: 'Phone',
  email: 'E-mail',
  website: 'Website',
  openingHours: 'Opening hours',
  parentInstitution: 'Parent institution',
  signsFor: 'Formal agreements are signed by',
  illCapacity: 'Interlibrary loan capacity (active requests)',
  lendingPaused: 'Lending to other libraries paused',
  edit: 'Edit',
  save: 'Save',
  cancel: 'Cancel',
  saved: 'Changes saved',
  name: 'Name',
  results: 'results',
  previous: 'Previous',
  next: 'Next',
  page: 'Page',
  loading: 'Loading…',
  none: 'Nothing here',
  back: 'Back',
  memberNumber: 'Member no.',
  fullName: 'Full name',
  nik: 'National ID (NIK)',
  domicile: 'Domicile',
  category: 'Category',
  institution: 'Institution',
  status: 'Status',
  membershipExpires: 'Membership valid until',
  enrolmentProofs: 'Proof of active enrolment',
  validFrom: 'Valid from',
  validUntil: 'Valid until',
  documentRef: 'Document number',
  eligibility: 'Service eligibility',
  eligibilityAt: 'At library',
  eligibilityDate: 'On date',
  check: 'Check',
  allowed: 'allowed',
  notAllowed: 'not allowed',
  rulesApplied: 'Rules checked',
  ruleMet: 'met',
  ruleNotMet: 'not met',
  patronsOf: 'Patrons of',
  library: 'Library',
  newPatron: 'Register a patron',
  register: 'Register',
  mustLogin: 'Please sign in to see this page.',
  notFound: 'Page not found',
  welcome: 'Welcome',
  homeIntro: 'Simpul connects the libraries of a network: a union catalog, interlibrary loan and partnership programs.',
  yes: 'yes',
  no: 'no',
  'type.national': 'National',
  'type.provincial': 'Provincial',
  'type.public': 'Public (city/regency)',
  'type.school': 'School',
  'type.university': 'University',
  'type.special': 'Special',
  'service.on_site_reading': 'On-site reading',
  'service.photocopy': 'Photocopy',
  'service.ill_lending': 'Lends to other libraries',
  'service.ill_borrowing': 'Borrows from other libraries',
  'service.document_delivery': 'Document delivery',
  'service.visiting_cards': 'Visiting cards (reciprocal access)',
  'service.deposit_collections': 'Deposit collections',
  'service.mobile_library': 'Mobile library',
  'service.exchange': 'Publication exchange',
  'service.internships': 'Internships',
  'service.training': 'Training',
  'category.student': 'Student',
  'category.pupil': 'Pupil',
  'category.lecturer': 'Lecturer',
  'category.staff': 'Staff',
  'category.public': 'Public',
  'category.other': 'Other',
  'status.active': 'Active',
  'status.suspended': 'Suspended',
  'status.blocked': 'Blocked',
  'status.inactive': 'Inactive',
  'priv.on_site_reading': 'On-site reading',
  'priv.photocopy': 'Photocopy',
  'priv.home_loan': 'Home loan',
  'priv.ill_request': 'Interlibrary loan requests',
  'role.network_coordinator': 'Network coordinator',
  'role.library_admin': 'Library administrator',
  'role.librarian': 'Librarian',
  'day.mon': 'Monday',
  'day.tue': 'Tuesday',
  'day.wed': 'Wednesday',
  'day.thu': 'Thursday',
  'day.fri': 'Friday',
  'day.sat': 'Saturday',
  'day.sun': 'Sunday',
};

type Texts = { id: Record<string, string>; en: Record<string, string> };

/**
 * Modules keep their texts beside their pages. All keys share one namespace, so a module
 * must not reuse another's key with a different text (web/src/i18n-keys.test.ts checks);
 * add a new module here, not by spreading it elsewhere.
 */
export const textModules: Record<string, Texts> = {
  base: { id, en },
  catalog: catalogText,
  programs: programsText,
  coop: coopText,
  portal: portalText,
  ill: illText,
  illAdmin: illAdminText,
};

const dictionaries: Record<Lang, Record<string, string>> = {
  id: Object.assign({}, ...Object.values(textModules).map((m) => m.id)),
  en: Object.assign({}, ...Object.values(textModules).map((m) => m.en)),
};

interface I18n {
  lang: Lang;
  setLang(l: Lang): void;
  t(key: Key | string): string;
  /** Pick the current language from a server {id, en} message. */
  pick(m: { id: string; en: string } | undefined | null): string;
}

const Ctx = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem('simpul.lang') === 'en' ? 'en' : 'id'));
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem('simpul.lang', l);
    document.documentElement.lang = l;
    setLangState(l);
  }, []);
  const value = useMemo<I18n>(
    () => ({
      lang,
      setLang,
      t: (key) => dictionaries[lang][key as Key] ?? key,
      pick: (m) => (m ? m[lang] : ''),
    }),
    [lang, setLang],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('I18nProvider missing');
  return v;
}
