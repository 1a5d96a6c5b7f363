-- Saved spreadsheet column mappings: how one library's spreadsheet layout reads
-- into records (and copies). `columns` is an ordered list of
-- {"column": header text or 0-based position, "field": target}.
create table catalog_mappings (
  id bigserial primary key,
  library_id bigint not null references libraries (id),
  name text not null check (length(name) between 1 and 100),
  columns jsonb not null,
  has_header boolean not null default true,
  -- null: detected from the file
  delimiter text check (delimiter in (',', ';', 'tab')),
  encoding text not null default 'auto' check (encoding in ('auto', 'utf-8', 'windows-1252')),
  multi_value_separator text check (length(multi_value_separator) between 1 and 5),
  default_format text not null default 'book',
  created_by bigint references staff_users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index catalog_mappings_name on catalog_mappings (library_id, lower(name));

-- A file import read through a mapping keeps the mapping as it stood then.
alter table import_batches add column mapping_id bigint references catalog_mappings (id) on delete set null;
alter table import_batches add column mapping jsonb;
