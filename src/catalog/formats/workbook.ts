/**
 * What the workbook readers (.xlsx in xlsx.ts, .ods in ods.ts, .xls in xls.ts) share: telling
 * a workbook by its first bytes, opening its zip from the central directory
 * with the limits that keep a zip bomb out, streaming one XML part through
 * saxes, choosing a sheet by name, the text of numbers and dates, passing over
 * a title block above the table, and handing the rows to the CSV path
 * (bibsFromRows / itemsFromRows) so SLiMS columns, saved mappings and the
 * preview behave the same for every kind of spreadsheet.
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

// ---------------------------------------------------------------- what the file is

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

/** The workbooks Simpul reads. */
export type WorkbookKind = 'xlsx' | 'ods' | 'xls';

export const isWorkbookKind = (kind: string | undefined): kind is WorkbookKind =>
  kind === 'xlsx' || kind === 'ods' || kind === 'xls';

/**
 * What kind of spreadsheet the first bytes are, if any. Zip entry names are
 * stored uncompressed in the local headers, so the head of the file shows
 * whether it is an Excel workbook or an OpenDocument one (whose first entry,
 * `mimetype`, is stored uncompressed too).
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
  const odf = /application\/vnd\.oasis\.opendocument\.([\w.-]+)/.exec(text);
  if (odf) return { kind: 'zip', reason: `an OpenDocument ${odf[1]} file, not a spreadsheet` };
  // Some writers pack the mimetype entry (compression method not 0), or store it later: the reader checks it.
  const packedMimetype = text.slice(30, 38) === 'mimetype' && (head[8] !== 0 || head[9] !== 0);
  const stored = text.slice(30, 38) === 'mimetype' && !packedMimetype;
  if (packedMimetype || (!stored && text.includes('content.xml') && text.includes('META-INF/manifest.xml')))
    return {
      kind: 'ods',
      reason: 'zip laid out as an OpenDocument file (mimetype, content.xml, META-INF/manifest.xml)',
    };
  return { kind: 'zip', reason: 'a zip archive that is not a spreadsheet' };
}

// ---------------------------------------------------------------- sheets

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

/** The index of the sheet asked for (the first when none is), told to the caller; SheetNotFoundError else. */
export function chooseSheet(sheets: WorkbookSheet[], options: SheetReadOptions): number {
  if (sheets.length === 0) throw new Error('the workbook has no sheet');
  options.onSheets?.(sheets.map((s) => ({ ...s })));
  const wanted = options.sheet?.trim().toLowerCase();
  const index = wanted === undefined ? 0 : sheets.findIndex((s) => s.name.trim().toLowerCase() === wanted);
  if (index < 0)
    throw new SheetNotFoundError(
      options.sheet ?? '',
      sheets.map((s) => s.name),
    );
  return index;
}

/** A workbook as bytes in memory or as a stream (text is refused: a zip is binary). */
export type WorkbookInput = AsyncIterable<Uint8Array> | Uint8Array | string;

// ---------------------------------------------------------------- cell text

const pad2 = (n: number) => String(n).padStart(2, '0');

