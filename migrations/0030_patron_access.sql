-- Patron portal: patrons sign in with library + member number + password (or PIN).

-- One row per patron who has (or is being given) portal access. The password is
-- argon2id like staff passwords; an activation code (shown once to staff, handed
-- to the patron) is stored as its SHA-256 and lets the patron choose a password.
create table patron_credentials (
  patron_id bigint primary key references patrons (id) on delete cascade,
  password_hash text,
  password_set_at timestamptz,
  password_set_by text check (password_set_by in ('staff', 'patron')),
  activation_code_hash text,
  activation_expires_at timestamptz,
  last_login_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Patron sessions, looked up by the SHA-256 of the cookie value (as staff sessions).
create table patron_sessions (
  id text primary key,
  patron_id bigint not null references patrons (id) on delete cascade,
  csrf_token text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  ip text,
  user_agent text
);
create index patron_sessions_patron on patron_sessions (patron_id);

-- The language a patron reads notices in; Indonesian unless the patron chooses English.
alter table patrons add column language text not null default 'id' check (language in ('id', 'en'));
