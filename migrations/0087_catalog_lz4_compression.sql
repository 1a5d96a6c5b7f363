-- The wide values of the catalogue (a record as received, its bib and match form; a cluster's display record
-- and search document) are compressed with lz4 instead of PostgreSQL's default pglz where the server is built
-- with it (Debian's and most packaged servers are). Copying 60k records' rows into a table as ingest writes
-- them took 4.6-5.5 s with pglz and 2.3-3.0 s with lz4 on the test machine, alternated, and the table came out
-- smaller (181 vs 197 MB); lz4 also reads back faster. Values already stored keep their compression (both
-- are read alike); a server without lz4 (the embedded database) keeps pglz.
do $$
begin
  alter table source_records alter column raw set compression lz4;
  alter table source_records alter column bib set compression lz4;
  alter table source_records alter column match_form set compression lz4;
  alter table clusters alter column display set compression lz4;
  alter table clusters alter column search_doc set compression lz4;
exception when feature_not_supported or invalid_parameter_value then
  raise notice 'lz4 not available: catalogue values stay compressed with pglz';
end
$$;
