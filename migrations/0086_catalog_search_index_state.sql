-- Which version of the search fold and index document the stored clusters' search documents were built
-- with (SEARCH_INDEX_VERSION in src/catalog/search-index.ts), and how far a rebuild has come. When the code's
-- version is newer, the catalog's background job (src/catalog/reindex.ts; `simpul reindex` runs it at once)
-- rebuilds every cluster's document in id order, batch by batch, each batch its own transaction, noting the
-- last id done, so that a restart goes on where it stopped. Clusters another transaction holds at that moment
-- are kept in retry_ids and redone at the end.
-- Version 2: the search fold drops apostrophes instead of splitting at them ("Ka’bah" was "ka bah").
-- A database with no clusters yet has nothing to rebuild.
create table search_index_state (
  id smallint primary key default 1 check (id = 1),
  version integer not null,
  resume_after bigint not null default 0,
  retry_ids bigint[] not null default '{}',
  started_at timestamptz,
  updated_at timestamptz not null default now()
);
insert into search_index_state (version) select case when exists (select 1 from clusters) then 1 else 2 end;
