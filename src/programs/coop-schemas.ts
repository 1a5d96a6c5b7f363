import { Type } from '@fastify/type-provider-typebox';
import { DateStr, OneOf } from './schemas.ts';

/** TypeBox schemas of cooperative acquisition, mobile library, internships, training, calendar and figures. */
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Str = (max = 200) => Type.String({ minLength: 1, maxLength: max });
const OptText = (max = 4000) => Type.Optional(Type.Union([Type.String({ maxLength: max }), Type.Null()]));
const Code = Type.String({ minLength: 1, maxLength: 40 });
const Rupiah = Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 });
const Bilingual = Type.Object({ id: Type.String(), en: Type.String() });
export const Time = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM' });
const LibBrief = Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() });

// ------------------------------------------------------------------ acquisition

export const RoundCreate = Type.Object(
  {
    title: Str(300),
    coordinatorCode: Type.Optional(Code),
    budgetRupiah: Rupiah,
    deadline: DateStr,
    expensiveRupiah: Type.Optional(Rupiah),
    note: OptText(),
    memberCodes: Type.Array(Code, { maxItems: 500 }),
  },
  { additionalProperties: false },
);
export const RoundPatch = Type.Object(
  {
    budgetRupiah: Type.Optional(Rupiah),
    deadline: Type.Optional(DateStr),
    expensiveRupiah: Type.Optional(Rupiah),
    note: OptText(),
    addMemberCodes: Type.Optional(Type.Array(Code, { maxItems: 500 })),
  },
  { additionalProperties: false },
);
const roundSummaryFields = {
  id: Type.Integer(),
  title: Type.String(),
  coordinator: LibBrief,
  budgetRupiah: Type.Integer(),
  approvedRupiah: Type.Integer(),
  remainingRupiah: Type.Integer(),
  deadline: Type.String(),
  phase: OneOf(['proposing', 'deciding', 'closed'] as const),
  members: Type.Array(LibBrief),
  proposals: Type.Integer(),
  approved: Type.Integer(),
  copiesApproved: Type.Integer(),
  copiesReceived: Type.Integer(),
};
export const RoundSummary = Type.Object(roundSummaryFields);
const ExpectedUse = OneOf(['low', 'medium', 'high'] as const);
export const Proposal = Type.Object({
  id: Type.Integer(),
  roundId: Type.Integer(),
  library: LibBrief,
  keeper: LibBrief,
  clusterId: Nullable(Type.Integer()),
  title: Type.String(),
  authors: Nullable(Type.String()),
  publisher: Nullable(Type.String()),
  year: Nullable(Type.Integer()),
  isbn: Nullable(Type.String()),
  priceRupiah: Type.Integer(),
  quantity: Type.Integer(),
  costRupiah: Type.Integer(),
  expectedUse: ExpectedUse,
  reason: Nullable(Type.String()),
  status: OneOf(['proposed', 'approved', 'rejected', 'withdrawn'] as const),
  decisionReason: Nullable(Type.String()),
  partnersHolding: Type.Integer(),
  heldBy: Type.Array(
    Type.Object({
      libraryCode: Type.String(),
      libraryName: Type.String(),
      copies: Type.Integer(),
      onLoan: Type.Integer(),
    }),
  ),
  flags: Type.Array(Type.Object({ code: Type.Literal('expensive_held'), message: Bilingual })),
  votes: Type.Object({ up: Type.Integer(), down: Type.Integer(), mine: Type.Integer() }),
  comments: Type.Array(
    Type.Object({
      id: Type.Integer(),
      libraryCode: Type.String(),
      author: Type.String(),
      body: Type.String(),
      at: Type.String(),
    }),
  ),
  copies: Type.Array(
    Type.Object({
      id: Type.Integer(),
      sequence: Type.Integer(),
      status: OneOf(['approved', 'ordered', 'received'] as const),
      orderedOn: Nullable(Type.String()),
      supplier: Nullable(Type.String()),
      receivedOn: Nullable(Type.String()),
      itemId: Nullable(Type.Integer()),
      barcode: Nullable(Type.String()),
    }),
  ),
  canEdit: Type.Boolean(),
});
export const Round = Type.Object({
  ...roundSummaryFields,
  expensiveRupiah: Type.Integer(),
  note: Nullable(Type.String()),
  items: Type.Array(Proposal),
  canCoordinate: Type.Boolean(),
  canProposeFor: Type.Array(Type.String()),
});
export const ProposalCreate = Type.Object(
  {
    libraryCode: Type.Optional(Code),
    keeperCode: Type.Optional(Code),
    clusterId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    title: OptText(500),
    authors: OptText(500),
    publisher: OptText(300),
    year: Type.Optional(Nullable(Type.Integer({ minimum: 1000, maximum: 2100 }))),
    isbn: OptText(40),
    priceRupiah: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }),
    quantity: Type.Integer({ minimum: 1, maximum: 1000 }),
    expectedUse: Type.Optional(ExpectedUse),
    reason: OptText(),
  },
  { additionalProperties: false },
);
export const Vote = Type.Object(
  { vote: Type.Integer({ minimum: -1, maximum: 1 }), libraryCode: Type.Optional(Code) },
  { additionalProperties: false },
);
export const Comment = Type.Object(
  { body: Str(4000), libraryCode: Type.Optional(Code) },
  { additionalProperties: false },
);
export const Decision = Type.Object(
  { decision: OneOf(['approve', 'reject'] as const), reason: OptText(2000) },
  { additionalProperties: false },
);
export const Order = Type.Object(
  {
    copyIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 1000 })),
    orderedOn: Type.Optional(DateStr),
    supplier: OptText(300),
  },
  { additionalProperties: false },
);
export const Receive = Type.Object(
  { barcode: Str(60), callNumber: OptText(100), receivedOn: Type.Optional(DateStr) },
  { additionalProperties: false },
);
