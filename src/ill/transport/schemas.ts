import { Type } from '@fastify/type-provider-typebox';

const Str = (max = 200) => Type.String({ minLength: 1, maxLength: max });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const OneOf = <T extends string>(values: readonly T[]) => Type.Unsafe<T>({ type: 'string', enum: [...values] });

export const IdParam = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const LibraryParam = Type.Object({ ref: Str(40) });

export const AgencyRef = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 50, description: 'agencyIdType, e.g. ISIL' }),
    value: Type.String({ minLength: 1, maxLength: 100, description: 'agencyIdValue' }),
  },
  { additionalProperties: false },
);

const Secret = Type.String({ minLength: 1, maxLength: 200 });

export const PeerCreate = Type.Object(
  {
    name: Str(),
    library: Type.String({
      minLength: 1,
      maxLength: 40,
      description: 'code or id of the directory library the peer stands for',
    }),
    agencyId: AgencyRef,
    endpointUrl: Type.String({ minLength: 8, maxLength: 500, description: "the peer's ISO 18626 endpoint" }),
    outboundAccountId: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    outboundSecret: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    inboundAccountId: Type.String({ minLength: 1, maxLength: 100, description: 'the account the peer sends to us' }),
    inboundSecret: Type.Optional(Secret),
    active: Type.Optional(Type.Boolean()),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120000 })),
  },
  { additionalProperties: false },
);

export const PeerPatch = Type.Object(
  {
    name: Type.Optional(Str()),
    agencyId: Type.Optional(AgencyRef),
    endpointUrl: Type.Optional(Type.String({ minLength: 8, maxLength: 500 })),
    outboundAccountId: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    outboundSecret: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    inboundAccountId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    active: Type.Optional(Type.Boolean()),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120000 })),
  },
  { additionalProperties: false },
);

export const Peer = Type.Object({
  id: Type.Integer(),
  networkId: Type.Integer(),
  name: Type.String(),
  library: Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() }),
  agencyId: AgencyRef,
  endpointUrl: Type.String(),
  outboundAccountId: Nullable(Type.String()),
  outboundSecretSet: Type.Boolean(),
  inboundAccountId: Type.String(),
  inboundSecretSet: Type.Boolean(),
  active: Type.Boolean(),
  timeoutMs: Type.Integer(),
  messages: Type.Object({ pending: Type.Integer(), failed: Type.Integer(), rejected: Type.Integer() }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const PeerCreated = Type.Object({
  peer: Peer,
  inboundSecret: Type.String({ description: 'shown once: give it to the peer; Simpul keeps only a hash' }),
});

export const SecretBody = Type.Object({ inboundSecret: Type.Optional(Secret) }, { additionalProperties: false });
export const SecretReply = Type.Object({ inboundSecret: Type.String() });

export const DIRECTIONS = ['in', 'out'] as const;
export const STATUSES = ['pending', 'confirmed', 'rejected', 'failed', 'abandoned', 'accepted'] as const;

export const Message = Type.Object({
  id: Type.Integer(),
  peerId: Nullable(Type.Integer()),
  peerName: Nullable(Type.String()),
  direction: OneOf(DIRECTIONS),
  kind: Type.String(),
  requestId: Nullable(Type.Integer()),
  supplierRequestId: Nullable(Type.Integer()),
  localLibraryId: Nullable(Type.Integer()),
  requestingAgencyRequestId: Nullable(Type.String()),
  summary: Type.String(),
  status: OneOf(STATUSES),
  errorType: Nullable(Type.String()),
  errorValue: Nullable(Type.String()),
  attempts: Type.Integer(),
  nextAttemptAt: Nullable(Type.String()),
  lastError: Nullable(Type.String()),
  httpStatus: Nullable(Type.Integer()),
  createdAt: Type.String(),
  lastAttemptAt: Nullable(Type.String()),
  finishedAt: Nullable(Type.String()),
  xml: Type.Optional(Type.String()),
  confirmationXml: Type.Optional(Nullable(Type.String())),
});

export const MessageQuery = Type.Object({
  peerId: Type.Optional(Type.Integer({ minimum: 1 })),
  requestId: Type.Optional(Type.Integer({ minimum: 1 })),
  supplierRequestId: Type.Optional(Type.Integer({ minimum: 1 })),
  direction: Type.Optional(OneOf(DIRECTIONS)),
  status: Type.Optional(OneOf(STATUSES)),
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 25 })),
});
