import { getLibrary } from '../directory/libraries.ts';
import { type Actor, assertActFor } from '../platform/actor.ts';
import { audit } from '../platform/audit.ts';
import type { Db, DbOrTrx } from '../platform/db.ts';
import { AppError, Conflict, Invalid, NotFound } from '../platform/errors.ts';
import type { Bilingual } from '../platform/messages.ts';
import {
  type DelimiterName,
  guessMapping,
  type MappingColumn,
  type MappingProblem,
  type MappingSpec,
  mappingProblems,
  toSpreadsheetMapping,
} from './formats/column-mapping.ts';
import { type CsvBibResult, type CsvDelimiter, type CsvEncoding, readBibsCsv, readCsvHead } from './formats/csv.ts';
import { odsSheetRows } from './formats/ods.ts';
import {
  bibsOfSheet,
  headOfSheet,
  isWorkbookKind,
  SheetNotFoundError,
  spreadsheetKind,
  type WorkbookKind,
  type WorkbookSheet,
} from './formats/workbook.ts';
import { xlsSheetRows } from './formats/xls.ts';
import { sheetRows } from './formats/xlsx.ts';
import { classifyReason, reasonText } from './rejection-reasons.ts';
import type { Bib, BibFormat } from './types.ts';

/**
 * Saved spreadsheet column mappings: one library's layouts ("Buku induk
 * 2024", "Daftar skripsi"), each telling the CSV reader which column is the
 * title, the authors, the copies' barcodes and locations. Staff of the library
 * (and the network's coordinator) keep them; every change is audited.
 */

