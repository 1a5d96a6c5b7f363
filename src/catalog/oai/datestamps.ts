/**
 * OAI-PMH datestamps are UTC, either day or second granularity, and a
 * repository must reject a from/until finer than its own granularity
 * (badArgument). Values are therefore shaped to the repository's granularity
 * before they are sent.
 */

export type Granularity = 'YYYY-MM-DD' | 'YYYY-MM-DDThh:mm:ssZ';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const SECOND = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

/** Anything a repository states other than the seconds form is treated as day granularity, which every repository must accept. */
export function parseGranularity(value: string | undefined): Granularity {
  return value?.trim() === 'YYYY-MM-DDThh:mm:ssZ' ? 'YYYY-MM-DDThh:mm:ssZ' : 'YYYY-MM-DD';
}

/**
 * Shapes a from/until bound for a repository. Narrowing to days always widens
 * the window (from goes back to the day's start, until covers the whole day),
 * so a harvest may see a record twice but never misses one.
 */
export function formatBound(value: string | Date, granularity: Granularity, edge: 'from' | 'until'): string {
  let iso: string;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new RangeError('invalid Date for OAI-PMH bound');
    iso = value.toISOString().replace(/\.\d{3}Z$/, 'Z');
  } else {
    iso = value.trim();
    if (!DAY.test(iso) && !SECOND.test(iso)) {
      throw new RangeError(`not an OAI-PMH datestamp (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ): ${value}`);
    }
    iso = iso.replace(/\.\d+Z$/, 'Z');
  }
  if (granularity === 'YYYY-MM-DD') return iso.slice(0, 10);
  if (DAY.test(iso)) return edge === 'from' ? `${iso}T00:00:00Z` : `${iso}T23:59:59Z`;
  return iso;
}

/** Orders datestamps of possibly mixed granularity (a day sorts before any second of that day). */
export function compareDatestamps(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
