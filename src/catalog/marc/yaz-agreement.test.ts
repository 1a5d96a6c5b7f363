/**
 * Every MARC file in the shared test data, read by us and by yaz-marcdump
 * (Index Data's reference implementation, Debian package `yaz`): per record
 * the same leader, fields, indicators and subfields, or a reason written down
 * here. The list of MARC files comes from ../shared/data/MANIFEST.tsv (kind
 * iso2709, or xml under marc/).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isControlField, type MarcRecord } from '../types.ts';
import type { MarcCharset } from './charset.ts';
import { readIso2709Buffer } from './iso2709.ts';
import { parseMarcXmlAll, readMarcXml } from './marcxml.ts';

const DATA = join(import.meta.dirname, '../../../../shared/data');

/**
 * Files where we and yaz differ on purpose, by file, with the reason. Every
 * entry must still differ (stale entries fail), every difference must be here.
 */
const KNOWN_DIFFERENCES: Record<string, string> = {
  'traject/test/test_support/bad_subfield_code.marc':
    'a MARC-8 combining acute sits between delimiter and subfield code; we take the byte as the code (one character), yaz drops it',
  'ruby-marc/test/cp866_multirecord.marc':
    'UNIMARC in CP866 (neither MARC-8 nor UTF-8): yaz stops at the first record ("Premature EOF"), we frame the second by its terminator',
  'ruby-marc/test/cp866_unimarc.marc':
    'record shorter than its leader length: yaz gives up ("Premature EOF"), we read it to the end of the data',
  'ruby-marc/test/marc_with_bad_utf8.utf8.marc':
    'directory lengths are off by a byte; yaz always drops the last byte of a field as if it were the terminator, we cut at the real field terminator',
  'marc4j/src/org/marc4j/samples/resources/error.mrc':
    'leader base address off by one: yaz trusts it and loses the last character of fields, we take the data as starting after the directory terminator',
  'marc4j/test/resources/bad-characters-in-various-fields.mrc':
    'control bytes inside the record: yaz writes them into its MARCXML, which then is not well-formed XML, so there is no yaz record to compare',
  'marc4j/test/resources/not_unimarc_errors_3.mrc':
    'invalid bytes passed through by yaz make its MARCXML output unreadable; we decode (Latin-1 fallback)',
  'marc4j/test/resources/bad_hathi_records.mrc':
    'records longer than 99999 bytes: yaz stops ("EOF while searching for RS"), we frame them by their terminators',
  'marc4j/test/resources/bad_too_long_plus_2.mrc':
    'records longer than 99999 bytes: yaz reads none, we frame them by their terminators',
  'marc4j/test/resources/bad_oversize_field_bad_directory.mrc':
    'directory length not a multiple of 12: we reject the record, yaz reads a partial directory',
  'marc4j/test/resources/pride-and-prejudice-with-many-errors.mrc':
    'broken directories (length not a multiple of 12): we reject those records with the reason, yaz reads partial directories',
  'pymarc/test/bad_records.mrc':
    'deliberately damaged leaders/directories: we reject them, yaz reads garbage fields out of them',
  'perl-marc/marc-record/t/baddir.usmarc':
    'non-numeric directory entry: we reject the record, yaz keeps the fields before the bad entry',
  'yaz/test/marc-files/marc4.marc':
    'leader preceded by stray bytes and directory not a multiple of 12: we reject, yaz reads what it can',
  'marc4j/test/resources/chinese_mangled_multibyte.mrc':
    'EACC text with an escape back to ASCII missing: yaz and we resynchronise differently',
  'marc4j/test/resources/incomplete_esc_seq.mrc':
    'EACC triple with a byte missing: we step byte by byte to realign (one U+FFFD), yaz realigns differently',
  'yaz/test/marc-files/marc12.marc': 'EACC stretch with an unmapped triple: yaz and we realign differently after it',
  'marc4j/test/resources/cyrillic_capital_e.mrc':
    'a subfield delimiter inside Cyrillic text: we keep the designated G0 set across subfields, yaz resets it',
  'pymarc/test/bad_indicator.dat':
    'indicators missing (field starts with the delimiter): we make them blank, yaz takes the delimiter and code as indicators',
  'pymarc/test/bad_marc8_escape.dat':
    'an invalid MARC-8 escape: we skip the ESC and decode the rest, yaz returns an empty subfield',
  'openlibrary/openlibrary/catalog/marc/test_data/bin_input/mytwocountries1954asto_meta.mrc':
    'a field with no subfield delimiter: we keep its text under code " ", yaz uses its first character as the code',
  'openlibrary/openlibrary/catalog/marc/test_data/bin_input/wrapped_lines':
    'fields with no subfield delimiter: we keep their text under code " ", yaz uses the first character as the code',
  'yaz/test/marc-files/marc5.marc':
    'a field with no subfield delimiter: we keep its text under code " ", yaz uses the first character as the code',
  'yaz/test/marc-files/marc3.marc':
    'a local field with no subfield delimiter: we keep its text under code " ", yaz uses the first character as the code',
  'openlibrary/openlibrary/catalog/marc/test_data/bin_input/upei_broken_008.mrc':
    'a zero-length field in the directory: yaz stops reading the directory there, we keep it as an empty field',
  'openlibrary/openlibrary/catalog/marc/test_data/bin_input/upei_short_008.mrc':
    'leader base address wrong: yaz reads shifted data, we start the data after the directory terminator',
  'openlibrary/openlibrary/catalog/marc/test_data/bin_input/1733mmoiresdel00vill_meta.mrc':
    'directory offsets stale after a charset conversion: we take the terminated fields in order, yaz cuts fields short',
  'openlibrary/openlibrary/catalog/marc/test_data/bin_input/dasrmischepriv00rein_meta.mrc':
    'directory offsets stale after a charset conversion: we take the terminated fields in order, yaz cuts fields short',
  'openlibrary/openlibrary/catalog/marc/test_data/bin_input/zweibchersatir01horauoft_meta.mrc':
    'directory offsets stale after a charset conversion: we take the terminated fields in order, yaz cuts fields short',
  'openlibrary/openlibrary/catalog/marc/test_data/bin_input/histoirereligieu05cr_meta.mrc':
    'directory offsets stale after a charset conversion: we take the terminated fields in order, yaz reads across field boundaries',
  'openlibrary/openlibrary/catalog/marc/test_data/bin_input/lesabndioeinas00sche_meta.mrc':
    'directory offsets stale after a charset conversion: we take the terminated fields in order, yaz reads across field boundaries',
  'catmandu-marc/t/bu_bibs.mrc':
    'some records converted to UTF-8 without their directory rebuilt: we take the terminated fields in order, yaz reads across field boundaries',
  'natlibfi-marc-record-serializers/test-fixtures/marcxml/erroneous':
    'MARCXML with content yaz refuses; we read the record',
  'ruby-marc/test/three-records-second-bad.xml':
    'yaz stops at the bad record; we report it and read the records after it',
  'marc4j/test/resources/chabon-missing-subfield-code.xml':
    'subfield without a code: we reject the record with the reason, yaz accepts it',
  'pymarc/test/bad_tag.xml': 'leader shorter than 24 characters: we pad with blanks, yaz pads differently',
  'openlibrary/openlibrary/catalog/marc/test_data/xml_input/39002054008678.yale.edu_marc.xml':
    'leader longer than 24 characters: we cut it to 24, yaz keeps other characters',
};

