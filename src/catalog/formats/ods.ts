/**
 * OpenDocument spreadsheets (.ods: LibreOffice Calc, also written by Excel,
 * Google Sheets, OnlyOffice and WPS) -> the same rows the CSV reader gives,
 * streaming.
 *
 * The zip is opened as for .xlsx (workbook.ts: from its central directory,
 * a stream spooled to a temporary file, every part checked against the zip
 * bomb limits). The package is checked first: its `mimetype` says spreadsheet,
 * it has a content.xml, and the manifest does not say content.xml is
 * encrypted (a password-protected file). The whole workbook is in
 * content.xml, `office:spreadsheet` > `table:table` (one per sheet) >
 * `table:table-row` > `table:table-cell`. It is read twice, never held whole:
 * first scanned unparsed for the sheets' names (and the table styles that hide
 * a sheet), so the sheets are known before any is read and a sheet can be
 * chosen by name as in a workbook; then streamed through saxes up to the end
 * of the sheet wanted.
 *
 * Repeats: LibreOffice writes runs of identical cells or rows once with
 * `table:number-columns-repeated` / `table:number-rows-repeated`, and ends
 * every row with an empty cell repeated to column 16,384 (or 1,024) and every
 * sheet with an empty row repeated to row 1,048,576. Empty repeats only move
 * the column or row count on; a repeated row with something in it is handed
 * on as many times as it stands (identical copies one after another are
 * real). A cell past column 16,384 or a row past row 1,048,576 with anything
 * in it makes the sheet unreadable instead of expanding into millions.
 *
 * Cells get the text xlsx.ts gives: numbers (float, percentage, currency) from
 * `office:value` as typed, every digit of an ISBN kept, leading zeros kept
 * when the cell shows them (a barcode formatted 000000); dates
 * `office:date-value` as YYYY-MM-DD (with HH:MM:SS when there is a time);
 * times HH:MM:SS; booleans TRUE/FALSE; formulas their cached value; error
 * results (#N/A) nothing; text from the `text:p` paragraphs joined by a line
 * break, `text:s` (with its `text:c` count), `text:tab` and `text:line-break`
 * as the characters they stand for, `text:span` and `text:a` as their text,
 * comments (`office:annotation`) and shapes left out. Covered cells
 * (`table:covered-table-cell`, under a merge) are empty; a cell merged
 * downwards (`table:number-rows-spanned`) gives its value to the rows it
 * covers, as a merge does in a workbook. Then, as for a workbook: blank rows
 * skipped, a title block above the table passed over, `line` the sheet's own
 * row number.
 *
 * Element names are matched with the prefixes the root element declares for
 * the ODF namespaces (every writer uses office:, table:, text:).
 */
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
  itemsOfSheet,
  numberText,
  SheetNotFoundError,
  type SheetReadOptions,
  type SheetRow,
  tableRows,
  unreadableWorkbook,
  type WorkbookInput,
  type WorkbookSheet,
  withZip,
  xmlPart,
  type ZipParts,
} from './workbook.ts';

const MIMETYPE = 'application/vnd.oasis.opendocument.spreadsheet';
const CONTENT = 'content.xml';
const MANIFEST = 'META-INF/manifest.xml';

/** The most rows and columns a sheet has (LibreOffice's and Excel's limits); nothing past them is read. */
export const MAX_ROWS = 1_048_576;
export const MAX_COLUMNS = 16_384;
/** A merge reaching further down than this is a formatting accident, not a value meant for each row (as in xlsx.ts). */
const MAX_FILL_ROWS = 10_000;
/** Merges reaching down at one time, at most (a real sheet has a few; a crafted one could have millions). */
const MAX_FILLS = 10_000;
/** `text:s text:c="…"` beyond this is not spacing. */
const MAX_SPACES = 1_000;

const NS = {
  office: 'urn:oasis:names:tc:opendocument:xmlns:office:1.0',
  table: 'urn:oasis:names:tc:opendocument:xmlns:table:1.0',
  text: 'urn:oasis:names:tc:opendocument:xmlns:text:1.0',
  draw: 'urn:oasis:names:tc:opendocument:xmlns:drawing:1.0',
  calcext: 'urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0',
} as const;

