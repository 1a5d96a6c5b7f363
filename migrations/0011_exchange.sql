-- Partnership programs II: exchange of publications a library issues itself (pertukaran terbitan).

-- What a library publishes and offers partners for exchange: a yearbook, a journal, a local-history series.
create table exchange_offers (
  id bigserial primary key,
  library_id bigint not null references libraries (id),
  title text not null,
  author text,
  year integer check (year is null or (year >= 1800 and year <= 2200)),
  isbn text,
  -- how often the library issues it: an annual report is exchanged every year
  frequency text not null default 'once' check (frequency in ('once', 'yearly', 'semiannual', 'quarterly', 'irregular')),
  copies_available integer not null check (copies_available >= 0),
  cluster_id bigint references clusters (id) on delete set null,
  note text,
  active boolean not null default true,
  created_by bigint references staff_users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index exchange_offers_library on exchange_offers (library_id, active);

-- A partner asks for a title; the offering library agrees, ships; the partner confirms receipt.
create table exchange_requests (
  id bigserial primary key,
  offer_id bigint not null references exchange_offers (id),
  supplier_library_id bigint not null references libraries (id),
  requester_library_id bigint not null references libraries (id),
  agreement_id bigint references agreements (id),
  -- the issue / year asked for (an annual publication is asked for once a year)
  period integer not null check (period >= 1800 and period <= 2200),
  copies integer not null check (copies > 0 and copies <= 1000),
  status text not null check (status in ('requested', 'agreed', 'shipped', 'received', 'declined', 'cancelled')),
  -- repeat every year: receiving this issue books the next year's request
  yearly boolean not null default false,
  due_on date,
  note text,
  reason text,
  requested_at timestamptz not null default now(),
  agreed_at timestamptz,
  shipped_on date,
  received_on date,
  copies_received integer check (copies_received is null or copies_received >= 0),
  renews_id bigint references exchange_requests (id),
  created_by bigint references staff_users (id),
  updated_at timestamptz not null default now(),
  check (supplier_library_id <> requester_library_id)
);
-- one live request per title, partner and period
create unique index exchange_requests_live on exchange_requests (offer_id, requester_library_id, period)
  where status not in ('declined', 'cancelled');
create index exchange_requests_supplier on exchange_requests (supplier_library_id, status);
create index exchange_requests_requester on exchange_requests (requester_library_id, status);
create index exchange_requests_due on exchange_requests (due_on) where status = 'agreed';