/**
 * Files where our character-set decision differs from yaz's (yaz -f MARC-8:
 * leader/09 'a' => bytes passed through, else MARC-8). For these records we
 * compare structure only (tags, subfield counts), since yaz's text is then
 * mojibake or invalid UTF-8 by design.
 */
const CHARSET_DECISIONS: Record<string, string> = {
  'traject/test/test_support/bad_utf_byte.utf8.marc':
    'leader/09 "a" but the bytes are not valid UTF-8: we fall back (MARC-8, else Latin-1), yaz passes the invalid bytes through',
  'ruby-marc/test/marc8_accented_chars.marc':
    'leader/09 "a" but the bytes are not valid UTF-8: we fall back (MARC-8, else Latin-1), yaz passes the invalid bytes through (here the data is MARC-8 with a wrong leader)',
  'ruby-marc/test/utf8_with_bad_bytes.marc':
    'leader/09 "a" but the bytes are not valid UTF-8: we fall back (MARC-8, else Latin-1), yaz passes the invalid bytes through',
  'marc4j/test/resources/sample1.mrc':
    'leader/09 "a" but the bytes are not valid UTF-8: we fall back (MARC-8, else Latin-1), yaz passes the invalid bytes through',
  'marc4j/test/resources/pride-and-prejudice-with-many-errors.mrc':
    'leader/09 "a" but the bytes are not valid UTF-8: we fall back (MARC-8, else Latin-1), yaz passes the invalid bytes through',
  'ruby-marc/test/cp866_multirecord.marc':
    'CP866 bytes that MARC-8 cannot map: we fall back to Latin-1, yaz reads MARC-8',
  'pymarc/test/1251.dat': 'Windows-1251 bytes that MARC-8 cannot map: we fall back to Latin-1, yaz reads MARC-8',
  'marcjs/test/data/bib-one.mrc':
    'leader/09 blank but the data is valid multibyte UTF-8 with no MARC-8 escape: we read UTF-8 (rule 3), yaz reads MARC-8 and makes mojibake',
  'marcjs/test/data/bib.mrc':
    'leader/09 blank but the data is valid multibyte UTF-8 with no MARC-8 escape: we read UTF-8 (rule 3), yaz reads MARC-8 and makes mojibake',
  'pymarc/test/bad_subfield_code.dat':
    'leader/09 blank but the data is valid multibyte UTF-8 with no MARC-8 escape: we read UTF-8 (rule 3), yaz reads MARC-8 and makes mojibake',
  'pymarc/test/testunimarc.dat':
    'leader/09 blank but the data is valid multibyte UTF-8 with no MARC-8 escape: we read UTF-8 (rule 3), yaz reads MARC-8 and makes mojibake',
  'pymarc/test/utf8_without_leader_flag.dat':
    'leader/09 blank but the data is valid multibyte UTF-8 with no MARC-8 escape: we read UTF-8 (rule 3), yaz reads MARC-8 and makes mojibake',
  'catmandu-marc/t/bu_bibs.mrc':
    'leader/09 blank but the data is valid multibyte UTF-8 with no MARC-8 escape: we read UTF-8 (rule 3), yaz reads MARC-8 and makes mojibake',
  'catmandu-marc/t/dollar_subfields.mrc':
    'leader/09 blank but the data is valid multibyte UTF-8 with no MARC-8 escape: we read UTF-8 (rule 3), yaz reads MARC-8 and makes mojibake',
  'openlibrary/openlibrary/catalog/marc/test_data/bin_input/histoirereligieu05cr_meta.mrc':
    'leader/09 blank but the data is valid multibyte UTF-8 with no MARC-8 escape: we read UTF-8 (rule 3), yaz reads MARC-8 and makes mojibake',
  'openlibrary/openlibrary/catalog/marc/test_data/bin_input/lesabndioeinas00sche_meta.mrc':
    'leader/09 blank but the data is valid multibyte UTF-8 with no MARC-8 escape: we read UTF-8 (rule 3), yaz reads MARC-8 and makes mojibake',
  'openlibrary/openlibrary/catalog/marc/test_data/bin_input/poganucpeoplethe00stowuoft_meta.mrc':
    'leader/09 blank but the data is valid multibyte UTF-8 with no MARC-8 escape: we read UTF-8 (rule 3), yaz reads MARC-8 and makes mojibake',
  'openlibrary/openlibrary/catalog/marc/test_data/bin_input/scrapbooksofmoun03tupp_meta.mrc':
    'leader/09 blank but the data is valid multibyte UTF-8 with no MARC-8 escape: we read UTF-8 (rule 3), yaz reads MARC-8 and makes mojibake',
  'yaz/test/marc-files/marc1.json.marc':
    'leader/09 blank but the data is valid multibyte UTF-8 with no MARC-8 escape: we read UTF-8 (rule 3), yaz reads MARC-8 and makes mojibake',
  'yaz/test/marc-files/marc10.json.marc':
    'leader/09 blank but the data is valid multibyte UTF-8 with no MARC-8 escape: we read UTF-8 (rule 3), yaz reads MARC-8 and makes mojibake',
  'yaz/test/marc-files/marc11.json.marc':
    'leader/09 blank but the data is valid multibyte UTF-8 with no MARC-8 escape: we read UTF-8 (rule 3), yaz reads MARC-8 and makes mojibake',
  'yaz/test/marc-files/marc12.json.marc':
    'leader/09 blank but the data is valid multibyte UTF-8 with no MARC-8 escape: we read UTF-8 (rule 3), yaz reads MARC-8 and makes mojibake',
  'yaz/test/marc-files/marc2.json.marc':
    'leader/09 blank but the data is valid multibyte UTF-8 with no MARC-8 escape: we read UTF-8 (rule 3), yaz reads MARC-8 and makes mojibake',
  'yaz/test/marc-files/marc7.json.marc':
    'leader/09 blank but the data is valid multibyte UTF-8 with no MARC-8 escape: we read UTF-8 (rule 3), yaz reads MARC-8 and makes mojibake',
  'yaz/test/marc-files/marc8.json.marc':
    'leader/09 blank but the data is valid multibyte UTF-8 with no MARC-8 escape: we read UTF-8 (rule 3), yaz reads MARC-8 and makes mojibake',
  'yaz/test/marc-files/marc9.json.marc':
    'leader/09 blank but the data is valid multibyte UTF-8 with no MARC-8 escape: we read UTF-8 (rule 3), yaz reads MARC-8 and makes mojibake',
  'yaz/test/marc-files/marc1.marc':
    "yaz's .chr says ISO-8859-1; the bytes are valid MARC-8 and leader/09 is blank, so we read MARC-8",
  'yaz/test/marc-files/marc2.marc':
    "yaz's .chr says ISO-8859-1; the bytes are valid MARC-8 and leader/09 is blank, so we read MARC-8",
  'yaz/test/marc-files/marc3.marc':
    "yaz's .chr says ISO-8859-1; the bytes are valid MARC-8 and leader/09 is blank, so we read MARC-8",
  'yaz/test/marc-files/marc10.marc':
    'danMARC character set (yaz .chr "danmarc"), which we do not implement: MARC-8 leaves bytes unmapped, we fall back to Latin-1',
  'yaz/test/marc-files/marc11.marc':
    'danMARC character set (yaz .chr "danmarc"), which we do not implement: MARC-8 leaves bytes unmapped, we fall back to Latin-1',
};

