import { spellingKey } from './spelling.ts';

/**
 * Normalisation of the descriptive fields the matcher compares. Every
 * function here is deterministic and pure: the match keys stored in the
 * database are built from them, so a change here means re-keying (bump
 * MATCH_KEY_VERSION in match.ts).
 */

export { normalizeIsbn, normalizeIsbns, normalizeIssn, normalizeIssns } from './isbn.ts';

const ASCII_ONLY = /^[\x20-\x7e]*$/;
const MARKS = /\p{M}/gu;
// Apostrophes vanish rather than split: "Qur'an"/"Quran", "don't"/"dont".
const APOSTROPHES = /['\u2018\u2019\u02bc\u02bb\u0060\u00b4]/g;
const NON_WORD = /[^\p{L}\p{N}]+/gu;
const ASCII_NON_WORD = /[^a-z0-9]+/g;
// Letters NFKD leaves whole.
const SPECIAL: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ł: 'l',
  ı: 'i',
  ħ: 'h',
  ŋ: 'ng',
};
const SPECIAL_RE = /[ßæœøđðþłıħŋ]/g;

/**
 * Case-folded, diacritic-free, punctuation-free text with single spaces:
 * "Çetintemel, Uğur" → "cetintemel ugur". Non-Latin letters are kept as they are.
 */
export function foldText(s: string): string {
  if (ASCII_ONLY.test(s)) {
    return s.toLowerCase().replace(APOSTROPHES, '').replace(ASCII_NON_WORD, ' ').trim();
  }
  return s
    .normalize('NFKD')
    .toLowerCase()
    .replace(MARKS, '')
    .replace(SPECIAL_RE, (c) => SPECIAL[c] ?? c)
    .replace(APOSTROPHES, '')
    .replace(NON_WORD, ' ')
    .trim();
}

/** foldText plus the Indonesian spelling fold: the form every key is built from. */
export function keyText(s: string): string {
  return spellingKey(foldText(s));
}

/*
 * Leading articles, as the non-filing indicator of MARC 245 would skip them.
 * Indonesian has no articles; the list covers the languages found in
 * Indonesian collections (English, Dutch from the colonial period, French,
 * German, Spanish, Italian, Portuguese). Honorific particles ("Si", "Sang")
 * are part of Indonesian titles and are kept. "De" is Dutch and Spanish
 * enough to strip; Italian "I" and English "I" clash, so it stays.
 */
const ARTICLES = new Set([
  'the',
  'a',
  'an',
  'de',
  'het',
  'een',
  'le',
  'la',
  'les',
  'l',
  'un',
  'une',
  'der',
  'die',
  'das',
  'ein',
  'eine',
  'el',
  'los',
  'las',
  'il',
  'lo',
  'gli',
  'o',
  'os',
  'as',
]);

/** Drops one leading article from folded text, unless the article is all there is. */
export function stripLeadingArticle(folded: string): string {
  const sp = folded.indexOf(' ');
  if (sp <= 0) return folded;
  return ARTICLES.has(folded.slice(0, sp)) ? folded.slice(sp + 1) : folded;
}

export interface TitleForms {
  /** Title proper, before any subtitle, key form. */
  main: string;
  /** Title proper plus other title information (subtitle), key form. */
  full: string;
  /**
   * `full` without parenthetical remarks ("(panel session)", "(abstract
   * only)"), which one source adds and another leaves out; equals `full`
   * when there are none.
   */
  bare: string;
  /** Numbers in the title (volume, part, year): "jilid 2" and "jilid 3" are different books. */
  numbers: string[];
}

const ROMAN = /^(?:i{1,3}|iv|v|vi{1,3}|ix|x|xi{1,3}|xiv|xv|xvi{1,3}|xix|xx)$/;
const PART_WORDS = new Set([
  'jilid',
  'jld',
  'vol',
  'volume',
  'part',
  'pt',
  'bagian',
  'bag',
  'buku',
  'book',
  'seri',
  'series',
  'no',
  'nomor',
  'tome',
  'band',
  'bd',
  'deel',
  'edisi',
  'chapter',
  'bab',
  'tahun',
  'juz',
]);
const ROMAN_VALUE: Record<string, number> = { i: 1, v: 5, x: 10 };

function romanToInt(r: string): number {
  let total = 0;
  for (let i = 0; i < r.length; i++) {
    const v = ROMAN_VALUE[r[i] as string] ?? 0;
    const next = ROMAN_VALUE[r[i + 1] as string] ?? 0;
    total += v < next ? -v : v;
  }
  return total;
}

