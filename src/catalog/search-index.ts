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

/** Digits (and a final X) only; ISBN-10s also as their ISBN-13, so either form finds the book. */
export function isbnKeys(raw: string): string[] {
  const s = raw.toUpperCase().replace(/[^0-9X]/g, '');
  if (/^\d{13}$/.test(s)) return [s];
  if (/^\d{9}[\dX]$/.test(s)) {
    const core = `978${s.slice(0, 9)}`;
    let sum = 0;
    for (let i = 0; i < 12; i++) sum += Number(core[i]) * (i % 2 === 0 ? 1 : 3);
    return [s, `${core}${(10 - (sum % 10)) % 10}`];
  }
  return s.length >= 8 ? [s] : [];
}

export function issnKey(raw: string): string | null {
  const s = raw.toUpperCase().replace(/[^0-9X]/g, '');
  return /^\d{7}[\dX]$/.test(s) ? s : null;
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
