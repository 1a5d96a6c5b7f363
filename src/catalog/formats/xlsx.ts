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
 *
 * The zip opening and its limits, the XML streaming, the sheet choice, the
 * title block and the hand-over to the CSV path are shared with the
 * OpenDocument reader (ods.ts) in workbook.ts.
 */

import path from 'node:path';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { CsvBibResult, CsvFileInfo, CsvItemResult, CsvReadOptions, RowSource, SpreadsheetMapping } from './csv.ts';
import {
  attr,
  bibsOfSheet,
  chooseSheet,
  dateText,
  drain,
  headOfSheet,
  isDateFormat,
  itemsOfSheet,
  numberText,
  SheetNotFoundError,
  type SheetReadOptions,
  type SheetRow,
  serialToDate,
  tableRows,
  unreadableWorkbook,
  type WorkbookInput,
  withZip,
  xmlPart,
  type ZipParts,
} from './workbook.ts';

export {
  SheetNotFoundError,
  type SheetReadOptions,
  type SpreadsheetKind,
  spreadsheetKind,
  type WorkbookSheet,
} from './workbook.ts';

type Input = WorkbookInput;

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

/**
 * The rows of one sheet as RawRows. `info` is filled in for the CSV path
 * (encoding utf-8: a workbook's text is Unicode; the delimiter means nothing).
 */
export async function* sheetRows(input: Input, info: CsvFileInfo, options: SheetReadOptions = {}): RowSource {
  try {
    yield* readSheet(input, info, options);
  } catch (e) {
    if (e instanceof SheetNotFoundError) throw e;
    throw unreadableWorkbook('not a readable Excel workbook (.xlsx)', e);
  }
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

/** Shared strings beyond this (uncompressed) are refused: they are held in memory while the sheet is read. */
const MAX_SHARED_STRINGS_BYTES = 512 * 1024 * 1024;

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
  yield* withZip(input, 'xlsx', async function* (zip) {
    const book = await workbookParts(zip);
    const index = chooseSheet(
      book.sheets.map((s) => ({ name: s.name, hidden: s.state === 'hidden' || s.state === 'veryHidden' })),
      options,
    );
    const sheet = book.sheets[index] as SheetEntry;
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

/** Bibliographic rows of a workbook's sheet: 'slims' for SLiMS columns, or a saved spreadsheet mapping. */
export function readBibsSheet(
  input: Input,
  mapping: SpreadsheetMapping | 'slims',
  options: SheetReadOptions & CsvReadOptions = {},
): AsyncGenerator<CsvBibResult> {
  return bibsOfSheet(sheetRows, input, mapping, options);
}

/** Item-only rows (SLiMS item export columns, or barcode + biblio_id / ISBN / title) of a workbook's sheet. */
export function readItemsSheet(
  input: Input,
  options: SheetReadOptions & CsvReadOptions = {},
): AsyncGenerator<CsvItemResult> {
  return itemsOfSheet(sheetRows, input, options);
}

/** The cells of a sheet's first rows (the preview and `mapping guess`). */
export function readSheetHead(input: Input, opts: SheetReadOptions & { rows?: number } = {}): Promise<string[][]> {
  return headOfSheet(sheetRows, input, opts);
}