function titleNumbers(folded: string): string[] {
  if (!/\d| [ivx]+\b/.test(folded)) return [];
  const out: string[] = [];
  const words = folded.split(' ');
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (/^\d+$/.test(w)) out.push(String(Number(w)));
    else if (i > 0 && ROMAN.test(w) && (PART_WORDS.has(words[i - 1] as string) || i === words.length - 1)) {
      // "jilid II", and a closing numeral: "Kalkulus II", "Perang Dunia I"
      out.push(String(romanToInt(w)));
    }
  }
  return out;
}

/**
 * Title forms for matching. The subtitle may arrive in its own field or
 * inside the title after " : " (ISBD), and parallel titles after " = ";
 * sources disagree on both, so the scorer can fall back to the title proper.
 * A statement of responsibility left in the title (" / by ...") is dropped.
 */
export function titleForms(title: string, subtitle?: string): TitleForms {
  let t = title;
  // cataloguer's interpolations and GMDs ("[rekaman video]"), unless that is the whole title
  if (t.includes('[')) {
    const stripped = t.replace(/\[[^\]]*\]/g, ' ').trim();
    if (/\p{L}/u.test(stripped)) t = stripped;
  }
  // a statement of responsibility left in the title ("... / oleh Ahmad"); a bare " / " may be the title's own
  const slash = t.search(/ \/ (?:by|oleh|disusun|penyusun|editor|ed\.|penulis|karya|\p{Lu}\.)/u);
  if (slash > 0) t = t.slice(0, slash);
  const eq = t.indexOf(' = ');
  if (eq > 0) t = t.slice(0, eq);
  let main = t;
  let rest = subtitle ?? '';
  const colon = t.search(/\s*[:;]\s/);
  if (colon > 0) {
    main = t.slice(0, colon);
    rest = `${t.slice(colon + 1)} ${rest}`;
  }
  const mainKey = stripLeadingArticle(keyText(main));
  const restKey = rest ? keyText(rest) : '';
  const full = restKey ? `${mainKey} ${restKey}` : mainKey;
  let bare = full;
  const whole = rest ? `${main} ${rest}` : main;
  if (whole.includes('(')) {
    const b = stripLeadingArticle(keyText(whole.replace(/\([^)]*\)/g, ' ')));
    if (b !== '') bare = b;
  }
  const numbers = titleNumbers(mainKey);
  if (restKey) for (const n of titleNumbers(restKey)) numbers.push(n);
  return { main: mainKey, full, bare, numbers };
}

/** Title key form in one string (title proper + subtitle). */
export function normalizeTitle(title: string, subtitle?: string): string {
  return titleForms(title, subtitle).full;
}

export interface PersonName {
  /** Key form of the family name (or the whole name when there is none). */
  surname: string;
  /** Key forms of the other name parts; single letters are initials. */
  given: string[];
  /**
   * First letters of the given names before the spelling fold: "C." must
   * still meet "Christine" although the key form of that is "khristine".
   */
  initials: string;
}

/*
 * Honorifics and degrees found around Indonesian names ("Prof. Dr. Ir. H.
 * Soekarno, M.Sc.", "Hj. Siti ..."). Single letters ("h" for Haji) are not
 * listed: they are also initials.
 */
const HONORIFICS = new Set([
  'prof',
  'dr',
  'drs',
  'dra',
  'ir',
  'hj',
  'kh',
  'kyai',
  'kiai',
  'ustadz',
  'ustaz',
  'mr',
  'mrs',
  'ms',
  'sir',
  'rev',
  'jr',
  'sr',
  'phd',
  'msc',
  'mba',
  'ed',
  'eds',
  'editor',
  'editors',
  'penyunting',
  'peny',
  'comp',
  'trans',
  'penerjemah',
  'terj',
  'al',
  'et',
  'dkk',
]);

// "S.H.", "M.Sc.", "S.Pd.", "Ph.D.", "M.A.": a degree after a comma, not a given name.
const DEGREE_PART = /^(?:[A-Z][a-z]{0,3}\.\s?){1,3}(?:[A-Z][a-z]{0,3}\.?)?$/;

function foldedNameTokens(s: string): string[] {
  // hyphens join: "Cesa-Bianchi", and the line-break "Helm-bold" of scanned citations
  const k = foldText(s.replace(/[-\u2010](?=\p{L})/gu, ''));
  if (k === '') return [];
  const out: string[] = [];
  // honorifics are recognised before the spelling fold, which would turn "jr" into "yr"
  for (const t of k.split(' ')) if (!HONORIFICS.has(t) && !/^\d+$/.test(t)) out.push(t);
  return out;
}

function person(surname: string, folded: string[]): PersonName {
  let initials = '';
  for (const t of folded) initials += t[0] as string;
  return { surname, given: folded.map(spellingKey), initials };
}

