import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isControlField } from '../types.ts';
import { readIso2709Buffer } from './iso2709.ts';
import { marc8ToUnicode } from './marc8.ts';

const DATA = join(import.meta.dirname, '../../../../shared/data/marc');
const m8 = (...bytes: (number | string)[]): string =>
  marc8ToUnicode(Buffer.concat(bytes.map((b) => (typeof b === 'string' ? Buffer.from(b, 'latin1') : Buffer.from([b])))))
    .text;

describe('MARC-8 to Unicode', () => {
  it('matches every pymarc MARC-8/UTF-8 line pair (Arabic, CJK, Hebrew, Cyrillic, Greek, Latin)', () => {
    const marc8 = readFileSync(join(DATA, 'pymarc/test/test_marc8.txt')).toString('latin1').split('\n');
    const utf8 = readFileSync(join(DATA, 'pymarc/test/test_utf8.txt'), 'utf8').split('\n');
    expect(marc8.length).toBe(utf8.length);
    const wrong = marc8.flatMap((line, i) => (marc8ToUnicode(line).text === utf8[i] ? [] : [i]));
    expect(wrong).toEqual([]);
    expect(marc8.length).toBeGreaterThan(1500);
  });

  it('moves a combining mark from before its base letter to after it, and composes (NFC)', () => {
    expect(m8('Caf', 0xe2, 'e')).toBe('Café');
    expect(m8(0xe2, 'e').length).toBe(1);
    // Two marks on one letter: dot below + circumflex (Vietnamese ệ), order kept, then composed.
    expect(m8(0xf2, 0xe3, 'e')).toBe('ệ'.normalize('NFC'));
    // A mark with no composed form stays combining after its letter.
    expect(m8(0xe5, 'y')).toBe('y\u0304'.normalize('NFC'));
  });

  it('joins the two halves of a double diacritic into one U+0361', () => {
    expect(m8(0xeb, 'I', 0xec, 'Uri')).toBe('I\u0361Uri');
  });

  it('decodes ANSEL spacing letters and G1 specials', () => {
    expect(m8(0xa1, 'od', 0xb8)).toBe('Łodı');
    expect(m8(0xc3)).toBe('©');
  });

  it('switches sets with escapes: Cyrillic, Greek, Hebrew, Arabic, subscript/superscript, EACC', () => {
    expect(m8(0x1b, '(N', 'mOSKWA', 0x1b, '(B')).toBe('Москва');
    expect(m8(0x1b, '(S', 'abd', 0x1b, '(B')).toBe('αβγ');
    expect(m8(0x1b, '(2', '`abc', 0x1b, '(B')).toBe('אבגד');
    expect(m8('H', 0x1b, 'b', '2', 0x1b, 's', 'O')).toBe('H₂O');
    expect(m8('x', 0x1b, 'p', '2', 0x1b, 's')).toBe('x²');
    expect(m8(0x1b, 'g', 'a', 0x1b, 's')).toBe('α');
    // EACC: three bytes a character, and a space stays one byte.
    expect(m8(0x1b, '$1', '!0!', ' ', '!0"', 0x1b, '(B')).toBe(`${m8(0x1b, '$1', '!0!')} ${m8(0x1b, '$1', '!0"')}`);
    expect(m8(0x1b, '$1', '!S+', 0x1b, '(B', '.')).toBe('肖.');
  });

  it('reports bytes it cannot map instead of guessing', () => {
    const r = marc8ToUnicode(Buffer.from([0x41, 0xaf, 0x42]));
    expect(r.unmapped).toBe(1);
    expect(r.text).toBe('A\ufffdB');
  });

  it('resynchronises after a broken EACC triple', () => {
    const r = marc8ToUnicode(Buffer.concat([Buffer.from('\x1b$1~~', 'latin1'), Buffer.from('!S+\x1b(B', 'latin1')]));
    expect(r.text).toBe('\ufffd肖');
  });

  it('reads the Perl MARC::Charset CJK, Hebrew and Cyrillic test records without unmapped characters', async () => {
    for (const f of ['cjk1', 'cjk2', 'cjk4', 'hebrew1', 'hebrew2', 'hebrew3', 'hebrew4', 'cyrillic']) {
      for await (const r of readIso2709Buffer(readFileSync(join(DATA, `perl-marc/marc-charset/t/${f}.marc`)))) {
        expect(r.ok, f).toBe(true);
        if (!r.ok) continue;
        expect(r.charset, f).toBe('marc-8');
        expect(
          r.warnings.filter((w) => w.includes('no mapping')),
          f,
        ).toEqual([]);
        const text = r.record.fields
          .map((x) => (isControlField(x) ? x.value : x.subfields.map((s) => s.value).join(' ')))
          .join('\n');
        expect(text.normalize('NFC')).toBe(text);
        if (f.startsWith('cjk'))
          expect(text).toMatch(/\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}|\p{Script=Hangul}/u);
        if (f.startsWith('hebrew')) expect(text).toMatch(/\p{Script=Hebrew}/u);
        if (f === 'cyrillic') expect(text).toMatch(/\p{Script=Cyrillic}/u);
      }
    }
  });
});
