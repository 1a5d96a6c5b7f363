import { type Bilingual, fillMessage } from '../../platform/messages.ts';

/** Texts of ISO 18626 transport (peers, endpoint, outbox), both languages. */
const catalogue = {
  peer: { id: 'Mitra ISO 18626', en: 'ISO 18626 peer' },
  message: { id: 'Pesan ISO 18626', en: 'ISO 18626 message' },
  peer_library_taken: {
    id: 'perpustakaan ini sudah diwakili oleh mitra lain',
    en: 'another peer already stands for this library',
  },
  peer_agency_taken: {
    id: 'kode agensi {type}:{value} sudah dipakai',
    en: 'agency id {type}:{value} is already in use',
  },
  peer_account_taken: { id: 'nama akun ini sudah dipakai mitra lain', en: 'another peer already uses this account' },
  peer_other_network: {
    id: 'perpustakaan ini bukan anggota jaringan Anda',
    en: 'this library is not in your network',
  },
  peer_url_invalid: { id: 'alamat harus URL http atau https', en: 'the address must be an http or https URL' },
  peer_secret_short: {
    id: 'rahasia minimal {n} karakter',
    en: 'the secret needs at least {n} characters',
  },
  peer_outbound_pair: {
    id: 'akun dan rahasia keluar diisi bersama',
    en: 'the outbound account and secret go together',
  },
  message_not_failed: {
    id: 'hanya pesan yang gagal terkirim dapat dicoba lagi atau diabaikan',
    en: 'only a message that failed to go out can be retried or abandoned',
  },
  auth_missing: {
    id: 'mitra tidak dikenal: kirim kredensial HTTP Basic',
    en: 'unknown peer: send HTTP Basic credentials',
  },
  auth_wrong: { id: 'akun atau rahasia mitra salah', en: 'wrong peer account or secret' },
} satisfies Record<string, Bilingual>;

export type TransportText = keyof typeof catalogue;

export function tmsg(key: TransportText, params: Record<string, string | number> = {}): Bilingual {
  return fillMessage(catalogue[key], params);
}
