import { Type } from '@fastify/type-provider-typebox';
import { LENDER_ACTIONS } from './lending.ts';
import { ASK_REFUSAL_CODES } from './patron-ask.ts';
import { REQUESTER_STATES } from './requester-states.ts';
import { BORROWER_ACTIONS } from './requests.ts';
import { SUPPLIER_STATES } from './supplier-states.ts';

export const OneOf = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
export const DateStr = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const Bilingual = Type.Object({ id: Type.String(), en: Type.String() });
const Str = (max = 500) => Type.String({ maxLength: max });
export const IdParam = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const IdemHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Send the same key when retrying a call; the retry answers like the first call and changes nothing',
    }),
  ),
});

export const Citation = Type.Object(
  {
    title: Str(1000),
    author: Type.Optional(Str()),
    isbn: Type.Optional(Str(40)),
    issn: Type.Optional(Str(40)),
    publisher: Type.Optional(Str()),
    year: Type.Optional(Str(20)),
    edition: Type.Optional(Str(100)),
    articleTitle: Type.Optional(Str(1000)),
    articleAuthor: Type.Optional(Str()),
    volume: Type.Optional(Str(50)),
    issue: Type.Optional(Str(50)),
    pages: Type.Optional(Str(100)),
  },
  { additionalProperties: false },
);
const CitationIn = Type.Partial(Citation, { additionalProperties: false });

export const ServiceType = Type.Union([Type.Literal('Loan'), Type.Literal('Copy')]);
const CopyDelivery = Type.Union([Type.Literal('file'), Type.Literal('paper')]);

export const RequestCreate = Type.Object(
  {
    patronId: Type.Integer({ minimum: 1 }),
    clusterId: Type.Optional(Type.Integer({ minimum: 1, description: 'a union-catalog title' })),
    citation: Type.Optional(CitationIn),
    serviceType: ServiceType,
    copyDelivery: Type.Optional(CopyDelivery),
    neededBy: Type.Optional(DateStr),
    pickupLibraryId: Type.Optional(Type.Integer({ minimum: 1 })),
    note: Type.Optional(Str(2000)),
    copyrightDeclaration: Type.Optional(
      Type.Object(
        { accepted: Type.Literal(true), statement: Type.Optional(Str(2000)) },
        { additionalProperties: false },
      ),
    ),
    lenders: Type.Optional(
      Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 20, description: 'own rota (library ids, in order)' }),
    ),
    send: Type.Optional(Type.Boolean({ description: 'send to the first lender at once' })),
  },
  { additionalProperties: false },
);

export const BorrowerActionParams = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  action: OneOf(BORROWER_ACTIONS),
});
export const BorrowerActionBody = Type.Object(
  {
    note: Type.Optional(Str(2000)),
    statement: Type.Optional(Str(2000)),
    lenders: Type.Optional(
      Type.Array(Type.Integer({ minimum: 1 }), {
        maxItems: 20,
        description: 'resend: lenders to try now (library ids, in order, none tried before); else a fresh proposal',
      }),
    ),
  },
  { additionalProperties: false },
);

export const LenderActionParams = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  action: OneOf(LENDER_ACTIONS),
});
export const LenderActionBody = Type.Object(
  {
    note: Type.Optional(Str(2000)),
    conditions: Type.Optional(Type.Array(Str(300), { maxItems: 10 })),
    reason: Type.Optional(Str(200)),
    dueDate: Type.Optional(DateStr),
    itemId: Type.Optional(Type.Integer({ minimum: 1 })),
    barcode: Type.Optional(Str(100)),
    damaged: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const RotaBody = Type.Object(
  { lenders: Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 20 }) },
  { additionalProperties: false },
);

