import { isControlField, type MarcRecord } from '../types.ts';

/** Writing MARC records: ISO 2709 in UTF-8, and MARCXML. */

export const MARC_NS = 'http://www.loc.gov/MARC21/slim';

/** ISO 2709 in UTF-8 (leader/09 'a'). Throws when the record cannot fit the format's 5-digit lengths. */
export function toIso2709(record: MarcRecord): Buffer {
  const data: Buffer[] = [];
  const dir: string[] = [];
  let offset = 0;
  for (const f of record.fields) {
    const body = isControlField(f)
      ? `${f.value}\x1e`
      : `${(f.ind1 || ' ')[0]}${(f.ind2 || ' ')[0]}${f.subfields.map((s) => `\x1f${s.code || ' '}${s.value}`).join('')}\x1e`;
    const bytes = Buffer.from(body, 'utf8');
    if (bytes.length > 9999) throw new Error(`field ${f.tag} is ${bytes.length} bytes, more than ISO 2709 allows`);
    dir.push(
      `${f.tag.padEnd(3, ' ').slice(0, 3)}${String(bytes.length).padStart(4, '0')}${String(offset).padStart(5, '0')}`,
    );
    data.push(bytes);
    offset += bytes.length;
  }
  const directory = Buffer.from(`${dir.join('')}\x1e`, 'latin1');
  const base = 24 + directory.length;
  const length = base + offset + 1;
  if (length > 99999) throw new Error(`record is ${length} bytes, more than ISO 2709 allows`);
  const l = record.leader.padEnd(24, ' ').slice(0, 24);
  const leader = `${String(length).padStart(5, '0')}${l.slice(5, 9)}a22${String(base).padStart(5, '0')}${l.slice(17, 20)}4500`;
  return Buffer.concat([Buffer.from(leader, 'latin1'), directory, ...data, Buffer.from([0x1d])]);
}

/** Characters XML 1.0 cannot carry (C0 controls but tab/newline/CR, lone surrogates, U+FFFE/FFFF) are dropped. */
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function xmlEscape(s: string): string {
  return s
    .replace(NOT_XML, '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** One <record> in MARC 21 slim; with the namespace declared on it unless told otherwise (e.g. inside a <collection>). */
export function toMarcXml(record: MarcRecord, options: { namespace?: boolean } = {}): string {
  const ns = options.namespace ?? true;
  const out: string[] = [ns ? `<record xmlns="${MARC_NS}">` : '<record>'];
  out.push(`<leader>${xmlEscape(record.leader)}</leader>`);
  for (const f of record.fields) {
    if (isControlField(f)) {
      out.push(`<controlfield tag="${xmlEscape(f.tag)}">${xmlEscape(f.value)}</controlfield>`);
      continue;
    }
    out.push(`<datafield tag="${xmlEscape(f.tag)}" ind1="${xmlEscape(f.ind1)}" ind2="${xmlEscape(f.ind2)}">`);
    for (const s of f.subfields) out.push(`<subfield code="${xmlEscape(s.code)}">${xmlEscape(s.value)}</subfield>`);
    out.push('</datafield>');
  }
  out.push('</record>');
  return out.join('');
}

/** A whole MARCXML document. */
export function toMarcXmlCollection(records: Iterable<MarcRecord>): string {
  const parts = [`<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="${MARC_NS}">`];
  for (const r of records) parts.push(toMarcXml(r, { namespace: false }));
  parts.push('</collection>\n');
  return parts.join('\n');
}
