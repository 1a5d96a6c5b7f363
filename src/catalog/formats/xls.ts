/**
 * Excel 97-2003 workbooks (.xls, BIFF8), read as the other workbooks are
 * (workbook.ts): the sheet's rows handed to the CSV path, so SLiMS columns,
 * saved mappings and the preview behave the same. Many libraries still keep
 * their lists in .xls: older Excel, WPS Office and SLiMS-era templates save it.
 *
 * An .xls is an OLE2 compound file (MS-CFB): a small FAT file system whose
 * "Workbook" stream holds BIFF8 records. The compound file is read from its
 * sector chains (regular and mini), the workbook globals give the sheets
 * (BOUNDSHEET8), the shared strings (SST, continued over CONTINUE records),
 * the number formats (FORMAT, XF) and the date system (DATEMODE); the sheet
 * wanted gives its cells: LABELSST, LABEL, RSTRING, NUMBER, RK, MULRK,
 * BOOLERR and FORMULA with its cached result (a STRING record after it for
 * text). Vertical merges are filled down as in the other readers.
 *
 * The file is read whole (random access into sectors, at most MAX_XLS_BYTES;
 * a sheet is at most 65,536 rows by 256 columns, so its cells are held while
 * it is read). BIFF5 files (Excel 5/95), password-protected workbooks (FILEPASS)
 * and compound files that are not workbooks (a Word .doc) are refused with
 * what to do.
 */
import type { CsvBibResult, CsvFileInfo, CsvItemResult, CsvReadOptions, RowSource, SpreadsheetMapping } from './csv.ts';
import {
  bibsOfSheet,
  chooseSheet,
  dateText,
  headOfSheet,
  isDateFormat,
  itemsOfSheet,
  numberText,
  SheetNotFoundError,
  type SheetReadOptions,
  type SheetRow,
  serialToDate,
  tableRows,
  type WorkbookInput,
} from './workbook.ts';

/** Larger than this is not an .xls a library keeps (Excel's own limit of 65,536 rows fits in far less). */
export const MAX_XLS_BYTES = 256 * 1024 * 1024;

const ENDOFCHAIN = 0xfffffffe;
const FREESECT = 0xffffffff;
const OLE2_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** Thrown for a file that is not read; the message says why and what to do. */
class XlsError extends Error {}

// ---------------------------------------------------------------- the compound file

interface DirEntry {
  name: string;
  type: number;
  start: number;
  size: number;
}

