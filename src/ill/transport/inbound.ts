import type { Db, DbOrTrx, Trx } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import type { Protector } from '../../platform/protect.ts';
import { buildConfirmation, type ConfirmationOutcome } from '../iso18626/build.ts';
import { confirmIncoming, handleIncoming, type IncomingMessage, type IncomingOptions } from '../iso18626/incoming.ts';
import { parseMessage } from '../iso18626/parse.ts';
import type { AgencyId, ErrorType } from '../iso18626/types.ts';
import { fromAgencyId, resolveAgency } from './agencies.ts';
import { basicCredentials, inboundSecretMatches, maskSecurityCodes, type PresentedCredentials } from './credentials.ts';
import { summarise } from './outbox.ts';

/** Who sent a message, as the ILL service's timeline names it. */
export interface RemoteOrigin {
  kind: 'remote';
  label: string;
  peerId: number;
}

/**
 * The ILL service's entry point for an incoming message (`handlePeerMessage`):
 * acts on it inside the endpoint's transaction and answers OK or an ISO 18626
 * error; an error answer rolls back everything it wrote.
 */
export type PeerMessageHandler = (
  trx: Trx,
  message: IncomingMessage,
  origin: RemoteOrigin,
) => Promise<ConfirmationOutcome>;

/** Which local ILL records a message is about, so the log can list it on the request's page. */
export interface MessageLinks {
  requestId: number | null;
  supplierRequestId: number | null;
}
export type MessageLinker = (trx: DbOrTrx, message: IncomingMessage, localLibraryId: number) => Promise<MessageLinks>;

export interface InboundHandlers {
  handle: PeerMessageHandler;
  link?: MessageLinker;
}

export interface InboundReply {
  status: number;
  xml: string;
  /** The log row, when the sender was authenticated. */
  messageId?: number;
  outcome: 'accepted' | 'rejected' | 'unauthenticated';
  errorType?: ErrorType;
}

interface AuthPeer {
  id: number;
  name: string;
  library_id: number;
  agency_id_type: string;
  agency_id_value: string;
  active: boolean;
}

type ErrorOutcome = Exclude<ConfirmationOutcome, 'OK'>;

/** The rollback carrier: the handler said no, so nothing it wrote may stay. */
class Refused extends Error {
  constructor(readonly outcome: ErrorOutcome) {
    super(outcome.errorValue);
  }
}

async function authenticate(
  db: DbOrTrx,
  protector: Protector,
  creds: PresentedCredentials | undefined,
): Promise<AuthPeer | undefined> {
  if (!creds) return undefined;
  const peer = await db
    .selectFrom('ill_peers')
    .select(['id', 'name', 'library_id', 'agency_id_type', 'agency_id_value', 'active', 'inbound_secret_hash'])
    .where('inbound_account_id', '=', creds.accountId)
    .executeTakeFirst();
  if (!peer?.active || !inboundSecretMatches(protector, creds.secret, peer.inbound_secret_hash)) return undefined;
  return peer;
}

const sameAgency = (a: AgencyId | undefined, p: AuthPeer) =>
  a !== undefined &&
  a.agencyIdType.value.toUpperCase() === p.agency_id_type.toUpperCase() &&
  a.agencyIdValue === p.agency_id_value;

function headerAgencies(m: IncomingMessage): { peerSide: AgencyId | undefined; localSide: AgencyId | undefined } {
  switch (m.kind) {
    case 'request':
      return { peerSide: m.message.header.requestingAgencyId, localSide: m.message.header.supplyingAgencyId };
    case 'requestingAgencyMessage':
      return { peerSide: m.message.header.requestingAgencyId, localSide: m.message.header.supplyingAgencyId };
    case 'supplyingAgencyMessage':
      return { peerSide: m.message.header.supplyingAgencyId, localSide: m.message.header.requestingAgencyId };
  }
}

function inMessageCredentials(m: IncomingMessage): PresentedCredentials | undefined {
  if (m.kind === 'supplyingAgencyMessage') return undefined;
  const a = m.message.header.requestingAgencyAuthentication;
  return a?.accountId && a.securityCode
    ? { accountId: a.accountId, secret: a.securityCode, via: 'message' }
    : undefined;
}

/**
 * The /iso18626 endpoint as a service: parse and validate (`handleIncoming`),
 * authenticate the peer (HTTP Basic, or accountId + securityCode in the header
 * of a Request or RequestingAgencyMessage), check the header's agencies belong
 * to that peer and to one of our libraries, then let the ILL service act in one
 * transaction that also logs the message. Any error answer leaves the ILL
 * tables as they were; the refused message is still logged for the peer's staff.
 */
