/**
 * Tells what an uploaded or harvested file is from its first few KB, so the
 * ingest job can pick a parser without trusting the file name. Every answer
 * carries the reason it was given, for the upload screen and the logs.
 */
import { SaxesParser } from 'saxes';
import { type CsvDelimiter, detectDelimiter } from './csv.ts';
import { spreadsheetKind } from './workbook.ts';

export type DetectedFormat =
  | { kind: 'iso2709'; reason: string }
  | { kind: 'marcxml'; reason: string }
  | { kind: 'oai-pmh'; metadataPrefix?: 'marc21' | 'oai_dc' | 'mods' | string; verb?: string; reason: string }
  | { kind: 'mods'; reason: string }
  | { kind: 'oai_dc'; reason: string }
  | { kind: 'csv'; delimiter: CsvDelimiter; reason: string }
  | { kind: 'xlsx'; reason: string }
  | { kind: 'ods'; reason: string }
  | { kind: 'xls'; reason: string }
  | { kind: 'unknown'; reason: string };

export const SNIFF_BYTES = 8 * 1024;

const NS = {
  oai: 'http://www.openarchives.org/OAI/2.0/',
  marc: 'http://www.loc.gov/MARC21/slim',
  mods: 'http://www.loc.gov/mods/v3',
  oaiDc: 'http://www.openarchives.org/OAI/2.0/oai_dc/',
  dc: 'http://purl.org/dc/elements/1.1/',
};

const PREFIX_BY_NS: Record<string, string> = {
  [NS.marc]: 'marc21',
  [NS.oaiDc]: 'oai_dc',
  [NS.mods]: 'mods',
  [NS.dc]: 'oai_dc',
};

export function detectFormat(head: Uint8Array): DetectedFormat {
  const bytes = head.subarray(0, SNIFF_BYTES);
  if (bytes.length === 0) return { kind: 'unknown', reason: 'empty file' };
  const sheet = spreadsheetKind(bytes);
  if (sheet?.kind === 'xlsx' || sheet?.kind === 'ods' || sheet?.kind === 'xls') return sheet;
  if (sheet) return { kind: 'unknown', reason: sheet.reason };
  const iso = iso2709Reason(bytes);
  if (iso) return { kind: 'iso2709', reason: iso };

  let text = new TextDecoder('utf-8').decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const trimmed = text.trimStart();
  if (trimmed.startsWith('<')) return detectXml(trimmed);

  const nonText = [...bytes].filter((b) => b < 0x09 || (b > 0x0d && b < 0x20)).length;
  if (nonText > bytes.length / 100)
    return { kind: 'unknown', reason: `${nonText} control bytes in the first ${bytes.length}: binary, not CSV or XML` };
  const lines = text.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '');
  if (lines.length >= 1) {
    const delimiter = detectDelimiter(text);
    const first = lines[0] ?? '';
    const fields = first.split(delimiter).length;
    if (fields >= 2) {
      const name = delimiter === '\t' ? 'tab' : `'${delimiter}'`;
      return { kind: 'csv', delimiter, reason: `${fields} ${name}-separated fields on the first line` };
    }
  }
  return { kind: 'unknown', reason: 'neither MARC, XML nor delimited text' };
}

/**
 * ISO 2709: a 24-byte leader starting with the 5-digit record length,
 * indicator/subfield-code counts "22" at 10-11, a 5-digit base address at
 * 12-16, and a field terminator (0x1E) ending the directory.
 */
function iso2709Reason(b: Uint8Array): string | undefined {
  if (b.length < 25) return undefined;
  const ascii = (i: number, n: number) => String.fromCharCode(...b.subarray(i, i + n));
  if (!/^\d{5}$/.test(ascii(0, 5))) return undefined;
  if (!/^\d{5}$/.test(ascii(12, 5))) return undefined;
  const base = Number(ascii(12, 5));
  const counts = ascii(10, 2);
  const terminator = b.indexOf(0x1e);
  if (terminator < 24) return undefined;
  // Directory entries are 12 bytes each, ending right before the base address.
  const directoryFits = base === terminator + 1 && (terminator - 24) % 12 === 0;
  if (counts === '22' && directoryFits)
    return `leader: length ${ascii(0, 5)}, base address ${base} matches a ${(terminator - 24) / 12}-entry directory`;
  if (directoryFits)
    return `leader with base address ${base} matching the directory (indicator count '${counts}' is non-standard)`;
  if (counts === '22') return `leader digits and indicator count '22' (directory not fully within the sniffed bytes)`;
  return undefined;
}

