-- Staff are told once when an outbound ISO 18626 message gives up for good (rejected by the peer, or its
-- retries used up): the time they were told, so a staff retry that fails again tells nobody a second time.
alter table ill_messages add column staff_told_at timestamptz;

-- A loan from an outside lender has no lender record on this node: its due-soon (and later) notices are
-- the borrower's request's alone, once per due date like the others.
alter table ill_notices alter column supplier_request_id drop not null;
create unique index ill_notices_borrower_only on ill_notices (request_id, kind, due_on) where supplier_request_id is null;
