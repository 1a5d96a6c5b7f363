/**
 * Spreadsheet and SLiMS CSV exports -> Bib / ItemInput, streaming.
 *
 * Files from member libraries arrive in whatever shape Excel or SLiMS left
 * them: a BOM, Windows-1252 instead of UTF-8, ';' as separator (Indonesian
 * Excel locale), text that was double-encoded somewhere along the way, and
 * SLiMS's own export which does not escape quotes inside values. Every row
 * yields a result; a bad row is reported with its line and never ends the file.
 */
import { Readable } from 'node:stream';
import { type CsvError, type Options as CsvParseOptions, parse } from 'csv-parse';
import { isValidIsbn10 } from '../isbn.ts';
import type { Bib, BibFormat, ItemInput, ItemStatus } from '../types.ts';
import { addIdentifier, classifyIdentifier, findIsbns, isValidIssn, parsePages, parseYear } from './identifiers.ts';
import { normalizeLanguage } from './language.ts';
import { decodeCp1252, repairMojibake } from './mojibake.ts';

export type CsvDelimiter = ',' | ';' | '\t';

export type CsvInput = AsyncIterable<Uint8Array | string> | Uint8Array | string;

export type BibField =
  | 'sourceId'
  | 'title'
  | 'subtitle'
  | 'responsibility'
  | 'authors'
  | 'publisher'
  | 'place'
  | 'year'
  | 'edition'
  | 'isbn'
  | 'issn'
  /** One column holding either (SLiMS isbn_issn, "ISBN/ISSN" spreadsheet columns). */
  | 'isbnOrIssn'
  | 'language'
  /** A SLiMS GMD name or a free type word ("Buku", "Skripsi", "Peta"). */
  | 'format'
  | 'subjects'
  | 'ddc'
  | 'callNumber'
  | 'series'
  | 'physical'
  | 'notes'
  | 'barcodes'
  /** Item columns: with barcodes they describe the row's copies (one value for all, or one per barcode). */
  | 'location'
  | 'status'
  | 'itemCallNumber'
  | 'loanable'
  | 'doi'
  | 'url'
  | 'ignore';

/** What a librarian saves once per spreadsheet layout. */
export interface SpreadsheetMapping {
  /** Header text (case and surrounding space ignored) -> field. Without a header row: "0", "1", ... */
  columns: Record<string, BibField>;
  /** Splits multi-valued fields (authors, subjects, barcodes, ISBNs). '<>' means SLiMS style "<A><B>". */
  multiValueSeparator?: string;
  hasHeader?: boolean;
  delimiter?: CsvDelimiter;
  /** For rows whose format column is empty or absent. */
  defaultFormat?: BibFormat;
  /** 'auto' (the default): UTF-8, switching to Windows-1252 at the first invalid byte. */
  encoding?: CsvEncoding;
}

export type CsvEncoding = 'auto' | 'utf-8' | 'windows-1252';

/** `raw` is the row as it stood in the file (decoded text, without the line break). */
export type CsvBibResult =
  | { ok: true; bib: Bib; line: number; raw: string }
  | { ok: false; line: number; reason: string; raw?: string };
export type CsvItemResult =
  | {
      ok: true;
      item: ItemInput & { barcode: string };
      /** How the row names its record: SLiMS item exports give the title, table dumps the biblio_id. */
      biblioTitle?: string;
      biblioId?: string;
      isbn?: string;
      author?: string;
      line: number;
      raw: string;
    }
  | { ok: false; line: number; reason: string; raw?: string };

export interface CsvFileInfo {
  encoding: 'utf-8' | 'windows-1252';
  bom: boolean;
  delimiter: CsvDelimiter;
  header: string[] | undefined;
}

export interface CsvReadOptions {
  /** Called once, before the first row, with what was detected. */
  onFileInfo?: (info: CsvFileInfo) => void;
}

/** Column order of SLiMS 9 "Export Tool" (admin/modules/bibliography/export.php) when the header is off. */
export const SLIMS_BIBLIO_COLUMNS = [
  'title',
  'gmd_name',
  'edition',
  'isbn_issn',
  'publisher_name',
  'publish_year',
  'collation',
  'series_title',
  'call_number',
  'language_name',
  'place_name',
  'classification',
  'notes',
  'image',
  'sor',
  'authors',
  'topics',
  'item_code',
] as const;

