-- Search, session 4: the libraries holding a title are lexemes of its search document too
-- ('~l<library id>', search-index.ts libraryTokenSql), so a library filter is one more entry
-- of the document's GIN scan, intersected inside the index, instead of a second bitmap of
-- every title the library holds (110,000 entries for one library at 1M, rebuilt for each
-- part of a ranked search). The GIN index on library_ids served only that filter.
update clusters set search_doc = search_doc || array_to_tsvector(array(select '~l' || l from unnest(library_ids) l))
  where library_ids <> '{}';
drop index if exists clusters_library_ids;
