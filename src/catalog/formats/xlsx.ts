/**
 * Excel workbooks (.xlsx) -> the same rows the CSV reader gives, streaming.
 *
 * Libraries keep their holdings in Excel far more often than in CSV. The zip
 * is opened from its central directory (yauzl; a workbook that comes as a
 * stream is first written to a temporary file), so its parts are read in the
 * order they are needed whatever order they are stored in: the workbook and
 * its relationships (sheet names, which part is which sheet, the 1904 date
 * system), the styles (which cells are dates, which numbers are padded), the
 * shared strings (held in memory), then only the sheet wanted, streamed
 * through saxes row by row. Element names are matched without their prefix
 * (some writers store <x:workbook>). Each cell is turned into the text a
 * librarian sees in Excel and the rows are handed to the CSV path
 * (bibsFromRows / itemsFromRows), so SLiMS columns, saved mappings and the
 * preview behave the same for both. `line` is the sheet's own row number.
 *
 * This replaced exceljs's streaming WorkbookReader, which reads the zip in
 * stored order and sometimes missed the last part (xl/workbook.xml stored
 * after the sheets: "Cannot read properties of undefined (reading 'sheets')",
 * twice on clean-clone CI runs). exceljs stays as the tests' workbook writer.
 *
 * Cells: numbers keep every digit (a 13-digit ISBN stored as a number is not
 * 9.78602E+12; a barcode column formatted "000000" gets its leading zeros
 * back), dates become YYYY-MM-DD, formulas give their cached result, rich text
 * and hyperlinks their text, errors (#N/A) nothing. Blank rows are skipped, and
 * a title block above the table (one-cell rows such as a merged "DAFTAR BUKU
 * PERPUSTAKAAN ..." banner) is passed over. Cells merged downwards (a title
 * or a shelf written once for several copies) give their value to every row
 * they cover.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser } from 'saxes';
import yauzl from 'yauzl';
import {
  bibsFromRows,
  type CsvBibResult,
  type CsvFileInfo,
  type CsvItemResult,
  type CsvReadOptions,
  headOfRows,
  itemsFromRows,
  type RawRow,
  type RowSource,
  type SpreadsheetMapping,
} from './csv.ts';
import { repairMojibake } from './mojibake.ts';

/** ZIP local file header. */
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
/** OLE2 compound file: Excel 97-2003 .xls (and old .doc). */
const OLE2_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

const startsWith = (b: Uint8Array, magic: number[]) => magic.every((x, i) => b[i] === x);

export type SpreadsheetKind =
  | { kind: 'xlsx'; reason: string }
  | { kind: 'ods'; reason: string }
  | { kind: 'xls'; reason: string }
  | { kind: 'zip'; reason: string };

/**
 * What kind of spreadsheet the first bytes are, if any. Zip entry names are
 * stored uncompressed in the local headers, so the head of the file shows
 * whether it is an Excel workbook or an OpenDocument one.
 */
export function spreadsheetKind(head: Uint8Array): SpreadsheetKind | undefined {
  if (startsWith(head, OLE2_MAGIC))
    return { kind: 'xls', reason: 'OLE2 compound file: an Excel 97-2003 workbook (.xls)' };
  if (!startsWith(head, ZIP_MAGIC)) return undefined;
  const text = Buffer.from(head).toString('latin1');
  if (text.includes('application/vnd.oasis.opendocument.spreadsheet'))
    return { kind: 'ods', reason: 'zip whose mimetype is application/vnd.oasis.opendocument.spreadsheet (.ods)' };
  const entry = /xl\/[\w/.-]+\.xml/.exec(text);
  if (entry) return { kind: 'xlsx', reason: `zip holding ${entry[0]}: an Excel workbook (.xlsx)` };
  if (text.includes('[Content_Types].xml') && !text.includes('word/') && !text.includes('ppt/'))
    return { kind: 'xlsx', reason: 'zip starting with [Content_Types].xml (Office Open XML), no document or slides' };
  return { kind: 'zip', reason: 'a zip archive that is not a spreadsheet' };
}

export class SheetNotFoundError extends Error {
  constructor(
    readonly sheet: string,
    readonly sheets: string[],
  ) {
    super(`the workbook has no sheet "${sheet}" (sheets: ${sheets.join(', ') || 'none'})`);
  }
}

