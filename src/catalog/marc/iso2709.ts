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

/**
 * The leader as MARC 21 needs it: the structural positions that must be
 * digits get their only MARC 21 values when damaged, control bytes become
 * blanks, and leader/09 says UTF-8 because the record now is.
 */
export function repairLeader(raw: string): string {
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

function decodeFields(
  buf: Buffer,
  charset: MarcCharset,
  warnings: string[],
): { fields: MarcField[]; unmapped: number } {
  const n = buf.length;
  // Entry layout from leader/20-21 (MARC 21: 4 and 5); anything else there is a damaged leader.
  const lenLen = isDigit(buf[20]) && buf[20] !== 0x30 ? buf[20]! - 0x30 : 4;
  const startLen = isDigit(buf[21]) && buf[21] !== 0x30 ? buf[21]! - 0x30 : 5;
  const entryLen = 3 + lenLen + startLen;
  const indicatorCount = isDigit(buf[10]) && buf[10] !== 0x30 ? buf[10]! - 0x30 : 2;
  const dirEnd = buf.indexOf(FT, 24);
  if (dirEnd < 0) throw new RecordError('no field terminator after the directory');
  if ((dirEnd - 24) % entryLen !== 0) {
    throw new RecordError(`directory length ${dirEnd - 24} is not a multiple of ${entryLen}`);
  }
  const base = dirEnd + 1;
  const declaredBase = digits(buf, 12, 5);
  if (declaredBase !== base) warnings.push(`leader base address ${declaredBase} but the directory ends at ${dirEnd}`);

  // Where each field's bytes are, per the directory.
  const spans: { tag: string; from: number; to: number }[] = [];
  let consistent = true;
  for (let e = 24; e < dirEnd; e += entryLen) {
    const tag = buf.toString('latin1', e, e + 3);
    const len = digits(buf, e + 3, lenLen);
    const start = digits(buf, e + 3 + lenLen, startLen);
    if (len < 0 || start < 0) {
      throw new RecordError(
        `directory entry ${(e - 24) / entryLen} is not numeric: ${JSON.stringify(buf.toString('latin1', e, e + entryLen))}`,
      );
    }
    const from = base + start;
    if (from !== base && buf[from - 1] !== FT) consistent = false;
    spans.push({ tag, from, to: from + len });
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
    if (chunks.length === spans.length) {
      warnings.push('directory offsets do not match the field terminators; fields taken in order');
      spans.forEach((sp, k) => {
        sp.from = chunks[k]!.from;
        sp.to = chunks[k]!.to;
      });
    } else warnings.push('directory offsets do not match the field terminators');
  }

  const dec = decoderFor(charset);
  const fields: MarcField[] = [];
  for (const { tag, from, to: end } of spans) {
    let to = end;
    if (from > n || to > n)
      throw new RecordError(`field ${tag} (bytes ${from - base}+${to - from}) runs past the end of the record`);
    // The field ends at its terminator; a directory length that overshoots it is tolerated.
    const ft = buf.indexOf(FT, from);
    if (ft >= 0 && ft < to) to = ft;
    else warnings.push(`field ${tag} has no field terminator`);
    dec.field();
    // 00X fields are control fields, except in formats such as danMARC where they carry
    // indicators and subfields (recognised, as yaz does, by a delimiter after two or three bytes).
    const danmarc = tag.startsWith('00')
      ? to - from > 2 && buf[from + 2] === SD
        ? 1
        : to - from > 3 && buf[from + 3] === SD
          ? 2
          : 0
      : 1;
    if (danmarc === 0) {
      fields.push({ tag, value: dec.text(buf, from, to) });
      continue;
    }
    let p = danmarc === 2 ? from + 1 : from;
    const inds = [' ', ' '];
    // Indicators may be missing altogether: the data then starts with a delimiter. Formats
    // other than MARC 21 (danMARC) may have more than two; the extra ones are skipped.
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
      // A byte or two is debris (a third indicator, a stray backslash); longer text is kept under a
      // blank code rather than lost. yaz instead takes its first character as the subfield code.
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
    const guess = forced ? { charset: forced, latin1IfUnmapped: false } : guessCharset(buf[9]!, buf.subarray(24));
    let charset = guess.charset;
    let decoded = decodeFields(buf, charset, warnings);
    if (decoded.unmapped > 0) {
      if (guess.latin1IfUnmapped) {
        charset = 'iso-8859-1';
        decoded = decodeFields(buf, charset, []);
      } else warnings.push(`${decoded.unmapped} MARC-8 characters with no mapping became U+FFFD`);
    }
    const leader = repairLeader(buf.toString('latin1', 0, 24));
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
export async function* readIso2709(
  source: AsyncIterable<Uint8Array>,
  options: Iso2709Options = {},
): AsyncGenerator<Iso2709Result> {
  let buf: Buffer = Buffer.alloc(0);
  let base = 0; // input offset of buf[0]
  let pos = 0;

  function* drain(final: boolean): Generator<Iso2709Result> {
    for (;;) {
      while (pos < buf.length && isFiller(buf[pos]!)) pos++;
      if (pos >= buf.length) return;
      if (buf.length - pos < 24 && !final) return;
      if (plausibleLeaderAt(buf, pos)) {
        const declared = digits(buf, pos, 5);
        let end = -1;
        if (pos + declared <= buf.length && buf[pos + declared - 1] === RT) end = pos + declared;
        else if (pos + declared > buf.length && !final && buf.length - pos < 100_000) return;
        else if (
          pos + declared <= buf.length &&
          buf[pos + declared - 1] === FT &&
          (pos + declared === buf.length || plausibleLeaderAt(buf, pos + declared))
        ) {
          end = pos + declared; // terminator missing, length right
        } else {
          const rt = buf.indexOf(RT, pos + 24);
          if (rt >= 0) end = rt + 1;
          else if (!final && buf.length - pos < MAX_PENDING) return;
          else end = buf.length;
        }
        const raw = buf.subarray(pos, end);
        const offset = base + pos;
        pos = end;
        const r = parseIso2709Record(raw, options);
        if (r.ok)
          yield {
            ok: true,
            record: r.record,
            offset,
            length: raw.length,
            charset: r.charset,
            raw,
            warnings: r.warnings,
          };
        else yield { ok: false, offset, length: raw.length, reason: r.reason, raw };
        continue;
      }
      // Not a leader: skip to just past the next record terminator or to the next thing that looks like a leader.
      let q = pos + 1;
      let resync = -1;
      for (; q < buf.length; q++) {
        if (buf[q] === RT) {
          resync = q + 1;
          break;
        }
        if (isDigit(buf[q]) && q + 24 > buf.length && !final) return; // a leader may be starting here
        if (isDigit(buf[q]) && plausibleLeaderAt(buf, q)) {
          resync = q;
          break;
        }
      }
      if (resync < 0) {
        if (!final && buf.length - pos < MAX_PENDING) return;
        resync = buf.length;
      }
      const raw = buf.subarray(pos, resync);
      const offset = base + pos;
      pos = resync;
      yield {
        ok: false,
        offset,
        length: raw.length,
        reason: raw.length < 24 ? `${raw.length} stray bytes` : 'bytes that do not start with a MARC leader',
        raw,
      };
    }
  }

  for await (const chunk of source) {
    if (chunk.length === 0) continue;
    const c = toBuffer(chunk);
    if (pos >= buf.length) buf = c;
    else buf = Buffer.concat([buf.subarray(pos), c]);
    base += pos;
    pos = 0;
    yield* drain(false);
  }
  yield* drain(true);
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
