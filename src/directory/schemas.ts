import { Type } from '@fastify/type-provider-typebox';
import { PRIVILEGES } from './eligibility.ts';
import { LIBRARY_SERVICES } from './libraries.ts';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Str = (max = 200) => Type.String({ minLength: 1, maxLength: max });
const OptStr = (max = 200) => Type.Optional(Type.Union([Type.String({ maxLength: max }), Type.Null()]));
export const DateStr = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });

export const LibraryType = Type.Union([
  Type.Literal('national'),
  Type.Literal('provincial'),
  Type.Literal('public'),
  Type.Literal('school'),
  Type.Literal('university'),
  Type.Literal('special'),
]);
export const Role = Type.Union([
  Type.Literal('network_coordinator'),
  Type.Literal('library_admin'),
  Type.Literal('librarian'),
]);
export const PatronCategory = Type.Union(
  ['student', 'pupil', 'lecturer', 'staff', 'public', 'other'].map((c) => Type.Literal(c)),
);
export const PatronStatus = Type.Union(['active', 'suspended', 'blocked', 'inactive'].map((c) => Type.Literal(c)));
const Service = Type.Union(LIBRARY_SERVICES.map((s) => Type.Literal(s)));
const Privilege = Type.Union(PRIVILEGES.map((p) => Type.Literal(p)));

export const Library = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  type: LibraryType,
  networkId: Type.Integer(),
  networkCode: Type.String(),
  regionCode: Nullable(Type.String()),
  regionName: Nullable(Type.String()),
  provinceName: Nullable(Type.String()),
  parentInstitution: Nullable(Type.String()),
  parentLibraryId: Type.Union([Type.Integer(), Type.Null()]),
  parentLibraryName: Nullable(Type.String()),
  signsOwnAgreements: Type.Boolean(),
  address: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  email: Nullable(Type.String()),
  website: Nullable(Type.String()),
  openingHours: Type.Record(Type.String(), Type.String()),
  services: Type.Array(Type.String()),
  lendingPaused: Type.Boolean(),
  illCapacity: Type.Integer(),
  active: Type.Boolean(),
});

const OpeningHours = Type.Record(Type.String({ maxLength: 20 }), Type.String({ maxLength: 100 }), {
  description: 'e.g. {"mon": "08:00-16:00", "sun": "tutup"}',
});

const libraryFields = {
  name: Str(),
  type: LibraryType,
  regionCode: OptStr(20),
  parentInstitution: OptStr(),
  parentLibraryCode: OptStr(40),
  signsOwnAgreements: Type.Optional(Type.Boolean()),
  address: OptStr(500),
  phone: OptStr(50),
  email: Type.Optional(Type.Union([Type.String({ format: 'email', maxLength: 200 }), Type.Null()])),
  website: OptStr(300),
  openingHours: Type.Optional(OpeningHours),
  services: Type.Optional(Type.Array(Service, { uniqueItems: true })),
  lendingPaused: Type.Optional(Type.Boolean()),
  illCapacity: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
  active: Type.Optional(Type.Boolean()),
};

export const LibraryCreate = Type.Object(
  {
    code: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$' }),
    networkCode: Str(40),
    ...libraryFields,
  },
  { additionalProperties: false },
);

export const LibraryPatch = Type.Partial(Type.Object(libraryFields), {
  additionalProperties: false,
  minProperties: 1,
});

