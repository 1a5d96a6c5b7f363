/**
 * The element order of every ISO 18626 complex type, written once. Both the XML
 * builder and the DOM reader walk these lists, so the order the XSD sequences
 * demand cannot drift between writing and reading.
 */

export type FieldKind = 'string' | 'scheme' | 'int' | 'bool' | Layout;

export interface Field {
  readonly name: string;
  readonly kind: FieldKind;
  readonly many?: boolean;
}

export type Layout = readonly Field[];

const f = (name: string, kind: FieldKind = 'string', many = false): Field =>
  many ? { name, kind, many } : { name, kind };

const agencyId: Layout = [f('agencyIdType', 'scheme'), f('agencyIdValue')];
const costs: Layout = [f('currencyCode', 'scheme'), f('monetaryValue')];
const authentication: Layout = [f('accountId'), f('securityCode')];
const physicalAddress: Layout = [
  f('line1'),
  f('line2'),
  f('locality'),
  f('postalCode'),
  f('region'),
  f('country', 'scheme'),
];
// xs:choice of two: a sequence of two optionals emits exactly the one present.
const address: Layout = [
  f('electronicAddress', [f('electronicAddressType', 'scheme'), f('electronicAddressData')]),
  f('physicalAddress', physicalAddress),
];
const bibliographicRecordId: Layout = [
  f('bibliographicRecordIdentifierCode', 'scheme'),
  f('bibliographicRecordIdentifier'),
];

const requestHeader: Layout = [
  f('supplyingAgencyId', agencyId),
  f('requestingAgencyId', agencyId),
  f('consortialId', agencyId),
  f('multipleItemRequestId'),
  f('timestamp'),
  f('requestingAgencyRequestId'),
  f('requestingAgencyAuthentication', authentication),
];

const supplyingAgencyMessageHeader: Layout = [
  f('supplyingAgencyId', agencyId),
  f('requestingAgencyId', agencyId),
  f('timestamp'),
  f('requestingAgencyRequestId'),
  f('supplyingAgencyRequestId'),
];

const requestingAgencyMessageHeader: Layout = [
  f('supplyingAgencyId', agencyId),
  f('requestingAgencyId', agencyId),
  f('consortialId', agencyId),
  f('timestamp'),
  f('requestingAgencyRequestId'),
  f('supplyingAgencyRequestId'),
  f('requestingAgencyAuthentication', authentication),
];

const confirmationHeader: Layout = [
  f('supplyingAgencyId', agencyId),
  f('requestingAgencyId', agencyId),
  f('timestamp'),
  f('requestingAgencyRequestId'),
  f('timestampReceived'),
  f('messageStatus'),
];

const errorData: Layout = [f('errorType'), f('errorValue')];

const bibliographicInfo: Layout = [
  f('supplierUniqueRecordId'),
  f('title'),
  f('author'),
  f('authorId'),
  f('subtitle'),
  f('seriesTitle'),
  f('edition'),
  f('titleOfComponent'),
  f('authorOfComponent'),
  f('volume', 'string', true),
  f('issue'),
  f('pagesRequested'),
  f('estimatedNoPages'),
  f('bibliographicItemId', [f('bibliographicItemIdentifierCode', 'scheme'), f('bibliographicItemIdentifier')], true),
  f('sponsor'),
  f('informationSource'),
  f('bibliographicRecordId', bibliographicRecordId, true),
];

const publicationInfo: Layout = [
  f('publisher'),
  f('publisherId'),
  f('publicationType', 'scheme'),
  f('publicationDate'),
  f('placeOfPublication'),
];

const serviceInfo: Layout = [
  f('requestType'),
  f('requestSubType', 'string', true),
  f('requestingAgencyPreviousRequestId'),
  f('serviceType'),
  f('serviceLevel', 'scheme'),
  f('itemFormat', 'scheme'),
  f('needBeforeDate'),
  f('copyrightCompliance', 'scheme'),
  f('anyEdition'),
  f('preferredEdition'),
  f('loanCondition', 'scheme', true),
  f('startDate'),
  f('endDate'),
  f('note'),
];

