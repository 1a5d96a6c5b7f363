import { isAscii, isUtf8 } from 'node:buffer';
import type { MarcField, MarcRecord, MarcSubfield } from '../types.ts';
import { type CharsetOption, guessCharset, type MarcCharset } from './charset.ts';
import { Marc8Decoder } from './marc8.ts';

/**
 * ISO 2709 (MARC 21 "transmission format") reading. Records are framed by the
 * length in the leader and the record terminator; each is checked against its
 * directory and decoded field by field into Unicode. Bad data never throws: a
 * record that cannot be read comes back as `{ ok: false, reason }`, and the
 * stream reader resynchronises on the next record terminator or leader.
 */

const RT = 0x1d; // record terminator
const FT = 0x1e; // field terminator
const SD = 0x1f; // subfield delimiter

/** Above this many bytes without a record boundary the pending bytes are given up as garbage. */
const MAX_PENDING = 1 << 20;

export interface Iso2709Options {
  /** Force a character set instead of detecting it (see charset.ts). */
  charset?: CharsetOption;
}

export interface Iso2709Ok {
  ok: true;
  record: MarcRecord;
  /** Byte offset of the record in the input. */
  offset: number;
  length: number;
  /** The character set the record was decoded from; the record itself is Unicode with leader/09 = 'a'. */
  charset: MarcCharset;
  /** The record's bytes as read. */
  raw: Buffer;
  /** Things that were wrong but could be read past (e.g. a wrong record length). */
  warnings: string[];
}

export interface Iso2709Rejected {
  ok: false;
  offset: number;
  length: number;
  reason: string;
  raw?: Buffer;
}

export type Iso2709Result = Iso2709Ok | Iso2709Rejected;

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x39;
}

function digits(buf: Uint8Array, start: number, n: number): number {
  let v = 0;
  for (let i = start; i < start + n; i++) {
    const b = buf[i];
    if (b === undefined || b < 0x30 || b > 0x39) return -1;
    v = v * 10 + b - 0x30;
  }
  return v;
}

/** Digits where the leader has its numbers: record length (0-4) and base address (12-16). */
function plausibleLeaderAt(buf: Uint8Array, p: number): boolean {
  return p + 24 <= buf.length && digits(buf, p, 5) >= 24 && digits(buf, p + 12, 5) >= 0;
}

function toBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

class RecordError extends Error {}

/** Decodes the bytes of one field, holding MARC-8 escape state across its subfields. */
interface TextDecoderFor {
  field(): void;
  text(buf: Buffer, start: number, end: number): string;
  unmapped(): number;
}

const ASCII = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i));
// biome-ignore lint/suspicious/noControlCharactersInRegex: the range is all of ASCII, on purpose
const NON_ASCII = /[^\u0000-\u007f]/;

function decoderFor(charset: MarcCharset): TextDecoderFor {
  if (charset === 'utf-8') {
    // Composed (NFC) like the MARC-8 path, so that the same text compares equal whatever it came in.
    return {
      field() {},
      text(b, s, e) {
        if (e - s === 1 && b[s]! < 0x80) return ASCII[b[s]!]!;
        const t = b.toString('utf8', s, e);
        return NON_ASCII.test(t) ? t.normalize('NFC') : t;
      },
      unmapped: () => 0,
    };
  }
  if (charset === 'iso-8859-1') {
    return { field() {}, text: (b, s, e) => b.toString('latin1', s, e), unmapped: () => 0 };
  }
  const d = new Marc8Decoder();
  return {
    field: () => d.reset(),
    text(b, s, e) {
      if (e - s === 1 && b[s]! < 0x80 && b[s] !== 0x1b) return ASCII[b[s]!]!;
      // Plain ASCII needs no MARC-8 machinery.
      for (let i = s; i < e; i++) if (b[i]! >= 0x80 || b[i] === 0x1b) return d.decode(b, s, e);
      return b.toString('latin1', s, e);
    },
    unmapped: () => d.unmapped,
  };
}

/**
 * Bytes of the character at p: one, except for a UTF-8 sequence or a MARC-8
 * escape (indicators and subfield codes should be ASCII, but aren't always).
 */
