import { describe, expect, it } from 'vitest';
import { boundedLevenshtein, similarity, withinOneEdit } from './similarity.ts';

function levenshtein(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const up = d[i - 1] as number[];
      row[j] = Math.min(
        (up[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (up[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

describe('boundedLevenshtein', () => {
  it('agrees with the full dynamic programme whenever the distance is within the bound', () => {
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const word = (n: number) => Array.from({ length: n }, () => 'abcd'[Math.floor(rnd() * 4)]).join('');
    for (let k = 0; k < 2000; k++) {
      const a = word(Math.floor(rnd() * 30));
      const b = rnd() < 0.5 ? word(Math.floor(rnd() * 30)) : a.slice(0, Math.floor(rnd() * a.length)) + word(3);
      const max = Math.floor(rnd() * 12);
      const full = levenshtein(a, b);
      const bounded = boundedLevenshtein(a, b, max);
      if (full <= max) expect(bounded, `${a} / ${b} max ${max}`).toBe(full);
      else expect(bounded, `${a} / ${b} max ${max}`).toBe(max + 1);
    }
  });

  it('reports similarity as 1 - distance / longer length, and 0 below the floor', () => {
    expect(similarity('kitten', 'sitting', 0.5)).toBeCloseTo(1 - 3 / 7);
    expect(similarity('abc', 'xyz', 0.5)).toBe(0);
    expect(similarity('', '')).toBe(1);
  });

  it('accepts one substitution, insertion or adjacent swap between name tokens', () => {
    expect(withinOneEdit('jeffery', 'jeffrey')).toBe(true);
    expect(withinOneEdit('adi', 'adii')).toBe(true);
    expect(withinOneEdit('yoo', 'yeo')).toBe(true);
    expect(withinOneEdit('smith', 'smyth')).toBe(true);
    expect(withinOneEdit('smith', 'smythe')).toBe(false);
  });
});