/** The streams of an OLE2 compound file, by name (case ignored). */
export function compoundStreams(buf: Buffer): Map<string, () => Buffer> {
  if (buf.length < 512 || !OLE2_MAGIC.every((x, i) => buf[i] === x))
    throw new XlsError('not an OLE2 compound file (no .xls signature)');
  const shift = buf.readUInt16LE(0x1e);
  if (shift !== 9 && shift !== 12) throw new XlsError(`the compound file has an unknown sector size (2^${shift})`);
  const sectorSize = 1 << shift;
  const miniShift = buf.readUInt16LE(0x20);
  const miniSize = 1 << miniShift;
  const fatSectors = buf.readUInt32LE(0x2c);
  const firstDir = buf.readUInt32LE(0x30);
  const miniCutoff = buf.readUInt32LE(0x38);
  const firstMiniFat = buf.readUInt32LE(0x3c);
  let difatSector = buf.readUInt32LE(0x44);
  const sectorCount = Math.floor((buf.length - sectorSize) / sectorSize) + 1;
  const sectorAt = (n: number): Buffer => {
    const at = (n + 1) * sectorSize;
    if (n >= sectorCount + 1 || at >= buf.length)
      throw new XlsError('the file is damaged or cut short (a sector past its end)');
    return buf.subarray(at, Math.min(at + sectorSize, buf.length));
  };
  // The FAT's own sectors: 109 in the header, the rest in DIFAT sectors.
  const fatList: number[] = [];
  for (let i = 0; i < 109 && fatList.length < fatSectors; i++) fatList.push(buf.readUInt32LE(0x4c + i * 4));
  for (let guard = 0; fatList.length < fatSectors && difatSector !== ENDOFCHAIN && difatSector !== FREESECT; guard++) {
    if (guard > sectorCount) throw new XlsError('the file is damaged (its DIFAT chain loops)');
    const s = sectorAt(difatSector);
    const per = sectorSize / 4 - 1;
    for (let i = 0; i < per && fatList.length < fatSectors; i++) fatList.push(s.readUInt32LE(i * 4));
    difatSector = s.readUInt32LE(per * 4);
  }
  const perSector = sectorSize / 4;
  const fat = new Uint32Array(fatList.length * perSector);
  fatList.forEach((sec, i) => {
    const s = sectorAt(sec);
    for (let j = 0; j < perSector && j * 4 + 4 <= s.length; j++) fat[i * perSector + j] = s.readUInt32LE(j * 4);
  });
  const chain = (start: number, table: Uint32Array, limit: number): number[] => {
    const out: number[] = [];
    for (let n = start; n !== ENDOFCHAIN; n = table[n] as number) {
      if (n === FREESECT || n >= table.length || out.length > limit)
        throw new XlsError('the file is damaged or cut short (a broken sector chain)');
      out.push(n);
    }
    return out;
  };
  const readChain = (start: number, size: number): Buffer => {
    if (size === 0) return Buffer.alloc(0);
    const parts = chain(start, fat, sectorCount).map(sectorAt);
    const whole = Buffer.concat(parts);
    if (whole.length < size) throw new XlsError('the file is damaged or cut short (a stream ends early)');
    return whole.subarray(0, size);
  };
  // The directory: 128-byte entries in the directory's chain.
  const dirBytes = Buffer.concat(chain(firstDir, fat, sectorCount).map(sectorAt));
  const entries: DirEntry[] = [];
  for (let at = 0; at + 128 <= dirBytes.length; at += 128) {
    const nameLength = dirBytes.readUInt16LE(at + 0x40);
    const type = dirBytes[at + 0x42] as number;
    if (type === 0) continue;
    const name = dirBytes.toString('utf16le', at, at + Math.max(0, Math.min(64, nameLength) - 2));
    // Version 3 files keep only the low 32 bits of the size.
    const size = dirBytes.readUInt32LE(at + 0x78);
    entries.push({ name, type, start: dirBytes.readUInt32LE(at + 0x74), size });
  }
  const root = entries.find((e) => e.type === 5);
  if (!root) throw new XlsError('the file is damaged (its compound file has no root entry)');
  let mini: { fat: Uint32Array; stream: Buffer } | undefined;
  const miniParts = () => {
    if (mini) return mini;
    const miniFatBytes =
      firstMiniFat === ENDOFCHAIN || firstMiniFat === FREESECT
        ? Buffer.alloc(0)
        : Buffer.concat(chain(firstMiniFat, fat, sectorCount).map(sectorAt));
    const table = new Uint32Array(Math.floor(miniFatBytes.length / 4));
    for (let i = 0; i < table.length; i++) table[i] = miniFatBytes.readUInt32LE(i * 4);
    mini = { fat: table, stream: readChain(root.start, root.size) };
    return mini;
  };
  const streams = new Map<string, () => Buffer>();
  for (const e of entries) {
    if (e.type !== 2) continue;
    streams.set(e.name.toLowerCase(), () => {
      if (e.size >= miniCutoff) return readChain(e.start, e.size);
      const m = miniParts();
      const out = Buffer.alloc(e.size);
      let filled = 0;
      for (const n of chain(e.start, m.fat, m.fat.length)) {
        const at = n * miniSize;
        if (at + miniSize > m.stream.length && at + (e.size - filled) > m.stream.length)
          throw new XlsError('the file is damaged or cut short (a mini sector past the end)');
        filled += m.stream.copy(out, filled, at, at + Math.min(miniSize, e.size - filled));
        if (filled >= e.size) break;
      }
      if (filled < e.size) throw new XlsError('the file is damaged or cut short (a stream ends early)');
      return out;
    });
  }
  return streams;
}

