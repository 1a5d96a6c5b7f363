-- Interlibrary loan: the borrowing library's request, its rota of lenders, the
-- lending library's record per attempt, one timeline for both, lending policies,
-- idempotency keys, notices, charges for lost/damaged items and delivered copies.

-- How a library lends: loan period, how long it promises to answer, renewals.
create table ill_policies (
  library_id bigint primary key references libraries (id),
  loan_days integer not null default 28 check (loan_days between 1 and 365),
  answer_hours integer not null default 48 check (answer_hours between 1 and 2160),
  max_renewals integer not null default 1 check (max_renewals between 0 and 20),
  renewal_days integer not null default 14 check (renewal_days between 1 and 365),
  auto_renew boolean not null default false,
  auto_approve_cancel boolean not null default true,
  updated_at timestamptz not null default now()
);

-- The borrowing (requesting) library's side, across the whole rota.
create table ill_requests (
  id bigserial primary key,
  -- human id shown on slips, e.g. BUNGHATTA-17
  hrid text not null unique,
  borrower_library_id bigint not null references libraries (id),
  patron_id bigint references patrons (id),
  cluster_id bigint references clusters (id) on delete set null,
  -- title, author, isbn, issn, publisher, year, edition; for copies articleTitle, articleAuthor, volume, issue, pages
  citation jsonb not null,
  service_type text not null check (service_type in ('Loan', 'Copy')),
  copy_delivery text check (copy_delivery in ('file', 'paper')),
  needed_by date,
  pickup_library_id bigint not null references libraries (id),
  note text,
  state text not null,
  previous_state text,
  conditional_kind text check (conditional_kind in ('conditions', 'retry')),
  conditions jsonb,
  cancel_intent text check (cancel_intent in ('patron', 'nextLender')),
  seen_keys text[] not null default '{}',
  renewal_count integer not null default 0,
  -- ISO 18626 transactions started so far; attempt n is requestingAgencyRequestId hrid-n
  attempts integer not null default 0,
  due_at timestamptz,
  copyright_declared_at timestamptz,
  copyright_declared_by text,
  copyright_statement text,
  warnings jsonb not null default '[]'::jsonb,
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  sent_at timestamptz,
  shipped_at timestamptz,
  received_at timestamptz,
  returned_at timestamptz,
  closed_at timestamptz
);
create index ill_requests_borrower on ill_requests (borrower_library_id, state);
create index ill_requests_patron on ill_requests (patron_id);

-- The lenders to ask, in order. Each attempt gets its own ISO 18626
-- requestingAgencyRequestId (hrid-attempt), so a late answer from a lender the
-- request has moved on from is recognised and cannot disturb the current one.
create table ill_rota (
  id bigserial primary key,
  request_id bigint not null references ill_requests (id) on delete cascade,
  position integer not null,
  lender_library_id bigint not null references libraries (id),
  status text not null default 'pending'
    check (status in ('pending', 'current', 'unfilled', 'cancelled', 'no_answer', 'supplied', 'moved_on')),
  added_by text not null default 'auto' check (added_by in ('auto', 'staff')),
  score numeric,
  reasons jsonb not null default '[]'::jsonb,
  agency_request_id text unique,
  sent_at timestamptz,
  answer_due_at timestamptz,
  finished_at timestamptz,
  unique (request_id, position)
);
create index ill_rota_lender on ill_rota (lender_library_id, status);

