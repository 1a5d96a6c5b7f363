import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/** Kysely row types of cooperative acquisition, mobile library, internships and training (migrations 0013–0015). */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type DateString = string; // 'YYYY-MM-DD'
type BigintNumber = ColumnType<number, number, number>;

export interface AcqRoundsTable {
  id: Generated<number>;
  network_id: number;
  coordinator_library_id: number;
  title: string;
  budget_rupiah: BigintNumber;
  deadline: DateString;
  expensive_rupiah: ColumnType<number, number | undefined, number>;
  note: string | null;
  status: Generated<'open' | 'closed'>;
  created_by: number | null;
  created_at: Timestamp;
}

export interface AcqMembersTable {
  round_id: number;
  library_id: number;
}

export type ExpectedUse = 'low' | 'medium' | 'high';
export type ProposalStatus = 'proposed' | 'approved' | 'rejected' | 'withdrawn';

export interface AcqProposalsTable {
  id: Generated<number>;
  round_id: number;
  library_id: number;
  keeper_library_id: number;
  cluster_id: number | null;
  title: string;
  authors: string | null;
  publisher: string | null;
  year: number | null;
  isbn: string | null;
  price_rupiah: BigintNumber;
  quantity: number;
  expected_use: ColumnType<ExpectedUse, ExpectedUse | undefined, ExpectedUse>;
  reason: string | null;
  status: Generated<ProposalStatus>;
  decision_reason: string | null;
  held_at_decision: number | null;
  decided_at: Date | null;
  decided_by: number | null;
  created_by: number | null;
  created_at: Timestamp;
}

export interface AcqVotesTable {
  proposal_id: number;
  library_id: number;
  vote: number;
  created_at: Timestamp;
}

export interface AcqCommentsTable {
  id: Generated<number>;
  proposal_id: number;
  library_id: number;
  author_label: string;
  body: string;
  created_at: Timestamp;
}

export type CopyStatus = 'approved' | 'ordered' | 'received';

export interface AcqCopiesTable {
  id: Generated<number>;
  proposal_id: number;
  sequence: number;
  status: Generated<CopyStatus>;
  ordered_on: DateString | null;
  supplier: string | null;
  received_on: DateString | null;
  item_id: number | null;
}

export type StopKind = 'school' | 'village' | 'public_space' | 'library' | 'other';

export interface MobileRoutesTable {
  id: Generated<number>;
  library_id: number;
  name: string;
  vehicle: string | null;
  staff: ColumnType<string[], string[] | undefined, string[]>;
  active: Generated<boolean>;
  created_at: Timestamp;
}

export interface MobileStopsTable {
  id: Generated<number>;
  route_id: number;
  position: number;
  name: string;
  kind: StopKind;
  address: string | null;
  partner_library_id: number | null;
  agreement_id: number | null;
  start_time: string;
  end_time: string;
  active: Generated<boolean>;
}

export interface MobileRulesTable {
  id: Generated<number>;
  stop_id: number;
  weekday: number;
  every_weeks: number;
  starts_on: DateString;
  ends_on: DateString | null;
}

export interface MobileChangesTable {
  id: Generated<number>;
  stop_id: number;
  on_date: DateString;
  kind: 'cancel' | 'extra';
  start_time: string | null;
  end_time: string | null;
  note: string | null;
}

export interface MobileCollectionTable {
  route_id: number;
  item_id: number;
  added_on: DateString;
}

export interface MobileVisitsTable {
  id: Generated<number>;
  stop_id: number;
  visited_on: DateString;
  visitors: number;
  note: string | null;
  recorded_by: number | null;
  created_at: Timestamp;
}

export interface MobileLoansTable {
  id: Generated<number>;
  visit_id: number;
  item_id: number | null;
  barcode: string | null;
  title: string;
  borrower_name: string;
  patron_id: number | null;
  due_on: DateString;
  return_visit_id: number | null;
  returned_on: DateString | null;
}

export interface InternStudent {
  name: string;
  studentNumber?: string;
  programme?: string;
}

export interface InternshipsTable {
  id: Generated<number>;
  network_id: number;
  host_library_id: number;
  institution_name: string;
  institution_library_id: number | null;
  supervisor: string;
  starts_on: DateString;
  ends_on: DateString;
  students: JSONColumnType<InternStudent[], string, string>;
  evaluation: string | null;
  score: number | null;
  created_by: number | null;
  created_at: Timestamp;
}

export type TrainingKind = 'training' | 'workshop' | 'meeting';

export interface TrainingsTable {
  id: Generated<number>;
  network_id: number;
  kind: TrainingKind;
  title: string;
  organiser_library_id: number;
  organiser_name: string | null;
  place: string | null;
  starts_on: DateString;
  ends_on: DateString;
  hours: number | null;
  description: string | null;
  created_by: number | null;
  created_at: Timestamp;
}

export interface TrainingParticipantsTable {
  id: Generated<number>;
  training_id: number;
  library_id: number | null;
  institution_name: string | null;
  name: string;
  position: string | null;
  attended: Generated<boolean>;
  certificate_number: string | null;
  certificate_issued_on: DateString | null;
}

export interface CoopTables {
  acq_rounds: AcqRoundsTable;
  acq_members: AcqMembersTable;
  acq_proposals: AcqProposalsTable;
  acq_votes: AcqVotesTable;
  acq_comments: AcqCommentsTable;
  acq_copies: AcqCopiesTable;
  mobile_routes: MobileRoutesTable;
  mobile_stops: MobileStopsTable;
  mobile_rules: MobileRulesTable;
  mobile_changes: MobileChangesTable;
  mobile_collection: MobileCollectionTable;
  mobile_visits: MobileVisitsTable;
  mobile_loans: MobileLoansTable;
  internships: InternshipsTable;
  trainings: TrainingsTable;
  training_participants: TrainingParticipantsTable;
}
