import { spellingKey } from './spelling.ts';

/**
 * How words are folded for search, the same way when indexing and when
 * querying: lower case, no diacritics, letters and digits only.
 */
// Plain ASCII (most catalogue text) needs no Unicode normalisation: same result, several times faster.
const ASCII = /^[\x20-\x7e]*$/;

export function fold(s: string): string {
  if (ASCII.test(s))
    return s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ')
      .trim();
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function words(s: string): string[] {
  const f = fold(s);
  return f ? f.split(' ') : [];
}

/**
 * A word also stands for its spelling key, in which the old Indonesian
 * spellings meet the modern ones (Soekarno/Sukarno, Djakarta/Jakarta,
 * rakjat/rakyat): see spelling.ts.
 */
export function spellingVariants(word: string): string[] {
  const key = spellingKey(word);
  return key === word ? [word] : [word, key];
}
