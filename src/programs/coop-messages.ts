import { NotFound } from '../platform/errors.ts';
import { type Bilingual, fillMessage } from '../platform/messages.ts';

/** Texts of cooperative acquisition, mobile library, internships and training, both languages. */
const catalogue = {
  date_in_past: { id: 'tanggal {date} sudah lewat', en: 'the date {date} is in the past' },
  dates_order: { id: 'tanggal berakhir harus sesudah tanggal mulai', en: 'the end date must follow the start date' },
  not_same_network: {
    id: '{library} bukan anggota jaringan ini',
    en: '{library} is not a library of this network',
  },
  not_member: { id: '{library} bukan anggota putaran pengadaan ini', en: '{library} is not a member of this round' },
  not_coordinator: {
    id: 'hanya perpustakaan koordinator putaran yang dapat melakukan ini',
    en: 'only the round’s coordinating library can do this',
  },
  not_proposer: {
    id: 'hanya perpustakaan pengusul yang dapat mengubah usulan ini',
    en: 'only the proposing library can change this proposal',
  },
  round_closed: { id: 'putaran pengadaan ini sudah ditutup', en: 'this purchase round is closed' },
  deadline_passed: {
    id: 'batas waktu usulan ({date}) sudah lewat',
    en: 'the deadline for proposals ({date}) has passed',
  },
  isbn_invalid: {
    id: 'ISBN {isbn} tidak valid (digit pemeriksa salah)',
    en: 'ISBN {isbn} is not valid (wrong check digit)',
  },
  title_needed: {
    id: 'pilih judul dari katalog atau ketik judulnya',
    en: 'pick a title from the catalog or type it in',
  },
  cluster_unknown: { id: 'judul tidak ada di katalog induk', en: 'this title is not in the union catalog' },
  already_proposed: {
    id: 'judul ini sudah diusulkan dalam putaran ini (usulan #{id})',
    en: 'this title is already proposed in this round (proposal #{id})',
  },
  proposal_not_open: {
    id: 'usulan ini sudah diputuskan ({status})',
    en: 'this proposal has already been decided ({status})',
  },
  over_budget: {
    id: 'Usulan senilai Rp{cost} melebihi sisa anggaran Rp{remaining} (anggaran Rp{budget}, sudah disetujui Rp{approved})',
    en: 'The proposal costs Rp{cost}, more than the remaining budget of Rp{remaining} (budget Rp{budget}, approved Rp{approved})',
  },
  budget_below_approved: {
    id: 'anggaran tidak boleh kurang dari yang sudah disetujui (Rp{approved})',
    en: 'the budget cannot be less than what is already approved (Rp{approved})',
  },
  flag_expensive_held: {
    id: 'Mahal (Rp{price}) dan jarang dipakai, padahal {n} mitra sudah memilikinya: pertimbangkan pinjam antarperpustakaan',
    en: 'Expensive (Rp{price}) and rarely used, and {n} partners already hold it: consider interlibrary loan',
  },
  copy_not_ordered: { id: 'eksemplar ini belum dipesan', en: 'this copy has not been ordered yet' },
  copy_received_already: { id: 'eksemplar ini sudah diterima', en: 'this copy has already been received' },
  copy_not_approved: { id: 'eksemplar ini sudah dipesan', en: 'this copy has already been ordered' },
  not_keeper: {
    id: 'hanya perpustakaan penyimpan atau koordinator yang mencatat penerimaan',
    en: 'only the keeping library or the coordinator records the receipt',
  },
  duplicate_barcode: { id: 'barkode {barcode} sudah dipakai', en: 'barcode {barcode} is already in use' },
  not_operator: {
    id: 'hanya perpustakaan pengelola perpustakaan keliling ini yang dapat melakukan ini',
    en: 'only the library that runs this mobile library can do this',
  },
  time_order: { id: 'jam selesai harus sesudah jam mulai', en: 'the end time must follow the start time' },
  not_scheduled: {
    id: 'tidak ada jadwal kunjungan ke {stop} pada {date}',
    en: 'no visit to {stop} is scheduled on {date}',
  },
  already_scheduled: {
    id: 'sudah ada kunjungan ke {stop} pada {date}',
    en: 'a visit to {stop} is already scheduled on {date}',
  },
  visit_in_future: {
    id: 'kunjungan {date} belum terjadi; catat sesudah kunjungan',
    en: 'the visit of {date} has not happened yet; record it afterwards',
  },
  visit_recorded: {
    id: 'kunjungan ke {stop} pada {date} sudah dicatat',
    en: 'the visit to {stop} on {date} is already recorded',
  },
  no_next_visit: {
    id: 'tidak ada kunjungan berikutnya ke {stop} dalam jadwal; tambahkan jadwal dulu',
    en: 'no next visit to {stop} is scheduled; add one to the schedule first',
  },
  item_not_operator: {
    id: 'eksemplar {barcode} bukan milik perpustakaan pengelola',
    en: 'item {barcode} does not belong to the operating library',
  },
  item_not_on_board: {
    id: 'eksemplar {barcode} tidak ada dalam koleksi kendaraan',
    en: 'item {barcode} is not in the collection on board',
  },
  item_unavailable: { id: 'eksemplar {barcode} tidak tersedia', en: 'item {barcode} is not available' },
  item_on_other_route: {
    id: 'eksemplar {barcode} sudah ada di kendaraan lain',
    en: 'item {barcode} is already on board another vehicle',
  },
  item_not_lent: {
    id: 'eksemplar {barcode} tidak sedang dipinjam dari perpustakaan keliling',
    en: 'item {barcode} is not out on a mobile library loan',
  },
  stop_partner_mismatch: {
    id: '{library} bukan pihak dalam perjanjian ini',
    en: '{library} is not a party to this agreement',
  },
  not_host: {
    id: 'hanya perpustakaan penerima magang yang dapat mengubah catatan ini',
    en: 'only the host library can change this record',
  },
  not_organiser: {
    id: 'hanya penyelenggara yang dapat mengubah kegiatan ini',
    en: 'only the organiser can change this event',
  },
  certificate_not_attended: {
    id: 'sertifikat hanya untuk peserta yang hadir',
    en: 'certificates are only for participants who attended',
  },
  participant_needs_library: {
    id: 'peserta berasal dari perpustakaan jaringan atau lembaga bernama',
    en: 'a participant comes from a network library or a named institution',
  },
  event_not_over: {
    id: 'sertifikat diterbitkan sesudah kegiatan selesai ({date})',
    en: 'certificates are issued once the event is over ({date})',
  },
} satisfies Record<string, Bilingual>;

export type CoopMessageKey = keyof typeof catalogue;

export function cmsg(key: CoopMessageKey, params: Record<string, string | number> = {}): Bilingual {
  return fillMessage(catalogue[key], params);
}

const names = {
  round: { id: 'Putaran pengadaan', en: 'Purchase round' },
  proposal: { id: 'Usulan', en: 'Proposal' },
  copy: { id: 'Eksemplar pengadaan', en: 'Purchased copy' },
  route: { id: 'Rute perpustakaan keliling', en: 'Mobile library route' },
  stop: { id: 'Titik layanan', en: 'Stop' },
  visit: { id: 'Kunjungan', en: 'Visit' },
  item: { id: 'Eksemplar', en: 'Item' },
  internship: { id: 'Magang', en: 'Internship' },
  training: { id: 'Kegiatan', en: 'Event' },
  participant: { id: 'Peserta', en: 'Participant' },
  agreement: { id: 'Perjanjian', en: 'Agreement' },
} satisfies Record<string, Bilingual>;

export function coopNotFound(what: keyof typeof names): NotFound {
  return new NotFound(names[what]);
}

/** Rupiah with Indonesian thousands separators: 1500000 -> 1.500.000. */
export function rupiah(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}
