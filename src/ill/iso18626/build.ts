import { XmlDocument } from 'libxml2-wasm';
import type { MessageEcho } from './parse.ts';
import { DEFAULT_XSD_PATH, loadIso18626Schema, type SchemaIssue } from './schema.ts';
import {
  ACTIONS,
  type Action,
  type ConfirmationHeader,
  type ErrorData,
  type ErrorType,
  type Iso18626Message,
  REASONS_FOR_MESSAGE,
  type ReasonForMessage,
} from './types.ts';
import { serialise } from './xml.ts';

/** Our own outgoing message broke the schema: a bug on our side, never the peer's. */
export class Iso18626BuildError extends Error {
  constructor(
    readonly kind: string,
    readonly issues: SchemaIssue[],
  ) {
    super(`built ${kind} is not valid ISO 18626: ${issues.map((i) => i.message).join('; ')}`);
  }
}

export interface BuildOptions {
  xsdPath?: string;
  /** Default true: every message we send is checked against the XSD before it leaves. */
  validate?: boolean;
}

export function validateXml(xml: string, xsdPath: string = DEFAULT_XSD_PATH): SchemaIssue[] {
  const doc = XmlDocument.fromString(xml);
  try {
    return loadIso18626Schema(xsdPath).validate(doc);
  } finally {
    doc.dispose();
  }
}

export function buildMessage(msg: Iso18626Message, options: BuildOptions = {}): string {
  const xml = serialise(msg);
  if (options.validate !== false) {
    const issues = validateXml(xml, options.xsdPath);
    if (issues.length > 0) throw new Iso18626BuildError(msg.kind, issues);
  }
  return xml;
}

const DATE_TIME_RE = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const MAX_ERROR_VALUE = 500;

export type ConfirmationOutcome = 'OK' | { errorType: ErrorType; errorValue?: string };

/** Anything we can confirm: a parsed incoming message, or the echo of one that failed to parse. */
export type Confirmable = Iso18626Message | MessageEcho;

function isParsed(c: Confirmable): c is Iso18626Message {
  return 'message' in c;
}

function echoOf(c: Confirmable): MessageEcho {
  if (!isParsed(c)) return c;
  const echo: MessageEcho = { kind: c.kind };
  if (c.kind === 'request' || c.kind === 'supplyingAgencyMessage' || c.kind === 'requestingAgencyMessage') {
    const h = c.message.header;
    if (h.supplyingAgencyId) echo.supplyingAgencyId = h.supplyingAgencyId;
    echo.requestingAgencyId = h.requestingAgencyId;
    echo.timestamp = h.timestamp;
    echo.requestingAgencyRequestId = h.requestingAgencyRequestId;
  }
  if (c.kind === 'supplyingAgencyMessage') echo.reasonForMessage = c.message.messageInfo.reasonForMessage;
  if (c.kind === 'requestingAgencyMessage') echo.action = c.message.action;
  return echo;
}

/**
 * The confirmation that answers an incoming message, in the shape its kind
 * calls for: a Request gets a requestConfirmation, a SupplyingAgencyMessage a
 * supplyingAgencyMessageConfirmation echoing reasonForMessage, a
 * RequestingAgencyMessage a requestingAgencyMessageConfirmation echoing action.
 * A message too broken to tell its kind is answered as a Request would be.
 */
export function confirmationFor(
  incoming: Confirmable,
  outcome: ConfirmationOutcome,
  timestampReceived: string = new Date().toISOString(),
): Iso18626Message {
  const echo = echoOf(incoming);
  const header: ConfirmationHeader = {
    timestamp: echo.timestamp !== undefined && DATE_TIME_RE.test(echo.timestamp) ? echo.timestamp : timestampReceived,
    timestampReceived,
    messageStatus: outcome === 'OK' ? 'OK' : 'ERROR',
  };
  if (echo.supplyingAgencyId) header.supplyingAgencyId = echo.supplyingAgencyId;
  if (echo.requestingAgencyId) header.requestingAgencyId = echo.requestingAgencyId;
  if (echo.requestingAgencyRequestId !== undefined) header.requestingAgencyRequestId = echo.requestingAgencyRequestId;
  const errorData: ErrorData[] =
    outcome === 'OK'
      ? []
      : [
          outcome.errorValue === undefined
            ? { errorType: outcome.errorType }
            : { errorType: outcome.errorType, errorValue: outcome.errorValue.slice(0, MAX_ERROR_VALUE) },
        ];
  const errors = errorData.length > 0 ? { errorData } : {};
  if (echo.kind === 'supplyingAgencyMessage') {
    const reason = REASONS_FOR_MESSAGE.find((r): r is ReasonForMessage => r === echo.reasonForMessage);
    return {
      kind: 'supplyingAgencyMessageConfirmation',
      message: { confirmationHeader: header, ...(reason ? { reasonForMessage: reason } : {}), ...errors },
    };
  }
  if (echo.kind === 'requestingAgencyMessage') {
    const action = ACTIONS.find((a): a is Action => a === echo.action);
    return {
      kind: 'requestingAgencyMessageConfirmation',
      message: { confirmationHeader: header, ...(action ? { action } : {}), ...errors },
    };
  }
  return { kind: 'requestConfirmation', message: { confirmationHeader: header, ...errors } };
}

/**
 * Builds the confirmation XML. The echoed header comes from a peer's message
 * that may itself be broken; if echoing it would make our answer invalid, the
 * echo is dropped so the peer still gets a schema-valid confirmation.
 */
export function buildConfirmation(
  incoming: Confirmable,
  outcome: ConfirmationOutcome,
  options: BuildOptions & { timestampReceived?: string } = {},
): string {
  const received = options.timestampReceived ?? new Date().toISOString();
  const full = confirmationFor(incoming, outcome, received);
  const buildOpts: BuildOptions = options.xsdPath === undefined ? {} : { xsdPath: options.xsdPath };
  try {
    return buildMessage(full, buildOpts);
  } catch (e) {
    if (!(e instanceof Iso18626BuildError)) throw e;
    const kind = isParsed(incoming) ? incoming.kind : incoming.kind;
    return buildMessage(confirmationFor(kind ? { kind } : {}, outcome, received), buildOpts);
  }
}
