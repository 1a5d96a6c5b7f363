/**
 * Words too common to say anything about a title, in Indonesian and English
 * (folded forms). A query drops them unless they are all it has ("The Who",
 * "Dan") or they stand in a phrase; the index keeps them, so phrases and
 * all-stop-word queries still find their titles.
 */
const INDONESIAN = `yang dan di ke dari untuk dengan pada dalam ini itu atau oleh sebagai adalah akan tidak juga
  karena bagi tentang antara kepada para serta hingga sampai telah sudah bahwa agar dapat secara ia nya pun
  ada lebih bisa masih hanya saja tersebut yaitu yakni maupun namun tetapi tapi jika kalau maka sedang se`;
const ENGLISH = `the a an of and or in on at to for with by from is are was were be been as into its it this that
  these those their his her our your not no but than then there which who whom what when where how`;

export const STOP_WORDS: ReadonlySet<string> = new Set(`${INDONESIAN} ${ENGLISH}`.split(/\s+/).filter(Boolean));

export function isStopWord(foldedWord: string): boolean {
  return STOP_WORDS.has(foldedWord);
}