export interface SheetReadOptions {
  /** A sheet by name (case and surrounding space ignored); default the first sheet. */
  sheet?: string | undefined;
  /** Called with the sheet's name once it is known. */
  onSheet?: (name: string) => void;
  /** Called with every sheet of the workbook, in tab order (a hidden one says so), before any is read. */
  onSheets?: (sheets: WorkbookSheet[]) => void;
}

export interface WorkbookSheet {
  name: string;
  hidden: boolean;
}

type Input = AsyncIterable<Uint8Array> | Uint8Array | string;

const pad2 = (n: number) => String(n).padStart(2, '0');

/** A date cell is held as the UTC instant of the wall-clock time Excel shows. */
function dateText(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const day = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
  const h = d.getUTCHours();
  const m = d.getUTCMinutes();
  const s = d.getUTCSeconds();
  return h || m || s ? `${day} ${pad2(h)}:${pad2(m)}:${pad2(s)}` : day;
}

/** Excel's day count (1900 system; 1904 when the workbook says so) -> Date, as Excel shows it. */
function serialToDate(serial: number, date1904: boolean): Date {
  const days = serial + (date1904 ? 1462 : 0) - 25569;
  return new Date(Math.round(days * 86400) * 1000);
}

/** Whether a number format shows a date (letters y m d h s outside quotes and brackets), as exceljs decides. */
function isDateFormat(fmt: string | undefined): boolean {
  if (!fmt) return false;
  return /[ymdhMsb]+/.test(fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

function numberText(n: number, numFmt: string | undefined): string {
  if (!Number.isFinite(n)) return '';
  if (Number.isInteger(n)) {
    const digits = Math.abs(n) < 1e21 ? BigInt(n).toString() : String(n);
    // "000000" shows 42 as 000042: a barcode or NIM kept as a number.
    const zeros = numFmt && /^0+$/.test(numFmt) ? numFmt.length : 0;
    return zeros > digits.length ? digits.padStart(zeros, '0') : digits;
  }
  // 15 significant digits is what Excel shows and stores; it hides binary noise such as 0.30000000000000004.
  return String(Number(n.toPrecision(15)));
}

/** A cell's value as the sheet holds it (and as exceljs gives it: rich text, formulas, hyperlinks). */
type CellValue = string | number | boolean | Date | null | undefined | { [key: string]: unknown };

interface CellLike {
  value: CellValue;
  numFmt?: string;
}

/** The text Excel shows for a cell's value (without display formatting beyond dates and padded numbers). */
export function cellText(cell: CellLike, date1904 = false): string {
  const v = cell.value;
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return numberText(v, cell.numFmt);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return dateText(v);
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText))
      return v.richText.map((r: { text?: unknown }) => String(r.text ?? '')).join('');
    if ('error' in v) return '';
    if ('formula' in v || 'sharedFormula' in v) {
      const result = (v as { result?: unknown }).result;
      if (result === undefined || result === null) return '';
      if (typeof result === 'number' && isDateFormat(cell.numFmt)) return dateText(serialToDate(result, date1904));
      if (typeof result === 'object' && result !== null && 'error' in result) return '';
      return cellText({ value: result as CellValue, ...(cell.numFmt ? { numFmt: cell.numFmt } : {}) });
    }
    if ('text' in v) {
      const text = (v as { text: unknown }).text;
      return typeof text === 'string'
        ? text
        : cellText({ value: text as CellValue, ...(cell.numFmt ? { numFmt: cell.numFmt } : {}) });
    }
    if ('sharedString' in v) return '';
  }
  return String(v);
}

/** How many leading rows may be a title block before the table; past this, rows are taken as they are. */
const TITLE_BLOCK_ROWS = 20;

/** Shared strings beyond this (uncompressed) are refused: they are held in memory while the sheet is read. */
const MAX_SHARED_STRINGS_BYTES = 512 * 1024 * 1024;

/**
 * The rows of one sheet as RawRows. `info` is filled in for the CSV path
 * (encoding utf-8: a workbook's text is Unicode; the delimiter means nothing).
 */
