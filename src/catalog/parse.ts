import {
  bibsFromRows,
  type CsvBibResult,
  type CsvFileInfo,
  type CsvItemResult,
  isError,
  isItemHeader,
  itemsFromRows,
  type RawRow,
  type RowError,
  readBibsCsv,
  readSlimsItemsCsv,
  type SpreadsheetMapping,
} from './formats/csv.ts';
import { dcToBib } from './formats/dc.ts';
import { detectFormat, SNIFF_BYTES } from './formats/detect.ts';
import { MODS_NS, modsToBib } from './formats/mods.ts';
import { odsSheetRows } from './formats/ods.ts';
import { isWorkbookKind, spreadsheetKind, type WorkbookKind } from './formats/workbook.ts';
import { xlsSheetRows } from './formats/xls.ts';
import { sheetRows } from './formats/xlsx.ts';
import type { Parsed } from './ingest.ts';
import { readIso2709 } from './marc/iso2709.ts';
import { marcToBib } from './marc/marc-to-bib.ts';
import { parseMarcXmlString } from './marc/marcxml.ts';
import type { Bib } from './types.ts';
import { XmlFileError, xmlRecords } from './xml-records.ts';

/**
 * Any catalogue file into parsed records, streaming: the format is named or
 * sniffed from the first bytes, each record comes with its position in the
 * file, and a bad record becomes a rejection with its reason instead of an
 * error that stops the file.
 */

/**
 * 'xlsx' (an Excel workbook), 'ods' (an OpenDocument spreadsheet) and 'xls' (an Excel 97-2003 workbook): read as SLiMS columns (biblio or item
 * export) or through the mapping given.
 */
export const FORMAT_NAMES = [
  'iso2709',
  'marcxml',
  'mods',
  'oai_dc',
  'slims_csv',
  'slims_items_csv',
  'csv',
  'xlsx',
  'ods',
  'xls',
] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

const MARC_NS = 'http://www.loc.gov/MARC21/slim';
const OAI_DC_NS = 'http://www.openarchives.org/OAI/2.0/oai_dc/';

export class UnknownFormatError extends Error {}

/** Reads the first bytes for sniffing and hands back a stream that still starts at byte 0. */
async function peek(
  source: AsyncIterable<Uint8Array>,
): Promise<{ head: Uint8Array; stream: AsyncIterable<Uint8Array> }> {
  const it = source[Symbol.asyncIterator]();
  const parts: Uint8Array[] = [];
  let size = 0;
  let done = false;
  while (size < SNIFF_BYTES) {
    const n = await it.next();
    if (n.done) {
      done = true;
      break;
    }
    parts.push(n.value);
    size += n.value.length;
  }
  const head = Buffer.concat(parts);
  async function* rest() {
    if (head.length) yield head;
    if (done) return;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield n.value;
    }
  }
  return { head: head.subarray(0, SNIFF_BYTES), stream: rest() };
}

export function formatOf(head: Uint8Array, opts: { mapping?: boolean } = {}): FormatName {
  const d = detectFormat(head);
  // A file read through a column mapping is a spreadsheet: a workbook, or else delimited text.
  if (opts.mapping) return isWorkbookKind(d.kind) ? d.kind : 'csv';
  switch (d.kind) {
    case 'xlsx':
    case 'ods':
    case 'xls':
      return d.kind;
    case 'iso2709':
      return 'iso2709';
    case 'marcxml':
      return 'marcxml';
    case 'mods':
      return 'mods';
    case 'oai_dc':
      return 'oai_dc';
    case 'oai-pmh':
      if (d.metadataPrefix === 'marc21' || d.metadataPrefix === 'marcxml') return 'marcxml';
      if (d.metadataPrefix === 'mods') return 'mods';
      if (d.metadataPrefix === 'oai_dc') return 'oai_dc';
      throw new UnknownFormatError(`OAI-PMH file with metadata ${d.metadataPrefix ?? 'unknown'}: ${d.reason}`);
    case 'csv':
      return isItemHeader(firstLineCells(head, d.delimiter)) ? 'slims_items_csv' : 'slims_csv';
    default:
      throw new UnknownFormatError(d.reason);
  }
}