/** Column order of SLiMS 9 "Item Export" (item_export.php). */
export const SLIMS_ITEM_COLUMNS = [
  'item_code',
  'call_number',
  'coll_type_name',
  'inventory_code',
  'received_date',
  'supplier_name',
  'order_no',
  'location_name',
  'order_date',
  'item_status_name',
  'site',
  'source',
  'invoice',
  'price',
  'price_currency',
  'invoice_date',
  'input_date',
  'last_update',
  'title',
] as const;

/**
 * SLiMS biblio export. Also accepts the biblio table as dumped from the
 * database (biblio_id, language_id, ...), which libraries send when the
 * export tool times out on a large catalogue.
 */
export const SLIMS_BIBLIO_MAPPING: SpreadsheetMapping = {
  columns: {
    biblio_id: 'sourceId',
    title: 'title',
    gmd_name: 'format',
    edition: 'edition',
    isbn_issn: 'isbnOrIssn',
    publisher_name: 'publisher',
    publish_year: 'year',
    collation: 'physical',
    series_title: 'series',
    call_number: 'callNumber',
    language_name: 'language',
    language_id: 'language',
    place_name: 'place',
    classification: 'ddc',
    notes: 'notes',
    sor: 'responsibility',
    authors: 'authors',
    topics: 'subjects',
    item_code: 'barcodes',
  },
  multiValueSeparator: '<>',
  defaultFormat: 'book',
};

// ---------------------------------------------------------------- decoding

function isContinuation(b: number): boolean {
  return (b & 0xc0) === 0x80;
}

/** Length of an incomplete UTF-8 sequence at the end of `bytes` (0 if it ends cleanly). */
function incompleteTail(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back] ?? 0;
    if (isContinuation(b)) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/**
 * Bytes -> text. Starts as UTF-8 and switches to Windows-1252 for the rest
 * of the file at the first invalid sequence (Excel's "CSV" on Windows).
 */
export async function* decodeCsvBytes(
  input: CsvInput,
  info: { encoding: CsvFileInfo['encoding']; bom: boolean },
  encoding: CsvEncoding = 'auto',
): AsyncGenerator<string> {
  if (encoding === 'windows-1252') info.encoding = 'windows-1252';
  // A file said to be UTF-8 keeps its invalid bytes as U+FFFD instead of switching.
  const strict = new TextDecoder('utf-8', { fatal: encoding === 'auto', ignoreBOM: true });
  const cp1252 = { decode: decodeCp1252 };
  let carry: Uint8Array = new Uint8Array(0);
  let first = true;
  const source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> =
    typeof input === 'string' || input instanceof Uint8Array ? [input] : input;
  for await (const piece of source) {
    let bytes: Uint8Array = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    if (carry.length > 0) {
      const joined = new Uint8Array(carry.length + bytes.length);
      joined.set(carry);
      joined.set(bytes, carry.length);
      bytes = joined;
    }
    if (first) {
      if (bytes.length < 3) {
        carry = bytes;
        continue;
      }
      first = false;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
        info.bom = true;
        bytes = bytes.subarray(3);
      }
    }
    if (info.encoding === 'windows-1252') {
      carry = new Uint8Array(0);
      yield cp1252.decode(bytes);
      continue;
    }
    const tail = incompleteTail(bytes);
    const whole = bytes.subarray(0, bytes.length - tail);
    carry = bytes.slice(bytes.length - tail);
    try {
      yield strict.decode(whole);
    } catch {
      info.encoding = 'windows-1252';
      yield cp1252.decode(bytes);
      carry = new Uint8Array(0);
    }
  }
  if (carry.length > 0) {
    if (first && carry[0] === 0xef && carry[1] === 0xbb && carry[2] === 0xbf) {
      info.bom = true;
      carry = carry.subarray(3);
    }
    try {
      yield info.encoding === 'utf-8' ? strict.decode(carry) : cp1252.decode(carry);
    } catch {
      info.encoding = 'windows-1252';
      yield cp1252.decode(carry);
    }
  }
}

