import type { Bib, MarcDataField, MarcField, MarcRecord } from './types.ts';

/**
 * A MARC21 bibliographic record made from a cluster's display description,
 * for SRU and OAI-PMH clients that want MARCXML whatever the source format.
 */

const LEADER_TYPE: Record<string, [string, string]> = {
  book: ['a', 'm'],
  thesis: ['a', 'm'],
  serial: ['a', 's'],
  article: ['a', 'b'],
  map: ['e', 'm'],
  music: ['c', 'm'],
  audio: ['i', 'm'],
  video: ['g', 'm'],
  electronic: ['m', 'm'],
  manuscript: ['t', 'm'],
  other: ['a', 'm'],
};

const df = (
  tag: string,
  ind1: string,
  ind2: string,
  subs: Array<[string, string | undefined]>,
): MarcDataField | null => {
  const subfields = subs.filter((s): s is [string, string] => Boolean(s[1])).map(([code, value]) => ({ code, value }));
  return subfields.length ? { tag, ind1, ind2, subfields } : null;
};

export function bibToMarc(b: Bib, controlNumber: string): MarcRecord {
  const [type, level] = LEADER_TYPE[b.format] ?? ['a', 'm'];
  const year = b.year ? String(b.year).padStart(4, '0').slice(-4) : '    ';
  const lang = (b.language ?? 'und').padEnd(3, ' ').slice(0, 3);
  const f008 = `      s${year}    xx            000 0 ${lang} d`;
  const fields: Array<MarcField | null> = [
    { tag: '001', value: controlNumber },
    { tag: '008', value: f008 },
    ...b.isbns.map((i) => df('020', ' ', ' ', [['a', i]])),
    ...b.issns.map((i) => df('022', ' ', ' ', [['a', i]])),
    df('082', '0', '4', [['a', b.ddc]]),
    b.authors[0] ? df(b.authors[0].includes(',') ? '100' : '110', '1', ' ', [['a', b.authors[0]]]) : null,
    df('245', b.authors[0] ? '1' : '0', '0', [
      ['a', b.title],
      ['b', b.subtitle],
      ['c', b.responsibility],
    ]),
    df('250', ' ', ' ', [['a', b.edition]]),
    df('264', ' ', '1', [
      ['a', b.place],
      ['b', b.publisher],
      ['c', b.year ? String(b.year) : undefined],
    ]),
    df('300', ' ', ' ', [['a', b.physical ?? (b.pages ? `${b.pages} p.` : undefined)]]),
    df('490', '0', ' ', [['a', b.series]]),
    ...(b.notes ?? []).map((n) => df('500', ' ', ' ', [['a', n]])),
    ...b.subjects.map((s) => df('650', ' ', '4', [['a', s]])),
    ...b.authors.slice(1).map((a) => df(a.includes(',') ? '700' : '710', '1', ' ', [['a', a]])),
  ];
  return { leader: `00000n${type}${level} a2200000 i 4500`, fields: fields.filter((f): f is MarcField => f !== null) };
}
