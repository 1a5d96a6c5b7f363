import type { Bib, ItemInput } from '../catalog/types.ts';

/**
 * Demo holdings: well-known Indonesian and Minangkabau titles, spread over the
 * demo libraries so that the union catalog shows shared titles, old and new
 * spellings of the same book, and copies in every state. Bibliographic facts
 * only; call numbers follow DDC; barcodes are made up.
 */

interface Title {
  title: string;
  subtitle?: string;
  authors: string[];
  publisher: string;
  place: string;
  year: number;
  ddc: string;
  subjects: string[];
  language?: string;
  format?: Bib['format'];
  /** library code -> copies, and how the title is spelled there when it differs */
  held: Record<string, number | { copies: number; title?: string; authors?: string[]; year?: number }>;
}

const TITLES: Title[] = [
  {
    title: 'Memoir Mohammad Hatta',
    authors: ['Hatta, Mohammad'],
    publisher: 'Tintamas',
    place: 'Jakarta',
    year: 1979,
    ddc: '923.2',
    subjects: ['Hatta, Mohammad, 1902-1980', 'Biografi', 'Indonesia -- Sejarah'],
    held: { BUNGHATTA: 4, PERPUSNAS: 2, SAWAHLUNTO: 1, UINMY: 1 },
  },
  {
    title: 'Alam Pikiran Yunani',
    authors: ['Hatta, Mohammad'],
    publisher: 'Tintamas',
    place: 'Jakarta',
    year: 1980,
    ddc: '180',
    subjects: ['Filsafat Yunani'],
    held: { BUNGHATTA: 3, UINMY: 2, UPERTIS: 1 },
  },
  {
    title: 'Tenggelamnya Kapal Van der Wijck',
    authors: ['Hamka'],
    publisher: 'Bulan Bintang',
    place: 'Jakarta',
    year: 1938,
    ddc: '899.2213',
    subjects: ['Novel Indonesia', 'Minangkabau -- Fiksi'],
    held: { BUNGHATTA: 3, PAYAKUMBUH: 2, SAWAHLUNTO: 2, UINMY: 3, 'SDN01-BKT': 1 },
  },
  {
    title: "Di Bawah Lindungan Ka'bah",
    authors: ['Hamka'],
    publisher: 'Balai Pustaka',
    place: 'Jakarta',
    year: 1938,
    ddc: '899.2213',
    subjects: ['Novel Indonesia'],
    held: { BUNGHATTA: 2, UINMY: 2, PAYAKUMBUH: 1 },
  },
  {
    title: 'Tafsir Al-Azhar',
    subtitle: 'juzu 1',
    authors: ['Hamka'],
    publisher: 'Pustaka Panjimas',
    place: 'Jakarta',
    year: 1982,
    ddc: '297.122',
    subjects: ['Al-Quran -- Tafsir'],
    held: { UINMY: 5, BUNGHATTA: 1 },
  },
  {
    title: 'Sitti Nurbaya',
    subtitle: 'kasih tak sampai',
    authors: ['Marah Rusli'],
    publisher: 'Balai Pustaka',
    place: 'Jakarta',
    year: 1922,
    ddc: '899.2213',
    subjects: ['Novel Indonesia', 'Padang -- Fiksi'],
    held: { BUNGHATTA: 2, PAYAKUMBUH: 2, 'SDN05-BKT': 1, SAWAHLUNTO: 1, UPERTIS: 1 },
  },
  {
    title: 'Robohnya Surau Kami',
    authors: ['Navis, A. A.'],
    publisher: 'Gramedia Pustaka Utama',
    place: 'Jakarta',
    year: 1986,
    ddc: '899.2213',
    subjects: ['Cerita pendek Indonesia'],
    held: { BUNGHATTA: 2, PAYAKUMBUH: 1, UINMY: 1 },
  },
  {
    title: 'Alam Terkembang Jadi Guru',
    subtitle: 'adat dan kebudayaan Minangkabau',
    authors: ['Navis, A. A.'],
    publisher: 'Grafiti Pers',
    place: 'Jakarta',
    year: 1984,
    ddc: '306.0959813',
    subjects: ['Minangkabau -- Adat istiadat', 'Kebudayaan Minangkabau'],
    held: { BUNGHATTA: 3, PERPUSNAS: 1, UINMY: 1, SAWAHLUNTO: 1 },
  },
  {
    title: 'Sukarno: penyambung lidah rakyat Indonesia',
    authors: ['Adams, Cindy'],
    publisher: 'Gunung Agung',
    place: 'Jakarta',
    year: 1966,
    ddc: '923.1',
    subjects: ['Sukarno, 1901-1970', 'Biografi'],
    held: {
      BUNGHATTA: { copies: 1, title: 'Soekarno: penjambung lidah rakjat Indonesia' },
      PERPUSNAS: { copies: 1, title: 'Soekarno: penjambung lidah rakjat Indonesia' },
      SAWAHLUNTO: 1,
    },
  },
  {
    title: 'Bumi Manusia',
    authors: ['Toer, Pramoedya Ananta'],
    publisher: 'Hasta Mitra',
    place: 'Jakarta',
    year: 1980,
    ddc: '899.2213',
    subjects: ['Novel Indonesia'],
    held: { BUNGHATTA: 2, UPERTIS: 1, PAYAKUMBUH: 1 },
  },
  {
    title: 'Laskar Pelangi',
    authors: ['Hirata, Andrea'],
    publisher: 'Bentang Pustaka',
    place: 'Yogyakarta',
    year: 2005,
    ddc: '899.2213',
    subjects: ['Novel Indonesia', 'Pendidikan -- Fiksi'],
    held: { 'SDN01-BKT': 2, 'SDN05-BKT': 2, 'SDN03-PYK': 2, 'SDN12-PYK': 1, PAYAKUMBUH: 3, BUNGHATTA: 4 },
  },
  {
    title: 'Tambo Alam Minangkabau',
    subtitle: 'tatanan adat warisan nenek moyang orang Minang',
    authors: ['Idrus Hakimy Dt. Rajo Penghulu'],
    publisher: 'Pustaka Indonesia',
    place: 'Bukittinggi',
    year: 1994,
    ddc: '959.813',
    subjects: ['Minangkabau -- Sejarah', 'Tambo'],
    held: { BUNGHATTA: 2, PAYAKUMBUH: 1, UINMY: 1 },
  },
  {
    title: 'Sejarah Kota Padang',
    authors: ['Rusli Amran'],
    publisher: 'Mutiara Sumber Widya',
    place: 'Jakarta',
    year: 1988,
    ddc: '959.813',
    subjects: ['Padang -- Sejarah'],
    held: { UPERTIS: 1, BUNGHATTA: 1 },
  },
  {
    title: 'Sawahlunto: dulu, kini, dan esok',
    subtitle: 'menjadi kota wisata tambang yang berbudaya',
    authors: ['Erwiza Erman'],
    publisher: 'Pusat Studi Humaniora Unand',
    place: 'Padang',
    year: 2007,
    ddc: '959.813',
    subjects: ['Sawahlunto -- Sejarah', 'Pertambangan batu bara'],
    held: { SAWAHLUNTO: 4, BUNGHATTA: 1 },
  },
  {
    title: 'Dasar-dasar Ilmu Perpustakaan',
    authors: ['Sulistyo-Basuki'],
    publisher: 'Gramedia Pustaka Utama',
    place: 'Jakarta',
    year: 1991,
    ddc: '020',
    subjects: ['Ilmu perpustakaan'],
    held: { PERPUSNAS: 3, BUNGHATTA: 2, UINMY: 1, UPERTIS: 1 },
  },
  {
    title: 'Anatomi dan Fisiologi untuk Paramedis',
    authors: ['Pearce, Evelyn C.'],
    publisher: 'Gramedia Pustaka Utama',
    place: 'Jakarta',
    year: 2009,
    ddc: '612',
    subjects: ['Anatomi manusia', 'Fisiologi'],
    held: { UPERTIS: 6 },
  },
  {
    title: 'Buku Ajar Keperawatan Medikal Bedah',
    authors: ['Smeltzer, Suzanne C.', 'Bare, Brenda G.'],
    publisher: 'EGC',
    place: 'Jakarta',
    year: 2002,
    ddc: '610.73',
    subjects: ['Keperawatan'],
    held: { UPERTIS: 4 },
  },
  {
    title: 'Kancil dan Buaya',
    authors: ['Tim Penulis Balai Pustaka'],
    publisher: 'Balai Pustaka',
    place: 'Jakarta',
    year: 2010,
    ddc: '398.2',
    subjects: ['Dongeng anak', 'Cerita rakyat'],
    held: { 'SDN01-BKT': 3, 'SDN05-BKT': 2, 'SDN03-PYK': 2, 'SDN12-PYK': 2, BUNGHATTA: 6, PAYAKUMBUH: 4 },
  },
  {
    title: 'Malin Kundang',
    subtitle: 'cerita rakyat dari Sumatera Barat',
    authors: ['Tim Penulis'],
    publisher: 'Grasindo',
    place: 'Jakarta',
    year: 2012,
    ddc: '398.2',
    subjects: ['Cerita rakyat Minangkabau', 'Dongeng anak'],
    held: { 'SDN01-BKT': 2, 'SDN12-PYK': 2, BUNGHATTA: 5, PAYAKUMBUH: 3 },
  },
  {
    title: 'Ensiklopedia Sains untuk Pelajar',
    authors: ['Tim Redaksi'],
    publisher: 'Erlangga',
    place: 'Jakarta',
    year: 2015,
    ddc: '503',
    subjects: ['Ilmu pengetahuan -- Ensiklopedia'],
    held: { BUNGHATTA: 3, PAYAKUMBUH: 2, 'SDN03-PYK': 1 },
  },
  {
    title: 'Atlas Indonesia dan Dunia',
    authors: ['Tim Penyusun'],
    publisher: 'Karya Pembina Swajaya',
    place: 'Surabaya',
    year: 2016,
    ddc: '912.598',
    subjects: ['Atlas'],
    format: 'map',
    held: { 'SDN05-BKT': 1, 'SDN12-PYK': 1, BUNGHATTA: 2 },
  },
  {
    title: 'Jurnal Kesehatan Perintis',
    authors: ['Universitas Perintis Indonesia'],
    publisher: 'Universitas Perintis Indonesia',
    place: 'Padang',
    year: 2014,
    ddc: '610.5',
    subjects: ['Kesehatan -- Terbitan berkala'],
    format: 'serial',
    held: { UPERTIS: 2, BUNGHATTA: 1 },
  },
  {
    title: 'Profil Kota Sawahlunto',
    authors: ['Dinas Perpustakaan dan Kearsipan Kota Sawahlunto'],
    publisher: 'Pemerintah Kota Sawahlunto',
    place: 'Sawahlunto',
    year: 2023,
    ddc: '959.813',
    subjects: ['Sawahlunto -- Profil'],
    held: { SAWAHLUNTO: 5, BUNGHATTA: 1 },
  },
  {
    title: 'Demokrasi Kita',
    authors: ['Hatta, Mohammad'],
    publisher: 'Pustaka Antara',
    place: 'Djakarta',
    year: 1960,
    ddc: '321.8',
    subjects: ['Demokrasi', 'Indonesia -- Politik dan pemerintahan'],
    held: { BUNGHATTA: 2, PERPUSNAS: 1 },
  },
];

