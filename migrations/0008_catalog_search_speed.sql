-- Search, session 3: the words the catalogue knows (for "did you mean", with
-- trigram similarity when pg_trgm is there; PGlite loads it as an extension,
-- and without it search falls back to edit distance), and author sort.
do $$
begin
  create extension if not exists pg_trgm;
exception when others then
  raise notice 'pg_trgm not available: search suggestions use edit distance';
end
$$;

-- Title, name and subject words of every cluster (folded), filled by storeClusterIndex.
create table search_words (word text primary key);

insert into search_words (word)
select distinct w
from clusters c cross join unnest(tsvector_to_array(ts_filter(c.search_doc, '{a,b,c}'))) w
where w ~ '^[[:alpha:]]{3,40}$'
on conflict do nothing;

do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_trgm') then
    execute 'create index search_words_trgm on search_words using gin (word gin_trgm_ops)';
  end if;
end
$$;

create index clusters_author_sort on clusters (author_sort, title_sort);

-- Field searches (title, author, subject) read their weight's part of the document through its own
-- index: expressions exactly as search.ts writes them.
create index clusters_doc_title on clusters using gin (ts_filter(search_doc, '{a}'::"char"[]));
create index clusters_doc_author on clusters using gin (ts_filter(search_doc, '{b}'::"char"[]));
create index clusters_doc_subject on clusters using gin (ts_filter(search_doc, '{c}'::"char"[]));