const LibraryBrief = Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() });
const Flags = Type.Object({ overdue: Type.Boolean(), waitingTooLong: Type.Boolean() });
const TimelineEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  side: Type.String(),
  actor: Type.String(),
  kind: Type.String({ description: 'action | message_in | message_out | notice | system' }),
  event: Type.String(),
  fromState: Nullable(Type.String()),
  toState: Nullable(Type.String()),
  note: Nullable(Type.String()),
  data: Nullable(Type.Record(Type.String(), Type.Unknown())),
});
const CopyFile = Type.Object({
  id: Type.Integer(),
  filename: Type.String(),
  contentType: Type.String(),
  sizeBytes: Type.Integer(),
  sha256: Type.String(),
  uploadedBy: Type.String(),
  uploadedAt: Type.String(),
});
export const Charge = Type.Object({
  id: Type.Integer(),
  supplierRequestId: Type.Integer(),
  requestId: Nullable(Type.Integer()),
  lenderLibraryId: Type.Integer(),
  borrowerLibraryId: Nullable(Type.Integer()),
  kind: Type.String({ description: 'lost | damaged' }),
  rule: Type.String({ description: 'replace_copy | pay_amount | none | to_agree' }),
  amountRupiah: Nullable(Type.Integer()),
  status: Type.String({ description: 'open | settled | waived' }),
  note: Nullable(Type.String()),
  createdAt: Type.String(),
  settledAt: Nullable(Type.String()),
  settledBy: Nullable(Type.String()),
});
const Warning = Type.Object({ code: Type.String(), message: Bilingual });

export const RequestDetail = Type.Object({
  id: Type.Integer(),
  hrid: Type.String(),
  side: Type.Literal('borrower'),
  state: OneOf(REQUESTER_STATES),
  previousState: Nullable(Type.String()),
  serviceType: ServiceType,
  copyDelivery: Nullable(CopyDelivery),
  clusterId: Nullable(Type.Integer()),
  citation: Citation,
  patron: Nullable(Type.Object({ id: Type.Integer(), memberNumber: Type.String(), name: Type.String() })),
  borrower: LibraryBrief,
  pickup: LibraryBrief,
  neededBy: Nullable(Type.String()),
  note: Nullable(Type.String()),
  dueAt: Nullable(Type.String()),
  renewalCount: Type.Integer(),
  conditions: Nullable(
    Type.Object({
      kind: Nullable(Type.String()),
      conditions: Type.Array(Type.String()),
      note: Nullable(Type.String()),
    }),
  ),
  copyright: Nullable(Type.Object({ declaredAt: Type.String(), declaredBy: Type.String(), statement: Type.String() })),
  warnings: Type.Array(Warning),
  currentLender: Nullable(LibraryBrief),
  supplierRequestId: Nullable(Type.Integer()),
  rota: Type.Array(
    Type.Object({
      position: Type.Integer(),
      library: LibraryBrief,
      status: Type.String({
        description: 'pending | current | unfilled | cancelled | no_answer | supplied | moved_on',
      }),
      addedBy: Type.String(),
      score: Nullable(Type.Number()),
      reasons: Type.Array(Bilingual),
      agencyRequestId: Nullable(Type.String()),
      sentAt: Nullable(Type.String()),
      answerDueAt: Nullable(Type.String()),
      finishedAt: Nullable(Type.String()),
    }),
  ),
  flags: Flags,
  allowedActions: Type.Array(Type.String(), { description: 'borrower actions the caller may take now, and editRota' }),
  copyFiles: Type.Array(CopyFile),
  charges: Type.Array(Charge),
  timeline: Type.Array(TimelineEntry),
  createdBy: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  sentAt: Nullable(Type.String()),
  shippedAt: Nullable(Type.String()),
  receivedAt: Nullable(Type.String()),
  returnedAt: Nullable(Type.String()),
  closedAt: Nullable(Type.String()),
});

const ItemBrief = Type.Object({
  id: Type.Integer(),
  barcode: Nullable(Type.String()),
  callNumber: Nullable(Type.String()),
  location: Nullable(Type.String()),
});

