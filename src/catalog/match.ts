import { normalizeIssns, parseIsbn } from './isbn.ts';
import {
  keyText,
  normalizePublisher,
  type PersonName,
  parseEdition,
  parseName,
  parseYear,
  splitAuthorList,
  titleForms,
} from './normalize.ts';
import { similarity, withinOneEdit } from './similarity.ts';
import type { Bib, BibFormat } from './types.ts';

/**
 * The matcher: which records describe the same manifestation. Precision
 * first (a wrong merge sends an ILL request to a library that has a
 * different book; a missed merge only shows one more line in the results),
 * every verdict carries its reasons, and staff decisions override it (see
 * cluster.ts). Rules follow VuFind RecordManager where they fit; MATCHING.md
 * lists them with the thresholds and measured figures.
 */

/** Bump when a change to normalisation alters the title-derived keys: the store must re-key. */
export const MATCH_KEY_VERSION = 1;

export type Decision = 'match' | 'no-match' | 'uncertain';

export interface MatchVerdict {
  decision: Decision;
  /** 0..1, for ranking candidates; 0 for a rejection. */
  score: number;
  reasons: string[];
}

export interface MatchProfile {
  name: string;
  /** Minimum title similarity (1 - edit distance / length) without a shared identifier. */
  titleMin: number;
  /** Share of the shorter author list that must find a compatible name. */
  authorsMin: number;
  /** Years further apart than this reject the pair (approximate years get one more). */
  yearTolerance: number;
  /** A number ("jilid 2") on one title only: 'uncertain' in a catalogue, noise in citations. */
  oneSidedTitleNumbers: 'uncertain' | 'ignore';
  /** Both publishers present and unrelated. */
  publisherConflict: 'uncertain' | 'ignore';
  /** Titles this long (key form) may match on the title proper when one side lacks the subtitle. */
  mainTitleMinLength: number;
  /** Titles shorter than this (key form, with spaces) need `shortTitleMin`: one letter is a large share of them. */
  shortTitleLength: number;
  shortTitleMin: number;
}

/** Library records: the product setting. */
export const CATALOG_PROFILE: MatchProfile = {
  name: 'catalog',
  titleMin: 0.9,
  authorsMin: 0.8,
  yearTolerance: 0,
  oneSidedTitleNumbers: 'uncertain',
  publisherConflict: 'uncertain',
  mainTitleMinLength: 12,
  shortTitleLength: 24,
  shortTitleMin: 0.95,
};

export interface CompareOptions {
  /** Where each record came from (library or harvest source); equal sources never merge. */
  sourceA?: string | number;
  sourceB?: string | number;
  profile?: MatchProfile;
}

/** What compare() needs of a Bib, computed once per object. */
interface Prepared {
  main: string;
  full: string;
  bare: string;
  hasSubtitle: boolean;
  numbers: string[];
  keyHead: string;
  keyTail: string;
  keyWords: string;
  /** Author names as given (or split from the statement of responsibility). */
  authorStrings: string[];
  /** Parsed lazily: ingest keys every record but compares only those with candidates. */
  parsedNames: PersonName[] | undefined;
  year: number | undefined;
  yearApprox: boolean;
  edition: number | undefined;
  printing: number | undefined;
  revised: boolean;
  isbns: string[];
  badIsbns: string[];
  issns: string[];
  format: BibFormat;
  series: string | undefined;
  seriesNumber: string | undefined;
  publisher: string | undefined;
  pages: number | undefined;
  oclc: string[];
  doi: string[];
}

const cache = new WeakMap<Bib, Prepared>();

// Statement-of-responsibility words that are not names ("disusun oleh", "edited by").
const RESPONSIBILITY_NOISE =
  /\b(?:by|oleh|edited|editor|editors|ed|eds|disusun|penyusun|penulis|karya|translated|diterjemahkan|terjemahan|penerjemah|penyunting|disunting|with|dengan|kata pengantar|pengantar)\b\.?/gi;

