/**
 * Spreadsheet column mappings as librarians keep them: an ordered list of
 * column -> field, checked before it is saved, and guessed from a header row
 * written in Indonesian or English ("Judul", "Pengarang", "No. Panggil",
 * "Eksemplar", "Title", "Call number" ...). Pure: no I/O.
 */
import type { Bilingual } from '../../platform/messages.ts';
import type { BibFormat } from '../types.ts';
import {
  type BibField,
  type CsvDelimiter,
  type CsvEncoding,
  SLIMS_BIBLIO_MAPPING,
  type SpreadsheetMapping,
} from './csv.ts';
import { BIB_FORMATS, MAPPING_FIELDS } from './mapping-fields.ts';

export { BIB_FORMATS, MAPPING_FIELDS };

// Every field the import page offers is one the spreadsheet reader knows (a type check only).
MAPPING_FIELDS satisfies readonly BibField[];

/** Fields several columns may feed (their values are added up); every other field takes one column. */
export const REPEATABLE_FIELDS: ReadonlySet<BibField> = new Set([
  'authors',
  'subjects',
  'isbn',
  'issn',
  'isbnOrIssn',
  'notes',
  'doi',
  'url',
  'ignore',
]);

export const ENCODINGS = ['auto', 'utf-8', 'windows-1252'] as const satisfies readonly CsvEncoding[];
/** Delimiters as the API names them ('tab' travels better in JSON and forms than a tab character). */
export const DELIMITER_NAMES = [',', ';', 'tab'] as const;
export type DelimiterName = (typeof DELIMITER_NAMES)[number];

export interface MappingColumn {
  /** Header text, or the 0-based position ("0", "1" ...) when the file has no header row. */
  column: string;
  field: BibField;
}

/** The settings of a mapping, saved or sent inline. */
export interface MappingSpec {
  columns: MappingColumn[];
  hasHeader: boolean;
  delimiter: DelimiterName | null;
  encoding: CsvEncoding;
  multiValueSeparator: string | null;
  defaultFormat: BibFormat;
}

export interface MappingProblem {
  field: string;
  code: 'unknown_field' | 'duplicate_target' | 'duplicate_column' | 'no_title_column' | 'bad_position' | 'empty_column';
  message: Bilingual;
}

const isField = (f: string): f is BibField => (MAPPING_FIELDS as readonly string[]).includes(f);

/** Everything wrong with a mapping, each with a bilingual message; empty when it can be saved. */
export function mappingProblems(spec: { columns: Array<{ column: string; field: string }>; hasHeader: boolean }) {
  const problems: MappingProblem[] = [];
  const targets = new Map<string, string>();
  const columns = new Set<string>();
  spec.columns.forEach((c, i) => {
    const at = `columns[${i}]`;
    const col = c.column.trim();
    if (col === '') {
      problems.push({
        field: `${at}.column`,
        code: 'empty_column',
        message: { id: 'Nama kolom kosong', en: 'The column name is empty' },
      });
      return;
    }
    if (!spec.hasHeader && !/^\d{1,3}$/.test(col)) {
      problems.push({
        field: `${at}.column`,
        code: 'bad_position',
        message: {
          id: `Tanpa baris judul kolom, kolom disebut dengan nomor urutnya (0, 1, 2 ...), bukan "${col}"`,
          en: `Without a header row, columns are named by position (0, 1, 2 ...), not "${col}"`,
        },
      });
    }
    const key = col.toLowerCase();
    if (columns.has(key)) {
      problems.push({
        field: `${at}.column`,
        code: 'duplicate_column',
        message: { id: `Kolom "${col}" disebut dua kali`, en: `Column "${col}" is listed twice` },
      });
    }
    columns.add(key);
    if (!isField(c.field)) {
      problems.push({
        field: `${at}.field`,
        code: 'unknown_field',
        message: {
          id: `Ruas "${c.field}" tidak dikenal; pilih salah satu dari: ${MAPPING_FIELDS.join(', ')}`,
          en: `Unknown field "${c.field}"; choose one of: ${MAPPING_FIELDS.join(', ')}`,
        },
      });
      return;
    }
    const before = targets.get(c.field);
    if (before !== undefined && !REPEATABLE_FIELDS.has(c.field)) {
      problems.push({
        field: `${at}.field`,
        code: 'duplicate_target',
        message: {
          id: `Kolom "${before}" dan "${col}" sama-sama diarahkan ke ruas ${c.field}; ruas ini hanya menerima satu kolom`,
          en: `Columns "${before}" and "${col}" both map to ${c.field}, which takes one column only`,
        },
      });
    }
    if (before === undefined) targets.set(c.field, col);
  });
  if (!targets.has('title')) {
    problems.push({
      field: 'columns',
      code: 'no_title_column',
      message: { id: 'Tidak ada kolom yang diarahkan ke judul', en: 'No column maps to the title' },
    });
  }
  return problems;
}

const delimiterOf = (d: DelimiterName | null): CsvDelimiter | undefined =>
  d === null ? undefined : d === 'tab' ? '\t' : d;

/** The reader's form of a mapping. */
export function toSpreadsheetMapping(spec: MappingSpec): SpreadsheetMapping {
  const columns: Record<string, BibField> = {};
  for (const c of spec.columns) columns[c.column.trim()] = c.field;
  const m: SpreadsheetMapping = {
    columns,
    hasHeader: spec.hasHeader,
    encoding: spec.encoding,
    defaultFormat: spec.defaultFormat,
  };
  const delimiter = delimiterOf(spec.delimiter);
  if (delimiter) m.delimiter = delimiter;
  if (spec.multiValueSeparator) m.multiValueSeparator = spec.multiValueSeparator;
  return m;
}