export async function* sheetRows(input: Input, info: CsvFileInfo, options: SheetReadOptions = {}): RowSource {
  try {
    yield* readSheet(input, info, options);
  } catch (e) {
    if (e instanceof SheetNotFoundError) throw e;
    throw new Error(`not a readable Excel workbook (.xlsx): ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** A zip read from its central directory: parts by name (case ignored), each opened as a stream. */
interface ZipParts {
  has(name: string): boolean;
  size(name: string): number;
  open(name: string): Promise<Readable>;
}

const promised = <T>(fn: (cb: (err: Error | null, value?: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value as T))));

/**
 * Opens the workbook's zip. Bytes in memory are read in place; a stream is first written to a
 * temporary file (the zip's directory is at its end, and the parts are wanted in another order
 * than they are stored), so memory stays flat whatever the workbook's size.
 */
async function* withZip<T>(input: Input, use: (zip: ZipParts) => AsyncGenerator<T>): AsyncGenerator<T> {
  if (typeof input === 'string') throw new Error('give the workbook as bytes or a stream, not text');
  let dir: string | undefined;
  let zipfile: yauzl.ZipFile | undefined;
  try {
    if (input instanceof Uint8Array) {
      const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
      zipfile = await promised<yauzl.ZipFile>((cb) => yauzl.fromBuffer(bytes, { lazyEntries: true }, cb));
    } else {
      dir = await mkdtemp(path.join(tmpdir(), 'simpul-xlsx-'));
      const file = path.join(dir, 'workbook.xlsx');
      await pipeline(input instanceof Readable ? input : Readable.from(input), createWriteStream(file));
      zipfile = await promised<yauzl.ZipFile>((cb) => yauzl.open(file, { lazyEntries: true, autoClose: false }, cb));
    }
    const zf = zipfile;
    const entries = new Map<string, yauzl.Entry>();
    await new Promise<void>((resolve, reject) => {
      zf.on('entry', (e: yauzl.Entry) => {
        entries.set(e.fileName.replace(/^\/+/, '').toLowerCase(), e);
        zf.readEntry();
      });
      zf.once('end', () => resolve());
      zf.once('error', reject);
      zf.readEntry();
    });
    const entry = (name: string) => entries.get(name.toLowerCase());
    yield* use({
      has: (name) => entry(name) !== undefined,
      size: (name) => entry(name)?.uncompressedSize ?? 0,
      open: (name) => {
        const e = entry(name);
        if (!e) return Promise.reject(new Error(`the zip has no part ${name}`));
        return promised<Readable>((cb) => zf.openReadStream(e, cb));
      },
    });
  } finally {
    zipfile?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

const localName = (qname: string) => qname.slice(qname.indexOf(':') + 1);

/** An attribute by its local name (`r:id` -> 'id' with a prefix), whatever prefix the writer used. */
function attr(attributes: Record<string, string>, name: string, prefixed = false): string | undefined {
  for (const [k, v] of Object.entries(attributes)) {
    const colon = k.indexOf(':');
    if (prefixed ? colon > 0 && k.slice(colon + 1) === name && !k.startsWith('xmlns') : k === name) return v;
  }
  return undefined;
}

/** Excel escapes characters XML cannot hold as _xHHHH_ (and a literal "_x" as _x005F_x). */
const unescapeOoxml = (s: string) =>
  s.includes('_x')
    ? s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)))
    : s;

/** The text of a string item (<si> of the shared strings, <is> of a cell): its <t> runs, phonetic runs (<rPh>) left out. */
class RunText {
  private parts: string[] = [];
  private inT = false;
  private phonetic = 0;
  open(local: string): void {
    if (local === 'rPh') this.phonetic++;
    else if (local === 't' && this.phonetic === 0) this.inT = true;
  }
  close(local: string): void {
    if (local === 'rPh') this.phonetic--;
    else if (local === 't') this.inT = false;
  }
  text(t: string): void {
    if (this.inT) this.parts.push(t);
  }
  value(): string {
    return unescapeOoxml(this.parts.join(''));
  }
}

interface SaxTag {
  name: string;
  attributes: Record<string, string>;
}

interface SaxHandlers<T> {
  open?: (local: string, tag: SaxTag) => void;
  close?: (local: string) => void;
  text?: (text: string) => void;
  /** Filled by the handlers; drained after every chunk. */
  out?: T[];
}

/** Streams an XML part through saxes, handing out what the handlers put in `out` as it comes. */
async function* xmlPart<T>(stream: Readable, h: SaxHandlers<T>): AsyncGenerator<T> {
  const parser = new SaxesParser({ xmlns: false });
  const out = h.out ?? [];
  if (h.open) {
    const open = h.open;
    parser.on('opentag', (tag) => open(localName(tag.name), tag as SaxTag));
  }
  if (h.close) {
    const close = h.close;
    parser.on('closetag', (tag) => close(localName(tag.name)));
  }
  if (h.text) {
    parser.on('text', h.text);
    parser.on('cdata', h.text);
  }
  const decoder = new StringDecoder('utf8');
  let first = true;
  try {
    for await (const chunk of stream) {
      let text = decoder.write(chunk as Buffer);
      if (first && text) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      parser.write(text);
      if (out.length) yield* out.splice(0);
    }
    parser.write(decoder.end());
    parser.close();
    if (out.length) yield* out.splice(0);
  } finally {
    stream.destroy();
  }
}

async function drain(gen: AsyncGenerator<unknown>): Promise<void> {
  for await (const _ of gen);
}

interface Relationship {
  id: string;
  type: string;
  target: string;
}

/** A part's relationships (`dir/_rels/name.rels`), targets resolved to zip paths. */
async function relationships(zip: ZipParts, part: string): Promise<Relationship[]> {
  const dir = path.posix.dirname(part);
  const relsName = path.posix.join(dir, '_rels', `${path.posix.basename(part)}.rels`);
  if (!zip.has(relsName)) return [];
  const rels: Relationship[] = [];
  await drain(
    xmlPart(await zip.open(relsName), {
      open: (local, tag) => {
        if (local !== 'Relationship') return;
        const target = attr(tag.attributes, 'Target') ?? '';
        if (attr(tag.attributes, 'TargetMode') === 'External') return;
        rels.push({
          id: attr(tag.attributes, 'Id') ?? '',
          type: attr(tag.attributes, 'Type') ?? '',
          target: target.startsWith('/') ? target.slice(1) : path.posix.normalize(path.posix.join(dir, target)),
        });
      },
    }),
  );
  return rels;
}

const ofType = (rels: Relationship[], type: string) => rels.find((r) => r.type.endsWith(`/${type}`))?.target;

interface SheetEntry {
  name: string;
  state: string | undefined;
  part: string | undefined;
}

interface WorkbookParts {
  sheets: SheetEntry[];
  date1904: boolean;
  sharedStrings: string | undefined;
  styles: string | undefined;
}

async function workbookParts(zip: ZipParts): Promise<WorkbookParts> {
  const root = await relationships(zip, '');
  const book = ofType(root, 'officeDocument') ?? 'xl/workbook.xml';
  if (!zip.has(book)) throw new Error(`the zip has no workbook part (${book})`);
  const rels = await relationships(zip, book);
  const byId = new Map(rels.map((r) => [r.id, r.target]));
  const sheets: SheetEntry[] = [];
  let date1904 = false;
  await drain(
    xmlPart(await zip.open(book), {
      open: (local, tag) => {
        if (local === 'workbookPr') {
          const d = attr(tag.attributes, 'date1904');
          date1904 = d === '1' || d === 'true';
        } else if (local === 'sheet') {
          const rid = attr(tag.attributes, 'id', true);
          sheets.push({
            name: attr(tag.attributes, 'name') ?? `sheet ${sheets.length + 1}`,
            state: attr(tag.attributes, 'state'),
            part: rid === undefined ? undefined : byId.get(rid),
          });
        }
      },
    }),
  );
  const fallback = (name: string) => (zip.has(name) ? name : undefined);
  return {
    sheets,
    date1904,
    sharedStrings: ofType(rels, 'sharedStrings') ?? fallback('xl/sharedStrings.xml'),
    styles: ofType(rels, 'styles') ?? fallback('xl/styles.xml'),
  };
}

/** The number formats Excel has built in, by id (the ones a cell may name without defining). */
const BUILTIN_FORMATS: Record<number, string> = {
  1: '0',
  2: '0.00',
  3: '#,##0',
  4: '#,##0.00',
  9: '0%',
  10: '0.00%',
  11: '0.00E+00',
  12: '# ?/?',
  13: '# ??/??',
  14: 'mm-dd-yy',
  15: 'd-mmm-yy',
  16: 'd-mmm',
  17: 'mmm-yy',
  18: 'h:mm AM/PM',
  19: 'h:mm:ss AM/PM',
  20: 'h:mm',
  21: 'h:mm:ss',
  22: 'm/d/yy h:mm',
  27: 'yyyy"年"m"月"',
  30: 'm/d/yy',
  36: 'yyyy"年"m"月"',
  37: '#,##0 ;(#,##0)',
  38: '#,##0 ;[Red](#,##0)',
  39: '#,##0.00;(#,##0.00)',
  40: '#,##0.00;[Red](#,##0.00)',
  45: 'mm:ss',
  46: '[h]:mm:ss',
  47: 'mmss.0',
  48: '##0.0E+0',
  49: '@',
  50: 'yyyy"年"m"月"',
  57: 'yyyy"年"m"月"',
};

/** The number format of each cell style (cellXfs, by index). */
async function cellFormats(zip: ZipParts, part: string | undefined): Promise<Array<string | undefined>> {
  if (!part || !zip.has(part)) return [];
  const custom = new Map<number, string>();
  const xfs: number[] = [];
  let inCellXfs = false;
  await drain(
    xmlPart(await zip.open(part), {
      open: (local, tag) => {
        if (local === 'numFmt') {
          const id = Number(attr(tag.attributes, 'numFmtId'));
          const code = attr(tag.attributes, 'formatCode');
          if (Number.isInteger(id) && code !== undefined) custom.set(id, code);
        } else if (local === 'cellXfs') inCellXfs = true;
        else if (local === 'xf' && inCellXfs) xfs.push(Number(attr(tag.attributes, 'numFmtId') ?? 0));
      },
      close: (local) => {
        if (local === 'cellXfs') inCellXfs = false;
      },
    }),
  );
  return xfs.map((id) => custom.get(id) ?? BUILTIN_FORMATS[id]);
}

/** The workbook's shared strings, in order: the text of each item, phonetic runs left out. */
async function sharedStrings(zip: ZipParts, part: string | undefined): Promise<string[]> {
  if (!part || !zip.has(part)) return [];
  if (zip.size(part) > MAX_SHARED_STRINGS_BYTES)
    throw new Error(`its shared strings are too large (${Math.round(zip.size(part) / 1048576)} MB unpacked)`);
  const strings: string[] = [];
  let item: RunText | undefined;
  await drain(
    xmlPart(await zip.open(part), {
      open: (local) => {
        if (local === 'si') item = new RunText();
        else item?.open(local);
      },
      close: (local) => {
        if (local === 'si') {
          if (item) strings.push(item.value());
          item = undefined;
        } else item?.close(local);
      },
      text: (t) => item?.text(t),
    }),
  );
  return strings;
}

/** "AB12" -> 28 (the column number of a cell reference), or undefined. */
function columnOf(ref: string | undefined): number | undefined {
  if (!ref) return undefined;
  let col = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i) | 0x20;
    if (c < 0x61 || c > 0x7a) break;
    col = col * 26 + (c - 0x60);
  }
  return col || undefined;
}

/** A cell reference "B12" -> [row 12, column 2], or undefined. */
function cellRef(ref: string): [number, number] | undefined {
  const m = /^([A-Za-z]{1,3})(\d{1,7})$/.exec(ref);
  if (!m) return undefined;
  return [Number(m[2]), columnOf(m[1]) as number];
}

/** Cells merged downwards: for each row below a merge's first, the columns that take the first row's value. */
type DownMerges = Map<number, Array<{ col: number; from: number }>>;

/**
 * The sheet's merges that reach down (a title or a shelf written once for several rows), read before the
 * rows: <mergeCells> stands after <sheetData>, so the part is run through once more, unpacked but not parsed
 * (a scan for <mergeCell ref=...>), before it is streamed. Merges across only (banners) need nothing: the
 * cells they cover are empty anyway.
 */
async function downMerges(stream: Readable): Promise<DownMerges> {
  const out: DownMerges = new Map();
  const decoder = new StringDecoder('utf8');
  const tag = /<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]+\d+):([A-Za-z]+\d+)"/g;
  let carry = '';
  const scan = (text: string) => {
    tag.lastIndex = 0;
    let end = 0;
    for (let m = tag.exec(text); m; m = tag.exec(text)) {
      end = tag.lastIndex;
      const a = cellRef(m[1] as string);
      const b = cellRef(m[2] as string);
      if (!a || !b || b[0] <= a[0]) continue;
      // Beyond this a "merge" is a formatting accident, not a value meant for each row.
      for (let r = a[0] + 1; r <= Math.min(b[0], a[0] + 10_000); r++) {
        const list = out.get(r) ?? [];
        list.push({ col: a[1], from: a[0] });
        out.set(r, list);
      }
    }
    return end;
  };
  try {
    for await (const chunk of stream) {
      const text = carry + decoder.write(chunk as Buffer);
      const end = scan(text);
      // Keep what may be the start of a tag cut by the chunk's end.
      const tail = Math.max(end, text.length - 200);
      carry = text.slice(tail);
    }
    scan(carry + decoder.end());
  } finally {
    stream.destroy();
  }
  return out;
}

/** Fills the cells merged downwards with the value of the merge's first row (kept only while needed). */
async function* fillDown(rows: AsyncIterable<SheetRow>, merges: DownMerges): AsyncGenerator<SheetRow> {
  if (merges.size === 0) {
    yield* rows;
    return;
  }
  // The last row each merge's first row fills: its cells are let go after it.
  const lastOf = new Map<number, number>();
  for (const [r, list] of merges) for (const m of list) lastOf.set(m.from, Math.max(lastOf.get(m.from) ?? 0, r));
  const values = new Map<number, string[]>();
  for await (const row of rows) {
    const fill = merges.get(row.number);
    if (fill)
      for (const { col, from } of fill) {
        const v = values.get(from)?.[col - 1];
        if (v !== undefined && (row.cells[col - 1] ?? '') === '') row.cells[col - 1] = v;
      }
    if (lastOf.has(row.number)) values.set(row.number, row.cells);
    for (const from of values.keys())
      if ((lastOf.get(from) ?? 0) <= row.number && from !== row.number) values.delete(from);
    yield row;
  }
}

interface SheetRow {
  number: number;
  cells: string[];
}

interface SheetContext {
  strings: string[];
  formats: Array<string | undefined>;
  date1904: boolean;
}

/** The rows of a sheet part, each with its cells as the text Excel shows, streaming. */
function sheetXmlRows(stream: Readable, ctx: SheetContext): AsyncGenerator<SheetRow> {
  const out: SheetRow[] = [];
  let row: SheetRow | undefined;
  let lastRow = 0;
  let col = 0;
  let type = 'n';
  let style = 0;
  let value: string[] | undefined;
  let inline: RunText | undefined;
  let inV = false;
  const cellValue = (): CellValue => {
    const v = (value ?? []).join('');
    switch (type) {
      case 's': {
        const s = ctx.strings[Number(v)];
        return s ?? '';
      }
      case 'inlineStr':
        return inline?.value() ?? '';
      case 'str':
        return unescapeOoxml(v);
      case 'b':
        return v.trim() === '1' || v.trim().toLowerCase() === 'true';
      case 'e':
        return { error: v };
      case 'd': {
        if (!v) return '';
        const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v.length <= 10 ? `${v}T00:00:00` : v}Z`);
        return Number.isNaN(d.getTime()) ? v : d;
      }
      default: {
        if (v.trim() === '') return inline?.value() ?? '';
        const n = Number(v);
        if (!Number.isFinite(n)) return v;
        return isDateFormat(ctx.formats[style]) ? serialToDate(n, ctx.date1904) : n;
      }
    }
  };
  return xmlPart(stream, {
    out,
    open: (local, tag) => {
      switch (local) {
        case 'row': {
          const r = Number(attr(tag.attributes, 'r'));
          lastRow = Number.isInteger(r) && r > 0 ? r : lastRow + 1;
          row = { number: lastRow, cells: [] };
          col = 0;
          return;
        }
        case 'c':
          col = columnOf(attr(tag.attributes, 'r')) ?? col + 1;
          type = attr(tag.attributes, 't') ?? 'n';
          style = Number(attr(tag.attributes, 's') ?? 0) || 0;
          value = undefined;
          inline = undefined;
          return;
        case 'v':
          inV = true;
          value = [];
          return;
        case 'is':
          inline = new RunText();
          return;
        default:
          inline?.open(local);
      }
    },
    close: (local) => {
      switch (local) {
        case 'v':
          inV = false;
          return;
        case 'c': {
          if (!row) return;
          const fmt = ctx.formats[style];
          const text = cellText({ value: cellValue(), ...(fmt ? { numFmt: fmt } : {}) }, ctx.date1904);
          if (text !== '') row.cells[col - 1] = text;
          return;
        }
        case 'row':
          if (row) out.push(row);
          row = undefined;
          return;
        default:
          inline?.close(local);
      }
    },
    text: (t) => {
      if (inV) value?.push(t);
      else inline?.text(t);
    },
  });
}

