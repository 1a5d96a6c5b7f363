import { describe, expect, it } from 'vitest';
import { parseQuery } from './query.ts';

const term = (value: string, field = 'any', phrase = false) => ({ type: 'term', field, value, phrase });

describe('query language', () => {
  it('reads plain words as AND', () => {
    expect(parseQuery('sejarah minangkabau')).toEqual({
      type: 'and',
      children: [term('sejarah'), term('minangkabau')],
    });
  });

  it('reads quoted phrases, fields in both languages and year ranges', () => {
    expect(parseQuery('"tambo alam" judul:adat author:hamka tahun:1990-2000')).toEqual({
      type: 'and',
      children: [
        term('tambo alam', 'any', true),
        term('adat', 'title'),
        term('hamka', 'author'),
        term('1990-2000', 'year'),
      ],
    });
  });

  it('reads OR, NOT and minus, in English or Indonesian', () => {
    expect(parseQuery('hatta OR hamka -politik')).toEqual({
      type: 'or',
      children: [term('hatta'), { type: 'and', children: [term('hamka'), { type: 'not', child: term('politik') }] }],
    });
    expect(parseQuery('hatta ATAU hamka BUKAN politik')).toEqual(parseQuery('hatta OR hamka NOT politik'));
  });

  it('groups with parentheses', () => {
    expect(parseQuery('(hatta OR sjahrir) proklamasi')).toEqual({
      type: 'and',
      children: [{ type: 'or', children: [term('hatta'), term('sjahrir')] }, term('proklamasi')],
    });
  });

  it('turns hyphenated words into a phrase but keeps ISBNs whole', () => {
    expect(parseQuery('ilmu-pengetahuan')).toEqual(term('ilmu-pengetahuan', 'any', true));
    expect(parseQuery('isbn:979-433-123-4')).toEqual(term('979-433-123-4', 'isbn'));
  });

  it('never fails on odd input', () => {
    for (const s of ['', '   ', '"', '(((', ')))', 'OR', 'NOT', '-', 'judul:', '""', 'a:b:c', '((a) OR']) {
      expect(() => parseQuery(s)).not.toThrow();
    }
    expect(parseQuery('')).toEqual({ type: 'all' });
    expect(parseQuery('unknown:word')).toEqual(term('unknown word', 'any', true));
  });
});