interface Canon {
  leader: string;
  fields: string[];
}

// Normalisations applied before comparing, each a known and harmless difference:
// - yaz leaves MARC-8 diacritics decomposed; we compose to NFC.
// - C0 control characters cannot be written in XML 1.0; yaz drops them from MARCXML, so both sides lose them.
// - yaz drops MARC-8 bytes that have no mapping; we write U+FFFD.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;
let dropReplacement = false;
function text(s: string, ours: boolean): string {
  const t = s.replace(CONTROL, '').normalize('NFC');
  return ours && dropReplacement ? t.replaceAll('\ufffd', '') : t;
}

function canon(r: MarcRecord, ours: boolean, structureOnly: boolean): Canon {
  return {
    leader: r.leader,
    fields: r.fields.map((f) => {
      if (isControlField(f)) return structureOnly ? f.tag : `${f.tag} ${text(f.value, ours)}`;
      if (structureOnly) return `${f.tag} ${f.subfields.length}`;
      return `${f.tag} ${text(f.ind1, ours)}${text(f.ind2, ours)} ${f.subfields.map((s) => `$${text(s.code, ours)}${text(s.value, ours)}`).join('')}`;
    }),
  };
}

/**
 * Leader positions we compare: not 09 (both sides rewrite it for UTF-8 output),
 * and not those where the raw byte was damaged, since we and yaz repair them differently.
 */
