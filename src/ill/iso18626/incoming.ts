import { buildConfirmation, type ConfirmationOutcome } from './build.ts';
import { type ParseOptions, parseMessage } from './parse.ts';
import type { SchemaIssue } from './schema.ts';
import {
  ACTIONS,
  type Action,
  type ErrorType,
  type Request,
  type RequestingAgencyMessage,
  type SupplyingAgencyMessage,
} from './types.ts';

/** The three kinds a peer may send to our endpoint; confirmations only travel back in replies. */
export type IncomingMessage =
  | { kind: 'request'; message: Request }
  | { kind: 'supplyingAgencyMessage'; message: SupplyingAgencyMessage }
  | { kind: 'requestingAgencyMessage'; message: RequestingAgencyMessage };

export type IncomingResult =
  | (IncomingMessage & { ok: true; receivedAt: string })
  | {
      ok: false;
      errorType: ErrorType;
      errorValue: string;
      issues: SchemaIssue[];
      /** Ready to send back as the HTTP reply body. */
      confirmationXml: string;
      receivedAt: string;
    };

export interface IncomingOptions extends ParseOptions {
  /** Actions this node acts on; others are refused with UnsupportedActionType. Default: all but HoldReturn. */
  supportedActions?: readonly Action[];
  /** The time we received the message; tests pin it. */
  now?: Date;
}

export const DEFAULT_SUPPORTED_ACTIONS: readonly Action[] = ACTIONS.filter((a) => a !== 'HoldReturn');

/**
 * For the /iso18626 endpoint: turns a request body into either a typed message
 * for the ILL service, or the error confirmation to answer with. It never
 * throws on bad input. On success the service runs the state machine and then
 * answers with `confirmIncoming` (OK, or an error the machine named).
 */
export function handleIncoming(xml: string, options: IncomingOptions = {}): IncomingResult {
  const receivedAt = (options.now ?? new Date()).toISOString();
  const xsd = options.xsdPath === undefined ? {} : { xsdPath: options.xsdPath };
  const parsed = parseMessage(xml, options);
  if (!parsed.ok) {
    const { errorType, errorValue, issues } = parsed;
    const outcome = { errorType, errorValue };
    const confirmationXml = buildConfirmation(parsed.echo, outcome, { ...xsd, timestampReceived: receivedAt });
    return { ok: false, errorType, errorValue, issues, confirmationXml, receivedAt };
  }
  const msg = parsed.parsed;
  const refuse = (errorType: ErrorType, errorValue: string): IncomingResult => ({
    ok: false,
    errorType,
    errorValue,
    issues: [],
    confirmationXml: buildConfirmation(msg, { errorType, errorValue }, { ...xsd, timestampReceived: receivedAt }),
    receivedAt,
  });
  switch (msg.kind) {
    case 'request':
      return { ok: true, kind: msg.kind, message: msg.message, receivedAt };
    case 'supplyingAgencyMessage':
      return { ok: true, kind: msg.kind, message: msg.message, receivedAt };
    case 'requestingAgencyMessage': {
      const supported = options.supportedActions ?? DEFAULT_SUPPORTED_ACTIONS;
      if (!supported.includes(msg.message.action)) return refuse('UnsupportedActionType', msg.message.action);
      return { ok: true, kind: msg.kind, message: msg.message, receivedAt };
    }
    default:
      return refuse('BadlyFormedMessage', `${msg.kind} is an answer and cannot be sent to this endpoint`);
  }
}

/** The confirmation XML for a message `handleIncoming` accepted, once the service has acted on it. */
export function confirmIncoming(
  incoming: IncomingMessage & { receivedAt: string },
  outcome: ConfirmationOutcome = 'OK',
  options: { xsdPath?: string } = {},
): string {
  const { receivedAt, ...message } = incoming;
  const msg = { kind: message.kind, message: message.message } as IncomingMessage;
  return buildConfirmation(msg, outcome, { ...options, timestampReceived: receivedAt });
}