export function parseName(raw: string): PersonName | undefined {
  if (!raw.includes(',')) return directName(foldedNameTokens(raw));
  const parts: string[][] = [];
  for (const piece of raw.split(',')) {
    const p = piece.trim();
    if (p === '') continue;
    // dates ("1925-2006"), and degrees after the given names ("S.H.", "M.Sc.")
    if (parts.length > 0 && /\d/.test(p)) continue;
    if (parts.length > 1 && DEGREE_PART.test(p)) continue;
    const tokens = foldedNameTokens(p);
    // a part that was only honorifics or a suffix ("Jr.", "Ir.")
    if (parts.length > 0 && tokens.length === 0) continue;
    parts.push(tokens);
  }
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return directName(parts[0] as string[]);
  const surnameTokens = parts[0] as string[];
  const given: string[] = [];
  for (let i = 1; i < parts.length; i++) for (const t of parts[i] as string[]) given.push(t);
  if (surnameTokens.length === 0) {
    const first = given.pop();
    return first === undefined ? undefined : person(spellingKey(first), given);
  }
  // a multi-word surname ("van der Berg") is kept whole
  return person(surnameTokens.map(spellingKey).join(' '), given);
}

/** "Given Surname", or "Surname I." without a comma. */
function directName(tokens: string[]): PersonName | undefined {
  if (tokens.length === 0) return undefined;
  // "Blum A." (surname then initials): the surname is the last full word
  let at = tokens.length - 1;
  if ((tokens[at] as string).length === 1) {
    for (let i = at - 1; i >= 0; i--) {
      if ((tokens[i] as string).length > 1) {
        at = i;
        break;
      }
    }
  }
  const surname = spellingKey(tokens[at] as string);
  const given = at === tokens.length - 1 ? tokens.slice(0, at) : [...tokens.slice(0, at), ...tokens.slice(at + 1)];
  return person(surname, given);
}

/**
 * Splits an author list as one string ("A. Blum, M. Furst, and R. Lipton",
 * "Blum, A., Furst, M. & Lipton, R.", "Vossen, Gottfried; Weske, Mathias")
 * into one name per entry. Commas both separate names and invert them; a
 * piece made only of initials, or a one-word piece after a one-word surname,
 * is taken as the given names of the piece before it.
 */
export function splitAuthorList(raw: string): string[] {
  const s = raw
    .replace(/\bet\.?\s*al\.?/gi, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.,;\s]+$/, '');
  if (s === '') return [];
  const out: string[] = [];
  for (const group of s.split(/\s*;\s*|\s+&\s+|,?\s+and\s+|,?\s+dan\s+/i)) {
    const pieces = group
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    const allSingle = pieces.length % 2 === 0 && pieces.every((p) => !p.includes(' ') && !/^[A-Za-z]\.?$/.test(p));
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i] as string;
      const next = pieces[i + 1];
      const nextIsGiven =
        next !== undefined && (isInitials(next) || (allSingle && i % 2 === 0)) && !isInitials(p) && !p.includes('. ');
      if (nextIsGiven && next !== undefined && p.split(' ').length <= 2) {
        out.push(`${p}, ${next}`);
        i++;
      } else {
        out.push(p);
      }
    }
  }
  return out.filter((n) => /\p{L}{2}/u.test(n));
}

function isInitials(p: string): boolean {
  const toks = p.split(/[\s-]+/).filter((t) => t !== '');
  if (toks.length === 0) return false;
  let dotted = false;
  for (const t of toks) {
    if (/^(?:\p{L}{1,2}\.)+$/u.test(t)) dotted = true;
    else if (!/^\p{L}$/u.test(t)) return false;
  }
  return dotted || p.length <= 2;
}

/*
 * Publisher legal forms and generic words that vary between records of the
 * same publisher: "PT Gramedia Pustaka Utama", "Penerbit Gramedia",
 * "Gramedia Pustaka Utama, PT". "Pustaka", "Press" and "Balai" carry meaning
 * ("Balai Pustaka", "UI Press") and are kept.
 */
const PUBLISHER_NOISE = new Set([
  'pt',
  'cv',
  'ud',
  'tbk',
  'persero',
  'penerbit',
  'diterbitkan',
  'oleh',
  'publisher',
  'publishers',
  'publishing',
  'pub',
  'inc',
  'ltd',
  'llc',
  'co',
  'company',
  'corp',
  'gmbh',
  'bv',
  'nv',
  'sa',
  'the',
  'and',
  'dan',
]);

/** Publisher key form: "PT. Gramedia Pustaka Utama" → "gramedia pustaka utama". */
export function normalizePublisher(raw: string): string {
  let s = raw;
  // "Jakarta : Gramedia" when place and publisher came in one field
  const colon = s.lastIndexOf(' : ');
  if (colon >= 0) s = s.slice(colon + 3);
  return keyText(s)
    .split(' ')
    .filter((t) => t !== '' && !PUBLISHER_NOISE.has(t))
    .join(' ');
}

