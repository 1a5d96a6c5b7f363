// The server's own types for the cooperation pages.
export type { Proposal, Round, RoundSummary } from '../../../../src/programs/acquisition.ts';
export type { CalendarEntry, CoopFigures } from '../../../../src/programs/coop-reports.ts';
export type { BoardItem, Route, RouteSummary, ScheduleEntry, StopMonth } from '../../../../src/programs/mobile.ts';
export type { Certificate, Internship, Training } from '../../../../src/programs/training.ts';
