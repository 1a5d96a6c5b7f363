/**
 * Excel workbooks (.xlsx) -> the same rows the CSV reader gives, streaming.
 *
 * Libraries keep their holdings in Excel far more often than in CSV. A sheet
 * is read row by row with exceljs's streaming WorkbookReader (the zip is read
 * in order; a sheet stored before its shared strings is parked in a temporary
 * file by exceljs, not in memory), each cell turned into the text a librarian
 * sees in Excel, and the rows handed to the CSV path (bibsFromRows /
 * itemsFromRows), so SLiMS columns, saved mappings and the preview behave the
 * same for both. `line` is the sheet's own row number.
 *
 * Cells: numbers keep every digit (a 13-digit ISBN stored as a number is not
 * 9.78602E+12; a barcode column formatted "000000" gets its leading zeros
 * back), dates become YYYY-MM-DD, formulas give their cached result, rich text
 * and hyperlinks their text, errors (#N/A) nothing. Blank rows are skipped, and
 * a title block above the table (one-cell rows such as a merged "DAFTAR BUKU
 * PERPUSTAKAAN ..." banner) is passed over. Cells merged downwards are only
 * filled in their first row: exceljs reports merges after the rows, so a row
 * below a merged title is rejected as having no title.
 */
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
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
}

type Input = AsyncIterable<Uint8Array> | Uint8Array | string;

