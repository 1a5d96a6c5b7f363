import { NotFound } from '../platform/errors.ts';
import { type Bilingual, fillMessage } from '../platform/messages.ts';

/** Texts of the programs module, both languages; the platform catalogue stays for shared words. */
const catalogue = {
  agreement_unknown: { id: 'perjanjian tidak dikenal', en: 'unknown agreement' },
  party_needs_name: {
    id: 'pihak harus berupa perpustakaan jaringan atau nama lembaga',
    en: 'a party is a network library or a named institution',
  },
  party_twice: { id: 'perpustakaan ini sudah menjadi pihak', en: 'this library is already a party' },
  parties_too_few: { id: 'perjanjian memerlukan sedikitnya dua pihak', en: 'an agreement needs at least two parties' },
  party_not_yours: {
    id: 'salah satu pihak harus perpustakaan Anda',
    en: 'one of the parties must be your library',
  },
  signer_not_parent: {
    id: 'perpustakaan ini tidak menandatangani sendiri; penandatangannya adalah lembaga induknya',
    en: 'this library does not sign itself; its parent signs for it',
  },
  dates_order: { id: 'tanggal berakhir harus sesudah tanggal mulai', en: 'the end date must follow the start date' },
  dates_needed: {
    id: 'tanggal mulai dan berakhir wajib diisi sebelum diberlakukan',
    en: 'start and end dates are needed before it can be put into force',
  },
  implements_not_mou: { id: 'PKS hanya dapat melaksanakan sebuah MoU', en: 'a PKS can only implement an MoU' },
  illegal_transition: { id: 'Perubahan status tidak diizinkan', en: 'This status change is not allowed' },
  file_type: {
    id: 'jenis berkas tidak diterima; unggah PDF, JPEG atau PNG',
    en: 'file type not accepted; upload a PDF, JPEG or PNG',
  },
  file_too_large: {
    id: 'berkas terlalu besar (maksimal {mb} MB)',
    en: 'file too large (at most {mb} MB)',
  },
  file_missing: { id: 'tidak ada berkas yang diunggah', en: 'no file was uploaded' },
  terms_none: {
    id: 'Tidak ada perjanjian yang berlaku antara {a} dan {b} untuk {program} pada {date}',
    en: 'No agreement in force between {a} and {b} covers {program} on {date}',
  },
  terms_found: {
    id: '{title} ({number}) berlaku {from} s.d. {until} dan mencakup {program}',
    en: '{title} ({number}) is in force {from} to {until} and covers {program}',
  },
  reminder_subject: {
    id: 'Pengingat: perjanjian "{title}" berakhir dalam {days} hari',
    en: 'Reminder: agreement "{title}" ends in {days} days',
  },
  reminder: {
    id: 'Perjanjian "{title}" berakhir pada {date} ({days} hari lagi)',
    en: 'Agreement "{title}" ends on {date} (in {days} days)',
  },
  program_not_covered: {
    id: 'perjanjian ini tidak mencakup program {program}',
    en: 'this agreement does not cover {program}',
  },
  agreement_not_in_force: { id: 'perjanjian ini tidak sedang berlaku', en: 'this agreement is not in force' },
  not_a_party: { id: '{library} bukan pihak dalam perjanjian ini', en: '{library} is not a party to this agreement' },
  patron_not_home: {
    id: 'anggota harus terdaftar di perpustakaan asal',
    en: 'the patron must be registered at the home library',
  },
  card_outside_agreement: {
    id: 'masa berlaku kartu harus di dalam masa berlaku perjanjian ({from} s.d. {until})',
    en: 'the card must be valid within the agreement ({from} to {until})',
  },
  card_revoked_already: { id: 'kartu sudah dicabut', en: 'the card is already revoked' },
  card_unknown: { id: 'Kartu {number} tidak dikenal', en: 'Card {number} is unknown' },
  card_valid: {
    id: 'Kartu berlaku. Silakan masuk, {name} dari {home}',
    en: 'Card valid. Welcome, {name} from {home}',
  },
  card_expired: { id: 'Kartu sudah tidak berlaku sejak {date}', en: 'Card expired on {date}' },
  card_not_yet: { id: 'Kartu baru berlaku mulai {date}', en: 'Card valid only from {date}' },
  card_agreement_ended: {
    id: 'Perjanjian kartu ini tidak berlaku lagi',
    en: 'The agreement behind this card is no longer in force',
  },
  card_revoked: { id: 'Kartu sudah dicabut: {reason}', en: 'Card revoked: {reason}' },
  card_not_participant: {
    id: '{library} tidak termasuk perpustakaan tujuan kartu ini',
    en: '{library} is not one of the libraries this card is valid at',
  },
  visit_in_past: { id: 'tanggal kunjungan sudah lewat', en: 'the date of the visit has passed' },
  visit_already_announced: {
    id: 'Kunjungan dengan kartu ini ke perpustakaan itu pada tanggal itu sudah diberitahukan',
    en: 'A visit with this card to that library on that day is already announced',
  },
  visit_not_announced: {
    id: 'Hanya kunjungan yang diberitahukan dapat dibatalkan (status: {status})',
    en: 'Only an announced visit can be cancelled (status: {status})',
  },
  visit_announced_subject: { id: 'Kunjungan diberitahukan: {name}, {date}', en: 'Visit announced: {name}, {date}' },
  visit_announced_body: {
    id: '{name} ({home}) akan berkunjung pada {date} dengan kartu {card}. Keperluan: {purpose}.',
    en: '{name} ({home}) will visit on {date} with card {card}. Purpose: {purpose}.',
  },
  visit_cancelled_subject: { id: 'Kunjungan dibatalkan: {name}, {date}', en: 'Visit cancelled: {name}, {date}' },
  visit_cancelled_body: {
    id: 'Kunjungan {name} ({home}) pada {date} dibatalkan.',
    en: 'The visit of {name} ({home}) on {date} was cancelled.',
  },
  visit_elsewhere: {
    id: 'kartu ini tidak berlaku di perpustakaan tujuan',
    en: 'this card is not valid at the library to visit',
  },
  deposit_not_lender: { id: 'hanya perpustakaan pemberi yang dapat melakukan ini', en: 'only the lender can do this' },
  deposit_item_unavailable: {
    id: 'eksemplar {barcode} tidak tersedia untuk dititipkan',
    en: 'item {barcode} is not available to lend',
  },
  deposit_item_sent_before: {
    id: 'eksemplar {barcode} sudah pernah dikirim ke sekolah ini',
    en: 'item {barcode} was sent to this school before',
  },
  deposit_set_open: {
    id: 'masih ada set yang belum kembali; lakukan rotasi',
    en: 'a set is still out; run the rotation instead',
  },
  deposit_no_open_set: { id: 'tidak ada set yang sedang dipinjamkan', en: 'no set is out now' },
  deposit_set_closed: { id: 'set ini sudah kembali', en: 'this set has already come back' },
  deposit_empty: { id: 'pilih sedikitnya satu eksemplar', en: 'choose at least one item' },
  deposit_too_many: { id: 'lebih dari ukuran set ({size})', en: 'more than the set size ({size})' },
  deposit_not_in_set: { id: 'eksemplar ini tidak ada dalam set', en: 'this item is not in the set' },
  deposit_not_missing: { id: 'eksemplar ini tidak tercatat hilang', en: 'this item is not recorded as missing' },
  deposit_rule_mismatch: {
    id: 'perjanjian menetapkan penyelesaian kehilangan: {rule}',
    en: 'the agreement settles losses by: {rule}',
  },
  deposit_no_candidates: {
    id: 'tidak cukup eksemplar yang memenuhi syarat',
    en: 'not enough eligible items',
  },
  duplicate_barcode: { id: 'barkode {barcode} sudah dipakai', en: 'barcode {barcode} is already in use' },
} satisfies Record<string, Bilingual>;