function prepare(bib: Bib): Prepared {
  const hit = cache.get(bib);
  if (hit !== undefined) return hit;
  const t = titleForms(bib.title, bib.subtitle);
  let authorStrings = bib.authors;
  if (authorStrings.length === 0 && bib.responsibility) {
    authorStrings = splitAuthorList(bib.responsibility.replace(RESPONSIBILITY_NOISE, ' '));
  }
  const y = parseYear(bib.year);
  const ed = parseEdition(bib.edition);
  const isbns: string[] = [];
  const badIsbns: string[] = [];
  for (const raw of bib.isbns) {
    const p = parseIsbn(raw);
    if (p.isbn13 !== undefined) {
      if (!isbns.includes(p.isbn13)) isbns.push(p.isbn13);
    } else if (p.digits !== undefined) badIsbns.push(p.digits);
  }
  let series: string | undefined;
  let seriesNumber: string | undefined;
  if (bib.series) {
    // "Lecture notes in computer science ; 773", "Seri pustaka ; no. 12"
    const semi = bib.series.lastIndexOf(';');
    const name = semi >= 0 ? bib.series.slice(0, semi) : bib.series;
    if (semi >= 0) {
      const num = /\d+/.exec(bib.series.slice(semi));
      if (num) seriesNumber = String(Number(num[0]));
    }
    const k = keyText(name);
    if (k !== '') series = k;
  }
  const pub = bib.publisher ? normalizePublisher(bib.publisher) : '';
  const ids = bib.identifiers;
  const p: Prepared = {
    main: t.main,
    full: t.full,
    bare: t.bare,
    hasSubtitle: t.full.length > t.main.length,
    numbers: t.numbers,
    keyHead: titleHeadOf(t.main, t.bare),
    keyTail: titleTailOf(t.bare),
    keyWords: titleWordsOf(t.bare),
    authorStrings,
    parsedNames: undefined,
    year: y?.year,
    yearApprox: y?.approximate ?? false,
    edition: ed.edition,
    printing: ed.printing,
    revised: ed.revised,
    isbns,
    badIsbns,
    issns: normalizeIssns(bib.issns),
    format: bib.format,
    series,
    seriesNumber,
    publisher: pub === '' ? undefined : pub,
    pages: bib.pages !== undefined && bib.pages > 0 ? bib.pages : undefined,
    oclc: (ids?.oclc ?? []).map((o) => o.replace(/\D/g, '').replace(/^0+/, '')).filter((o) => o !== ''),
    doi: (ids?.doi ?? []).map((d) =>
      d
        .replace(/\s+/g, '') // a DOI holds no white space; a wrapped one in a record does
        .toLowerCase()
        .replace(/^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:)/, ''),
    ),
  };
  cache.set(bib, p);
  return p;
}

function namesOf(p: Prepared): PersonName[] {
  if (p.parsedNames !== undefined) return p.parsedNames;
  const names: PersonName[] = [];
  for (const a of p.authorStrings) {
    const n = parseName(a);
    if (n !== undefined) names.push(n);
  }
  p.parsedNames = names;
  return names;
}

function firstAuthor(p: Prepared): PersonName | undefined {
  if (p.parsedNames !== undefined) return p.parsedNames[0];
  for (const a of p.authorStrings) {
    const n = parseName(a);
    if (n !== undefined) return n;
  }
  return undefined;
}

const KEY_HEAD = 32;
const KEY_TAIL = 24;

/*
 * The title parts of keys: the title without spaces, its first 32 and its
 * last 24 characters. Two cuts so that one typo or one extra word ("MPEG-7
 * Standard for multimedia databases") leaves at least one key in common;
 * short enough that a long subtitle on one side still meets the head key.
 * The head uses the title proper when that is long enough, so a subtitle
 * present on one side only does not matter; a very short title proper
 * ("Aurora") takes its subtitle along, or the key would gather every "Aurora".
 */
function titleHeadOf(main: string, full: string): string {
  const m = main.replace(/ /g, '');
  const base = m.length >= 12 ? m : full.replace(/ /g, '');
  return base.slice(0, KEY_HEAD);
}

function titleTailOf(full: string): string {
  const f = full.replace(/ /g, '');
  return f.length > KEY_TAIL ? f.slice(f.length - KEY_TAIL) : '';
}

/*
 * The two longest words of the title, in alphabetical order: survives a typo
 * or a changed word anywhere else ("Efficient and tumble similar set
 * retrieval" / "Efficient and Tunable Similar Set Retrieval"). Long words are
 * the rarer ones, which keeps these blocks small. Only for titles of three
 * or more words; shorter ones are covered by the head key.
 */