/** Header names, folded (lower case, no diacritics or punctuation), in Indonesian and English. */
const NAMES: Array<[BibField, string[]]> = [
  ['title', ['judul', 'judul buku', 'judul utama', 'title', 'title proper', 'book title', 'nama buku']],
  ['subtitle', ['anak judul', 'sub judul', 'subjudul', 'subtitle', 'sub title', 'judul tambahan']],
  [
    'responsibility',
    ['pernyataan tanggung jawab', 'penanggung jawab', 'statement of responsibility', 'sor', 'responsibility'],
  ],
  [
    'authors',
    [
      'pengarang',
      'penulis',
      'pengarang penulis',
      'nama pengarang',
      'nama penulis',
      'pencipta',
      'author',
      'authors',
      'creator',
      'creators',
      'writer',
      'editor',
      'penyunting',
      'pengarang tambahan',
      'added author',
      'co author',
    ],
  ],
  ['isbn', ['isbn', 'isbn 13', 'isbn 10', 'isbn13', 'isbn10', 'no isbn', 'nomor isbn']],
  ['issn', ['issn', 'eissn', 'e issn', 'p issn', 'no issn']],
  ['isbnOrIssn', ['isbn issn', 'issn isbn', 'isbnissn', 'isbn atau issn', 'isbn or issn']],
  ['publisher', ['penerbit', 'nama penerbit', 'publisher', 'publisher name', 'diterbitkan oleh']],
  [
    'place',
    [
      'kota terbit',
      'tempat terbit',
      'kota',
      'tempat',
      'place',
      'place of publication',
      'publication place',
      'city',
      'kota penerbit',
    ],
  ],
  [
    'year',
    [
      'tahun',
      'tahun terbit',
      'thn terbit',
      'thn',
      'year',
      'publication year',
      'year published',
      'date',
      'tanggal terbit',
    ],
  ],
  ['edition', ['edisi', 'cetakan', 'edition', 'cet', 'edisi cetakan']],
  ['language', ['bahasa', 'language', 'lang']],
  [
    'format',
    ['gmd', 'jenis', 'jenis bahan', 'jenis koleksi', 'tipe', 'type', 'format', 'media', 'material type', 'bentuk'],
  ],
  [
    'subjects',
    ['subjek', 'subject', 'subjects', 'topik', 'topic', 'topics', 'kata kunci', 'keywords', 'keyword', 'tajuk subjek'],
  ],
  [
    'callNumber',
    ['no panggil', 'nomor panggil', 'nomor panggilan', 'no panggilan', 'call number', 'call no', 'callno', 'call num'],
  ],
  [
    'ddc',
    [
      'ddc',
      'klasifikasi',
      'no klas',
      'no klasifikasi',
      'nomor klasifikasi',
      'kode klasifikasi',
      'classification',
      'class',
      'class number',
    ],
  ],
  ['series', ['seri', 'judul seri', 'series', 'series title']],
  [
    'physical',
    [
      'kolasi',
      'deskripsi fisik',
      'jumlah halaman',
      'halaman',
      'hlm',
      'collation',
      'physical description',
      'pages',
      'extent',
    ],
  ],
  [
    'notes',
    ['catatan', 'keterangan', 'ket', 'abstrak', 'ringkasan', 'notes', 'note', 'abstract', 'summary', 'remarks'],
  ],
  ['sourceId', ['id', 'biblio id', 'id buku', 'id biblio', 'record id', 'kode buku', 'kd buku', 'id cantuman']],
  ['doi', ['doi']],
  ['url', ['url', 'tautan', 'link', 'alamat web', 'website']],
  [
    'barcodes',
    [
      'eksemplar',
      'barcode',
      'barcodes',
      'kode eksemplar',
      'kode barcode',
      'no barcode',
      'nomor barcode',
      'no induk',
      'nomor induk',
      'no inventaris',
      'nomor inventaris',
      'item code',
      'kode item',
      'copies',
      'copy',
    ],
  ],
  ['location', ['lokasi', 'lokasi rak', 'rak', 'location', 'shelf', 'shelf location', 'ruang', 'koleksi lokasi']],
  ['status', ['status', 'status eksemplar', 'status item', 'item status', 'kondisi', 'ketersediaan', 'availability']],
  ['loanable', ['dapat dipinjam', 'boleh dipinjam', 'bisa dipinjam', 'loanable', 'can be borrowed', 'for loan']],
];

export function foldHeader(h: string): string {
  return h
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

const BY_NAME = new Map<string, BibField>();
for (const [field, names] of NAMES) for (const n of names) BY_NAME.set(n, field);
for (const [col, field] of Object.entries(SLIMS_BIBLIO_MAPPING.columns)) {
  const n = foldHeader(col);
  if (!BY_NAME.has(n)) BY_NAME.set(n, field);
}

/**
 * A first mapping from a header row: each column whose name is known gets its
 * field, the first column for a field wins where the field takes one column,
 * and the rest stay unmapped (`null`).
 */
export function guessMapping(header: string[]): Array<{ column: string; field: BibField | null }> {
  const taken = new Set<BibField>();
  return header.map((column) => {
    const folded = foldHeader(column);
    const field = BY_NAME.get(folded) ?? BY_NAME.get(folded.replace(/ /g, '')) ?? null;
    if (field === null || (taken.has(field) && !REPEATABLE_FIELDS.has(field))) return { column, field: null };
    taken.add(field);
    return { column, field };
  });
}
