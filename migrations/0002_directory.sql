-- Directory: networks, regions, libraries, staff, patrons and borrowing rules.

create table networks (
  id bigserial primary key,
  code text not null unique,
  name text not null,
  description text,
  created_at timestamptz not null default now()
);

-- Regions use the BPS (Statistics Indonesia) codes: '13' = Sumatera Barat,
-- '13.75' = Kota Bukittinggi. kind is province | city (kota) | regency (kabupaten).
create table regions (
  code text primary key,
  name text not null,
  kind text not null check (kind in ('province', 'city', 'regency')),
  parent_code text references regions (code)
);

create table libraries (
  id bigserial primary key,
  network_id bigint not null references networks (id),
  code text not null unique,
  name text not null,
  type text not null check (type in ('national', 'provincial', 'public', 'school', 'university', 'special')),
  region_code text references regions (code),
  parent_institution text,
  -- A technical unit (UPT) cannot sign formal agreements itself; its parent does.
  parent_library_id bigint references libraries (id),
  signs_own_agreements boolean not null default true,
  address text,
  phone text,
  email text,
  website text,
  -- {"mon": "08:00-16:00", ..., "note": "..."}
  opening_hours jsonb not null default '{}'::jsonb,
  services text[] not null default '{}',
  lending_paused boolean not null default false,
  ill_capacity integer not null default 20 check (ill_capacity >= 0),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index libraries_network on libraries (network_id);

create table staff_users (
  id bigserial primary key,
  library_id bigint not null references libraries (id),
  username text not null unique,
  full_name text not null,
  email text,
  role text not null check (role in ('network_coordinator', 'library_admin', 'librarian')),
  password_hash text not null,
  active boolean not null default true,
  language text not null default 'id' check (language in ('id', 'en')),
  last_login_at timestamptz,
  created_at timestamptz not null default now()
);
create index staff_users_library on staff_users (library_id);

-- Sessions are looked up by the SHA-256 of the cookie value, so a leaked table
-- does not hand out live sessions.
create table sessions (
  id text primary key,
  user_id bigint not null references staff_users (id) on delete cascade,
  csrf_token text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  last_seen_at timestamptz not null default now(),
  ip text,
  user_agent text
);
create index sessions_user on sessions (user_id);

create table api_tokens (
  id bigserial primary key,
  library_id bigint not null references libraries (id),
  name text not null,
  token_hash text not null unique,
  role text not null check (role in ('network_coordinator', 'library_admin', 'librarian')),
  created_by bigint references staff_users (id),
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

create table patrons (
  id bigserial primary key,
  library_id bigint not null references libraries (id),
  member_number text not null,
  full_name text not null,
  -- NIK (national ID number): AES-256-GCM ciphertext, a keyed hash for exact
  -- lookup, and the last four digits for display. The plain number is never stored.
  nik_cipher text,
  nik_hash text,
  nik_last4 text,
  address_cipher text,
  domicile_region_code text references regions (code),
  category text not null check (category in ('student', 'pupil', 'lecturer', 'staff', 'public', 'other')),
  -- For students and staff of another institution: the library of that institution.
  institution_library_id bigint references libraries (id),
  institution_name text,
  email text,
  phone text,
  status text not null default 'active' check (status in ('active', 'suspended', 'blocked', 'inactive')),
  membership_expires_on date,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (library_id, member_number)
);
create index patrons_library_name on patrons (library_id, full_name);
create index patrons_nik_hash on patrons (nik_hash);

-- Proof of active enrolment (surat keterangan aktif kuliah) for partner students.
create table enrolment_proofs (
  id bigserial primary key,
  patron_id bigint not null references patrons (id) on delete cascade,
  institution_library_id bigint references libraries (id),
  document_ref text,
  valid_from date not null,
  valid_until date not null,
  verified_by bigint references staff_users (id),
  created_at timestamptz not null default now(),
  check (valid_until >= valid_from)
);
create index enrolment_proofs_patron on enrolment_proofs (patron_id);

-- Who may do what at a library. Each rule grants privileges when its condition
-- holds; the answer is the union of the rules that hold (see eligibility.ts).
create table eligibility_rules (
  id bigserial primary key,
  library_id bigint not null references libraries (id),
  name text not null,
  condition jsonb not null,
  grants text[] not null,
  position integer not null default 0,
  active boolean not null default true,
  created_at timestamptz not null default now()
);
create index eligibility_rules_library on eligibility_rules (library_id, position);