/** The header cells of a CSV file's first line, roughly (enough to tell an item export from a bibliographic one). */
function firstLineCells(head: Uint8Array, delimiter: string): string[] {
  let text = Buffer.from(head).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const line = text.split(/\r?\n|\r/, 1)[0] ?? '';
  return line.split(delimiter).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
}

/** One metadata record as harvested (marc21, oai_dc or mods XML) into a Bib. */
export function parseMetadata(prefix: string, xml: string): Bib {
  switch (prefix) {
    case 'marc21':
    case 'marcxml':
      return marcToBib(parseMarcXmlString(xml));
    case 'oai_dc':
      return dcToBib(xml);
    case 'mods':
      return modsToBib(xml);
    default:
      throw new Error(`metadata format ${prefix} is not supported`);
  }
}

export async function* parseFile(
  source: AsyncIterable<Uint8Array>,
  format: FormatName | undefined,
  onFormat: (format: FormatName) => Promise<void> | void = () => {},
  options: { mapping?: SpreadsheetMapping; sheet?: string } = {},
): AsyncGenerator<Parsed> {
  const { head, stream } = await peek(source);
  let fmt = format ?? formatOf(head, { mapping: Boolean(options.mapping) });
  // 'csv' names "a spreadsheet through a mapping" (the upload page's choice); a workbook is one too. A workbook
  // named the other kind (an .ods uploaded as 'xlsx') is read as what its bytes say.
  const workbook = spreadsheetKind(head)?.kind;
  if ((fmt === 'csv' || isWorkbookKind(fmt)) && isWorkbookKind(workbook)) fmt = workbook;
  await onFormat(fmt);
  switch (fmt) {
    case 'iso2709':
      for await (const r of readIso2709(stream)) {
        if (r.ok) {
          try {
            yield { ok: true, position: `byte ${r.offset}`, raw: r.raw, format: 'marc21', bib: marcToBib(r.record) };
          } catch (e) {
            yield { ok: false, position: `byte ${r.offset}`, reason: e instanceof Error ? e.message : String(e) };
          }
        } else {
          yield {
            ok: false,
            position: `byte ${r.offset}`,
            reason: r.reason,
            ...(r.raw ? { excerpt: r.raw.subarray(0, 200).toString('latin1') } : {}),
          };
        }
      }
      return;
    case 'marcxml':
      yield* xmlFile(stream, (t) => t.local === 'record' && (t.uri === MARC_NS || t.uri === ''), 'marcxml');
      return;
    case 'mods':
      yield* xmlFile(stream, (t) => t.local === 'mods' && t.uri === MODS_NS, 'mods');
      return;
    case 'oai_dc':
      yield* xmlFile(stream, (t) => t.local === 'dc' && t.uri === OAI_DC_NS, 'oai_dc');
      return;
    case 'slims_csv':
    case 'csv': {
      const mapping = fmt === 'slims_csv' ? 'slims' : options.mapping;
      if (!mapping) throw new UnknownFormatError('a CSV file needs a column mapping');
      // The row is kept as it stood in the file (its line is the position), as MARC records keep their bytes.
      for await (const row of readBibsCsv(stream, mapping)) yield bibRow(row, `line ${row.line}`, fmt);
      return;
    }
    case 'xlsx':
    case 'ods':
    case 'xls':
      yield* workbookFile(stream, fmt, options);
      return;
    case 'slims_items_csv':
      for await (const row of readSlimsItemsCsv(stream)) yield itemRow(row, `line ${row.line}`, fmt);
      return;
  }
}

function bibRow(row: CsvBibResult, position: string, format: FormatName): Parsed {
  // The row is kept as it stood in the file (its line is the position), as MARC records keep their bytes.
  if (row.ok) return { ok: true, position, raw: Buffer.from(row.raw), format, bib: row.bib };
  return { ok: false, position, reason: row.reason, ...(row.raw ? { excerpt: row.raw } : {}) };
}

