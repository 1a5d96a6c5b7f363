import { describe, expect, it } from 'vitest';
import { clusterRecords } from '../../../../src/catalog/cluster.ts';
import { loadCora, loadDblpAcm } from '../../../../src/catalog/dedup-eval.ts';
import { CATALOG_PROFILE, compare } from '../../../../src/catalog/match.ts';
import type { Bib } from '../../../../src/catalog/types.ts';
import { matchReason, RULES, reasonInIndonesian } from './match-reasons.ts';

const bib = (b: Partial<Bib>): Bib => ({
  title: 'Sejarah Minangkabau',
  authors: ['Amran, Rusli'],
  isbns: [],
  issns: [],
  format: 'book',
  subjects: [],
  items: [],
  ...b,
});

/** Pairs that walk every rule of the matcher at least once. */
const PAIRS: Array<[Partial<Bib>, Partial<Bib>]> = [
  [
    { year: 1988, isbns: ['9780306406157'] },
    { year: 1988, isbns: ['978-0-306-40615-7'] },
  ],
  [{ identifiers: { oclc: ['123'] } }, { identifiers: { oclc: ['123'] } }],
  [{ identifiers: { doi: ['10.1/x'] } }, { identifiers: { doi: ['10.1/x'] } }],
  [{ identifiers: { doi: ['10.1/x'] } }, { identifiers: { doi: ['10.1/y'] } }],
  [{ year: 1988 }, { year: 1989 }],
  [{ year: 1980 }, { year: 1995 }],
  [
    { year: 1980, isbns: ['9780306406157'] },
    { year: 1995, isbns: ['9780306406157'] },
  ],
  [
    { year: 1980, isbns: ['9780306406157'], edition: 'Cet. 2' },
    { year: 1995, isbns: ['9780306406157'], edition: 'Cet. 5' },
  ],
  [{ isbns: ['9780306406157'] }, { isbns: ['9781861972712'] }],
  [{ issns: ['0378-5955'] }, { issns: ['0317-8471'] }],
  [{ format: 'book' }, { format: 'serial' }],
  [{ edition: 'Ed. 2' }, { edition: 'Ed. 3' }],
  [{ edition: 'Ed. 2' }, {}],
  [
    { edition: 'Ed. 2', isbns: ['9780306406157'], year: 2000 },
    { isbns: ['9780306406157'], year: 2000 },
  ],
  [
    { edition: 'Ed. 2', isbns: ['9780306406157'], year: 2000 },
    { isbns: ['9780306406157'], year: 2001 },
  ],
  [{ edition: 'Ed. revisi' }, { edition: 'Ed. 1' }],
  [{ pages: 120 }, { pages: 300 }],
  [{ title: 'Sejarah Minangkabau jilid 1' }, { title: 'Sejarah Minangkabau jilid 2' }],
  [{ title: 'Sejarah Minangkabau jilid 1' }, { title: 'Sejarah Minangkabau' }],
  [{ title: 'Sejarah Minangkabau' }, { title: 'Sejarah Minangkabau', subtitle: 'dari masa ke masa' }],
  [{ title: 'Sejarah Minangkabau (edisi ringkas)' }, { title: 'Sejarah Minangkabau' }],
  [{ title: 'Sejarah Minangkabau' }, { title: 'Sejarah Minangkabaw' }],
  [{ title: 'Adat' }, { title: 'Adab' }],
  [{ title: 'Sejarah Minangkabau' }, { title: 'Ilmu Perpustakaan Dasar' }],
  [{ title: 'Ekonomi Mikro' }, { title: 'Ekonomi Makro' }],
  [{ authors: ['Amran, Rusli'] }, { authors: ['Navis, A. A.'] }],
  [{ authors: ['Amran, Rusli', 'Navis, A. A.'] }, { authors: ['Amran, Rusli'] }],
  [{ authors: [] }, { authors: ['Amran, Rusli'] }],
  [
    { authors: [], year: 1990, publisher: 'Balai Pustaka' },
    { authors: [], year: 1990, publisher: 'Balai Pustaka' },
  ],
  [{ year: 1990 }, {}],
  [{ series: 'Seri Sejarah' }, { series: 'Seri Sejarah' }],
  [{ series: 'Seri Sejarah ; 3' }, { series: 'Seri Sejarah ; 4' }],
  [{ series: 'Seri Sejarah' }, { series: 'Pustaka Budaya' }],
  [{ publisher: 'Balai Pustaka' }, { publisher: 'Gramedia' }],
  [
    { isbns: ['9780306406157'], title: 'Sejarah Minangkabau' },
    { isbns: ['9780306406157'], title: 'Ilmu Perpustakaan Dasar' },
  ],
  [
    { isbns: ['9780306406157'], authors: ['Amran, Rusli'] },
    { isbns: ['9780306406157'], authors: ['Navis, A. A.'] },
  ],
  [{ isbns: ['9780306406157'] }, { isbns: ['9780306406157'], title: 'Sejarah Minangkabau Modern' }],
];

