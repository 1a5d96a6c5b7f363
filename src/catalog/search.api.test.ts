import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bib, libraryIds, load as loadInto } from '../../test/catalog-fixtures.ts';
import { startTestSimpul, type TestSimpul } from '../../test/support.ts';
import { parseQuery } from './query.ts';
import { search, withoutStopWords } from './search.ts';
import type { Bib } from './types.ts';

let s: TestSimpul;
let lib: Record<string, number> = {};
const load = (code: string, bibs: Bib[]) => loadInto(s, lib[code] as number, bibs);
const get = async (qs: string) => (await s.anonymous.get(`/api/v1/catalog/search?${qs}`)).body;
const titles = (body: { hits: Array<{ title: string }> }) => body.hits.map((h) => h.title);

beforeAll(async () => {
  s = await startTestSimpul();
  lib = await libraryIds(s);
  await load('BUNGHATTA', [
    bib({ sourceId: 'h1', title: 'Sejarah dan Budaya Minangkabau', authors: ['Navis, A. A.'], year: 1984 }),
    bib({ sourceId: 'h2', title: 'Sejarah Pendidikan', authors: ['Abdullah, Taufik'], year: 1990 }),
    bib({ sourceId: 'h3', title: 'Budaya Sunda', authors: ['Rosidi, Ajip'], year: 1995 }),
    bib({ sourceId: 'h4', title: 'The History of Java', authors: ['Raffles, Thomas Stamford'], year: 1817 }),
    bib({ sourceId: 'h5', title: 'Ekonomi Pertanian', authors: [], year: 2001 }),
  ]);
  // Twelve titles of one word across two libraries, for approximate facets.
  const many = (from: number) =>
    Array.from({ length: 6 }, (_, i) =>
      bib({ sourceId: `p${from + i}`, title: `Perpustakaan ${from + i}`, year: 2000 + i, language: 'ind' }),
    );
  await load('BUNGHATTA', many(0));
  await load('UINMY', many(6));
});
afterAll(async () => s?.stop());