export interface YearParse {
  year: number;
  /** "[1998?]", "199-", "ca. 1998", a Hijri-converted year: compare with tolerance. */
  approximate: boolean;
}

const THIS_YEAR_LIMIT = new Date().getFullYear() + 2;

/**
 * First plausible year of publication in a date field as catalogued:
 * "1998", "[1998?]", "c1998", "cop. 2001", "1998-2004" (first), "2001 [i.e.
 * 2002]" (first, as transcribed), "1420 H./1999 M." (the Masehi year), "1420
 * H." (converted from Hijri, approximate). "[199-]" gives no year.
 */
export function parseYear(raw: string | number | undefined): YearParse | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'number') {
    return Number.isInteger(raw) && raw >= 1400 && raw <= THIS_YEAR_LIMIT
      ? { year: raw, approximate: false }
      : undefined;
  }
  const s = raw.trim();
  const masehi = /(\d{4})\s*M\b\.?/.exec(s);
  if (masehi) return { year: Number(masehi[1]), approximate: false };
  const hijri = /(\d{4})\s*(?:H\b\.?|AH\b|Hijri)/i.exec(s);
  const re = /(?:^|[^\d])(\d{4})(?!\d)/g;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    const y = Number(m[1]);
    if (hijri && hijri[1] === m[1]) continue;
    if (y >= 1400 && y <= THIS_YEAR_LIMIT) {
      const approximate = /\?|ca\.|circa|sekitar|\bkl\.?/i.test(s);
      return { year: y, approximate };
    }
  }
  if (hijri) {
    const h = Number(hijri[1]);
    // Hijri years are 354/355 days: G ≈ H × 0.970229 + 621.5643, ±1 year
    const g = Math.round(h * 0.970229 + 621.5643);
    if (g >= 1400 && g <= THIS_YEAR_LIMIT) return { year: g, approximate: true };
  }
  return undefined;
}

export interface EditionParse {
  /** Edition number; undefined when the statement names none (or only a printing). */
  edition?: number;
  /** Printing (Indonesian "cetakan"): the same edition reprinted. */
  printing?: number;
  revised: boolean;
}

const ORDINALS: Record<string, number> = {
  pertama: 1,
  kesatu: 1,
  kedua: 2,
  ketiga: 3,
  keempat: 4,
  kelima: 5,
  keenam: 6,
  ketujuh: 7,
  kedelapan: 8,
  kesembilan: 9,
  kesepuluh: 10,
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
  eerste: 1,
  tweede: 2,
  derde: 3,
};

const PRINTING_WORDS = /^(?:cet|cetakan|ctk|printing|print|impression|impr|reprint|reprinted|druk)$/;
const EDITION_WORDS = /^(?:ed|edisi|edition|edn|eds|uitgave|aufl|auflage)$/;

function numberOf(tok: string | undefined): number | undefined {
  if (tok === undefined) return undefined;
  const t = tok.replace(/^ke/, '');
  if (/^\d{1,3}$/.test(t)) return Number(t);
  const ord = /^(\d{1,3})(?:st|nd|rd|th|e|de|ste)$/.exec(t);
  if (ord) return Number(ord[1]);
  if (ROMAN.test(tok)) return romanToInt(tok);
  return ORDINALS[tok];
}

/**
 * "Cet. 2" → printing 2; "Ed. ke-2", "2nd ed.", "Edisi kedua", "Edisi 2,
 * cet. 5" → edition 2; "Edisi revisi" → revised. An edition is a different
 * manifestation (new text, new ISBN in principle); a printing (cetakan) is
 * the same edition reprinted, usually with the same ISBN, so the matcher
 * treats records that differ only by printing as one manifestation.
 */
export function parseEdition(raw: string | undefined): EditionParse {
  const res: EditionParse = { revised: false };
  if (raw === undefined) return res;
  const words = foldText(raw).split(' ');
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    const isPrinting = PRINTING_WORDS.test(w);
    const isEdition = !isPrinting && EDITION_WORDS.test(w);
    if (w === 'revisi' || w === 'revised' || w === 'rev') res.revised = true;
    if (!isPrinting && !isEdition) continue;
    // the number may follow ("Cet. 2", "Edisi ke 2", "ed 3") or precede ("2nd ed.", "kedua edisi" is rare)
    let n = numberOf(words[i + 1]);
    if (n === undefined && words[i + 1] === 'ke') n = numberOf(words[i + 2]);
    if (n === undefined) n = numberOf(words[i - 1]);
    if (n === undefined) continue;
    if (isPrinting) res.printing ??= n;
    else res.edition ??= n;
  }
  // "Edisi pertama" alone, "first edition": edition 1
  return res;
}