// ---------------------------------------------------------------- BIFF8 records

interface BiffRecord {
  type: number;
  data: Buffer;
  /** Where the record starts in the stream. */
  at: number;
}

function* records(stream: Buffer, from = 0): Generator<BiffRecord> {
  let at = from;
  while (at + 4 <= stream.length) {
    const type = stream.readUInt16LE(at);
    const length = stream.readUInt16LE(at + 2);
    if (at + 4 + length > stream.length) throw new XlsError('the file is damaged or cut short (a record past the end)');
    yield { type, data: stream.subarray(at + 4, at + 4 + length), at };
    at += 4 + length;
  }
}

const BOF = 0x0809;
const EOF = 0x000a;
const CONTINUE = 0x003c;
const FILEPASS = 0x002f;
const DATEMODE = 0x0022;
const FORMAT = 0x041e;
const XF = 0x00e0;
const BOUNDSHEET = 0x0085;
const SST = 0x00fc;
const LABELSST = 0x00fd;
const LABEL = 0x0204;
const RSTRING = 0x00d6;
const NUMBER = 0x0203;
const RK = 0x027e;
const MULRK = 0x00bd;
const BOOLERR = 0x0205;
const FORMULA = 0x0006;
const STRING = 0x0207;
const MERGECELLS = 0x00e5;

/**
 * Reads Unicode strings from a record and the CONTINUE records after it: a string's characters may go on in
 * the next fragment, which then starts with its own option byte (compressed Latin-1 or UTF-16).
 */
class Fragments {
  private i = 0;
  private at = 0;
  constructor(private readonly parts: Buffer[]) {}

  private get part(): Buffer {
    return this.parts[this.i] as Buffer;
  }

  private ensure(): void {
    while (this.i < this.parts.length && this.at >= this.part.length) {
      this.i++;
      this.at = 0;
    }
    if (this.i >= this.parts.length) throw new XlsError('the file is damaged (a string runs past its record)');
  }

  get done(): boolean {
    let i = this.i;
    let at = this.at;
    while (i < this.parts.length && at >= (this.parts[i] as Buffer).length) {
      i++;
      at = 0;
    }
    return i >= this.parts.length;
  }

  u8(): number {
    this.ensure();
    return this.part[this.at++] as number;
  }

  u16(): number {
    return this.u8() | (this.u8() << 8);
  }

  u32(): number {
    return (this.u16() | (this.u16() << 16)) >>> 0;
  }

  skip(n: number): void {
    let left = n;
    while (left > 0) {
      this.ensure();
      const step = Math.min(left, this.part.length - this.at);
      this.at += step;
      left -= step;
    }
  }

  /** An XLUnicodeString body: `cch` characters after the option byte (read here), across fragments. */
  chars(cch: number, options: number): string {
    let wide = (options & 1) === 1;
    let out = '';
    let left = cch;
    while (left > 0) {
      if (this.at >= this.part.length) {
        this.i++;
        this.at = 0;
        if (this.i >= this.parts.length) throw new XlsError('the file is damaged (a string runs past its record)');
        // The continued characters have an option byte of their own.
        wide = ((this.part[this.at++] as number) & 1) === 1;
        continue;
      }
      const size = wide ? 2 : 1;
      const n = Math.min(left, Math.floor((this.part.length - this.at) / size));
      if (n === 0) throw new XlsError('the file is damaged (half a character at a record end)');
      out += this.part.toString(wide ? 'utf16le' : 'latin1', this.at, this.at + n * size);
      this.at += n * size;
      left -= n;
    }
    return out;
  }

  /** XLUnicodeRichExtendedString (SST entries): formatting runs and phonetic data skipped. */
  richString(): string {
    const cch = this.u16();
    const options = this.u8();
    const runs = options & 0x08 ? this.u16() : 0;
    const ext = options & 0x04 ? this.u32() : 0;
    const text = this.chars(cch, options);
    this.skip(runs * 4 + ext);
    return text;
  }