function titleWordsOf(bare: string): string {
  const words = bare.split(' ').filter((w) => w.length >= 4);
  if (words.length < 3) return '';
  words.sort((x, y) => y.length - x.length || (x < y ? -1 : x > y ? 1 : 0));
  const [w1, w2] = words as [string, string];
  return w1 < w2 ? `${w1}+${w2}` : `${w2}+${w1}`;
}

function compactName(s: string): string {
  return s.replace(/ /g, '');
}

/**
 * Keys for candidate lookup, for an indexed text column: records that share
 * a key are compared. One key per identifier and up to three title keys:
 *
 *   i:<ISBN-13>             every valid ISBN, ISBN-10 converted
 *   s:<ISSN>                serials only (a series ISSN on a book would gather the whole series)
 *   o:<OCLC number>, d:<DOI>
 *   a:<title head>|<surname>  first 32 characters of the title + first author's surname
 *   y:<title head>|<year>     for records whose first authors differ or are missing
 *   z:<title tail>|<year>     last 24 characters + year, for a typo or extra word up front
 *   w:<word>+<word>|<year>    the two longest title words + year, for a typo in the middle
 *   t:<title head>            only when there is neither author nor year
 *
 * Keys are deliberately coarse; compare() decides.
 */
export function matchKeys(bib: Bib): string[] {
  const p = prepare(bib);
  const keys: string[] = [];
  for (const i of p.isbns) keys.push(`i:${i}`);
  if (p.format === 'serial') for (const s of p.issns) keys.push(`s:${s}`);
  for (const o of p.oclc) keys.push(`o:${o}`);
  for (const d of p.doi) keys.push(`d:${d}`);
  if (p.keyHead === '') return keys;
  const first = firstAuthor(p);
  if (first !== undefined) keys.push(`a:${p.keyHead}|${compactName(first.surname)}`);
  if (p.year !== undefined) {
    keys.push(`y:${p.keyHead}|${p.year}`);
    if (p.keyTail !== '') keys.push(`z:${p.keyTail}|${p.year}`);
    if (p.keyWords !== '') keys.push(`w:${p.keyWords}|${p.year}`);
  }
  if (first === undefined && p.year === undefined) keys.push(`t:${p.keyHead}`);
  return keys;
}

// --- name and list comparison -------------------------------------------------

function tokenMatch(a: string, b: string): boolean {
  if (a === b) return true;
  const n = Math.max(a.length, b.length);
  if (n < 5) return false;
  if (n < 10) return withinOneEdit(a, b);
  return similarity(a, b, 0.8) >= 0.8;
}

function surnameMatch(a: string, b: string): boolean {
  if (tokenMatch(a, b)) return true;
  const ca = compactName(a);
  const cb = compactName(b);
  if (ca !== a || cb !== b) {
    if (tokenMatch(ca, cb)) return true;
    // "van der berg" / "berg", "cesa bianchi" / "bianchi"
    const la = a.slice(a.lastIndexOf(' ') + 1);
    const lb = b.slice(b.lastIndexOf(' ') + 1);
    return la.length > 2 && la === lb;
  }
  return false;
}

function initialsAgree(a: PersonName, b: PersonName): boolean {
  if (a.given.length === 0 || b.given.length === 0) return true;
  for (const x of a.given) for (const y of b.given) if (x.charCodeAt(0) === y.charCodeAt(0)) return true;
  for (let i = 0; i < a.initials.length; i++) if (b.initials.includes(a.initials[i] as string)) return true;
  return false;
}

function sharesFullGiven(a: string[], b: string[]): boolean {
  for (const x of a) if (x.length > 2 && b.includes(x)) return true;
  return false;
}

function hasToken(list: string[], t: string): boolean {
  for (const x of list) if (x.length > 1 && tokenMatch(x, t)) return true;
  return false;
}

/**
 * Same person, allowing for inversion, initials, a dropped middle name and
 * name order differences ("Kwee Tek Hoay" / "Kwee, Tek Hoay").
 */