function charLength(buf: Buffer, p: number, end: number, charset: MarcCharset): number {
  const b = buf[p]!;
  if (charset === 'utf-8' && b >= 0xc0) {
    let n = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    while (n > 1 && p + n > end) n--;
    return n;
  }
  return 1;
}

function digitAt(raw: string, i: number, min: number): boolean {
  const c = raw.charCodeAt(i);
  return c >= 0x30 + min && c <= 0x39;
}

/** Whether a leader needs no repair but leader/09 (the common case, checked without building anything). */
function leaderIsSound(raw: string): boolean {
  if (raw.length !== 24) return false;
  for (let i = 0; i < 24; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return (
    digitAt(raw, 0, 0) &&
    digitAt(raw, 1, 0) &&
    digitAt(raw, 2, 0) &&
    digitAt(raw, 3, 0) &&
    digitAt(raw, 4, 0) &&
    digitAt(raw, 12, 0) &&
    digitAt(raw, 13, 0) &&
    digitAt(raw, 14, 0) &&
    digitAt(raw, 15, 0) &&
    digitAt(raw, 16, 0) &&
    digitAt(raw, 10, 1) &&
    digitAt(raw, 11, 1) &&
    digitAt(raw, 20, 3) &&
    digitAt(raw, 21, 4) &&
    digitAt(raw, 22, 0) &&
    digitAt(raw, 23, 0)
  );
}

/**
 * The leader as MARC 21 needs it: the structural positions that must be
 * digits get their only MARC 21 values when damaged, control bytes become
 * blanks, and leader/09 says UTF-8 because the record now is.
 */
export function repairLeader(raw: string): string {
  if (leaderIsSound(raw)) return `${raw.slice(0, 9)}a${raw.slice(10)}`;
  const c = [...raw.padEnd(24, ' ').slice(0, 24)].map((ch) => (ch < ' ' || ch > '~' ? ' ' : ch));
  const digitIn = (i: number, min: number): boolean => c[i]! >= String(min) && c[i]! <= '9';
  for (const i of [0, 1, 2, 3, 4, 12, 13, 14, 15, 16]) if (!digitIn(i, 0)) c[i] = '0';
  if (!digitIn(10, 1)) c[10] = '2';
  if (!digitIn(11, 1)) c[11] = '2';
  if (!digitIn(20, 3)) c[20] = '4';
  if (!digitIn(21, 4)) c[21] = '5';
  if (!digitIn(22, 0)) c[22] = '0';
  if (!digitIn(23, 0)) c[23] = '0';
  c[9] = 'a';
  return c.join('');
}

/**
 * Where each field's bytes are, per the directory (checked). One instance, reused for every
 * record: reading a record is synchronous, and this saves three arrays per record.
 */
class Spans {
  n = 0;
  base = 0;
  tags: string[] = [];
  from = new Int32Array(64);
  to = new Int32Array(64);
  add(tag: string, from: number, to: number): void {
    if (this.n === this.from.length) {
      const f = new Int32Array(this.n * 2);
      f.set(this.from);
      this.from = f;
      const t = new Int32Array(this.n * 2);
      t.set(this.to);
      this.to = t;
    }
    this.tags[this.n] = tag;
    this.from[this.n] = from;
    this.to[this.n] = to;
    this.n++;
  }
}
const SPANS = new Spans();

/** Node's Buffer methods behind toString(), called without its argument handling (ranges here are checked). */
type SliceBuffer = Buffer & {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
};
function latin1(b: Buffer, start: number, end: number): string {
  return (b as SliceBuffer).latin1Slice(start, end);
}
function utf8(b: Buffer, start: number, end: number): string {
  return (b as SliceBuffer).utf8Slice(start, end);
}

/** Tags are three bytes; the strings of numeric ones are shared rather than made anew for every field. */
const TAGS: string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
function tagAt(buf: Buffer, e: number): string {
  const a = buf[e]! - 0x30;
  const b = buf[e + 1]! - 0x30;
  const c = buf[e + 2]! - 0x30;
  if (a >= 0 && a <= 9 && b >= 0 && b <= 9 && c >= 0 && c <= 9) return TAGS[a * 100 + b * 10 + c]!;
  return latin1(buf, e, e + 3);
}

function readDirectory(buf: Buffer, warnings: string[]): Spans {
  const n = buf.length;
  // Entry layout from leader/20-21 (MARC 21: 4 and 5); anything else there is a damaged leader.
  const lenLen = isDigit(buf[20]) && buf[20] !== 0x30 ? buf[20]! - 0x30 : 4;
  const startLen = isDigit(buf[21]) && buf[21] !== 0x30 ? buf[21]! - 0x30 : 5;
  const entryLen = 3 + lenLen + startLen;
  const dirEnd = buf.indexOf(FT, 24);
  if (dirEnd < 0) throw new RecordError('no field terminator after the directory');
  if ((dirEnd - 24) % entryLen !== 0) {
    throw new RecordError(`directory length ${dirEnd - 24} is not a multiple of ${entryLen}`);
  }
  const base = dirEnd + 1;
  const declaredBase = digits(buf, 12, 5);
  if (declaredBase !== base) warnings.push(`leader base address ${declaredBase} but the directory ends at ${dirEnd}`);

  const spans = SPANS;
  spans.n = 0;
  spans.base = base;
  let consistent = true;
  for (let e = 24; e < dirEnd; e += entryLen) {
    const len = digits(buf, e + 3, lenLen);
    const start = digits(buf, e + 3 + lenLen, startLen);
    if (len < 0 || start < 0) {
      throw new RecordError(
        `directory entry ${(e - 24) / entryLen} is not numeric: ${JSON.stringify(buf.toString('latin1', e, e + entryLen))}`,
      );
    }
    const from = base + start;
    if (from !== base && buf[from - 1] !== FT) consistent = false;
    spans.add(tagAt(buf, e), from, from + len);
  }
  if (!consistent) {
    // Typically a record converted to UTF-8 without its directory being rebuilt: every offset
    // drifts. If the data holds exactly one terminated field per entry, take them in order.
    const chunks: { from: number; to: number }[] = [];
    for (let p = base; p < n; ) {
      let ft = buf.indexOf(FT, p);
      if (ft < 0) ft = buf[n - 1] === RT ? n - 1 : n;
      if (ft > p || buf[ft] === FT) chunks.push({ from: p, to: ft + 1 });
      p = ft + 1;
    }
    if (chunks.length === spans.n) {
      warnings.push('directory offsets do not match the field terminators; fields taken in order');
      for (let k = 0; k < chunks.length; k++) {
        spans.from[k] = chunks[k]!.from;
        spans.to[k] = chunks[k]!.to;
      }
    } else warnings.push('directory offsets do not match the field terminators');
  }
  return spans;
}

/**
 * Where a field's data ends (its terminator, or the directory's length when there is none) and
 * whether a 00X field is a control field: danMARC and the like give 00X fields indicators and
 * subfields, recognised, as yaz does, by a delimiter after two or three bytes (0 = control field,
 * 1 = data field, 2 = data field after a stray byte).
 */
function fieldEnd(buf: Buffer, tag: string, from: number, end: number, base: number, warnings: string[]): number {
  if (from > buf.length || end > buf.length)
    throw new RecordError(`field ${tag} (bytes ${from - base}+${end - from}) runs past the end of the record`);
  // The field ends at its terminator; a directory length that overshoots it is tolerated.
  const ft = buf.indexOf(FT, from);
  if (ft >= 0 && ft < end) return ft;
  warnings.push(`field ${tag} has no field terminator`);
  return end;
}

function fieldKind(buf: Buffer, tag: string, from: number, to: number): 0 | 1 | 2 {
  if (tag.charCodeAt(0) !== 0x30 || tag.charCodeAt(1) !== 0x30) return 1;
  return to - from > 2 && buf[from + 2] === SD ? 1 : to - from > 3 && buf[from + 3] === SD ? 2 : 0;
}

/**
 * The fields of a record whose text can be cut out of strings: `whole` is the record as one
 * string when every byte is one character (ASCII, Latin-1), otherwise (valid UTF-8) each field
 * is decoded once and cut at its delimiters, which never occur inside a UTF-8 sequence.
 * Gives the same fields as the byte-by-byte reader below.
 */
function decodeFieldsText(
  buf: Buffer,
  spans: Spans,
  whole: string | null,
  isUtf8Text: boolean,
  warnings: string[],
): MarcField[] {
  const indicatorCount = isDigit(buf[10]) && buf[10] !== 0x30 ? buf[10]! - 0x30 : 2;
  const base = spans.base;
  const fields: MarcField[] = [];
  for (let f = 0; f < spans.n; f++) {
    const tag = spans.tags[f]!;
    const from = spans.from[f]!;
    const end = spans.to[f]!;
    // s holds the field's text from index `p` to `e`; the field's bytes are from `from` to `to`.
    let s: string;
    let p: number;
    let e: number;
    let to: number;
    let nfc = false;
    if (whole !== null) {
      if (from > buf.length || end > buf.length) to = fieldEnd(buf, tag, from, end, base, warnings);
      else {
        // As fieldEnd, searching the string rather than calling into the Buffer for every field.
        const ft = whole.indexOf(FT_CHAR, from);
        if (ft >= 0 && ft < end) to = ft;
        else {
          warnings.push(`field ${tag} has no field terminator`);
          to = end;
        }
      }
      s = whole;
      p = from;
      e = to;
    } else {
      if (from > buf.length || end > buf.length || end <= from) {
        to = fieldEnd(buf, tag, from, end, base, warnings);
        s = utf8(buf, from, to);
        e = s.length;
      } else {
        // Usually the directory's length ends on the field's only terminator: one decode finds both.
        s = utf8(buf, from, end);
        const ft = s.indexOf(FT_CHAR);
        if (ft === s.length - 1) {
          to = end - 1;
          e = ft;
        } else if (ft < 0) {
          warnings.push(`field ${tag} has no field terminator`);
          to = end;
          e = s.length;
        } else {
          to = fieldEnd(buf, tag, from, end, base, warnings);
          s = utf8(buf, from, to);
          e = s.length;
        }
      }
      p = 0;
      // Valid UTF-8 has as many characters as bytes only when it is all ASCII.
      nfc = e !== to - from;
    }
    const kind = fieldKind(buf, tag, from, to);
    if (kind === 0) {
      const v = whole !== null || e !== s.length ? s.slice(p, e) : s;
      fields.push({ tag, value: nfc ? v.normalize('NFC') : v });
      continue;
    }
    if (kind === 2) {
      // A stray byte before the indicators: in UTF-8 it must be a whole character to be skipped here.
      if (isUtf8Text && buf[from]! >= 0x80) throw new NeedBytes();
      p++;
    }
    let ind1 = ' ';
    let ind2 = ' ';
    // Indicators may be missing altogether: the data then starts with a delimiter. Formats
    // other than MARC 21 (danMARC) may have more than two; the extra ones are skipped.
    for (let k = 0; k < indicatorCount && p < e; k++) {
      const c = s.charCodeAt(p);
      if (c === SD) break;
      const w = c >= 0xd800 && c < 0xdc00 && p + 1 < e ? 2 : 1;
      if (k < 2) {
        const ch = w === 1 && c < 0x80 ? ASCII[c]! : s.slice(p, p + w);
        const t = nfc && c >= 0x80 ? ch.normalize('NFC') : ch;
        if (k === 0) ind1 = t;
        else ind2 = t;
      }
      p += w;
    }
    const subfields: MarcSubfield[] = [];
    if (p < e && s.charCodeAt(p) !== SD) {
      const next = s.indexOf(SEP, p);
      const stop = next >= 0 && next < e ? next : e;
      // A byte or two is debris (a third indicator, a stray backslash); longer text is kept under a
      // blank code rather than lost. yaz instead takes its first character as the subfield code.
      let stray = s.slice(p, stop);
      if (nfc && NON_ASCII.test(stray)) stray = stray.normalize('NFC');
      const bytes = whole !== null ? stop - p : Buffer.byteLength(s.slice(p, stop));
      if (bytes > 2) subfields.push({ code: ' ', value: stray });
      warnings.push(`field ${tag}: text before the first subfield delimiter: ${JSON.stringify(stray.slice(0, 40))}`);
      p = stop;
    }
    while (p < e) {
      // p is at a delimiter; the code is the next character.
      const codeAt = p + 1;
      if (codeAt >= e) break;
      let next = s.indexOf(SEP, codeAt + 1);
      if (next < 0 || next > e) next = e;
      const c = s.charCodeAt(codeAt);
      let code: string;
      let valueAt = codeAt + 1;
      if (c < 0x80) code = ASCII[c]!;
      else {
        if (c >= 0xd800 && c < 0xdc00 && codeAt + 1 < next) valueAt++;
        code = s.slice(codeAt, valueAt);
        if (nfc) code = code.normalize('NFC');
      }
      let value = valueAt === next ? '' : s.slice(valueAt, next);
      if (nfc && NON_ASCII.test(value)) value = value.normalize('NFC');
      subfields.push({ code, value });
      p = next;
    }
    fields.push({ tag, ind1, ind2, subfields });
  }
  return fields;
}

const SEP = '\u001f';
const FT_CHAR = '\u001e';

/** A field the string reader cannot cut the way the byte reader does: the record is read byte by byte. */
class NeedBytes extends Error {}

function decodeFieldsBytes(
  buf: Buffer,
  charset: MarcCharset,
  warnings: string[],
): { fields: MarcField[]; unmapped: number } {
  const spans = readDirectory(buf, warnings);
  const base = spans.base;
  const indicatorCount = isDigit(buf[10]) && buf[10] !== 0x30 ? buf[10]! - 0x30 : 2;
  const dec = decoderFor(charset);
  const fields: MarcField[] = [];
  for (let f = 0; f < spans.n; f++) {
    const tag = spans.tags[f]!;
    const from = spans.from[f]!;
    const to = fieldEnd(buf, tag, from, spans.to[f]!, base, warnings);
    dec.field();
    const danmarc = fieldKind(buf, tag, from, to);
    if (danmarc === 0) {
      fields.push({ tag, value: dec.text(buf, from, to) });
      continue;
    }
    let p = danmarc === 2 ? from + 1 : from;
    const inds = [' ', ' '];
    for (let k = 0; k < indicatorCount && p < to && buf[p] !== SD; k++) {
      const n1 = charLength(buf, p, to, charset);
      if (k < 2) inds[k] = dec.text(buf, p, p + n1);
      p += n1;
    }
    const ind1 = inds[0]!;
    const ind2 = inds[1]!;
    const subfields: MarcSubfield[] = [];
    if (p < to && buf[p] !== SD) {
      const next = buf.indexOf(SD, p);
      const stop = next >= 0 && next < to ? next : to;
      const stray = dec.text(buf, p, stop);
      if (stop - p > 2) subfields.push({ code: ' ', value: stray });
      warnings.push(`field ${tag}: text before the first subfield delimiter: ${JSON.stringify(stray.slice(0, 40))}`);
      p = stop;
    }
    while (p < to) {
      // p is at a delimiter; the code is the next byte.
      const codeAt = p + 1;
      if (codeAt >= to) break;
      let next = buf.indexOf(SD, codeAt + 1);
      if (next < 0 || next > to) next = to;
      const codeLen = charLength(buf, codeAt, next, charset);
      subfields.push({ code: dec.text(buf, codeAt, codeAt + codeLen), value: dec.text(buf, codeAt + codeLen, next) });
      p = next;
    }
    fields.push({ tag, ind1, ind2, subfields });
  }
  return { fields, unmapped: dec.unmapped() };
}

/**
 * The fields of a record in the given character set: cut out of strings where the bytes allow
 * it (ASCII or Latin-1, and UTF-8 that is valid), decoded byte by byte otherwise (MARC-8 with
 * escapes or high bytes, a forced charset the bytes do not fit).
 */
function decodeFields(
  buf: Buffer,
  charset: MarcCharset,
  ascii: boolean,
  validUtf8: boolean,
  warnings: string[],
): { fields: MarcField[]; unmapped: number } {
  const plain = ascii && (charset !== 'marc-8' || !buf.includes(0x1b, 24));
  if (plain || charset === 'iso-8859-1' || (charset === 'utf-8' && validUtf8)) {
    const had = warnings.length;
    try {
      const spans = readDirectory(buf, warnings);
      const whole = plain || charset === 'iso-8859-1' ? latin1(buf, 0, buf.length) : null;
      return { fields: decodeFieldsText(buf, spans, whole, charset === 'utf-8' && !plain, warnings), unmapped: 0 };
    } catch (e) {
      if (!(e instanceof NeedBytes)) throw e;
      warnings.length = had;
    }
  }
  return decodeFieldsBytes(buf, charset, warnings);
}

export type ParsedRecord =
  | { ok: true; record: MarcRecord; charset: MarcCharset; warnings: string[] }
  | { ok: false; reason: string };

/** Parses one ISO 2709 record (the bytes from its leader to its record terminator). Never throws. */
export function parseIso2709Record(bytes: Uint8Array, options: Iso2709Options = {}): ParsedRecord {
  const buf = toBuffer(bytes);
  try {
    if (buf.length < 25)
      return { ok: false, reason: `record of ${buf.length} bytes is shorter than a leader and directory` };
    const declared = digits(buf, 0, 5);
    if (declared < 0) return { ok: false, reason: 'leader does not start with a record length' };
    const warnings: string[] = [];
    if (declared !== buf.length) warnings.push(`leader says ${declared} bytes, record has ${buf.length}`);
    if (buf[buf.length - 1] !== RT) warnings.push('no record terminator');
    const forced = options.charset && options.charset !== 'auto' ? options.charset : undefined;
    // The leader is ASCII in all but damaged records, so the whole record is checked first.
    let ascii = isAscii(buf);
    let validUtf8 = ascii;
    let data: Buffer = buf;
    if (!ascii) {
      data = buf.subarray(24);
      ascii = isAscii(data);
      validUtf8 = ascii || isUtf8(data);
    }
    // (guessCharset only looks at the bytes when they are not ASCII, and then `data` is from the directory on.)
    const guess = forced
      ? { charset: forced, latin1IfUnmapped: false }
      : guessCharset(buf[9]!, data, { ascii, utf8: validUtf8 });
    let charset = guess.charset;
    let decoded = decodeFields(buf, charset, ascii, validUtf8, warnings);
    if (decoded.unmapped > 0) {
      if (guess.latin1IfUnmapped) {
        charset = 'iso-8859-1';
        decoded = decodeFields(buf, charset, ascii, validUtf8, []);
      } else warnings.push(`${decoded.unmapped} MARC-8 characters with no mapping became U+FFFD`);
    }
    const leader = repairLeader(latin1(buf, 0, 24));
    return { ok: true, record: { leader, fields: decoded.fields }, charset, warnings };
  } catch (e) {
    if (e instanceof RecordError) return { ok: false, reason: e.message };
    return { ok: false, reason: `unreadable record: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function isFiller(b: number): boolean {
  // Line breaks, padding and DOS end-of-file marks that some exports put between records.
  return b === 0x0a || b === 0x0d || b === 0x20 || b === 0x00 || b === 0x1a;
}

/**
 * Streams ISO 2709 records out of a byte stream. Holds at most one record (or
 * MAX_PENDING bytes of garbage) beyond the current chunk in memory.
 */
export function readIso2709(
  source: AsyncIterable<Uint8Array>,
  options: Iso2709Options = {},
): AsyncIterableIterator<Iso2709Result> {
  let buf: Buffer = Buffer.alloc(0);
  let base = 0; // input offset of buf[0]
  let pos = 0;

  // The next record of what is buffered, or undefined when more bytes are needed.
  function next(final: boolean): Iso2709Result | undefined {
    for (;;) {
      while (pos < buf.length && isFiller(buf[pos]!)) pos++;
      if (pos >= buf.length) return undefined;
      if (buf.length - pos < 24 && !final) return undefined;
      if (plausibleLeaderAt(buf, pos)) {
        const declared = digits(buf, pos, 5);
        let end = -1;
        if (pos + declared <= buf.length && buf[pos + declared - 1] === RT) end = pos + declared;
        else if (pos + declared > buf.length && !final && buf.length - pos < 100_000) return undefined;
        else if (
          pos + declared <= buf.length &&
          buf[pos + declared - 1] === FT &&
          (pos + declared === buf.length || plausibleLeaderAt(buf, pos + declared))
        ) {
          end = pos + declared; // terminator missing, length right
        } else {
          const rt = buf.indexOf(RT, pos + 24);
          if (rt >= 0) end = rt + 1;
          else if (!final && buf.length - pos < MAX_PENDING) return undefined;
          else end = buf.length;
        }
        const raw = buf.subarray(pos, end);
        const offset = base + pos;
        pos = end;
        const r = parseIso2709Record(raw, options);
        if (r.ok)
          return {
            ok: true,
            record: r.record,
            offset,
            length: raw.length,
            charset: r.charset,
            raw,
            warnings: r.warnings,
          };
        return { ok: false, offset, length: raw.length, reason: r.reason, raw };
      }
      // Not a leader: skip to just past the next record terminator or to the next thing that looks like a leader.
      let q = pos + 1;
      let resync = -1;
      for (; q < buf.length; q++) {
        if (buf[q] === RT) {
          resync = q + 1;
          break;
        }
        if (isDigit(buf[q]) && q + 24 > buf.length && !final) return undefined; // a leader may be starting here
        if (isDigit(buf[q]) && plausibleLeaderAt(buf, q)) {
          resync = q;
          break;
        }
      }
      if (resync < 0) {
        if (!final && buf.length - pos < MAX_PENDING) return undefined;
        resync = buf.length;
      }
      const raw = buf.subarray(pos, resync);
      const offset = base + pos;
      pos = resync;
      return {
        ok: false,
        offset,
        length: raw.length,
        reason: raw.length < 24 ? `${raw.length} stray bytes` : 'bytes that do not start with a MARC leader',
        raw,
      };
    }
  }

  // A hand-written async iterator rather than an async generator: a record already buffered is
  // handed out as an already-resolved promise, without the generator's own await per yield.
  const input = source[Symbol.asyncIterator]();
  let ended = false; // the source is exhausted
  let finished = false; // and everything after it was handed out
  let pulling: Promise<IteratorResult<Iso2709Result>> | null = null;
  const done: IteratorResult<Iso2709Result> = { done: true, value: undefined };

  async function pull(): Promise<IteratorResult<Iso2709Result>> {
    for (;;) {
      const r = next(ended);
      if (r !== undefined) return { done: false, value: r };
      if (ended) {
        finished = true;
        return done;
      }
      const n = await input.next();
      if (n.done) {
        ended = true;
        continue;
      }
      const chunk = n.value;
      if (chunk.length === 0) continue;
      const c = toBuffer(chunk);
      if (pos >= buf.length) buf = c;
      else buf = Buffer.concat([buf.subarray(pos), c]);
      base += pos;
      pos = 0;
    }
  }

  const it: AsyncIterableIterator<Iso2709Result> = {
    next(): Promise<IteratorResult<Iso2709Result>> {
      if (finished) return Promise.resolve(done);
      // Calls made before the previous one settled are served in order.
      if (pulling) {
        const after = pulling.then(() => it.next());
        return after;
      }
      const r = next(ended);
      if (r !== undefined) return Promise.resolve({ done: false, value: r });
      const p = pull();
      pulling = p;
      const clear = () => {
        if (pulling === p) pulling = null;
      };
      p.then(clear, clear);
      return p;
    },
    async return(): Promise<IteratorResult<Iso2709Result>> {
      finished = true;
      await input.return?.();
      return done;
    },
    [Symbol.asyncIterator]() {
      return it;
    },
  };
  return it;
}

/** All records of an in-memory ISO 2709 file. */
export async function* readIso2709Buffer(
  data: Uint8Array,
  options: Iso2709Options = {},
): AsyncGenerator<Iso2709Result> {
  yield* readIso2709(
    (async function* () {
      yield data;
    })(),
    options,
  );
}
