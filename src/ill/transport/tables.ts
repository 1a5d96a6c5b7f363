import type { ColumnType, Generated } from 'kysely';

/** Kysely row types of the ISO 18626 transport tables (migrations/0025_ill_peers.sql). */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface IllLocalAgenciesTable {
  library_id: number;
  agency_id_type: string;
  agency_id_value: string;
  updated_at: Timestamp;
}

export interface IllPeersTable {
  id: Generated<number>;
  network_id: number;
  library_id: number;
  name: string;
  agency_id_type: string;
  agency_id_value: string;
  endpoint_url: string;
  outbound_account_id: string | null;
  outbound_secret_cipher: string | null;
  inbound_account_id: string;
  inbound_secret_hash: string | null;
  active: Generated<boolean>;
  timeout_ms: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type MessageDirection = 'in' | 'out';
export type MessageStatus = 'pending' | 'confirmed' | 'rejected' | 'failed' | 'abandoned' | 'accepted';

export interface IllMessagesTable {
  id: Generated<number>;
  peer_id: number | null;
  direction: MessageDirection;
  kind: string;
  request_id: number | null;
  supplier_request_id: number | null;
  local_library_id: number | null;
  requesting_agency_request_id: string | null;
  conversation: string | null;
  summary: Generated<string>;
  status: MessageStatus;
  xml: string;
  confirmation_xml: string | null;
  error_type: string | null;
  error_value: string | null;
  attempts: Generated<number>;
  next_attempt_at: Date | null;
  last_error: string | null;
  http_status: number | null;
  created_at: Timestamp;
  last_attempt_at: Date | null;
  finished_at: Date | null;
  /** When the sending library's staff were told it gave up for good (once per message). */
  staff_told_at: Date | null;
}

export interface IllIsoTables {
  ill_local_agencies: IllLocalAgenciesTable;
  ill_peers: IllPeersTable;
  ill_messages: IllMessagesTable;
}
