import {
  type Bib,
  type BibFormat,
  type ItemInput,
  type ItemStatus,
  isControlField,
  type MarcDataField,
  type MarcRecord,
} from '../types.ts';

/**
 * MARC 21 bibliographic record -> Bib, plus the items in its holdings fields
 * (852 as MARC 21 defines it, 952 as Koha and SLiMS export it). Values are
 * kept as written, minus the ISBD punctuation that MARC puts at the end of
 * subfields to join them for display (" /", " :", " ;", ",", ".").
 */

/** A record's fields by tag, built once per record (the mapping asks for some twenty tags). */
interface Indexed {
  record: MarcRecord;
  byTag: Map<string, MarcDataField[]>;
  controls: Map<string, string>;
}

const NONE: MarcDataField[] = [];

function indexFields(record: MarcRecord): Indexed {
  const byTag = new Map<string, MarcDataField[]>();
  const controls = new Map<string, string>();
  for (const f of record.fields) {
    if (isControlField(f)) {
      if (!controls.has(f.tag)) controls.set(f.tag, f.value);
      continue;
    }
    const list = byTag.get(f.tag);
    if (list) list.push(f);
    else byTag.set(f.tag, [f]);
  }
  return { record, byTag, controls };
}

/** Data fields with this tag, or (a predicate) with any of several tags in record order. */
function dataFields(r: Indexed, tag: string | ((t: string) => boolean)): MarcDataField[] {
  if (typeof tag === 'string') return r.byTag.get(tag) ?? NONE;
  return r.record.fields.filter((f): f is MarcDataField => !isControlField(f) && tag(f.tag));
}

function control(r: Indexed, tag: string): string | undefined {
  return r.controls.get(tag);
}

function sub(f: MarcDataField | undefined, code: string): string | undefined {
  const v = f?.subfields.find((s) => s.code === code)?.value;
  return v === undefined ? undefined : clean(v) || undefined;
}

function subs(f: MarcDataField, codes: string): string[] {
  const out: string[] = [];
  for (const s of f.subfields) {
    if (!codes.includes(s.code)) continue;
    const v = clean(s.value);
    if (v !== '') out.push(v);
  }
  return out;
}

/**
 * Strips what MARC adds for display: trailing ISBD punctuation, and the
 * MARC-8 non-sort markers (U+0098/U+009C) that converters carry into Unicode.
 * A final period goes unless it ends an initial or an abbreviation-like "Jr.", or an ellipsis.
 */
export function clean(v: string): string {
  let s = isTidy(v)
    ? v
    : v
        .replace(/[\u0098\u009c]/g, '')
        .replace(/\s+/g, ' ')
        .trim();
  s = stripTrailingPunctuation(s);
  if (
    s.endsWith('.') &&
    !s.endsWith('..') &&
    !/(^|[\s.])\p{Lu}\.$/u.test(s) &&
    !/\b(Jr|Sr|Inc|Co|Ltd|etc|ed|eds|cet|dkk)\.$/i.test(s)
  ) {
    s = s.slice(0, -1).trimEnd();
    return stripTrailingPunctuation(s);
  }
  return s;
}

/** Whether a value has no non-sort marker and no whitespace but single inner spaces (most do: nothing to replace). */
function isTidy(v: string): boolean {
  let prevSpace = true; // a leading space is not tidy
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 0x20) {
      if (prevSpace) return false;
      prevSpace = true;
      continue;
    }
    prevSpace = false;
    if (c < 0x20 || (c >= 0x80 && (c === 0x98 || c === 0x9c || isUnicodeSpace(c)))) return false;
  }
  return !prevSpace || v.length === 0;
}

/** What \s matches beyond ASCII. */
function isUnicodeSpace(c: number): boolean {
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

function isIsbdEnd(c: number): boolean {
  // / : ; , = +
  return c === 0x2f || c === 0x3a || c === 0x3b || c === 0x2c || c === 0x3d || c === 0x2b;
}

function isSpaceCode(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x80 && isUnicodeSpace(c));
}