type Prefixes = Record<keyof typeof NS, string>;

/** The prefixes the root element binds to the ODF namespaces, the usual ones where it binds none. */
function prefixesOf(attributes: Record<string, string>): Prefixes {
  const out: Prefixes = { office: 'office', table: 'table', text: 'text', draw: 'draw', calcext: 'calcext' };
  for (const [k, v] of Object.entries(attributes)) {
    if (k !== 'xmlns' && !k.startsWith('xmlns:')) continue;
    const prefix = k === 'xmlns' ? '' : k.slice(6);
    for (const key of Object.keys(NS) as Array<keyof typeof NS>) if (NS[key] === v) out[key] = prefix;
  }
  return out;
}

const qname = (prefix: string, local: string) => (prefix ? `${prefix}:${local}` : local);

/** A repeat or span count: a whole number from 1, else `fallback`. */
function count(value: string | undefined, fallback = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? n : fallback;
}

// ---------------------------------------------------------------- cell values

/** `office:date-value` (2024-03-05, 2024-03-05T10:30:00.5) -> the text a workbook's date cell gives. */
export function odfDateText(value: string | undefined): string | undefined {
  const m = /^(-?\d{4,})-(\d{1,2})-(\d{1,2})(?:T(\d{1,2}):(\d{1,2})(?::(\d{1,2})(\.\d*)?)?)?/.exec(value?.trim() ?? '');
  if (!m) return undefined;
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  d.setUTCHours(Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), Math.round(Number(`0${m[7] ?? ''}`) * 1000));
  // To the second, as a workbook's date serial is read.
  return dateText(new Date(Math.round(d.getTime() / 1000) * 1000));
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `office:time-value`, an ISO duration (PT10H30M00S, PT36H00M00.5S, P1DT2H) -> HH:MM:SS. */
export function odfTimeText(value: string | undefined): string | undefined {
  const m = /^(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d*)?)S)?)?$/.exec(value?.trim() ?? '');
  if (!m) return undefined;
  const secs = Math.round(
    Number(m[2] ?? 0) * 86400 + Number(m[3] ?? 0) * 3600 + Number(m[4] ?? 0) * 60 + Number(m[5] ?? 0),
  );
  const h = Math.floor(secs / 3600);
  return `${m[1] && secs ? '-' : ''}${pad2(h)}:${pad2(Math.floor((secs % 3600) / 60))}:${pad2(secs % 60)}`;
}

/** What a cell says about its value (its `office:*` attributes) and the text it shows. */
export interface OdsCell {
  type: string | undefined;
  value?: string | undefined;
  dateValue?: string | undefined;
  timeValue?: string | undefined;
  booleanValue?: string | undefined;
  stringValue?: string | undefined;
  /** A formula whose result is an error (LibreOffice's calcext:value-type="error"). */
  error?: boolean;
  /** The cell's paragraphs as shown, joined by LF. */
  shown: string;
}

/** The text of an .ods cell, by the conventions of xlsx.ts's cellText. */
export function odsCellText(cell: OdsCell): string {
  if (cell.error) return '';
  const shown = cell.shown;
  switch (cell.type) {
    case 'float':
    case 'percentage':
    case 'currency': {
      const n = cell.value === undefined || cell.value.trim() === '' ? Number.NaN : Number(cell.value);
      if (!Number.isFinite(n)) return shown;
      // The leading zeros of a barcode or NIM formatted 000000 are in what the cell shows.
      const digits = shown.trim();
      if (/^0\d+$/.test(digits) && Number(digits) === n) return digits;
      return numberText(n);
    }
    case 'date':
      return odfDateText(cell.dateValue) ?? shown;
    case 'time':
      return odfTimeText(cell.timeValue) ?? shown;
    case 'boolean': {
      const b = cell.booleanValue?.trim().toLowerCase();
      if (b === 'true' || b === '1') return 'TRUE';
      if (b === 'false' || b === '0') return 'FALSE';
      return shown;
    }
    default:
      return shown !== '' ? shown : (cell.stringValue ?? '');
  }
}

// ---------------------------------------------------------------- the package