export const SupplierDetail = Type.Object({
  id: Type.Integer(),
  hrid: Type.String(),
  side: Type.Literal('lender'),
  state: OneOf(SUPPLIER_STATES),
  previousState: Nullable(Type.String()),
  serviceType: ServiceType,
  copyDelivery: Nullable(CopyDelivery),
  citation: Citation,
  clusterId: Nullable(Type.Integer()),
  lender: LibraryBrief,
  borrower: Nullable(LibraryBrief),
  requestingAgency: Type.Object({ type: Type.String(), value: Type.String(), requestId: Type.String() }),
  patronRef: Nullable(Type.String()),
  neededBy: Nullable(Type.String()),
  note: Nullable(Type.String()),
  pickupAddress: Nullable(Type.String()),
  copyrightCompliance: Nullable(Type.String()),
  dueAt: Nullable(Type.String()),
  renewalCount: Type.Integer(),
  conditions: Nullable(Type.Object({ conditions: Type.Array(Type.String()), note: Nullable(Type.String()) })),
  item: Nullable(Type.Intersect([ItemBrief, Type.Object({ status: Type.String() })])),
  availableItems: Type.Array(ItemBrief),
  flags: Flags,
  allowedActions: Type.Array(Type.String(), { description: 'lender actions the caller may take now' }),
  copyFiles: Type.Array(CopyFile),
  charges: Type.Array(Charge),
  timeline: Type.Array(TimelineEntry),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  answeredAt: Nullable(Type.String()),
  shippedAt: Nullable(Type.String()),
  returnedAt: Nullable(Type.String()),
  closedAt: Nullable(Type.String()),
});

export const QueueItem = Type.Object({
  id: Type.Integer(),
  hrid: Type.String(),
  state: Type.String(),
  serviceType: ServiceType,
  title: Type.String(),
  author: Nullable(Type.String()),
  partner: Nullable(LibraryBrief),
  patronName: Nullable(Type.String()),
  neededBy: Nullable(Type.String()),
  dueAt: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  ageDays: Type.Integer(),
  flags: Flags,
});

export const QueueQuery = {
  library: Type.Optional(Type.Integer({ minimum: 1, description: 'coordinators: another library of the network' })),
  status: Type.Optional(
    Type.Array(Type.String({ maxLength: 40 }), {
      description: "states (repeat the parameter), or 'open' / 'closed'",
      maxItems: 20,
    }),
  ),
  partner: Type.Optional(Type.Integer({ minimum: 1, description: 'the other library (id)' })),
  minAgeDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650 })),
  overdue: Type.Optional(Type.Boolean()),
  waitingTooLong: Type.Optional(Type.Boolean()),
  serviceType: Type.Optional(ServiceType),
  q: Type.Optional(Type.String({ maxLength: 100 })),
};

export const RotaProposal = Type.Object({
  rota: Type.Array(
    Type.Object({
      libraryId: Type.String(),
      libraryCode: Type.String(),
      libraryName: Type.String(),
      rank: Type.Integer(),
      score: Type.Number(),
      breakdown: Type.Record(Type.String(), Type.Number()),
      reasons: Type.Array(Bilingual),
    }),
  ),
  skipped: Type.Array(
    Type.Object({
      libraryId: Type.String(),
      libraryCode: Type.String(),
      libraryName: Type.String(),
      code: Type.String(),
      reason: Bilingual,
    }),
  ),
  warnings: Type.Array(Warning),
  localAvailableCopies: Type.Integer(),
});

export const CitationPreviewBody = Type.Object(
  {
    citation: CitationIn,
    library: Type.Optional(
      Type.Integer({ minimum: 1, description: 'the borrowing library: only your own (a request is made for it)' }),
    ),
  },
  { additionalProperties: false },
);

const CitationCandidate = Type.Object({
  clusterId: Type.Integer(),
  title: Type.String(),
  authors: Type.Array(Type.String()),
  year: Nullable(Type.Integer()),
});

export const CitationPreview = Type.Object({
  match: Nullable(
    Type.Intersect([
      CitationCandidate,
      Type.Object({
        by: Type.Union([Type.Literal('isbn'), Type.Literal('issn'), Type.Literal('title_author')], {
          description:
            'what matched: the ISBN, the ISSN, or title and author (the catalog matcher accepts one cluster)',
        }),
      }),
    ]),
  ),
  ambiguous: Type.Array(CitationCandidate, {
    description: 'clusters the citation matches equally by title and author: none is chosen (match is null)',
  }),
  proposal: RotaProposal,
});

export const PickSlip = Type.Object({
  hrid: Type.String(),
  requestingAgencyRequestId: Type.String(),
  serviceType: ServiceType,
  title: Type.String(),
  author: Nullable(Type.String()),
  pages: Nullable(Type.String()),
  articleTitle: Nullable(Type.String()),
  neededBy: Nullable(Type.String()),
  borrower: Nullable(Type.Object({ code: Type.String(), name: Type.String() })),
  patronRef: Nullable(Type.String()),
  note: Nullable(Type.String()),
  items: Type.Array(Type.Intersect([ItemBrief, Type.Object({ chosen: Type.Boolean() })])),
  printedAt: Type.String(),
});