/** s.replace(/(\s*[/:;,=+])+$/, '').trim(), without the regex's scan from every position. */
function stripTrailingPunctuation(s: string): string {
  let end = s.length;
  if (end === 0 || !isIsbdEnd(s.charCodeAt(end - 1))) return s.trim();
  while (end > 0 && isIsbdEnd(s.charCodeAt(end - 1))) {
    end--;
    while (end > 0 && isSpaceCode(s.charCodeAt(end - 1))) end--;
  }
  return s.slice(0, end).trim();
}

/** "[Jakarta]" -> "Jakarta": cataloguers' brackets for supplied information. */
function unbracket(v: string): string {
  const s = clean(v);
  return /^\[[^\]]*\]$/.test(s) ? s.slice(1, -1).trim() : s.replace(/^\[|\]$/g, '');
}

function formatOf(leader: string, f008: string | undefined, r: Indexed): BibFormat {
  const type = leader[6] ?? ' ';
  const level = leader[7] ?? ' ';
  switch (type) {
    case 'a':
    case 't': {
      if (type === 't' && level !== 's') return 'manuscript';
      if (level === 's' || level === 'i') return 'serial';
      if (level === 'a' || level === 'b') return 'article';
      // 008/24-27 nature of contents 'm' = thesis; 502 is the dissertation note.
      if (dataFields(r, '502').length > 0 || (f008?.slice(24, 28).includes('m') ?? false)) return 'thesis';
      const form = f008?.[23];
      if (form === 'o' || form === 'q' || form === 's') return 'electronic';
      return 'book';
    }
    case 'c':
    case 'd':
      return 'music';
    case 'e':
    case 'f':
      return 'map';
    case 'g':
      return 'video';
    case 'i':
    case 'j':
      return 'audio';
    case 'm':
      return 'electronic';
    case 'k':
    case 'o':
    case 'p':
    case 'r':
      return 'other';
    default:
      return 'other';
  }
}

function yearOf(f008: string | undefined, dates: string[]): number | undefined {
  const d1 = f008?.slice(7, 11);
  if (d1 && /^\d{4}$/.test(d1) && d1 !== '0000' && d1 !== '9999') return Number(d1);
  for (const d of dates) {
    const m = /(1[5-9]\d\d|20\d\d)/.exec(d);
    if (m?.[1]) return Number(m[1]);
  }
  return undefined;
}

function pagesOf(extent: string | undefined): number | undefined {
  if (!extent) return undefined;
  let best: number | undefined;
  for (const m of extent.matchAll(/(\d+)\s*(?:p\b|pp\b|pages?\b|hlm\b|halaman\b|h\.|leaves\b|lembar\b|s\.|str\b)/gi)) {
    const n = Number(m[1]);
    if (best === undefined || n > best) best = n;
  }
  return best;
}

function nameOf(f: MarcDataField): string | undefined {
  // Personal names: $a with numeration/titles ($b $c); corporate and meeting names: $a with subordinate units.
  const parts = f.tag.endsWith('00') ? subs(f, 'abc') : subs(f, f.tag.endsWith('10') ? 'ab' : 'aeq');
  const joined = parts.join(f.tag.endsWith('00') ? ' ' : '. ');
  return joined ? clean(joined) : undefined;
}

function addId(ids: Record<string, string[]>, kind: string, v: string | undefined): void {
  if (!v) return;
  const list = ids[kind] ?? [];
  ids[kind] = list;
  if (!list.includes(v)) list.push(v);
}

function isbnOf(v: string): string | undefined {
  // "9786020332956 (pbk.)", "979-602-...: Rp 50.000" -> the number as written.
  const m = /[0-9][0-9\- ]{8,16}[0-9Xx]/.exec(v);
  return m ? m[0].replace(/\s+/g, '') : undefined;
}

const nonZero = (v: string | undefined): boolean => v !== undefined && v.trim() !== '' && v.trim() !== '0';

/** The first subfield of this code, trimmed; undefined when absent or blank. */
function subfieldValue(f: MarcDataField, code: string): string | undefined {
  return f.subfields.find((s) => s.code === code)?.value.trim() || undefined;
}

