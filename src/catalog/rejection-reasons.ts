/**
 * Why an import set a record aside, in the reader's language. The readers
 * (ISO 2709, MARCXML, CSV, DC/MODS, OAI-PMH) and the store give their reason
 * as English text; each known text has a code and parameters here, kept beside
 * the text in rejected_records (reason_code, reason_params; migration 0070), and
 * Indonesian and English wordings for the report page and the API. A text no
 * pattern knows gets the code 'other' and is shown as it is, said to be English.
 *
 * Pure: no I/O. The patterns follow the texts in src/catalog/marc/iso2709.ts,
 * marc/marcxml.ts, formats/csv.ts, item-rows.ts, parse.ts, harvest.ts and
 * ingest.ts; rejection-reasons.test.ts feeds each of them through the real
 * readers, so a changed text fails there instead of silently becoming 'other'.
 */
import { type Bilingual, fillMessage } from '../platform/messages.ts';

export interface ReasonCode {
  code: string;
  params: Record<string, string>;
}

interface Rule {
  code: string;
  /** Named groups become the parameters. */
  pattern: RegExp;
  text: Bilingual;
}

const RULES: Rule[] = [
  // ISO 2709
  {
    code: 'marc_too_short',
    pattern: /^record of (?<bytes>\d+) bytes is shorter than a leader and directory$/,
    text: {
      id: 'Rekaman {bytes} bita lebih pendek dari leader dan direktori',
      en: 'Record of {bytes} bytes is shorter than a leader and directory',
    },
  },
  {
    code: 'marc_no_length',
    pattern: /^leader does not start with a record length$/,
    text: { id: 'Leader tidak diawali panjang rekaman', en: 'The leader does not start with a record length' },
  },
  {
    code: 'marc_no_directory_end',
    pattern: /^no field terminator after the directory$/,
    text: { id: 'Tidak ada penanda akhir ruas setelah direktori', en: 'No field terminator after the directory' },
  },
  {
    code: 'marc_directory_length',
    pattern: /^directory length (?<length>-?\d+) is not a multiple of (?<entry>\d+)$/,
    text: {
      id: 'Panjang direktori {length} bukan kelipatan {entry}',
      en: 'Directory length {length} is not a multiple of {entry}',
    },
  },
  {
    code: 'marc_directory_entry',
    pattern: /^directory entry (?<entry>\d+) is not numeric: (?<bytes>.*)$/s,
    text: { id: 'Entri direktori {entry} bukan angka: {bytes}', en: 'Directory entry {entry} is not numeric: {bytes}' },
  },
  {
    code: 'marc_field_past_end',
    pattern: /^field (?<tag>\S+) \(bytes (?<at>\d+)\+(?<length>\d+)\) runs past the end of the record$/,
    text: {
      id: 'Ruas {tag} (bita {at}+{length}) melewati akhir rekaman',
      en: 'Field {tag} (bytes {at}+{length}) runs past the end of the record',
    },
  },
  {
    code: 'marc_unreadable',
    pattern: /^unreadable record: (?<detail>.*)$/s,
    text: { id: 'Rekaman tidak terbaca: {detail}', en: 'Unreadable record: {detail}' },
  },
  {
    code: 'stray_bytes',
    pattern: /^(?<bytes>\d+) stray bytes$/,
    text: { id: '{bytes} bita lepas di luar rekaman', en: '{bytes} stray bytes' },
  },
  {
    code: 'not_marc_leader',
    pattern: /^bytes that do not start with a MARC leader$/,
    text: { id: 'Bita yang tidak diawali leader MARC', en: 'Bytes that do not start with a MARC leader' },
  },
  // XML (MARCXML, MODS, DC, OAI-PMH)
  {
    code: 'xml_not_well_formed',
    pattern: /^XML is not well-formed: (?<detail>.*); the rest of the file was not read$/s,
    text: {
      id: 'XML tidak well-formed: {detail}; sisa berkas tidak dibaca',
      en: 'XML is not well-formed: {detail}; the rest of the file was not read',
    },
  },
  {
    code: 'xml_error',
    pattern: /^XML error: (?<detail>.*)$/s,
    text: { id: 'Kesalahan XML: {detail}', en: 'XML error: {detail}' },
  },
  {
    code: 'xml_truncated',
    pattern: /^input ended inside a record$/,
    text: { id: 'Berkas berakhir di tengah rekaman', en: 'The input ended inside a record' },
  },
  {
    code: 'marcxml_no_leader',
    pattern: /^record without leader$/,
    text: { id: 'Rekaman tanpa leader', en: 'Record without a leader' },
  },
  {
    code: 'marcxml_no_tag',
    pattern: /^(?<kind>controlfield|datafield) without tag at line (?<line>\d+)$/,
    text: { id: '{kind} tanpa tag di baris {line}', en: '{kind} without a tag at line {line}' },
  },
  {
    code: 'oai_no_metadata',
    pattern: /^record without metadata$/,
    text: { id: 'Rekaman tanpa metadata', en: 'Record without metadata' },
  },
  // CSV / SLiMS
  {
    code: 'csv_field_count',
    pattern: /^(?<fields>\d+) fields where the header has (?<header>\d+): a separator inside an unquoted value\?$/,
    text: {
      id: '{fields} kolom, padahal judul kolom ada {header}: pemisah di dalam nilai tanpa tanda kutip?',
      en: '{fields} fields where the header has {header}: a separator inside an unquoted value?',
    },
  },
  {
    code: 'no_title',
    pattern: /^no title$/,
    text: { id: 'Tidak ada judul', en: 'No title' },
  },
  {
    code: 'csv_loanable',
    pattern: /^loanable "(?<value>.*)" is neither yes nor no$/s,
    text: {
      id: 'Nilai dapat dipinjam "{value}" bukan ya atau tidak',
      en: 'Loanable "{value}" is neither yes nor no',
    },
  },
  {
    code: 'slims_no_item_code',
    pattern: /^no item_code$/,
    text: { id: 'Tidak ada item_code', en: 'No item_code' },
  },
  {
    code: 'item_no_record',
    pattern: /^no record with id (?<record>.*) from this library: import its bibliographic record first$/s,
    text: {
      id: 'Tidak ada rekaman dengan id {record} dari perpustakaan ini: impor dulu rekaman bibliografinya',
      en: 'No record with id {record} from this library: import its bibliographic record first',
    },
  },
  {
    code: 'item_invalid',
    pattern: /^item (?<barcode>\S+): (?<detail>.*)$/s,
    text: { id: 'Eksemplar {barcode}: {detail}', en: 'Item {barcode}: {detail}' },
  },
  // the store
  {
    code: 'repeated_record_id',
    pattern:
      /^the same record id \((?<record>.*)\) comes again later in the file \((?<later>[^()]*)\); the later copy is kept$/s,
    text: {
      id: 'Nomor cantuman {record} muncul lagi nanti dalam berkas ({later}); salinan yang terakhir disimpan',
      en: 'The same record id ({record}) comes again later in the file ({later}); the later copy is kept',
    },
  },
  {
    code: 'repeated_record',
    pattern: /^the same record comes again later in the file \((?<later>[^()]*)\); the later copy is kept$/,
    text: {
      id: 'Cantuman yang sama muncul lagi nanti dalam berkas ({later}); salinan yang terakhir disimpan',
      en: 'The same record comes again later in the file ({later}); the later copy is kept',
    },
  },
  {
    code: 'not_stored',
    pattern: /^could not be stored: (?<detail>.*)$/s,
    text: { id: 'Tidak dapat disimpan: {detail}', en: 'Could not be stored: {detail}' },
  },
];

const BY_CODE = new Map(RULES.map((r) => [r.code, r]));

/** The code and parameters of a reason text ('other' when no rule knows it). */
export function classifyReason(reason: string): ReasonCode {
  for (const r of RULES) {
    const m = r.pattern.exec(reason);
    if (m) return { code: r.code, params: { ...(m.groups ?? {}) } };
  }
  return { code: 'other', params: {} };
}

/** The reason in both languages; an unknown code shows the stored English text. */
export function reasonText(code: string, params: Record<string, string>, english: string): Bilingual {
  const rule = BY_CODE.get(code);
  if (!rule) return { id: `Alasan (dalam bahasa Inggris): ${english}`, en: english };
  return fillMessage(rule.text, params);
}

/** Every code a rejection may carry (for documentation and tests). */
export const REASON_CODES: readonly string[] = [...RULES.map((r) => r.code), 'other'];
