import { describe, expect, it } from 'vitest';
import {
  compactIsbn,
  isbn10to13,
  isbn13to10,
  isValidIsbn10,
  isValidIsbn13,
  isValidIssn,
  normalizeIsbn,
  normalizeIsbns,
  normalizeIssn,
  parseIsbn,
} from './isbn.ts';

describe('ISBN', () => {
  it('validates ISBN-10 check digits, including X', () => {
    expect(isValidIsbn10('9794331236')).toBe(true);
    expect(isValidIsbn10('020161622X')).toBe(true);
    expect(isValidIsbn10('9794331237')).toBe(false);
  });

  it('validates ISBN-13 check digits and the 978/979 prefix', () => {
    expect(isValidIsbn13('9789794331231')).toBe(true);
    expect(isValidIsbn13('9789794331232')).toBe(false);
    expect(isValidIsbn13('9771234567898')).toBe(false);
  });

  it('strips hyphens, spaces and qualifiers as catalogued', () => {
    expect(compactIsbn('979-433-123-6 (pbk.)')).toBe('9794331236');
    expect(compactIsbn('ISBN 978 602 03 0487 8')).toBe('9786020304878');
    expect(compactIsbn('020161622x (jil. 1)')).toBe('020161622X');
    expect(normalizeIsbn('978-979-433-123-1 (hardcover)')).toBe('9789794331231');
  });

  it('reads an Indonesian ISBN-10 in group 979 as an ISBN-10, not a truncated ISBN-13', () => {
    expect(normalizeIsbn('979-9731-23-2')).toBe('9789799731234');
  });

  it('converts ISBN-10 to ISBN-13 and back', () => {
    expect(isbn10to13('979-433-123-6')).toBe('9789794331231');
    expect(isbn10to13('020161622X')).toBe('9780201616224');
    expect(isbn13to10('9789794331231')).toBe('9794331236');
    expect(isbn13to10('978-0-201-61622-4')).toBe('020161622X');
  });

  it('gives no ISBN-10 for a 979 ISBN-13', () => {
    expect(isValidIsbn13('9791000000008')).toBe(true);
    expect(isbn13to10('9791000000008')).toBeUndefined();
  });

  it('rejects a bad check digit but keeps the digits for display', () => {
    expect(normalizeIsbn('979-433-123-7')).toBeUndefined();
    expect(parseIsbn('979-433-123-7')).toEqual({ digits: '9794331237', valid: false });
    expect(isbn10to13('9794331237')).toBeUndefined();
  });

  it('collects every valid ISBN from a list, deduplicating 10 and 13 forms of one book', () => {
    expect(normalizeIsbns(['9794331236', '978-979-433-123-1', 'x', '9786020304878 ; 979-433-123-7'])).toEqual([
      '9789794331231',
      '9786020304878',
    ]);
  });
});

describe('ISSN', () => {
  it('validates the mod-11 check digit and normalises to NNNN-NNNC', () => {
    expect(isValidIssn('03178471')).toBe(true);
    expect(isValidIssn('03178472')).toBe(false);
    expect(normalizeIssn('ISSN 0317 8471 (print)')).toBe('0317-8471');
    expect(normalizeIssn('1411-6685')).toBe('1411-6685');
    expect(normalizeIssn('1411-6680')).toBeUndefined();
  });
});
