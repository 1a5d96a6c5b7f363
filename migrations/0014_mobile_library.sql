-- Partnership programs II: mobile library (perpustakaan keliling). A library runs
-- routes of stops with a schedule (weekly rules plus one-off changes), a vehicle,
-- staff and a collection on board; each visit records visitors, loans and returns.
create table mobile_routes (
  id bigserial primary key,
  library_id bigint not null references libraries (id),
  name text not null,
  vehicle text,
  staff text[] not null default '{}',
  active boolean not null default true,
  created_at timestamptz not null default now()
);
create index mobile_routes_library on mobile_routes (library_id);

create table mobile_stops (
  id bigserial primary key,
  route_id bigint not null references mobile_routes (id) on delete cascade,
  position integer not null,
  name text not null,
  kind text not null check (kind in ('school', 'village', 'public_space', 'library', 'other')),
  address text,
  partner_library_id bigint references libraries (id),
  agreement_id bigint references agreements (id),
  start_time text not null check (start_time ~ '^[0-2][0-9]:[0-5][0-9]$'),
  end_time text not null check (end_time ~ '^[0-2][0-9]:[0-5][0-9]$'),
  active boolean not null default true,
  check (end_time > start_time)
);
create index mobile_stops_route on mobile_stops (route_id);
create index mobile_stops_partner on mobile_stops (partner_library_id);

-- A recurring rule: this weekday (0 = Sunday), every n weeks, between two dates.
create table mobile_rules (
  id bigserial primary key,
  stop_id bigint not null references mobile_stops (id) on delete cascade,
  weekday integer not null check (weekday between 0 and 6),
  every_weeks integer not null default 1 check (every_weeks between 1 and 8),
  starts_on date not null,
  ends_on date,
  check (ends_on is null or ends_on >= starts_on)
);
create index mobile_rules_stop on mobile_rules (stop_id);

-- One-off changes: a date the van does not come, or an extra date (with its own times).
create table mobile_changes (
  id bigserial primary key,
  stop_id bigint not null references mobile_stops (id) on delete cascade,
  on_date date not null,
  kind text not null check (kind in ('cancel', 'extra')),
  start_time text,
  end_time text,
  note text,
  unique (stop_id, on_date, kind)
);

-- Items of the operating library on board the vehicle.
create table mobile_collection (
  route_id bigint not null references mobile_routes (id) on delete cascade,
  item_id bigint not null references items (id) on delete cascade,
  added_on date not null,
  primary key (route_id, item_id)
);
create unique index mobile_collection_item on mobile_collection (item_id);

create table mobile_visits (
  id bigserial primary key,
  stop_id bigint not null references mobile_stops (id) on delete cascade,
  visited_on date not null,
  visitors integer not null default 0 check (visitors >= 0),
  note text,
  recorded_by bigint references staff_users (id),
  created_at timestamptz not null default now(),
  unique (stop_id, visited_on)
);

create table mobile_loans (
  id bigserial primary key,
  visit_id bigint not null references mobile_visits (id) on delete cascade,
  item_id bigint references items (id) on delete set null,
  barcode text,
  title text not null,
  borrower_name text not null,
  patron_id bigint references patrons (id),
  due_on date not null,
  return_visit_id bigint references mobile_visits (id),
  returned_on date
);
create index mobile_loans_visit on mobile_loans (visit_id);
create unique index mobile_loans_open on mobile_loans (item_id) where returned_on is null;