  /** XLUnicodeString (16-bit count). */
  string(): string {
    const cch = this.u16();
    return this.chars(cch, this.u8());
  }
}

/** A record with the CONTINUE records that follow it. */
function withContinues(list: BiffRecord[], index: number): Buffer[] {
  const parts = [(list[index] as BiffRecord).data];
  for (let j = index + 1; j < list.length && (list[j] as BiffRecord).type === CONTINUE; j++)
    parts.push((list[j] as BiffRecord).data);
  return parts;
}

/** An RK number: a 30-bit integer or the high 30 bits of a double, either maybe divided by 100. */
export function rkNumber(rk: number): number {
  let n: number;
  if (rk & 0x02) n = (rk | 0) >> 2;
  else {
    const b = Buffer.alloc(8);
    b.writeUInt32LE((rk & 0xfffffffc) >>> 0, 4);
    n = b.readDoubleLE(0);
  }
  return rk & 0x01 ? n / 100 : n;
}

/** Excel's built-in number formats that show dates or times. */
const BUILTIN_DATE_FORMATS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56,
  57, 58,
]);
/** Built-in formats that keep leading zeros (none among 0-49 but "0"). */
const BUILTIN_FORMATS: Record<number, string> = { 1: '0' };

interface Book {
  sheets: Array<{ name: string; hidden: boolean; offset: number; kind: number }>;
  strings: string[];
  /** Per XF index: the number format's code and whether it shows a date. */
  xfs: Array<{ fmt: string | undefined; date: boolean }>;
  date1904: boolean;
}

function readBook(stream: Buffer): Book {
  const list: BiffRecord[] = [];
  for (const r of records(stream)) {
    list.push(r);
    if (r.type === EOF) break;
  }
  const bof = list[0];
  if (!bof || bof.type !== BOF) {
    if (bof && (bof.type === 0x0409 || bof.type === 0x0209 || bof.type === 0x0009))
      throw new XlsError('an Excel 2-4 worksheet, older than Excel 97: save it as .xlsx, .ods or CSV');
    throw new XlsError('the Workbook stream does not start with a BIFF record: the file is damaged');
  }
  const version = bof.data.readUInt16LE(0);
  if (version !== 0x0600)
    throw new XlsError('an Excel 5.0/95 workbook (BIFF5), older than Excel 97: save it as .xlsx, .ods or CSV');
  const book: Book = { sheets: [], strings: [], xfs: [], date1904: false };
  const formats = new Map<number, string>();
  const xfFormats: number[] = [];
  for (let i = 0; i < list.length; i++) {
    const r = list[i] as BiffRecord;
    switch (r.type) {
      case FILEPASS:
        throw new XlsError(
          'the workbook is password-protected: open it in Excel, remove the password and save it again',
        );
      case DATEMODE:
        book.date1904 = r.data.readUInt16LE(0) === 1;
        break;
      case FORMAT: {
        const f = new Fragments(withContinues(list, i));
        const id = f.u16();
        formats.set(id, f.string());
        break;
      }
      case XF:
        xfFormats.push(r.data.readUInt16LE(2));
        break;
      case BOUNDSHEET: {
        const offset = r.data.readUInt32LE(0);
        const state = (r.data[4] as number) & 0x03;
        const kind = r.data[5] as number;
        const cch = r.data[6] as number;
        const wide = ((r.data[7] as number) & 1) === 1;
        const name = r.data.toString(wide ? 'utf16le' : 'latin1', 8, 8 + cch * (wide ? 2 : 1));
        book.sheets.push({ name, hidden: state !== 0, offset, kind });
        break;
      }
      case SST: {
        const f = new Fragments(withContinues(list, i));
        f.u32();
        const unique = f.u32();
        for (let k = 0; k < unique && !f.done; k++) book.strings.push(f.richString());
        break;
      }
    }
  }
  book.xfs = xfFormats.map((id) => {
    const fmt = formats.get(id) ?? BUILTIN_FORMATS[id];
    return { fmt, date: BUILTIN_DATE_FORMATS.has(id) || (formats.has(id) && isDateFormat(fmt)) };
  });
  return book;
}

