import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { CatalogTables } from '../catalog/tables.ts';
import type { PortalTables } from '../directory/portal-tables.ts';
import type { IllTables } from '../ill/tables.ts';
import type { IllIsoTables } from '../ill/transport/tables.ts';
import type { NotifyTables } from '../notify/tables.ts';
import type { CoopTables } from '../programs/coop-tables.ts';
import type { ExchangeTables } from '../programs/exchange-tables.ts';
import type { ProgramsTables } from '../programs/tables.ts';

/**
 * The database as Kysely sees it. Each module owns its tables; their row types
 * are declared here together so one Kysely<DB> covers every query.
 */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type DateString = string; // 'YYYY-MM-DD'

export interface AuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  actor_user_id: number | null;
  actor_label: string;
  library_id: number | null;
  action: string;
  entity: string;
  entity_id: string | null;
  before: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  after: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  request_id: string | null;
}

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  payload: JSONColumnType<Record<string, unknown>, string | undefined, string>;
  status: Generated<'queued' | 'running' | 'done' | 'failed'>;
  unique_key: string | null;
  run_at: Timestamp;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  last_error: string | null;
  locked_by: string | null;
  locked_at: Date | null;
  result: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  created_at: Timestamp;
  finished_at: Date | null;
}

export interface NetworksTable {
  id: Generated<number>;
  code: string;
  name: string;
  description: string | null;
  created_at: Timestamp;
}

export interface RegionsTable {
  code: string;
  name: string;
  kind: 'province' | 'city' | 'regency';
  parent_code: string | null;
}

export type LibraryType = 'national' | 'provincial' | 'public' | 'school' | 'university' | 'special';
export type Role = 'network_coordinator' | 'library_admin' | 'librarian';

export interface LibrariesTable {
  id: Generated<number>;
  network_id: number;
  code: string;
  name: string;
  type: LibraryType;
  region_code: string | null;
  parent_institution: string | null;
  parent_library_id: number | null;
  signs_own_agreements: Generated<boolean>;
  address: string | null;
  phone: string | null;
  email: string | null;
  website: string | null;
  opening_hours: JSONColumnType<Record<string, string>, string | undefined, string>;
  services: ColumnType<string[], string[] | undefined, string[]>;
  lending_paused: Generated<boolean>;
  ill_capacity: Generated<number>;
  active: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface StaffUsersTable {
  id: Generated<number>;
  library_id: number;
  username: string;
  full_name: string;
  email: string | null;
  role: Role;
  password_hash: string;
  active: Generated<boolean>;
  language: Generated<'id' | 'en'>;
  last_login_at: Date | null;
  created_at: Timestamp;
}

export interface SessionsTable {
  id: string;
  user_id: number;
  csrf_token: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  last_seen_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: Generated<number>;
  library_id: number;
  name: string;
  token_hash: string;
  role: Role;
  created_by: number | null;
  created_at: Timestamp;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export type PatronCategory = 'student' | 'pupil' | 'lecturer' | 'staff' | 'public' | 'other';
export type PatronStatus = 'active' | 'suspended' | 'blocked' | 'inactive';

export interface PatronsTable {
  id: Generated<number>;
  library_id: number;
  member_number: string;
  full_name: string;
  nik_cipher: string | null;
  nik_hash: string | null;
  nik_last4: string | null;
  address_cipher: string | null;
  domicile_region_code: string | null;
  category: PatronCategory;
  institution_library_id: number | null;
  institution_name: string | null;
  email: string | null;
  phone: string | null;
  status: Generated<PatronStatus>;
  membership_expires_on: DateString | null;
  language: Generated<'id' | 'en'>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface EnrolmentProofsTable {
  id: Generated<number>;
  patron_id: number;
  institution_library_id: number | null;
  document_ref: string | null;
  valid_from: DateString;
  valid_until: DateString;
  verified_by: number | null;
  created_at: Timestamp;
}

export interface EligibilityRulesTable {
  id: Generated<number>;
  library_id: number;
  name: string;
  condition: JSONColumnType<object, string, string>;
  grants: ColumnType<string[], string[], string[]>;
  position: Generated<number>;
  active: Generated<boolean>;
  created_at: Timestamp;
}

/** Every table; modules declare theirs in their own tables.ts and are joined here. */
export interface DB
  extends CatalogTables,
    ProgramsTables,
    PortalTables,
    IllTables,
    CoopTables,
    NotifyTables,
    ExchangeTables,
    IllIsoTables {
  jobs: JobsTable;
  audit_log: AuditLogTable;
  networks: NetworksTable;
  regions: RegionsTable;
  libraries: LibrariesTable;
  staff_users: StaffUsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  patrons: PatronsTable;
  enrolment_proofs: EnrolmentProofsTable;
  eligibility_rules: EligibilityRulesTable;
}
