import { describe, expect, it } from 'vitest';
import { catalogMatcher, compare, matchKeys, namesCompatible } from './match.ts';
import { parseName } from './normalize.ts';
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

const bumi = bib({
  title: 'Bumi manusia',
  authors: ['Toer, Pramoedya Ananta'],
  publisher: 'Hasta Mitra',
  year: 1980,
  isbns: ['979-433-123-6'],
});

describe('matchKeys', () => {
  it('keys ISBN-10 and ISBN-13 of one book identically', () => {
    const a = matchKeys(bib({ title: 'X', isbns: ['979-433-123-6'] }));
    const b = matchKeys(bib({ title: 'X', isbns: ['9789794331231'] }));
    expect(a).toContain('i:9789794331231');
    expect(b).toContain('i:9789794331231');
  });

  it('leaves invalid ISBNs out of the keys', () => {
    expect(matchKeys(bib({ title: 'X', isbns: ['979-433-123-7'] })).some((k) => k.startsWith('i:'))).toBe(false);
  });

  it('gives title + author and title + year keys in which old and new spellings meet', () => {
    const old = bib({ title: 'Dibawah bendera revolusi', authors: ['Soekarno'], year: 1963 });
    const modern = bib({ title: 'Dibawah bendera revolusi', authors: ['Sukarno'], year: 1963 });
    expect(matchKeys(old)).toEqual(matchKeys(modern));
    expect(matchKeys(old)).toContain('a:dibawahbenderarevolusi|sukarno');
    expect(matchKeys(old)).toContain('y:dibawahbenderarevolusi|1963');
  });

  it('keys a serial by ISSN but not a book that carries its series ISSN', () => {
    expect(matchKeys(bib({ title: 'Jurnal X', format: 'serial', issns: ['1411-6685'] }))).toContain('s:1411-6685');
    expect(matchKeys(bib({ title: 'Buku X', issns: ['1411-6685'] })).some((k) => k.startsWith('s:'))).toBe(false);
  });

  it('keys a record with neither author nor year by its title alone', () => {
    expect(matchKeys(bib({ title: 'Kumpulan puisi Jawa Barat' }))).toEqual(['t:kumpulanpuisiyawabarat']);
  });

  it('fits the Matcher shape ingest injects', () => {
    expect(catalogMatcher.keys(bumi)).toEqual(matchKeys(bumi));
    expect(catalogMatcher.compare(bumi, { ...bumi }).decision).toBe('match');
  });
});

describe('compare: matches', () => {
  it('matches on a shared ISBN and says so', () => {
    const v = compare(
      bumi,
      bib({ title: 'Bumi manusia : roman', authors: ['Pramoedya Ananta Toer'], year: 1980, isbns: ['9789794331231'] }),
    );
    expect(v.decision).toBe('match');
    expect(v.reasons).toContain('same ISBN 9789794331231');
  });

  it('matches old- and new-spelling records of the same book', () => {
    const v = compare(
      bib({ title: 'Dibawah bendera revolusi', authors: ['Soekarno'], year: 1963, publisher: 'Panitya Penerbit' }),
      bib({ title: 'Di bawah bendera revolusi', authors: ['Sukarno'], year: 1963, publisher: 'Panitia Penerbit' }),
    );
    expect(v.decision).toBe('match');
    expect(v.reasons.some((r) => /titles 9\d% similar/.test(r))).toBe(true);
  });

  it('matches inverted and direct name forms', () => {
    const v = compare(
      bib({ title: 'Max Havelaar', authors: ['Multatuli'], year: 1972 }),
      bib({ title: 'Max Havelaar', authors: ['Multatuli,'], year: 1972 }),
    );
    expect(v.decision).toBe('match');
    expect(compare(bumi, { ...bumi, authors: ['Pramoedya Ananta Toer'], isbns: [] }).decision).toBe('match');
  });

  it('treats a reprint (cetakan) with the same ISBN as the same manifestation despite the year', () => {
    const v = compare({ ...bumi, edition: 'Cet. 1', year: 2001 }, { ...bumi, edition: 'Cet. 5', year: 2005 });
    expect(v.decision).toBe('match');
    expect(v.reasons.join(' ')).toContain('printings (cetakan) of one edition');
  });

  it('matches two records without authors only on a near-identical title, year and publisher', () => {
    const a = bib({ title: 'Laporan tahunan Bank Indonesia 2004', year: 2005, publisher: 'Bank Indonesia' });
    expect(compare(a, { ...a }).decision).toBe('match');
    expect(compare(a, { ...a, publisher: 'Badan Pusat Statistik' }).decision).toBe('uncertain');
  });
});