const supplierInfo: Layout = [
  f('sortOrder', 'int'),
  f('supplierCode', agencyId),
  f('supplierDescription'),
  f('bibliographicRecordId', bibliographicRecordId),
  f('callNumber'),
  f('summaryHoldings'),
  f('availabilityNote'),
];

const requestedDeliveryInfo: Layout = [
  f('sortOrder', 'int'),
  f('address', address),
  f('deliveryMethod', 'scheme'),
  f('courierName', 'scheme'),
];

const requestingAgencyInfo: Layout = [f('name'), f('contactName'), f('address', address, true)];

const patronInfo: Layout = [
  f('patronId'),
  f('surname'),
  f('givenName'),
  f('patronType', 'scheme'),
  f('sendToPatron'),
  f('address', address, true),
];

const billingInfo: Layout = [
  f('paymentMethod', 'scheme'),
  f('maximumCosts', costs),
  f('billingMethod', 'scheme'),
  f('billingName'),
  f('address', address),
];

const messageInfo: Layout = [
  f('reasonForMessage'),
  f('answerYesNo'),
  f('note'),
  f('reasonUnfilled', 'scheme'),
  f('reasonRetry', 'scheme'),
];

const statusInfo: Layout = [f('status'), f('expectedDeliveryDate'), f('dueDate'), f('lastChange')];

const retryInfo: Layout = [
  f('loanCondition', 'scheme', true),
  f('edition', 'string', true),
  f('itemFormat', 'scheme', true),
  f('volume', 'string', true),
  f('serviceType'),
  f('serviceLevel', 'scheme', true),
  f('deliveryMethod', 'scheme', true),
  f('courierName', 'scheme', true),
  f('offeredCosts', costs, true),
  f('paymentMethod', 'scheme', true),
  f('retryBefore'),
  f('retryAfter'),
];

const deliveryInfo: Layout = [
  f('dateSent'),
  f('itemId', 'string', true),
  f('URL'),
  f('deliveryMethod', 'scheme'),
  f('address', address),
  f('sentToPatron', 'bool'),
  f('loanCondition', 'scheme', true),
  f('itemFormat', 'scheme'),
  f('serviceType'),
  f('deliveryCosts', costs, true),
  f('paymentMethod', 'scheme'),
];

const shippingInfo: Layout = [
  f('courierName', 'scheme'),
  f('trackingId', 'string', true),
  f('insurance'),
  f('insuranceThirdParty'),
  f('thirdPartyName'),
  f('insuranceCosts', costs, true),
];

const returnInfo: Layout = [f('returnAgencyId', agencyId), f('name'), f('physicalAddress', physicalAddress)];

/** Layout of each message kind, keyed by the element name that carries it inside ISO18626Message. */
export const MESSAGE_LAYOUTS = {
  request: [
    f('header', requestHeader),
    f('bibliographicInfo', bibliographicInfo),
    f('publicationInfo', publicationInfo),
    f('serviceInfo', serviceInfo),
    f('supplierInfo', supplierInfo, true),
    f('requestedDeliveryInfo', requestedDeliveryInfo, true),
    f('requestingAgencyInfo', requestingAgencyInfo),
    f('patronInfo', patronInfo),
    f('billingInfo', billingInfo),
  ],
  requestConfirmation: [f('confirmationHeader', confirmationHeader), f('errorData', errorData, true)],
  supplyingAgencyMessage: [
    f('header', supplyingAgencyMessageHeader),
    f('messageInfo', messageInfo),
    f('statusInfo', statusInfo),
    f('retryInfo', retryInfo),
    f('deliveryInfo', deliveryInfo),
    f('shippingInfo', shippingInfo),
    f('returnInfo', returnInfo),
  ],
  supplyingAgencyMessageConfirmation: [
    f('confirmationHeader', confirmationHeader),
    f('reasonForMessage'),
    f('errorData', errorData, true),
  ],
  requestingAgencyMessage: [f('header', requestingAgencyMessageHeader), f('action'), f('note')],
  requestingAgencyMessageConfirmation: [
    f('confirmationHeader', confirmationHeader),
    f('action'),
    f('errorData', errorData, true),
  ],
} as const satisfies Record<string, Layout>;
