-- Notifications to staff and patrons: kept in the app, e-mailed when SMTP is configured.

create table notifications (
  id bigserial primary key,
  recipient_user_id bigint references staff_users (id) on delete cascade,
  recipient_patron_id bigint references patrons (id) on delete cascade,
  kind text not null,
  subject_id text not null,
  subject_en text not null,
  body_id text not null,
  body_en text not null,
  link text,
  created_at timestamptz not null default now(),
  read_at timestamptz,
  -- none: no e-mail (SMTP not configured or no address); queued, sent, failed: the e-mail job.
  email_status text not null default 'none' check (email_status in ('none', 'queued', 'sent', 'failed')),
  email_to text,
  emailed_at timestamptz,
  email_error text,
  check ((recipient_user_id is null) <> (recipient_patron_id is null))
);
create index notifications_user on notifications (recipient_user_id, id) where recipient_user_id is not null;
create index notifications_patron on notifications (recipient_patron_id, id) where recipient_patron_id is not null;
create index notifications_user_unread on notifications (recipient_user_id) where read_at is null and recipient_user_id is not null;
create index notifications_patron_unread on notifications (recipient_patron_id) where read_at is null and recipient_patron_id is not null;
