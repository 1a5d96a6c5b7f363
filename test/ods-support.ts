import JSZip from 'jszip';

/**
 * OpenDocument spreadsheets (.ods) for tests, written the way LibreOffice Calc
 * writes them: the `mimetype` entry first and stored, META-INF/manifest.xml,
 * styles.xml, meta.xml, and content.xml with identical neighbouring cells and
 * rows folded into `table:number-columns-repeated` / `number-rows-repeated`,
 * every row ended by an empty cell repeated to column 16,384 and every sheet
 * by an empty row repeated to row 1,048,576.
 */

export type OdsCell =
  | string
  | number
  | null
  | { date: string }
  | { time: string }
  | { bool: boolean }
  | { percent: number; shown?: string }
  | { currency: number; code?: string; shown?: string }
  | { float: number; shown: string }
  | { formula: string; value: number | string }
  /** A cell merged across `cols` columns (the covered cells after it are written too). */
  | { across: number; value: OdsCell }
  /** A cell as written, for what the forms above do not say. */
  | { xml: string };

export interface OdsSheet {
  name: string;
  /** Rows of cells, or a row as written (`<table:table-row>…`). */
  rows: Array<OdsCell[] | string>;
  hidden?: boolean;
}

export const ODS_MIMETYPE = 'application/vnd.oasis.opendocument.spreadsheet';

export const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A text as LibreOffice writes it in a cell: paragraphs per line, runs of spaces as text:s, tabs as text:tab. */
export function odsParagraphs(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      let out = '';
      const parts = line.split(/( {2,}|\t)/);
      for (const part of parts) {
        if (part === '\t') out += '<text:tab/>';
        else if (/^ {2,}$/.test(part)) out += ` <text:s text:c="${part.length - 1}"/>`;
        else out += escapeXml(part);
      }
      return `<text:p>${out}</text:p>`;
    })
    .join('');
}

/** One cell's XML and how many columns it takes. */
function cellXml(c: OdsCell): { xml: string; width: number } {
  if (c === null || c === '') return { xml: '<table:table-cell/>', width: 1 };
  if (typeof c === 'string')
    return {
      xml: `<table:table-cell office:value-type="string" calcext:value-type="string">${odsParagraphs(c)}</table:table-cell>`,
      width: 1,
    };
  if (typeof c === 'number')
    return {
      xml: `<table:table-cell office:value-type="float" office:value="${c}" calcext:value-type="float"><text:p>${c}</text:p></table:table-cell>`,
      width: 1,
    };
  if ('xml' in c) return { xml: c.xml, width: 1 };
  if ('date' in c)
    return {
      xml: `<table:table-cell table:style-name="ce2" office:value-type="date" office:date-value="${c.date}" calcext:value-type="date"><text:p>${c.date.slice(8, 10)}/${c.date.slice(5, 7)}/${c.date.slice(0, 4)}</text:p></table:table-cell>`,
      width: 1,
    };
  if ('time' in c)
    return {
      xml: `<table:table-cell office:value-type="time" office:time-value="${c.time}" calcext:value-type="time"><text:p>${c.time}</text:p></table:table-cell>`,
      width: 1,
    };
  if ('bool' in c)
    return {
      xml: `<table:table-cell office:value-type="boolean" office:boolean-value="${c.bool}" calcext:value-type="boolean"><text:p>${c.bool ? 'TRUE' : 'FALSE'}</text:p></table:table-cell>`,
      width: 1,
    };
  if ('percent' in c)
    return {
      xml: `<table:table-cell office:value-type="percentage" office:value="${c.percent}" calcext:value-type="percentage"><text:p>${c.shown ?? `${c.percent * 100}%`}</text:p></table:table-cell>`,
      width: 1,
    };
  if ('currency' in c)
    return {
      xml: `<table:table-cell office:value-type="currency" office:currency="${c.code ?? 'IDR'}" office:value="${c.currency}" calcext:value-type="currency"><text:p>${c.shown ?? `Rp${c.currency}`}</text:p></table:table-cell>`,
      width: 1,
    };
  if ('float' in c)
    return {
      xml: `<table:table-cell table:style-name="ce1" office:value-type="float" office:value="${c.float}" calcext:value-type="float"><text:p>${escapeXml(c.shown)}</text:p></table:table-cell>`,
      width: 1,
    };
  if ('formula' in c) {
    const typed =
      typeof c.value === 'number'
        ? `office:value-type="float" office:value="${c.value}" calcext:value-type="float"`
        : `office:value-type="string" office:string-value="" calcext:value-type="string"`;
    return {
      xml: `<table:table-cell table:formula="${escapeXml(c.formula)}" ${typed}>${odsParagraphs(String(c.value))}</table:table-cell>`,
      width: 1,
    };
  }
  const inner = cellXml(c.value).xml.replace(
    '<table:table-cell',
    `<table:table-cell table:number-columns-spanned="${c.across}" table:number-rows-spanned="1"`,
  );
  const covered = c.across > 2 ? ` table:number-columns-repeated="${c.across - 1}"` : '';
  return { xml: `${inner}<table:covered-table-cell${covered}/>`, width: c.across };
}

