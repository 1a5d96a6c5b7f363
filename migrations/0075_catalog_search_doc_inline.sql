-- Search, session 5: a cluster's search document stays in its row. Search reads search_doc for every
-- candidate it ranks or samples (the @@ check, ts_rank), and display only for the page's hits; yet a
-- cluster row over 2 kB had its search_doc moved out to the TOAST table (tsvectors barely compress), so
-- each candidate cost a TOAST index probe and chunk reads, twice when it was both checked and ranked
-- (1M SQL-built corpus: 2,001 ranked candidates read 6,779 buffers, 1,984 of them heap pages).
-- With storage main the document is compressed and kept inline, and the display record (extended,
-- lz4) is the one moved out when a row is too wide. Rows written from now on are stored this way;
-- storeClusterIndex rewrites a cluster's document whenever its records or items change.
alter table clusters alter column search_doc set storage main;
do $$
begin
  alter table clusters alter column search_doc set compression lz4;
exception when others then
  raise notice 'lz4 compression not available: search_doc keeps the default';
end
$$;
