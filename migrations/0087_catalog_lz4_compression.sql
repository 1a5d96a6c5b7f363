-- A cluster's search document joins the wide catalogue values 0040 moved to lz4 (a record as received, its
-- bib and match form, a cluster's display record) where the server is built with lz4; the embedded database
-- (PGlite) has no lz4 and keeps pglz. Values already stored keep their compression (both are read alike).
do $$
begin
  alter table clusters alter column search_doc set compression lz4;
exception when feature_not_supported or invalid_parameter_value then
  raise notice 'lz4 not available: search documents stay compressed with pglz';
end
$$;
