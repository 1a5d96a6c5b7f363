-- Item-only files (SLiMS item exports) name their record by title: each record's
-- title key (the title proper folded as for matching), to find a library's own
-- record by it. Null for records stored before this migration until the library's
-- first item-only file fills them in.
alter table source_records add column title_key text;
create index source_records_title_key on source_records (library_id, title_key);
