/**
 * Builds the ISO 18626 messages one side sends the other, from stored records
 * and the state machines' effects. Pure: the caller supplies ids and times.
 */
import type {
  AgencyId,
  Request,
  RequestingAgencyMessage,
  SchemeValue,
  SupplyingAgencyMessage,
} from './iso18626/types.ts';
import type { Effect } from './state-machine.ts';
import type { Citation } from './tables.ts';

/** Copyright compliance named in copy requests: Indonesia's copyright law, UU No. 28/2014 (Pasal 44-47). */
export const COPYRIGHT_COMPLIANCE = 'ID-UUHC-28-2014';
/** bibliographicRecordId code for a union-catalog title, so a lender on the same node finds its copies. */
export const CLUSTER_RECORD_CODE = 'SIMPUL-CLUSTER';

export interface RequestFacts {
  borrower: AgencyId;
  borrowerName: string;
  lender: AgencyId;
  agencyRequestId: string;
  previousAgencyRequestId?: string;
  requestType: 'New' | 'Retry';
  timestamp: string;
  serviceType: 'Loan' | 'Copy';
  citation: Citation;
  clusterId: number | null;
  neededBy: string | null;
  copyDelivery: 'file' | 'paper' | null;
  copyrightDeclared: boolean;
  note: string | null;
  patronId: string | null;
  pickup: { name: string; address: string | null };
}

export function buildRequestMessage(f: RequestFacts): Request {
  const c = f.citation;
  const ids = [
    ...(c.isbn ? [{ bibliographicItemIdentifierCode: { value: 'ISBN' }, bibliographicItemIdentifier: c.isbn }] : []),
    ...(c.issn ? [{ bibliographicItemIdentifierCode: { value: 'ISSN' }, bibliographicItemIdentifier: c.issn }] : []),
  ];
  const bib: Request['bibliographicInfo'] = {
    ...(f.clusterId !== null ? { supplierUniqueRecordId: String(f.clusterId) } : {}),
    title: c.title,
    ...(c.author ? { author: c.author } : {}),
    ...(c.edition ? { edition: c.edition } : {}),
    ...(c.articleTitle ? { titleOfComponent: c.articleTitle } : {}),
    ...(c.articleAuthor ? { authorOfComponent: c.articleAuthor } : {}),
    ...(c.volume ? { volume: [c.volume] } : {}),
    ...(c.issue ? { issue: c.issue } : {}),
    ...(c.pages ? { pagesRequested: c.pages } : {}),
    ...(ids.length ? { bibliographicItemId: ids } : {}),
    ...(f.clusterId !== null
      ? {
          bibliographicRecordId: [
            {
              bibliographicRecordIdentifierCode: { value: CLUSTER_RECORD_CODE },
              bibliographicRecordIdentifier: String(f.clusterId),
            },
          ],
        }
      : {}),
  };
  const pub = {
    ...(c.publisher ? { publisher: c.publisher } : {}),
    ...(c.year ? { publicationDate: c.year } : {}),
  };
  const format: SchemeValue | undefined =
    f.serviceType === 'Copy' && f.copyDelivery ? { value: f.copyDelivery === 'file' ? 'PDF' : 'Paper' } : undefined;
  return {
    header: {
      supplyingAgencyId: f.lender,
      requestingAgencyId: f.borrower,
      timestamp: f.timestamp,
      requestingAgencyRequestId: f.agencyRequestId,
    },
    bibliographicInfo: bib,
    ...(Object.keys(pub).length ? { publicationInfo: pub } : {}),
    serviceInfo: {
      requestType: f.requestType,
      requestSubType: ['PatronRequest'],
      ...(f.previousAgencyRequestId ? { requestingAgencyPreviousRequestId: f.previousAgencyRequestId } : {}),
      serviceType: f.serviceType,
      ...(format ? { itemFormat: format } : {}),
      ...(f.neededBy ? { needBeforeDate: `${f.neededBy}T23:59:59Z` } : {}),
      ...(f.serviceType === 'Copy' && f.copyrightDeclared
        ? { copyrightCompliance: { value: COPYRIGHT_COMPLIANCE } }
        : {}),
      ...(f.note ? { note: f.note } : {}),
    },
    requestedDeliveryInfo: [
      {
        sortOrder: 1,
        address: {
          physicalAddress: { line1: f.pickup.name, ...(f.pickup.address ? { line2: f.pickup.address } : {}) },
        },
      },
    ],
    requestingAgencyInfo: { name: f.borrowerName },
    ...(f.patronId ? { patronInfo: { patronId: f.patronId } } : {}),
  };
}

export function buildRequestingAgencyMessage(
  e: Extract<Effect, { type: 'sendRequestingAgencyMessage' }>,
  h: { lender: AgencyId; borrower: AgencyId; agencyRequestId: string; supplierRequestId?: string; timestamp: string },
): RequestingAgencyMessage {
  return {
    header: {
      supplyingAgencyId: h.lender,
      requestingAgencyId: h.borrower,
      timestamp: h.timestamp,
      requestingAgencyRequestId: h.agencyRequestId,
      ...(h.supplierRequestId ? { supplyingAgencyRequestId: h.supplierRequestId } : {}),
    },
    action: e.action,
    ...(e.note !== undefined ? { note: e.note } : {}),
  };
}

export function buildSupplyingAgencyMessage(
  e: Extract<Effect, { type: 'sendSupplyingAgencyMessage' }>,
  h: {
    lender: AgencyId;
    borrower: AgencyId;
    agencyRequestId: string;
    supplierRequestId: string;
    timestamp: string;
    itemBarcode?: string | null;
    copyDelivery?: 'file' | 'paper' | null;
  },
): SupplyingAgencyMessage {
  const info: SupplyingAgencyMessage['messageInfo'] = {
    reasonForMessage: e.reasonForMessage,
    ...(e.answerYesNo ? { answerYesNo: e.answerYesNo } : {}),
    ...(e.note !== undefined ? { note: e.note } : {}),
    ...(e.reasonUnfilled ? { reasonUnfilled: { value: e.reasonUnfilled } } : {}),
    ...(e.reasonRetry ? { reasonRetry: { value: e.reasonRetry } } : {}),
  };
  const shipped = e.status === 'Loaned' && e.reasonForMessage === 'StatusChange' && e.dueDate !== undefined;
  const copied = e.status === 'CopyCompleted' && e.reasonForMessage === 'StatusChange';
  return {
    header: {
      supplyingAgencyId: h.lender,
      requestingAgencyId: h.borrower,
      timestamp: h.timestamp,
      requestingAgencyRequestId: h.agencyRequestId,
      supplyingAgencyRequestId: h.supplierRequestId,
    },
    messageInfo: info,
    statusInfo: {
      status: e.status,
      ...(e.dueDate ? { dueDate: e.dueDate } : {}),
      lastChange: h.timestamp,
    },
    ...(e.loanConditions?.length ? { retryInfo: { loanCondition: e.loanConditions.map((value) => ({ value })) } } : {}),
    ...(shipped
      ? {
          deliveryInfo: {
            dateSent: h.timestamp,
            ...(h.itemBarcode ? { itemId: [h.itemBarcode] } : {}),
            serviceType: 'Loan' as const,
          },
        }
      : {}),
    ...(copied
      ? {
          deliveryInfo: {
            dateSent: h.timestamp,
            deliveryMethod: { value: h.copyDelivery === 'paper' ? 'Mail' : 'URL' },
            serviceType: 'Copy' as const,
          },
        }
      : {}),
  };
}
