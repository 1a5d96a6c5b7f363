import { foldText } from './normalize.ts';
import { spellingKey } from './spelling.ts';

/**
 * How words are folded for search, the same way when indexing and when
 * querying: the matcher's fold (normalize.ts `foldText`): lower case, no
 * diacritics, apostrophes dropped rather than split ("Ka’bah" and "kabah",
 * "Qur'an" and "quran" are one word), letters and digits only. What it gives
 * is stored in every cluster's search document: a change here must bump
 * SEARCH_INDEX_VERSION (search-index.ts) so that stored documents are rebuilt.
 */
export const fold = foldText;

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
