/**
 * Language values as member libraries write them ('id', 'in', 'Indonesia',
 * 'Bahasa Indonesia', 'en_US', 'deu') -> ISO 639-2/B, which is what Bib and
 * MARC 008/35-37 use. Unknown values give undefined rather than a guess.
 */

const BY_NAME: Record<string, string> = {
  // 'in' is the withdrawn ISO 639-1 code for Indonesian; Java's Locale still emits it.
  id: 'ind',
  in: 'ind',
  ind: 'ind',
  indonesia: 'ind',
  indonesian: 'ind',
  'bahasa indonesia': 'ind',
  'bahasa-indonesia': 'ind',
  en: 'eng',
  eng: 'eng',
  english: 'eng',
  inggris: 'eng',
  'bahasa inggris': 'eng',
  ms: 'may',
  msa: 'may',
  may: 'may',
  malay: 'may',
  melayu: 'may',
  jv: 'jav',
  jav: 'jav',
  javanese: 'jav',
  jawa: 'jav',
  su: 'sun',
  sun: 'sun',
  sundanese: 'sun',
  sunda: 'sun',
  ar: 'ara',
  ara: 'ara',
  arabic: 'ara',
  arab: 'ara',
  nl: 'dut',
  nld: 'dut',
  dut: 'dut',
  dutch: 'dut',
  belanda: 'dut',
  de: 'ger',
  deu: 'ger',
  ger: 'ger',
  german: 'ger',
  fr: 'fre',
  fra: 'fre',
  fre: 'fre',
  french: 'fre',
  es: 'spa',
  spa: 'spa',
  spanish: 'spa',
  zh: 'chi',
  zho: 'chi',
  chi: 'chi',
  chinese: 'chi',
  mandarin: 'chi',
  ja: 'jpn',
  jpn: 'jpn',
  japanese: 'jpn',
  jepang: 'jpn',
  ko: 'kor',
  kor: 'kor',
  korean: 'kor',
  cs: 'cze',
  ces: 'cze',
  cze: 'cze',
  czech: 'cze',
  ru: 'rus',
  rus: 'rus',
  russian: 'rus',
  pt: 'por',
  por: 'por',
  portuguese: 'por',
  it: 'ita',
  ita: 'ita',
  italian: 'ita',
  la: 'lat',
  lat: 'lat',
  latin: 'lat',
};

/** ISO 639-2/T codes whose bibliographic (/B) form differs; other 3-letter codes pass through. */
const T_TO_B: Record<string, string> = {
  sqi: 'alb',
  hye: 'arm',
  eus: 'baq',
  mya: 'bur',
  kat: 'geo',
  ell: 'gre',
  isl: 'ice',
  mkd: 'mac',
  mri: 'mao',
  fas: 'per',
  ron: 'rum',
  slk: 'slo',
  bod: 'tib',
  cym: 'wel',
};

export function normalizeLanguage(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase().replace(/\s+/g, ' ');
  if (v === '') return undefined;
  const direct = BY_NAME[v];
  if (direct) return direct;
  // en_US, en-GB, id-ID
  const base = v.split(/[-_]/)[0] ?? '';
  const viaBase = BY_NAME[base];
  if (viaBase) return viaBase;
  if (/^[a-z]{3}$/.test(v)) return T_TO_B[v] ?? v;
  return undefined;
}
