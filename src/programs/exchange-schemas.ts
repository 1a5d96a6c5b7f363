import { Type } from '@fastify/type-provider-typebox';
import {
  ALLOCATION_RULES,
  CLAIM_STATUSES,
  CONDITIONS,
  EXCHANGE_STATUSES,
  FREQUENCIES,
  SURPLUS_REASONS,
} from './exchange-tables.ts';
import { DateStr, OneOf } from './schemas.ts';

/** TypeBox schemas of exchange and redistribution (request and reply). */

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Str = (max = 200) => Type.String({ minLength: 1, maxLength: max });
const OptText = (max = 2000) => Type.Optional(Type.Union([Type.String({ maxLength: max }), Type.Null()]));
const Bilingual = Type.Object({ id: Type.String(), en: Type.String() });
const LibRef = Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() });
const Year = Type.Integer({ minimum: 1800, maximum: 2200 });

export const Frequency = OneOf(FREQUENCIES);
export const ExchangeStatus = OneOf(EXCHANGE_STATUSES);
export const ExchangeActionName = OneOf(['agree', 'decline', 'cancel', 'ship', 'receive'] as const);
export const Condition = OneOf(CONDITIONS);
export const SurplusReason = OneOf(SURPLUS_REASONS);
export const AllocationRule = OneOf(ALLOCATION_RULES);
export const ClaimStatus = OneOf(CLAIM_STATUSES);
export const ListStatus = OneOf(['draft', 'published', 'closed'] as const);

export const ExchangeOffer = Type.Object({
  id: Type.Integer(),
  library: LibRef,
  title: Type.String(),
  author: Nullable(Type.String()),
  year: Nullable(Type.Integer()),
  isbn: Nullable(Type.String()),
  frequency: Frequency,
  copiesAvailable: Type.Integer(),
  clusterId: Nullable(Type.Integer()),
  note: Nullable(Type.String()),
  active: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  youHold: Type.Boolean(),
  isPartner: Type.Boolean(),
  canManage: Type.Boolean(),
  canRequest: Type.Boolean(),
  openRequests: Type.Integer(),
});

export const OfferCreate = Type.Object(
  {
    library: Type.Optional(Type.String({ maxLength: 40 })),
    title: Str(500),
    author: OptText(300),
    year: Type.Optional(Nullable(Year)),
    isbn: OptText(20),
    frequency: Type.Optional(Frequency),
    copiesAvailable: Type.Integer({ minimum: 0, maximum: 10000 }),
    clusterId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    note: OptText(),
  },
  { additionalProperties: false },
);

