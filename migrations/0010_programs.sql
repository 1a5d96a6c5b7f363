-- Partnership programs I: agreements (MoU / PKS), reciprocal visiting cards and
-- visits (silang layan), deposit collections lent to schools (koleksi titipan).

-- An agreement between two or more parties. 'expiring' and 'expired' are not
-- stored: they follow from ends_on and the day asked about (see agreement-state.ts).
create table agreements (
  id bigserial primary key,
  network_id bigint not null references networks (id),
  title text not null,
  number text,
  kind text not null check (kind in ('mou', 'pks')),
  written boolean not null default true,
  -- a PKS (detailed cooperation agreement) implements an MoU
  implements_id bigint references agreements (id),
  -- the agreement this one renews; the old one then has status 'renewed'
  renews_id bigint references agreements (id),
  background text,
  purpose text,
  programs text[] not null default '{}',
  starts_on date,
  ends_on date,
  division_of_work text,
  financing text,
  method text,
  is_public boolean not null default false,
  status text not null default 'draft' check (status in ('draft', 'active', 'renewed', 'terminated')),
  status_reason text,
  created_by bigint references staff_users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (ends_on is null or starts_on is null or ends_on >= starts_on)
);
create index agreements_network on agreements (network_id, status);
create index agreements_ends on agreements (ends_on) where status = 'active';

-- A party is a library of the network or an outside institution named in the
-- agreement. A library that cannot sign (a UPT) has its parent sign for it.
create table agreement_parties (
  id bigserial primary key,
  agreement_id bigint not null references agreements (id) on delete cascade,
  position integer not null,
  library_id bigint references libraries (id),
  institution_name text,
  institution_kind text,
  role text not null,
  signed_by_library_id bigint references libraries (id),
  signatory_name text,
  signatory_title text,
  -- rights and obligations of this party that other modules read (PartyTerms in tables.ts)
  terms jsonb not null default '{}'::jsonb,
  check (library_id is not null or institution_name is not null),
  unique (agreement_id, position)
);
create index agreement_parties_library on agreement_parties (library_id);
create index agreement_parties_signer on agreement_parties (signed_by_library_id);

-- Signed documents live on disk under the data dir, never under the web root.
create table agreement_documents (
  id bigserial primary key,
  agreement_id bigint not null references agreements (id) on delete cascade,
  filename text not null,
  content_type text not null,
  size_bytes bigint not null,
  sha256 text not null,
  storage_path text not null,
  uploaded_by bigint references staff_users (id),
  created_at timestamptz not null default now()
);
create index agreement_documents_agreement on agreement_documents (agreement_id);

-- One row per agreement and threshold: the unique key is what makes the daily run idempotent.
create table agreement_reminders (
  id bigserial primary key,
  agreement_id bigint not null references agreements (id) on delete cascade,
  days_before integer not null check (days_before in (90, 30, 7)),
  ends_on date not null,
  created_at timestamptz not null default now(),
  unique (agreement_id, days_before)
);

create table visiting_cards (
  id bigserial primary key,
  agreement_id bigint not null references agreements (id),
  card_number text not null unique,
  patron_id bigint not null references patrons (id),
  home_library_id bigint not null references libraries (id),
  valid_library_ids integer[] not null,
  valid_from date not null,
  valid_until date not null,
  status text not null default 'active' check (status in ('active', 'revoked')),
  status_reason text,
  issued_by bigint references staff_users (id),
  created_at timestamptz not null default now(),
  check (valid_until >= valid_from)
);
create index visiting_cards_home on visiting_cards (home_library_id, created_at desc);

create table visits (
  id bigserial primary key,
  card_id bigint not null references visiting_cards (id),
  home_library_id bigint not null references libraries (id),
  visited_library_id bigint not null references libraries (id),
  status text not null check (status in ('announced', 'checked_in', 'cancelled')),
  planned_on date,
  purpose text,
  announced_at timestamptz,
  checked_in_at timestamptz,
  -- the library's calendar day of the visit, what the monthly figures count
  visited_on date,
  created_by bigint references staff_users (id),
  created_at timestamptz not null default now()
);
create index visits_visited on visits (visited_library_id, visited_on);
create index visits_home on visits (home_library_id, visited_on);
create index visits_card on visits (card_id);

-- A lender's standing arrangement with one partner school: set size and rotation.
create table deposit_programs (
  id bigserial primary key,
  agreement_id bigint references agreements (id),
  lender_library_id bigint not null references libraries (id),
  recipient_library_id bigint not null references libraries (id),
  set_size integer not null check (set_size > 0 and set_size <= 2000),
  rotation_months integer not null check (rotation_months > 0 and rotation_months <= 24),
  audience text,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  check (lender_library_id <> recipient_library_id)
);
create index deposit_programs_lender on deposit_programs (lender_library_id);
create index deposit_programs_recipient on deposit_programs (recipient_library_id);

create table deposit_sets (
  id bigserial primary key,
  program_id bigint not null references deposit_programs (id),
  sequence integer not null,
  status text not null check (status in ('issued', 'returned')),
  issued_on date not null,
  due_on date not null,
  returned_on date,
  loans_reported integer check (loans_reported is null or loans_reported >= 0),
  created_at timestamptz not null default now(),
  unique (program_id, sequence)
);
-- at most one set out at a school at a time: rotation brings one back and sends the next
create unique index deposit_sets_one_open on deposit_sets (program_id) where status = 'issued';

create table deposit_set_items (
  set_id bigint not null references deposit_sets (id) on delete cascade,
  item_id bigint not null references items (id),
  outcome text not null default 'out' check (outcome in ('out', 'returned', 'missing', 'replaced', 'paid')),
  loans integer check (loans is null or loans >= 0),
  resolved_on date,
  replacement_item_id bigint references items (id),
  paid_rupiah bigint check (paid_rupiah is null or paid_rupiah >= 0),
  primary key (set_id, item_id)
);
create index deposit_set_items_item on deposit_set_items (item_id);
