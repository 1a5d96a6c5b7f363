-- ISO 18626 between Simpul and outside systems (or other Simpul nodes): the
-- agency ids of our own libraries, the peers we exchange messages with, and the
-- log of every message in and out, which is also the outbox.

-- The ISO 18626 agency id a local library answers to. A library without a row
-- answers to SIMPUL:<library code>.
create table ill_local_agencies (
  library_id bigint primary key references libraries (id),
  agency_id_type text not null,
  agency_id_value text not null,
  updated_at timestamptz not null default now(),
  unique (agency_id_type, agency_id_value)
);

-- A peer: the outside system that stands behind one directory library (a
-- remote library whose holdings come into the union catalog by harvest).
create table ill_peers (
  id bigserial primary key,
  network_id bigint not null references networks (id),
  library_id bigint not null unique references libraries (id),
  name text not null,
  agency_id_type text not null,
  agency_id_value text not null,
  endpoint_url text not null,
  -- what we send (HTTP Basic): the secret is encrypted, since we must be able to send it
  outbound_account_id text,
  outbound_secret_cipher text,
  -- what we accept from the peer (HTTP Basic, or requestingAgencyAuthentication):
  -- a keyed hash of the secret, never the secret itself
  inbound_account_id text not null unique,
  inbound_secret_hash text,
  active boolean not null default true,
  timeout_ms integer not null default 15000 check (timeout_ms between 100 and 120000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (agency_id_type, agency_id_value)
);

-- Every ISO 18626 message received or sent. Outbound rows are the outbox:
-- 'pending' until the peer confirms OK ('confirmed'), answers with an error
-- ('rejected', not retried), or the retries run out ('failed', held for staff
-- to retry or abandon). Messages of one conversation (peer + the requesting
-- agency's request id) leave in order: a later one waits while an earlier one
-- is pending or failed.
create table ill_messages (
  id bigserial primary key,
  peer_id bigint references ill_peers (id),
  direction text not null check (direction in ('in', 'out')),
  kind text not null,
  -- the local ILL records the message is about, when known: the borrower's
  -- request and/or the lender's record (references added with the ILL tables)
  request_id bigint,
  supplier_request_id bigint,
  local_library_id bigint references libraries (id),
  requesting_agency_request_id text,
  conversation text,
  summary text not null default '',
  status text not null check (status in ('pending', 'confirmed', 'rejected', 'failed', 'abandoned', 'accepted')),
  -- the message as sent or received; securityCode values are masked
  xml text not null,
  confirmation_xml text,
  error_type text,
  error_value text,
  attempts integer not null default 0,
  next_attempt_at timestamptz,
  last_error text,
  http_status integer,
  created_at timestamptz not null default now(),
  last_attempt_at timestamptz,
  finished_at timestamptz
);
create index ill_messages_request on ill_messages (request_id, id);
create index ill_messages_supplier on ill_messages (supplier_request_id, id);
create index ill_messages_peer on ill_messages (peer_id, id);
create index ill_messages_open on ill_messages (conversation, id)
  where direction = 'out' and status in ('pending', 'failed');
