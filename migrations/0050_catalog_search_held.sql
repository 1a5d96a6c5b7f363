-- Search, session 4: how widely a title is held goes into its search document as one
-- tier lexeme (search-index.ts heldToken: '~h1' for 2–4 member records, '~h2' for 5–15,
-- '~h3' for 16 or more; none for one). No typed or catalogued word can be one (words are
-- folded letters and digits), so only search asks for them: a broad query's ranked
-- candidates are read tier by tier, widest held first, through the existing GIN index.
update clusters set search_doc = search_doc || (case
    when record_count >= 16 then '~h3'
    when record_count >= 5 then '~h2'
    else '~h1' end)::tsvector
  where record_count >= 2;
