import type { Field, Query } from './query.ts';

/**
 * CQL (Contextual Query Language, the query language of SRU) into Simpul's
 * query tree. Supported: dc.title, dc.creator/dc.author, dc.subject,
 * dc.publisher, dc.date, dc.identifier, bath.isbn, bath.issn, cql.serverChoice,
 * relations = == adj all any exact, boolean and/or/not/prox, parentheses,
 * quoted terms. Anything else is an SRU diagnostic, never an exception.
 */

export class CqlError extends Error {
  constructor(
    /** SRU diagnostic number: info:srw/diagnostic/1/<code> */
    readonly code: number,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

const INDEXES: Record<string, Field> = {
  'cql.serverchoice': 'any',
  'cql.anywhere': 'any',
  'cql.keywords': 'any',
  serverchoice: 'any',
  anywhere: 'any',
  'dc.title': 'title',
  title: 'title',
  'dc.creator': 'author',
  'dc.author': 'author',
  'dc.contributor': 'author',
  creator: 'author',
  author: 'author',
  'dc.subject': 'subject',
  subject: 'subject',
  'dc.publisher': 'publisher',
  'dc.date': 'year',
  'dc.identifier': 'isbn',
  'bath.isbn': 'isbn',
  isbn: 'isbn',
  'bath.issn': 'issn',
  issn: 'issn',
  'rec.identifier': 'any',
};

type Tok =
  | { k: 'word'; v: string; quoted: boolean }
  | { k: 'lp' }
  | { k: 'rp' }
  | { k: 'rel'; v: string }
  | { k: 'slash' };

function lex(input: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(') {
      out.push({ k: 'lp' });
      i++;
    } else if (c === ')') {
      out.push({ k: 'rp' });
      i++;
    } else if (c === '/') {
      out.push({ k: 'slash' });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      let v = '';
      while (j < input.length && input[j] !== '"') {
        if (input[j] === '\\' && j + 1 < input.length) j++;
        v += input[j];
        j++;
      }
      if (j >= input.length) throw new CqlError(10, 'Query syntax error', 'unterminated quoted string');
      out.push({ k: 'word', v, quoted: true });
      i = j + 1;
    } else if ('=<>'.includes(c)) {
      const two = input.slice(i, i + 2);
      const v = ['==', '<>', '<=', '>='].includes(two) ? two : c;
      out.push({ k: 'rel', v });
      i += v.length;
    } else {
      let j = i;
      while (j < input.length && !/[\s()=<>/"]/.test(input[j] as string)) j++;
      out.push({ k: 'word', v: input.slice(i, j), quoted: false });
      i = j;
    }
  }
  return out;
}

const NAMED_RELATIONS = new Set(['adj', 'all', 'any', 'exact', 'within', 'encloses', 'scr']);
const BOOLEANS = new Set(['and', 'or', 'not', 'prox']);

export function parseCql(input: string): Query {
  const toks = lex(input);
  if (toks.length === 0) throw new CqlError(10, 'Query syntax error', 'empty query');
  let i = 0;

  const skipModifiers = () => {
    while (toks[i]?.k === 'slash') {
      i++;
      const m = toks[i];
      if (m?.k !== 'word') throw new CqlError(10, 'Query syntax error', 'modifier expected after /');
      i++;
      if (toks[i]?.k === 'rel') i += 2; // modifier with a value
    }
  };

  function clause(): Query {
    const t = toks[i];
    if (!t) throw new CqlError(10, 'Query syntax error', 'search term expected');
    if (t.k === 'lp') {
      i++;
      const q = query();
      if (toks[i]?.k !== 'rp') throw new CqlError(13, 'Invalid or unsupported use of parentheses');
      i++;
      return q;
    }
    if (t.k !== 'word') throw new CqlError(10, 'Query syntax error', 'search term expected');
    const next = toks[i + 1];
    const isRelation =
      next?.k === 'rel' || (next?.k === 'word' && !next.quoted && NAMED_RELATIONS.has(next.v.toLowerCase()));
    if (!t.quoted && isRelation && next) {
      const index = t.v.toLowerCase();
      const field = INDEXES[index];
      if (!field) throw new CqlError(16, 'Unsupported index', t.v);
      const relation = next.k === 'rel' ? next.v : next.v.toLowerCase();
      i += 2;
      skipModifiers();
      const term = toks[i];
      if (term?.k !== 'word') throw new CqlError(10, 'Query syntax error', 'search term expected after relation');
      i++;
      return termQuery(field, relation, term.v);
    }
    i++;
    return termQuery('any', '=', t.v);
  }

  function query(): Query {
    let left = clause();
    for (;;) {
      const t = toks[i];
      if (t?.k !== 'word' || t.quoted || !BOOLEANS.has(t.v.toLowerCase())) break;
      const op = t.v.toLowerCase();
      i++;
      skipModifiers();
      const right = clause();
      if (op === 'or') left = { type: 'or', children: [left, right] };
      else if (op === 'not') left = { type: 'and', children: [left, { type: 'not', child: right }] };
      else left = { type: 'and', children: [left, right] };
    }
    return left;
  }

  const q = query();
  if (i < toks.length) throw new CqlError(10, 'Query syntax error', `unexpected ${JSON.stringify(toks[i])}`);
  return q;
}

function termQuery(field: Field, relation: string, value: string): Query {
  const words = value.split(/\s+/).filter(Boolean);
  if (value === '*' || words.length === 0) return { type: 'all' };
  if (field === 'year') {
    const y = value.trim();
    switch (relation) {
      case '=':
      case '==':
      case 'exact':
      case 'within':
        return { type: 'term', field, value: y.replace(/\s+/, '-'), phrase: false };
      case '>=':
      case '>':
        return { type: 'term', field, value: `${Number(y) + (relation === '>' ? 1 : 0)}-9999`, phrase: false };
      case '<=':
      case '<':
        return { type: 'term', field, value: `0000-${Number(y) - (relation === '<' ? 1 : 0)}`, phrase: false };
      default:
        throw new CqlError(19, 'Unsupported relation', relation);
    }
  }
  switch (relation) {
    case '=':
    case 'adj':
    case '==':
    case 'exact':
    case 'scr':
      return words.length > 1
        ? { type: 'term', field, value, phrase: true }
        : { type: 'term', field, value, phrase: false };
    case 'all':
      return words.length > 1
        ? { type: 'and', children: words.map((w) => ({ type: 'term', field, value: w, phrase: false })) }
        : { type: 'term', field, value, phrase: false };
    case 'any':
      return words.length > 1
        ? { type: 'or', children: words.map((w) => ({ type: 'term', field, value: w, phrase: false })) }
        : { type: 'term', field, value, phrase: false };
    default:
      throw new CqlError(19, 'Unsupported relation', relation);
  }
}
