-- Why a record was set aside, as a code and parameters beside the English text
-- (src/catalog/rejection-reasons.ts), so the import report can say it in Indonesian.
-- Rows from before keep 'other' and are shown with their English text.
alter table rejected_records add column reason_code text not null default 'other';
alter table rejected_records add column reason_params jsonb not null default '{}'::jsonb;
