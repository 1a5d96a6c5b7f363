-- Partnership programs II: redistribution of surplus, duplicate and weeded copies (redistribusi koleksi).

create table redistribution_lists (
  id bigserial primary key,
  library_id bigint not null references libraries (id),
  title text not null,
  note text,
  status text not null default 'draft' check (status in ('draft', 'published', 'closed')),
  -- how the offering library shares a line several libraries claim
  allocation_rule text not null default 'first_come' check (allocation_rule in ('first_come', 'no_copy_first')),
  claims_until date,
  published_at timestamptz,
  closed_at timestamptz,
  created_by bigint references staff_users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index redistribution_lists_library on redistribution_lists (library_id, status);

-- One line: a catalogued item of the offering library, or uncatalogued stock typed in (with copies).
create table redistribution_lines (
  id bigserial primary key,
  list_id bigint not null references redistribution_lists (id) on delete cascade,
  item_id bigint references items (id),
  cluster_id bigint references clusters (id) on delete set null,
  title text not null,
  author text,
  year integer,
  isbn text,
  copies integer not null default 1 check (copies > 0 and copies <= 10000),
  condition text not null check (condition in ('new', 'good', 'fair', 'poor')),
  reason text not null check (reason in ('surplus', 'duplicate', 'weeded')),
  note text,
  withdrawn boolean not null default false,
  created_at timestamptz not null default now(),
  check (item_id is null or copies = 1)
);
create index redistribution_lines_list on redistribution_lines (list_id);
create index redistribution_lines_cluster on redistribution_lines (cluster_id);
-- an item is on one live line at a time
create unique index redistribution_lines_item on redistribution_lines (item_id) where item_id is not null and not withdrawn;

create table redistribution_claims (
  id bigserial primary key,
  line_id bigint not null references redistribution_lines (id) on delete cascade,
  library_id bigint not null references libraries (id),
  copies integer not null default 1 check (copies > 0),
  copies_allocated integer not null default 0 check (copies_allocated >= 0),
  status text not null check (status in ('claimed', 'allocated', 'not_allocated', 'shipped', 'received', 'withdrawn')),
  -- whether the claimant held the title in the union catalog when it claimed
  held_copy boolean not null default false,
  note text,
  claimed_at timestamptz not null default now(),
  allocated_at timestamptz,
  shipped_on date,
  received_on date,
  created_by bigint references staff_users (id),
  updated_at timestamptz not null default now()
);
create unique index redistribution_claims_live on redistribution_claims (line_id, library_id) where status <> 'withdrawn';
create index redistribution_claims_library on redistribution_claims (library_id, status);