export type ProgramsMessageKey = keyof typeof catalogue;

export function pmsg(key: ProgramsMessageKey, params: Record<string, string | number> = {}): Bilingual {
  return fillMessage(catalogue[key], params);
}

const names = {
  agreement: { id: 'Perjanjian', en: 'Agreement' },
  document: { id: 'Dokumen', en: 'Document' },
  card: { id: 'Kartu kunjungan', en: 'Visiting card' },
  visit: { id: 'Kunjungan', en: 'Visit' },
  deposit: { id: 'Koleksi titipan', en: 'Deposit collection' },
  set: { id: 'Set koleksi titipan', en: 'Deposit set' },
  patron: { id: 'Anggota', en: 'Patron' },
  item: { id: 'Eksemplar', en: 'Item' },
} satisfies Record<string, Bilingual>;

export function notFound(what: keyof typeof names): NotFound {
  return new NotFound(names[what]);
}

export const programNames: Record<string, Bilingual> = {
  ill: { id: 'pinjam antarperpustakaan', en: 'interlibrary loan' },
  exchange: { id: 'pertukaran terbitan', en: 'exchange of publications' },
  deposit_collections: { id: 'koleksi titipan', en: 'deposit collections' },
  visiting_cards: { id: 'kartu kunjungan (silang layan)', en: 'visiting cards' },
  mobile_library: { id: 'perpustakaan keliling', en: 'mobile library' },
  internships: { id: 'magang', en: 'internships' },
  training: { id: 'pelatihan', en: 'training' },
  shared_acquisition: { id: 'pengadaan bersama', en: 'shared acquisition' },
  facility_use: { id: 'pemanfaatan fasilitas', en: 'use of facilities' },
};

export const lostRuleNames: Record<string, Bilingual> = {
  replace_copy: { id: 'mengganti dengan eksemplar', en: 'replace the copy' },
  pay_amount: { id: 'membayar ganti rugi', en: 'pay an amount' },
  none: { id: 'tanpa penggantian', en: 'no replacement' },
};