/**
 * Picks the delimiter that splits the first lines into the same, largest
 * number of fields (quoted sections ignored).
 */
export function detectDelimiter(sample: string): CsvDelimiter {
  const lines = splitLogicalLines(sample).slice(0, 20);
  let best: CsvDelimiter = ',';
  let bestScore = -1;
  for (const d of [',', ';', '\t'] as const) {
    const counts = lines.map((l) => countOutsideQuotes(l, d));
    const firstCount = counts[0] ?? 0;
    if (firstCount === 0) continue;
    const consistent = counts.filter((c) => c === firstCount).length;
    const score = consistent * 1000 + firstCount;
    if (score > bestScore) {
      bestScore = score;
      best = d;
    }
  }
  return best;
}

function splitLogicalLines(text: string): string[] {
  const out: string[] = [];
  let inQuotes = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') inQuotes = !inQuotes;
    else if ((c === '\n' || c === '\r') && !inQuotes) {
      if (i > start) out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  // The last line of a sample may be cut off mid-record; leave it out unless it is the only one.
  if (out.length === 0 && start < text.length) out.push(text.slice(start));
  return out.filter((l) => l.trim() !== '');
}

function countOutsideQuotes(line: string, d: string): number {
  let n = 0;
  let inQuotes = false;
  for (const c of line) {
    if (c === '"') inQuotes = !inQuotes;
    else if (c === d && !inQuotes) n++;
  }
  return n;
}

// ---------------------------------------------------------------- rows

/** One row of cells, from a CSV file or a sheet; `line` is the file line or sheet row number it starts on. */
export interface RawRow {
  cells: string[];
  line: number;
  raw: string;
}

export interface RowError {
  error: string;
  line: number;
  raw?: string;
}

/** Rows from any tabular source (csvRows here, sheetRows in xlsx.ts, odsSheetRows in ods.ts), read the same way after this. */
export type RowSource = AsyncIterable<RawRow | RowError>;

/** How the rows' source differs: CSV says its encoding and delimiter; a sheet has cells, so no field-count check. */
export interface RowSourceInfo {
  info: CsvFileInfo;
  /** A CSV row longer than its header had a separator inside a value; a sheet row simply has more cells. */
  checkWidth: boolean;
}

/** A record's text as csv-parse saw it, without the line breaks around it. */
const rowText = (raw: string) => raw.replace(/^[\r\n]+/, '').replace(/[\r\n]+$/, '');

interface ParsedRecord {
  record: string[];
  raw: string;
  line?: number;
}

function isParsedRecord(v: unknown): v is ParsedRecord {
  return (
    typeof v === 'object' &&
    v !== null &&
    'record' in v &&
    'raw' in v &&
    Array.isArray((v as { record: unknown }).record)
  );
}

const SAMPLE_CHARS = 64 * 1024;

/** Cells of every record with the line it starts on; csv-parse's own errors become RowErrors. */
async function* csvRows(
  input: CsvInput,
  delimiterOverride: CsvDelimiter | undefined,
  info: CsvFileInfo,
  encoding: CsvEncoding = 'auto',
): AsyncGenerator<RawRow | RowError> {
  const text = decodeCsvBytes(input, info, encoding)[Symbol.asyncIterator]();
  let sample = '';
  while (sample.length < SAMPLE_CHARS) {
    const n = await text.next();
    if (n.done) break;
    sample += n.value;
  }
  info.delimiter = delimiterOverride ?? detectDelimiter(sample);
  const skipped: RowError[] = [];
  // csv-parse's own line count goes wrong on CRLF inside quoted values, so lines are counted here,
  // in parse order (on_record and on_skip run synchronously as the parser advances).
  let nextLine = 1;
  const breaks = (s: string) => s.match(/\r\n|\r|\n/g)?.length ?? 0;
  const options: CsvParseOptions<ParsedRecord, ParsedRecord> = {
    delimiter: info.delimiter,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
    raw: true,
    skip_records_with_error: true,
    on_skip: (err: CsvError | undefined, raw: string | undefined) => {
      const text = raw ?? '';
      const line = nextLine + breaks(/^[\r\n]*/.exec(text)?.[0] ?? '');
      nextLine += breaks(text);
      skipped.push({ error: err?.message ?? 'unreadable row', line, raw: rowText(text) });
      return undefined;
    },
    on_record: (rec: ParsedRecord) => {
      const line = nextLine + breaks(/^[\r\n]*/.exec(rec.raw)?.[0] ?? '');
      nextLine += breaks(rec.raw);
      return { ...rec, line };
    },
  };
  // csv-parse's overloads only type on_record for the `columns` form; the runtime takes it either way.
  const parser = parse(options as unknown as CsvParseOptions);
  const source = Readable.from(
    (async function* () {
      if (sample) yield sample;
      for (;;) {
        const n = await text.next();
        if (n.done) return;
        yield n.value;
      }
    })(),
  );
  source.on('error', (e) => parser.destroy(e));
  source.pipe(parser);
  for await (const value of parser as AsyncIterable<unknown>) {
    while (skipped.length > 0) {
      const e = skipped.shift();
      if (e) yield e;
    }
    if (!isParsedRecord(value)) continue;
    yield { cells: value.record.map(cleanCell), line: value.line ?? 0, raw: rowText(value.raw) };
  }
  yield* skipped;
}

/**
 * An ISBN-10 typed into a spreadsheet as a number loses its leading zeros (0-19-853453-1 becomes 198534531,
 * in Excel and in a CSV file Excel saved). Eight or nine bare digits that are a valid ISBN-10 once the zeros
 * are back get them back; anything else is left as it is (and rejected, if invalid, where ISBNs are checked).
 */
export function leadingZerosBack(part: string): string {
  const t = part.trim();
  if (!/^\d{8,9}$/.test(t)) return part;
  const full = t.padStart(10, '0');
  return isValidIsbn10(full) ? full : part;
}

/**
 * SLiMS writes values between quotes without escaping quotes inside them;
 * csv-parse (relax_quotes) then keeps the outer quotes as data.
 */
function cleanCell(v: string): string {
  let s = v.trim();
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"') && s.slice(1, -1).includes('"')) s = s.slice(1, -1).trim();
  return repairMojibake(s);
}

export function isError(r: RawRow | RowError): r is RowError {
  return 'error' in r;
}

// ---------------------------------------------------------------- bibs

export function splitMulti(value: string, separator: string | undefined): string[] {
  if (value === '') return [];
  if (separator === '<>') {
    const found = [...value.matchAll(/<([^<>]*)>/g)].map((m) => (m[1] ?? '').trim()).filter(Boolean);
    // A value without brackets is a single entry typed by hand.
    return found.length > 0 ? found : [value];
  }
  if (!separator) return [value];
  return value
    .split(separator)
    .map((s) => s.trim())
    .filter(Boolean);
}

const GMD_FORMATS: [RegExp, BibFormat][] = [
  [/skripsi|tesis|thesis|disertasi|dissertation|tugas akhir/i, 'thesis'],
  [/jurnal|journal|majalah|magazine|serial|periodical|surat kabar|newspaper/i, 'serial'],
  [/artikel|article/i, 'article'],
  [/\bmaps?\b|peta|cartographic|globe/i, 'map'],
  [/music|musik/i, 'music'],
  [/video|motion picture|film|digital versatile disc|dvd/i, 'video'],
  [/sound|audio|kaset/i, 'audio'],
  [/computer|electronic|cd-rom|multimedia|e-?book|digital/i, 'electronic'],
  [/manuscript|naskah/i, 'manuscript'],
  [/^text$|^teks$|buku|book|monograf/i, 'book'],
];

export function formatFromGmd(value: string): BibFormat | undefined {
  if (value.trim() === '') return undefined;
  for (const [re, f] of GMD_FORMATS) if (re.test(value)) return f;
  return 'other';
}

/** SLiMS classification often carries the DDC edition: "005.13/3 22" -> "005.13/3". */
function cleanDdc(value: string): string {
  return value.replace(/^(\S*\d\S*)\s+\d{2}$/, '$1');
}

function splitTitle(t: string): [string, string | undefined] {
  const i = t.indexOf(' : ');
  if (i <= 0) return [t, undefined];
  return [t.slice(0, i).trim(), t.slice(i + 3).trim() || undefined];
}

function resolveColumns(mapping: SpreadsheetMapping, header: string[] | undefined): (BibField | undefined)[] {
  const byName = new Map(Object.entries(mapping.columns).map(([k, v]) => [k.trim().toLowerCase(), v]));
  if (header) return header.map((h) => byName.get(h.trim().toLowerCase()));
  const width = Math.max(-1, ...Object.keys(mapping.columns).map(Number).filter(Number.isInteger)) + 1;
  return Array.from({ length: width }, (_, i) => byName.get(String(i)));
}

export function rowToBib(cells: string[], fields: (BibField | undefined)[], mapping: SpreadsheetMapping): Bib | string {
  const bib: Bib = {
    title: '',
    authors: [],
    isbns: [],
    issns: [],
    format: mapping.defaultFormat ?? 'book',
    subjects: [],
    items: [],
  };
  const sep = mapping.multiValueSeparator;
  const identifiers: Record<string, string[]> = {};
  const notes: string[] = [];
  const copies: Partial<Record<'barcodes' | 'location' | 'status' | 'itemCallNumber' | 'loanable', string[]>> = {};
  fields.forEach((field, i) => {
    const v = cells[i] ?? '';
    if (!field || field === 'ignore' || v === '') return;
    switch (field) {
      case 'title': {
        const [t, sub] = splitTitle(v);
        bib.title = t;
        if (sub && bib.subtitle === undefined) bib.subtitle = sub;
        break;
      }
      case 'subtitle':
        bib.subtitle = v;
        break;
      case 'sourceId':
      case 'responsibility':
      case 'publisher':
      case 'place':
      case 'edition':
      case 'callNumber':
      case 'series':
        bib[field] = v;
        break;
      case 'physical': {
        bib.physical = v;
        const pages = parsePages(v);
        if (pages !== undefined) bib.pages = pages;
        break;
      }
      case 'year': {
        const y = parseYear(v);
        if (y !== undefined) bib.year = y;
        break;
      }
      case 'authors':
        bib.authors.push(...splitMulti(v, sep));
        break;
      case 'subjects':
        bib.subjects.push(...splitMulti(v, sep));
        break;
      case 'isbn':
        for (const part of splitMulti(v, sep)) bib.isbns.push(leadingZerosBack(part));
        break;
      case 'issn':
        bib.issns.push(...splitMulti(v, sep));
        break;
      case 'isbnOrIssn':
        for (const part of splitMulti(v, sep)) {
          if (/^\d{4}-?\d{3}[\dXx]$/.test(part) && isValidIssn(part)) bib.issns.push(part.toUpperCase());
          else if (findIsbns(part).length > 0 || /\d{9}/.test(part.replace(/[-\s]/g, '')))
            bib.isbns.push(leadingZerosBack(part));
        }
        break;
      case 'language': {
        const code = normalizeLanguage(v);
        if (code) bib.language = code;
        break;
      }
      case 'format': {
        const f = formatFromGmd(v);
        if (f) bib.format = f;
        break;
      }
      case 'ddc':
        bib.ddc = cleanDdc(v);
        break;
      case 'notes':
        notes.push(v);
        break;
      case 'barcodes':
      case 'location':
      case 'status':
      case 'itemCallNumber':
      case 'loanable':
        copies[field] = [...(copies[field] ?? []), ...splitMulti(v, sep)];
        break;
      case 'doi':
      case 'url': {
        const c = classifyIdentifier(v);
        addIdentifier(identifiers, field, c && c.kind === field ? c.value : v);
        break;
      }
    }
  });
  if (bib.title === '') return 'no title';
  const items = rowItems(copies);
  if (typeof items === 'string') return items;
  bib.items = items;
  if (notes.length > 0) bib.notes = notes;
  if (Object.keys(identifiers).length > 0) bib.identifiers = identifiers;
  bib.authors = [...new Set(bib.authors)];
  bib.subjects = [...new Set(bib.subjects)];
  return bib;
}

const YES = /^(y|ya|yes|true|1|boleh|dapat dipinjam|loanable)$/i;
const NO = /^(n|t|tidak|no|false|0|tidak boleh|tidak dipinjamkan|not loanable)$/i;

/**
 * The copies one row carries: barcodes split by the separator, and beside
 * them location, status, call number and loanable, either one value for every
 * copy or one per barcode. Item columns without a barcode make one copy.
 */
function rowItems(c: Partial<Record<'barcodes' | 'location' | 'status' | 'itemCallNumber' | 'loanable', string[]>>) {
  const barcodes = [...new Set(c.barcodes ?? [])];
  const n = barcodes.length || (c.location?.length || c.status?.length || c.itemCallNumber?.length ? 1 : 0);
  const items: ItemInput[] = [];
  for (const [name, values] of Object.entries(c)) {
    if (name !== 'barcodes' && values.length > 1 && values.length !== n)
      return `${values.length} values of ${name} for ${n} ${n === 1 ? 'copy' : 'copies'}`;
  }
  const pick = (values: string[] | undefined, i: number) => (values?.length === 1 ? values[0] : values?.[i]);
  for (let i = 0; i < n; i++) {
    const statusText = pick(c.status, i) ?? '';
    const { status, loanable, note } = itemStatusFromText(statusText, '');
    const item: ItemInput = { status, loanable };
    const barcode = barcodes[i];
    if (barcode) item.barcode = barcode;
    const call = pick(c.itemCallNumber, i);
    if (call) item.callNumber = call;
    const location = pick(c.location, i);
    if (location) item.location = location;
    const loanableText = pick(c.loanable, i)?.trim();
    if (loanableText && NO.test(loanableText)) item.loanable = false;
    else if (loanableText && YES.test(loanableText) && status !== 'reference_only') item.loanable = true;
    else if (loanableText && !YES.test(loanableText)) return `loanable "${loanableText}" is neither yes nor no`;
    if (note) item.note = note.replace('SLiMS status', 'status');
    items.push(item);
  }
  return items;
}

/** Bibliographic rows of a CSV file: 'slims' for a SLiMS export, or a saved spreadsheet mapping. */
export function readBibsCsv(
  input: CsvInput,
  mapping: SpreadsheetMapping | 'slims',
  options: CsvReadOptions = {},
): AsyncGenerator<CsvBibResult> {
  const info: CsvFileInfo = { encoding: 'utf-8', bom: false, delimiter: ',', header: undefined };
  const m = mapping === 'slims' ? SLIMS_BIBLIO_MAPPING : mapping;
  return bibsFromRows(csvRows(input, m.delimiter, info, m.encoding), mapping, { info, checkWidth: true }, options);
}

/** Bibliographic rows of any row source: a SLiMS export's columns, or a saved spreadsheet mapping. */
export async function* bibsFromRows(
  rows: RowSource,
  mapping: SpreadsheetMapping | 'slims',
  source: RowSourceInfo,
  options: CsvReadOptions = {},
): AsyncGenerator<CsvBibResult> {
  const slims = mapping === 'slims';
  const m = slims ? SLIMS_BIBLIO_MAPPING : mapping;
  const info = source.info;
  let fields: (BibField | undefined)[] | undefined;
  let width = 0;
  for await (const row of rows) {
    if (isError(row)) {
      yield { ok: false, line: row.line, reason: row.error, ...(row.raw ? { raw: row.raw } : {}) };
      continue;
    }
    if (!fields) {
      // SLiMS asks whether to write a header; sniff instead of trusting the caller.
      const hasHeader = slims
        ? row.cells[0]?.toLowerCase() === 'title' || row.cells.includes('biblio_id')
        : (m.hasHeader ?? true);
      let header: string[] | undefined;
      if (hasHeader) {
        header = [...row.cells];
        // export.php ends the header with a separator, so it has one empty column too many.
        while (header.length > 0 && header[header.length - 1] === '') header.pop();
        info.header = header;
      }
      fields =
        slims && !hasHeader
          ? SLIMS_BIBLIO_COLUMNS.map((c) => SLIMS_BIBLIO_MAPPING.columns[c])
          : resolveColumns(m, header);
      width = header ? header.length : slims ? SLIMS_BIBLIO_COLUMNS.length : 0;
      options.onFileInfo?.({ ...info });
      if (!fields.some((f) => f === 'title')) {
        throw new Error(`no column maps to title (columns: ${(header ?? []).join(', ') || 'by position'})`);
      }
      if (hasHeader) continue;
    }
    const cells = trimTrailingEmpty(row.cells);
    if (source.checkWidth && width > 0 && cells.length > width) {
      yield {
        ok: false,
        line: row.line,
        reason: `${cells.length} fields where the header has ${width}: a separator inside an unquoted value?`,
        raw: row.raw,
      };
      continue;
    }
    const bib = rowToBib(cells, fields, m);
    if (typeof bib === 'string') {
      yield { ok: false, line: row.line, reason: bib, raw: row.raw };
      continue;
    }
    // A sheet without a record id column: the row is known by its copies (a barcode is unique in a library),
    // so a row whose other cells were edited updates its record instead of adding a second one.
    if (!slims && !bib.sourceId) {
      const first = bib.items
        .map((i) => i.barcode ?? '')
        .filter(Boolean)
        .sort()[0];
      if (first) bib.sourceId = `barcode:${first}`;
    }
    yield { ok: true, bib, line: row.line, raw: row.raw };
  }
  if (!fields) options.onFileInfo?.({ ...info });
}

export function trimTrailingEmpty(cells: string[]): string[] {
  let end = cells.length;
  while (end > 0 && cells[end - 1] === '') end--;
  return end === cells.length ? cells : cells.slice(0, end);
}

// ---------------------------------------------------------------- items

/**
 * SLiMS item status names (mst_item_status; English and Indonesian UI).
 * An empty status means "available" in SLiMS. Loans are not in the export.
 */
export function itemStatusFromText(
  name: string,
  collType: string,
): { status: ItemStatus; loanable: boolean; note?: string } {
  const s = name.trim().toLowerCase();
  const reference = /referen|reference|tandon/.test(collType.toLowerCase());
  if (s === '' || s === 'available' || s === 'tersedia')
    return { status: reference ? 'reference_only' : 'available', loanable: !reference };
  if (/no ?loan|tidak dipinjamkan|not for loan|^referen|^reference|baca di tempat/.test(s))
    return { status: 'reference_only', loanable: false };
  if (/missing|hilang/.test(s)) return { status: 'missing', loanable: false };
  if (/lost/.test(s)) return { status: 'lost', loanable: false };
  // ItemStatus has no "in repair"; out of circulation for now is the closest.
  if (/repair|perbaikan|rusak|damaged/.test(s))
    return { status: 'withdrawn', loanable: false, note: `SLiMS status: ${name.trim()}` };
  if (/weed|withdrawn|dihapus|disiangi/.test(s)) return { status: 'withdrawn', loanable: false };
  if (/loan|dipinjam/.test(s)) return { status: 'on_loan', loanable: true };
  return { status: 'available', loanable: !reference, note: `SLiMS status: ${name.trim()}` };
}

/** SLiMS mst_item_status ids, as an items table dump gives them instead of names. */
const SLIMS_STATUS_IDS: Record<string, string> = { '0': '', R: 'Repair', NL: 'No Loan', MIS: 'Missing' };

/** Header names of the columns an item row is read from (SLiMS export, SLiMS items table, hand-made sheets). */
const ITEM_ALIASES: Record<string, string> = {
  barcode: 'item_code',
  kode_eksemplar: 'item_code',
  isbn_issn: 'isbn',
  authors: 'author',
  author_name: 'author',
  pengarang: 'author',
  judul: 'title',
  location_id: 'location_name',
  lokasi: 'location_name',
  coll_type_id: 'coll_type_name',
  item_status_id: 'item_status_name',
  status: 'item_status_name',
  nomor_panggil: 'call_number',
};

/** Whether a header row is an item-only export (copies naming their record), not a bibliographic one. */
export function isItemHeader(cells: string[]): boolean {
  const names = cells.map((c) => {
    const n = c.trim().toLowerCase().replace(/^"|"$/g, '');
    return ITEM_ALIASES[n] ?? n;
  });
  if (names[0] === 'item_code') return true; // SLiMS item export
  return names.includes('item_id') && names.includes('item_code'); // SLiMS items table
}

/**
 * Item-only rows: SLiMS "Item Export" (with or without header), the SLiMS
 * items table as dumped, or a sheet with item_code/barcode plus biblio_id,
 * ISBN or title (and author). Every row yields an item or a rejection.
 */
export function readSlimsItemsCsv(input: CsvInput, options: CsvReadOptions = {}): AsyncGenerator<CsvItemResult> {
  const info: CsvFileInfo = { encoding: 'utf-8', bom: false, delimiter: ',', header: undefined };
  return itemsFromRows(csvRows(input, undefined, info), info, options);
}

/** Item-only rows of any row source (see readSlimsItemsCsv). */
export async function* itemsFromRows(
  rows: RowSource,
  info: CsvFileInfo,
  options: CsvReadOptions = {},
): AsyncGenerator<CsvItemResult> {
  let columns: string[] | undefined;
  for await (const row of rows) {
    if (isError(row)) {
      yield { ok: false, line: row.line, reason: row.error, ...(row.raw ? { raw: row.raw } : {}) };
      continue;
    }
    if (!columns) {
      const hasHeader = isItemHeader(row.cells) || row.cells.some((c) => /^(item_code|barcode)$/i.test(c.trim()));
      columns = hasHeader
        ? trimTrailingEmpty(
            row.cells.map((c) => {
              const n = c.trim().toLowerCase();
              return ITEM_ALIASES[n] ?? n;
            }),
          )
        : [...SLIMS_ITEM_COLUMNS];
      if (hasHeader) info.header = columns;
      options.onFileInfo?.({ ...info });
      if (hasHeader) continue;
    }
    const get = (name: string) => {
      const i = columns?.indexOf(name) ?? -1;
      return i >= 0 ? (row.cells[i] ?? '') : '';
    };
    const barcode = get('item_code');
    if (barcode === '') {
      yield { ok: false, line: row.line, reason: 'no item_code', raw: row.raw };
      continue;
    }
    const statusName = get('item_status_name');
    const { status, loanable, note } = itemStatusFromText(
      SLIMS_STATUS_IDS[statusName] ?? statusName,
      get('coll_type_name'),
    );
    const item: ItemInput & { barcode: string } = { barcode, status, loanable };
    const call = get('call_number');
    if (call) item.callNumber = call;
    const location = [get('location_name'), get('coll_type_name')].filter(Boolean).join(' / ');
    if (location) item.location = location;
    if (note) item.note = note;
    const out: CsvItemResult = { ok: true, item, line: row.line, raw: row.raw };
    const title = get('title');
    if (title) out.biblioTitle = title;
    const biblioId = get('biblio_id');
    if (biblioId && biblioId !== '0') out.biblioId = biblioId;
    const isbn = get('isbn');
    if (isbn) out.isbn = isbn;
    const author = splitMulti(get('author'), '<>')[0];
    if (author) out.author = author;
    yield out;
  }
}

/** What a file looks like before any mapping: detected encoding and delimiter, and the cells of its first rows. */
export async function readCsvHead(
  input: CsvInput,
  opts: { delimiter?: CsvDelimiter | undefined; encoding?: CsvEncoding | undefined; rows?: number } = {},
): Promise<{ info: CsvFileInfo; rows: string[][] }> {
  const info: CsvFileInfo = { encoding: 'utf-8', bom: false, delimiter: ',', header: undefined };
  const rows = await headOfRows(csvRows(input, opts.delimiter, info, opts.encoding), opts.rows ?? 1);
  return { info, rows };
}

/** The cells of the first `n` readable rows of a row source. */
export async function headOfRows(source: RowSource, n: number): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const row of source) {
    if (isError(row)) continue;
    rows.push(trimTrailingEmpty(row.cells));
    if (rows.length >= n) break;
  }
  return rows;
}
