import { Type } from '@fastify/type-provider-typebox';
import { INSTITUTION_KINDS, PARTY_ROLES } from './agreements.ts';
import { PROGRAMS } from './tables.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Str = (max = 200) => Type.String({ minLength: 1, maxLength: max });
const OptText = (max = 4000) => Type.Optional(Type.Union([Type.String({ maxLength: max }), Type.Null()]));
export const DateStr = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const Bilingual = Type.Object({ id: Type.String(), en: Type.String() });
/** A closed set of strings, typed as their union (TypeBox's Union over a mapped array widens to never). */
export const OneOf = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

export const IdParam = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const ProgramName = OneOf(PROGRAMS);
export const AgreementStatus = OneOf(['draft', 'active', 'expiring', 'expired', 'renewed', 'terminated'] as const);
const Kind = Type.Union([Type.Literal('mou'), Type.Literal('pks')]);
const LostRule = Type.Union([Type.Literal('replace_copy'), Type.Literal('pay_amount'), Type.Literal('none')]);

export const PartyTerms = Type.Object(
  {
    loanPeriodDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
    loanQuota: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    exchangeRatio: Type.Optional(Type.String({ pattern: '^\\d{1,3}:\\d{1,3}$', description: "e.g. '1:1'" })),
    lostItems: Type.Optional(
      Type.Object(
        { rule: LostRule, amountRupiah: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000 })) },
        { additionalProperties: false },
      ),
    ),
    feeRupiah: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000 })),
    preferredIllPartner: Type.Optional(Type.Boolean()),
    visitorsMayBorrow: Type.Optional(Type.Boolean()),
    rights: Type.Optional(Type.String({ maxLength: 4000 })),
    obligations: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { additionalProperties: false },
);

const PartyIn = Type.Object(
  {
    libraryCode: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 40 }), Type.Null()])),
    institutionName: OptText(300),
    institutionKind: Type.Optional(Type.Union([OneOf(INSTITUTION_KINDS), Type.Null()])),
    role: OneOf(PARTY_ROLES),
    signedByLibraryCode: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 40 }), Type.Null()])),
    signatoryName: OptText(200),
    signatoryTitle: OptText(200),
    terms: Type.Optional(PartyTerms),
  },
  { additionalProperties: false },
);

const agreementFields = {
  title: Str(300),
  number: OptText(100),
  kind: Kind,
  written: Type.Optional(Type.Boolean()),
  implementsId: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
  background: OptText(),
  purpose: OptText(),
  programs: Type.Optional(Type.Array(ProgramName, { uniqueItems: true })),
  startsOn: Type.Optional(Type.Union([DateStr, Type.Null()])),
  endsOn: Type.Optional(Type.Union([DateStr, Type.Null()])),
  divisionOfWork: OptText(),
  financing: OptText(),
  method: OptText(),
  isPublic: Type.Optional(Type.Boolean()),
  parties: Type.Array(PartyIn, { minItems: 2, maxItems: 200 }),
};

export const AgreementCreate = Type.Object(agreementFields, { additionalProperties: false });
export const AgreementPatch = Type.Partial(Type.Object(agreementFields), { additionalProperties: false });

const PartyOut = Type.Object({
  position: Type.Integer(),
  libraryId: Nullable(Type.Integer()),
  libraryCode: Nullable(Type.String()),
  libraryName: Nullable(Type.String()),
  institutionName: Nullable(Type.String()),
  institutionKind: Nullable(Type.String()),
  name: Type.String(),
  role: Type.String(),
  signedByLibraryId: Nullable(Type.Integer()),
  signedByLibraryCode: Nullable(Type.String()),
  signedByLibraryName: Nullable(Type.String()),
  signatoryName: Nullable(Type.String()),
  signatoryTitle: Nullable(Type.String()),
  terms: PartyTerms,
});

export const AgreementDocument = Type.Object({
  id: Type.Integer(),
  filename: Type.String(),
  contentType: Type.String(),
  sizeBytes: Type.Integer(),
  sha256: Type.String(),
  uploadedAt: Type.String(),
});

