import { describe, expect, it } from 'vitest';
import {
  foldText,
  normalizePublisher,
  normalizeTitle,
  parseEdition,
  parseName,
  parseYear,
  splitAuthorList,
  stripLeadingArticle,
  titleForms,
} from './normalize.ts';

describe('foldText', () => {
  it('folds case, removes diacritics and punctuation, collapses whitespace', () => {
    expect(foldText('  Çetintemel,   Uğur!  ')).toBe('cetintemel ugur');
    expect(foldText('Ekonomi: Teori & Praktik — Edisi ke-2')).toBe('ekonomi teori praktik edisi ke 2');
  });

  it('spells out letters that have no decomposition', () => {
    expect(foldText('Straße Æsop Øresund Łódź')).toBe('strasse aesop oresund lodz');
  });

  it('drops apostrophes instead of splitting words', () => {
    expect(foldText("Qur'an dan Al-Qur’an")).toBe('quran dan al quran');
  });

  it('keeps non-Latin letters, without their vowel marks', () => {
    expect(foldText('القرآن Kitab')).toBe('القران kitab');
  });
});

describe('titles', () => {
  it('strips one leading article in English, Dutch, French, German', () => {
    expect(stripLeadingArticle('the art of war')).toBe('art of war');
    expect(stripLeadingArticle('de indische gids')).toBe('indische gids');
    expect(stripLeadingArticle('les miserables')).toBe('miserables');
    expect(stripLeadingArticle('die blechtrommel')).toBe('blechtrommel');
  });

  it('keeps an article that is the whole title and Indonesian particles', () => {
    expect(stripLeadingArticle('the')).toBe('the');
    expect(stripLeadingArticle('si kancil')).toBe('si kancil');
  });

  it('separates title proper and subtitle, from one field or two', () => {
    expect(titleForms('Bumi manusia : sebuah roman')).toMatchObject({
      main: 'bumi manusia',
      full: 'bumi manusia sebuah roman',
    });
    expect(titleForms('Bumi manusia', 'sebuah roman')).toMatchObject({
      main: 'bumi manusia',
      full: 'bumi manusia sebuah roman',
    });
  });

  it('drops a statement of responsibility, a parallel title and a GMD', () => {
    expect(normalizeTitle('Sejarah Indonesia [rekaman video] = History of Indonesia / oleh Sartono')).toBe(
      'seyarah indonesia',
    );
  });

  it('keeps the bare form without parenthetical remarks beside the full one', () => {
    const t = titleForms('Application servers (panel session): born-again TP monitors');
    expect(t.full).toBe('application servers panel session born again tp monitors');
    expect(t.bare).toBe('application servers born again tp monitors');
  });

  it('collects volume numbers, Roman ones after a part word or at the end', () => {
    expect(titleForms('Sejarah nasional Indonesia jilid II').numbers).toEqual(['2']);
    expect(titleForms('Kalkulus II').numbers).toEqual(['2']);
    expect(titleForms('Laporan tahunan 2004').numbers).toEqual(['2004']);
    expect(titleForms('I, Robot').numbers).toEqual([]);
  });
});