export function namesCompatible(a: PersonName, b: PersonName): boolean {
  if (surnameMatch(a.surname, b.surname)) return initialsAgree(a, b);
  // a slip in a short surname ("Adi"/"Adii", "Yoo"/"Yeo") when a full given name agrees
  if (withinOneEdit(a.surname, b.surname) && sharesFullGiven(a.given, b.given)) return true;
  // the entry element chosen differently: "Kwee Tek Hoay" / "Kwee, Tek Hoay", "Berzal, Fernando" / "Fernando Berzal Galiano"
  if (hasToken(b.given, a.surname)) return hasToken(a.given, b.surname) || sharesFullGiven(a.given, b.given);
  if (hasToken(a.given, b.surname)) return sharesFullGiven(a.given, b.given);
  return false;
}

/**
 * Enough names agree: the profile's share of the shorter list, but one
 * stray name is forgiven in lists of three or more (a misspelt co-author,
 * "Z. Zhang" for "Xin Zhang"), which a share of 80% would not allow below
 * five names.
 */
function authorsAgree(overlap: number, a: PersonName[], b: PersonName[], min: number): boolean {
  const n = Math.min(a.length, b.length);
  const misses = Math.round((1 - overlap) * n);
  return overlap >= min || (n >= 3 && misses <= 1);
}

/** Share of the shorter list whose names find a distinct compatible name in the longer one. */
function authorOverlap(a: PersonName[], b: PersonName[]): number {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  let used = 0; // bitmask over the first 31 names of the longer list
  let matched = 0;
  for (const x of short) {
    for (let j = 0; j < long.length; j++) {
      const bit = j < 31 ? 1 << j : 0;
      if (bit !== 0 && (used & bit) !== 0) continue;
      if (namesCompatible(x, long[j] as PersonName)) {
        used |= bit;
        matched++;
        break;
      }
    }
  }
  return matched / short.length;
}

const STOP = new Set(['the', 'of', 'on', 'and', 'in', 'for', 'dan', 'di', 'untuk', 'tentang', 'a', 'an', 'de', 'van']);

function significant(k: string): string[] {
  return k.split(' ').filter((t) => t !== '' && !STOP.has(t));
}

/**
 * Abbreviation-aware name equality for series and publishers: "acm trans
 * database syst" / "acm transactions on database systems", "vldb j" / "the
 * vldb journal", "ui press" / "universitas indonesia press", "gramedia" /
 * "gramedia pustaka utama".
 */
