-- Partnership programs II: cooperative acquisition (pengadaan bersama). A coordinator
-- library runs a purchase round with a budget; members propose titles, vote and
-- comment; approved copies are ordered, received and placed at the keeping library.
create table acq_rounds (
  id bigserial primary key,
  network_id bigint not null references networks (id),
  coordinator_library_id bigint not null references libraries (id),
  title text not null,
  budget_rupiah bigint not null check (budget_rupiah >= 0),
  deadline date not null,
  -- a title at or above this unit price that a partner already holds is flagged
  expensive_rupiah bigint not null default 500000 check (expensive_rupiah >= 0),
  note text,
  status text not null default 'open' check (status in ('open', 'closed')),
  created_by bigint references staff_users (id),
  created_at timestamptz not null default now()
);
create index acq_rounds_network on acq_rounds (network_id, deadline);

create table acq_members (
  round_id bigint not null references acq_rounds (id) on delete cascade,
  library_id bigint not null references libraries (id),
  primary key (round_id, library_id)
);
create index acq_members_library on acq_members (library_id);

create table acq_proposals (
  id bigserial primary key,
  round_id bigint not null references acq_rounds (id) on delete cascade,
  library_id bigint not null references libraries (id),
  keeper_library_id bigint not null references libraries (id),
  cluster_id bigint references clusters (id) on delete set null,
  title text not null,
  authors text,
  publisher text,
  year integer,
  isbn text,
  price_rupiah bigint not null check (price_rupiah > 0),
  quantity integer not null check (quantity between 1 and 1000),
  expected_use text not null default 'medium' check (expected_use in ('low', 'medium', 'high')),
  reason text,
  status text not null default 'proposed' check (status in ('proposed', 'approved', 'rejected', 'withdrawn')),
  decision_reason text,
  -- how many partner libraries held the title when the coordinator decided
  held_at_decision integer,
  decided_at timestamptz,
  decided_by bigint references staff_users (id),
  created_by bigint references staff_users (id),
  created_at timestamptz not null default now()
);
create index acq_proposals_round on acq_proposals (round_id, status);

create table acq_votes (
  proposal_id bigint not null references acq_proposals (id) on delete cascade,
  library_id bigint not null references libraries (id),
  vote smallint not null check (vote in (-1, 1)),
  created_at timestamptz not null default now(),
  primary key (proposal_id, library_id)
);

create table acq_comments (
  id bigserial primary key,
  proposal_id bigint not null references acq_proposals (id) on delete cascade,
  library_id bigint not null references libraries (id),
  author_label text not null,
  body text not null,
  created_at timestamptz not null default now()
);
create index acq_comments_proposal on acq_comments (proposal_id);

-- One row per approved copy, tracked from approved to ordered to received.
create table acq_copies (
  id bigserial primary key,
  proposal_id bigint not null references acq_proposals (id) on delete cascade,
  sequence integer not null,
  status text not null default 'approved' check (status in ('approved', 'ordered', 'received')),
  ordered_on date,
  supplier text,
  received_on date,
  item_id bigint references items (id) on delete set null,
  unique (proposal_id, sequence)
);
