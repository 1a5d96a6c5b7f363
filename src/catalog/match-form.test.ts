import { describe, expect, it } from 'vitest';
import { loadCora, loadDblpAcm } from './dedup-eval.ts';
import { compare, conflict, fromMatchForm, MATCH_FORM_VERSION, matchForm, matchKeys, mayMatch } from './match.ts';
import type { Bib } from './types.ts';

/** Pairs that share a match key (what the store compares), at most `cap` per key. */
function candidatePairs(bibs: Bib[], cap = 30): Array<[Bib, Bib]> {
  const byKey = new Map<string, number[]>();
  bibs.forEach((b, i) => {
    for (const k of matchKeys(b)) {
      const l = byKey.get(k) ?? [];
      if (l.length < cap) l.push(i);
      byKey.set(k, l);
    }
  });
  const seen = new Set<string>();
  const out: Array<[Bib, Bib]> = [];
  for (const l of byKey.values())
    for (let x = 0; x < l.length; x++)
      for (let y = x + 1; y < l.length; y++) {
        const id = `${l[x]}-${l[y]}`;
        if (seen.has(id)) continue;
        seen.add(id);
        out.push([bibs[l[x] as number] as Bib, bibs[l[y] as number] as Bib]);
      }
  return out;
}

const sets = [
  ['DBLP-ACM', () => loadDblpAcm().records.map((r) => r.bib)],
  ['Cora', () => loadCora().records.map((r) => r.bib)],
] as const;

describe('mayMatch, the bound the store applies before compare', () => {
  for (const [name, load] of sets) {
    it(`never rules out a pair compare() matches (${name}), and rules out most others`, () => {
      const pairs = candidatePairs(load());
      let matches = 0;
      let ruledOut = 0;
      for (const [a, b] of pairs) {
        const m = mayMatch(a, b);
        if (!m) ruledOut++;
        if (compare(a, b).decision === 'match') {
          matches++;
          expect(m, `${a.title} | ${b.title}`).toBe(true);
        }
      }
      expect(matches).toBeGreaterThan(100);
      expect(ruledOut).toBeGreaterThan((pairs.length - matches) / 2);
    });
  }

  it('keeps pairs at exactly the threshold (a shared ISBN and titles 80% similar)', () => {
    const base = { authors: ['Nasution, Harun'], isbns: ['979-433-123-6'], issns: [], subjects: [], items: [] };
    // 10 letters, 2 edits: 80% similar, where rounding of the band width must not cut it off
    const a: Bib = { ...base, format: 'book', title: 'abcdefghij', year: 1990 };
    const b: Bib = { ...base, format: 'book', title: 'abcdefghxy', year: 1990 };
    expect(compare(a, b).decision).toBe('match');
    expect(mayMatch(a, b)).toBe(true);
    expect(mayMatch(a, { ...b, title: 'abcdefgxyz' })).toBe(false);
    expect(compare(a, { ...b, title: 'abcdefgxyz' }).decision).not.toBe('match');
  });
});

describe('stored match forms', () => {
  it('give the same verdicts, reasons and conflicts as the records they come from', () => {
    const pairs = candidatePairs(loadDblpAcm().records.map((r) => r.bib)).slice(0, 3000);
    expect(pairs.length).toBe(3000);
    for (const [a, b] of pairs) {
      // Through JSON, as the database gives it back.
      const stored = fromMatchForm(JSON.parse(JSON.stringify(matchForm({ ...b }))));
      expect(stored).toBeDefined();
      expect(compare(a, stored as Bib)).toEqual(compare(a, b));
      expect(mayMatch(a, stored as Bib)).toBe(mayMatch(a, b));
      expect(conflict(a, stored as Bib)).toBe(conflict(a, b));
    }
  });

  it('are not used when missing or of another version', () => {
    const b: Bib = {
      title: 'Bumi manusia',
      authors: [],
      isbns: [],
      issns: [],
      subjects: [],
      items: [],
      format: 'book',
    };
    const form = matchForm(b);
    expect(form.v).toBe(MATCH_FORM_VERSION);
    expect(fromMatchForm({ ...form, v: MATCH_FORM_VERSION + 1 })).toBeUndefined();
    expect(fromMatchForm(null)).toBeUndefined();
    expect(fromMatchForm('x')).toBeUndefined();
  });
});
