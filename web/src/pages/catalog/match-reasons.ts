/**
 * The matcher explains itself in English (src/catalog/match.ts, cluster.ts:
 * "same ISBN 9789791234567", "titles 92% similar", "authors agree"), which is
 * what the API returns and the logs keep. The record page shows those reasons
 * in the reader's language: each sentence the matcher writes has a pattern
 * here. A sentence without one is shown as it came (English), never dropped;
 * match-reasons.test.ts runs the real matcher so that none is missed.
 */

type Lang = 'id' | 'en';
type Rule = [RegExp, (m: RegExpMatchArray) => string];

const REJECTED = / -> rejected$/;
const NOT_LINKED = / -> not (linked|applied)$/;

// Indonesian wording of each sentence; $n are the parts the pattern captures.
export const RULES: Rule[] = [
  [/^same ISBN (.+)$/, (m) => `ISBN sama ${m[1]}`],
  [/^same OCLC number (.+)$/, (m) => `nomor OCLC sama ${m[1]}`],
  [/^same DOI (.+)$/, (m) => `DOI sama ${m[1]}`],
  [/^same year (.+)$/, (m) => `tahun sama ${m[1]}`],
  [/^years close: (.+) vs (.+)$/, (m) => `tahun berdekatan: ${m[1]} dan ${m[2]}`],
  [
    /^years differ: (.+) vs (.+), printings \(cetakan\) of one edition$/,
    (m) => `tahun berbeda: ${m[1]} dan ${m[2]}, cetakan dari satu edisi`,
  ],
  [
    /^years differ: (.+) vs (.+) despite the same ISBN: reprint or new edition\?$/,
    (m) => `tahun berbeda: ${m[1]} dan ${m[2]} walau ISBN sama: cetak ulang atau edisi baru?`,
  ],
  [/^years differ: (.+) vs (.+)$/, (m) => `tahun berbeda: ${m[1]} dan ${m[2]}`],
  [/^same title$/, () => 'judul sama'],
  [/^titles less than (\d+%) similar$/, (m) => `judul kurang dari ${m[1]} mirip`],
  [
    /^titles (\d+%) similar \(without parenthetical remarks\)$/,
    (m) => `judul ${m[1]} mirip (tanpa keterangan dalam kurung)`,
  ],
  [
    /^titles (\d+%) similar \(title proper; subtitle on one side only\)$/,
    (m) => `judul ${m[1]} mirip (judul utama; anak judul hanya di satu pihak)`,
  ],
  [/^titles (\d+%) similar$/, (m) => `judul ${m[1]} mirip`],
  [/^titles differ in (.+)$/, (m) => `judul berbeda pada ${m[1]}`],
  [/^titles differ despite the shared identifier$/, () => 'judul berbeda walau nomor pengenalnya sama'],
  [
    /^titles too far apart to trust the identifier alone$/,
    () => 'judul terlalu jauh untuk hanya memercayai nomor pengenal',
  ],
  [/^titles differ$/, () => 'judul berbeda'],
  [
    /^short titles that differ: a typo or another book\?$/,
    () => 'judul pendek yang berbeda: salah ketik atau buku lain?',
  ],
  [/^authors agree$/, () => 'pengarang sama'],
  [/^authors (\d+%) agree$/, (m) => `pengarang ${m[1]} sama`],
  [/^authors on one side only$/, () => 'pengarang hanya di satu pihak'],
  [/^authors disagree despite the shared identifier$/, () => 'pengarang berbeda walau nomor pengenalnya sama'],
  [/^authors differ$/, () => 'pengarang berbeda'],
  [/^too little evidence without authors on both sides$/, () => 'bukti terlalu sedikit tanpa pengarang di kedua pihak'],
  [/^series agree$/, () => 'seri sama'],
  [/^series differ: (.+) \(not decisive\)$/, (m) => `seri berbeda: ${vs(m[1])} (tidak menentukan)`],
  [/^publishers differ: (.+)$/, (m) => `penerbit berbeda: ${vs(m[1])}`],
  [/^an edition statement on one side only$/, () => 'pernyataan edisi hanya di satu pihak'],
  [
    /^edition stated on one side only, same ISBN and year$/,
    () => 'edisi hanya disebut di satu pihak, ISBN dan tahun sama',
  ],
  [/^year on one side only$/, () => 'tahun hanya di satu pihak'],
  [/^formats differ: (.+) vs (.+)$/, (m) => `bentuk berbeda: ${m[1]} dan ${m[2]}`],
  [/^ISSNs differ: (.+) vs (.+)$/, (m) => `ISSN berbeda: ${m[1]} dan ${m[2]}`],
  [/^DOIs differ: (.+) vs (.+)$/, (m) => `DOI berbeda: ${m[1]} dan ${m[2]}`],
  [/^ISBNs differ: (.+) vs (.+)$/, (m) => `ISBN berbeda: ${m[1]} dan ${m[2]}`],
  [/^editions differ: (.+) vs (.+)$/, (m) => `edisi berbeda: ${m[1]} dan ${m[2]}`],
  [/^one edition is revised, the other not$/, () => 'satu edisi revisi, yang lain bukan'],
  [/^page counts differ: (.+) vs (.+)$/, (m) => `jumlah halaman berbeda: ${m[1]} dan ${m[2]}`],
  [/^series numbers differ: (.+) vs (.+)$/, (m) => `nomor seri berbeda: ${m[1]} dan ${m[2]}`],
  [/^numbers in titles differ: (.+) vs (.+)$/, (m) => `angka dalam judul berbeda: ${m[1]} dan ${m[2]}`],
  [
    /^only one title carries a number \((.+)\): volume or part\?$/,
    (m) => `hanya satu judul memuat angka (${m[1]}): jilid atau bagian?`,
  ],
  [
    /^same source (.+): one source never merges its own records$/,
    (m) => `sumber sama ${m[1]}: satu sumber tidak pernah menggabungkan cantumannya sendiri`,
  ],
  [/^staff decision: same manifestation \((.+)\)$/, (m) => `keputusan staf: manifestasi sama (${m[1]})`],
  [/^staff decision: same manifestation$/, () => 'keputusan staf: manifestasi sama'],
  [/^staff decision: different manifestations$/, () => 'keputusan staf: manifestasi berbeda'],
  [/^conflicts with a staff split$/, () => 'bertentangan dengan pemisahan oleh staf'],
  [
    /^would put two records of source (.+) in one cluster$/,
    (m) => `akan menaruh dua cantuman sumber ${m[1]} dalam satu kelompok`,
  ],
  // A link refused because two members would conflict: the rule that refuses it, in Indonesian too.
  [/^would join (\S+) and (\S+): (.+)$/, (m) => `akan menyatukan ${m[1]} dan ${m[2]}: ${inner(m[3])}`],
  [/^would join records staff split apart$/, () => 'akan menyatukan cantuman yang dipisahkan staf'],
];

const inner = (s: string | undefined) => {
  const text = s ?? '';
  return reasonInIndonesian(text) ?? text;
};

// '"a" vs "b"' as the matcher quotes two values.
const vs = (s: string | undefined) => (s ?? '').replace(/" vs "/g, '" dan "');

/** The Indonesian sentence for one of the matcher's reasons, or undefined when it has no pattern here. */
export function reasonInIndonesian(reason: string): string | undefined {
  let text = reason;
  let tail = '';
  if (REJECTED.test(text)) {
    text = text.replace(REJECTED, '');
    tail = ' → ditolak';
  } else if (NOT_LINKED.test(text)) {
    tail = text.endsWith('applied') ? ' → tidak diterapkan' : ' → tidak dihubungkan';
    text = text.replace(NOT_LINKED, '');
  }
  for (const [re, say] of RULES) {
    const m = text.match(re);
    if (m) return say(m) + tail;
  }
  return undefined;
}

/** One reason in the reader's language (English as the matcher wrote it when there is no translation). */
export function matchReason(reason: string, lang: Lang): string {
  if (lang === 'en') return reason;
  return reasonInIndonesian(reason) ?? reason;
}
