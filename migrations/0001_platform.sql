-- Platform: people who sign in, their sessions and tokens, and the audit log.
-- Directory tables come in 0002; staff_users references libraries, so it lives there.

create table audit_log (
  id bigserial primary key,
  at timestamptz not null default now(),
  actor_user_id bigint,
  actor_label text not null,
  library_id bigint,
  action text not null,
  entity text not null,
  entity_id text,
  before jsonb,
  after jsonb,
  request_id text
);
create index audit_log_entity on audit_log (entity, entity_id, at);
create index audit_log_library on audit_log (library_id, at);
