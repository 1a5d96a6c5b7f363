-- The ingest reads the members of every candidate cluster (readMembers: id, library, record key and a version
-- that says whether its cached match form still holds). It read them from the source_records rows: at 1M
-- records on a machine whose page cache held less than the database, each member was a random disk read of a
-- wide (~3 KB) row, and that read was the top query of a fresh 1M ingest from ~600k records on (session 8).
-- The cluster index now holds what that read needs, so it is an index-only scan; the version is the content
-- hash (the form is built from the record's content) instead of xmin, which a heap row alone has.
drop index source_records_cluster;
create index source_records_cluster on source_records (cluster_id) include (id, library_id, record_key, content_hash, deleted);
