import { NotFound } from '../platform/errors.ts';
import { type Bilingual, fillMessage } from '../platform/messages.ts';

/** Texts of exchange and redistribution, both languages. */
const catalogue = {
  own_offer: {
    id: 'Anda tidak dapat meminta terbitan perpustakaan Anda sendiri',
    en: 'you cannot request your own library’s publication',
  },
  offer_inactive: { id: 'terbitan ini tidak lagi ditawarkan', en: 'this publication is no longer offered' },
  not_enough_copies: {
    id: 'hanya tersedia {n} eksemplar untuk ditukar',
    en: 'only {n} copies are available for exchange',
  },
  already_requested: {
    id: '{library} sudah meminta terbitan ini untuk periode {period}',
    en: '{library} has already requested this publication for {period}',
  },
  no_exchange_agreement: {
    id: 'tidak ada perjanjian pertukaran yang berlaku antara {a} dan {b}',
    en: 'no exchange agreement is in force between {a} and {b}',
  },
  exchange_wrong_state: {
    id: 'permintaan berstatus "{status}"; tindakan ini hanya untuk status: {allowed}',
    en: 'the request is "{status}"; this is only possible when: {allowed}',
  },
  exchange_wrong_side: {
    id: 'hanya {side} yang dapat melakukan ini',
    en: 'only the {side} can do this',
  },
  reason_required: { id: 'alasan wajib diisi', en: 'a reason is required' },
  copies_received_too_many: {
    id: 'lebih banyak dari yang dikirim ({n})',
    en: 'more than were shipped ({n})',
  },
  date_before: { id: 'tanggal tidak boleh sebelum {date}', en: 'the date cannot be before {date}' },
  list_not_yours: {
    id: 'hanya perpustakaan pemilik daftar yang dapat melakukan ini',
    en: 'only the offering library can do this',
  },
  list_not_draft: {
    id: 'daftar sudah diterbitkan; baris tidak dapat diubah',
    en: 'the list is published; lines cannot change',
  },
  list_not_published: {
    id: 'daftar ini belum diterbitkan atau sudah ditutup',
    en: 'this list is not published or already closed',
  },
  list_empty: { id: 'daftar belum berisi baris', en: 'the list has no lines yet' },
  list_state: {
    id: 'daftar berstatus "{status}"; tindakan ini tidak diizinkan',
    en: 'the list is "{status}"; this is not allowed',
  },
  claim_own_offer: {
    id: 'Anda tidak dapat mengklaim tawaran perpustakaan Anda sendiri',
    en: 'you cannot claim your own library’s offer',
  },
  line_allocated: {
    id: '"{title}" sudah dialokasikan seluruhnya',
    en: '"{title}" is already fully allocated',
  },
  line_withdrawn: { id: 'baris ini sudah ditarik dari daftar', en: 'this line was withdrawn from the list' },
  already_claimed: { id: '{library} sudah mengklaim baris ini', en: '{library} has already claimed this line' },
  claims_closed: {
    id: 'batas waktu klaim berakhir pada {date}',
    en: 'claims closed on {date}',
  },
  claim_state: {
    id: 'klaim berstatus "{status}"; tindakan ini hanya untuk status: {allowed}',
    en: 'the claim is "{status}"; this is only possible when: {allowed}',
  },
  claim_not_allocated: {
    id: 'klaim ini belum dialokasikan; hanya yang dialokasikan yang dapat dikirim',
    en: 'this claim was not allocated; only allocated claims can be shipped',
  },
  claim_not_yours: {
    id: 'hanya perpustakaan pengklaim yang dapat melakukan ini',
    en: 'only the claiming library can do this',
  },
  allocation_exceeds: {
    id: 'hanya tersisa {n} eksemplar untuk dialokasikan',
    en: 'only {n} copies are left to allocate',
  },
  item_not_yours: {
    id: 'eksemplar {barcode} bukan milik perpustakaan Anda',
    en: 'item {barcode} does not belong to your library',
  },
  item_not_offerable: {
    id: 'eksemplar {barcode} berstatus "{status}" dan tidak dapat ditawarkan',
    en: 'item {barcode} is "{status}" and cannot be offered',
  },
  item_on_other_line: {
    id: 'eksemplar {barcode} sudah ada di daftar lain',
    en: 'item {barcode} is already on another list',
  },
  line_needs_title: {
    id: 'baris tanpa eksemplar katalog memerlukan judul',
    en: 'a line without a catalogued item needs a title',
  },
  barcode_taken: {
    id: 'barkode {barcode} sudah dipakai di {library}; isi barkode baru',
    en: 'barcode {barcode} is already used at {library}; give a new barcode',
  },
  item_moved: {
    id: 'eksemplar {barcode} tidak lagi tersedia di perpustakaan pemberi',
    en: 'item {barcode} is no longer at the offering library',
  },
} satisfies Record<string, Bilingual>;

export type ExchangeMessageKey = keyof typeof catalogue;

export function xmsg(key: ExchangeMessageKey, params: Record<string, string | number> = {}): Bilingual {
  return fillMessage(catalogue[key], params);
}

const names = {
  offer: { id: 'Tawaran pertukaran', en: 'Exchange offer' },
  request: { id: 'Permintaan pertukaran', en: 'Exchange request' },
  list: { id: 'Daftar redistribusi', en: 'Redistribution list' },
  line: { id: 'Baris daftar redistribusi', en: 'Redistribution line' },
  claim: { id: 'Klaim', en: 'Claim' },
  item: { id: 'Eksemplar', en: 'Item' },
} satisfies Record<string, Bilingual>;

export function xNotFound(what: keyof typeof names): NotFound {
  return new NotFound(names[what]);
}

export const exchangeStatusNames: Record<string, Bilingual> = {
  requested: { id: 'diminta', en: 'requested' },
  agreed: { id: 'disetujui', en: 'agreed' },
  shipped: { id: 'dikirim', en: 'shipped' },
  received: { id: 'diterima', en: 'received' },
  declined: { id: 'ditolak', en: 'declined' },
  cancelled: { id: 'dibatalkan', en: 'cancelled' },
  claimed: { id: 'diklaim', en: 'claimed' },
  allocated: { id: 'dialokasikan', en: 'allocated' },
  not_allocated: { id: 'tidak dialokasikan', en: 'not allocated' },
  withdrawn: { id: 'ditarik', en: 'withdrawn' },
};

export const sideNames: Record<string, Bilingual> = {
  supplier: { id: 'perpustakaan penerbit', en: 'publishing library' },
  requester: { id: 'perpustakaan peminta', en: 'requesting library' },
};

/** "status" and "allowed" filled in both languages from the status names. */
export function stateMessage(
  key: 'exchange_wrong_state' | 'claim_state',
  status: string,
  allowed: readonly string[],
): Bilingual {
  const n = (s: string) => exchangeStatusNames[s] ?? { id: s, en: s };
  const m = catalogue[key];
  return {
    id: fillMessage({ id: m.id, en: '' }, { status: n(status).id, allowed: allowed.map((a) => n(a).id).join(', ') }).id,
    en: fillMessage({ id: '', en: m.en }, { status: n(status).en, allowed: allowed.map((a) => n(a).en).join(', ') }).en,
  };
}
