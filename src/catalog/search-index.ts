import { normalizeIsbn, normalizeIssn } from './isbn.ts';
import { fold, withModernSpelling } from './search-text.ts';
import type { Bib } from './types.ts';

/**
 * What one cluster contributes to the search index: weighted texts for
 * PostgreSQL full-text search (title A, names B, subjects C, the rest D) and
 * exact keys for identifiers, facets and sorting.
 */
export interface IndexDocument {
  title: string;
  authors: string;
  subjects: string;
  other: string;
  titleSort: string;
  authorSort: string;
  subjectKeys: string[];
  isbns: string[];
  issns: string[];
  callNumbers: string[];
  publisherKey: string | null;
}

/**
 * An ISBN as searched: its ISBN-13 when valid (so 10 and 13 digit forms meet),
 * else its bare digits, because records with a wrong check digit are common
 * and must still be found by what is printed on them.
 */
export function isbnKeys(raw: string): string[] {
  const valid = normalizeIsbn(raw);
  if (valid) return [valid];
  const digits = raw.toUpperCase().replace(/[^0-9X]/g, '');
  return digits.length >= 10 ? [digits] : [];
}

export function issnKey(raw: string): string | null {
  return normalizeIssn(raw) ?? null;
}

export function indexDocument(display: Bib, members: Bib[]): IndexDocument {
  const all = [display, ...members];
  const titles = new Set<string>();
  for (const b of all) titles.add(fold([b.title, b.subtitle].filter(Boolean).join(' ')));
  const names = new Set<string>();
  for (const b of all) for (const a of b.authors) names.add(fold(a));
  const subjects = new Set<string>();
  for (const b of all) for (const s of b.subjects) subjects.add(s.trim());
  const other = new Set<string>();
  for (const b of all) {
    for (const v of [b.publisher, b.place, b.series, b.edition, b.responsibility, ...(b.notes ?? [])]) {
      if (v) other.add(fold(v));
    }
  }
  const isbns = [...new Set(all.flatMap((b) => b.isbns.flatMap(isbnKeys)))];
  const issns = [...new Set(all.flatMap((b) => b.issns.map(issnKey).filter((x): x is string => x !== null)))];
  const callNumbers = [...new Set(all.flatMap((b) => [b.callNumber, b.ddc, ...b.items.map((i) => i.callNumber)]))]
    .filter((x): x is string => Boolean(x))
    .map((x) => x.trim());
  return {
    title: withModernSpelling([...titles].join(' ')),
    authors: withModernSpelling([...names].join(' ')),
    subjects: withModernSpelling([...subjects].join(' ')),
    other: [...other, ...isbns, ...issns, ...callNumbers.map(fold)].join(' '),
    titleSort: fold(display.title).replace(/^(the|a|an) /, ''),
    authorSort: fold(display.authors[0] ?? ''),
    subjectKeys: [...subjects].slice(0, 20),
    isbns,
    issns,
    callNumbers,
    publisherKey: display.publisher ? fold(display.publisher) : null,
  };
}
