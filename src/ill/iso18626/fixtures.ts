/** Message factories for tests: every optional part filled, so a round trip exercises the whole layout. */
import type { AgencyId, Iso18626Message, Request, RequestingAgencyMessage, SupplyingAgencyMessage } from './types.ts';

export const PADANG: AgencyId = {
  agencyIdType: { value: 'ISIL', scheme: 'http://illtransactions.org/agency-id-type' },
  agencyIdValue: 'ID-PDG',
};
export const JAKARTA: AgencyId = { agencyIdType: { value: 'ISIL' }, agencyIdValue: 'ID-JKT' };

export function fullRequest(): Request {
  return {
    header: {
      supplyingAgencyId: JAKARTA,
      requestingAgencyId: PADANG,
      consortialId: { agencyIdType: { value: 'NETWORK' }, agencyIdValue: 'SUMBAR' },
      multipleItemRequestId: 'MIR-1',
      timestamp: '2025-03-01T08:00:00Z',
      requestingAgencyRequestId: 'PDG-2025-0001',
      requestingAgencyAuthentication: { accountId: 'pdg', securityCode: 's3cret' },
    },
    bibliographicInfo: {
      supplierUniqueRecordId: 'rec-77',
      title: 'Laskar Pelangi',
      author: 'Andrea Hirata',
      subtitle: 'sebuah novel',
      edition: 'Cet. 20',
      volume: ['1', '2'],
      bibliographicItemId: [
        { bibliographicItemIdentifierCode: { value: 'ISBN' }, bibliographicItemIdentifier: '9789793062792' },
      ],
      bibliographicRecordId: [
        { bibliographicRecordIdentifierCode: { value: 'OCLC' }, bibliographicRecordIdentifier: '123456' },
      ],
    },
    publicationInfo: { publisher: 'Bentang Pustaka', publicationDate: '2005', placeOfPublication: 'Yogyakarta' },
    serviceInfo: {
      requestType: 'New',
      requestSubType: ['PatronRequest'],
      serviceType: 'Loan',
      serviceLevel: { value: 'Normal' },
      needBeforeDate: '2025-04-01T00:00:00Z',
      preferredEdition: 'AnyEdition',
      loanCondition: [{ value: 'LibraryUseOnly' }],
      note: 'untuk penelitian & skripsi <S1>',
    },
    supplierInfo: [{ sortOrder: 0, supplierCode: JAKARTA, callNumber: '899.221 HIR l' }],
    requestedDeliveryInfo: [
      {
        sortOrder: 1,
        address: {
          physicalAddress: {
            line1: 'Jl. Diponegoro 4',
            locality: 'Padang',
            region: 'Sumatera Barat',
            country: { value: 'ID' },
          },
        },
      },
      {
        address: {
          electronicAddress: { electronicAddressType: { value: 'Email' }, electronicAddressData: 'ill@pdg.example' },
        },
      },
    ],
    requestingAgencyInfo: { name: 'Perpustakaan Kota Padang', contactName: 'Siti' },
    patronInfo: { patronId: 'P-9', surname: 'Rahman', givenName: 'Budi', sendToPatron: 'N' },
    billingInfo: {
      maximumCosts: { currencyCode: { value: 'IDR' }, monetaryValue: '50000' },
      billingName: 'Perpustakaan Kota Padang',
    },
  };
}

export function fullSupplyingAgencyMessage(): SupplyingAgencyMessage {
  return {
    header: {
      supplyingAgencyId: JAKARTA,
      requestingAgencyId: PADANG,
      timestamp: '2025-03-02T09:30:00+07:00',
      requestingAgencyRequestId: 'PDG-2025-0001',
      supplyingAgencyRequestId: 'JKT-88',
    },
    messageInfo: { reasonForMessage: 'StatusChange', note: 'dikirim', reasonRetry: { value: 'NotAvailable' } },
    statusInfo: { status: 'Loaned', dueDate: '2025-04-02T00:00:00Z', lastChange: '2025-03-02T09:30:00+07:00' },
    retryInfo: {
      loanCondition: [{ value: 'NoReproduction' }],
      offeredCosts: [{ currencyCode: { value: 'IDR' }, monetaryValue: '15000.50' }],
      retryAfter: '2025-03-10T00:00:00Z',
    },
    deliveryInfo: {
      dateSent: '2025-03-02T09:00:00Z',
      itemId: ['B0001'],
      deliveryMethod: { value: 'Courier' },
      sentToPatron: false,
      loanCondition: [{ value: 'LibraryUseOnly' }],
      serviceType: 'Loan',
    },
    shippingInfo: { courierName: { value: 'JNE' }, trackingId: ['JNE123'], insurance: 'N' },
    returnInfo: {
      name: 'Perpustakaan Nasional',
      physicalAddress: { line1: 'Jl. Medan Merdeka Selatan 11', locality: 'Jakarta' },
    },
  };
}

export function requestingAgencyMessage(
  action: RequestingAgencyMessage['action'] = 'Renew',
  note?: string,
): RequestingAgencyMessage {
  const msg: RequestingAgencyMessage = {
    header: {
      supplyingAgencyId: JAKARTA,
      requestingAgencyId: PADANG,
      timestamp: '2025-03-20T10:00:00Z',
      requestingAgencyRequestId: 'PDG-2025-0001',
      supplyingAgencyRequestId: 'JKT-88',
    },
    action,
  };
  return note === undefined ? msg : { ...msg, note };
}

const confirmationHeader = {
  supplyingAgencyId: JAKARTA,
  requestingAgencyId: PADANG,
  timestamp: '2025-03-01T08:00:00Z',
  requestingAgencyRequestId: 'PDG-2025-0001',
  timestampReceived: '2025-03-01T08:00:01Z',
  messageStatus: 'ERROR' as const,
};

/** One full message of each kind. */
export function everyKind(): Iso18626Message[] {
  return [
    { kind: 'request', message: fullRequest() },
    {
      kind: 'requestConfirmation',
      message: { confirmationHeader, errorData: [{ errorType: 'UnrecognisedDataValue', errorValue: 'serviceType' }] },
    },
    { kind: 'supplyingAgencyMessage', message: fullSupplyingAgencyMessage() },
    {
      kind: 'supplyingAgencyMessageConfirmation',
      message: {
        confirmationHeader,
        reasonForMessage: 'RenewResponse',
        errorData: [{ errorType: 'UnsupportedReasonForMessageType' }],
      },
    },
    { kind: 'requestingAgencyMessage', message: requestingAgencyMessage('ShippedReturn', 'dikirim kembali lewat JNE') },
    {
      kind: 'requestingAgencyMessageConfirmation',
      message: { confirmationHeader: { ...confirmationHeader, messageStatus: 'OK' }, action: 'ShippedReturn' },
    },
  ];
}
