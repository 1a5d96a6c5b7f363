/**
 * ISBN and ISSN: validation, cleaning and ISBN-10/13 conversion.
 * The match keys store ISBN-13 only, so a record that gives the ISBN-10 and
 * another that gives the ISBN-13 of the same book meet on one key.
 */

export function isValidIsbn10(d: string): boolean {
  if (!/^\d{9}[\dX]$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const c = d.charCodeAt(i);
    const v = c === 88 ? 10 : c - 48;
    sum += v * (10 - i);
  }
  return sum % 11 === 0;
}

function isbn13CheckDigit(first12: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (first12.charCodeAt(i) - 48) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

export function isValidIsbn13(d: string): boolean {
  if (!/^97[89]\d{10}$/.test(d)) return false;
  return isbn13CheckDigit(d) === d.charCodeAt(12) - 48;
}

/** ISBN-10 (valid) to ISBN-13: prefix 978 and recompute the check digit. */
export function isbn10to13(isbn10: string): string | undefined {
  const d = compactIsbn(isbn10);
  if (d === undefined || d.length !== 10 || !isValidIsbn10(d)) return undefined;
  const body = `978${d.slice(0, 9)}`;
  return body + String(isbn13CheckDigit(body));
}

/** ISBN-13 to ISBN-10; only 978 ISBNs have one (979 was never issued as ISBN-10). */
export function isbn13to10(isbn13: string): string | undefined {
  const d = compactIsbn(isbn13);
  if (d === undefined || d.length !== 13 || !isValidIsbn13(d) || !d.startsWith('978')) return undefined;
  const body = d.slice(3, 12);
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (body.charCodeAt(i) - 48) * (10 - i);
  const check = (11 - (sum % 11)) % 11;
  return body + (check === 10 ? 'X' : String(check));
}

/**
 * The digits of the first ISBN-looking run in a field as catalogued:
 * "979-433-123-X (pbk.)", "ISBN 978 979 433 123 4", "9794331234 (jil. 1)".
 * Returns the bare 10 or 13 characters, uppercase X, without judging the check digit.
 */
export function compactIsbn(raw: string): string | undefined {
  const m = /(?:97[89][\s\-‐–]?)?\d(?:[\s\-‐–]?\d){8}[\s\-‐–]?[\dXx]/.exec(raw);
  if (!m) return undefined;
  const d = m[0].replace(/[^\dXx]/g, '').toUpperCase();
  if (d.length === 13 && d.endsWith('X')) return undefined;
  return d.length === 10 || d.length === 13 ? d : undefined;
}

export interface IsbnParse {
  /** ISBN-13 form when the check digit is right; the key the matcher uses. */
  isbn13?: string;
  /** The bare digits as found, even with a wrong check digit. */
  digits?: string;
  valid: boolean;
}

export function parseIsbn(raw: string): IsbnParse {
  const d = compactIsbn(raw);
  if (d === undefined) return { valid: false };
  if (d.length === 10) {
    if (!isValidIsbn10(d)) return { digits: d, valid: false };
    return { isbn13: isbn10to13(d) as string, digits: d, valid: true };
  }
  return isValidIsbn13(d) ? { isbn13: d, digits: d, valid: true } : { digits: d, valid: false };
}

/** The valid ISBN-13 of a catalogued ISBN, or undefined. */
export function normalizeIsbn(raw: string): string | undefined {
  return parseIsbn(raw).isbn13;
}

/** All valid ISBN-13s in a list of fields; a field may carry several ("978… ; 979…"). */
export function normalizeIsbns(raws: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of raws) {
    for (const part of raw.split(/[;,/]|\s{2,}|\)\s*/)) {
      const v = normalizeIsbn(part);
      if (v !== undefined && !out.includes(v)) out.push(v);
    }
  }
  return out;
}

export function isValidIssn(d: string): boolean {
  if (!/^\d{7}[\dX]$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 7; i++) sum += (d.charCodeAt(i) - 48) * (8 - i);
  const check = (11 - (sum % 11)) % 11;
  const last = d.charCodeAt(7);
  return check === (last === 88 ? 10 : last - 48);
}

/** "0317-8471", "ISSN 0317 8471 (print)" → "0317-8471" when the check digit holds. */
export function normalizeIssn(raw: string): string | undefined {
  const m = /\d{4}[\s\-‐–]?\d{3}[\dXx]/.exec(raw);
  if (!m) return undefined;
  const d = m[0].replace(/[^\dXx]/g, '').toUpperCase();
  return isValidIssn(d) ? `${d.slice(0, 4)}-${d.slice(4)}` : undefined;
}

export function normalizeIssns(raws: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of raws) {
    const v = normalizeIssn(raw);
    if (v !== undefined && !out.includes(v)) out.push(v);
  }
  return out;
}