async function* readSheet(input: Input, info: CsvFileInfo, options: SheetReadOptions): RowSource {
  info.encoding = 'utf-8';
  info.bom = false;
  yield* withZip(input, async function* (zip) {
    const book = await workbookParts(zip);
    if (book.sheets.length === 0) throw new Error('the workbook has no sheet');
    options.onSheets?.(
      book.sheets.map((s) => ({ name: s.name, hidden: s.state === 'hidden' || s.state === 'veryHidden' })),
    );
    const wanted = options.sheet?.trim().toLowerCase();
    const sheet =
      wanted === undefined ? book.sheets[0] : book.sheets.find((s) => s.name.trim().toLowerCase() === wanted);
    if (!sheet)
      throw new SheetNotFoundError(
        options.sheet ?? '',
        book.sheets.map((s) => s.name),
      );
    if (!sheet.part || !zip.has(sheet.part))
      throw new Error(`the sheet "${sheet.name}" has no part in the zip (${sheet.part ?? 'no relationship'})`);
    const ctx: SheetContext = {
      formats: await cellFormats(zip, book.styles),
      strings: await sharedStrings(zip, book.sharedStrings),
      date1904: book.date1904,
    };
    options.onSheet?.(sheet.name);
    const merges = await downMerges(await zip.open(sheet.part));
    yield* tableRows(fillDown(sheetXmlRows(await zip.open(sheet.part), ctx), merges));
  });
}