function leaderDiff(ours: string, yaz: string, raw: string): string | undefined {
  for (let i = 0; i < 24; i++) {
    if (i === 9) continue;
    const r = raw[i] ?? ' ';
    const damaged =
      r < ' ' ||
      r > '~' ||
      ([0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 15, 16, 20, 21, 22, 23].includes(i) && !/[0-9]/.test(r));
    if (!damaged && ours[i] !== yaz[i])
      return `leader differs at ${i}: ours ${JSON.stringify(ours)} yaz ${JSON.stringify(yaz)}`;
  }
  return undefined;
}

function requireYaz(): void {
  const r = spawnSync('yaz-marcdump', ['-V'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(
      'yaz-marcdump is not installed: these tests compare with it (Debian/Ubuntu: apt-get install yaz). Not skipping.',
    );
  }
}

function yazRecords(args: string[]): MarcRecord[] {
  const r = spawnSync('yaz-marcdump', args, { maxBuffer: 256 << 20 });
  const xml = r.stdout.toString('utf8');
  return parseMarcXmlAll(xml).flatMap((x) => (x.ok ? [x.record] : []));
}

/** yaz's own test files name their character set in a .chr file beside them. */
function yazFromCharset(file: string): string {
  const chr = file.replace(/\.marc$/, '.chr');
  if (chr !== file && existsSync(chr)) return readFileSync(chr, 'utf8').trim();
  return 'MARC-8';
}

function yazCharsetFor(from: string, leader09: string): MarcCharset | 'other' {
  const f = from.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (f === 'marc8') return leader09 === 'a' ? 'utf-8' : 'marc-8';
  if (f === 'utf8') return 'utf-8';
  if (f === 'iso88591') return 'iso-8859-1';
  return 'other';
}

interface Ours {
  record: MarcRecord;
  raw: string; // raw leader
  charset: MarcCharset | 'xml';
}

/** Aligns by leader/00-04 + tag sequence so that a record one side skipped does not shift the rest. */
function key(r: MarcRecord): string {
  return r.leader.slice(0, 5) + r.fields.map((f) => f.tag).join(',');
}

function compareFile(ours: Ours[], yaz: MarcRecord[], yazCharset: (o: Ours) => MarcCharset | 'other' | 'xml') {
  const diffs: string[] = [];
  const charsetDiffs: string[] = [];
  let y = 0;
  for (const [i, o] of ours.entries()) {
    let j = y;
    while (j < yaz.length && key(yaz[j]!) !== key(o.record)) j++;
    if (j >= yaz.length) {
      // Fall back to position when the tag lists differ (then the fields will say how).
      j = y < yaz.length ? y : -1;
    }
    if (j < 0) {
      diffs.push(`record ${i}: read by us, not by yaz`);
      continue;
    }
    for (let k = y; k < j; k++) diffs.push(`yaz record ${k}: read by yaz, rejected or framed differently by us`);
    y = j + 1;
    const yr = yaz[j]!;
    const yc = yazCharset(o);
    const structureOnly = yc !== o.charset;
    if (structureOnly) charsetDiffs.push(`record ${i}: ours ${o.charset}, yaz ${yc}`);
    const ld = leaderDiff(o.record.leader, yr.leader, o.raw);
    if (ld) diffs.push(`record ${i}: ${ld}`);
    dropReplacement = o.charset === 'marc-8';
    const a = canon(o.record, true, structureOnly).fields;
    const b = canon(yr, false, structureOnly).fields;
    for (let k = 0; k < Math.max(a.length, b.length); k++) {
      if (a[k] !== b[k]) {
        diffs.push(
          `record ${i} field ${k}: ours ${JSON.stringify(a[k])?.slice(0, 300)} yaz ${JSON.stringify(b[k])?.slice(0, 300)}`,
        );
        break;
      }
    }
  }
  for (let k = y; k < yaz.length; k++) diffs.push(`yaz record ${k}: read by yaz, rejected or framed differently by us`);
  return { diffs, charsetDiffs };
}

const manifest = readFileSync(join(DATA, 'MANIFEST.tsv'), 'utf8')
  .split('\n')
  .slice(1)
  .map((l) => l.split('\t'))
  .filter((c) => c[1]?.startsWith('marc/'));
const isoFiles = manifest.filter((c) => c[3] === 'iso2709').map((c) => c[1]!.slice('marc/'.length));
const xmlFiles = manifest.filter((c) => c[3]?.startsWith('xml')).map((c) => c[1]!.slice('marc/'.length));

describe('agreement with yaz-marcdump on every MARC file in shared/data/marc', () => {
  it('has yaz-marcdump', () => {
    requireYaz();
    expect(isoFiles.length).toBeGreaterThan(200);
    expect(xmlFiles.length).toBeGreaterThan(150);
  });

  const found: Record<string, string[]> = {};
  const foundCharset: Record<string, string[]> = {};

  it('ISO 2709 files', { timeout: 120_000 }, async () => {
    requireYaz();
    for (const f of isoFiles) {
      const path = join(DATA, 'marc', f);
      const data = readFileSync(path);
      const ours: Ours[] = [];
      for await (const r of readIso2709Buffer(data)) {
        if (r.ok) ours.push({ record: r.record, raw: r.raw.toString('latin1', 0, 24), charset: r.charset });
        else expect(r.reason, `${f} @${r.offset}`).toMatch(/\w/);
      }
      const from = yazFromCharset(path);
      const yaz = yazRecords(['-i', 'marc', '-o', 'marcxml', '-f', from, '-t', 'UTF-8', path]);
      const { diffs, charsetDiffs } = compareFile(ours, yaz, (o) => yazCharsetFor(from, o.raw[9] ?? ' '));
      if (diffs.length) found[f] = diffs;
      if (charsetDiffs.length) foundCharset[f] = charsetDiffs;
    }
  });

  it('MARCXML files', { timeout: 120_000 }, async () => {
    requireYaz();
    for (const f of xmlFiles) {
      const path = join(DATA, 'marc', f);
      const ours: Ours[] = [];
      const chunks = (async function* () {
        yield readFileSync(path);
      })();
      for await (const r of readMarcXml(chunks)) {
        if (r.ok) ours.push({ record: r.record, raw: r.record.leader, charset: 'xml' });
        else expect(r.reason, `${f} line ${r.line}`).toMatch(/\w/);
      }
      const yaz = yazRecords(['-i', 'marcxml', '-o', 'marcxml', path]);
      const { diffs } = compareFile(ours, yaz, () => 'xml');
      if (diffs.length) found[f] = diffs;
    }
  });

  it('differs from yaz only where written down', () => {
    if (process.env.MARC_YAZ_DEBUG) console.log(JSON.stringify({ found, foundCharset }, null, 1));
    const report = (m: Record<string, string[]>) =>
      Object.entries(m)
        .map(([f, d]) => `${f}:\n    ${d.slice(0, 3).join('\n    ')}`)
        .join('\n');
    const unexplained = Object.fromEntries(Object.entries(found).filter(([f]) => !(f in KNOWN_DIFFERENCES)));
    const stale = Object.keys(KNOWN_DIFFERENCES).filter((f) => !(f in found));
    expect(report(unexplained), 'differences from yaz with no reason written down').toBe('');
    expect(stale, 'KNOWN_DIFFERENCES entries that no longer differ').toEqual([]);
    const unexplainedCs = Object.fromEntries(Object.entries(foundCharset).filter(([f]) => !(f in CHARSET_DECISIONS)));
    const staleCs = Object.keys(CHARSET_DECISIONS).filter((f) => !(f in foundCharset));
    expect(report(unexplainedCs), 'charset decisions differing from yaz with no reason').toBe('');
    expect(staleCs, 'CHARSET_DECISIONS entries that no longer differ').toEqual([]);
  });
});

// Silences "unused" for helpers kept for debugging runs.
void execFileSync;
void dirname;
