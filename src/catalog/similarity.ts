/**
 * String distance for the matcher. Kept separate because it is the hot loop:
 * ingest compares every incoming record with each candidate the match keys
 * found, so these functions allocate nothing per call beyond one reused row.
 */

let rowA = new Int32Array(256);
let rowB = new Int32Array(256);

function ensureRows(n: number): void {
  if (rowA.length > n) return;
  const size = Math.max(n + 1, rowA.length * 2);
  rowA = new Int32Array(size);
  rowB = new Int32Array(size);
}

/**
 * Levenshtein distance, giving up once it must exceed `max` (returns max + 1).
 * The band limit makes a 200-character title cost O(200 * max) instead of
 * O(200^2), which is what keeps compare() cheap for clearly different titles.
 */
export function boundedLevenshtein(a: string, b: string, max: number): number {
  if (a === b) return 0;
  let s = a;
  let t = b;
  if (s.length > t.length) {
    s = b;
    t = a;
  }
  const n = s.length;
  const m = t.length;
  if (m - n > max) return max + 1;
  if (n === 0) return m;
  ensureRows(n);
  let prev = rowA;
  let cur = rowB;
  for (let i = 0; i <= n; i++) prev[i] = i;
  const big = max + 1;
  for (let j = 1; j <= m; j++) {
    const tj = t.charCodeAt(j - 1);
    const lo = Math.max(1, j - max);
    const hi = Math.min(n, j + max);
    cur[0] = j;
    if (lo > 1) cur[lo - 1] = big;
    let rowMin = lo === 1 ? j : big;
    for (let i = lo; i <= hi; i++) {
      const cost = s.charCodeAt(i - 1) === tj ? 0 : 1;
      let v = (prev[i - 1] as number) + cost;
      const del = (prev[i] as number) + 1;
      if (del < v) v = del;
      const ins = (cur[i - 1] as number) + 1;
      if (ins < v) v = ins;
      if (i === j + max) {
        // prev[i] lies outside last row's band: only diagonal and insertion are valid
        const d2 = (prev[i - 1] as number) + cost;
        v = ins < d2 ? ins : d2;
      }
      cur[i] = v;
      if (v < rowMin) rowMin = v;
    }
    if (hi < n) cur[hi + 1] = big;
    if (rowMin > max) return big;
    const tmp = prev;
    prev = cur;
    cur = tmp;
  }
  const d = prev[n] as number;
  return d > max ? big : d;
}

/**
 * 1 - distance / longer length, floored at `floor`: anything below the floor
 * is reported as 0 so the banded search can stop early.
 */
export function similarity(a: string, b: string, floor = 0.5): number {
  const len = Math.max(a.length, b.length);
  if (len === 0) return 1;
  const max = Math.floor(len * (1 - floor));
  const d = boundedLevenshtein(a, b, max);
  if (d > max) return 0;
  return 1 - d / len;
}

/** Optimal-string-alignment distance ≤ 1 (one edit or one swap), for name tokens. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (la === lb) {
    // substitution, or adjacent swap ("jeffery"/"jeffrey")
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return (
      i + 1 < la &&
      a.charCodeAt(i) === b.charCodeAt(i + 1) &&
      a.charCodeAt(i + 1) === b.charCodeAt(i) &&
      a.slice(i + 2) === b.slice(i + 2)
    );
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
