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

// ------------------------------------------------------------------ mobile library

const StopKind = OneOf(['school', 'village', 'public_space', 'library', 'other'] as const);
const RuleIn = Type.Object(
  {
    weekday: Type.Integer({ minimum: 0, maximum: 6, description: '0 = Sunday' }),
    everyWeeks: Type.Optional(Type.Integer({ minimum: 1, maximum: 8 })),
    startsOn: Type.Optional(DateStr),
    endsOn: Type.Optional(Nullable(DateStr)),
  },
  { additionalProperties: false },
);
export const RuleCreate = RuleIn;
export const RouteCreate = Type.Object(
  {
    libraryCode: Type.Optional(Code),
    name: Str(200),
    vehicle: OptText(200),
    staff: Type.Optional(Type.Array(Str(200), { maxItems: 50 })),
  },
  { additionalProperties: false },
);
export const RoutePatch = Type.Object(
  {
    name: Type.Optional(Str(200)),
    vehicle: OptText(200),
    staff: Type.Optional(Type.Array(Str(200), { maxItems: 50 })),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const StopCreate = Type.Object(
  {
    name: Str(200),
    kind: StopKind,
    address: OptText(500),
    partnerLibraryCode: Type.Optional(Nullable(Code)),
    agreementId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    startTime: Time,
    endTime: Time,
    schedule: Type.Optional(RuleIn),
  },
  { additionalProperties: false },
);
export const StopPatch = Type.Object(
  {
    name: Type.Optional(Str(200)),
    address: OptText(500),
    startTime: Type.Optional(Time),
    endTime: Type.Optional(Time),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const ChangeCreate = Type.Object(
  {
    date: DateStr,
    kind: OneOf(['cancel', 'extra'] as const),
    startTime: Type.Optional(Nullable(Time)),
    endTime: Type.Optional(Nullable(Time)),
    note: OptText(500),
  },
  { additionalProperties: false },
);
const Occurrence = {
  date: Type.String(),
  startTime: Type.String(),
  endTime: Type.String(),
  extra: Type.Boolean(),
  note: Nullable(Type.String()),
};
export const Stop = Type.Object({
  id: Type.Integer(),
  routeId: Type.Integer(),
  position: Type.Integer(),
  name: Type.String(),
  kind: StopKind,
  address: Nullable(Type.String()),
  partner: Nullable(LibBrief),
  agreementId: Nullable(Type.Integer()),
  startTime: Type.String(),
  endTime: Type.String(),
  active: Type.Boolean(),
  rules: Type.Array(
    Type.Object({
      id: Type.Integer(),
      weekday: Type.Integer(),
      everyWeeks: Type.Integer(),
      startsOn: Type.String(),
      endsOn: Nullable(Type.String()),
    }),
  ),
  changes: Type.Array(
    Type.Object({
      id: Type.Integer(),
      date: Type.String(),
      kind: OneOf(['cancel', 'extra'] as const),
      startTime: Nullable(Type.String()),
      endTime: Nullable(Type.String()),
      note: Nullable(Type.String()),
    }),
  ),
  upcoming: Type.Array(Type.Object(Occurrence)),
});
const routeSummaryFields = {
  id: Type.Integer(),
  library: LibBrief,
  name: Type.String(),
  vehicle: Nullable(Type.String()),
  staff: Type.Array(Type.String()),
  active: Type.Boolean(),
  stops: Type.Integer(),
  onBoard: Type.Integer(),
  openLoans: Type.Integer(),
  nextVisit: Nullable(Type.Object({ date: Type.String(), stop: Type.String(), startTime: Type.String() })),
};
export const RouteSummary = Type.Object(routeSummaryFields);
export const MobileLoan = Type.Object({
  id: Type.Integer(),
  itemId: Nullable(Type.Integer()),
  barcode: Nullable(Type.String()),
  title: Type.String(),
  borrowerName: Type.String(),
  stopName: Type.String(),
  lentOn: Type.String(),
  dueOn: Type.String(),
  returnedOn: Nullable(Type.String()),
  overdue: Type.Boolean(),
});
export const VisitRecord = Type.Object({
  id: Type.Integer(),
  stopId: Type.Integer(),
  stopName: Type.String(),
  visitedOn: Type.String(),
  visitors: Type.Integer(),
  loans: Type.Integer(),
  returns: Type.Integer(),
  note: Nullable(Type.String()),
});
export const Route = Type.Object({
  ...routeSummaryFields,
  stopList: Type.Array(Stop),
  loans: Type.Array(MobileLoan),
  visits: Type.Array(VisitRecord),
  canManage: Type.Boolean(),
});
export const BoardItem = Type.Object({
  itemId: Type.Integer(),
  barcode: Nullable(Type.String()),
  callNumber: Nullable(Type.String()),
  title: Type.String(),
  status: Type.String(),
  addedOn: Type.String(),
});
export const BoardLoad = Type.Object(
  { barcodes: Type.Array(Str(60), { minItems: 1, maxItems: 2000 }) },
  { additionalProperties: false },
);
export const BoardUnload = Type.Object(
  { itemIds: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 2000 }) },
  { additionalProperties: false },
);
export const VisitCreate = Type.Object(
  {
    date: DateStr,
    visitors: Type.Integer({ minimum: 0, maximum: 100_000 }),
    note: OptText(1000),
    loans: Type.Optional(
      Type.Array(
        Type.Object(
          { barcode: Str(60), borrowerName: Str(200), memberNumber: OptText(60) },
          { additionalProperties: false },
        ),
        { maxItems: 1000 },
      ),
    ),
    returns: Type.Optional(Type.Array(Str(60), { maxItems: 1000 })),
  },
  { additionalProperties: false },
);
export const VisitResult = Type.Object({
  visit: VisitRecord,
  loans: Type.Array(MobileLoan),
  returned: Type.Array(MobileLoan),
});
export const ScheduleEntry = Type.Object({
  ...Occurrence,
  routeId: Type.Integer(),
  routeName: Type.String(),
  operator: LibBrief,
  stopId: Type.Integer(),
  stopName: Type.String(),
  stopKind: StopKind,
  partner: Nullable(LibBrief),
});
export const StopMonth = Type.Object({
  month: Type.String(),
  routeId: Type.Integer(),
  routeName: Type.String(),
  operatorCode: Type.String(),
  stopId: Type.Integer(),
  stopName: Type.String(),
  partnerCode: Nullable(Type.String()),
  visits: Type.Integer(),
  visitors: Type.Integer(),
  loans: Type.Integer(),
  returns: Type.Integer(),
});
export const Range = Type.Object({ from: Type.Optional(DateStr), to: Type.Optional(DateStr) });

// ------------------------------------------------------------------ internships and training

const Student = Type.Object(
  {
    name: Str(200),
    studentNumber: Type.Optional(Type.String({ maxLength: 40 })),
    programme: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
const internshipFields = {
  institutionName: Str(300),
  institutionLibraryCode: Type.Optional(Nullable(Code)),
  supervisor: Str(200),
  startsOn: DateStr,
  endsOn: DateStr,
  students: Type.Array(Student, { minItems: 1, maxItems: 200 }),
  evaluation: OptText(),
  score: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 100 }))),
};
export const InternshipCreate = Type.Object(
  { hostCode: Type.Optional(Code), ...internshipFields },
  { additionalProperties: false },
);
export const InternshipPatch = Type.Partial(Type.Object(internshipFields), { additionalProperties: false });
export const Internship = Type.Object({
  id: Type.Integer(),
  host: LibBrief,
  institutionName: Type.String(),
  institutionLibrary: Nullable(LibBrief),
  supervisor: Type.String(),
  startsOn: Type.String(),
  endsOn: Type.String(),
  students: Type.Array(
    Type.Object({
      name: Type.String(),
      studentNumber: Type.Optional(Type.String()),
      programme: Type.Optional(Type.String()),
    }),
  ),
  evaluation: Nullable(Type.String()),
  score: Nullable(Type.Integer()),
  direction: Nullable(OneOf(['hosted', 'sent'] as const)),
  canManage: Type.Boolean(),
});
const TrainingKind = OneOf(['training', 'workshop', 'meeting'] as const);
export const TrainingCreate = Type.Object(
  {
    organiserCode: Type.Optional(Code),
    kind: TrainingKind,
    title: Str(300),
    organiserName: OptText(300),
    place: OptText(300),
    startsOn: DateStr,
    endsOn: DateStr,
    hours: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 1000 }))),
    description: OptText(),
  },
  { additionalProperties: false },
);
export const Participant = Type.Object({
  id: Type.Integer(),
  library: Nullable(LibBrief),
  institutionName: Nullable(Type.String()),
  name: Type.String(),
  position: Nullable(Type.String()),
  attended: Type.Boolean(),
  certificateNumber: Nullable(Type.String()),
  certificateIssuedOn: Nullable(Type.String()),
});
export const Training = Type.Object({
  id: Type.Integer(),
  kind: TrainingKind,
  title: Type.String(),
  organiser: LibBrief,
  organiserName: Nullable(Type.String()),
  place: Nullable(Type.String()),
  startsOn: Type.String(),
  endsOn: Type.String(),
  hours: Nullable(Type.Integer()),
  description: Nullable(Type.String()),
  participants: Type.Array(Participant),
  participantCount: Type.Integer(),
  libraries: Type.Integer(),
  direction: Nullable(OneOf(['organised', 'attended'] as const)),
  canManage: Type.Boolean(),
});
export const ParticipantsAdd = Type.Object(
  {
    participants: Type.Array(
      Type.Object(
        {
          libraryCode: Type.Optional(Nullable(Code)),
          institutionName: OptText(300),
          name: Str(200),
          position: OptText(200),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 500 },
    ),
  },
  { additionalProperties: false },
);
export const Attendance = Type.Object(
  {
    participantIds: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 500 }),
    attended: Type.Boolean(),
  },
  { additionalProperties: false },
);
export const Certificate = Type.Object({
  number: Type.String(),
  issuedOn: Type.String(),
  participantName: Type.String(),
  position: Nullable(Type.String()),
  from: Type.String(),
  kind: TrainingKind,
  title: Type.String(),
  organiser: Type.String(),
  place: Nullable(Type.String()),
  startsOn: Type.String(),
  endsOn: Type.String(),
  hours: Nullable(Type.Integer()),
});

