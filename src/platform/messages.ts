/**
 * Server-side messages in both languages. Errors carry a key and parameters;
 * the reply always includes both texts so API clients can pick either.
 */
export interface Bilingual {
  id: string;
  en: string;
}

type Params = Record<string, string | number>;

const catalogue = {
  not_found: { id: '{what} tidak ditemukan', en: '{what} not found' },
  forbidden: { id: 'Anda tidak berwenang untuk tindakan ini', en: 'You are not allowed to do this' },
  forbidden_other_library: {
    id: 'Anda hanya dapat bertindak untuk perpustakaan Anda sendiri',
    en: 'You may act only for your own library',
  },
  unauthenticated: { id: 'Silakan masuk terlebih dahulu', en: 'Please sign in first' },
  bad_credentials: { id: 'Nama pengguna atau kata sandi salah', en: 'Wrong username or password' },
  csrf: {
    id: 'Token keamanan (CSRF) tidak ada atau tidak cocok; muat ulang halaman',
    en: 'Security (CSRF) token missing or wrong; reload the page',
  },
  rate_limited: {
    id: 'Terlalu banyak percobaan; coba lagi dalam {seconds} detik',
    en: 'Too many attempts; try again in {seconds} seconds',
  },
  invalid: { id: 'Data yang dikirim tidak valid', en: 'The data sent is not valid' },
  conflict: { id: 'Bertentangan dengan data yang ada', en: 'Conflicts with existing data' },
  duplicate: { id: '{what} sudah ada', en: '{what} already exists' },
  internal: { id: 'Terjadi kesalahan pada server', en: 'Something went wrong on the server' },
  // field-level
  field_required: { id: 'wajib diisi', en: 'is required' },
  field_invalid: { id: 'tidak valid', en: 'is not valid' },
  nik_invalid: { id: 'NIK harus 16 angka', en: 'NIK must be 16 digits' },
  region_unknown: { id: 'wilayah tidak dikenal', en: 'unknown region' },
  library_unknown: { id: 'perpustakaan tidak dikenal', en: 'unknown library' },
  role_too_high: {
    id: 'Anda tidak dapat memberikan peran yang lebih tinggi dari peran Anda',
    en: 'You cannot grant a role above your own',
  },
  patron_only: {
    id: 'Halaman ini untuk anggota yang masuk ke portal anggota',
    en: 'This is for patrons signed in to the patron portal',
  },
  password_weak: { id: 'kata sandi minimal 10 karakter', en: 'password needs at least 10 characters' },
} satisfies Record<string, Bilingual>;

export type MessageKey = keyof typeof catalogue;

export function msg(key: MessageKey, params: Params = {}): Bilingual {
  return fillMessage(catalogue[key], params);
}

/** Puts {name} parameters into both texts; modules with catalogues of their own use it too. */
export function fillMessage(m: Bilingual, params: Params = {}): Bilingual {
  return { id: fill(m.id, params), en: fill(m.en, params) };
}

function fill(template: string, params: Params): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? `{${k}}`));
}

/** Names of things, for {what} in messages. */
export const things = {
  library: { id: 'Perpustakaan', en: 'Library' },
  patron: { id: 'Anggota', en: 'Patron' },
  user: { id: 'Pengguna', en: 'User' },
  network: { id: 'Jaringan', en: 'Network' },
  rule: { id: 'Aturan', en: 'Rule' },
  route: { id: 'Alamat', en: 'Route' },
  batch: { id: 'Impor', en: 'Import' },
  record: { id: 'Cantuman', en: 'Record' },
  source: { id: 'Sumber panen', en: 'Harvest source' },
} satisfies Record<string, Bilingual>;
