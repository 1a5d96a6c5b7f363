-- The ingest's candidate probe asks, per match key, which clusters of other libraries hold a record with it.
-- It joined every key row to source_records for the record's cluster, library and deleted flag: at 1M records
-- a common key (a title head of thousands of records) read thousands of random ~3 KB source rows, and the
-- probe was 40 s of each 1,000-record chunk (pg_stat_statements, 2,200 near-duplicate records into the 1M
-- bench database: 120 of 136 s). The key rows now carry what the probe needs, and the primary key holds it
-- too, so the probe reads the key's index entries only.
alter table match_keys
  add column cluster_id bigint,
  add column library_id bigint,
  add column stand_in boolean not null default false;

update match_keys k
set cluster_id = case when r.deleted then null else r.cluster_id end,
  library_id = r.library_id,
  stand_in = (r.record_key like 'transfer:%' or r.record_key like 'acq:%' or r.record_key like 'id:acq:%')
from source_records r
where r.id = k.record_id;

alter table match_keys drop constraint match_keys_pkey;
alter table match_keys add primary key (key, record_id) include (cluster_id, library_id, stand_in);

-- A writer that names only key and record_id (transfers, acquisitions) gets the rest from the record.
create function match_keys_fill() returns trigger language plpgsql as $$
begin
  select case when r.deleted then null else r.cluster_id end, r.library_id,
    (r.record_key like 'transfer:%' or r.record_key like 'acq:%' or r.record_key like 'id:acq:%')
  into new.cluster_id, new.library_id, new.stand_in
  from source_records r where r.id = new.record_id;
  return new;
end $$;

create trigger match_keys_fill before insert on match_keys
  for each row when (new.library_id is null) execute function match_keys_fill();

-- Whatever moves a record to another cluster or deletes it (ingest, merge and split, stand-ins, transfers)
-- moves its keys with it.
create function source_records_keys_follow() returns trigger language plpgsql as $$
begin
  update match_keys set cluster_id = case when new.deleted then null else new.cluster_id end
  where record_id = new.id;
  return null;
end $$;

create trigger source_records_keys_follow after update of cluster_id, deleted on source_records
  for each row when (old.cluster_id is distinct from new.cluster_id or old.deleted is distinct from new.deleted)
  execute function source_records_keys_follow();