const summaryFields = {
  id: Type.Integer(),
  title: Type.String(),
  number: Nullable(Type.String()),
  kind: Kind,
  written: Type.Boolean(),
  status: AgreementStatus,
  programs: Type.Array(Type.String()),
  startsOn: Nullable(Type.String()),
  endsOn: Nullable(Type.String()),
  isPublic: Type.Boolean(),
};

export const AgreementSummary = Type.Object({
  ...summaryFields,
  parties: Type.Array(Type.Object({ libraryCode: Nullable(Type.String()), name: Type.String(), role: Type.String() })),
});

export const Agreement = Type.Object({
  ...summaryFields,
  networkId: Type.Integer(),
  storedStatus: Type.String(),
  statusReason: Nullable(Type.String()),
  implementsId: Nullable(Type.Integer()),
  implementsTitle: Nullable(Type.String()),
  renewsId: Nullable(Type.Integer()),
  renewedById: Nullable(Type.Integer()),
  background: Nullable(Type.String()),
  purpose: Nullable(Type.String()),
  divisionOfWork: Nullable(Type.String()),
  financing: Nullable(Type.String()),
  method: Nullable(Type.String()),
  parties: Type.Array(PartyOut),
  documents: Type.Array(AgreementDocument),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  canManage: Type.Boolean(),
});

export const Renew = Type.Object(
  { startsOn: DateStr, endsOn: DateStr, number: OptText(100), title: Type.Optional(Str(300)) },
  { additionalProperties: false },
);
export const Terminate = Type.Object({ reason: Str(1000) }, { additionalProperties: false });

export const History = Type.Object({
  items: Type.Array(
    Type.Object({
      at: Type.String(),
      actorLabel: Type.String(),
      action: Type.String(),
      before: Type.Unknown(),
      after: Type.Unknown(),
    }),
  ),
});

export const Notices = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      agreementId: Type.Integer(),
      title: Type.String(),
      daysBefore: Type.Integer(),
      endsOn: Type.String(),
      createdAt: Type.String(),
      message: Bilingual,
    }),
  ),
});

export const TermsAnswer = Type.Object({
  allowed: Type.Boolean(),
  program: Type.String(),
  date: Type.String(),
  agreementIds: Type.Array(Type.Integer()),
  agreements: Type.Array(
    Type.Object({
      id: Type.Integer(),
      title: Type.String(),
      number: Nullable(Type.String()),
      endsOn: Nullable(Type.String()),
    }),
  ),
  loanPeriodDays: Nullable(Type.Integer()),
  quota: Nullable(Type.Integer()),
  feeRupiah: Nullable(Type.Integer()),
  preferredPartner: Type.Boolean(),
  visitorsMayBorrow: Type.Boolean(),
  exchangeRatio: Nullable(Type.String()),
  lostItemRule: Nullable(Type.Object({ rule: LostRule, amountRupiah: Nullable(Type.Integer()) })),
  reasons: Type.Array(Bilingual),
});

export { Bilingual };

export const Figures = Type.Object({
  from: Type.String(),
  to: Type.String(),
  agreements: Type.Array(
    Type.Object({
      libraryCode: Type.String(),
      libraryName: Type.String(),
      active: Type.Integer(),
      expiring: Type.Integer(),
    }),
  ),
  visits: Type.Array(
    Type.Object({
      month: Type.String(),
      libraryCode: Type.String(),
      libraryName: Type.String(),
      received: Type.Integer(),
      made: Type.Integer(),
    }),
  ),
  deposits: Type.Array(
    Type.Object({
      programId: Type.Integer(),
      lenderCode: Type.String(),
      recipientCode: Type.String(),
      recipientName: Type.String(),
      setsSent: Type.Integer(),
      itemsSent: Type.Integer(),
      itemsOutNow: Type.Integer(),
      itemsReturned: Type.Integer(),
      itemsMissing: Type.Integer(),
      itemsReplaced: Type.Integer(),
      itemsPaid: Type.Integer(),
      loansReported: Type.Integer(),
    }),
  ),
});

