import { XmlDocument, XmlElement, XmlParseError } from 'libxml2-wasm';
import { DEFAULT_XSD_PATH, loadIso18626Schema, type SchemaIssue } from './schema.ts';
import { type ErrorType, ISO18626_NS, type Iso18626Message, type MessageKind } from './types.ts';
import { childElements, isMessageKind, readMessage } from './xml.ts';

export interface ParseOptions {
  /** Path of the ISO 18626 XSD; the compiled schema is cached per path. */
  xsdPath?: string;
  /** Refuse larger bodies before parsing them. Default 1 MiB: real messages are a few KiB. */
  maxBytes?: number;
  /**
   * The XSD says attributeFormDefault="qualified", so `version` and `scheme`
   * must carry the ISO 18626 namespace; many peers send them unqualified. By
   * default those are accepted (qualified in place before validation); set
   * true to hold peers to the letter of the schema.
   */
  strictAttributeForm?: boolean;
}

/** What a failed parse still knows about the message, so the error confirmation can echo it. */
export interface MessageEcho {
  kind?: MessageKind;
  supplyingAgencyId?: { agencyIdType: { value: string }; agencyIdValue: string };
  requestingAgencyId?: { agencyIdType: { value: string }; agencyIdValue: string };
  timestamp?: string;
  requestingAgencyRequestId?: string;
  reasonForMessage?: string;
  action?: string;
}

export type ParseResult =
  | { ok: true; parsed: Iso18626Message }
  | { ok: false; errorType: ErrorType; errorValue: string; issues: SchemaIssue[]; echo: MessageEcho };

const DEFAULT_MAX_BYTES = 1024 * 1024;

function fail(errorType: ErrorType, errorValue: string, echo: MessageEcho, issues: SchemaIssue[] = []): ParseResult {
  return { ok: false, errorType, errorValue, issues, echo };
}

/** Guess the message kind from raw text when the XML cannot even be parsed. */
function sniffKind(xml: string): MessageKind | undefined {
  const m = /<(?:[\w.-]+:)?(request|supplyingAgencyMessage|requestingAgencyMessage)[\s/>]/.exec(xml);
  return m?.[1] as MessageKind | undefined;
}

function firstChild(el: XmlElement, name: string): XmlElement | undefined {
  for (const c of childElements(el)) if (c.name === name) return c;
  return undefined;
}

function text(el: XmlElement | undefined, name: string): string | undefined {
  const c = el ? firstChild(el, name) : undefined;
  return c?.content;
}

function agency(header: XmlElement | undefined, name: string): MessageEcho['supplyingAgencyId'] {
  const el = header ? firstChild(header, name) : undefined;
  const type = text(el, 'agencyIdType');
  const value = text(el, 'agencyIdValue');
  return type !== undefined && value !== undefined
    ? { agencyIdType: { value: type }, agencyIdValue: value }
    : undefined;
}

/** Reads the header leniently from an invalid document: whatever is there, nothing more. */
function echoFrom(root: XmlElement): MessageEcho {
  const echo: MessageEcho = {};
  const body = childElements(root).next().value;
  if (!(body instanceof XmlElement) || !isMessageKind(body.name)) return echo;
  echo.kind = body.name;
  const header = firstChild(body, 'header');
  const sup = agency(header, 'supplyingAgencyId');
  if (sup) echo.supplyingAgencyId = sup;
  const req = agency(header, 'requestingAgencyId');
  if (req) echo.requestingAgencyId = req;
  const ts = text(header, 'timestamp');
  if (ts !== undefined) echo.timestamp = ts;
  const rid = text(header, 'requestingAgencyRequestId');
  if (rid !== undefined) echo.requestingAgencyRequestId = rid;
  const reason = text(firstChild(body, 'messageInfo'), 'reasonForMessage');
  if (reason !== undefined) echo.reasonForMessage = reason;
  const action = text(body, 'action');
  if (action !== undefined) echo.action = action;
  return echo;
}

function qualifyAttribute(el: XmlElement, name: string, prefix: () => string): void {
  let plain: string | undefined;
  let qualified = false;
  for (const a of el.attrs) {
    if (a.name !== name) continue;
    if (a.namespaceUri === '') plain = a.value;
    else qualified = true;
  }
  if (plain === undefined || qualified) return;
  el.attr(name)?.remove();
  el.setAttr(name, plain, prefix());
}

function qualifyAttributes(root: XmlElement, schemeToo: boolean): void {
  let bound: string | undefined;
  const prefix = (): string => {
    if (bound !== undefined) return bound;
    for (const [p, uri] of Object.entries(root.namespaces)) {
      if (uri === ISO18626_NS && p !== '') {
        bound = p;
        return bound;
      }
    }
    bound = 'iso18626';
    root.addNsDeclaration(ISO18626_NS, bound);
    return bound;
  };
  qualifyAttribute(root, 'version', prefix);
  if (!schemeToo) return;
  const stack: XmlElement[] = [root];
  for (let el = stack.pop(); el !== undefined; el = stack.pop()) {
    qualifyAttribute(el, 'scheme', prefix);
    for (const c of childElements(el)) stack.push(c);
  }
}

/** libxml2's sentence, first line only and without the namespace every element shares. */
function firstLine(s: string): string {
  return (s.trim().split('\n')[0] ?? '').replaceAll(`{${ISO18626_NS}}`, '');
}

/**
 * Parses and validates one ISO 18626 message of any kind. Never throws for bad
 * input: every way a peer's XML can be wrong comes back as the ISO 18626 error
 * type to answer with, plus what could be read of the header for the echo.
 */
export function parseMessage(xml: string, options: ParseOptions = {}): ParseResult {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const sniffed = sniffKind(xml);
  const sniffEcho: MessageEcho = sniffed ? { kind: sniffed } : {};
  if (Buffer.byteLength(xml, 'utf8') > maxBytes) {
    return fail('BadlyFormedMessage', `message larger than ${maxBytes} bytes`, sniffEcho);
  }
  // No ISO 18626 message needs a DTD; refusing them closes entity-expansion and XXE tricks at the door.
  if (/<!DOCTYPE/i.test(xml)) return fail('BadlyFormedMessage', 'DOCTYPE is not allowed', sniffEcho);
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromString(xml);
  } catch (e) {
    if (e instanceof XmlParseError) {
      return fail('BadlyFormedMessage', firstLine(e.details[0]?.message ?? e.message), sniffEcho);
    }
    throw e;
  }
  try {
    const root = doc.root;
    if (root.name !== 'ISO18626Message' || root.namespaceUri !== ISO18626_NS) {
      const qname = `{${root.namespaceUri}}${root.name}`;
      return fail('UnrecognisedDataElement', `${qname} is not {${ISO18626_NS}}ISO18626Message`, sniffEcho);
    }
    const echo = echoFrom(root);
    if (!options.strictAttributeForm) qualifyAttributes(root, /\sscheme\s*=/.test(xml));
    const issues = loadIso18626Schema(options.xsdPath ?? DEFAULT_XSD_PATH).validate(doc);
    const first = issues[0];
    if (first) return fail(first.errorType, firstLine(first.message), echo, issues);
    const parsed = readMessage(root);
    if (!parsed) return fail('BadlyFormedMessage', 'ISO18626Message holds no message', echo);
    return { ok: true, parsed };
  } finally {
    doc.dispose();
  }
}