function toStream(input: Input): Readable {
  if (typeof input === 'string') throw new Error('give the workbook as bytes or a stream, not text');
  if (input instanceof Uint8Array) return Readable.from([Buffer.from(input)]);
  return input instanceof Readable ? input : Readable.from(input);
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** exceljs gives a date cell as the UTC instant of the wall-clock time Excel shows. */
function dateText(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const day = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
  const h = d.getUTCHours();
  const m = d.getUTCMinutes();
  const s = d.getUTCSeconds();
  return h || m || s ? `${day} ${pad2(h)}:${pad2(m)}:${pad2(s)}` : day;
}

/** Excel's day count (1900 system; 1904 when the workbook says so) -> Date, as exceljs does for plain cells. */
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

interface CellLike {
  value: ExcelJS.CellValue;
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
    if ('richText' in v && Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if ('error' in v) return '';
    if ('formula' in v || 'sharedFormula' in v) {
      const result = (v as { result?: unknown }).result;
      if (result === undefined || result === null) return '';
      if (typeof result === 'number' && isDateFormat(cell.numFmt)) return dateText(serialToDate(result, date1904));
      if (typeof result === 'object' && result !== null && 'error' in result) return '';
      return cellText({ value: result as ExcelJS.CellValue, ...(cell.numFmt ? { numFmt: cell.numFmt } : {}) });
    }
    if ('text' in v) {
      const text = (v as { text: unknown }).text;
      return typeof text === 'string'
        ? text
        : cellText({ value: text as ExcelJS.CellValue, ...(cell.numFmt ? { numFmt: cell.numFmt } : {}) });
    }
    if ('sharedString' in v) return '';
  }
  return String(v);
}

/** How many leading rows may be a title block before the table; past this, rows are taken as they are. */
const TITLE_BLOCK_ROWS = 20;

interface StreamRow {
  number: number;
  eachCell(opts: { includeEmpty: boolean }, fn: (cell: CellLike & { col: number }, col: number) => void): void;
}

interface StreamSheet extends AsyncIterable<StreamRow> {
  name?: string;
  state?: string;
}

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

/**
 * Workbooks up to this size that are already in memory (a preview's, a small upload's) are read from
 * the zip's directory instead of streamed: exceljs's streaming reader sometimes misses the zip's last
 * part while it parks a sheet in a temporary file, and when that part is xl/workbook.xml it fails with
 * "Cannot read properties of undefined (reading 'sheets')" (seen on a clean-clone CI run, 2026-12-02).
 */
const READ_WHOLE_UP_TO = 8 * 1024 * 1024;

/** A sheet of a workbook read whole, as the streaming reader's sheets: its rows in order, merged-over cells empty. */
function loadedSheet(ws: ExcelJS.Worksheet): StreamSheet {
  return {
    name: ws.name,
    state: ws.state,
    async *[Symbol.asyncIterator]() {
      for (let n = 1; n <= ws.rowCount; n++) {
        const row = ws.findRow(n);
        if (!row) continue;
        yield {
          number: row.number,
          eachCell: (opts, fn) =>
            row.eachCell(opts, (cell, col) => {
              if (cell.type !== ExcelJS.ValueType.Merge) fn(cell as unknown as CellLike & { col: number }, col);
            }),
        } as StreamRow;
      }
    },
  };
}

async function* readSheet(input: Input, info: CsvFileInfo, options: SheetReadOptions): RowSource {
  let sheets: AsyncIterator<StreamSheet>;
  let date1904: () => boolean;
  if (input instanceof Uint8Array && input.length <= READ_WHOLE_UP_TO) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(input) as unknown as ArrayBuffer);
    sheets = (async function* () {
      for (const ws of wb.worksheets) yield loadedSheet(ws);
    })();
    date1904 = () => Boolean((wb.properties as { date1904?: boolean } | undefined)?.date1904);
  } else {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(toStream(input), {
      sharedStrings: 'cache',
      styles: 'cache',
      hyperlinks: 'ignore',
      worksheets: 'emit',
      entries: 'emit',
    });
    sheets = (reader as unknown as AsyncIterable<StreamSheet>)[Symbol.asyncIterator]();
    date1904 = () => Boolean((reader as unknown as { properties?: { date1904?: boolean } }).properties?.date1904);
  }
  info.encoding = 'utf-8';
  info.bom = false;
  const wanted = options.sheet?.trim().toLowerCase();
  const seen: string[] = [];
  let found = false;
  try {
    for (;;) {
      const next = await sheets.next();
      if (next.done) break;
      const sheet = next.value;
      const name = sheet.name ?? `sheet ${seen.length + 1}`;
      seen.push(name);
      // A sheet not wanted is passed over unread (exceljs parses a sheet only as its rows are asked for).
      if (found || (wanted !== undefined && name.trim().toLowerCase() !== wanted)) {
        closeUnread(sheet);
        continue;
      }
      found = true;
      options.onSheet?.(name);
      yield* tableRows(sheet, date1904());
    }
  } finally {
    // exceljs parks a sheet stored before its shared strings in a temporary file and removes it only
    // when asked for the next sheet; a reader left early (the preview stops after its rows) would
    // leave the file behind for the server's lifetime. Asking on, without reading the sheets, removes them.
    try {
      for (;;) if ((await sheets.next()).done) break;
    } catch {
      // the workbook's own error, if any, was thrown above
    }
  }
  if (!found) {
    if (wanted !== undefined) throw new SheetNotFoundError(options.sheet ?? '', seen);
    throw new Error('the workbook has no sheet');
  }
}

/**
 * A parked sheet comes with a read stream on its temporary file, opening as it is handed over;
 * passed over, the file is removed, and the stream must not then fail to open unheard.
 */
function closeUnread(sheet: StreamSheet): void {
  const source = (sheet as { iterator?: unknown }).iterator;
  if (source instanceof Readable) {
    source.on('error', () => {});
    source.destroy();
  }
}

/** A sheet's non-blank rows, past any title block above the table. */
async function* tableRows(sheet: StreamSheet, date1904: boolean): RowSource {
  const pending: RawRow[] = [];
  let table = false;
  for await (const row of sheet) {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: false }, (cell, col) => {
      cells[col - 1] = repairMojibake(cellText(cell, date1904).trim());
    });
    for (let i = 0; i < cells.length; i++) cells[i] ??= '';
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
