/**
 * Typed model of ISO 18626 (schema version 2021-2) messages. Field names follow
 * the XSD element names so a reader can hold this file beside the schema; only
 * the parts Simpul reads or writes are modelled, and the XML builder emits them
 * in the order the XSD sequences require.
 */

export const ISO18626_NS = 'http://illtransactions.org/2013/iso18626';
export const ISO18626_VERSION = '2021-2';

export const ACTIONS = [
  'StatusRequest',
  'Received',
  'Cancel',
  'Renew',
  'HoldReturn',
  'ShippedReturn',
  'ShippedForward',
  'Notification',
  'Lost',
] as const;
export type Action = (typeof ACTIONS)[number];

export const STATUSES = [
  'RequestReceived',
  'ExpectToSupply',
  'WillSupply',
  'Loaned',
  'Overdue',
  'Recalled',
  'RetryPossible',
  'Unfilled',
  'HoldReturn',
  'ReleaseHoldReturn',
  'CopyCompleted',
  'LoanCompleted',
  'CompletedWithoutReturn',
  'Cancelled',
] as const;
export type Status = (typeof STATUSES)[number];

export const REASONS_FOR_MESSAGE = [
  'RequestResponse',
  'StatusRequestResponse',
  'RenewResponse',
  'CancelResponse',
  'StatusChange',
  'Notification',
] as const;
export type ReasonForMessage = (typeof REASONS_FOR_MESSAGE)[number];

export const ERROR_TYPES = [
  'UnsupportedActionType',
  'UnsupportedReasonForMessageType',
  'UnrecognisedDataElement',
  'UnrecognisedDataValue',
  'BadlyFormedMessage',
] as const;
export type ErrorType = (typeof ERROR_TYPES)[number];

export type ServiceType = 'Copy' | 'Loan' | 'CopyOrLoan';
export type RequestType = 'New' | 'Retry' | 'Reminder';
export type RequestSubType =
  | 'BookingRequest'
  | 'MultipleItemRequest'
  | 'PatronRequest'
  | 'TransferRequest'
  | 'SupplyingLibrarysChoice';
export type PreferredEdition = 'MostRecentEdition' | 'ThisEdition' | 'AnyEdition';
export type YesNo = 'Y' | 'N';
export type MessageStatus = 'OK' | 'ERROR';

/** xs:dateTime values travel as ISO 8601 strings; converting is the caller's choice. */
export type DateTime = string;

/** A coded value with an optional scheme URI (type_schemeValuePair). */
export interface SchemeValue {
  value: string;
  scheme?: string;
}

export interface AgencyId {
  agencyIdType: SchemeValue;
  agencyIdValue: string;
}

export interface Costs {
  currencyCode: SchemeValue;
  /** xs:decimal kept as a string so rupiah amounts never pass through a float. */
  monetaryValue: string;
}

export interface RequestingAgencyAuthentication {
  accountId?: string;
  securityCode?: string;
}

export interface ElectronicAddress {
  electronicAddressType: SchemeValue;
  electronicAddressData: string;
}

export interface PhysicalAddress {
  line1?: string;
  line2?: string;
  locality?: string;
  postalCode?: string;
  region?: string;
  country?: SchemeValue;
}

export type Address = { electronicAddress: ElectronicAddress } | { physicalAddress: PhysicalAddress };

export interface RequestHeader {
  supplyingAgencyId?: AgencyId;
  requestingAgencyId: AgencyId;
  consortialId?: AgencyId;
  multipleItemRequestId?: string;
  timestamp: DateTime;
  requestingAgencyRequestId: string;
  requestingAgencyAuthentication?: RequestingAgencyAuthentication;
}

export interface SupplyingAgencyMessageHeader {
  supplyingAgencyId: AgencyId;
  requestingAgencyId: AgencyId;
  timestamp: DateTime;
  requestingAgencyRequestId: string;
  supplyingAgencyRequestId?: string;
}

export interface RequestingAgencyMessageHeader {
  supplyingAgencyId: AgencyId;
  requestingAgencyId: AgencyId;
  consortialId?: AgencyId;
  timestamp: DateTime;
  requestingAgencyRequestId: string;
  supplyingAgencyRequestId?: string;
  requestingAgencyAuthentication?: RequestingAgencyAuthentication;
}

export interface ConfirmationHeader {
  supplyingAgencyId?: AgencyId;
  requestingAgencyId?: AgencyId;
  timestamp: DateTime;
  requestingAgencyRequestId?: string;
  timestampReceived: DateTime;
  messageStatus: MessageStatus;
}

export interface ErrorData {
  errorType: ErrorType;
  errorValue?: string;
}

export interface BibliographicItemId {
  bibliographicItemIdentifierCode: SchemeValue;
  bibliographicItemIdentifier: string;
}

export interface BibliographicRecordId {
  bibliographicRecordIdentifierCode: SchemeValue;
  bibliographicRecordIdentifier: string;
}

export interface BibliographicInfo {
  supplierUniqueRecordId?: string;
  title?: string;
  author?: string;
  authorId?: string;
  subtitle?: string;
  seriesTitle?: string;
  edition?: string;
  titleOfComponent?: string;
  authorOfComponent?: string;
  volume?: string[];
  issue?: string;
  pagesRequested?: string;
  estimatedNoPages?: string;
  bibliographicItemId?: BibliographicItemId[];
  sponsor?: string;
  informationSource?: string;
  bibliographicRecordId?: BibliographicRecordId[];
}

export interface PublicationInfo {
  publisher?: string;
  publisherId?: string;
  publicationType?: SchemeValue;
  publicationDate?: string;
  placeOfPublication?: string;
}

