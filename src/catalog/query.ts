import { words } from './search-text.ts';

/**
 * The catalog's query language, shared by the search box, the API and the SRU
 * server (CQL is translated into the same tree):
 *   sejarah minangkabau            both words (AND)
 *   "tambo alam"                   phrase
 *   judul:sejarah  title:history   a field (judul/title, pengarang/author, subjek/subject,
 *                                   isbn, issn, nopanggil/callnumber, penerbit/publisher, tahun/year)
 *   tahun:1990-2000                a year range
 *   hatta OR hamka                 either
 *   -politik   NOT politik         without
 *   ( ... )                        grouping
 */

export type Field = 'any' | 'title' | 'author' | 'subject' | 'isbn' | 'issn' | 'callnumber' | 'publisher' | 'year';

export type Query =
  | { type: 'term'; field: Field; value: string; phrase: boolean }
  | { type: 'and'; children: Query[] }
  | { type: 'or'; children: Query[] }
  | { type: 'not'; child: Query }
  | { type: 'all' };

const FIELD_ALIASES: Record<string, Field> = {
  judul: 'title',
  title: 'title',
  ti: 'title',
  pengarang: 'author',
  penulis: 'author',
  author: 'author',
  au: 'author',
  creator: 'author',
  subjek: 'subject',
  subject: 'subject',
  su: 'subject',
  isbn: 'isbn',
  issn: 'issn',
  nopanggil: 'callnumber',
  callnumber: 'callnumber',
  klasifikasi: 'callnumber',
  penerbit: 'publisher',
  publisher: 'publisher',
  tahun: 'year',
  year: 'year',
  date: 'year',
};

export function fieldOf(name: string): Field | undefined {
  return FIELD_ALIASES[name.toLowerCase()];
}

type Token =
  | { t: 'word'; v: string; field?: Field }
  | { t: 'phrase'; v: string; field?: Field }
  | { t: 'and' | 'or' | 'not' | 'lp' | 'rp' };

function tokenize(input: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:(\()|(\))|(-)?(?:([\p{L}_]+):)?(?:"([^"]*)"?|([^\s()"]+)))/uy;
  let pos = 0;
  while (pos < input.length) {
    re.lastIndex = pos;
    const m = re.exec(input);
    if (!m || m[0].length === 0) {
      pos++;
      continue;
    }
    pos = re.lastIndex;
    if (m[1]) out.push({ t: 'lp' });
    else if (m[2]) out.push({ t: 'rp' });
    else {
      const negate = Boolean(m[3]);
      const field = m[4] ? fieldOf(m[4]) : undefined;
      // An unknown "x:" prefix is just part of the words.
      const prefix = m[4] && !field ? `${m[4]} ` : '';
      if (negate) out.push({ t: 'not' });
      if (m[5] !== undefined) out.push({ t: 'phrase', v: prefix + m[5], ...(field ? { field } : {}) });
      else if (m[6] !== undefined) {
        const v = m[6];
        if (!field && !negate && /^(AND|DAN)$/.test(v)) out.push({ t: 'and' });
        else if (!field && !negate && /^(OR|ATAU)$/.test(v)) out.push({ t: 'or' });
        else if (!field && !negate && /^(NOT|BUKAN)$/.test(v)) out.push({ t: 'not' });
        else out.push({ t: 'word', v: prefix + v, ...(field ? { field } : {}) });
      }
    }
  }
  return out;
}

/** Never throws: whatever a user types becomes some query. */
export function parseQuery(input: string): Query {
  const tokens = tokenize(input);
  let i = 0;
  const peek = () => tokens[i];

  function primary(): Query | null {
    const tok = tokens[i];
    if (!tok) return null;
    if (tok.t === 'lp') {
      i++;
      const q = orExpr();
      if (peek()?.t === 'rp') i++;
      return q;
    }
    if (tok.t === 'not') {
      i++;
      const q = primary();
      return q ? { type: 'not', child: q } : null;
    }
    if (tok.t === 'word' || tok.t === 'phrase') {
      i++;
      const field = tok.field ?? 'any';
      const value = tok.v.trim();
      if (!value) return null;
      if (tok.t === 'word' && field !== 'year' && field !== 'isbn' && field !== 'issn' && field !== 'callnumber') {
        // "abc-def" or "ilmu/pengetahuan" are several words standing together: a phrase.
        const ws = words(value);
        if (ws.length > 1) return { type: 'term', field, value, phrase: true };
        if (ws.length === 0) return null;
      }
      return { type: 'term', field, value, phrase: tok.t === 'phrase' };
    }
    i++; // stray operator or parenthesis
    return primary();
  }

  function andExpr(): Query | null {
    const parts: Query[] = [];
    for (;;) {
      const tok = peek();
      if (!tok || tok.t === 'or' || tok.t === 'rp') break;
      if (tok.t === 'and') {
        i++;
        continue;
      }
      const q = primary();
      if (q) parts.push(q);
    }
    if (parts.length === 0) return null;
    return parts.length === 1 ? (parts[0] as Query) : { type: 'and', children: parts };
  }

  function orExpr(): Query {
    const parts: Query[] = [];
    for (;;) {
      const q = andExpr();
      if (q) parts.push(q);
      if (peek()?.t === 'or') {
        i++;
        continue;
      }
      if (peek()?.t === 'rp' && parts.length === 0) {
        i++;
        continue;
      }
      break;
    }
    if (parts.length === 0) return { type: 'all' };
    return parts.length === 1 ? (parts[0] as Query) : { type: 'or', children: parts };
  }

  let q = orExpr();
  // Leftover tokens (an unmatched ")") continue the query as AND.
  while (i < tokens.length) {
    if (peek()?.t === 'rp') {
      i++;
      continue;
    }
    const more = orExpr();
    q = more.type === 'all' ? q : q.type === 'all' ? more : { type: 'and', children: [q, more] };
  }
  return q;
}

export function and(...qs: Query[]): Query {
  const parts = qs.filter((q) => q.type !== 'all');
  if (parts.length === 0) return { type: 'all' };
  return parts.length === 1 ? (parts[0] as Query) : { type: 'and', children: parts };
}