export interface Mapping extends MappingSpec {
  id: number;
  libraryId: number;
  libraryCode: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

/** A mapping as a client sends it: fields are checked here, so unknown ones get a bilingual answer. */
export type LooseSpec = Omit<Partial<MappingSpec>, 'columns'> & { columns: Array<{ column: string; field: string }> };
export type MappingInput = { name: string } & LooseSpec;

const thing = { id: 'pemetaan kolom', en: 'column mapping' };

function mappingQuery(db: DbOrTrx) {
  return db
    .selectFrom('catalog_mappings as m')
    .innerJoin('libraries as l', 'l.id', 'm.library_id')
    .select([
      'm.id',
      'm.library_id',
      'l.code',
      'l.network_id',
      'm.name',
      'm.columns',
      'm.has_header',
      'm.delimiter',
      'm.encoding',
      'm.multi_value_separator',
      'm.default_format',
      'm.created_at',
      'm.updated_at',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof mappingQuery>['executeTakeFirstOrThrow']>>;

const present = (r: Row): Mapping => ({
  id: r.id,
  libraryId: r.library_id,
  libraryCode: r.code,
  name: r.name,
  columns: r.columns as MappingColumn[],
  hasHeader: r.has_header,
  delimiter: r.delimiter,
  encoding: r.encoding,
  multiValueSeparator: r.multi_value_separator,
  defaultFormat: r.default_format as BibFormat,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export const specOf = (m: MappingSpec): MappingSpec => ({
  columns: m.columns.map((c) => ({ column: c.column.trim(), field: c.field })),
  hasHeader: m.hasHeader,
  delimiter: m.delimiter,
  encoding: m.encoding,
  multiValueSeparator: m.multiValueSeparator,
  defaultFormat: m.defaultFormat,
});

function withDefaults(input: LooseSpec): MappingSpec {
  return specOf({
    columns: input.columns as MappingColumn[],
    hasHeader: input.hasHeader ?? true,
    delimiter: input.delimiter ?? null,
    encoding: input.encoding ?? 'auto',
    multiValueSeparator: input.multiValueSeparator ?? null,
    defaultFormat: input.defaultFormat ?? 'book',
  });
}

function assertValid(spec: MappingSpec): void {
  const problems = mappingProblems(spec);
  if (problems.length > 0) throw invalidMapping(problems);
}

function invalidMapping(problems: MappingProblem[]): Invalid {
  const e = new Invalid(
    problems.map((p) => ({ field: p.field, message: p.message })),
    problems.length === 1 && problems[0]
      ? problems[0].message
      : { id: 'Pemetaan kolom belum benar', en: 'The column mapping is not right yet' },
  );
  // The reason codes travel beside the messages so clients can point at the row.
  (e.details as { fields: unknown[]; codes?: string[] }).codes = problems.map((p) => p.code);
  return e;
}

async function libraryFor(db: DbOrTrx, actor: Actor, ref: string) {
  const lib = await getLibrary(db, ref);
  assertActFor(actor, { id: lib.id, network_id: lib.networkId });
  return lib;
}

export async function listMappings(db: Db, actor: Actor, libraryRef: string): Promise<Mapping[]> {
  const lib = await libraryFor(db, actor, libraryRef);
  const rows = await mappingQuery(db).where('m.library_id', '=', lib.id).orderBy('m.name').execute();
  return rows.map(present);
}

export async function getMapping(db: DbOrTrx, actor: Actor, id: number): Promise<Mapping> {
  const row = await mappingQuery(db).where('m.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound(thing);
  assertActFor(actor, { id: row.library_id, network_id: row.network_id });
  return present(row);
}

/** A library's mapping by its id or its name (as the upload and the CLI name it). */
export async function resolveMapping(db: DbOrTrx, actor: Actor, libraryRef: string, ref: string): Promise<Mapping> {
  const lib = await libraryFor(db, actor, libraryRef);
  let q = mappingQuery(db).where('m.library_id', '=', lib.id);
  const name = ref.trim();
  q = /^\d+$/.test(name)
    ? q.where((eb) => eb.or([eb('m.id', '=', Number(name)), eb(eb.fn('lower', ['m.name']), '=', name.toLowerCase())]))
    : q.where((eb) => eb(eb.fn('lower', ['m.name']), '=', name.toLowerCase()));
  const rows = await q.orderBy('m.id').execute();
  // A mapping named "2024" loses to mapping #2024 of the same library only if both exist; the name wins.
  const row = rows.find((r) => r.name.toLowerCase() === name.toLowerCase()) ?? rows[0];
  if (!row) throw new NotFound(thing, { mapping: ref });
  return present(row);
}

async function assertNameFree(db: DbOrTrx, libraryId: number, name: string, except?: number): Promise<void> {
  let q = db
    .selectFrom('catalog_mappings')
    .select('id')
    .where('library_id', '=', libraryId)
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()));
  if (except !== undefined) q = q.where('id', '!=', except);
  if (await q.executeTakeFirst()) {
    throw new Conflict('mapping_name_taken', {
      id: `Perpustakaan ini sudah punya pemetaan bernama "${name}"`,
      en: `This library already has a mapping named "${name}"`,
    });
  }
}

const snapshot = (m: MappingSpec & { name: string }) => ({ name: m.name, ...specOf(m) });

export async function createMapping(db: Db, actor: Actor, libraryRef: string, input: MappingInput): Promise<Mapping> {
  const lib = await libraryFor(db, actor, libraryRef);
  const name = input.name.trim();
  const spec = withDefaults(input);
  assertValid(spec);
  const id = await db.transaction().execute(async (trx) => {
    await assertNameFree(trx, lib.id, name);
    const row = await trx
      .insertInto('catalog_mappings')
      .values({
        library_id: lib.id,
        name,
        columns: JSON.stringify(spec.columns),
        has_header: spec.hasHeader,
        delimiter: spec.delimiter,
        encoding: spec.encoding,
        multi_value_separator: spec.multiValueSeparator,
        default_format: spec.defaultFormat,
        created_by: actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, actor, {
      action: 'create',
      entity: 'catalog_mapping',
      entityId: row.id,
      libraryId: lib.id,
      after: snapshot({ name, ...spec }),
    });
    return row.id;
  });
  return getMapping(db, actor, id);
}

export async function updateMapping(
  db: Db,
  actor: Actor,
  id: number,
  patch: Partial<LooseSpec> & { name?: string },
): Promise<Mapping> {
  await db.transaction().execute(async (trx) => {
    const before = await getMapping(trx, actor, id);
    const name = patch.name?.trim() ?? before.name;
    const changes = Object.fromEntries(Object.entries(patch).filter(([k, v]) => v !== undefined && k !== 'name'));
    const spec = specOf({ ...before, ...changes } as MappingSpec);
    assertValid(spec);
    if (name.toLowerCase() !== before.name.toLowerCase()) await assertNameFree(trx, before.libraryId, name, id);
    await trx
      .updateTable('catalog_mappings')
      .set({
        name,
        columns: JSON.stringify(spec.columns),
        has_header: spec.hasHeader,
        delimiter: spec.delimiter,
        encoding: spec.encoding,
        multi_value_separator: spec.multiValueSeparator,
        default_format: spec.defaultFormat,
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
    await audit(trx, actor, {
      action: 'update',
      entity: 'catalog_mapping',
      entityId: id,
      libraryId: before.libraryId,
      before: snapshot(before),
      after: snapshot({ name, ...spec }),
    });
  });
  return getMapping(db, actor, id);
}

/** Deleting a mapping leaves the imports read through it alone (they keep their copy of it). */
export async function deleteMapping(db: Db, actor: Actor, id: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await getMapping(trx, actor, id);
    await trx.deleteFrom('catalog_mappings').where('id', '=', id).execute();
    await audit(trx, actor, {
      action: 'delete',
      entity: 'catalog_mapping',
      entityId: id,
      libraryId: before.libraryId,
      before: snapshot(before),
    });
  });
}

// ---------------------------------------------------------------- preview

export interface PreviewRow {
  line: number;
  ok: boolean;
  raw: string | null;
  bib: Bib | null;
  /** Why the row would be set aside: the reader's English text, its code, and both languages (as import reports give them). */
  reason: string | null;
  reasonCode: string | null;
  reasonText: Bilingual | null;
}

export interface Preview {
  /** What the sample is: delimited text, or a workbook, Excel or OpenDocument (then `sheet` is the sheet read). */
  format: 'csv' | WorkbookKind;
  sheet: string | null;
  /** A workbook's sheets in tab order (the upload may name any of them); null for delimited text. */
  sheets: WorkbookSheet[] | null;
  encoding: 'utf-8' | 'windows-1252';
  delimiter: DelimiterName;
  header: string[] | null;
  guess: Array<{ column: string; field: string | null }>;
  mapping: MappingSpec;
  problems: MappingProblem[];
  rows: PreviewRow[];
}

export interface PreviewInput {
  /** The first bytes of the file. */
  sample: Buffer;
  /** The sample is the head of a longer file: its last, probably cut, line is left out. */
  partial: boolean;
  mapping?: LooseSpec;
  mappingRef?: string;
  /** Without a mapping: whether to read the first row as a header (default yes). */
  hasHeader?: boolean;
  delimiter?: DelimiterName | null;
  encoding?: CsvEncoding;
  /** A workbook's sheet by name (default the first). */
  sheet?: string;
  limit: number;
}

/** A workbook cannot be read from its head (the zip's directory, and .xlsx shared strings, come last): it comes whole. */
export const MAX_WORKBOOK_PREVIEW_BYTES = 8 * 1024 * 1024;

const delimiterChar = (d: DelimiterName | null | undefined): CsvDelimiter | undefined =>
  d === null || d === undefined ? undefined : d === 'tab' ? '\t' : d;
const delimiterName = (d: CsvDelimiter): DelimiterName => (d === '\t' ? 'tab' : d);

const MULTI_FIELDS = new Set(['authors', 'subjects', 'isbn', 'issn', 'isbnOrIssn', 'barcodes']);

/** A separator for multi-valued columns, from the values the sample shows in them. */
function guessSeparator(cells: string[][], fields: Array<string | null>, delimiter: CsvDelimiter): string | null {
  const values = cells.flatMap((row) => fields.flatMap((f, i) => (f && MULTI_FIELDS.has(f) ? [row[i] ?? ''] : [])));
  if (values.some((v) => /^<[^<>]+>(<[^<>]+>)+$/.test(v.trim()))) return '<>';
  for (const sep of [';', '|', '/']) {
    if (sep === delimiter) continue;
    if (values.some((v) => v.includes(sep))) return sep;
  }
  return null;
}

function rejectedRow(line: number, raw: string | null, reason: string): PreviewRow {
  const { code, params } = classifyReason(reason);
  return { line, ok: false, raw, bib: null, reason, reasonCode: code, reasonText: reasonText(code, params, reason) };
}

/**
 * The first rows of a file read through a mapping (a saved one, one sent
 * along, or the one guessed from the header), with each row's record or the
 * reason it would be set aside. Writes nothing.
 */
export async function previewMapping(db: Db, actor: Actor, libraryRef: string, input: PreviewInput): Promise<Preview> {
  await libraryFor(db, actor, libraryRef);
  const sniffed = spreadsheetKind(input.sample)?.kind;
  if (sniffed && !isWorkbookKind(sniffed)) {
    throw new AppError(400, 'unsupported_spreadsheet', {
      id: 'Berkas ini arsip zip, bukan lembar kerja; simpan sebagai buku kerja Excel (.xlsx atau .xls), lembar kerja OpenDocument (.ods) atau CSV',
      en: 'This file is a zip archive, not a spreadsheet; save it as an Excel workbook (.xlsx or .xls), an OpenDocument spreadsheet (.ods) or CSV',
    });
  }
  const workbook = isWorkbookKind(sniffed) ? sniffed : undefined;
  const reader = workbook === 'ods' ? odsSheetRows : workbook === 'xls' ? xlsSheetRows : sheetRows;
  const bookName =
    workbook === 'ods'
      ? { id: 'Lembar kerja OpenDocument', en: 'An OpenDocument spreadsheet', theEn: 'The OpenDocument spreadsheet' }
      : workbook === 'xls'
        ? { id: 'Buku kerja Excel 97-2003', en: 'An Excel 97-2003 workbook', theEn: 'The Excel 97-2003 workbook' }
        : { id: 'Buku kerja Excel', en: 'An Excel workbook', theEn: 'The Excel workbook' };
  if (workbook && input.partial) {
    throw new AppError(400, 'workbook_cut', {
      id: `${bookName.id} hanya bisa dibaca utuh: kirim seluruh berkas sebagai contoh`,
      en: `${bookName.en} can only be read whole: send the whole file as the sample`,
    });
  }
  let sample = input.sample;
  if (input.partial) {
    const end = sample.lastIndexOf(0x0a);
    if (end > 0) sample = sample.subarray(0, end + 1);
  }
  const saved = input.mappingRef ? await resolveMapping(db, actor, libraryRef, input.mappingRef) : undefined;
  const given = saved ?? (input.mapping ? withDefaults(input.mapping) : undefined);
  const hasHeader = given?.hasHeader ?? input.hasHeader ?? true;
  const delimiter = workbook ? undefined : delimiterChar(given ? given.delimiter : input.delimiter);
  const encoding = given?.encoding ?? input.encoding ?? 'auto';
  let sheet: string | null = null;
  let sheets: WorkbookSheet[] | null = null;
  const sheetOpts = {
    ...(input.sheet ? { sheet: input.sheet } : {}),
    onSheet: (name: string) => {
      sheet = name;
    },
    onSheets: (all: WorkbookSheet[]) => {
      sheets = all;
    },
  };
  let head: { info: { encoding: 'utf-8' | 'windows-1252'; delimiter: CsvDelimiter }; rows: string[][] };
  try {
    head = workbook
      ? // A sheet row's raw text has its cells between tabs.
        {
          info: { encoding: 'utf-8', delimiter: '\t' },
          rows: await headOfSheet(reader, sample, { ...sheetOpts, rows: 51 }),
        }
      : await readCsvHead(sample, { delimiter, encoding, rows: 51 });
  } catch (e) {
    if (e instanceof SheetNotFoundError) {
      throw new AppError(
        404,
        'sheet_not_found',
        {
          id: `Buku kerja ini tidak punya lembar "${e.sheet}" (lembar yang ada: ${e.sheets.join(', ')})`,
          en: `The workbook has no sheet "${e.sheet}" (its sheets: ${e.sheets.join(', ')})`,
        },
        { sheet: e.sheet, sheets: e.sheets },
      );
    }
    const unreadable =
      /^not a readable (?:Excel workbook \(\.xlsx\)|OpenDocument spreadsheet \(\.ods\)|Excel 97-2003 workbook \(\.xls\)): /;
    if (workbook && e instanceof Error && unreadable.test(e.message)) {
      const why = e.message.replace(unreadable, '');
      throw new AppError(400, 'unreadable_workbook', {
        id: `${bookName.id} tidak terbaca: ${why}`,
        en: `${bookName.theEn} cannot be read: ${why}`,
      });
    }
    throw e;
  }
  const firstRow = head.rows[0];
  if (!firstRow) {
    throw new AppError(400, 'empty_sample', {
      id: 'Contoh berkas tidak berisi satu baris pun',
      en: 'The sample holds no row',
    });
  }
  const header = hasHeader ? firstRow : null;
  const guess = header
    ? guessMapping(header)
    : firstRow.map((_, i) => ({ column: String(i), field: null as string | null }));
  let spec: MappingSpec;
  if (given) spec = specOf(given);
  else {
    const cells = head.rows.slice(hasHeader ? 1 : 0);
    spec = {
      columns: guess.flatMap((g) => (g.field ? [{ column: g.column, field: g.field as MappingColumn['field'] }] : [])),
      hasHeader,
      delimiter: delimiter ? delimiterName(delimiter) : null,
      encoding,
      multiValueSeparator: guessSeparator(
        cells,
        guess.map((g) => g.field),
        head.info.delimiter,
      ),
      defaultFormat: 'book',
    };
  }
  const problems = mappingProblems(spec);
  const rows: PreviewRow[] = [];
  if (!problems.some((p) => p.code === 'no_title_column')) {
    const mapping = toSpreadsheetMapping(spec);
    const read: AsyncIterable<CsvBibResult> = workbook
      ? bibsOfSheet(reader, sample, mapping, input.sheet ? { sheet: input.sheet } : {})
      : readBibsCsv(sample, mapping);
    try {
      for await (const r of read) {
        rows.push(
          r.ok
            ? { line: r.line, ok: true, raw: r.raw, bib: r.bib, reason: null, reasonCode: null, reasonText: null }
            : rejectedRow(r.line, r.raw ?? null, r.reason),
        );
        if (rows.length >= input.limit) break;
      }
    } catch (e) {
      // The title column of a saved mapping is not in this file's header.
      problems.push({
        field: 'columns',
        code: 'no_title_column',
        message: {
          id: 'Kolom judul pada pemetaan ini tidak ada di baris judul kolom berkas',
          en: "The mapping's title column is not in the file's header row",
        },
      });
      if (!(e instanceof Error) || !e.message.startsWith('no column maps to title')) throw e;
    }
  }
  return {
    format: workbook ?? 'csv',
    sheet,
    sheets,
    encoding: head.info.encoding,
    delimiter: delimiterName(head.info.delimiter),
    header,
    guess,
    mapping: spec,
    problems,
    rows,
  };
}
