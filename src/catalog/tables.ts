import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { Bib, ItemStatus, Workflow } from './types.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface CatalogSourcesTable {
  id: Generated<number>;
  library_id: number;
  kind: 'upload' | 'oai';
  name: string;
  base_url: string | null;
  metadata_prefix: string | null;
  set_spec: string | null;
  schedule_hours: number | null;
  enabled: Generated<boolean>;
  checkpoint: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  last_run_at: Date | null;
  next_run_at: Date | null;
  created_at: Timestamp;
}

export interface ImportBatchesTable {
  id: Generated<number>;
  library_id: number;
  source_id: number | null;
  kind: 'file' | 'harvest';
  filename: string | null;
  format: string | null;
  status: Generated<'queued' | 'running' | 'done' | 'failed'>;
  bytes_total: number | null;
  bytes_read: Generated<number>;
  n_read: Generated<number>;
  n_added: Generated<number>;
  n_updated: Generated<number>;
  n_unchanged: Generated<number>;
  n_deleted: Generated<number>;
  n_matched: Generated<number>;
  n_rejected: Generated<number>;
  error: string | null;
  created_by: number | null;
  created_at: Timestamp;
  started_at: Date | null;
  finished_at: Date | null;
  mapping_id: number | null;
  mapping: JSONColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
}

/** A saved spreadsheet column mapping of one library (0018). */
export interface CatalogMappingsTable {
  id: Generated<number>;
  library_id: number;
  name: string;
  columns: JSONColumnType<Array<{ column: string; field: string }>, string, string>;
  has_header: Generated<boolean>;
  delimiter: ',' | ';' | 'tab' | null;
  encoding: Generated<'auto' | 'utf-8' | 'windows-1252'>;
  multi_value_separator: string | null;
  default_format: Generated<string>;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RejectedRecordsTable {
  id: Generated<number>;
  batch_id: number;
  position: string;
  reason: string;
  /** rejection-reasons.ts: the code of `reason` and its parameters (0070). */
  reason_code: Generated<string>;
  reason_params: JSONColumnType<Record<string, string>, string | undefined, string>;
  excerpt: string | null;
}

export interface ClustersTable {
  id: Generated<number>;
  title: string;
  display: JSONColumnType<Bib, string, string>;
  year: number | null;
  format: string | null;
  language: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SourceRecordsTable {
  id: Generated<number>;
  library_id: number;
  source_id: number | null;
  record_key: string;
  format: string;
  raw: Buffer;
  content_hash: string;
  bib: JSONColumnType<Bib, string, string>;
  cluster_id: number | null;
  deleted: Generated<boolean>;
  batch_id: number | null;
  position: string | null;
  /** The title proper folded as for matching (item-only files find records by it); 0007. */
  title_key: Generated<string | null>;
  /** The matcher's form of the record (ingest writes it; null before 0016 or from other paths). */
  match_form: Generated<unknown>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MatchKeysTable {
  key: string;
  record_id: number;
  /** The record's cluster, library and stand-in flag (migration 0082: filled and kept by triggers when not given). */
  cluster_id: Generated<number | null>;
  library_id: Generated<number | null>;
  stand_in: Generated<boolean>;
}

export interface ClusterDecisionsTable {
  id: Generated<number>;
  kind: 'merge' | 'split';
  a_library_id: number;
  a_record_key: string;
  b_library_id: number;
  b_record_key: string;
  note: string | null;
  decided_by: number | null;
  decided_at: Timestamp;
  active: Generated<boolean>;
}

export interface ItemsTable {
  id: Generated<number>;
  library_id: number;
  source_record_id: number | null;
  cluster_id: number | null;
  barcode: string | null;
  call_number: string | null;
  location: string | null;
  status: Generated<ItemStatus | 'on_deposit'>;
  /** The Simpul workflow whose status the copy has (src/catalog/item-status.ts); null: the library's data decides. */
  held_by: Generated<Workflow | null>;
  /** What the library's own data last said of the copy (withdrawn: its record was deleted or the copy dropped). */
  file_status: Generated<ItemStatus | 'on_deposit' | null>;
  loanable: Generated<boolean>;
  note: string | null;
  updated_at: Timestamp;
}

export interface ClusterTombstonesTable {
  cluster_id: number;
  library_ids: number[];
  deleted_at: Timestamp;
}

/** 0086: which SEARCH_INDEX_VERSION the stored search documents have, and how far a rebuild has come. */
export interface SearchIndexStateTable {
  id: Generated<number>;
  version: number;
  resume_after: Generated<string>;
  retry_ids: Generated<string[]>;
  started_at: Timestamp | null;
  updated_at: Generated<Timestamp>;
}

export interface CatalogTables {
  search_index_state: SearchIndexStateTable;
  cluster_tombstones: ClusterTombstonesTable;
  catalog_sources: CatalogSourcesTable;
  import_batches: ImportBatchesTable;
  catalog_mappings: CatalogMappingsTable;
  rejected_records: RejectedRecordsTable;
  clusters: ClustersTable & ClusterSearchColumns;
  source_records: SourceRecordsTable;
  match_keys: MatchKeysTable;
  cluster_decisions: ClusterDecisionsTable;
  items: ItemsTable;
}

/** Columns added to clusters by 0005_catalog_search.sql. */
export interface ClusterSearchColumns {
  search_doc: ColumnType<string, string | undefined, string>;
  title_sort: Generated<string>;
  author_sort: Generated<string>;
  subjects: Generated<string[]>;
  isbns: Generated<string[]>;
  issns: Generated<string[]>;
  call_numbers: Generated<string[]>;
  publisher_key: string | null;
  library_ids: Generated<number[]>;
  region_codes: Generated<string[]>;
  library_types: Generated<string[]>;
  available_library_ids: Generated<number[]>;
  holdings_count: Generated<number>;
  available_count: Generated<number>;
  record_count: Generated<number>;
}
