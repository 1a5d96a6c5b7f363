import { Conflict, NotFound } from '../platform/errors.ts';
import { type Bilingual, fillMessage } from '../platform/messages.ts';

/** Texts of the ill service in both languages (the pure machines keep their own refusal reasons). */
const catalogue = {
  request: { id: 'Permintaan pinjam antarperpustakaan', en: 'Interlibrary loan request' },
  supplier_request: { id: 'Permintaan masuk', en: 'Incoming request' },
  charge: { id: 'Tagihan', en: 'Charge' },
  copy_file: { id: 'Berkas salinan', en: 'Copy file' },
  patron_not_eligible: {
    id: 'Anggota ini tidak berhak mengajukan pinjam antarperpustakaan di {library}: {why}',
    en: 'This patron may not make interlibrary loan requests at {library}: {why}',
  },
  title_needed: {
    id: 'Pilih judul dari katalog induk atau ketik sitasinya',
    en: 'Choose a title from the union catalog or type its citation',
  },
  cluster_unknown: { id: 'judul tidak ada di katalog induk', en: 'title not in the union catalog' },
  patron_unknown: { id: 'anggota tidak dikenal', en: 'unknown patron' },
  pickup_unknown: { id: 'perpustakaan pengambilan tidak dikenal', en: 'unknown pickup library' },
  pickup_other_network: {
    id: 'perpustakaan pengambilan harus dalam jaringan yang sama',
    en: 'the pickup library must be in the same network',
  },
  pages_for_copy: {
    id: 'halaman hanya untuk permintaan salinan',
    en: 'pages belong to copy requests only',
  },
  copy_needs_part: {
    id: 'sebutkan artikel/bab atau halaman yang disalin',
    en: 'name the article/chapter or the pages to copy',
  },
  needed_by_past: { id: 'tanggal dibutuhkan sudah lewat', en: 'the needed-by date is in the past' },
  copyright_missing: {
    id: 'Pernyataan hak cipta harus dicatat sebelum permintaan salinan dikirim',
    en: 'The copyright declaration must be recorded before a copy request is sent',
  },
  lender_tried: {
    id: 'Pemberi pinjaman ini sudah dicoba untuk permintaan ini: {ids}',
    en: 'These lenders were already tried for this request: {ids}',
  },
  rota_locked: {
    id: 'Daftar giliran hanya dapat diubah sebelum permintaan dikirim',
    en: 'The rota can only be changed before the request is sent',
  },
  rota_twice: { id: 'perpustakaan muncul dua kali dalam daftar giliran', en: 'a library appears twice in the rota' },
  lender_is_borrower: {
    id: 'perpustakaan peminjam tidak dapat meminjam dari dirinya sendiri',
    en: 'the borrowing library cannot borrow from itself',
  },
  lender_not_allowed: {
    id: '{library} tidak dapat dipinjami: {why}',
    en: '{library} cannot be asked: {why}',
  },
  no_agreement_no_network: {
    id: 'tidak ada perjanjian pinjam antarperpustakaan dan bukan anggota jaringan yang sama',
    en: 'no interlibrary loan agreement and not in the same network',
  },
  lender_paused: { id: 'layanan pinjam antarperpustakaan dihentikan sementara', en: 'interlibrary lending is paused' },
  lender_closed: { id: 'perpustakaan tidak aktif', en: 'the library is not active' },
  lender_no_ill: {
    id: 'perpustakaan tidak menawarkan layanan pinjam antarperpustakaan',
    en: 'the library does not offer interlibrary lending',
  },
  not_borrower_staff: {
    id: 'Hanya petugas perpustakaan peminjam yang dapat melakukan tindakan ini',
    en: "Only the borrowing library's staff can do this",
  },
  not_lender_staff: {
    id: 'Hanya petugas perpustakaan pemberi pinjaman yang dapat melakukan tindakan ini',
    en: "Only the lending library's staff can do this",
  },
  peer_refused: {
    id: 'Perpustakaan mitra menolak pesan: {why}',
    en: 'The partner library refused the message: {why}',
  },
  no_route: {
    id: 'Tidak ada jalur pengiriman ke agensi {agency}',
    en: 'No delivery route to agency {agency}',
  },
  item_unknown: { id: 'eksemplar tidak dikenal di perpustakaan ini', en: 'no such copy at this library' },
  item_not_available: {
    id: 'eksemplar {barcode} tidak tersedia (status: {status})',
    en: 'copy {barcode} is not available (status: {status})',
  },
  no_item_available: {
    id: 'Tidak ada eksemplar yang tersedia untuk dikirim; pilih eksemplar atau jawab tidak dapat dipenuhi',
    en: 'No copy is available to ship; choose a copy or answer unfilled',
  },
  due_before_today: { id: 'tanggal kembali harus sesudah hari ini', en: 'the due date must be after today' },
  copy_file_first: {
    id: 'Unggah berkas salinan sebelum menyerahkan salinan elektronik',
    en: 'Upload the copy file before delivering an electronic copy',
  },
  not_a_copy: { id: 'Permintaan ini bukan permintaan salinan', en: 'This is not a copy request' },
  file_type: {
    id: 'jenis berkas tidak diterima; unggah PDF, JPEG atau PNG',
    en: 'file type not accepted; upload a PDF, JPEG or PNG',
  },
  file_too_large: { id: 'berkas terlalu besar (maksimal {mb} MB)', en: 'file too large (at most {mb} MB)' },
  file_missing: { id: 'tidak ada berkas yang diunggah', en: 'no file was uploaded' },
  copy_closed: {
    id: 'Salinan sudah diserahkan; berkas tidak dapat ditambah',
    en: 'The copy was already delivered; no file can be added',
  },
  charge_closed: { id: 'Tagihan ini sudah diselesaikan', en: 'This charge is already settled' },
  damaged_needs_checkin: {
    id: 'Kerusakan dicatat saat buku diterima kembali',
    en: 'Damage is recorded when the item is checked in',
  },
  idempotency_other: {
    id: 'Kunci Idempotency-Key ini sudah dipakai untuk tindakan lain',
    en: 'This Idempotency-Key was already used for another action',
  },
  action_params: { id: 'data tindakan tidak lengkap: {what}', en: 'the action lacks data: {what}' },
  stale_attempt: {
    id: 'Pesan dari perpustakaan yang sudah tidak lagi diminta; tidak mengubah permintaan',
    en: 'Message from a lender the request has moved on from; the request is unchanged',
  },
  period_order: { id: 'tanggal akhir harus sesudah tanggal awal', en: 'the end date must follow the start date' },
  answer_timeout: {
    id: 'Tidak ada jawaban dalam waktu yang dijanjikan; pindah ke perpustakaan berikutnya',
    en: 'No answer within the promised time; moving on to the next lender',
  },
} satisfies Record<string, Bilingual>;

export type IllTextKey = keyof typeof catalogue;

export function t(key: IllTextKey, params: Record<string, string | number> = {}): Bilingual {
  return fillMessage(catalogue[key], params);
}

export function notFound(what: 'request' | 'supplier_request' | 'charge' | 'copy_file'): NotFound {
  return new NotFound(catalogue[what]);
}

export function conflict(code: IllTextKey, params: Record<string, string | number> = {}, details?: unknown): Conflict {
  return new Conflict(code, t(code, params), details);
}
