-- match_keys is ingest's own index of source_records: written in the same transaction as its record, and a
-- source record is never deleted (deletion is a flag, and its keys are removed with it). The foreign key's
-- check per key row was a third of the cost of inserting a chunk's ~5,000 keys (bench:catalog, 2026-12-02).
alter table match_keys drop constraint if exists match_keys_record_id_fkey;
