-- The title-key index led with library_id, so it could serve "library_id = L" alone. While a library's
-- rows grow faster than the statistics (a first big import: the library has "1 row" until autovacuum
-- analyzes), the planner took it for the ingest's per-key lookup of existing records
-- (library_id = L and record_key = K, limit 1) and filtered the library's rows for every key instead of
-- probing the unique (library_id, record_key) index: 100 ms instead of 4 ms per 1,000 keys at 30k records,
-- quadratic with the library's size (bench:catalog 100k: 166 s of database CPU, most of it here).
-- Led by title_key it serves only what it is for: a library's records by title key.
drop index if exists source_records_title_key;
create index source_records_title_key on source_records (title_key, library_id);