/** A date cell is held as the UTC instant of the wall-clock time the sheet shows: YYYY-MM-DD, with HH:MM:SS if not midnight. */
export function dateText(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const day = `${String(d.getUTCFullYear()).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
  const h = d.getUTCHours();
  const m = d.getUTCMinutes();
  const s = d.getUTCSeconds();
  return h || m || s ? `${day} ${pad2(h)}:${pad2(m)}:${pad2(s)}` : day;
}

/** A number as typed: integers with every digit (a 13-digit ISBN), others to the 15 significant digits spreadsheets keep. */
export function numberText(n: number, numFmt?: string): string {
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

/** Excel's day count (1900 system; 1904 when the workbook says so) -> Date, as Excel shows it. */
export function serialToDate(serial: number, date1904: boolean): Date {
  const days = serial + (date1904 ? 1462 : 0) - 25569;
  return new Date(Math.round(days * 86400) * 1000);
}

/** Whether a number format shows a date (letters y m d h s outside quotes and brackets), as exceljs decides. */
export function isDateFormat(fmt: string | undefined): boolean {
  if (!fmt) return false;
  return /[ymdhMsb]+/.test(fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

// ---------------------------------------------------------------- the zip

/** Parts larger than this unpacked are refused (a sheet of a million full rows is far smaller). */
export const MAX_PART_BYTES = 2 * 1024 * 1024 * 1024;
/**
 * A part that unpacks to more than BOMB_MIN_BYTES and more than BOMB_RATIO times its packed size is a zip bomb:
 * sheet XML packs 10 to 40 times (an .ods content.xml of 100,000 rows: 34), deflate at most about 1,000.
 */
export const BOMB_RATIO = 200;
export const BOMB_MIN_BYTES = 256 * 1024 * 1024;
/** More entries than this is not a workbook. */
const MAX_ENTRIES = 100_000;

/** A zip read from its central directory: parts by name (case ignored), each opened as a stream. */
export interface ZipParts {
  has(name: string): boolean;
  /** The part's unpacked size as the zip's directory gives it (yauzl checks the stream against it). */
  size(name: string): number;
  open(name: string): Promise<Readable>;
}

const promised = <T>(fn: (cb: (err: Error | null, value?: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value as T))));

const mb = (n: number) => (n < 1048576 ? `${Math.ceil(n / 1024)} KB` : `${Math.round(n / 1048576)} MB`);

/** Why a part is not unpacked, if it is too large or packed suspiciously well. */
function partTooLarge(e: yauzl.Entry): string | undefined {
  if (e.uncompressedSize > MAX_PART_BYTES)
    return `its part ${e.fileName} is too large (${mb(e.uncompressedSize)} unpacked, at most ${mb(MAX_PART_BYTES)})`;
  if (e.uncompressedSize > BOMB_MIN_BYTES && e.uncompressedSize > BOMB_RATIO * Math.max(e.compressedSize, 1))
    return `its part ${e.fileName} unpacks from ${mb(e.compressedSize)} to ${mb(e.uncompressedSize)}: a zip bomb, not a workbook`;
  return undefined;
}

/**
 * Opens a workbook's zip. Bytes in memory are read in place; a stream is first written to a
 * temporary file (the zip's directory is at its end, and the parts are wanted in another order
 * than they are stored), so memory stays flat whatever the workbook's size. Each part is
 * checked against the limits before it is unpacked, and yauzl stops a stream that unpacks to
 * more than the directory says.
 */
export async function* withZip<T>(
  input: WorkbookInput,
  label: string,
  use: (zip: ZipParts) => AsyncGenerator<T>,
): AsyncGenerator<T> {
  if (typeof input === 'string') throw new Error('give the workbook as bytes or a stream, not text');
  let dir: string | undefined;
  let zipfile: yauzl.ZipFile | undefined;
  try {
    if (input instanceof Uint8Array) {
      const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
      zipfile = await promised<yauzl.ZipFile>((cb) => yauzl.fromBuffer(bytes, { lazyEntries: true }, cb));
    } else {
      dir = await mkdtemp(path.join(tmpdir(), `simpul-${label}-`));
      const file = path.join(dir, `workbook.${label}`);
      await pipeline(input instanceof Readable ? input : Readable.from(input), createWriteStream(file));
      zipfile = await promised<yauzl.ZipFile>((cb) => yauzl.open(file, { lazyEntries: true, autoClose: false }, cb));
    }
    const zf = zipfile;
    if (zf.entryCount > MAX_ENTRIES) throw new Error(`the zip has ${zf.entryCount} entries, too many for a workbook`);
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
        const tooLarge = partTooLarge(e);
        if (tooLarge) return Promise.reject(new Error(tooLarge));
        return promised<Readable>((cb) => zf.openReadStream(e, cb));
      },
    });
  } finally {
    zipfile?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

/** What the zip reader or inflate says about a damaged or cut file, by their messages. */
const DAMAGED =
  /central directory|local file header|bytes in the stream|size mismatch|overflows file bounds|unexpected (?:EOF|end of file)|^invalid (?:distance|code|block|literal|bit length|stored block|distances|window|header)|incorrect header check|unknown compression method|encrypted/i;

/**
 * The one error a workbook reader gives for a file it cannot read: `prefix` (what the file was taken for)
 * and the reason, a damaged zip said to be one in so many words.
 */
export function unreadableWorkbook(prefix: string, e: unknown): Error {
  const message = e instanceof Error ? e.message : String(e);
  return new Error(`${prefix}: ${DAMAGED.test(message) ? `the file is damaged or cut short (${message})` : message}`);
}

// ---------------------------------------------------------------- XML parts

export const localName = (qname: string) => qname.slice(qname.indexOf(':') + 1);

/** An attribute by its local name (`r:id` -> 'id' with a prefix), whatever prefix the writer used. */
export function attr(attributes: Record<string, string>, name: string, prefixed = false): string | undefined {
  for (const [k, v] of Object.entries(attributes)) {
    const colon = k.indexOf(':');
    if (prefixed ? colon > 0 && k.slice(colon + 1) === name && !k.startsWith('xmlns') : k === name) return v;
  }
  return undefined;
}

export interface SaxTag {
  name: string;
  attributes: Record<string, string>;
  isSelfClosing: boolean;
}

export interface SaxHandlers<T> {
  open?: (local: string, tag: SaxTag) => void;
  /** `name` is the element's name as written, prefix and all. */
  close?: (local: string, name: string) => void;
  text?: (text: string) => void;
  /** Filled by the handlers; drained after every chunk. */
  out?: T[];
  /** The part's name, put before the line and column of a well-formedness error. */
  fileName?: string;
}

/** Streams an XML part through saxes, handing out what the handlers put in `out` as it comes. */
export async function* xmlPart<T>(stream: Readable, h: SaxHandlers<T>): AsyncGenerator<T> {
  const parser = new SaxesParser({ xmlns: false, ...(h.fileName ? { fileName: h.fileName } : {}) });
  const out = h.out ?? [];
  if (h.open) {
    const open = h.open;
    parser.on('opentag', (tag) => open(localName(tag.name), tag as SaxTag));
  }
  if (h.close) {
    const close = h.close;
    parser.on('closetag', (tag) => close(localName(tag.name), tag.name));
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

export async function drain(gen: AsyncGenerator<unknown>): Promise<void> {
  for await (const _ of gen);
}

// ---------------------------------------------------------------- rows

/** One row of a sheet as the reader found it: its row number and the text of each cell ('' or a hole when empty). */
export interface SheetRow {
  number: number;
  cells: string[];
}

/** How many leading rows may be a title block before the table; past this, rows are taken as they are. */
const TITLE_BLOCK_ROWS = 20;

/** A sheet's non-blank rows, past any title block above the table. */
export async function* tableRows(rows: AsyncIterable<SheetRow>): RowSource {
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

/** Reads one sheet of a workbook as rows; `info` is filled in for the CSV path. */
export type SheetReader = (input: WorkbookInput, info: CsvFileInfo, options?: SheetReadOptions) => RowSource;

/** The CSV path's file facts for a sheet (encoding utf-8: a workbook's text is Unicode; the delimiter means nothing). */
export const sheetInfo = (): CsvFileInfo => ({ encoding: 'utf-8', bom: false, delimiter: ',', header: undefined });

/** Bibliographic rows of a workbook's sheet: 'slims' for SLiMS columns, or a saved spreadsheet mapping. */
export function bibsOfSheet(
  reader: SheetReader,
  input: WorkbookInput,
  mapping: SpreadsheetMapping | 'slims',
  options: SheetReadOptions & CsvReadOptions = {},
): AsyncGenerator<CsvBibResult> {
  const info = sheetInfo();
  return bibsFromRows(reader(input, info, options), mapping, { info, checkWidth: false }, options);
}

/** Item-only rows (SLiMS item export columns, or barcode + biblio_id / ISBN / title) of a workbook's sheet. */
export function itemsOfSheet(
  reader: SheetReader,
  input: WorkbookInput,
  options: SheetReadOptions & CsvReadOptions = {},
): AsyncGenerator<CsvItemResult> {
  const info = sheetInfo();
  return itemsFromRows(reader(input, info, options), info, options);
}

/** The cells of a sheet's first rows (the preview and `mapping guess`). */
export function headOfSheet(
  reader: SheetReader,
  input: WorkbookInput,
  opts: SheetReadOptions & { rows?: number } = {},
): Promise<string[][]> {
  return headOfRows(reader(input, sheetInfo(), opts), opts.rows ?? 1);
}