export async function receiveIso18626(
  db: Db,
  protector: Protector,
  input: { body: string; authorization?: string | undefined },
  handlers: InboundHandlers,
  options: IncomingOptions = {},
): Promise<InboundReply> {
  const result = handleIncoming(input.body, options);
  const basic = basicCredentials(input.authorization);
  const creds = basic ?? (result.ok ? inMessageCredentials(result) : undefined);
  const peer = await authenticate(db, protector, creds);
  if (!peer) {
    const parsed = parseMessage(input.body, options);
    const echo = parsed.ok ? parsed.parsed : parsed.echo;
    const why = creds
      ? 'authentication: wrong peer account or secret'
      : 'authentication: no peer credentials (HTTP Basic)';
    return {
      status: 401,
      xml: buildConfirmation(echo, { errorType: 'UnrecognisedDataValue', errorValue: why }),
      outcome: 'unauthenticated',
      errorType: 'UnrecognisedDataValue',
    };
  }
  const stored = maskSecurityCodes(input.body);
  const log = (
    trx: DbOrTrx,
    row: {
      kind: string;
      status: 'accepted' | 'rejected';
      summary: string;
      confirmation: string;
      rid?: string | undefined;
      localLibraryId?: number | null;
      links?: MessageLinks;
      error?: { errorType: string; errorValue: string };
    },
  ) =>
    trx
      .insertInto('ill_messages')
      .values({
        peer_id: peer.id,
        direction: 'in',
        kind: row.kind,
        request_id: row.links?.requestId ?? null,
        supplier_request_id: row.links?.supplierRequestId ?? null,
        local_library_id: row.localLibraryId ?? null,
        requesting_agency_request_id: row.rid ?? null,
        summary: row.summary,
        status: row.status,
        xml: stored,
        confirmation_xml: row.confirmation,
        error_type: row.error?.errorType ?? null,
        error_value: row.error?.errorValue ?? null,
        http_status: 200,
        finished_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();

  if (!result.ok) {
    const sniff = /<(?:[\w.-]+:)?(request|supplyingAgencyMessage|requestingAgencyMessage)[\s/>]/.exec(input.body);
    const rid = /<(?:[\w.-]+:)?requestingAgencyRequestId>([^<]{1,200})</.exec(input.body)?.[1];
    const row = await log(db, {
      kind: sniff?.[1] ?? 'unknown',
      status: 'rejected',
      summary: result.errorType,
      confirmation: result.confirmationXml,
      rid,
      error: { errorType: result.errorType, errorValue: result.errorValue },
    });
    return {
      status: 200,
      xml: result.confirmationXml,
      messageId: row.id,
      outcome: 'rejected',
      errorType: result.errorType,
    };
  }

  const incoming: IncomingMessage = { kind: result.kind, message: result.message } as IncomingMessage;
  const rid = incoming.message.header.requestingAgencyRequestId;
  const summary = summarise(incoming);
  const refuse = async (
    errorType: ErrorType,
    errorValue: string,
    extra: { localLibraryId?: number | null; links?: MessageLinks } = {},
  ) => {
    const xml = confirmIncoming(result, { errorType, errorValue }, options.xsdPath ? { xsdPath: options.xsdPath } : {});
    const row = await log(db, {
      kind: incoming.kind,
      status: 'rejected',
      summary,
      confirmation: xml,
      rid,
      ...extra,
      error: { errorType, errorValue },
    });
    return { status: 200, xml, messageId: row.id, outcome: 'rejected' as const, errorType };
  };

  const { peerSide, localSide } = headerAgencies(incoming);
  const peerField = incoming.kind === 'supplyingAgencyMessage' ? 'supplyingAgencyId' : 'requestingAgencyId';
  const localField = incoming.kind === 'supplyingAgencyMessage' ? 'requestingAgencyId' : 'supplyingAgencyId';
  if (!sameAgency(peerSide, peer)) {
    const shown = peerSide ? `${peerSide.agencyIdType.value}:${peerSide.agencyIdValue}` : 'missing';
    return refuse('UnrecognisedDataValue', `${peerField} ${shown} is not the agency of the authenticated peer`);
  }
  if (!localSide) return refuse('UnrecognisedDataValue', `${localField} is missing: name the library of this node`);
  const local = await resolveAgency(db, fromAgencyId(localSide));
  if (local.kind !== 'local') {
    return refuse(
      'UnrecognisedDataValue',
      `${localField} ${localSide.agencyIdType.value}:${localSide.agencyIdValue} is not a library of this node`,
    );
  }
  const origin: RemoteOrigin = { kind: 'remote', label: peer.name, peerId: peer.id };
  const localLibraryId = local.libraryId;
  try {
    return await db.transaction().execute(async (trx) => {
      let outcome: ConfirmationOutcome;
      try {
        outcome = await handlers.handle(trx, incoming, origin);
      } catch (e) {
        // A rule of the ILL service said no in its own words: the peer hears it as a value we cannot act on.
        if (e instanceof AppError && e.status < 500) {
          outcome = { errorType: 'UnrecognisedDataValue', errorValue: `${e.code}: ${e.messages.en}` };
        } else throw e;
      }
      if (outcome !== 'OK') throw new Refused(outcome);
      const xml = confirmIncoming(result, 'OK', options.xsdPath ? { xsdPath: options.xsdPath } : {});
      const links = handlers.link ? await handlers.link(trx, incoming, localLibraryId) : undefined;
      const row = await log(trx, {
        kind: incoming.kind,
        status: 'accepted',
        summary,
        confirmation: xml,
        rid,
        localLibraryId,
        ...(links ? { links } : {}),
      });
      return { status: 200, xml, messageId: row.id, outcome: 'accepted' as const };
    });
  } catch (e) {
    if (!(e instanceof Refused)) throw e;
    const links = handlers.link ? await handlers.link(db, incoming, localLibraryId) : undefined;
    return refuse(e.outcome.errorType, e.outcome.errorValue ?? '', { localLibraryId, ...(links ? { links } : {}) });
  }
}
