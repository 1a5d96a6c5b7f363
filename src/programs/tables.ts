import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/** Kysely row types of the tables the programs module owns (migrations/0010_programs.sql on). */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type DateString = string; // 'YYYY-MM-DD'

export const PROGRAMS = [
  'ill',
  'exchange',
  'deposit_collections',
  'visiting_cards',
  'mobile_library',
  'internships',
  'training',
  'shared_acquisition',
  'facility_use',
] as const;
export type Program = (typeof PROGRAMS)[number];

export type StoredAgreementStatus = 'draft' | 'active' | 'renewed' | 'terminated';
export type LostItemRule = 'replace_copy' | 'pay_amount' | 'none';

/**
 * What one party grants the others and what it owes them. Other modules read
 * these (ILL asks agreementTerms); free text goes in rights/obligations.
 */
export interface PartyTerms {
  /** Days this party lends an item to the other parties' patrons or libraries. */
  loanPeriodDays?: number;
  /** Items at a time this party lends to one patron or request. */
  loanQuota?: number;
  /** Exchange of publications, e.g. '1:1' (one title for one title). */
  exchangeRatio?: string;
  /** What this party does when it loses an item it received from another party. */
  lostItems?: { rule: LostItemRule; amountRupiah?: number };
  feeRupiah?: number;
  /** The other parties should ask this one first for interlibrary loans. */
  preferredIllPartner?: boolean;
  /** Visitors with a visiting card may borrow here, not only read on site. */
  visitorsMayBorrow?: boolean;
  rights?: string;
  obligations?: string;
}

export interface AgreementsTable {
  id: Generated<number>;
  network_id: number;
  title: string;
  number: string | null;
  kind: 'mou' | 'pks';
  written: Generated<boolean>;
  implements_id: number | null;
  renews_id: number | null;
  background: string | null;
  purpose: string | null;
  programs: ColumnType<string[], string[] | undefined, string[]>;
  starts_on: DateString | null;
  ends_on: DateString | null;
  division_of_work: string | null;
  financing: string | null;
  method: string | null;
  is_public: Generated<boolean>;
  status: Generated<StoredAgreementStatus>;
  status_reason: string | null;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AgreementPartiesTable {
  id: Generated<number>;
  agreement_id: number;
  position: number;
  library_id: number | null;
  institution_name: string | null;
  institution_kind: string | null;
  role: string;
  signed_by_library_id: number | null;
  signatory_name: string | null;
  signatory_title: string | null;
  terms: JSONColumnType<PartyTerms, string | undefined, string>;
}

export interface AgreementDocumentsTable {
  id: Generated<number>;
  agreement_id: number;
  filename: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  storage_path: string;
  uploaded_by: number | null;
  created_at: Timestamp;
}

export interface AgreementRemindersTable {
  id: Generated<number>;
  agreement_id: number;
  days_before: number;
  ends_on: DateString;
  created_at: Timestamp;
}

export interface VisitingCardsTable {
  id: Generated<number>;
  agreement_id: number;
  card_number: string;
  patron_id: number;
  home_library_id: number;
  valid_library_ids: ColumnType<number[], number[], number[]>;
  valid_from: DateString;
  valid_until: DateString;
  status: Generated<'active' | 'revoked'>;
  status_reason: string | null;
  issued_by: number | null;
  created_at: Timestamp;
}

export interface VisitsTable {
  id: Generated<number>;
  card_id: number;
  home_library_id: number;
  visited_library_id: number;
  status: 'announced' | 'checked_in' | 'cancelled';
  planned_on: DateString | null;
  purpose: string | null;
  announced_at: Date | null;
  checked_in_at: Date | null;
  visited_on: DateString | null;
  created_by: number | null;
  created_at: Timestamp;
  /** 0032: the home library or the cardholder announced it. */
  announced_by: 'library' | 'cardholder' | null;
  cancelled_at: Date | null;
}

export interface DepositProgramsTable {
  id: Generated<number>;
  agreement_id: number | null;
  lender_library_id: number;
  recipient_library_id: number;
  set_size: number;
  rotation_months: number;
  audience: string | null;
  active: Generated<boolean>;
  created_at: Timestamp;
}

export interface DepositSetsTable {
  id: Generated<number>;
  program_id: number;
  sequence: number;
  status: 'issued' | 'returned';
  issued_on: DateString;
  due_on: DateString;
  returned_on: DateString | null;
  loans_reported: number | null;
  created_at: Timestamp;
}

export type DepositOutcome = 'out' | 'returned' | 'missing' | 'replaced' | 'paid';

export interface DepositSetItemsTable {
  set_id: number;
  item_id: number;
  outcome: Generated<DepositOutcome>;
  loans: number | null;
  resolved_on: DateString | null;
  replacement_item_id: number | null;
  paid_rupiah: number | null;
}

export interface ProgramsTables {
  agreements: AgreementsTable;
  agreement_parties: AgreementPartiesTable;
  agreement_documents: AgreementDocumentsTable;
  agreement_reminders: AgreementRemindersTable;
  visiting_cards: VisitingCardsTable;
  visits: VisitsTable;
  deposit_programs: DepositProgramsTable;
  deposit_sets: DepositSetsTable;
  deposit_set_items: DepositSetItemsTable;
}