describe('search quality', () => {
  it('drops Indonesian and English stop words from a query, unless they are all it has', async () => {
    // "dan" and "of" would otherwise have to be in the title.
    expect(titles(await get('q=sejarah%20dan%20minangkabau'))).toEqual(['Sejarah dan Budaya Minangkabau']);
    expect(titles(await get('q=history%20of%20java'))).toEqual(['The History of Java']);
    expect(titles(await get('q=sejarah%20yang%20pendidikan'))).toEqual(['Sejarah Pendidikan']);
    // Only stop words: searched as typed.
    expect((await get('q=the')).total).toBe(1);
    // In a phrase they stay.
    expect(titles(await get('q=%22history%20of%20java%22'))).toEqual(['The History of Java']);
    expect((await get('q=%22history%20java%22')).total).toBe(0);
    expect(withoutStopWords(parseQuery('dan the'))).toEqual(parseQuery('dan the'));
  });

  it('suggests the nearest known words when nothing is found ("did you mean"), and nothing when all is well', async () => {
    const r = await get('q=sejarh%20minangkbau');
    expect(r.total).toBe(0);
    expect(r.suggestion).toEqual({ q: 'sejarah minangkabau', total: 1 });
    const fine = await get('q=budaya');
    expect(fine.total).toBe(2);
    expect(fine.suggestion).toBeUndefined();
    // A word that resembles nothing gets no suggestion.
    expect((await get('q=qqxxzz')).suggestion).toBeUndefined();
  });

  it('does not offer suggestions to SRU, which asks with a query tree', async () => {
    const r = await search(s.ctx.database.db, { query: parseQuery('sejarh'), facets: false });
    expect(r.total).toBe(0);
    expect(r.suggestion).toBeUndefined();
  });

  it('sorts by author, titles without an author last', async () => {
    const r = await get('q=sejarah%20OR%20budaya%20OR%20java%20OR%20ekonomi&sort=author');
    expect(titles(r)).toEqual([
      'Sejarah Pendidikan',
      'Sejarah dan Budaya Minangkabau',
      'The History of Java',
      'Budaya Sunda',
      'Ekonomi Pertanian',
    ]);
  });

  it('answers NOT, OR, groups and fields as typed when their words are searched as one text query', async () => {
    const q = async (text: string) => (await search(s.ctx.database.db, { q: text, facets: false })).hits;
    const sorted = async (text: string) => (await q(text)).map((h) => h.title).sort();
    expect(await sorted('sejarah -pendidikan')).toEqual(['Sejarah dan Budaya Minangkabau']);
    expect(await sorted('budaya (sunda OR minangkabau) -sejarah')).toEqual(['Budaya Sunda']);
    expect(await sorted('-sejarah -budaya ekonomi')).toEqual(['Ekonomi Pertanian']);
    expect(await sorted('"sejarah pendidikan" OR sunda')).toEqual(['Budaya Sunda', 'Sejarah Pendidikan']);
    expect(await sorted('budaya -"budaya sunda"')).toEqual(['Sejarah dan Budaya Minangkabau']);
    // Fields: one text query per part of the document, the parts ANDed.
    expect(await sorted('judul:sejarah judul:budaya')).toEqual(['Sejarah dan Budaya Minangkabau']);
    expect(await sorted('judul:sejarah -pengarang:navis')).toEqual(['Sejarah Pendidikan']);
    expect(await sorted('judul:budaya OR pengarang:raffles')).toEqual([
      'Budaya Sunda',
      'Sejarah dan Budaya Minangkabau',
      'The History of Java',
    ]);
    // An OR with a NOT: everything without "budaya", and the "sejarah" title that has it.
    const all = (await search(s.ctx.database.db, { q: '', facets: false })).total;
    expect((await search(s.ctx.database.db, { q: 'sejarah OR -budaya', facets: false })).total).toBe(all - 1);
    expect(await sorted('sejarah OR -budaya -perpustakaan')).toEqual([
      'Ekonomi Pertanian',
      'Sejarah Pendidikan',
      'Sejarah dan Budaya Minangkabau',
      'The History of Java',
    ]);
  });

  it('counts exactly up to the threshold, then estimates total and facets from a sample and says so', async () => {
    const exact = await get('q=perpustakaan');
    expect(exact.total).toBe(12);
    expect(exact.facetsApproximate).toBe(false);
    expect(exact.totalApproximate).toBeUndefined();
    expect(exact.facets.library.map((f: { value: string; count: number }) => [f.value, f.count]).sort()).toEqual([
      ['BUNGHATTA', 6],
      ['UINMY', 6],
    ]);
    const broad = await search(s.ctx.database.db, { q: 'perpustakaan', exactUpTo: 3, pageSize: 5 });
    expect(broad.totalApproximate).toBe(true);
    expect(broad.facetsApproximate).toBe(true);
    // The table is small, so the sample is all of it: the estimates are right.
    expect(broad.total).toBe(12);
    expect(broad.facets?.language).toEqual([{ value: 'ind', label: 'ind', count: 12 }]);
    expect(broad.hits).toHaveLength(5);
    // Past the ranked first matches the pages go on, and never repeat a hit.
    const pages = await Promise.all(
      [1, 2, 3].map((page) => search(s.ctx.database.db, { q: 'perpustakaan', exactUpTo: 3, pageSize: 5, page })),
    );
    const seen = pages.flatMap((p) => p.hits.map((h) => h.clusterId));
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
    // Sorted pages come from the whole set, not only the first matches.
    const byYear = await search(s.ctx.database.db, { q: 'perpustakaan', exactUpTo: 3, sort: 'year_desc', pageSize: 2 });
    expect(byYear.hits.map((h) => h.year)).toEqual([2005, 2005]);
  });

  it('ranks a broad query over its best matches (title hits, widely held), not its oldest', async () => {
    const codes = Object.keys(lib).slice(0, 5);
    expect(codes).toHaveLength(5);
    // The oldest matches have the word only in the publisher.
    await load(
      'BUNGHATTA',
      Array.from({ length: 6 }, (_, i) =>
        bib({ sourceId: `rm${i}`, title: `Buku Masak ${i}`, publisher: 'Penerbit Rempah' }),
      ),
    );
    await load('UINMY', [bib({ sourceId: 'rk', title: 'Kisah Rempah' })]);
    for (const code of codes) await load(code, [bib({ sourceId: `rj-${code}`, title: 'Jalur Rempah Nusantara' })]);
    for (const code of codes.slice(0, 2)) {
      await load(code, [
        bib({ sourceId: `rd-${code}`, title: 'Rempah dan Kuliner' }),
        bib({ sourceId: `ra-${code}`, title: 'Catatan Dapur', authors: ['Rempah, Budi'] }),
      ]);
    }
    const exact = await search(s.ctx.database.db, { q: 'rempah', pageSize: 4 });
    expect(exact.total).toBe(10);
    expect(exact.totalApproximate).toBeUndefined();
    const top = ['Jalur Rempah Nusantara', 'Rempah dan Kuliner', 'Kisah Rempah', 'Catatan Dapur'];
    expect(exact.hits.map((h) => h.title)).toEqual(top);
    expect(exact.hits.map((h) => h.recordCount)).toEqual([5, 2, 1, 2]);
    // Broad (more than 3 matches): only 4 are ranked, and they are still the best 4, though loaded last.
    const broad = await search(s.ctx.database.db, { q: 'rempah', pageSize: 4, exactUpTo: 3 });
    expect(broad.totalApproximate).toBe(true);
    expect(broad.hits.map((h) => h.title)).toEqual(top);
    // The parts the matches are read in are disjoint and cover them all: exact counts stay exact.
    expect((await search(s.ctx.database.db, { q: 'rempah', exactUpTo: 10 })).total).toBe(10);
    expect((await search(s.ctx.database.db, { q: 'rempah', exactUpTo: 9 })).totalApproximate).toBe(true);
    const pages = await Promise.all(
      [1, 2, 3].map((page) => search(s.ctx.database.db, { q: 'rempah', exactUpTo: 3, pageSize: 4, page })),
    );
    const seen = pages.flatMap((p) => p.hits.map((h) => h.clusterId));
    expect(new Set(seen).size).toBe(10);
    // A field search reads its tiers through its field's index, best first as well.
    const inTitle = await search(s.ctx.database.db, { q: 'judul:rempah', pageSize: 2, exactUpTo: 1 });
    expect(inTitle.hits.map((h) => h.title)).toEqual(['Jalur Rempah Nusantara', 'Rempah dan Kuliner']);
    expect((await search(s.ctx.database.db, { q: 'judul:rempah' })).total).toBe(3);
    expect((await search(s.ctx.database.db, { q: 'pengarang:rempah' })).hits.map((h) => h.title)).toEqual([
      'Catatan Dapur',
    ]);
    // Without words to rank by, widely held titles come first too.
    const held = await search(s.ctx.database.db, { q: '', filters: { library: [codes[4] as string] }, pageSize: 1 });
    expect(held.hits[0]?.title).toBe('Jalur Rempah Nusantara');
  });

  it('ranks title hits above hits elsewhere in the record', async () => {
    await load('UINMY', [
      bib({ sourceId: 'r1', title: 'Kumpulan Cerita', authors: ['Rendra'], subjects: ['Puisi Rendra'] }),
      bib({ sourceId: 'r2', title: 'Puisi Rendra', authors: ['Kusuma'] }),
    ]);
    expect(titles(await get('q=puisi'))).toEqual(['Puisi Rendra', 'Kumpulan Cerita']);
  });

  it('takes a sorted query as broad from its sample alone when the sample is sure, else counts its matches', async () => {
    await load(
      'UINMY',
      Array.from({ length: 60 }, (_, i) =>
        bib({ sourceId: `ar${i}`, title: `Arsip Daerah ${100 + i}`, year: 1950 + i }),
      ),
    );
    const db = s.ctx.database.db;
    // The test table is small, so its sample is all of it: 60 sampled matches, more than five times 5.
    const sure = await search(db, { q: 'arsip', sort: 'year_desc', exactUpTo: 5, pageSize: 3 });
    expect(sure.totalApproximate).toBe(true);
    expect(sure.facetsApproximate).toBe(true);
    expect(sure.total).toBe(60);
    expect(sure.hits.map((h) => h.year)).toEqual([2009, 2008, 2007]);
    expect(sure.facets?.year?.[0]).toEqual({ value: '2009', label: '2009', count: 1 });
    // Not sure (60 is not more than five times 20): the matches are counted, and there are more than 20.
    const counted = await search(db, { q: 'arsip', sort: 'title', exactUpTo: 20, pageSize: 2 });
    expect(counted.totalApproximate).toBe(true);
    expect(counted.total).toBe(60);
    expect(counted.hits.map((h) => h.title)).toEqual(['Arsip Daerah 100', 'Arsip Daerah 101']);
    // Within the threshold: exact.
    const exact = await search(db, { q: 'arsip -daerah', sort: 'year_asc' });
    expect(exact.total).toBe(0);
    const all = await search(db, { q: 'arsip', sort: 'year_asc', exactUpTo: 60, pageSize: 1 });
    expect(all.total).toBe(60);
    expect(all.totalApproximate).toBeUndefined();
    expect(all.facetsApproximate).toBe(false);
    expect(all.hits.map((h) => h.year)).toEqual([1950]);
  });
});
