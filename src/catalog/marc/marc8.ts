import { MARC8_SETS } from './marc8-tables.ts';

/**
 * MARC-8 to Unicode. MARC-8 is ISO 2022-like: escape sequences switch the
 * working sets G0 (bytes 0x21-0x7E) and G1 (0xA1-0xFE) between the Library of
 * Congress character sets; diacritics are combining marks written BEFORE their
 * base letter, the opposite of Unicode, so they are held back and emitted after
 * the next spacing character, and the result is NFC-composed.
 *
 * Code tables: marc8-tables.ts, generated from LoC's tables (see scripts/gen-marc8-tables.ts).
 */

/** Final characters of the escape sequences that designate each set. */
export const MARC8_SET = {
  basicLatin: 0x42, // ASCII, default G0
  extendedLatin: 0x45, // ANSEL, default G1
  greekSymbols: 0x67,
  subscripts: 0x62,
  superscripts: 0x70,
  hebrew: 0x32,
  basicCyrillic: 0x4e,
  extendedCyrillic: 0x51,
  basicArabic: 0x33,
  extendedArabic: 0x34,
  basicGreek: 0x53,
  eacc: 0x31, // CJK, three bytes a character
} as const;

const ESC = 0x1b;
const NOT_MAPPED = -1;

/** One single-byte set: 7-bit code -> code point, and which codes are combining. */
interface ByteSet {
  map: Int32Array;
  combining: Uint8Array;
  /** C1 bytes (0x80-0x9F) this set gives meaning to, e.g. ANSEL's non-sort markers. */
  c1: Map<number, number>;
}

let byteSets: Map<number, ByteSet> | undefined;
let eacc: Map<number, number> | undefined;

function* entries(packed: string): Generator<[code: number, ucs: number, combining: boolean]> {
  let code = 0;
  for (const part of packed.split(',')) {
    const colon = part.indexOf(':');
    const combining = part.endsWith('*');
    code += Number.parseInt(part.slice(0, colon), 36);
    yield [code, Number.parseInt(part.slice(colon + 1, combining ? -1 : undefined), 36), combining];
  }
}

function loadByteSets(): Map<number, ByteSet> {
  if (byteSets) return byteSets;
  byteSets = new Map();
  for (const [key, packed] of Object.entries(MARC8_SETS)) {
    const id = Number(key);
    if (id === MARC8_SET.eacc) continue;
    const set: ByteSet = { map: new Int32Array(128).fill(NOT_MAPPED), combining: new Uint8Array(128), c1: new Map() };
    for (const [code, ucs, combining] of entries(packed)) {
      if (code >= 0x80) {
        set.c1.set(code, ucs);
        continue;
      }
      set.map[code] = ucs;
      if (combining) set.combining[code] = 1;
    }
    // Space is space in every set, including when a set is invoked into G1.
    set.map[0x20] = 0x20;
    byteSets.set(id, set);
  }
  return byteSets;
}

function loadEacc(): Map<number, number> {
  if (eacc) return eacc;
  eacc = new Map();
  for (const [code, ucs] of entries(MARC8_SETS[MARC8_SET.eacc] ?? '')) eacc.set(code, ucs);
  return eacc;
}

/** Whether a byte can end a designation (the "F" of ESC ( F etc.). */
function isKnownSet(f: number): boolean {
  return f === MARC8_SET.eacc || loadByteSets().has(f);
}

export interface Marc8Result {
  text: string;
  /** Bytes or byte triples with no mapping in the set in force; each became U+FFFD. */
  unmapped: number;
}

/**
 * Decodes MARC-8. One decoder per field: MARC-8 says every field starts in the
 * default sets (G0 ASCII, G1 ANSEL), while the sets designated in one subfield
 * stay in force for the next.
 */
export class Marc8Decoder {
  private g0 = MARC8_SET.basicLatin as number;
  private g1 = MARC8_SET.extendedLatin as number;
  unmapped = 0;
  private inBadEacc = false;

  reset(): void {
    this.g0 = MARC8_SET.basicLatin;
    this.g1 = MARC8_SET.extendedLatin;
  }

