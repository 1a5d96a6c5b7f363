import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** Patron portal access (migrations/0030_patron_access.sql). */
export interface PatronCredentialsTable {
  patron_id: number;
  password_hash: string | null;
  password_set_at: Date | null;
  password_set_by: 'staff' | 'patron' | null;
  activation_code_hash: string | null;
  activation_expires_at: Date | null;
  last_login_at: Date | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PatronSessionsTable {
  id: string;
  patron_id: number;
  csrf_token: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface PortalTables {
  patron_credentials: PatronCredentialsTable;
  patron_sessions: PatronSessionsTable;
}