/** Items in Koha/SLiMS 952 fields. */
function kohaItems(r: Indexed): ItemInput[] {
  return dataFields(r, '952').map((f) => {
    const lost = nonZero(subfieldValue(f, '1'));
    const withdrawn = nonZero(subfieldValue(f, '0'));
    const notForLoan = nonZero(subfieldValue(f, '7'));
    const due = subfieldValue(f, 'q');
    let status: ItemStatus = 'available';
    if (withdrawn) status = 'withdrawn';
    else if (lost) status = 'lost';
    else if (due) status = 'on_loan';
    else if (notForLoan) status = 'reference_only';
    const notes: string[] = [];
    const type = subfieldValue(f, 'y');
    if (type) notes.push(`item type ${type}`);
    if (nonZero(subfieldValue(f, '4'))) notes.push('damaged');
    if (due) notes.push(`due ${due}`);
    const publicNote = subfieldValue(f, 'z');
    if (publicNote) notes.push(publicNote);
    const location = [subfieldValue(f, 'a'), subfieldValue(f, 'c')].filter((x): x is string => !!x).join(' / ');
    const item: ItemInput = { status, loanable: !notForLoan && !lost && !withdrawn };
    const barcode = subfieldValue(f, 'p');
    if (barcode) item.barcode = barcode;
    const call = subfieldValue(f, 'o');
    if (call) item.callNumber = call;
    if (location) item.location = location;
    if (notes.length) item.note = notes.join('; ');
    return item;
  });
}

/** The subfields of these codes, trimmed, joined by spaces; undefined when none has a value. */
function subfieldValues(f: MarcDataField, codes: string): string | undefined {
  return (
    f.subfields
      .filter((s) => codes.includes(s.code))
      .map((s) => s.value.trim())
      .filter((v) => v)
      .join(' ') || undefined
  );
}

/** Items in MARC 21 852 location fields. */
function holdingsItems(r: Indexed): ItemInput[] {
  return dataFields(r, '852').map((f) => {
    const item: ItemInput = { status: 'available', loanable: true };
    const barcode = subfieldValues(f, 'p');
    if (barcode) item.barcode = barcode;
    const call = subfieldValues(f, 'hijk');
    if (call) item.callNumber = call;
    const location = [subfieldValues(f, 'a'), subfieldValues(f, 'b'), subfieldValues(f, 'c')]
      .filter((x): x is string => !!x)
      .join(' / ');
    if (location) item.location = location;
    const note = subfieldValues(f, 'z');
    if (note) item.note = note;
    return item;
  });
}

const NAME_TAGS = new Set(['100', '110', '111', '700', '710', '711']);

