-- Who owns a copy's status (src/catalog/item-status.ts). While a Simpul workflow holds a
-- copy (an ILL loan, a mobile-library loan, a deposit collection, a redistribution in
-- transit) the library's re-sent files do not change its status; file_status keeps what
-- the library's own data last said, and becomes the status again when the workflow
-- releases the copy. A loss a workflow reported (ILL CompletedWithoutReturn, a deposit
-- copy missing or settled) stays held until the library's staff release it.
alter table items add column held_by text
  check (held_by in ('ill', 'mobile', 'deposit', 'redistribution'));
alter table items add column file_status text
  check (file_status in ('available', 'on_loan', 'in_transit', 'lost', 'reference_only', 'missing', 'withdrawn', 'on_deposit'));

update items set held_by = 'ill'
  where status in ('in_transit', 'on_loan', 'lost')
    and id in (select item_id from ill_supplier_requests
               where item_id is not null
                 and state in ('Loaned', 'Overdue', 'Recalled', 'RenewRequested', 'ReturnInTransit', 'CompletedWithoutReturn'));
update items set held_by = 'mobile'
  where held_by is null and status = 'on_loan'
    and id in (select item_id from mobile_loans where returned_on is null and item_id is not null);
update items set held_by = 'deposit'
  where held_by is null
    and (status = 'on_deposit'
         or (status in ('missing', 'lost', 'withdrawn')
             and id in (select item_id from deposit_set_items where outcome in ('missing', 'paid', 'replaced'))));
update items set held_by = 'redistribution'
  where held_by is null and status = 'in_transit'
    and id in (select l.item_id from redistribution_lines l
               join redistribution_claims c on c.line_id = l.id
               where c.status = 'shipped' and l.item_id is not null);
-- Copies no workflow holds: their status is what the library's data said.
update items set file_status = status where held_by is null and source_record_id is not null;
