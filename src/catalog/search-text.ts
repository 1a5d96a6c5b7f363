/**
 * How words are folded for search, the same way when indexing and when
 * querying: lower case, no diacritics, letters and digits only.
 */
export function fold(s: string): string {
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
 * Old Indonesian spellings (before 1972, and the van Ophuijsen "oe"): a word
 * also stands for its modern form, Soekarno -> sukarno, Djakarta -> jakarta.
 */
export function spellingVariants(word: string): string[] {
  const modern = word
    .replace(/oe/g, 'u')
    .replace(/dj/g, 'j')
    .replace(/tj/g, 'c')
    .replace(/nj/g, 'ny')
    .replace(/sj/g, 'sy')
    .replace(/ch/g, 'kh');
  return modern === word ? [word] : [word, modern];
}

/** The text with each old-spelling word followed by its modern form, for indexing. */
export function withModernSpelling(text: string): string {
  return words(text)
    .flatMap((w) => spellingVariants(w))
    .join(' ');
}
