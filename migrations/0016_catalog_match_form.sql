-- What the matcher compares of each record (title forms, parsed names, year,
-- edition, identifiers, …; see fromMatchForm in src/catalog/match.ts), written by
-- ingest beside the record so candidate lookups read this small form instead of
-- the whole bib and skip normalising it again. Null for records stored before
-- this migration or by other paths; those are compared from their bib.
alter table source_records add column match_form jsonb;