describe('names', () => {
  it('reads "Surname, Given" and "Given Surname" to the same shape', () => {
    expect(parseName('Vossen, Gottfried')).toMatchObject({ surname: 'vossen', given: ['gottfried'] });
    expect(parseName('Gottfried Vossen')).toMatchObject({ surname: 'vossen', given: ['gottfried'] });
  });

  it('reads "Toer, Pramoedya Ananta" and "Pramoedya Ananta Toer" alike', () => {
    expect(parseName('Toer, Pramoedya Ananta')).toEqual(parseName('Pramoedya Ananta Toer'));
  });

  it('drops dates, honorifics, suffixes and degrees', () => {
    expect(parseName('Soekarno, Ir., 1901-1970')).toMatchObject({ surname: 'sukarno', given: [] });
    expect(parseName('Prof. Dr. Koentjaraningrat')).toMatchObject({ surname: 'kuncaraningrat', given: [] });
    expect(parseName('Felipe Cariño, Jr.')).toMatchObject({ surname: 'carino', given: ['felipe'] });
    expect(parseName('Hamka, Abdul Malik, S.H., M.Sc.')).toMatchObject({ surname: 'hamka', given: ['abdul', 'malik'] });
  });

  it('reads initials in either order and keeps their letters before the spelling fold', () => {
    expect(parseName('blum a.')).toMatchObject({ surname: 'blum', given: ['a'] });
    expect(parseName('M. J. Kearns')).toMatchObject({ surname: 'kearns', given: ['m', 'y'], initials: 'mj' });
    expect(parseName('Christine Tomlinson')?.initials).toBe('c');
  });

  it('joins hyphenated surnames, so inverted and direct forms meet', () => {
    expect(parseName('n. cesa-bianchi')?.surname).toBe(parseName('Cesa-Bianchi, N.')?.surname);
  });
});

describe('splitAuthorList', () => {
  it('splits "Given Surname" lists on commas and "and"', () => {
    expect(splitAuthorList('p. auer, n. cesa-bianchi, y. freund, and r. e. schapire,')).toEqual([
      'p. auer',
      'n. cesa-bianchi',
      'y. freund',
      'r. e. schapire',
    ]);
  });

  it('pairs inverted names with their initials', () => {
    expect(splitAuthorList('blum, a., furst, m., & rudich, s.')).toEqual(['blum, a.', 'furst, m.', 'rudich, s']);
  });

  it('splits on semicolons and Indonesian "dan"', () => {
    expect(splitAuthorList('Vossen, Gottfried; Weske, Mathias')).toEqual(['Vossen, Gottfried', 'Weske, Mathias']);
    expect(splitAuthorList('Ahmad Tohari dan Sapardi Djoko Damono')).toEqual(['Ahmad Tohari', 'Sapardi Djoko Damono']);
  });
});

describe('publishers', () => {
  it('drops legal forms and "Penerbit", keeps meaningful words', () => {
    expect(normalizePublisher('PT. Gramedia Pustaka Utama')).toBe('gramedia pustaka utama');
    expect(normalizePublisher('Jakarta : Penerbit Balai Pustaka')).toBe('balai pustaka');
    expect(normalizePublisher('Gramedia Pustaka Utama, PT')).toBe('gramedia pustaka utama');
  });
});

describe('parseYear', () => {
  it.each([
    ['1998', 1998, false],
    ['[1998?]', 1998, true],
    ['c1998', 1998, false],
    ['cop. 2001', 2001, false],
    ['1998-2004', 1998, false],
    ['ca. 1950', 1950, true],
    ['1420 H./1999 M.', 1999, false],
    ['1420 H.', 1999, true],
  ])('reads %s as %i', (raw, year, approximate) => {
    expect(parseYear(raw)).toEqual({ year, approximate });
  });

  it('gives no year for an unknown decade or nonsense', () => {
    expect(parseYear('[199-]')).toBeUndefined();
    expect(parseYear('s.a.')).toBeUndefined();
    expect(parseYear(0)).toBeUndefined();
  });
});

describe('parseEdition', () => {
  it.each([
    ['Ed. ke-2', 2],
    ['2nd ed.', 2],
    ['Edisi kedua', 2],
    ['Second edition', 2],
    ['Edisi 3, cet. 5', 3],
    ['Ed. III', 3],
  ])('reads %s as edition %i', (raw, edition) => {
    expect(parseEdition(raw).edition).toBe(edition);
  });

  it('reads cetakan as a printing, not an edition', () => {
    expect(parseEdition('Cet. 2')).toEqual({ printing: 2, revised: false });
    expect(parseEdition('Cetakan ke-3')).toEqual({ printing: 3, revised: false });
    expect(parseEdition('Cetakan pertama')).toEqual({ printing: 1, revised: false });
  });

  it('notes a revised edition without a number', () => {
    expect(parseEdition('Edisi revisi')).toEqual({ revised: true });
  });
});