  decode(bytes: Uint8Array, start = 0, end = bytes.length): string {
    const sets = loadByteSets();
    this.inBadEacc = false;
    // Code points; combining marks wait in `pending` for the base letter they precede.
    const out: number[] = [];
    let pending: number[] | undefined;
    let sawCombining = false;
    const emit = (cp: number): void => {
      out.push(cp);
      if (pending) {
        for (const c of pending) out.push(c);
        pending = undefined;
      }
    };
    let i = start;
    while (i < end) {
      const b = bytes[i]!;
      if (b === ESC) {
        const used = this.escape(bytes, i, end);
        if (used > 0) {
          i += used;
          continue;
        }
        // A lone or unknown escape: drop the ESC byte, keep what follows as text.
        i++;
        continue;
      }
      // EACC triples may hold 0x20 or 0x7F in any position (e.g. 0x7F2014 is an em dash); only a
      // leading space is a space.
      if (this.g0 === MARC8_SET.eacc && b > 0x20 && b <= 0x7f) {
        i += this.eaccAt(bytes, i, end, emit);
        continue;
      }
      if (b < 0x20 || b === 0x7f) {
        emit(b);
        i++;
        continue;
      }
      if (b === 0x20) {
        emit(0x20);
        i++;
        continue;
      }
      if (b >= 0x80 && b < 0xa0) {
        // C1 controls live outside G0/G1; ANSEL and Extended Arabic define a few.
        const cp = sets.get(this.g1)?.c1.get(b) ?? sets.get(MARC8_SET.extendedLatin)?.c1.get(b);
        if (cp !== undefined) emit(cp);
        else {
          this.unmapped++;
          emit(0xfffd);
        }
        i++;
        continue;
      }
      const high = b >= 0x80;
      const setId = high ? this.g1 : this.g0;
      if (setId === MARC8_SET.eacc) {
        i += this.eaccAt(bytes, i, end, emit);
        continue;
      }
      const set = sets.get(setId);
      const code = b & 0x7f;
      const cp = set ? set.map[code]! : NOT_MAPPED;
      if (cp === NOT_MAPPED) {
        this.unmapped++;
        emit(0xfffd);
      } else if (set!.combining[code]) {
        sawCombining = true;
        // MARC-8 writes a double diacritic as two halves around the second letter; Unicode has one
        // character (U+0361, U+0360) after the first letter, so the right halves are dropped.
        if (cp !== 0xfe21 && cp !== 0xfe23) {
          pending ??= [];
          pending.push(cp);
        }
      } else emit(cp);
      i++;
    }
    // Marks with no base letter after them stay, in order, at the end.
    if (pending) for (const c of pending) out.push(c);
    let text = '';
    for (let k = 0; k < out.length; k += 4096) text += String.fromCodePoint(...out.slice(k, k + 4096));
    return sawCombining ? text.normalize('NFC') : text;
  }

  /** Decodes the triple at i; returns how many bytes to advance. */
  private eaccAt(bytes: Uint8Array, i: number, end: number, emit: (cp: number) => void): number {
    const cp =
      i + 3 <= end
        ? loadEacc().get(((bytes[i]! & 0x7f) << 16) | ((bytes[i + 1]! & 0x7f) << 8) | (bytes[i + 2]! & 0x7f))
        : undefined;
    if (cp !== undefined) {
      this.inBadEacc = false;
      emit(cp);
      return 3;
    }
    // A lost byte shifts every later triple; stepping one byte at a time finds the
    // alignment again, and the whole bad stretch becomes a single U+FFFD.
    if (!this.inBadEacc) {
      this.unmapped++;
      emit(0xfffd);
    }
    this.inBadEacc = true;
    return i + 3 <= end ? 1 : end - i;
  }

  /** Applies the escape sequence at `i`; returns its length, or 0 when it is not one we know. */
  private escape(bytes: Uint8Array, i: number, end: number): number {
    const at = (k: number): number => (i + k < end ? bytes[i + k]! : -1);
    const b1 = at(1);
    // Technique 1: Greek symbols, subscripts, superscripts, and back to ASCII, into G0.
    if (b1 === 0x67 || b1 === 0x62 || b1 === 0x70) {
      this.g0 = b1;
      return 2;
    }
    if (b1 === 0x73) {
      this.g0 = MARC8_SET.basicLatin;
      return 2;
    }
    // Technique 2: ESC I F with I = ( or , for G0, ) or - for G1; ESC $ [I] F for the multibyte set.
    let toG1 = false;
    let k = 2;
    if (b1 === 0x28 || b1 === 0x2c) toG1 = false;
    else if (b1 === 0x29 || b1 === 0x2d) toG1 = true;
    else if (b1 === 0x24) {
      const b2 = at(2);
      if (b2 === 0x2c) k = 3;
      else if (b2 === 0x29 || b2 === 0x2d) {
        toG1 = true;
        k = 3;
      }
    } else return 0;
    let f = at(k);
    // ANSEL's registered sequence carries an extra intermediate: ESC ) ! E.
    if (f === 0x21) {
      k++;
      f = at(k);
    }
    if (f < 0 || !isKnownSet(f)) return 0;
    if (toG1) this.g1 = f;
    else this.g0 = f;
    return k + 1;
  }
}

/** MARC-8 bytes of one field or string to Unicode (NFC). */
export function marc8ToUnicode(bytes: Uint8Array | string): Marc8Result {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  const d = new Marc8Decoder();
  const text = d.decode(buf);
  return { text, unmapped: d.unmapped };
}
