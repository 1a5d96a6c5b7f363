-- Clusters that disappeared (their last record was deleted or moved), so the
-- OAI-PMH provider can tell harvesters to delete them (deletedRecord = persistent).
create table cluster_tombstones (
  cluster_id bigint primary key,
  library_ids integer[] not null default '{}',
  deleted_at timestamptz not null default now()
);
create index cluster_tombstones_deleted_at on cluster_tombstones (deleted_at);
create index clusters_updated_at on clusters (updated_at, id);
