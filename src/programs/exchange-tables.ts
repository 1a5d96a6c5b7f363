import type { ColumnType, Generated } from 'kysely';

/** Kysely row types of exchange (0011) and redistribution (0012). */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type DateString = string; // 'YYYY-MM-DD'

export const FREQUENCIES = ['once', 'yearly', 'semiannual', 'quarterly', 'irregular'] as const;
export type Frequency = (typeof FREQUENCIES)[number];
export const EXCHANGE_STATUSES = ['requested', 'agreed', 'shipped', 'received', 'declined', 'cancelled'] as const;
export type ExchangeStatus = (typeof EXCHANGE_STATUSES)[number];

export interface ExchangeOffersTable {
  id: Generated<number>;
  library_id: number;
  title: string;
  author: string | null;
  year: number | null;
  isbn: string | null;
  frequency: Generated<Frequency>;
  copies_available: number;
  cluster_id: number | null;
  note: string | null;
  active: Generated<boolean>;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ExchangeRequestsTable {
  id: Generated<number>;
  offer_id: number;
  supplier_library_id: number;
  requester_library_id: number;
  agreement_id: number | null;
  period: number;
  copies: number;
  status: ExchangeStatus;
  yearly: Generated<boolean>;
  due_on: DateString | null;
  note: string | null;
  reason: string | null;
  requested_at: Timestamp;
  agreed_at: Date | null;
  shipped_on: DateString | null;
  received_on: DateString | null;
  copies_received: number | null;
  renews_id: number | null;
  created_by: number | null;
  updated_at: Timestamp;
}

export const CONDITIONS = ['new', 'good', 'fair', 'poor'] as const;
export type Condition = (typeof CONDITIONS)[number];
export const SURPLUS_REASONS = ['surplus', 'duplicate', 'weeded'] as const;
export type SurplusReason = (typeof SURPLUS_REASONS)[number];
export const ALLOCATION_RULES = ['first_come', 'no_copy_first'] as const;
export type AllocationRule = (typeof ALLOCATION_RULES)[number];
export const CLAIM_STATUSES = ['claimed', 'allocated', 'not_allocated', 'shipped', 'received', 'withdrawn'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

export interface RedistributionListsTable {
  id: Generated<number>;
  library_id: number;
  title: string;
  note: string | null;
  status: Generated<'draft' | 'published' | 'closed'>;
  allocation_rule: Generated<AllocationRule>;
  claims_until: DateString | null;
  published_at: Date | null;
  closed_at: Date | null;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RedistributionLinesTable {
  id: Generated<number>;
  list_id: number;
  item_id: number | null;
  cluster_id: number | null;
  title: string;
  author: string | null;
  year: number | null;
  isbn: string | null;
  copies: Generated<number>;
  condition: Condition;
  reason: SurplusReason;
  note: string | null;
  withdrawn: Generated<boolean>;
  created_at: Timestamp;
}

export interface RedistributionClaimsTable {
  id: Generated<number>;
  line_id: number;
  library_id: number;
  copies: Generated<number>;
  copies_allocated: Generated<number>;
  status: ClaimStatus;
  held_copy: Generated<boolean>;
  note: string | null;
  claimed_at: Timestamp;
  allocated_at: Date | null;
  shipped_on: DateString | null;
  received_on: DateString | null;
  created_by: number | null;
  updated_at: Timestamp;
}

export interface ExchangeTables {
  exchange_offers: ExchangeOffersTable;
  exchange_requests: ExchangeRequestsTable;
  redistribution_lists: RedistributionListsTable;
  redistribution_lines: RedistributionLinesTable;
  redistribution_claims: RedistributionClaimsTable;
}
