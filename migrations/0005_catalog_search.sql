-- What search reads: one row per cluster with its words, its facets and its holdings,
-- kept up to date by the ingest whenever a member record or an item changes.
alter table clusters
  add column search_doc tsvector not null default ''::tsvector,
  add column title_sort text not null default '',
  add column author_sort text not null default '',
  add column subjects text[] not null default '{}',
  add column isbns text[] not null default '{}',
  add column issns text[] not null default '{}',
  add column call_numbers text[] not null default '{}',
  add column publisher_key text,
  add column library_ids integer[] not null default '{}',
  add column region_codes text[] not null default '{}',
  add column library_types text[] not null default '{}',
  add column available_library_ids integer[] not null default '{}',
  add column holdings_count integer not null default 0,
  add column available_count integer not null default 0,
  add column record_count integer not null default 0;

create index clusters_search_doc on clusters using gin (search_doc);
create index clusters_isbns on clusters using gin (isbns);
create index clusters_issns on clusters using gin (issns);
create index clusters_library_ids on clusters using gin (library_ids);
create index clusters_year on clusters (year);
create index clusters_title_sort on clusters (title_sort);