const LibRef = Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() });

export const VisitingCard = Type.Object({
  id: Type.Integer(),
  cardNumber: Type.String(),
  agreementId: Type.Integer(),
  agreementTitle: Type.String(),
  holderName: Type.String(),
  memberNumber: Type.String(),
  patronId: Type.Integer(),
  homeLibrary: LibRef,
  validLibraries: Type.Array(LibRef),
  validFrom: Type.String(),
  validUntil: Type.String(),
  status: OneOf(['active', 'revoked'] as const),
  statusReason: Nullable(Type.String()),
  createdAt: Type.String(),
});
export const VisitingCardDetail = Type.Object({
  ...VisitingCard.properties,
  qrSvg: Type.String({ description: 'QR code of the card number, SVG' }),
});

export const CardCreate = Type.Object(
  {
    agreementId: Type.Integer({ minimum: 1 }),
    memberNumber: Str(60),
    homeLibraryCode: Type.Optional(Str(40)),
    validLibraryCodes: Type.Optional(Type.Array(Str(40), { maxItems: 200, uniqueItems: true })),
    validFrom: Type.Optional(DateStr),
    validUntil: Type.Optional(DateStr),
  },
  { additionalProperties: false },
);
export const Reason = Type.Object({ reason: Str(1000) }, { additionalProperties: false });

export const CheckIn = Type.Object(
  { cardNumber: Str(60), libraryCode: Type.Optional(Str(40)) },
  { additionalProperties: false },
);
export const CheckInAnswer = Type.Object({
  outcome: OneOf(['valid', 'expired', 'not_yet_valid', 'revoked', 'not_participant', 'unknown'] as const),
  ok: Type.Boolean(),
  message: Bilingual,
  cardNumber: Type.String(),
  card: Nullable(
    Type.Object({
      id: Type.Integer(),
      holderName: Type.String(),
      memberNumber: Type.String(),
      homeLibraryCode: Type.String(),
      homeLibraryName: Type.String(),
      validFrom: Type.String(),
      validUntil: Type.String(),
      agreementTitle: Type.String(),
    }),
  ),
  privileges: Type.Array(
    Type.Object({
      key: Type.String(),
      allowed: Type.Boolean(),
      loanPeriodDays: Type.Optional(Nullable(Type.Integer())),
    }),
  ),
  visitId: Nullable(Type.Integer()),
  announced: Type.Boolean(),
});

export const VisitCreate = Type.Object(
  { cardNumber: Str(60), libraryCode: Str(40), plannedOn: DateStr, purpose: OptText(500) },
  { additionalProperties: false },
);
export const Visit = Type.Object({
  id: Type.Integer(),
  cardNumber: Type.String(),
  holderName: Type.String(),
  homeLibrary: Type.Object({ code: Type.String(), name: Type.String() }),
  visitedLibrary: Type.Object({ code: Type.String(), name: Type.String() }),
  status: Type.String(),
  plannedOn: Nullable(Type.String()),
  purpose: Nullable(Type.String()),
  checkedInAt: Nullable(Type.String()),
  visitedOn: Nullable(Type.String()),
  announcedBy: Nullable(OneOf(['library', 'cardholder'] as const)),
});

const LibBrief = Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() });
const Totals = Type.Object({
  setsSent: Type.Integer(),
  itemsOut: Type.Integer(),
  itemsReturned: Type.Integer(),
  itemsMissing: Type.Integer(),
  itemsReplaced: Type.Integer(),
  itemsPaid: Type.Integer(),
  loansReported: Type.Integer(),
});
const SetBrief = Type.Object({
  id: Type.Integer(),
  sequence: Type.Integer(),
  status: OneOf(['issued', 'returned'] as const),
  issuedOn: Type.String(),
  dueOn: Type.String(),
  returnedOn: Nullable(Type.String()),
  items: Type.Integer(),
});

