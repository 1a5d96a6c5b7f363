/**
 * Indonesian spelling reforms, so that records catalogued from books printed
 * in the old spellings (van Ophuijsen 1901, Soewandi 1947) meet records in
 * the current one (EYD, 1972): "Soekarno"/"Sukarno", "Djakarta"/"Jakarta",
 * "Tjokroaminoto"/"Cokroaminoto", "Sjahrir"/"Syahrir", "Achmad"/"Akhmad",
 * "Jogjakarta"/"Yogyakarta", "djaja"/"jaya".
 *
 * Old → new:  oe→u  dj→j  tj→c  nj→ny  sj→sy  ch→kh  j→y
 *
 * The trap is the letter j: old "dj" became j, and old "j" became y. A lone j
 * is therefore old-y in "jang" (= yang) but new-j in "jalan", and the word
 * itself does not say which: "Jang terampas dan jang putus" has no other mark
 * of the old spelling. So the match key does not guess. It maps each old
 * digraph to its modern letter and then folds j and y together (j→y), in one
 * left-to-right pass so that the j produced from dj is not converted twice:
 *
 *   djaja → (dj)(a)(j)(a) → y a y a      jaya → y a y a
 *   jogjakarta → yogyakarta              yogyakarta → yogyakarta
 *   djakarta → yakarta                   jakarta → yakarta
 *   mendjadi → menyadi                   menjadi → menyadi
 *
 * nj→ny and sj→sy fall out of the j/y fold. The price is that modern words
 * differing only by j/y ("jaya"/"yaya") share a key; titles rarely differ
 * only there, and the scorer still weighs authors, years and identifiers.
 * The same fold is applied to every language: it is symmetric, so an English
 * "church" becomes "khurkh" on both sides and still meets itself.
 */

const KEY_MAP: Record<string, string> = { oe: 'u', dj: 'y', tj: 'c', ch: 'kh', j: 'y' };
const KEY_RE = /oe|dj|tj|ch|j/g;
const KEY_TEST = /oe|tj|ch|j/;

/** Spelling-neutral form of already folded text (lowercase ASCII). */
export function spellingKey(folded: string): string {
  if (!KEY_TEST.test(folded)) return folded;
  return folded.replace(KEY_RE, (m) => KEY_MAP[m] ?? m);
}

/*
 * For display and for search suggestions we want the real modern spelling,
 * not the key form, so there we must decide per word whether it is old.
 * Heuristic: a word is in the old spelling when it contains a sequence the
 * 1972 spelling never writes in native words: dj, tj, sj, oe, nj before a
 * vowel at the start ("njanji"), or j directly after a consonant other than
 * n ("jogja" has gj). A text in which any word is old is treated as old
 * throughout, because a book used one spelling, which catches the unmarked
 * words ("jang") beside marked ones ("djalan"). ch→kh is only applied in old
 * texts: in modern Indonesian "ch" survives in names and loanwords.
 */
const OLD_WORD = /dj|tj|sj|oe|^nj[aiueo]|[bcdfghklmpqrstvwxz]j/;

export function looksOldSpelling(foldedWord: string): boolean {
  return OLD_WORD.test(foldedWord);
}

const MODERN_RE = /oe|dj|tj|sj|nj|ch|j/g;
const MODERN_MAP: Record<string, string> = { oe: 'u', dj: 'j', tj: 'c', sj: 'sy', nj: 'ny', ch: 'kh', j: 'y' };

/**
 * Modern spelling of folded text when it looks old (see heuristic above);
 * otherwise the text unchanged.
 */
export function modernizeSpelling(folded: string): string {
  const words = folded.split(' ');
  if (!words.some(looksOldSpelling)) return folded;
  return words.map((w) => w.replace(MODERN_RE, (m) => MODERN_MAP[m] ?? m)).join(' ');
}
