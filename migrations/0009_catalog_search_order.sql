-- Sorted result pages read the clusters in index order and stop at the page's end,
-- instead of sorting every match: one index per sort order, exactly as search.ts orders
-- (year descending puts undated titles last; author order puts titles without an author last).
create index clusters_year_desc on clusters (year desc nulls last, id);
create index clusters_year_asc on clusters (year asc nulls last, id);
create index clusters_title_order on clusters (title_sort, id);
create index clusters_author_order on clusters ((author_sort = ''), author_sort, title_sort, id);
-- Superseded by the ones above (a year range uses clusters_year_asc).
drop index if exists clusters_year;
drop index if exists clusters_title_sort;
drop index if exists clusters_author_sort;