export function marcToBib(marc: MarcRecord): Bib {
  const record = indexFields(marc);
  const leader = marc.leader.padEnd(24, ' ');
  const f008 = control(record, '008');
  const f245 = dataFields(record, '245')[0];

  let title = '';
  if (f245) {
    // $n/$p (part number/name) belong to the title proper.
    title = clean(subs(f245, 'anp').join(' '));
  }
  if (!title) {
    const alt = dataFields(record, (t) => t === '130' || t === '240' || t === '246')[0];
    title = alt ? clean(subs(alt, 'a').join(' ')) : '';
  }

  const bib: Bib = {
    title,
    authors: [],
    isbns: [],
    issns: [],
    format: formatOf(leader, f008, record),
    subjects: [],
    items: [...holdingsItems(record), ...kohaItems(record)],
  };
  const id = control(record, '001')?.trim();
  if (id) bib.sourceId = id;
  const subtitle = sub(f245, 'b');
  if (subtitle) bib.subtitle = subtitle;
  const resp = sub(f245, 'c');
  if (resp) bib.responsibility = resp;

  for (const f of dataFields(record, (t) => NAME_TAGS.has(t))) {
    const n = nameOf(f);
    if (n && !bib.authors.includes(n)) bib.authors.push(n);
  }

  // 264 second indicator 1 is publication (others: production, distribution, manufacture, copyright).
  const pub =
    dataFields(record, '264').find((f) => f.ind2 === '1') ??
    dataFields(record, '260')[0] ??
    dataFields(record, '264')[0];
  if (pub) {
    const place = sub(pub, 'a');
    if (place) bib.place = unbracket(place);
    const publisher = sub(pub, 'b');
    if (publisher) bib.publisher = unbracket(publisher);
  }
  const year = yearOf(f008, pub ? subs(pub, 'c') : []);
  if (year !== undefined) bib.year = year;

  const edition = sub(dataFields(record, '250')[0], 'a');
  if (edition) bib.edition = edition;

  for (const f of dataFields(record, '020')) {
    for (const s of f.subfields) {
      if (s.code !== 'a') continue;
      const isbn = isbnOf(s.value);
      if (isbn && !bib.isbns.includes(isbn)) bib.isbns.push(isbn);
    }
  }
  for (const f of dataFields(record, '022')) {
    const m = /\d{4}-?\d{3}[\dXx]/.exec(f.subfields.find((s) => s.code === 'a')?.value ?? '');
    if (m && !bib.issns.includes(m[0])) bib.issns.push(m[0]);
  }

  const lang = f008?.slice(35, 38).toLowerCase();
  if (lang && /^[a-z]{3}$/.test(lang) && lang !== 'und' && lang !== 'zxx') bib.language = lang;
  else {
    const l041 = dataFields(record, '041')[0]
      ?.subfields.find((s) => s.code === 'a')
      ?.value.trim()
      .toLowerCase();
    if (l041 && /^[a-z]{3}/.test(l041)) bib.language = l041.slice(0, 3);
  }

  for (const f of dataFields(record, (t) => t.startsWith('6') && t.length === 3)) {
    const head = subs(f, 'abcdtq').join(' ');
    const subdivisions = subs(f, 'vxyz');
    const s = clean([head, ...subdivisions].filter((x) => x).join(' -- '));
    if (s && !bib.subjects.includes(s)) bib.subjects.push(s);
  }

  const ddc = dataFields(record, '082')[0]?.subfields.find((s) => s.code === 'a')?.value;
  if (ddc) bib.ddc = ddc.replace(/['/]/g, '').trim();

  for (const tag of ['090', '092', '099', '050', '055', '060']) {
    const f = dataFields(record, tag)[0];
    if (f) {
      const call = subs(f, 'ab').join(' ');
      if (call) {
        bib.callNumber = call;
        break;
      }
    }
  }

  const series =
    sub(dataFields(record, '490')[0], 'a') ??
    sub(dataFields(record, '830')[0], 'a') ??
    sub(dataFields(record, '440')[0], 'a');
  if (series) bib.series = series;

  const f300 = dataFields(record, '300')[0];
  if (f300) {
    const physical = f300.subfields
      .map((s) => s.value.trim())
      .join(' ')
      .trim();
    if (physical) bib.physical = physical;
    const pages = pagesOf(f300.subfields.find((s) => s.code === 'a')?.value);
    if (pages !== undefined) bib.pages = pages;
  }

  const notes = dataFields(record, (t) => t === '500' || t === '502' || t === '504' || t === '520')
    .map((f) => subs(f, 'a').join(' '))
    .filter((n) => n);
  if (notes.length) bib.notes = notes;

  const ids: Record<string, string[]> = {};
  for (const f of dataFields(record, '035')) {
    const v = f.subfields.find((s) => s.code === 'a')?.value ?? '';
    const m = /^\s*(?:\(OCoLC\)\s*(?:ocm|ocn|on)?|ocm|ocn|on)(\d+)/i.exec(v);
    if (m) addId(ids, 'oclc', String(Number(m[1])));
  }
  addId(
    ids,
    'lccn',
    dataFields(record, '010')[0]
      ?.subfields.find((s) => s.code === 'a')
      ?.value.trim(),
  );
  for (const f of dataFields(record, '024')) {
    const a = f.subfields.find((s) => s.code === 'a')?.value.trim();
    const scheme = f.subfields
      .find((s) => s.code === '2')
      ?.value.trim()
      .toLowerCase();
    if (!a) continue;
    if (scheme === 'doi' || /^10\.\d{4,}\//.test(a)) addId(ids, 'doi', a.replace(/^https?:\/\/(dx\.)?doi\.org\//i, ''));
    else if (scheme === 'hdl' || scheme === 'handle') addId(ids, 'handle', a);
  }
  for (const f of dataFields(record, '856'))
    for (const s of f.subfields) if (s.code === 'u') addId(ids, 'url', s.value.trim());
  if (Object.keys(ids).length) bib.identifiers = ids;

  if (leader[5] === 'd') bib.deleted = true;
  return bib;
}