function itemRow(row: CsvItemResult, position: string, format: FormatName): Parsed {
  if (!row.ok) return { ok: false, position, reason: row.reason, ...(row.raw ? { excerpt: row.raw } : {}) };
  return {
    ok: true,
    position,
    raw: Buffer.from(row.raw),
    format,
    itemRow: {
      item: row.item,
      ...(row.biblioId ? { recordId: row.biblioId } : {}),
      ...(row.isbn ? { isbn: row.isbn } : {}),
      ...(row.biblioTitle ? { title: row.biblioTitle } : {}),
      ...(row.author ? { author: row.author } : {}),
    },
  };
}

/**
 * A workbook's sheet (.xlsx, .ods or .xls; the first, or the one named): through the mapping when
 * there is one, else as a SLiMS item export when its header says so, else as
 * SLiMS bibliographic columns. Rows are known by their sheet row number.
 */
async function* workbookFile(
  stream: AsyncIterable<Uint8Array>,
  kind: WorkbookKind,
  options: { mapping?: SpreadsheetMapping; sheet?: string },
): AsyncGenerator<Parsed> {
  const info: CsvFileInfo = { encoding: 'utf-8', bom: false, delimiter: ',', header: undefined };
  let sheet = '';
  const read = kind === 'ods' ? odsSheetRows : kind === 'xls' ? xlsSheetRows : sheetRows;
  const rows = read(stream, info, { sheet: options.sheet, onSheet: (name) => (sheet = name) });
  const it = rows[Symbol.asyncIterator]();
  const seen: Array<RawRow | RowError> = [];
  let first: RawRow | undefined;
  while (!first) {
    const n = await it.next();
    if (n.done) break;
    seen.push(n.value);
    if (!isError(n.value)) first = n.value;
  }
  const replay = (async function* () {
    yield* seen;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield n.value;
    }
  })();
  const where = (line: number) => `row ${line}${sheet ? ` of sheet ${sheet}` : ''}`;
  const source = { info, checkWidth: false };
  if (!options.mapping && first && isItemHeader(first.cells)) {
    for await (const row of itemsFromRows(replay, info)) yield itemRow(row, where(row.line), kind);
    return;
  }
  if (!options.mapping && first && !first.cells.some((c) => /^(title|biblio_id)$/i.test(c.trim()))) {
    throw new UnknownFormatError(
      `the sheet${sheet ? ` ${sheet}` : ''} has no SLiMS columns (title or biblio_id, or item_code) in its first row: import it through a saved column mapping`,
    );
  }
  for await (const row of bibsFromRows(replay, options.mapping ?? 'slims', source)) {
    yield bibRow(row, where(row.line), kind);
  }
}

async function* xmlFile(
  stream: AsyncIterable<Uint8Array>,
  isRecord: (t: { local: string; uri: string }) => boolean,
  format: 'marcxml' | 'mods' | 'oai_dc',
): AsyncGenerator<Parsed> {
  try {
    for await (const rec of xmlRecords(stream, isRecord)) {
      const position = `record ${rec.index} (line ${rec.line})`;
      try {
        yield {
          ok: true,
          position,
          raw: Buffer.from(rec.xml),
          format,
          bib: parseMetadata(format === 'marcxml' ? 'marc21' : format, rec.xml),
        };
      } catch (e) {
        yield {
          ok: false,
          position,
          reason: e instanceof Error ? e.message : String(e),
          excerpt: rec.xml.slice(0, 300),
        };
      }
    }
  } catch (e) {
    // A file that stops being well-formed XML cannot be read past that point: say where.
    if (e instanceof XmlFileError) {
      yield {
        ok: false,
        position: `line ${e.line}`,
        reason: `XML is not well-formed: ${e.message}; the rest of the file was not read`,
      };
      return;
    }
    throw e;
  }
}
