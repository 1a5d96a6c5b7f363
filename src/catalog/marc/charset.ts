import { isAscii, isUtf8 } from 'node:buffer';

/**
 * Which character set a record's bytes are in. Leader/09 says 'a' (UTF-8) or
 * blank (MARC-8), and is wrong often enough in real exports that it is only
 * the first guess: bytes that are not valid UTF-8 cannot be UTF-8 whatever the
 * leader says, and multibyte UTF-8 with no MARC-8 escape is almost never
 * MARC-8 (ANSEL would need a combining mark before every 0x80-0xBF byte).
 */

export type MarcCharset = 'utf-8' | 'marc-8' | 'iso-8859-1';

/** What the caller may force instead of the detection. */
export type CharsetOption = 'auto' | MarcCharset;

export interface CharsetGuess {
  charset: MarcCharset;
  /** Only when MARC-8 is chosen by the bytes, not forced: fall to Latin-1 if MARC-8 leaves bytes unmapped. */
  latin1IfUnmapped: boolean;
}

/** `data` is the record from the directory on (the leader is always ASCII). */
export function guessCharset(
  leader09: number,
  data: Uint8Array,
  known?: { ascii: boolean; utf8: boolean },
): CharsetGuess {
  if (known ? known.ascii : isAscii(data))
    return { charset: leader09 === 0x61 ? 'utf-8' : 'marc-8', latin1IfUnmapped: false };
  const hasEscape = data.includes(0x1b);
  if ((known ? known.utf8 : isUtf8(data)) && (leader09 === 0x61 || !hasEscape))
    return { charset: 'utf-8', latin1IfUnmapped: false };
  return { charset: 'marc-8', latin1IfUnmapped: !hasEscape };
}