-- The lending (supplying) library's side: one per request received.
create table ill_supplier_requests (
  id bigserial primary key,
  hrid text not null unique,
  lender_library_id bigint not null references libraries (id),
  -- the borrowing library when it is on this node (null for an outside peer)
  borrower_library_id bigint references libraries (id),
  requesting_agency_type text not null,
  requesting_agency_value text not null,
  requesting_agency_request_id text not null,
  -- the local borrower record and attempt, when the borrower is on this node
  request_id bigint references ill_requests (id) on delete set null,
  rota_id bigint references ill_rota (id) on delete set null,
  service_type text not null check (service_type in ('Loan', 'Copy')),
  -- the ISO 18626 Request as received (bibliographic, service, delivery info)
  request_message jsonb not null,
  state text not null,
  previous_state text,
  conditions jsonb,
  seen_keys text[] not null default '{}',
  renewal_count integer not null default 0,
  due_at timestamptz,
  item_id bigint references items (id) on delete set null,
  copy_delivery text check (copy_delivery in ('file', 'paper')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  answered_at timestamptz,
  shipped_at timestamptz,
  returned_at timestamptz,
  closed_at timestamptz,
  unique (lender_library_id, requesting_agency_type, requesting_agency_value, requesting_agency_request_id)
);
create index ill_supplier_lender on ill_supplier_requests (lender_library_id, state);
create index ill_supplier_request on ill_supplier_requests (request_id);

-- Timeline: who did what when, messages in and out, notices, on either side.
create table ill_events (
  id bigserial primary key,
  request_id bigint references ill_requests (id) on delete cascade,
  supplier_request_id bigint references ill_supplier_requests (id) on delete cascade,
  side text not null check (side in ('borrower', 'lender')),
  at timestamptz not null default now(),
  actor_label text not null,
  actor_user_id bigint,
  kind text not null check (kind in ('action', 'message_in', 'message_out', 'notice', 'system')),
  event text not null,
  from_state text,
  to_state text,
  note text,
  data jsonb,
  check (request_id is not null or supplier_request_id is not null)
);
create index ill_events_request on ill_events (request_id, id);
create index ill_events_supplier on ill_events (supplier_request_id, id);

-- A client's Idempotency-Key: a retried call finds its first answer's target.
create table ill_idempotency (
  library_id bigint not null references libraries (id),
  key text not null,
  operation text not null,
  target_kind text not null,
  target_id bigint not null,
  created_at timestamptz not null default now(),
  primary key (library_id, key)
);

-- Overdue, due-soon and recall notices, once each per request and level.
create table ill_notices (
  id bigserial primary key,
  supplier_request_id bigint not null references ill_supplier_requests (id) on delete cascade,
  request_id bigint references ill_requests (id) on delete set null,
  kind text not null check (kind in ('due_soon', 'overdue', 'overdue_2', 'overdue_3', 'lost_threshold', 'recall')),
  -- the due date the notice is about: a renewal's new due date gets notices of its own
  due_on date not null,
  on_day date not null,
  created_at timestamptz not null default now(),
  unique (supplier_request_id, kind, due_on)
);

-- What the borrowing library owes for an item lost or damaged, as the agreement says.
create table ill_charges (
  id bigserial primary key,
  supplier_request_id bigint not null references ill_supplier_requests (id) on delete cascade,
  request_id bigint references ill_requests (id) on delete set null,
  lender_library_id bigint not null references libraries (id),
  borrower_library_id bigint references libraries (id),
  kind text not null check (kind in ('lost', 'damaged')),
  rule text not null check (rule in ('replace_copy', 'pay_amount', 'none', 'to_agree')),
  amount_rupiah bigint check (amount_rupiah is null or amount_rupiah >= 0),
  status text not null default 'open' check (status in ('open', 'settled', 'waived')),
  note text,
  created_at timestamptz not null default now(),
  settled_at timestamptz,
  settled_by text,
  unique (supplier_request_id, kind)
);

-- A copy delivered as a file: stored under the data dir, served only to the two parties.
create table ill_copy_files (
  id bigserial primary key,
  supplier_request_id bigint not null references ill_supplier_requests (id) on delete cascade,
  filename text not null,
  content_type text not null,
  size_bytes integer not null,
  sha256 text not null,
  storage_path text not null,
  uploaded_by text not null,
  created_at timestamptz not null default now()
);
create index ill_copy_files_supplier on ill_copy_files (supplier_request_id);
