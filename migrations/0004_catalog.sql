-- Union catalog: sources, batches, records as received, clusters, holdings.

create table catalog_sources (
  id bigserial primary key,
  library_id bigint not null references libraries (id),
  kind text not null check (kind in ('upload', 'oai')),
  name text not null,
  base_url text,
  metadata_prefix text,
  set_spec text,
  -- hours between scheduled harvests; null = only when asked
  schedule_hours integer check (schedule_hours is null or schedule_hours > 0),
  enabled boolean not null default true,
  -- harvest resume state: { token, from, until } as of the last completed page
  checkpoint jsonb,
  last_run_at timestamptz,
  next_run_at timestamptz,
  created_at timestamptz not null default now()
);
create index catalog_sources_library on catalog_sources (library_id);

create table import_batches (
  id bigserial primary key,
  library_id bigint not null references libraries (id),
  source_id bigint references catalog_sources (id),
  kind text not null check (kind in ('file', 'harvest')),
  filename text,
  format text,
  status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
  bytes_total bigint,
  bytes_read bigint not null default 0,
  n_read integer not null default 0,
  n_added integer not null default 0,
  n_updated integer not null default 0,
  n_unchanged integer not null default 0,
  n_deleted integer not null default 0,
  n_matched integer not null default 0,
  n_rejected integer not null default 0,
  error text,
  created_by bigint references staff_users (id),
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz
);
create index import_batches_library on import_batches (library_id, created_at desc);

create table rejected_records (
  id bigserial primary key,
  batch_id bigint not null references import_batches (id) on delete cascade,
  position text not null, -- 'byte 1234', 'line 56', 'record oai:x:1'
  reason text not null,
  excerpt text
);
create index rejected_records_batch on rejected_records (batch_id);

create table clusters (
  id bigserial primary key,
  title text not null,
  display jsonb not null,
  year integer,
  format text,
  language text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Every record exactly as a library sent it, with where it came from.
create table source_records (
  id bigserial primary key,
  library_id bigint not null references libraries (id),
  source_id bigint references catalog_sources (id),
  -- the library's own identifier (MARC 001, OAI identifier, SLiMS biblio_id), else 'sha256:<hash of raw>'
  record_key text not null,
  format text not null,
  raw bytea not null,
  content_hash text not null,
  bib jsonb not null,
  cluster_id bigint references clusters (id),
  deleted boolean not null default false,
  batch_id bigint references import_batches (id),
  position text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (library_id, record_key)
);
create index source_records_cluster on source_records (cluster_id);

create table match_keys (
  key text not null,
  record_id bigint not null references source_records (id) on delete cascade,
  primary key (key, record_id)
);
create index match_keys_record on match_keys (record_id);

-- Staff decisions outlive re-ingest: they name records by library + record_key, not by row id.
create table cluster_decisions (
  id bigserial primary key,
  kind text not null check (kind in ('merge', 'split')),
  a_library_id bigint not null references libraries (id),
  a_record_key text not null,
  b_library_id bigint not null references libraries (id),
  b_record_key text not null,
  note text,
  decided_by bigint references staff_users (id),
  decided_at timestamptz not null default now(),
  active boolean not null default true
);

-- One physical copy. Items of a record are replaced when the library re-sends it;
-- other modules (ILL, deposit collections, redistribution) change status and owner.
create table items (
  id bigserial primary key,
  library_id bigint not null references libraries (id),
  source_record_id bigint references source_records (id) on delete set null,
  cluster_id bigint references clusters (id),
  barcode text,
  call_number text,
  location text,
  status text not null default 'available'
    check (status in ('available', 'on_loan', 'in_transit', 'lost', 'reference_only', 'missing', 'withdrawn', 'on_deposit')),
  loanable boolean not null default true,
  note text,
  updated_at timestamptz not null default now()
);
create unique index items_barcode on items (library_id, barcode) where barcode is not null;
create index items_cluster on items (cluster_id, library_id);
create index items_record on items (source_record_id);
