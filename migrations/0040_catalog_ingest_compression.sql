-- Ingest writes a source record's raw bytes, bib and match form, and a cluster's display record, for every
-- record; PostgreSQL compresses the large ones with pglz, about a third of the insert's server CPU
-- (measured: 1,000 bench records, backend CPU 90-100 ms with pglz, 60-70 ms with lz4). lz4 is used where
-- the server is built with it (PostgreSQL 14+ with --with-lz4, as Debian's is); elsewhere (PGlite) the
-- columns keep the default. Only values written from now on change; nothing is rewritten.
do $$
begin
  alter table source_records alter column raw set compression lz4;
  alter table source_records alter column bib set compression lz4;
  alter table source_records alter column match_form set compression lz4;
  alter table clusters alter column display set compression lz4;
exception when others then
  raise notice 'lz4 compression not available: the columns keep the default';
end
$$;
