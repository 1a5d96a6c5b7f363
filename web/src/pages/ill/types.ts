// The server's own types: one definition for both sides of the ILL API.
export type { Charge } from '../../../../src/ill/charges.ts';
export type { CitationPreview } from '../../../../src/ill/citation-match.ts';
export type { MyRequest } from '../../../../src/ill/patron.ts';
export type { AskCheck, AskRefusal } from '../../../../src/ill/patron-ask.ts';
export type { QueueCounts } from '../../../../src/ill/queue-counts.ts';
export type { RotaProposal } from '../../../../src/ill/selection.ts';
export type {
  PickSlip,
  QueueItem,
  RequestDetail,
  RotaEntry,
  ShippingLabel,
  SupplierDetail,
  TimelineEntry,
} from '../../../../src/ill/views.ts';