/** A sheet's non-blank rows, past any title block above the table. */
async function* tableRows(rows: AsyncIterable<SheetRow>): RowSource {
  const pending: RawRow[] = [];
  let table = false;
  for await (const row of rows) {
    const cells: string[] = [];
    for (let i = 0; i < row.cells.length; i++) cells[i] = repairMojibake((row.cells[i] ?? '').trim());
    const filled = cells.filter((c) => c !== '').length;
    if (filled === 0) continue;
    const out: RawRow = { cells, line: row.number, raw: cells.join('\t') };
    if (table) {
      yield out;
      continue;
    }
    // A title block (banner, library name, date printed) stands above the header: one cell per row.
    if (filled >= 2) {
      table = true;
      yield out;
      continue;
    }
    pending.push(out);
    if (pending.length >= TITLE_BLOCK_ROWS) {
      table = true;
      yield* pending;
    }
  }
  // A one-column sheet: every row was one cell, so there was no title block.
  if (!table) yield* pending;
}

const sheetInfo = (): CsvFileInfo => ({ encoding: 'utf-8', bom: false, delimiter: ',', header: undefined });

/** Bibliographic rows of a workbook's sheet: 'slims' for SLiMS columns, or a saved spreadsheet mapping. */
export function readBibsSheet(
  input: Input,
  mapping: SpreadsheetMapping | 'slims',
  options: SheetReadOptions & CsvReadOptions = {},
): AsyncGenerator<CsvBibResult> {
  const info = sheetInfo();
  return bibsFromRows(sheetRows(input, info, options), mapping, { info, checkWidth: false }, options);
}

/** Item-only rows (SLiMS item export columns, or barcode + biblio_id / ISBN / title) of a workbook's sheet. */
export function readItemsSheet(
  input: Input,
  options: SheetReadOptions & CsvReadOptions = {},
): AsyncGenerator<CsvItemResult> {
  const info = sheetInfo();
  return itemsFromRows(sheetRows(input, info, options), info, options);
}

/** The cells of a sheet's first rows (the preview and `mapping guess`). */
export async function readSheetHead(
  input: Input,
  opts: SheetReadOptions & { rows?: number } = {},
): Promise<string[][]> {
  return headOfRows(sheetRows(input, sheetInfo(), opts), opts.rows ?? 1);
}