export function namesAbbreviationCompatible(a: string, b: string): boolean {
  if (a === b) return true;
  if (compactName(a) === compactName(b)) return true;
  const ta = significant(a);
  const tb = significant(b);
  if (ta.length === 0 || tb.length === 0) return false;
  const [short, long] = ta.length <= tb.length ? [ta, tb] : [tb, ta];
  // every word of the shorter is a word, prefix or acronym of consecutive words of the longer, in order
  let j = 0;
  for (const w of short) {
    let found = false;
    while (j < long.length) {
      const l = long[j] as string;
      j++;
      if (l === w || (w.length >= 1 && l.startsWith(w) && (w.length >= 3 || short.length > 1))) {
        found = true;
        break;
      }
      if (w.length >= 2 && w.length <= 6 && acronymAt(long, j - 1, w)) {
        j += w.length - 1;
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

function acronymAt(words: string[], at: number, acronym: string): boolean {
  if (at + acronym.length > words.length) return false;
  for (let i = 0; i < acronym.length; i++) {
    if ((words[at + i] as string).charCodeAt(0) !== acronym.charCodeAt(i)) return false;
  }
  return true;
}

// --- the scorer ---------------------------------------------------------------

/*
 * Word pairs one edit apart that name different books, common in Indonesian
 * textbook titles ("Ekonomi mikro" / "Ekonomi makro"): an edit distance
 * cannot tell them from a typo. Key forms (after the spelling fold).
 */
const CONTRASTS: Array<[string, string]> = [
  ['mikro', 'makro'],
  ['micro', 'macro'],
  ['organik', 'anorganik'],
  ['organic', 'inorganic'],
  ['dasar', 'lanyut'],
  ['dasar', 'lanyutan'],
  ['basic', 'advanced'],
  ['teori', 'praktik'],
  ['theory', 'practice'],
];

function hasWord(text: string, w: string): boolean {
  return ` ${text} `.includes(` ${w} `);
}

function contrastingWords(a: string, b: string): string | undefined {
  for (const [x, y] of CONTRASTS) {
    const ax = hasWord(a, x);
    const bx = hasWord(b, x);
    const ay = hasWord(a, y);
    const by = hasWord(b, y);
    if ((ax && !ay && by && !bx) || (ay && !ax && bx && !by)) return `"${x}" vs "${y}"`;
  }
  return undefined;
}

function reject(reasons: string[], why: string): MatchVerdict {
  reasons.push(`${why} -> rejected`);
  return { decision: 'no-match', score: 0, reasons };
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
const TITLE_FLOOR = 0.7;

function firstShared(a: string[], b: string[]): string | undefined {
  for (const x of a) if (b.includes(x)) return x;
  return undefined;
}

function sameNumbers(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const sa = [...a].sort();
  const sb = [...b].sort();
  for (let i = 0; i < sa.length; i++) if (sa[i] !== sb[i]) return false;
  return true;
}

interface RuleContext {
  sharedIsbn: string | undefined;
  sharedId: string | undefined;
  editionGap: boolean;
  uncertain: boolean;
  /** Set when a rule rejects the pair. */
  rejected: string | undefined;
}

/*
 * applyRules and mayMatch run ~8 times per record ingested (once per candidate), so they define no functions
 * inside: under tsx (esbuild's keepNames) every closure created is also named by a call (__name), which showed
 * in the ingest profile.
 */
function rejectWith(ctx: RuleContext, why: string): RuleContext {
  ctx.rejected = why;
  return ctx;
}

function editionStated(p: Prepared): boolean {
  return p.edition !== undefined || p.revised;
}

/**
 * The rejection rules (VuFind's, plus editions and volume numbers), and the
 * facts the scorer needs from them. Shared by compare() and by clustering,
 * which refuses to join two clusters when any two of their members conflict.
 */
function applyRules(pa: Prepared, pb: Prepared, profile: MatchProfile, reasons: string[] | null): RuleContext {
  const ctx: RuleContext = {
    sharedIsbn: undefined,
    sharedId: undefined,
    editionGap: false,
    uncertain: false,
    rejected: undefined,
  };
  if (pa.format !== pb.format) return rejectWith(ctx, `formats differ: ${pa.format} vs ${pb.format}`);

  if (pa.issns.length > 0 && pb.issns.length > 0 && firstShared(pa.issns, pb.issns) === undefined) {
    return rejectWith(ctx, `ISSNs differ: ${pa.issns.join(', ')} vs ${pb.issns.join(', ')}`);
  }
  if (pa.doi.length > 0 && pb.doi.length > 0 && firstShared(pa.doi, pb.doi) === undefined) {
    return rejectWith(ctx, `DOIs differ: ${pa.doi[0]} vs ${pb.doi[0]}`);
  }

  // Editions before identifiers: Indonesian publishers reuse an ISBN for a new edition.
  if (pa.edition !== undefined && pb.edition !== undefined && pa.edition !== pb.edition) {
    return rejectWith(ctx, `editions differ: ${pa.edition} vs ${pb.edition}`);
  }
  if (editionStated(pa) && editionStated(pb) && pa.revised !== pb.revised) {
    return rejectWith(ctx, 'one edition is revised, the other not');
  }
  ctx.editionGap =
    (pa.edition !== undefined && pa.edition > 1 && !editionStated(pb)) ||
    (pb.edition !== undefined && pb.edition > 1 && !editionStated(pa)) ||
    (pa.revised && !editionStated(pb)) ||
    (pb.revised && !editionStated(pa));

  const sharedIsbn = firstShared(pa.isbns, pb.isbns);
  ctx.sharedIsbn = sharedIsbn;
  const sharedOclc = firstShared(pa.oclc, pb.oclc);
  const sharedDoi = firstShared(pa.doi, pb.doi);
  ctx.sharedId =
    sharedIsbn !== undefined
      ? `same ISBN ${sharedIsbn}`
      : sharedOclc !== undefined
        ? `same OCLC number ${sharedOclc}`
        : sharedDoi !== undefined
          ? `same DOI ${sharedDoi}`
          : undefined;
  if (ctx.sharedId !== undefined) reasons?.push(ctx.sharedId);
  if (sharedIsbn === undefined && pa.isbns.length > 0 && pb.isbns.length > 0) {
    return rejectWith(ctx, `ISBNs differ: ${pa.isbns[0]} vs ${pb.isbns[0]}`);
  }

  if (pa.year !== undefined && pb.year !== undefined) {
    const tol = profile.yearTolerance + (pa.yearApprox || pb.yearApprox ? 1 : 0);
    const diff = Math.abs(pa.year - pb.year);
    if (diff > tol) {
      const printing = pa.printing !== undefined || pb.printing !== undefined;
      if (sharedIsbn !== undefined && printing && !ctx.editionGap) {
        reasons?.push(`years differ: ${pa.year} vs ${pb.year}, printings (cetakan) of one edition`);
      } else if (sharedIsbn !== undefined) {
        reasons?.push(`years differ: ${pa.year} vs ${pb.year} despite the same ISBN: reprint or new edition?`);
        ctx.uncertain = true;
      } else {
        return rejectWith(ctx, `years differ: ${pa.year} vs ${pb.year}`);
      }
    } else if (diff > 0) {
      reasons?.push(`years close: ${pa.year} vs ${pb.year}`);
    } else {
      reasons?.push(`same year ${pa.year}`);
    }
  }

  if (pa.pages !== undefined && pb.pages !== undefined && Math.abs(pa.pages - pb.pages) > 10) {
    return rejectWith(ctx, `page counts differ: ${pa.pages} vs ${pb.pages}`);
  }
  if (pa.seriesNumber !== undefined && pb.seriesNumber !== undefined && pa.seriesNumber !== pb.seriesNumber) {
    return rejectWith(ctx, `series numbers differ: ${pa.seriesNumber} vs ${pb.seriesNumber}`);
  }
  if (pa.numbers.length > 0 && pb.numbers.length > 0 && !sameNumbers(pa.numbers, pb.numbers)) {
    return rejectWith(ctx, `numbers in titles differ: ${pa.numbers.join(' ')} vs ${pb.numbers.join(' ')}`);
  }
  if (pa.numbers.length + pb.numbers.length > 0 && (pa.numbers.length === 0 || pb.numbers.length === 0)) {
    if (profile.oneSidedTitleNumbers === 'uncertain') {
      reasons?.push(`only one title carries a number (${[...pa.numbers, ...pb.numbers].join(' ')}): volume or part?`);
      ctx.uncertain = true;
    }
  }

  return ctx;
}

/**
 * Why two records cannot be the same manifestation (years, editions,
 * formats, identifiers, page counts, volume numbers), or undefined. Used to
 * keep a cluster consistent: a link is not applied when it would bring
 * together two members that conflict, as a record without a year could
 * otherwise chain a 1989 and a 1994 record into one cluster.
 */
export function conflict(a: Bib, b: Bib, profile: MatchProfile = CATALOG_PROFILE): string | undefined {
  return applyRules(prepare(a), prepare(b), profile, null).rejected;
}

/**
 * Do two records describe the same manifestation? Rejections come first and
 * are final; then a shared identifier or title + authors (+ year) must carry
 * the match; anything short of that but close is 'uncertain', which the
 * store does not merge and staff can review.
 */
export function compare(a: Bib, b: Bib, opts: CompareOptions = {}): MatchVerdict {
  const profile = opts.profile ?? CATALOG_PROFILE;
  const reasons: string[] = [];
  if (opts.sourceA !== undefined && opts.sourceA === opts.sourceB) {
    return reject(reasons, `same source ${String(opts.sourceA)}: one source never merges its own records`);
  }
  const pa = prepare(a);
  const pb = prepare(b);

  const ctx = applyRules(pa, pb, profile, reasons);
  if (ctx.rejected !== undefined) return reject(reasons, ctx.rejected);
  const { sharedId, editionGap, uncertain } = ctx;

  // Title: the whole title, or the title proper when one side lacks the subtitle.
  // below 70% nothing is decided by how far below, and the banded distance can stop early
  let ts = similarity(pa.full, pb.full, TITLE_FLOOR);
  let titleNote = '';
  if (ts < 1 && (pa.bare !== pa.full || pb.bare !== pb.full)) {
    const bs = similarity(pa.bare, pb.bare, TITLE_FLOOR);
    if (bs > ts) {
      ts = bs;
      titleNote = ' (without parenthetical remarks)';
    }
  }
  if (ts < 1 && (!pa.hasSubtitle || !pb.hasSubtitle)) {
    const mainA = pa.hasSubtitle ? pa.main : pa.full;
    const mainB = pb.hasSubtitle ? pb.main : pb.full;
    if (Math.min(mainA.length, mainB.length) >= profile.mainTitleMinLength) {
      const ms = similarity(mainA, mainB, TITLE_FLOOR);
      if (ms > ts) {
        ts = ms;
        titleNote = ' (title proper; subtitle on one side only)';
      }
    }
  }
  reasons.push(
    ts === 1 && titleNote === ''
      ? 'same title'
      : ts === 0
        ? `titles less than ${pct(TITLE_FLOOR)} similar`
        : `titles ${pct(ts)} similar${titleNote}`,
  );
  if (ts < 1 && ts >= 0.75) {
    const contrast = contrastingWords(pa.full, pb.full);
    if (contrast !== undefined) return reject(reasons, `titles differ in ${contrast}`);
  }

  let as: number | undefined;
  const na = namesOf(pa);
  const nb = namesOf(pb);
  if (na.length > 0 && nb.length > 0) {
    as = authorOverlap(na, nb);
    reasons.push(as === 1 ? 'authors agree' : `authors ${pct(as)} agree`);
  } else if (na.length + nb.length > 0) {
    reasons.push('authors on one side only');
  }

  let seriesOk: boolean | undefined;
  if (pa.series !== undefined && pb.series !== undefined) {
    seriesOk = namesAbbreviationCompatible(pa.series, pb.series) || similarity(pa.series, pb.series, 0.8) >= 0.85;
    // Not decisive: one library transcribes the series (490), another gives the authorised form (830).
    reasons.push(seriesOk ? 'series agree' : `series differ: "${pa.series}" vs "${pb.series}" (not decisive)`);
  }
  let publisherOk: boolean | undefined;
  if (pa.publisher !== undefined && pb.publisher !== undefined) {
    publisherOk =
      namesAbbreviationCompatible(pa.publisher, pb.publisher) || similarity(pa.publisher, pb.publisher, 0.8) >= 0.8;
    if (!publisherOk) reasons.push(`publishers differ: "${pa.publisher}" vs "${pb.publisher}"`);
  }

  const score = Math.min(
    1,
    0.5 * ts +
      0.25 * (as ?? 0.5) +
      0.1 * (pa.year !== undefined && pa.year === pb.year ? 1 : 0.5) +
      0.1 * (sharedId !== undefined ? 1 : 0) +
      0.05 * (seriesOk === false || publisherOk === false ? 0 : 1),
  );
  const verdict = (decision: Decision): MatchVerdict => ({ decision, score: Math.round(score * 1000) / 1000, reasons });

  if (sharedId !== undefined) {
    // A shared identifier still needs the same work: ISBNs get reused, and mistyped.
    if (ts < 0.5) return reject(reasons, 'titles differ despite the shared identifier');
    if (as !== undefined && as < 0.5) {
      reasons.push('authors disagree despite the shared identifier');
      return verdict('uncertain');
    }
    if (ts < 0.8) {
      reasons.push('titles too far apart to trust the identifier alone');
      return verdict('uncertain');
    }
    if (editionGap) {
      // A reused ISBN shows as a new year; same ISBN and same year is one book with the statement left out.
      if (pa.year === undefined || pa.year !== pb.year) {
        reasons.push('an edition statement on one side only');
        return verdict('uncertain');
      }
      reasons.push('edition stated on one side only, same ISBN and year');
    }
    return verdict(uncertain ? 'uncertain' : 'match');
  }

  if (ts < profile.titleMin) {
    if (ts < 0.75) return reject(reasons, 'titles differ');
    return verdict('no-match');
  }
  if (ts < profile.shortTitleMin && Math.min(pa.full.length, pb.full.length) < profile.shortTitleLength) {
    reasons.push('short titles that differ: a typo or another book?');
    return verdict('uncertain');
  }
  if (as !== undefined && !authorsAgree(as, na, nb, profile.authorsMin)) {
    if (as < 0.5) return reject(reasons, 'authors differ');
    return verdict('uncertain');
  }
  if (as === undefined) {
    // Without authors on both sides the title must carry it, with year and publisher agreeing.
    const bothYears = pa.year !== undefined && pb.year !== undefined;
    if (na.length + nb.length > 0 || ts < 0.95 || !bothYears || publisherOk === false) {
      reasons.push('too little evidence without authors on both sides');
      return verdict('uncertain');
    }
  }
  if (editionGap) {
    reasons.push('an edition statement on one side only');
    return verdict('uncertain');
  }
  if (publisherOk === false && profile.publisherConflict === 'uncertain') return verdict('uncertain');
  if (pa.year === undefined || pb.year === undefined) {
    if (pa.year !== pb.year) reasons.push('year on one side only');
    if (ts < 0.95 || (as ?? 0) < 1) return verdict('uncertain');
  }
  return verdict(uncertain ? 'uncertain' : 'match');
}

/** Titles at least `need` similar; of lengths that cannot be (distance >= length difference), not compared. */
function titlesClose(x: string, y: string, floor: number, need: number): boolean {
  return Math.min(x.length, y.length) / Math.max(x.length, y.length, 1) >= floor && similarity(x, y, floor) >= need;
}

/**
 * False when compare() cannot answer 'match' (it may still say 'uncertain'
 * or 'no-match'): a rule rejects the pair or makes it uncertain, or the
 * titles are further apart than any match allows (80% with a shared
 * identifier, the profile's titleMin without). The title test runs the banded
 * distance with that higher floor, which gives up sooner, and builds no
 * reasons. The store calls it before compare(), which only it decides from.
 */
export function mayMatch(a: Bib, b: Bib, profile: MatchProfile = CATALOG_PROFILE): boolean {
  const pa = prepare(a);
  const pb = prepare(b);
  const ctx = applyRules(pa, pb, profile, null);
  if (ctx.rejected !== undefined || ctx.uncertain) return false;
  const need = ctx.sharedId !== undefined ? 0.8 : profile.titleMin;
  if (pa.full === pb.full) return true;
  // A hair below `need` so that rounding in the band width never cuts off a pair compare() would accept.
  const floor = need - 1e-9;
  if (titlesClose(pa.full, pb.full, floor, need)) return true;
  if ((pa.bare !== pa.full || pb.bare !== pb.full) && titlesClose(pa.bare, pb.bare, floor, need)) return true;
  if (!pa.hasSubtitle || !pb.hasSubtitle) {
    const mainA = pa.hasSubtitle ? pa.main : pa.full;
    const mainB = pb.hasSubtitle ? pb.main : pb.full;
    if (Math.min(mainA.length, mainB.length) >= profile.mainTitleMinLength && titlesClose(mainA, mainB, floor, need))
      return true;
  }
  return false;
}

/** Bump when what prepare() computes changes: stored match forms of another version are not used. */
export const MATCH_FORM_VERSION = 1;

/** What compare() and conflict() need of a record, as JSON: stored beside the record so candidates skip the full bib. */
export interface MatchForm {
  v: number;
  p: Omit<Prepared, 'keyHead' | 'keyTail' | 'keyWords'>;
}

export function matchForm(bib: Bib): MatchForm {
  const { keyHead: _h, keyTail: _t, keyWords: _w, ...p } = prepare(bib);
  p.parsedNames = namesOf(prepare(bib));
  return { v: MATCH_FORM_VERSION, p };
}

/**
 * A stand-in record for compare(), mayMatch() and conflict() built from a
 * stored match form, or undefined when the form is missing or of another
 * version (the caller then uses the full bib). Only those three read it.
 */
export function fromMatchForm(form: unknown): Bib | undefined {
  const f = form as MatchForm | null | undefined;
  if (!f || typeof f !== 'object' || f.v !== MATCH_FORM_VERSION || !f.p) return undefined;
  const stub = {
    title: f.p.full,
    authors: [],
    isbns: [],
    issns: [],
    subjects: [],
    items: [],
    format: f.p.format,
  } as Bib;
  cache.set(stub, { keyHead: '', keyTail: '', keyWords: '', ...f.p });
  return stub;
}

/** The shape ingest.ts injects (keys + compare), with the product profile. */
export const catalogMatcher = {
  keys: matchKeys,
  compare: (a: Bib, b: Bib): MatchVerdict => compare(a, b),
  conflict: (a: Bib, b: Bib): string | undefined => conflict(a, b),
  mayMatch: (a: Bib, b: Bib): boolean => mayMatch(a, b),
  form: matchForm,
  fromForm: fromMatchForm,
  formVersion: MATCH_FORM_VERSION,
};