describe('compare: rejections, each with its reason', () => {
  it('rejects the same title in different years', () => {
    const v = compare(
      bib({ title: 'Pengantar ilmu hukum', authors: ['Kansil, C.S.T.'], year: 1998 }),
      bib({ title: 'Pengantar ilmu hukum', authors: ['C.S.T. Kansil'], year: 2004 }),
    );
    expect(v.decision).toBe('no-match');
    expect(v.reasons).toContain('years differ: 1998 vs 2004 -> rejected');
  });

  it('rejects the same ISBN on a different edition, since publishers reuse ISBNs', () => {
    const v = compare({ ...bumi, edition: 'Ed. 1' }, { ...bumi, edition: 'Edisi kedua' });
    expect(v.decision).toBe('no-match');
    expect(v.reasons).toContain('editions differ: 1 vs 2 -> rejected');
  });

  it('does not merge the same ISBN when only one side states a later edition and the years differ', () => {
    expect(compare(bumi, { ...bumi, edition: '2nd ed.', year: 1985 }).decision).toBe('uncertain');
    // same ISBN and year: the other record left the statement out
    expect(compare(bumi, { ...bumi, edition: '2nd ed.' }).decision).toBe('match');
  });

  it('does not trust a shared ISBN when the titles are different works', () => {
    const v = compare(bumi, { ...bumi, title: 'Kamus besar bahasa Indonesia', authors: [] });
    expect(v.decision).toBe('no-match');
    expect(v.reasons.join(' ')).toContain('titles differ despite the shared identifier');
  });

  it('never merges two records from the same source', () => {
    const v = compare(bumi, { ...bumi }, { sourceA: 'perpus-ui', sourceB: 'perpus-ui' });
    expect(v.decision).toBe('no-match');
    expect(v.reasons[0]).toContain('same source perpus-ui');
  });

  it('rejects different formats, ISSNs, page counts and ISBNs', () => {
    expect(compare(bumi, { ...bumi, format: 'electronic' }).reasons).toContain(
      'formats differ: book vs electronic -> rejected',
    );
    expect(compare({ ...bumi, pages: 535 }, { ...bumi, pages: 351 }).reasons).toContain(
      'page counts differ: 535 vs 351 -> rejected',
    );
    expect(compare({ ...bumi, pages: 535 }, { ...bumi, pages: 540 }).decision).toBe('match');
    const s1 = bib({ title: 'Jurnal ekonomi', format: 'serial', issns: ['0317-8471'] });
    expect(compare(s1, { ...s1, issns: ['1411-6685'] }).decision).toBe('no-match');
    expect(compare(bumi, { ...bumi, isbns: ['9786020304878'] }).reasons.at(-1)).toContain('ISBNs differ');
  });

  it('rejects different volumes of one work', () => {
    const v = compare(
      bib({ title: 'Sejarah nasional Indonesia jilid 1', authors: ['Poesponegoro, Marwati Djoened'], year: 1984 }),
      bib({ title: 'Sejarah nasional Indonesia jilid 2', authors: ['Poesponegoro, Marwati Djoened'], year: 1984 }),
    );
    expect(v.decision).toBe('no-match');
    expect(v.reasons.at(-1)).toBe('numbers in titles differ: 1 vs 2 -> rejected');
  });

  it('rejects textbook pairs one letter apart: "mikro" and "makro"', () => {
    const v = compare(
      bib({ title: 'Pengantar teori ekonomi mikro', authors: ['Sukirno, Sadono'], year: 2002 }),
      bib({ title: 'Pengantar teori ekonomi makro', authors: ['Sukirno, Sadono'], year: 2002 }),
    );
    expect(v.decision).toBe('no-match');
    expect(v.reasons.at(-1)).toContain('"mikro" vs "makro"');
  });

  it('rejects different authors of the same title', () => {
    const v = compare(
      bib({ title: 'Pengantar ilmu komunikasi', authors: ['Cangara, Hafied'], year: 2002 }),
      bib({ title: 'Pengantar ilmu komunikasi', authors: ['Mulyana, Deddy'], year: 2002 }),
    );
    expect(v.decision).toBe('no-match');
    expect(v.reasons.at(-1)).toBe('authors differ -> rejected');
  });

  it('leaves a one-letter difference in a short title to staff', () => {
    const v = compare(
      bib({ title: 'Kimia dasar', authors: ['Keenan'], year: 1984 }),
      bib({ title: 'Kimia dasat', authors: ['Keenan'], year: 1984 }),
    );
    expect(v.decision).toBe('uncertain');
  });

  it('leaves a record with authors on one side only to staff', () => {
    expect(compare(bumi, { ...bumi, authors: [], isbns: [] }).decision).toBe('uncertain');
  });
});

describe('namesCompatible', () => {
  const same = (a: string, b: string) => {
    const x = parseName(a);
    const y = parseName(b);
    return x !== undefined && y !== undefined && namesCompatible(x, y);
  };
  it('accepts initials, inversion, spelling reforms and a dropped middle name', () => {
    expect(same('G. Vossen', 'Vossen, Gottfried')).toBe(true);
    expect(same('Sjahrir, Soetan', 'Sutan Syahrir')).toBe(true);
    expect(same('Kwee Tek Hoay', 'Kwee, Tek Hoay')).toBe(true);
    expect(same('C. Tomlinson', 'Christine Tomlinson')).toBe(true);
    expect(same('Yannis E. Ioannidis', 'Yannis Ioannidis')).toBe(true);
  });
  it('rejects different people with the same surname', () => {
    expect(same('A. Smith', 'B. Smith')).toBe(false);
    expect(same('Hatta, Mohammad', 'Sukarno')).toBe(false);
  });
});