export const OfferPatch = Type.Object(
  {
    title: Type.Optional(Str(500)),
    author: OptText(300),
    year: Type.Optional(Nullable(Year)),
    isbn: OptText(20),
    frequency: Type.Optional(Frequency),
    copiesAvailable: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
    clusterId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    note: OptText(),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const ExchangeRequest = Type.Object({
  id: Type.Integer(),
  offer: Type.Object({
    id: Type.Integer(),
    title: Type.String(),
    year: Nullable(Type.Integer()),
    frequency: Frequency,
  }),
  supplier: LibRef,
  requester: LibRef,
  agreementId: Nullable(Type.Integer()),
  period: Type.Integer(),
  copies: Type.Integer(),
  status: ExchangeStatus,
  yearly: Type.Boolean(),
  dueOn: Nullable(Type.String()),
  note: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  requestedAt: Type.String({ format: 'date-time' }),
  agreedAt: Nullable(Type.String({ format: 'date-time' })),
  shippedOn: Nullable(Type.String()),
  receivedOn: Nullable(Type.String()),
  copiesReceived: Nullable(Type.Integer()),
  renewsId: Nullable(Type.Integer()),
  actions: Type.Array(ExchangeActionName),
});

export const RequestCreate = Type.Object(
  {
    offerId: Type.Integer({ minimum: 1 }),
    copies: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    period: Type.Optional(Year),
    yearly: Type.Optional(Type.Boolean()),
    note: OptText(),
    library: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);

export const RequestAction = Type.Object(
  {
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
    dueOn: Type.Optional(DateStr),
    on: Type.Optional(DateStr),
    copiesReceived: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  },
  { additionalProperties: false },
);

export const LedgerRow = Type.Object({
  library: LibRef,
  partner: LibRef,
  ratio: Type.String({ description: "give:take from the library's side" }),
  ratioSource: OneOf(['own_terms', 'partner_terms', 'default'] as const),
  agreementIds: Type.Array(Type.Integer()),
  titlesSent: Type.Integer(),
  copiesSent: Type.Integer(),
  titlesReceived: Type.Integer(),
  copiesReceived: Type.Integer(),
  inTransitOut: Type.Integer(),
  inTransitIn: Type.Integer(),
  pendingOut: Type.Integer(),
  pendingIn: Type.Integer(),
  owedByLibrary: Type.Number(),
  owedByPartner: Type.Number(),
  balance: Type.Number(),
});

export const LedgerEntry = Type.Object({
  requestId: Type.Integer(),
  direction: OneOf(['sent', 'received'] as const),
  title: Type.String(),
  period: Type.Integer(),
  copies: Type.Integer(),
  status: ExchangeStatus,
  shippedOn: Nullable(Type.String()),
  receivedOn: Nullable(Type.String()),
});

export const CalendarEntry = Type.Object({
  date: Type.String(),
  program: Type.Literal('exchange'),
  kind: Type.Literal('exchange_due'),
  title: Bilingual,
  libraries: Type.Array(LibRef),
  status: Type.String(),
  link: Type.String(),
});

export const PeriodQuery = Type.Object({
  from: Type.Optional(DateStr),
  to: Type.Optional(DateStr),
  library: Type.Optional(Type.String({ maxLength: 40 })),
});

// ------------------------------------------------------------------ redistribution

const ListFields = {
  id: Type.Integer(),
  library: LibRef,
  title: Type.String(),
  note: Nullable(Type.String()),
  status: ListStatus,
  allocationRule: AllocationRule,
  claimsUntil: Nullable(Type.String()),
  publishedAt: Nullable(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }),
  lines: Type.Integer(),
  copies: Type.Integer(),
  copiesLeft: Type.Integer(),
  claims: Type.Integer(),
  canManage: Type.Boolean(),
};
export const RedistributionList = Type.Object(ListFields);

const LineClaimFields = {
  id: Type.Integer(),
  library: LibRef,
  copies: Type.Integer(),
  copiesAllocated: Type.Integer(),
  status: ClaimStatus,
  holdsTitle: Type.Boolean(),
  note: Nullable(Type.String()),
  claimedAt: Type.String({ format: 'date-time' }),
  allocatedAt: Nullable(Type.String({ format: 'date-time' })),
  shippedOn: Nullable(Type.String()),
  receivedOn: Nullable(Type.String()),
};
const LineClaim = Type.Object(LineClaimFields);

export const RedistributionLine = Type.Object({
  id: Type.Integer(),
  itemId: Nullable(Type.Integer()),
  barcode: Nullable(Type.String()),
  callNumber: Nullable(Type.String()),
  clusterId: Nullable(Type.Integer()),
  title: Type.String(),
  author: Nullable(Type.String()),
  year: Nullable(Type.Integer()),
  isbn: Nullable(Type.String()),
  copies: Type.Integer(),
  copiesLeft: Type.Integer(),
  condition: Condition,
  reason: SurplusReason,
  note: Nullable(Type.String()),
  withdrawn: Type.Boolean(),
  holders: Type.Integer(),
  newForYou: Type.Boolean(),
  claimCount: Type.Integer(),
  yourClaim: Nullable(LineClaim),
  claims: Type.Array(LineClaim),
  canClaim: Type.Boolean(),
});

export const RedistributionListDetail = Type.Object({ ...ListFields, lineItems: Type.Array(RedistributionLine) });

export const ListCreate = Type.Object(
  {
    library: Type.Optional(Type.String({ maxLength: 40 })),
    title: Str(300),
    note: OptText(),
    allocationRule: Type.Optional(AllocationRule),
    claimsUntil: Type.Optional(Nullable(DateStr)),
  },
  { additionalProperties: false },
);

export const ListPatch = Type.Object(
  {
    title: Type.Optional(Str(300)),
    note: OptText(),
    allocationRule: Type.Optional(AllocationRule),
    claimsUntil: Type.Optional(Nullable(DateStr)),
  },
  { additionalProperties: false },
);

export const LineIn = Type.Object(
  {
    barcode: Type.Optional(Type.String({ maxLength: 60 })),
    itemId: Type.Optional(Type.Integer({ minimum: 1 })),
    title: Type.Optional(Type.String({ maxLength: 500 })),
    author: OptText(300),
    year: Type.Optional(Nullable(Year)),
    isbn: OptText(20),
    clusterId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    copies: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
    condition: Condition,
    reason: SurplusReason,
    note: OptText(),
  },
  { additionalProperties: false },
);

export const LinesAdd = Type.Object(
  { lines: Type.Array(LineIn, { minItems: 1, maxItems: 500 }) },
  { additionalProperties: false },
);

export const ClaimCreate = Type.Object(
  {
    copies: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
    note: OptText(),
    library: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);

export const Claim = Type.Object({
  ...LineClaimFields,
  lineId: Type.Integer(),
  listId: Type.Integer(),
  listTitle: Type.String(),
  title: Type.String(),
  condition: Condition,
  offeredBy: LibRef,
  isOfferer: Type.Boolean(),
  isClaimant: Type.Boolean(),
});

export const RedistributionFigure = Type.Object({
  library: LibRef,
  listsPublished: Type.Integer(),
  copiesOffered: Type.Integer(),
  copiesGiven: Type.Integer(),
  copiesReceived: Type.Integer(),
  claimsMade: Type.Integer(),
  newTitlesReceived: Type.Integer(),
  partnersServed: Type.Integer(),
});

export const OneOfDirection = OneOf(['incoming', 'outgoing'] as const);
export const ClaimDirection = OneOf(['made', 'received'] as const);