export interface DemoLibraryRecords {
  library: string;
  records: Bib[];
}

const STATES: Array<Pick<ItemInput, 'status' | 'loanable'>> = [
  { status: 'available', loanable: true },
  { status: 'available', loanable: true },
  { status: 'on_loan', loanable: true },
  { status: 'available', loanable: true },
  { status: 'reference_only', loanable: false },
];

export function demoCatalog(): DemoLibraryRecords[] {
  const byLibrary = new Map<string, Bib[]>();
  TITLES.forEach((t, ti) => {
    for (const [library, held] of Object.entries(t.held)) {
      const h = typeof held === 'number' ? { copies: held } : held;
      const n = (byLibrary.get(library)?.length ?? 0) + 1;
      const items: ItemInput[] = Array.from({ length: h.copies }, (_, ci) => ({
        barcode: `${library.replace(/[^A-Z0-9]/g, '').slice(0, 6)}${String(ti + 1).padStart(3, '0')}${ci + 1}`,
        callNumber: `${t.ddc} ${(t.authors[0] ?? t.title).slice(0, 3).toUpperCase()} ${t.title[0]?.toLowerCase() ?? ''}`,
        location: library.startsWith('SDN') ? 'Rak kelas' : 'Koleksi umum',
        ...(STATES[(ti + ci) % STATES.length] as Pick<ItemInput, 'status' | 'loanable'>),
      }));
      const bib: Bib = {
        sourceId: `${library}-${String(n).padStart(5, '0')}`,
        title: h.title ?? t.title,
        ...(t.subtitle ? { subtitle: t.subtitle } : {}),
        authors: h.authors ?? t.authors,
        publisher: t.publisher,
        place: t.place,
        year: h.year ?? t.year,
        isbns: [],
        issns: [],
        language: t.language ?? 'ind',
        format: t.format ?? 'book',
        subjects: t.subjects,
        ddc: t.ddc,
        items,
      };
      const list = byLibrary.get(library) ?? [];
      list.push(bib);
      byLibrary.set(library, list);
    }
  });
  return [...byLibrary].map(([library, records]) => ({ library, records }));
}