export const DepositProgram = Type.Object({
  id: Type.Integer(),
  agreementId: Nullable(Type.Integer()),
  agreementTitle: Nullable(Type.String()),
  lender: LibBrief,
  recipient: LibBrief,
  setSize: Type.Integer(),
  rotationMonths: Type.Integer(),
  audience: Nullable(Type.String()),
  active: Type.Boolean(),
  lostItemRule: Nullable(Type.Object({ rule: LostRule, amountRupiah: Nullable(Type.Integer()) })),
  openSet: Nullable(
    Type.Object({
      id: Type.Integer(),
      sequence: Type.Integer(),
      issuedOn: Type.String(),
      dueOn: Type.String(),
      items: Type.Integer(),
    }),
  ),
  sets: Type.Array(SetBrief),
  totals: Totals,
  canManage: Type.Boolean(),
});

export const DepositProgramCreate = Type.Object(
  {
    agreementId: Type.Integer({ minimum: 1 }),
    recipientCode: Str(40),
    lenderCode: Type.Optional(Str(40)),
    setSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 2000 })),
    rotationMonths: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 })),
    audience: OptText(200),
  },
  { additionalProperties: false },
);

export const Candidate = Type.Object({
  itemId: Type.Integer(),
  barcode: Nullable(Type.String()),
  callNumber: Nullable(Type.String()),
  title: Type.String(),
  subjects: Type.Array(Type.String()),
  ddc: Nullable(Type.String()),
});

const Pick = Type.Object(
  {
    subject: Type.Optional(Type.String({ maxLength: 100 })),
    ddc: Type.Optional(Type.String({ maxLength: 20 })),
  },
  { additionalProperties: false },
);
const issueFields = {
  itemIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 2000 })),
  pick: Type.Optional(Pick),
  issuedOn: Type.Optional(DateStr),
};
const returnFields = {
  missingItemIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 2000 })),
  returnedOn: Type.Optional(DateStr),
  loansReported: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
};
export const DepositIssue = Type.Object(issueFields, { additionalProperties: false });
export const DepositReturn = Type.Object(returnFields, { additionalProperties: false });
export const DepositRotate = Type.Object({ ...issueFields, ...returnFields }, { additionalProperties: false });
export const DepositUse = Type.Object(
  {
    loansReported: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
    items: Type.Optional(
      Type.Array(
        Type.Object(
          { itemId: Type.Integer({ minimum: 1 }), loans: Type.Integer({ minimum: 0, maximum: 100_000 }) },
          { additionalProperties: false },
        ),
        { maxItems: 2000 },
      ),
    ),
  },
  { additionalProperties: false },
);
export const DepositResolve = Type.Object(
  {
    kind: OneOf(['replaced', 'paid'] as const),
    replacementBarcode: Type.Optional(Str(60)),
    amountRupiah: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000 })),
    on: Type.Optional(DateStr),
  },
  { additionalProperties: false },
);

export const DepositSet = Type.Object({
  id: Type.Integer(),
  programId: Type.Integer(),
  sequence: Type.Integer(),
  status: OneOf(['issued', 'returned'] as const),
  issuedOn: Type.String(),
  dueOn: Type.String(),
  returnedOn: Nullable(Type.String()),
  loansReported: Nullable(Type.Integer()),
  lender: LibBrief,
  recipient: LibBrief,
  agreementTitle: Nullable(Type.String()),
  items: Type.Array(
    Type.Object({
      itemId: Type.Integer(),
      barcode: Nullable(Type.String()),
      callNumber: Nullable(Type.String()),
      title: Type.String(),
      outcome: OneOf(['out', 'returned', 'missing', 'replaced', 'paid'] as const),
      loans: Nullable(Type.Integer()),
      resolvedOn: Nullable(Type.String()),
      replacementBarcode: Nullable(Type.String()),
      paidRupiah: Nullable(Type.Integer()),
    }),
  ),
  canManage: Type.Boolean(),
});
