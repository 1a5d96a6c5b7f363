-- Search, session 4: the held-tier lexeme (0050) also stands in the title, name and subject parts
-- of the document ('~h1':1A,2B,3C), so the per-weight indexes of 0008 hold it and a field search
-- ("judul:pertanian") intersects its word and the tier inside one index instead of two bitmaps.
update clusters set search_doc = ts_delete(search_doc, array['~h1', '~h2', '~h3']) || (case
    when record_count >= 16 then '~h3:1A,2B,3C'
    when record_count >= 5 then '~h2:1A,2B,3C'
    else '~h1:1A,2B,3C' end)::tsvector
  where record_count >= 2;