const Address = Type.Object({ name: Type.String(), address: Nullable(Type.String()), phone: Nullable(Type.String()) });
export const ShippingLabel = Type.Object({
  hrid: Type.String(),
  requestingAgencyRequestId: Type.String(),
  from: Address,
  to: Address,
  barcode: Nullable(Type.String()),
  dueAt: Nullable(Type.String()),
  direction: Type.String({ description: 'outbound | return' }),
});

export const Policy = Type.Object({
  libraryId: Type.Integer(),
  loanDays: Type.Integer(),
  answerHours: Type.Integer(),
  maxRenewals: Type.Integer(),
  renewalDays: Type.Integer(),
  autoRenew: Type.Boolean(),
  autoApproveCancel: Type.Boolean(),
  patronOpenLimit: Type.Integer({ description: 'open requests a patron may have at once when she asks in the portal' }),
});
export const PolicyPatch = Type.Object(
  {
    loanDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
    answerHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 2160 })),
    maxRenewals: Type.Optional(Type.Integer({ minimum: 0, maximum: 20 })),
    renewalDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
    autoRenew: Type.Optional(Type.Boolean()),
    autoApproveCancel: Type.Optional(Type.Boolean()),
    patronOpenLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);

export const SettleBody = Type.Object(
  { status: Type.Union([Type.Literal('settled'), Type.Literal('waived')]), note: Type.Optional(Str(2000)) },
  { additionalProperties: false },
);

const Lib = Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() });
const NullNum = Nullable(Type.Number());
export const Figures = Type.Object({
  from: Type.String(),
  to: Type.String(),
  libraries: Type.Array(
    Type.Object({
      library: Lib,
      requestsMade: Type.Integer(),
      requestsMadeFilled: Type.Integer(),
      borrowerFillRate: NullNum,
      requestsReceived: Type.Integer(),
      requestsReceivedFilled: Type.Integer(),
      lenderFillRate: NullNum,
      medianRequestToShippedDays: NullNum,
      medianShippedToReceivedDays: NullNum,
      medianLoanDays: NullNum,
      lent: Type.Integer(),
      borrowed: Type.Integer(),
      netBalance: Type.Integer(),
      balance: Type.String({ description: 'net_lender | net_borrower | balanced' }),
      itemsLostBorrowing: Type.Integer(),
      itemsLostLending: Type.Integer(),
    }),
  ),
  pairs: Type.Array(
    Type.Object({
      borrower: Lib,
      lender: Lib,
      requests: Type.Integer(),
      filled: Type.Integer(),
      fillRate: NullNum,
      medianRequestToShippedDays: NullNum,
      itemsLost: Type.Integer(),
    }),
  ),
});

export const PatronRequestCreate = Type.Omit(RequestCreate, ['patronId', 'lenders', 'send'], {
  additionalProperties: false,
});
export const MyRequest = Type.Object({
  id: Type.Integer(),
  hrid: Type.String(),
  state: Type.String(),
  serviceType: ServiceType,
  title: Type.String(),
  author: Nullable(Type.String()),
  pages: Nullable(Type.String()),
  pickup: Type.Object({ code: Type.String(), name: Type.String() }),
  neededBy: Nullable(Type.String()),
  dueAt: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  canCancel: Type.Boolean(),
});

export const AskCheckQuery = Type.Object({
  clusterId: Type.Optional(
    Type.Integer({ minimum: 1, description: 'the union-catalog title; without it, only the patron-side checks' }),
  ),
});
export const AskCheck = Type.Object({
  mayAsk: Type.Boolean(),
  library: Type.Object({ code: Type.String(), name: Type.String() }),
  openRequests: Type.Integer(),
  openLimit: Type.Integer(),
  reasons: Type.Array(
    Type.Object({
      code: OneOf(ASK_REFUSAL_CODES, 'which rule says no; a refused POST /ill/my-requests answers with the same code'),
      message: Bilingual,
      whatToDo: Bilingual,
      params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
      details: Type.Array(Bilingual),
    }),
  ),
});
