import { describe, expect, it } from 'vitest';
import { type CqlError, parseCql } from './cql.ts';

const term = (value: string, field = 'any', phrase = false) => ({ type: 'term', field, value, phrase });

describe('CQL', () => {
  it('maps the Dublin Core and bath indexes', () => {
    expect(parseCql('dc.title = sejarah')).toEqual(term('sejarah', 'title'));
    expect(parseCql('dc.creator=hamka')).toEqual(term('hamka', 'author'));
    expect(parseCql('bath.isbn = 9794331234')).toEqual(term('9794331234', 'isbn'));
    expect(parseCql('cql.serverChoice = "tambo alam"')).toEqual(term('tambo alam', 'any', true));
    expect(parseCql('minangkabau')).toEqual(term('minangkabau'));
  });

  it('reads and, or, not with parentheses, left to right', () => {
    expect(parseCql('dc.title = adat and (dc.creator = hamka or dc.creator = navis) not dc.subject = politik')).toEqual(
      {
        type: 'and',
        children: [
          {
            type: 'and',
            children: [
              term('adat', 'title'),
              { type: 'or', children: [term('hamka', 'author'), term('navis', 'author')] },
            ],
          },
          { type: 'not', child: term('politik', 'subject') },
        ],
      },
    );
  });

  it('reads all/any relations, modifiers and year comparisons', () => {
    expect(parseCql('dc.title all "sejarah adat"')).toEqual({
      type: 'and',
      children: [term('sejarah', 'title'), term('adat', 'title')],
    });
    expect(parseCql('dc.title any "hatta sjahrir"')).toEqual({
      type: 'or',
      children: [term('hatta', 'title'), term('sjahrir', 'title')],
    });
    expect(parseCql('dc.title =/stem sejarah')).toEqual(term('sejarah', 'title'));
    expect(parseCql('dc.date >= 1990')).toEqual(term('1990-9999', 'year'));
  });

  it('answers bad queries with the SRU diagnostic codes', () => {
    const code = (q: string) => {
      try {
        parseCql(q);
        return 0;
      } catch (e) {
        return (e as CqlError).code;
      }
    };
    expect(code('')).toBe(10);
    expect(code('dc.title = "unterminated')).toBe(10);
    expect(code('(dc.title = a')).toBe(13);
    expect(code('foo.bar = x')).toBe(16);
    expect(code('dc.title within x')).toBe(19);
    expect(code('dc.title =')).toBe(10);
  });
});
