/**
 * Failures a harvest can end in. Each class tells the caller what to do next:
 * OaiProtocolError carries the repository's own error code (fix the request),
 * OaiHttpError and OaiNetworkError are what is left after retries ran out
 * (try again later), OaiMalformedXmlError means the repository sent bytes no
 * retry will fix (report to the member library).
 */

/** The error codes OAI-PMH 2.0 defines (section 3.6). */
export const OAI_ERROR_CODES = [
  'badArgument',
  'badResumptionToken',
  'badVerb',
  'cannotDisseminateFormat',
  'idDoesNotExist',
  'noRecordsMatch',
  'noMetadataFormats',
  'noSetHierarchy',
] as const;

export type OaiErrorCode = (typeof OAI_ERROR_CODES)[number];

export function isOaiErrorCode(code: string): code is OaiErrorCode {
  return (OAI_ERROR_CODES as readonly string[]).includes(code);
}

export interface OaiErrorDetail {
  /** As the repository sent it; repositories do invent codes ('undefinedError'). */
  code: string;
  message: string;
}

export class OaiError extends Error {
  override name = 'OaiError';
}

/** The repository answered with <error code="..."> (all of them are kept; the first decides `code`). */
export class OaiProtocolError extends OaiError {
  override name = 'OaiProtocolError';
  readonly code: string;
  readonly errors: OaiErrorDetail[];
  readonly url: string;
  constructor(errors: OaiErrorDetail[], url: string) {
    const first = errors[0] ?? { code: 'unknown', message: '' };
    super(`OAI-PMH error ${first.code}${first.message ? `: ${first.message}` : ''} (${url})`);
    this.code = first.code;
    this.errors = errors;
    this.url = url;
  }
  /** True when `code` is one of the eight the protocol defines, false for a repository's own invention. */
  get standard(): boolean {
    return isOaiErrorCode(this.code);
  }
}

export class OaiHttpError extends OaiError {
  override name = 'OaiHttpError';
  constructor(
    readonly status: number,
    readonly url: string,
    readonly attempts: number,
  ) {
    super(`HTTP ${status} from ${url} after ${attempts} attempt(s)`);
  }
}

export class OaiNetworkError extends OaiError {
  override name = 'OaiNetworkError';
  constructor(
    message: string,
    readonly url: string,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(`${message} (${url}, ${attempts} attempt(s))`, options);
  }
}

export class OaiMalformedXmlError extends OaiError {
  override name = 'OaiMalformedXmlError';
  constructor(
    readonly detail: string,
    readonly url: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(`malformed XML from ${url}${line !== undefined ? ` at line ${line}, column ${column ?? 0}` : ''}: ${detail}`);
  }
}

/** Well-formed XML that is not an OAI-PMH response (an HTML error page, a missing element). */
export class OaiResponseShapeError extends OaiError {
  override name = 'OaiResponseShapeError';
  constructor(
    readonly detail: string,
    readonly url: string,
  ) {
    super(`not an OAI-PMH response from ${url}: ${detail}`);
  }
}
