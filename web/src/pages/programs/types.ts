// The server's own types: one definition for both sides of the API.
export type {
  Agreement,
  AgreementParty,
  AgreementSummary,
  HistoryEntry,
  Notice,
} from '../../../../src/programs/agreements.ts';
export type { VisitingCard } from '../../../../src/programs/cards.ts';
export type { DepositProgram, DepositSet } from '../../../../src/programs/deposits.ts';
export type { ProgramFigures } from '../../../../src/programs/reports.ts';
export type { PartyTerms } from '../../../../src/programs/tables.ts';
export type { CheckInAnswer, Visit } from '../../../../src/programs/visits.ts';

export const PROGRAM_KEYS = [
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

export const todayIso = () => new Date().toISOString().slice(0, 10);
export type { ExchangeOffer, ExchangeRequest, LedgerEntry, LedgerRow } from '../../../../src/programs/exchange.ts';
export type {
  Claim,
  RedistributionFigure,
  RedistributionLine,
  RedistributionList,
  RedistributionListDetail,
} from '../../../../src/programs/redistribution.ts';
