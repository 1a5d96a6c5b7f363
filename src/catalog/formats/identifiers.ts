/**
 * Heuristics for the free-text identifier, extent and date fields of Dublin
 * Core, MODS and spreadsheets. Check digits decide ISBN/ISSN so that a phone
 * number or an accession number is not taken for one.
 */

export type IdentifierKind = 'isbn' | 'issn' | 'doi' | 'handle' | 'url' | 'urn';

export interface ClassifiedIdentifier {
  kind: IdentifierKind;
  value: string;
}

export function isValidIsbn(raw: string): boolean {
  const s = raw.replace(/[-\s]/g, '').toUpperCase();
  if (/^\d{9}[\dX]$/.test(s)) {
    let sum = 0;
    for (let i = 0; i < 10; i++) sum += (s[i] === 'X' ? 10 : Number(s[i])) * (10 - i);
    return sum % 11 === 0;
  }
  if (/^97[89]\d{10}$/.test(s)) {
    let sum = 0;
    for (let i = 0; i < 13; i++) sum += Number(s[i]) * (i % 2 === 0 ? 1 : 3);
    return sum % 10 === 0;
  }
  return false;
}

export function isValidIssn(raw: string): boolean {
  const s = raw.replace(/[-\s]/g, '').toUpperCase();
  if (!/^\d{7}[\dX]$/.test(s)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (s[i] === 'X' ? 10 : Number(s[i])) * (8 - i);
  return sum % 11 === 0;
}

/** Finds ISBN-shaped substrings ("979-731-756-0 (pbk.)", "ISBN 0786808772"). */
export function findIsbns(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:97[89][-\s]?)?\d{1,5}[-\s]?\d{1,7}[-\s]?\d{1,7}[-\s]?[\dXx]\b/g)) {
    const candidate = m[0].trim();
    const digits = candidate.replace(/[-\s]/g, '');
    if ((digits.length === 10 || digits.length === 13) && isValidIsbn(candidate)) out.push(candidate);
  }
  return out;
}

export function findIssns(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\b\d{4}-?\d{3}[\dXx]\b/g)) if (isValidIssn(m[0])) out.push(m[0].toUpperCase());
  return out;
}

/** Classifies one identifier string as a library would read it; undefined for things like local call numbers. */
export function classifyIdentifier(raw: string): ClassifiedIdentifier | undefined {
  const v = raw.trim();
  if (v === '') return undefined;
  const doi = /(?:^doi:\s*|^https?:\/\/(?:dx\.)?doi\.org\/|^)(10\.\d{4,9}\/\S+)$/i.exec(v);
  if (doi?.[1]) return { kind: 'doi', value: doi[1] };
  const hdl = /^(?:hdl:\s*|https?:\/\/hdl\.handle\.net\/)(\S+)$/i.exec(v);
  if (hdl?.[1]) return { kind: 'handle', value: hdl[1] };
  if (/^urn:/i.test(v)) return { kind: 'urn', value: v };
  if (/^https?:\/\//i.test(v)) return { kind: 'url', value: v };
  const labelled = /^(isbn|issn|e-?issn|p-?issn)[\s:]*(.+)$/i.exec(v);
  if (labelled?.[1] && labelled[2]) {
    const body = labelled[2];
    if (/isbn/i.test(labelled[1])) {
      const found = findIsbns(body)[0];
      return found ? { kind: 'isbn', value: found } : undefined;
    }
    const found = findIssns(body)[0];
    return found ? { kind: 'issn', value: found } : undefined;
  }
  const isbn = findIsbns(v)[0];
  // Only when the identifier is essentially just the number (plus a qualifier like "(pbk.)").
  if (
    isbn &&
    v
      .replace(/\(.*?\)/g, '')
      .trim()
      .replace(/[-\s]/g, '').length <= 13
  )
    return { kind: 'isbn', value: isbn };
  if (/^\d{4}-\d{3}[\dXx]$/.test(v) && isValidIssn(v)) return { kind: 'issn', value: v.toUpperCase() };
  return undefined;
}

/** Page count of an extent statement: "xiv, 392 p. : ill.", "784p.", "208 hlm.", "x, 250 halaman". */
export function parsePages(extent: string | undefined): number | undefined {
  if (!extent) return undefined;
  let best: number | undefined;
  for (const m of extent.matchAll(
    /(\d{1,5})\s*(?:p\b|p\.|pp\.?|pages?\b|hlm\b|hlm\.|hal\b|hal\.|halaman\b|s\.|leaves\b)/gi,
  )) {
    const n = Number(m[1]);
    if (n > 0 && (best === undefined || n > best)) best = n;
  }
  return best;
}

/** The earliest plausible publication year in a date string ("c2002", "2003-03-11T14:00:50Z", "[1998?]", "1950s"). */
export function parseYear(value: string | undefined): number | undefined {
  if (!value) return undefined;
  let best: number | undefined;
  for (const m of value.matchAll(/(?<!\d)(1[4-9]\d\d|20\d\d)(?!\d)/g)) {
    const y = Number(m[1]);
    if (best === undefined || y < best) best = y;
  }
  return best;
}

export function addIdentifier(map: Record<string, string[]>, kind: string, value: string): void {
  const list = map[kind];
  if (list) {
    if (!list.includes(value)) list.push(value);
  } else map[kind] = [value];
}