export interface ServiceInfo {
  requestType?: RequestType;
  requestSubType?: RequestSubType[];
  requestingAgencyPreviousRequestId?: string;
  serviceType: ServiceType;
  serviceLevel?: SchemeValue;
  itemFormat?: SchemeValue;
  needBeforeDate?: DateTime;
  copyrightCompliance?: SchemeValue;
  anyEdition?: YesNo;
  preferredEdition?: PreferredEdition;
  loanCondition?: SchemeValue[];
  startDate?: DateTime;
  endDate?: DateTime;
  note?: string;
}

export interface SupplierInfo {
  sortOrder?: number;
  supplierCode?: AgencyId;
  supplierDescription?: string;
  bibliographicRecordId?: BibliographicRecordId;
  callNumber?: string;
  summaryHoldings?: string;
  availabilityNote?: string;
}

export interface RequestedDeliveryInfo {
  sortOrder?: number;
  address?: Address;
  deliveryMethod?: SchemeValue;
  courierName?: SchemeValue;
}

export interface RequestingAgencyInfo {
  name?: string;
  contactName?: string;
  address?: Address[];
}

export interface PatronInfo {
  patronId?: string;
  surname?: string;
  givenName?: string;
  patronType?: SchemeValue;
  sendToPatron?: YesNo;
  address?: Address[];
}

export interface BillingInfo {
  paymentMethod?: SchemeValue;
  maximumCosts?: Costs;
  billingMethod?: SchemeValue;
  billingName?: string;
  address?: Address;
}

export interface MessageInfo {
  reasonForMessage: ReasonForMessage;
  answerYesNo?: YesNo;
  note?: string;
  reasonUnfilled?: SchemeValue;
  reasonRetry?: SchemeValue;
}

export interface StatusInfo {
  status: Status;
  expectedDeliveryDate?: DateTime;
  dueDate?: DateTime;
  lastChange: DateTime;
}

export interface RetryInfo {
  loanCondition?: SchemeValue[];
  edition?: string[];
  itemFormat?: SchemeValue[];
  volume?: string[];
  serviceType?: ServiceType;
  serviceLevel?: SchemeValue[];
  deliveryMethod?: SchemeValue[];
  courierName?: SchemeValue[];
  offeredCosts?: Costs[];
  paymentMethod?: SchemeValue[];
  retryBefore?: DateTime;
  retryAfter?: DateTime;
}

export interface DeliveryInfo {
  dateSent: DateTime;
  itemId?: string[];
  URL?: string;
  deliveryMethod?: SchemeValue;
  address?: Address;
  sentToPatron?: boolean;
  loanCondition?: SchemeValue[];
  itemFormat?: SchemeValue;
  serviceType?: ServiceType;
  deliveryCosts?: Costs[];
  paymentMethod?: SchemeValue;
}

export interface ShippingInfo {
  courierName?: SchemeValue;
  trackingId?: string[];
  insurance?: YesNo;
  insuranceThirdParty?: YesNo;
  thirdPartyName?: string;
  insuranceCosts?: Costs[];
}

export interface ReturnInfo {
  returnAgencyId?: AgencyId;
  name?: string;
  physicalAddress?: PhysicalAddress;
}

export interface Request {
  header: RequestHeader;
  bibliographicInfo: BibliographicInfo;
  publicationInfo?: PublicationInfo;
  serviceInfo: ServiceInfo;
  supplierInfo?: SupplierInfo[];
  requestedDeliveryInfo?: RequestedDeliveryInfo[];
  requestingAgencyInfo?: RequestingAgencyInfo;
  patronInfo?: PatronInfo;
  billingInfo?: BillingInfo;
}

export interface RequestConfirmation {
  confirmationHeader: ConfirmationHeader;
  errorData?: ErrorData[];
}

export interface SupplyingAgencyMessage {
  header: SupplyingAgencyMessageHeader;
  messageInfo: MessageInfo;
  statusInfo: StatusInfo;
  retryInfo?: RetryInfo;
  deliveryInfo?: DeliveryInfo;
  shippingInfo?: ShippingInfo;
  returnInfo?: ReturnInfo;
}

export interface SupplyingAgencyMessageConfirmation {
  confirmationHeader: ConfirmationHeader;
  reasonForMessage?: ReasonForMessage;
  errorData?: ErrorData[];
}

export interface RequestingAgencyMessage {
  header: RequestingAgencyMessageHeader;
  action: Action;
  note?: string;
}

export interface RequestingAgencyMessageConfirmation {
  confirmationHeader: ConfirmationHeader;
  action?: Action;
  errorData?: ErrorData[];
}

/** One ISO18626Message envelope holds exactly one of these, named by `kind`. */
export type Iso18626Message =
  | { kind: 'request'; message: Request }
  | { kind: 'requestConfirmation'; message: RequestConfirmation }
  | { kind: 'supplyingAgencyMessage'; message: SupplyingAgencyMessage }
  | { kind: 'supplyingAgencyMessageConfirmation'; message: SupplyingAgencyMessageConfirmation }
  | { kind: 'requestingAgencyMessage'; message: RequestingAgencyMessage }
  | { kind: 'requestingAgencyMessageConfirmation'; message: RequestingAgencyMessageConfirmation };

export type MessageKind = Iso18626Message['kind'];

export const MESSAGE_KINDS: readonly MessageKind[] = [
  'request',
  'requestConfirmation',
  'supplyingAgencyMessage',
  'supplyingAgencyMessageConfirmation',
  'requestingAgencyMessage',
  'requestingAgencyMessageConfirmation',
];