// ------------------------------------------------------------------ calendar and figures

export const CalendarEntry = Type.Object({
  date: Type.String(),
  endDate: Type.Optional(Nullable(Type.String())),
  time: Type.Optional(Nullable(Type.String())),
  program: Type.String(),
  kind: Type.String(),
  title: Bilingual,
  libraries: Type.Array(LibBrief),
  status: Type.String(),
  link: Type.String(),
});
const N = Type.Integer();
export const CoopFigures = Type.Object({
  from: Type.String(),
  to: Type.String(),
  acquisition: Type.Array(
    Type.Object({
      libraryCode: Type.String(),
      libraryName: Type.String(),
      proposals: N,
      copiesApproved: N,
      rupiahApproved: N,
      copiesReceived: N,
      rupiahReceived: N,
      duplicatesAvoided: N,
      rupiahAvoided: N,
    }),
  ),
  rounds: Type.Array(
    Type.Object({
      roundId: N,
      title: Type.String(),
      coordinatorCode: Type.String(),
      budgetRupiah: N,
      rupiahApproved: N,
      libraries: N,
      titlesApproved: N,
    }),
  ),
  mobile: Type.Array(StopMonth),
  internships: Type.Array(
    Type.Object({
      libraryCode: Type.String(),
      libraryName: Type.String(),
      hosted: N,
      internsHosted: N,
      sent: N,
      internsSent: N,
    }),
  ),
  training: Type.Array(
    Type.Object({
      libraryCode: Type.String(),
      libraryName: Type.String(),
      eventsOrganised: N,
      participantsHosted: N,
      staffTrained: N,
      certificates: N,
    }),
  ),
});