/** Identical neighbours folded into one element with a repeat count, as LibreOffice does. */
function fold(parts: string[], attribute: string): string {
  let out = '';
  for (let i = 0; i < parts.length; ) {
    let j = i + 1;
    while (j < parts.length && parts[j] === parts[i]) j++;
    const part = parts[i] as string;
    const n = j - i;
    out += n === 1 ? part : part.replace(/^<([\w:-]+)/, `<$1 ${attribute}="${n}"`);
    i = j;
  }
  return out;
}

function rowXml(cells: OdsCell[]): string {
  const parts: string[] = [];
  let width = 0;
  for (const c of cells) {
    const x = cellXml(c);
    // A merge's cell and its covered cells stay together.
    parts.push(x.xml);
    width += x.width;
  }
  const body = fold(parts, 'table:number-columns-repeated');
  const rest = 16384 - width;
  return `<table:table-row table:style-name="ro1">${body}${rest > 0 ? `<table:table-cell table:number-columns-repeated="${rest}"/>` : ''}</table:table-row>`;
}

/** How many rows a row or rows written by hand stand for. */
function rowsIn(xml: string): number {
  let n = 0;
  for (const m of xml.matchAll(/<table:table-row\b([^>]*)>/g))
    n += Number(/table:number-rows-repeated="(\d+)"/.exec(m[1] ?? '')?.[1] ?? 1);
  return n;
}

/** content.xml for the sheets. */
export function odsContent(sheets: OdsSheet[]): string {
  const tables = sheets
    .map((s) => {
      const rows = s.rows.map((r) => (typeof r === 'string' ? r : rowXml(r)));
      const used = s.rows.reduce((n, r) => n + (typeof r === 'string' ? rowsIn(r) : 1), 0);
      return `<table:table table:name="${escapeXml(s.name)}" table:style-name="${s.hidden ? 'ta2' : 'ta1'}"><table:table-column table:style-name="co1" table:number-columns-repeated="16384" table:default-cell-style-name="Default"/>${fold(rows, 'table:number-rows-repeated')}<table:table-row table:style-name="ro1" table:number-rows-repeated="${1048576 - used}"><table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table>`;
    })
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" office:version="1.3"><office:scripts/><office:font-face-decls><style:font-face style:name="Liberation Sans" svg:font-family="&apos;Liberation Sans&apos;" style:font-family-generic="swiss" style:font-pitch="variable"/></office:font-face-decls><office:automatic-styles><style:style style:name="co1" style:family="table-column"><style:table-column-properties fo:break-before="auto" style:column-width="0.889in"/></style:style><style:style style:name="ro1" style:family="table-row"><style:table-row-properties style:row-height="0.178in" fo:break-before="auto" style:use-optimal-row-height="true"/></style:style><style:style style:name="ta1" style:family="table" style:master-page-name="Default"><style:table-properties table:display="true" style:writing-mode="lr-tb"/></style:style><style:style style:name="ta2" style:family="table" style:master-page-name="Default"><style:table-properties table:display="false" style:writing-mode="lr-tb"/></style:style><number:number-style style:name="N2"><number:number number:decimal-places="0" number:min-decimal-places="0" number:min-integer-digits="6"/></number:number-style><number:date-style style:name="N37" number:automatic-order="true"><number:day number:style="long"/><number:text>/</number:text><number:month number:style="long"/><number:text>/</number:text><number:year number:style="long"/></number:date-style><style:style style:name="ce1" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="N2"/><style:style style:name="ce2" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="N37"/></office:automatic-styles><office:body><office:spreadsheet><table:calculation-settings table:automatic-find-labels="false" table:use-regular-expressions="false" table:use-wildcards="true"/>${tables}<table:named-expressions/></office:spreadsheet></office:body></office:document-content>`;
}

const MANIFEST = `<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="${ODS_MIMETYPE}"/><manifest:file-entry manifest:full-path="Configurations2/" manifest:media-type="application/vnd.sun.xml.ui.configuration"/><manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/><manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/><manifest:file-entry manifest:full-path="settings.xml" manifest:media-type="text/xml"/></manifest:manifest>`;

const STYLES = `<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" office:version="1.3"><office:styles><style:default-style style:family="table-cell"/><style:style style:name="Default" style:family="table-cell"/></office:styles></office:document-styles>`;

const META = `<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.3"><office:meta><meta:generator>LibreOffice/7.6.4.1$Linux_X86_64 LibreOffice_project/60$Build-1</meta:generator></office:meta></office:document-meta>`;

/** An .ods package around a content.xml (or parts given as they are). */
export async function odsPackage(
  content: string,
  opts: { mimetype?: string | null; manifest?: string; extra?: Record<string, string> } = {},
): Promise<Buffer> {
  const zip = new JSZip();
  if (opts.mimetype !== null) zip.file('mimetype', opts.mimetype ?? ODS_MIMETYPE, { compression: 'STORE' });
  zip.file('META-INF/manifest.xml', opts.manifest ?? MANIFEST);
  zip.file('meta.xml', META);
  zip.file('styles.xml', STYLES);
  zip.file('content.xml', content);
  for (const [name, text] of Object.entries(opts.extra ?? {})) zip.file(name, text);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 } });
}

/** An .ods file of the sheets, as LibreOffice Calc saves it. */
export function odsFile(sheets: OdsSheet[]): Promise<Buffer> {
  return odsPackage(odsContent(sheets));
}
