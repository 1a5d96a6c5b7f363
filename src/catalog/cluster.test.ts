import { describe, expect, it } from 'vitest';
import { type ClusterInput, clusterRecords } from './cluster.ts';
import type { Bib } from './types.ts';

const bib = (over: Partial<Bib> & { title: string }): Bib => ({
  authors: [],
  isbns: [],
  issns: [],
  format: 'book',
  subjects: [],
  items: [],
  ...over,
});

const laskar = (year = 2005) =>
  bib({ title: 'Laskar pelangi', authors: ['Andrea Hirata'], year, publisher: 'Bentang' });
const ronggeng = () => bib({ title: 'Ronggeng Dukuh Paruk', authors: ['Ahmad Tohari'], year: 2003 });

const rec = (id: string, source: string, b: Bib): ClusterInput => ({ id, source, bib: b });

const clusterOf = (res: ReturnType<typeof clusterRecords>, id: string) =>
  res.clusters.find((c) => c.members.includes(id))?.members;

describe('clusterRecords', () => {
  it('clusters duplicates across libraries and keeps other books apart, with link reasons', () => {
    const res = clusterRecords([
      rec('ui:1', 'ui', laskar()),
      rec('itb:9', 'itb', { ...laskar(), title: 'Laskar Pelangi : sebuah novel' }),
      rec('ugm:4', 'ugm', ronggeng()),
    ]);
    expect(clusterOf(res, 'ui:1')).toEqual(['itb:9', 'ui:1']);
    expect(clusterOf(res, 'ugm:4')).toEqual(['ugm:4']);
    const link = res.clusters.find((c) => c.id === 'itb:9')?.links[0];
    expect(link?.by).toBe('matcher');
    expect(link?.reasons).toContain('same year 2005');
  });

  it('never puts two records of one source in a cluster, even through a third', () => {
    const res = clusterRecords([
      rec('ui:1', 'ui', laskar()),
      rec('ui:2', 'ui', laskar()),
      rec('itb:9', 'itb', laskar()),
    ]);
    expect(res.clusters).toHaveLength(2);
    expect(res.skippedLinks[0]?.reasons.at(-1)).toBe('would put two records of source ui in one cluster -> not linked');
  });

  it('does not let a record without a year chain two different years together', () => {
    const { year: _year, ...undated } = laskar();
    const res = clusterRecords([rec('a', 'ui', laskar(2005)), rec('b', 'itb', undated), rec('c', 'ugm', laskar(2008))]);
    expect(clusterOf(res, 'b')).toHaveLength(2);
    expect(clusterOf(res, 'a')).not.toContain('c');
    expect(res.skippedLinks.some((l) => l.reasons.at(-1)?.includes('years differ: 2005 vs 2008'))).toBe(true);
  });

  it('lists uncertain pairs for staff review', () => {
    const res = clusterRecords([rec('a', 'ui', laskar()), rec('b', 'itb', { ...laskar(), authors: [] })]);
    expect(res.clusters).toHaveLength(2);
    expect(res.review).toHaveLength(1);
    expect(res.review[0]?.reasons).toContain('authors on one side only');
  });

  it('honours a staff split over the matcher, and keeps honouring it after re-ingest', () => {
    const decisions = [{ kind: 'must-not-link' as const, a: 'ui:1', b: 'itb:9', note: 'different translation' }];
    const run = () => clusterRecords([rec('ui:1', 'ui', laskar()), rec('itb:9', 'itb', laskar())], { decisions });
    const first = run();
    expect(first.clusters).toHaveLength(2);
    expect(first.skippedLinks[0]?.reasons.at(-1)).toBe('staff decision: different manifestations -> not linked');
    // re-ingest: fresh records with the same ids, the decision still applies
    expect(run().clusters).toHaveLength(2);
  });

  it('keeps a staff split when a third record would bridge the two', () => {
    const res = clusterRecords([rec('a', 'ui', laskar()), rec('b', 'itb', laskar()), rec('c', 'ugm', laskar())], {
      decisions: [{ kind: 'must-not-link', a: 'a', b: 'b' }],
    });
    expect(clusterOf(res, 'a')).not.toContain('b');
  });

  it('honours a staff merge the matcher would reject', () => {
    const res = clusterRecords([rec('ui:1', 'ui', laskar(2005)), rec('itb:9', 'itb', laskar(2008))], {
      decisions: [{ kind: 'must-link', a: 'ui:1', b: 'itb:9', note: 'reprint' }],
    });
    expect(res.clusters).toHaveLength(1);
    expect(res.clusters[0]?.links[0]).toMatchObject({
      by: 'staff',
      reasons: ['staff decision: same manifestation (reprint)'],
    });
  });

  it('counts candidate pairs from shared keys only', () => {
    const res = clusterRecords([rec('a', 'ui', laskar()), rec('b', 'itb', ronggeng())]);
    expect(res.stats.candidatePairs).toBe(0);
  });
});
