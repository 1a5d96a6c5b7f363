/**
 * Shared shapes of the catalog module. Parsers produce MarcRecord or Bib;
 * the matcher consumes Bib; the store keeps the source bytes beside both.
 */

export interface MarcSubfield {
  code: string;
  value: string;
}

export interface MarcControlField {
  tag: string; // '001'..'009'
  value: string;
}

export interface MarcDataField {
  tag: string;
  ind1: string; // one character, ' ' when blank
  ind2: string;
  subfields: MarcSubfield[];
}

export type MarcField = MarcControlField | MarcDataField;

export function isControlField(f: MarcField): f is MarcControlField {
  return 'value' in f;
}

export interface MarcRecord {
  leader: string; // 24 characters
  fields: MarcField[];
}

/** The Simpul workflows that may hold a copy's status against its library's files (item-status.ts). */
export type Workflow = 'ill' | 'mobile' | 'deposit' | 'redistribution';

export type ItemStatus = 'available' | 'on_loan' | 'in_transit' | 'lost' | 'reference_only' | 'missing' | 'withdrawn';

/** One physical copy as a library reports it (MARC 852/952, CSV item export). */
export interface ItemInput {
  barcode?: string;
  callNumber?: string; // DDC call number as shelved
  location?: string;
  status: ItemStatus;
  loanable: boolean;
  note?: string;
}

export type BibFormat =
  | 'book'
  | 'serial'
  | 'article'
  | 'thesis'
  | 'map'
  | 'music'
  | 'video'
  | 'audio'
  | 'electronic'
  | 'manuscript'
  | 'other';

/** A bibliographic description, whatever format it came in, before matching. */
export interface Bib {
  /** The identifier the source gave the record (MARC 001, OAI identifier, SLiMS biblio_id). */
  sourceId?: string;
  title: string;
  subtitle?: string;
  responsibility?: string; // 245$c
  authors: string[]; // personal and corporate names, main entry first, as written
  publisher?: string;
  place?: string;
  year?: number;
  edition?: string;
  isbns: string[]; // as found (normalisation happens in normalize.ts)
  issns: string[];
  language?: string; // ISO 639-2/B code, e.g. 'ind', 'eng'
  format: BibFormat;
  subjects: string[];
  ddc?: string; // classification number (082 / SLiMS classification)
  callNumber?: string;
  series?: string;
  pages?: number;
  physical?: string; // 300 as written
  notes?: string[];
  /** Other identifiers: oclc, lccn, doi, handle, url */
  identifiers?: Record<string, string[]>;
  items: ItemInput[];
  /** true when the source says this record is deleted (OAI status="deleted", leader/05 = 'd'). */
  deleted?: boolean;
}