/** The cells of one sheet, row by row (1-based row numbers), vertical merges filled down. */
function readCells(stream: Buffer, book: Book, offset: number): SheetRow[] {
  const rows = new Map<number, string[]>();
  const put = (row: number, col: number, text: string) => {
    let cells = rows.get(row);
    if (!cells) {
      cells = [];
      rows.set(row, cells);
    }
    cells[col] = text;
  };
  const numberCell = (n: number, xf: number) => {
    const x = book.xfs[xf];
    return x?.date ? dateText(serialToDate(n, book.date1904)) : numberText(n, x?.fmt);
  };
  const list: BiffRecord[] = [];
  let first = true;
  for (const r of records(stream, offset)) {
    if (first) {
      if (r.type !== BOF) throw new XlsError('the sheet does not start where the workbook says: the file is damaged');
      first = false;
      continue;
    }
    if (r.type === EOF) break;
    list.push(r);
  }
  const merges: Array<{ from: number; to: number; col: number }> = [];
  for (let i = 0; i < list.length; i++) {
    const r = list[i] as BiffRecord;
    const d = r.data;
    switch (r.type) {
      case LABELSST:
        put(d.readUInt16LE(0), d.readUInt16LE(2), book.strings[d.readUInt32LE(6)] ?? '');
        break;
      case LABEL:
      case RSTRING: {
        const f = new Fragments(withContinues(list, i));
        const row = f.u16();
        const col = f.u16();
        f.u16();
        put(row, col, f.string());
        break;
      }
      case NUMBER:
        put(d.readUInt16LE(0), d.readUInt16LE(2), numberCell(d.readDoubleLE(6), d.readUInt16LE(4)));
        break;
      case RK:
        put(d.readUInt16LE(0), d.readUInt16LE(2), numberCell(rkNumber(d.readUInt32LE(6)), d.readUInt16LE(4)));
        break;
      case MULRK: {
        const row = d.readUInt16LE(0);
        const col = d.readUInt16LE(2);
        const n = Math.floor((d.length - 6) / 6);
        for (let k = 0; k < n; k++)
          put(row, col + k, numberCell(rkNumber(d.readUInt32LE(4 + k * 6 + 2)), d.readUInt16LE(4 + k * 6)));
        break;
      }
      case BOOLERR:
        // An error value (#N/A, #DIV/0!) is no value: the cell is left empty, as the other readers do.
        if (d[7] === 0) put(d.readUInt16LE(0), d.readUInt16LE(2), d[6] ? 'TRUE' : 'FALSE');
        break;
      case FORMULA: {
        const row = d.readUInt16LE(0);
        const col = d.readUInt16LE(2);
        if (d.readUInt16LE(12) !== 0xffff) {
          put(row, col, numberCell(d.readDoubleLE(6), d.readUInt16LE(4)));
          break;
        }
        const kind = d[6];
        if (kind === 1) put(row, col, d[8] ? 'TRUE' : 'FALSE');
        else if (kind === 0) {
          // The text result is the STRING record after the formula (a shared or array formula may come between).
          for (let j = i + 1; j < list.length && j <= i + 3; j++) {
            if ((list[j] as BiffRecord).type === STRING) {
              put(row, col, new Fragments(withContinues(list, j)).string());
              break;
            }
          }
        }
        break;
      }
      case MERGECELLS: {
        const count = d.readUInt16LE(0);
        for (let k = 0; k < count && 2 + k * 8 + 8 <= d.length; k++) {
          const at = 2 + k * 8;
          const from = d.readUInt16LE(at);
          const to = d.readUInt16LE(at + 2);
          if (to > from) merges.push({ from, to: Math.min(to, from + 10_000), col: d.readUInt16LE(at + 4) });
        }
        break;
      }
    }
  }
  for (const m of merges) {
    const v = rows.get(m.from)?.[m.col];
    if (v === undefined || v === '') continue;
    for (let r = m.from + 1; r <= m.to; r++) {
      const cells = rows.get(r);
      if (cells && (cells[m.col] ?? '') === '') cells[m.col] = v;
      else if (!cells) {
        const fresh: string[] = [];
        fresh[m.col] = v;
        rows.set(r, fresh);
      }
    }
  }
  return [...rows.keys()]
    .sort((a, b) => a - b)
    .map((r) => {
      const src = rows.get(r) as string[];
      const cells: string[] = [];
      for (let c = 0; c < src.length; c++) cells[c] = src[c] ?? '';
      return { number: r + 1, cells };
    });
}

