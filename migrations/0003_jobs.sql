-- Background work kept in Postgres: harvests, imports, reminders, outbound ISO 18626.
create table jobs (
  id bigserial primary key,
  kind text not null,
  payload jsonb not null default '{}'::jsonb,
  status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
  -- at most one queued or running job per key (e.g. 'harvest:12'), so schedules never pile up
  unique_key text,
  run_at timestamptz not null default now(),
  attempts integer not null default 0,
  max_attempts integer not null default 5,
  last_error text,
  locked_by text,
  locked_at timestamptz,
  result jsonb,
  created_at timestamptz not null default now(),
  finished_at timestamptz
);
create index jobs_due on jobs (status, run_at);
create unique index jobs_unique_active on jobs (unique_key) where unique_key is not null and status in ('queued', 'running');
