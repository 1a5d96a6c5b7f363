import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ErrorDetail, XmlDocument, XmlValidateError, XsdValidator } from 'libxml2-wasm';
import type { ErrorType } from './types.ts';

/** `../shared/data/iso18626/…` seen from the project root (three folders above this file). */
export const DEFAULT_XSD_PATH = fileURLToPath(
  new URL('../../../../shared/data/iso18626/ISO-18626-2021-2.xsd', import.meta.url),
);

export interface SchemaIssue {
  errorType: ErrorType;
  /** libxml2's own sentence, kept for logs and for errorValue. */
  message: string;
  /** Local name of the element the issue is about, when libxml2 names one. */
  element?: string;
  xpath?: string;
}

export interface Iso18626Schema {
  readonly path: string;
  /** Empty when the document is valid. */
  validate(doc: XmlDocument): SchemaIssue[];
}

const cache = new Map<string, Iso18626Schema>();

/**
 * Compiles the XSD once per path and keeps it for the life of the process:
 * compiling costs milliseconds, validating a message afterwards a fraction of one.
 */
export function loadIso18626Schema(path: string = DEFAULT_XSD_PATH): Iso18626Schema {
  const hit = cache.get(path);
  if (hit) return hit;
  const text = readFileSync(path, 'utf8');
  const xsdDoc = XmlDocument.fromString(text, { url: path });
  const validator = XsdValidator.fromDoc(xsdDoc);
  // The validator keeps what it needs from the parsed schema.
  xsdDoc.dispose();
  const known = new Set<string>();
  for (const m of text.matchAll(/<xs:element\s+name="([^"]+)"/g)) if (m[1]) known.add(m[1]);
  const schema: Iso18626Schema = {
    path,
    validate(doc) {
      try {
        validator.validate(doc);
        return [];
      } catch (e) {
        if (e instanceof XmlValidateError) return e.details.map((d) => classify(d, known));
        throw e;
      }
    },
  };
  cache.set(path, schema);
  return schema;
}

const ELEMENT_RE = /^Element '(?:\{([^}]*)\})?([^']+)'/;

/**
 * Maps a libxml2 diagnostic to the ISO 18626 error type a peer should hear.
 * An element the schema never declares (or one in a foreign namespace) is
 * unrecognised; a known element in the wrong place, or a required one missing,
 * makes the message badly formed; a value outside its type or enumeration is an
 * unrecognised value.
 */
export function classify(detail: ErrorDetail, knownElements: ReadonlySet<string>): SchemaIssue {
  const message = detail.message.trim();
  const m = ELEMENT_RE.exec(message);
  const ns = m?.[1];
  const element = m?.[2];
  const base = {
    message,
    ...(element === undefined ? {} : { element }),
    ...(detail.xpath === undefined ? {} : { xpath: detail.xpath }),
  };
  if (/This element is not expected/.test(message)) {
    const foreign = ns === undefined || !knownElements.has(element ?? '');
    return { errorType: foreign ? 'UnrecognisedDataElement' : 'BadlyFormedMessage', ...base };
  }
  if (/No matching global declaration/.test(message)) return { errorType: 'UnrecognisedDataElement', ...base };
  if (/attribute '[^']+': The attribute '[^']+' is not allowed/.test(message)) {
    return { errorType: 'UnrecognisedDataElement', ...base };
  }
  if (/Missing child element|is required but missing|Character content other than whitespace/.test(message)) {
    return { errorType: 'BadlyFormedMessage', ...base };
  }
  if (/\[facet '|is not a valid value|is not accepted by the pattern|not a valid value of/.test(message)) {
    return { errorType: 'UnrecognisedDataValue', ...base };
  }
  return { errorType: 'BadlyFormedMessage', ...base };
}
