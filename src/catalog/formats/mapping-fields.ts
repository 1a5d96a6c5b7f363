/**
 * The fields a spreadsheet column may be mapped to and the formats a row may
 * default to. Nothing from csv.ts and only types from elsewhere, so the import
 * page's MappingPanel (web bundle) uses these lists too instead of keeping a copy.
 * column-mapping.ts checks that every field is one csv.ts knows (BibField).
 */
import type { BibFormat } from '../types.ts';

export const MAPPING_FIELDS = [
  'title',
  'subtitle',
  'responsibility',
  'authors',
  'isbn',
  'issn',
  'isbnOrIssn',
  'publisher',
  'place',
  'year',
  'edition',
  'language',
  'format',
  'subjects',
  'callNumber',
  'ddc',
  'series',
  'physical',
  'notes',
  'sourceId',
  'doi',
  'url',
  'barcodes',
  'location',
  'status',
  'itemCallNumber',
  'loanable',
  'ignore',
] as const;

export const BIB_FORMATS = [
  'book',
  'serial',
  'article',
  'thesis',
  'map',
  'music',
  'video',
  'audio',
  'electronic',
  'manuscript',
  'other',
] as const satisfies readonly BibFormat[];