/** A small part's text (mimetype, manifest), refused past `max` bytes. */
async function smallPart(zip: ZipParts, name: string, max: number): Promise<string> {
  if (zip.size(name) > max) throw new Error(`its ${name} is too large for what it holds (${zip.size(name)} bytes)`);
  const parts: Buffer[] = [];
  for await (const chunk of await zip.open(name)) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

/** That the zip is a spreadsheet that can be read: its mimetype, a content.xml, not encrypted. */
async function checkPackage(zip: ZipParts): Promise<void> {
  if (zip.has('mimetype')) {
    const type = (await smallPart(zip, 'mimetype', 1024)).trim();
    if (!type.startsWith(MIMETYPE))
      throw new Error(
        type.startsWith('application/vnd.oasis.opendocument.')
          ? `it is an OpenDocument file of type ${type}, not a spreadsheet`
          : `its mimetype is ${JSON.stringify(type.slice(0, 100))}, not ${MIMETYPE}`,
      );
  }
  if (!zip.has(CONTENT)) throw new Error(`the zip has no ${CONTENT}: not an OpenDocument spreadsheet`);
  if (!zip.has(MANIFEST)) return;
  let entry: string | undefined;
  let encrypted = false;
  await drain(
    xmlPart(await zip.open(MANIFEST), {
      fileName: MANIFEST,
      open: (local, tag) => {
        if (local === 'file-entry') entry = attr(tag.attributes, 'full-path', true)?.replace(/^\.?\//, '');
        else if (local === 'encryption-data' && entry === CONTENT) encrypted = true;
      },
      close: (local) => {
        if (local === 'file-entry') entry = undefined;
      },
    }),
  );
  if (encrypted) throw new Error('it is protected by a password: save it again without one');
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** An attribute value as the scan finds it, character references and entities decoded, white space normalised. */
function attrValue(raw: string): string {
  return raw.replace(/[\t\n\r]/g, ' ').replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, ref: string) => {
    if (ref[0] !== '#') return XML_ENTITIES[ref] ?? '';
    const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
    return code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

/** The attributes of a start tag found by the scan, by local name. */
function scannedAttributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    const name = m[1] as string;
    out.set(name.slice(name.indexOf(':') + 1), attrValue(m[2] ?? m[3] ?? ''));
  }
  return out;
}

/**
 * The sheets of content.xml in tab order, each hidden or not, by a scan of the unparsed text (run once more,
 * unpacked, before it is streamed): the start of each top-level `table:table` (its name and style) and the
 * table styles whose `table:display` is false. Nothing but these tags is looked at; the parse that follows
 * finds any fault in the XML.
 */
async function scanSheets(stream: Readable): Promise<WorkbookSheet[]> {
  const tag =
    /<(\/?)(?:[\w.-]+:)?(table|style|table-properties|spreadsheet|dde-link)(?=[\s/>])((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
  const found: Array<{ name: string; style: string | undefined }> = [];
  const hiddenStyles = new Set<string>();
  let depth = 0;
  let style: string | undefined;
  let spreadsheet = false;
  const scan = (text: string): number => {
    tag.lastIndex = 0;
    let end = 0;
    for (let m = tag.exec(text); m; m = tag.exec(text)) {
      end = tag.lastIndex;
      const [, close, local, attributes = '', selfClosing] = m;
      // A DDE link keeps its cached result as a table of its own: not a sheet.
      if (local === 'table' || local === 'dde-link') {
        if (close) depth = Math.max(0, depth - 1);
        else {
          if (depth === 0 && local === 'table') {
            const a = scannedAttributes(attributes);
            found.push({ name: a.get('name') ?? `Sheet${found.length + 1}`, style: a.get('style-name') });
          }
          if (!selfClosing) depth++;
        }
      } else if (close) continue;
      else if (local === 'spreadsheet') spreadsheet = true;
      else if (local === 'style') {
        const a = scannedAttributes(attributes);
        style = a.get('family') === 'table' ? a.get('name') : undefined;
      } else if (style !== undefined && scannedAttributes(attributes).get('display') === 'false')
        hiddenStyles.add(style);
    }
    return end;
  };
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let first = true;
  try {
    for await (const chunk of stream) {
      const text = carry + decoder.write(chunk as Buffer);
      if (first && text.trim() !== '') {
        first = false;
        if (
          !text
            .replace(/^\ufeff/, '')
            .trimStart()
            .startsWith('<')
        )
          throw new Error(`its ${CONTENT} is not XML`);
      }
      const end = scan(text);
      // A start tag cut by the chunk's end is kept for the next; '<' cannot stand inside a tag.
      const lt = text.lastIndexOf('<');
      const rest = lt >= end ? text.slice(lt) : '';
      carry = rest.length < 65536 && (!rest.includes('>') || /^<(?:[\w.-]+:)?(?:table|style)\b/.test(rest)) ? rest : '';
    }
    scan(carry + decoder.end());
  } finally {
    stream.destroy();
  }
  if (first) throw new Error(`its ${CONTENT} is empty`);
  if (!spreadsheet) throw new Error(`its ${CONTENT} holds no office:spreadsheet: not a spreadsheet`);
  return found.map((s) => ({ name: s.name, hidden: s.style !== undefined && hiddenStyles.has(s.style) }));
}

// ---------------------------------------------------------------- the sheet

/** A row as content.xml gives it: `repeat` identical rows from `number` on. */
interface OdsRow {
  number: number;
  cells: string[];
  repeat: number;
}

const END = Symbol('end of the sheet');

interface CellState extends OdsCell {
  covered: boolean;
  repeat: number;
  rowsSpanned: number;
  parts: string[];
  paragraphs: number;
  /** Inside a text:p or text:h (nested ones count). */
  inParagraph: number;
  /** At the start of a paragraph, or right after white space that XML collapses: a leading space is dropped. */
  atSpace: boolean;
}

/** A value merged downwards: the rows after `from`, up to `until`, take it in column `col` when empty there. */
interface Fill {
  col: number;
  value: string;
  from: number;
  until: number;
}

/** The rows of the `wanted`-th sheet (0-based) of content.xml, streaming; END once the sheet is over. */
function contentRows(stream: Readable, wanted: number): AsyncGenerator<OdsRow | typeof END> {
  const out: Array<OdsRow | typeof END> = [];
  let p: Prefixes = prefixesOf({});
  let names = elementNames(p);
  let rootSeen = false;
  let depth = 0;
  let tableDepth = 0;
  let sheetIndex = -1;
  let inSheet = false;
  /** The depth of a comment or shape being passed over (0: none). */
  let skipFrom = 0;
  let rowNumber = 1;
  let row: { cells: string[]; repeat: number } | undefined;
  let col = 0;
  let cell: CellState | undefined;
  let fills: Fill[] = [];

  const finishCell = () => {
    const c = cell;
    cell = undefined;
    if (!c || !row) return;
    if (c.atSpace && c.parts.length) c.parts.push((c.parts.pop() as string).replace(/ $/, ''));
    c.shown = c.parts.join('');
    const text = c.covered ? '' : odsCellText(c);
    if (text !== '') {
      const end = col + c.repeat;
      if (end > MAX_COLUMNS)
        throw new Error(`row ${rowNumber} has cells past column ${MAX_COLUMNS.toLocaleString('en')}`);
      for (let i = col; i < end; i++) {
        row.cells[i] = text;
        if (c.rowsSpanned > 1 && fills.length < MAX_FILLS)
          fills.push({
            col: i,
            value: text,
            from: rowNumber,
            until: rowNumber + Math.min(c.rowsSpanned, MAX_FILL_ROWS) - 1,
          });
      }
    }
    col += c.repeat;
  };

  const covers = (n: number) => fills.some((f) => f.from < n && n <= f.until);
  const filled = (cells: string[], n: number) => {
    const copy = cells.slice();
    for (const f of fills) if (f.from < n && n <= f.until && (copy[f.col] ?? '') === '') copy[f.col] = f.value;
    return copy;
  };

  const finishRow = () => {
    const r = row;
    row = undefined;
    if (!r) return;
    const first = rowNumber;
    rowNumber += r.repeat;
    const last = first + r.repeat - 1;
    fills = fills.filter((f) => f.until >= first);
    const hasCells = r.cells.length > 0;
    if (!hasCells && !fills.some((f) => f.from < last && f.until >= first)) return;
    if (hasCells && last > MAX_ROWS) throw new Error(`the sheet has rows past row ${MAX_ROWS.toLocaleString('en')}`);
    const stop = Math.min(last, MAX_ROWS);
    for (let n = first; n <= stop; ) {
      if (covers(n)) {
        out.push({ number: n, cells: filled(r.cells, n), repeat: 1 });
        n++;
        continue;
      }
      // Up to the next row a merge reaches (a merge in this row itself reaches the rows after it).
      let next = stop + 1;
      for (const f of fills) {
        const s = Math.max(f.from + 1, n + 1);
        if (s <= f.until && s < next) next = s;
      }
      if (hasCells) out.push({ number: n, cells: r.cells, repeat: next - n });
      n = next;
    }
  };

  return xmlPart(stream, {
    out,
    fileName: CONTENT,
    open: (_local, tag) => {
      depth++;
      if (!rootSeen) {
        rootSeen = true;
        p = prefixesOf(tag.attributes);
        names = elementNames(p);
      }
      if (skipFrom) return;
      const name = tag.name;
      if (name === names.table || name === names.ddeLink) {
        tableDepth++;
        if (tableDepth === 1 && name === names.table) {
          sheetIndex++;
          inSheet = sheetIndex === wanted;
        }
        return;
      }
      if (!inSheet || tableDepth !== 1) return;
      switch (name) {
        case names.row:
          row = { cells: [], repeat: count(tag.attributes[names.rowsRepeated]) };
          col = 0;
          return;
        case names.cell:
        case names.covered: {
          if (!row) return;
          const at = tag.attributes;
          cell = {
            covered: name === names.covered,
            repeat: count(at[names.columnsRepeated]),
            rowsSpanned: count(at[names.rowsSpanned]),
            type: at[names.valueType],
            value: at[names.value],
            dateValue: at[names.dateValue],
            timeValue: at[names.timeValue],
            booleanValue: at[names.booleanValue],
            stringValue: at[names.stringValue],
            error: at[names.calcValueType] === 'error',
            shown: '',
            parts: [],
            paragraphs: 0,
            inParagraph: 0,
            atSpace: true,
          };
          return;
        }
      }
      if (!cell) return;
      if (name === names.annotation || name.startsWith(names.drawPrefix)) {
        skipFrom = depth;
        return;
      }
      switch (name) {
        case names.p:
        case names.h:
          if (cell.inParagraph === 0) {
            if (cell.paragraphs++ > 0) {
              if (cell.atSpace && cell.parts.length) cell.parts.push((cell.parts.pop() as string).replace(/ $/, ''));
              cell.parts.push('\n');
            }
            cell.atSpace = true;
          }
          cell.inParagraph++;
          return;
        case names.s:
          if (cell.inParagraph) {
            cell.parts.push(' '.repeat(Math.min(count(tag.attributes[names.spaces]), MAX_SPACES)));
            cell.atSpace = false;
          }
          return;
        case names.tab:
          if (cell.inParagraph) {
            cell.parts.push('\t');
            cell.atSpace = false;
          }
          return;
        case names.lineBreak:
          if (cell.inParagraph) {
            cell.parts.push('\n');
            cell.atSpace = false;
          }
          return;
      }
    },
    close: (_local, name) => {
      const at = depth--;
      if (skipFrom) {
        if (at === skipFrom) skipFrom = 0;
        return;
      }
      if (name === names.table || name === names.ddeLink) {
        if (tableDepth === 1 && inSheet) {
          inSheet = false;
          out.push(END);
        }
        tableDepth--;
        return;
      }
      if (!inSheet || tableDepth !== 1) return;
      switch (name) {
        case names.p:
        case names.h:
          if (cell) cell.inParagraph = Math.max(0, cell.inParagraph - 1);
          return;
        case names.cell:
        case names.covered:
          finishCell();
          return;
        case names.row:
          finishRow();
          return;
      }
    },
    text: (t) => {
      if (!cell || cell.inParagraph === 0 || skipFrom) return;
      // XML white space in a paragraph is collapsed; real spaces, tabs and breaks are text:s, text:tab, text:line-break.
      let s = t.replace(/[ \t\r\n]+/g, ' ');
      if (cell.atSpace && s.startsWith(' ')) s = s.slice(1);
      if (s === '') return;
      cell.parts.push(s);
      cell.atSpace = s.endsWith(' ');
    },
  });
}

function elementNames(p: Prefixes) {
  return {
    table: qname(p.table, 'table'),
    ddeLink: qname(p.table, 'dde-link'),
    row: qname(p.table, 'table-row'),
    cell: qname(p.table, 'table-cell'),
    covered: qname(p.table, 'covered-table-cell'),
    annotation: qname(p.office, 'annotation'),
    drawPrefix: p.draw ? `${p.draw}:` : '\u0000',
    p: qname(p.text, 'p'),
    h: qname(p.text, 'h'),
    s: qname(p.text, 's'),
    tab: qname(p.text, 'tab'),
    lineBreak: qname(p.text, 'line-break'),
    // Attributes
    rowsRepeated: qname(p.table, 'number-rows-repeated'),
    columnsRepeated: qname(p.table, 'number-columns-repeated'),
    rowsSpanned: qname(p.table, 'number-rows-spanned'),
    valueType: qname(p.office, 'value-type'),
    value: qname(p.office, 'value'),
    dateValue: qname(p.office, 'date-value'),
    timeValue: qname(p.office, 'time-value'),
    booleanValue: qname(p.office, 'boolean-value'),
    stringValue: qname(p.office, 'string-value'),
    calcValueType: qname(p.calcext, 'value-type'),
    spaces: qname(p.text, 'c'),
  };
}

/** Each content.xml row as many times as it is repeated, up to the end of the sheet. */
async function* expand(rows: AsyncGenerator<OdsRow | typeof END>): AsyncGenerator<SheetRow> {
  for await (const r of rows) {
    if (r === END) return;
    for (let i = 0; i < r.repeat; i++) yield { number: r.number + i, cells: r.cells };
  }
}

async function* readOds(input: WorkbookInput, info: CsvFileInfo, options: SheetReadOptions): RowSource {
  info.encoding = 'utf-8';
  info.bom = false;
  yield* withZip(input, 'ods', async function* (zip) {
    await checkPackage(zip);
    const sheets = await scanSheets(await zip.open(CONTENT));
    const index = chooseSheet(sheets, options);
    options.onSheet?.((sheets[index] as WorkbookSheet).name);
    yield* tableRows(expand(contentRows(await zip.open(CONTENT), index)));
  });
}

/**
 * The rows of one sheet of an .ods file as RawRows. `info` is filled in for the CSV path (encoding
 * utf-8; the delimiter means nothing). Anything wrong with the file is one error saying so.
 */
export async function* odsSheetRows(
  input: WorkbookInput,
  info: CsvFileInfo,
  options: SheetReadOptions = {},
): RowSource {
  try {
    yield* readOds(input, info, options);
  } catch (e) {
    if (e instanceof SheetNotFoundError) throw e;
    throw unreadableWorkbook('not a readable OpenDocument spreadsheet (.ods)', e);
  }
}

/** Bibliographic rows of an .ods sheet: 'slims' for SLiMS columns, or a saved spreadsheet mapping. */
export function readBibsOds(
  input: WorkbookInput,
  mapping: SpreadsheetMapping | 'slims',
  options: SheetReadOptions & CsvReadOptions = {},
): AsyncGenerator<CsvBibResult> {
  return bibsOfSheet(odsSheetRows, input, mapping, options);
}

/** Item-only rows (SLiMS item export columns, or barcode + biblio_id / ISBN / title) of an .ods sheet. */
export function readItemsOds(
  input: WorkbookInput,
  options: SheetReadOptions & CsvReadOptions = {},
): AsyncGenerator<CsvItemResult> {
  return itemsOfSheet(odsSheetRows, input, options);
}

/** The cells of an .ods sheet's first rows (the preview and `mapping guess`). */
export function readOdsHead(
  input: WorkbookInput,
  opts: SheetReadOptions & { rows?: number } = {},
): Promise<string[][]> {
  return headOfSheet(odsSheetRows, input, opts);
}
