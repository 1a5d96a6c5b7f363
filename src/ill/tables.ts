import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { Bilingual } from '../platform/messages.ts';

/** Kysely row types of the tables the ill module owns (migrations/0020_ill.sql). */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTime = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type DateString = string;
type Json<T extends object> = JSONColumnType<T, string, string>;
type NullableJson<T extends object> = JSONColumnType<T | null, string | null | undefined, string | null>;

export interface Citation {
  title: string;
  author?: string;
  isbn?: string;
  issn?: string;
  publisher?: string;
  year?: string;
  edition?: string;
  /** For copies: the article or chapter asked for. */
  articleTitle?: string;
  articleAuthor?: string;
  volume?: string;
  issue?: string;
  pages?: string;
}

export interface IllPoliciesTable {
  library_id: number;
  loan_days: Generated<number>;
  answer_hours: Generated<number>;
  max_renewals: Generated<number>;
  renewal_days: Generated<number>;
  auto_renew: Generated<boolean>;
  auto_approve_cancel: Generated<boolean>;
  patron_open_limit: Generated<number>;
  updated_at: Timestamp;
}

export interface IllRequestsTable {
  id: Generated<number>;
  hrid: string;
  borrower_library_id: number;
  patron_id: number | null;
  cluster_id: number | null;
  citation: Json<Citation>;
  service_type: 'Loan' | 'Copy';
  copy_delivery: 'file' | 'paper' | null;
  needed_by: DateString | null;
  pickup_library_id: number;
  note: string | null;
  state: string;
  previous_state: string | null;
  conditional_kind: 'conditions' | 'retry' | null;
  conditions: NullableJson<{ conditions: string[]; note?: string }>;
  cancel_intent: 'patron' | 'nextLender' | null;
  seen_keys: ColumnType<string[], string[] | undefined, string[]>;
  renewal_count: Generated<number>;
  attempts: Generated<number>;
  due_at: NullableTime;
  copyright_declared_at: NullableTime;
  copyright_declared_by: string | null;
  copyright_statement: string | null;
  warnings: JSONColumnType<Array<{ code: string; message: Bilingual }>, string | undefined, string>;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  sent_at: NullableTime;
  shipped_at: NullableTime;
  received_at: NullableTime;
  returned_at: NullableTime;
  closed_at: NullableTime;
}

export type RotaStatus = 'pending' | 'current' | 'unfilled' | 'cancelled' | 'no_answer' | 'supplied' | 'moved_on';

export interface IllRotaTable {
  id: Generated<number>;
  request_id: number;
  position: number;
  lender_library_id: number;
  status: Generated<RotaStatus>;
  added_by: Generated<'auto' | 'staff'>;
  score: ColumnType<string | null, number | null | undefined, number | null>;
  reasons: JSONColumnType<Bilingual[], string | undefined, string>;
  agency_request_id: string | null;
  sent_at: NullableTime;
  answer_due_at: NullableTime;
  finished_at: NullableTime;
}

export interface IllSupplierRequestsTable {
  id: Generated<number>;
  hrid: string;
  lender_library_id: number;
  borrower_library_id: number | null;
  requesting_agency_type: string;
  requesting_agency_value: string;
  requesting_agency_request_id: string;
  request_id: number | null;
  rota_id: number | null;
  service_type: 'Loan' | 'Copy';
  request_message: Json<import('./iso18626/types.ts').Request>;
  state: string;
  previous_state: string | null;
  conditions: NullableJson<{ conditions: string[]; note?: string }>;
  seen_keys: ColumnType<string[], string[] | undefined, string[]>;
  renewal_count: Generated<number>;
  due_at: NullableTime;
  item_id: number | null;
  copy_delivery: 'file' | 'paper' | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  answered_at: NullableTime;
  shipped_at: NullableTime;
  returned_at: NullableTime;
  closed_at: NullableTime;
}

export type EventKind = 'action' | 'message_in' | 'message_out' | 'notice' | 'system';

export interface IllEventsTable {
  id: Generated<number>;
  request_id: number | null;
  supplier_request_id: number | null;
  side: 'borrower' | 'lender';
  at: Timestamp;
  actor_label: string;
  actor_user_id: number | null;
  kind: EventKind;
  event: string;
  from_state: string | null;
  to_state: string | null;
  note: string | null;
  data: NullableJson<Record<string, unknown>>;
}

export interface IllIdempotencyTable {
  library_id: number;
  key: string;
  operation: string;
  target_kind: string;
  target_id: number;
  created_at: Timestamp;
}

export type NoticeKind = 'due_soon' | 'overdue' | 'overdue_2' | 'overdue_3' | 'lost_threshold' | 'recall';

export interface IllNoticesTable {
  id: Generated<number>;
  /** Null for a loan from an outside lender: the notice is the borrower's request's alone. */
  supplier_request_id: number | null;
  request_id: number | null;
  kind: NoticeKind;
  due_on: DateString;
  on_day: DateString;
  created_at: Timestamp;
}

export interface IllChargesTable {
  id: Generated<number>;
  supplier_request_id: number;
  request_id: number | null;
  lender_library_id: number;
  borrower_library_id: number | null;
  kind: 'lost' | 'damaged';
  rule: 'replace_copy' | 'pay_amount' | 'none' | 'to_agree';
  amount_rupiah: number | null;
  status: Generated<'open' | 'settled' | 'waived'>;
  note: string | null;
  created_at: Timestamp;
  settled_at: NullableTime;
  settled_by: string | null;
}

export interface IllCopyFilesTable {
  id: Generated<number>;
  supplier_request_id: number;
  filename: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  storage_path: string;
  uploaded_by: string;
  created_at: Timestamp;
}

export interface IllTables {
  ill_policies: IllPoliciesTable;
  ill_requests: IllRequestsTable;
  ill_rota: IllRotaTable;
  ill_supplier_requests: IllSupplierRequestsTable;
  ill_events: IllEventsTable;
  ill_idempotency: IllIdempotencyTable;
  ill_notices: IllNoticesTable;
  ill_charges: IllChargesTable;
  ill_copy_files: IllCopyFilesTable;
}