interface XmlFacts {
  root?: { local: string; uri: string };
  request?: Record<string, string>;
  verb?: string;
  firstMetadataNs?: string;
  firstMarcLike?: string;
  error?: string;
}

function detectXml(text: string): DetectedFormat {
  const facts = scanXml(text);
  const root = facts.root;
  if (!root) return { kind: 'unknown', reason: `XML without a root element${facts.error ? ` (${facts.error})` : ''}` };
  const where = root.uri ? `{${root.uri}}` : 'no namespace';
  if (root.local === 'OAI-PMH') {
    const requested = facts.request?.metadataPrefix;
    const fromNs = facts.firstMetadataNs ? PREFIX_BY_NS[facts.firstMetadataNs] : undefined;
    const prefix = fromNs ?? requested;
    const result: DetectedFormat = { kind: 'oai-pmh', reason: `root <OAI-PMH> (${where})` };
    if (facts.verb) result.verb = facts.verb;
    if (prefix) {
      result.metadataPrefix = prefix;
      result.reason += fromNs
        ? `; first record's metadata is in ${facts.firstMetadataNs}`
        : `; request says metadataPrefix=${requested}`;
    }
    return result;
  }
  if ((root.local === 'collection' || root.local === 'record') && (root.uri === NS.marc || facts.firstMarcLike)) {
    return {
      kind: 'marcxml',
      reason: `root <${root.local}> in ${root.uri === NS.marc ? NS.marc : `${where} with <${facts.firstMarcLike}> inside`}`,
    };
  }
  if ((root.local === 'mods' || root.local === 'modsCollection') && (root.uri === NS.mods || root.uri === '')) {
    return { kind: 'mods', reason: `root <${root.local}> (${where})` };
  }
  if (root.local === 'dc' && (root.uri === NS.oaiDc || root.uri === NS.dc || root.uri === '')) {
    return { kind: 'oai_dc', reason: `root <dc> (${where})` };
  }
  return { kind: 'unknown', reason: `XML with root <${root.local}> (${where}) is not a catalogue format we read` };
}

/** Reads as far as the sniffed bytes go; the cut-off end is expected and ignored. */
function scanXml(text: string): XmlFacts {
  const facts: XmlFacts = {};
  const parser = new SaxesParser({ xmlns: true });
  const path: string[] = [];
  parser.on('opentag', (tag) => {
    if (!facts.root) facts.root = { local: tag.local, uri: tag.uri };
    const depth = path.length;
    if (facts.root.local === 'OAI-PMH') {
      if (depth === 1 && tag.local === 'request') {
        facts.request = Object.fromEntries(Object.values(tag.attributes).map((a) => [a.local, a.value]));
      } else if (depth === 1 && tag.local !== 'responseDate' && tag.local !== 'request') facts.verb ??= tag.local;
      if (path[path.length - 1] === 'metadata' && facts.firstMetadataNs === undefined) facts.firstMetadataNs = tag.uri;
    }
    if (
      (tag.local === 'leader' || tag.local === 'controlfield' || tag.local === 'datafield') &&
      facts.firstMarcLike === undefined
    ) {
      facts.firstMarcLike = tag.local;
    }
    path.push(tag.local);
  });
  parser.on('closetag', () => {
    path.pop();
  });
  parser.on('error', (e) => {
    facts.error = e.message;
    throw e;
  });
  try {
    parser.write(text);
  } catch {
    // truncated or broken: what was seen before is still evidence
  }
  return facts;
}
