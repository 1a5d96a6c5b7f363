-- Who announced a visit (the home library or the cardholder herself) and when it was cancelled.
alter table visits add column announced_by text check (announced_by in ('library', 'cardholder'));
alter table visits add column cancelled_at timestamptz;
update visits set announced_by = 'library' where announced_at is not null;
create index visits_announced on visits (visited_library_id, planned_on) where status = 'announced';
