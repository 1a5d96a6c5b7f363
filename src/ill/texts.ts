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
  // Why a patron may not ask for a title in the portal, and what she can do (patron-ask.ts).
  ask_library_no_ill_borrowing: {
    id: '{library} tidak melayani permintaan pinjam antarperpustakaan.',
    en: '{library} does not take interlibrary loan requests.',
  },
  ask_library_no_ill_borrowing_todo: {
    id: 'Tanyakan di meja layanan perpustakaan Anda cara lain mendapatkan judul ini, misalnya kartu kunjungan ke perpustakaan yang memilikinya.',
    en: "Ask at your library's desk about other ways to get this title, such as a visiting card for a library that holds it.",
  },
  ask_card_blocked: {
    id: 'Kartu anggota Anda di {library} diblokir.',
    en: 'Your library card at {library} is blocked.',
  },
  ask_card_blocked_todo: {
    id: 'Hubungi meja layanan perpustakaan Anda.',
    en: "Contact your library's desk.",
  },
  ask_card_suspended: {
    id: 'Kartu anggota Anda di {library} sedang ditangguhkan.',
    en: 'Your library card at {library} is suspended.',
  },
  ask_card_suspended_todo: {
    id: 'Hubungi meja layanan perpustakaan Anda untuk mengaktifkannya kembali.',
    en: "Contact your library's desk to have it reinstated.",
  },
  ask_card_expired: {
    id: 'Kartu anggota Anda di {library} kedaluwarsa sejak {date}.',
    en: 'Your library card at {library} expired on {date}.',
  },
  ask_card_expired_todo: {
    id: 'Perpanjang kartu anggota Anda di meja layanan perpustakaan; sesudah itu Anda dapat meminta judul ini.',
    en: "Renew your card at your library's desk; then you can ask for this title.",
  },
  ask_enrolment_proof_expired: {
    id: 'Surat keterangan aktif kuliah Anda kedaluwarsa sejak {date}.',
    en: 'Your proof of enrolment expired on {date}.',
  },
  ask_enrolment_proof_expired_todo: {
    id: 'Bawa surat keterangan aktif kuliah yang baru ke meja layanan {library}.',
    en: 'Bring a new proof of enrolment to the desk at {library}.',
  },
  ask_patron_not_eligible: {
    id: 'Aturan {library} tidak memberi Anda hak meminta pinjam antarperpustakaan: {why}.',
    en: 'The rules of {library} do not let you ask for interlibrary loans: {why}.',
  },
  ask_patron_not_eligible_todo: {
    id: 'Tanyakan di meja layanan perpustakaan Anda syarat untuk pinjam antarperpustakaan.',
    en: "Ask at your library's desk what you need for interlibrary loans.",
  },
  ask_open_request_limit: {
    id: 'Anda sudah punya {open} permintaan yang sedang berjalan; batasnya {limit}.',
    en: 'You already have {open} open requests; the limit is {limit}.',
  },
  ask_open_request_limit_todo: {
    id: 'Tunggu sampai salah satu selesai, atau batalkan yang tidak Anda perlukan lagi di Permintaan saya.',
    en: 'Wait until one is finished, or withdraw one you no longer need under My requests.',
  },
  ask_available_at_your_library: {
    id: '{library} punya {n} eksemplar judul ini yang tersedia.',
    en: '{library} has {n} copies of this title available.',
  },
  ask_available_at_your_library_todo: {
    id: 'Pinjam atau salin langsung di perpustakaan Anda; tidak perlu pinjam antarperpustakaan.',
    en: 'Borrow or copy it at your own library; no interlibrary loan is needed.',
  },
  ask_no_lender: {
    id: 'Saat ini tidak ada perpustakaan mitra yang dapat meminjamkan judul ini.',
    en: 'No partner library can lend this title at the moment.',
  },
  ask_no_lender_todo: {
    id: 'Coba lagi nanti, atau tanyakan di meja layanan perpustakaan Anda; petugas dapat mencarinya di tempat lain.',
    en: "Try again later, or ask at your library's desk; staff can look for it elsewhere.",
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
