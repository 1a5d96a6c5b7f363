/**
 * The fields a spreadsheet column may be mapped to and the formats a row may
 * default to. Types only from elsewhere, so the import page's MappingPanel uses
 * these lists too instead of keeping a copy.
 */
import type { BibFormat } from '../types.ts';
import type { BibField } from './csv.ts';

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
] as const satisfies readonly BibField[];

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