export const Patron = Type.Object({
  id: Type.Integer(),
  libraryId: Type.Integer(),
  libraryCode: Type.String(),
  libraryName: Type.String(),
  memberNumber: Type.String(),
  fullName: Type.String(),
  nikMasked: Nullable(Type.String()),
  domicileRegionCode: Nullable(Type.String()),
  domicileRegionName: Nullable(Type.String()),
  category: Type.String(),
  institutionLibraryId: Type.Union([Type.Integer(), Type.Null()]),
  institutionName: Nullable(Type.String()),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  status: Type.String(),
  membershipExpiresOn: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const PatronDetail = Type.Intersect([
  Patron,
  Type.Object({
    address: Nullable(Type.String()),
    enrolmentProofs: Type.Array(
      Type.Object({
        id: Type.Integer(),
        institutionLibraryId: Type.Union([Type.Integer(), Type.Null()]),
        institutionName: Nullable(Type.String()),
        documentRef: Nullable(Type.String()),
        validFrom: Type.String(),
        validUntil: Type.String(),
      }),
    ),
  }),
]);

const patronFields = {
  memberNumber: Type.String({ minLength: 1, maxLength: 40, pattern: '^\\S(.*\\S)?$' }),
  fullName: Str(),
  nik: Type.Optional(Type.Union([Type.String({ pattern: '^\\d{16}$', description: 'NIK, 16 digits' }), Type.Null()])),
  address: OptStr(500),
  domicileRegionCode: OptStr(20),
  category: PatronCategory,
  institutionLibraryCode: OptStr(40),
  institutionName: OptStr(),
  email: Type.Optional(Type.Union([Type.String({ format: 'email', maxLength: 200 }), Type.Null()])),
  phone: OptStr(50),
  status: Type.Optional(PatronStatus),
  membershipExpiresOn: Type.Optional(Type.Union([DateStr, Type.Null()])),
};

export const PatronCreate = Type.Object(patronFields, { additionalProperties: false });
export const PatronPatch = Type.Partial(Type.Object(patronFields), {
  additionalProperties: false,
  minProperties: 1,
});

export const ProofCreate = Type.Object(
  {
    institutionLibraryCode: Str(40),
    documentRef: OptStr(200),
    validFrom: DateStr,
    validUntil: DateStr,
  },
  { additionalProperties: false },
);

const Bilingual = Type.Object({ id: Type.String(), en: Type.String() });

export const Eligibility = Type.Object({
  libraryId: Type.Integer(),
  date: Type.String(),
  privileges: Type.Record(Type.String(), Type.Boolean()),
  rules: Type.Array(
    Type.Object({
      ruleId: Type.Integer(),
      name: Type.String(),
      met: Type.Boolean(),
      grants: Type.Array(Type.String()),
      reasons: Type.Array(Bilingual),
    }),
  ),
  summary: Bilingual,
});

export const Staff = Type.Object({
  id: Type.Integer(),
  libraryId: Type.Integer(),
  libraryCode: Type.String(),
  username: Type.String(),
  fullName: Type.String(),
  email: Nullable(Type.String()),
  role: Role,
  active: Type.Boolean(),
  language: Type.String(),
  lastLoginAt: Nullable(Type.String()),
});

export const StaffCreate = Type.Object(
  {
    username: Type.String({ pattern: '^[a-zA-Z0-9._-]{3,40}$' }),
    fullName: Str(),
    email: Type.Optional(Type.Union([Type.String({ format: 'email', maxLength: 200 }), Type.Null()])),
    role: Role,
    password: Type.String({ minLength: 10, maxLength: 200 }),
    language: Type.Optional(Type.Union([Type.Literal('id'), Type.Literal('en')])),
  },
  { additionalProperties: false },
);

export const StaffPatch = Type.Object(
  {
    fullName: Type.Optional(Str()),
    email: Type.Optional(Type.Union([Type.String({ format: 'email', maxLength: 200 }), Type.Null()])),
    role: Type.Optional(Role),
    active: Type.Optional(Type.Boolean()),
    password: Type.Optional(Type.String({ minLength: 10, maxLength: 200 })),
    language: Type.Optional(Type.Union([Type.Literal('id'), Type.Literal('en')])),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const Rule = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  condition: Type.Unknown(),
  grants: Type.Array(Type.String()),
  position: Type.Optional(Type.Integer()),
});

export const RuleCreate = Type.Object(
  {
    name: Str(),
    condition: Type.Object({ type: Type.String() }, { additionalProperties: true }),
    grants: Type.Array(Privilege, { minItems: 1, uniqueItems: true }),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  },
  { additionalProperties: false },
);

export const IdParam = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const RefParam = Type.Object({ ref: Type.String({ minLength: 1, maxLength: 40 }) });