async function bytesOf(input: WorkbookInput): Promise<Buffer> {
  if (typeof input === 'string') throw new Error('give the workbook as bytes or a stream, not text');
  if (input instanceof Uint8Array) return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    size += chunk.byteLength;
    if (size > MAX_XLS_BYTES)
      throw new XlsError(`the file is larger than ${MAX_XLS_BYTES / 1048576} MB, too large for an .xls workbook`);
    parts.push(Buffer.from(chunk));
  }
  return Buffer.concat(parts);
}

async function* sheetOf(input: WorkbookInput, info: CsvFileInfo, options: SheetReadOptions): AsyncGenerator<SheetRow> {
  info.encoding = 'utf-8';
  info.bom = false;
  const streams = compoundStreams(await bytesOf(input));
  const workbook = streams.get('workbook');
  if (!workbook) {
    if (streams.has('book'))
      throw new XlsError('an Excel 5.0/95 workbook, older than Excel 97: save it as .xlsx, .ods or CSV');
    if (streams.has('worddocument')) throw new XlsError('a Word document (.doc), not a workbook');
    throw new XlsError('an OLE2 compound file without a Workbook stream: not an Excel workbook');
  }
  const stream = workbook();
  const book = readBook(stream);
  const sheets = book.sheets.filter((s) => s.kind === 0);
  const index = chooseSheet(
    sheets.map((s) => ({ name: s.name, hidden: s.hidden })),
    options,
  );
  const sheet = sheets[index] as Book['sheets'][number];
  options.onSheet?.(sheet.name);
  if (sheet.offset >= stream.length) throw new XlsError('the file is damaged (a sheet past the end of the workbook)');
  yield* readCells(stream, book, sheet.offset);
}

/** The rows of one sheet of an .xls workbook as RawRows (past any title block above the table). */
export async function* xlsSheetRows(
  input: WorkbookInput,
  info: CsvFileInfo,
  options: SheetReadOptions = {},
): RowSource {
  try {
    yield* tableRows(sheetOf(input, info, options));
  } catch (e) {
    if (e instanceof SheetNotFoundError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    const damaged = e instanceof RangeError ? `the file is damaged or cut short (${message})` : message;
    throw new Error(`not a readable Excel 97-2003 workbook (.xls): ${damaged}`);
  }
}

/** Bibliographic rows of an .xls sheet: 'slims' for SLiMS columns, or a saved spreadsheet mapping. */
export function readBibsXls(
  input: WorkbookInput,
  mapping: SpreadsheetMapping | 'slims',
  options: SheetReadOptions & CsvReadOptions = {},
): AsyncGenerator<CsvBibResult> {
  return bibsOfSheet(xlsSheetRows, input, mapping, options);
}

/** Item-only rows of an .xls sheet. */
export function readItemsXls(
  input: WorkbookInput,
  options: SheetReadOptions & CsvReadOptions = {},
): AsyncGenerator<CsvItemResult> {
  return itemsOfSheet(xlsSheetRows, input, options);
}

/** The cells of an .xls sheet's first rows (the preview and `mapping guess`). */
export function readXlsHead(
  input: WorkbookInput,
  opts: SheetReadOptions & { rows?: number } = {},
): Promise<string[][]> {
  return headOfSheet(xlsSheetRows, input, opts);
}