function reasonsSeen(): Set<string> {
  const seen = new Set<string>();
  for (const [a, b] of PAIRS) for (const r of compare(bib(a), bib(b)).reasons) seen.add(r);
  for (const r of compare(bib({}), bib({}), { sourceA: 'x', sourceB: 'x' }).reasons) seen.add(r);
  // A profile that allows a year apart (the catalog's allows none unless a year is approximate).
  const lenient = { ...CATALOG_PROFILE, yearTolerance: 1 };
  for (const r of compare(bib({ year: 1988 }), bib({ year: 1989 }), { profile: lenient }).reasons) seen.add(r);
  // Real records: every pair the clustering links or leaves for review, and its reasons.
  for (const ds of [loadCora(), loadDblpAcm()]) {
    const records = ds.records.slice(0, 1500);
    const result = clusterRecords(records, { profile: ds.profile });
    const links = [...result.clusters.flatMap((c) => c.links), ...result.review, ...result.skippedLinks];
    for (const l of links) for (const r of l.reasons) seen.add(r);
    // Neighbours in the file are often near-duplicates the rules reject.
    for (let i = 0; i + 3 < records.length; i += 3) {
      const [a, b] = [records[i], records[i + 3]];
      if (a && b) for (const r of compare(a.bib, b.bib, { profile: ds.profile }).reasons) seen.add(r);
    }
  }
  const staff = clusterRecords(
    [
      { id: 'a', source: 'x', bib: bib({ year: 1988 }) },
      { id: 'b', source: 'y', bib: bib({ year: 1988 }) },
      { id: 'c', source: 'y', bib: bib({ title: 'Lain sama sekali', year: 2001 }) },
      { id: 'd', source: 'z', bib: bib({ year: 1988 }) },
      { id: 'e', source: 'z', bib: bib({ year: 1988, authors: ['Amran, R.'] }) },
      { id: 'f', source: 'y', bib: bib({ year: 1988, authors: ['Amran, R.'] }) },
      { id: 'g', source: 'w', bib: bib({ year: 1988 }) },
    ],
    {
      decisions: [
        { kind: 'must-link', a: 'a', b: 'c', note: 'dicek di rak' },
        { kind: 'must-not-link', a: 'a', b: 'b' },
        { kind: 'must-link', a: 'a', b: 'b' },
        { kind: 'must-not-link', a: 'b', b: 'd' },
      ],
    },
  );
  const apart = clusterRecords(
    ['x', 'y', 'z', 'w'].map((source) => ({ id: source, source, bib: bib({ year: 1988 }) })),
    { decisions: [{ kind: 'must-not-link', a: 'y', b: 'z' }] },
  );
  for (const l of apart.skippedLinks) for (const r of l.reasons) seen.add(r);
  for (const l of [...staff.clusters.flatMap((c) => c.links), ...staff.review, ...staff.skippedLinks])
    for (const r of l.reasons) seen.add(r);
  return seen;
}

describe('match reasons in Indonesian', () => {
  it('has a wording for every reason the matcher and the clustering give on real and made-up records', () => {
    const seen = reasonsSeen();
    expect(seen.size).toBeGreaterThan(30);
    const missing = [...seen].filter((r) => reasonInIndonesian(r) === undefined);
    expect(missing).toEqual([]);
    // …and no wording here waits for a sentence the matcher no longer writes.
    const bare = [...seen].map((r) => r.replace(/ -> (rejected|not linked|not applied)$/, ''));
    const unused = RULES.filter(([re]) => !bare.some((r) => re.test(r))).map(([re]) => re.source);
    expect(unused).toEqual([]);
  });

  it('words the common reasons as a librarian would read them', () => {
    expect(matchReason('same ISBN 9780306406157', 'id')).toBe('ISBN sama 9780306406157');
    expect(matchReason('titles 92% similar (title proper; subtitle on one side only)', 'id')).toBe(
      'judul 92% mirip (judul utama; anak judul hanya di satu pihak)',
    );
    expect(matchReason('years differ: 1980 vs 1995 -> rejected', 'id')).toBe('tahun berbeda: 1980 dan 1995 → ditolak');
    expect(matchReason('publishers differ: "balai pustaka" vs "gramedia"', 'id')).toBe(
      'penerbit berbeda: "balai pustaka" dan "gramedia"',
    );
    expect(matchReason('would join records staff split apart -> not linked', 'id')).toBe(
      'akan menyatukan cantuman yang dipisahkan staf → tidak dihubungkan',
    );
  });

  it('keeps English as written, and shows an unknown sentence rather than dropping it', () => {
    expect(matchReason('same title', 'en')).toBe('same title');
    expect(matchReason('a sentence from a newer matcher', 'id')).toBe('a sentence from a newer matcher');
  });
});
