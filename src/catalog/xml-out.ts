import type { Bib } from './types.ts';

// XML 1.0 forbids most control characters even when escaped; real records carry them.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function esc(s: string | number): string {
  return String(s)
    .replace(INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

export const el = (name: string, value: string | number | undefined | null): string =>
  value === undefined || value === null || value === '' ? '' : `<${name}>${esc(value)}</${name}>`;

const DC_TYPE: Record<string, string> = {
  book: 'Text',
  serial: 'Text',
  article: 'Text',
  thesis: 'Text',
  manuscript: 'Text',
  map: 'Image',
  music: 'Sound',
  audio: 'Sound',
  video: 'MovingImage',
  electronic: 'Text',
  other: 'Text',
};

/** Simple Dublin Core (oai_dc), the format every harvester understands. */
export function bibToOaiDc(b: Bib, identifiers: string[] = []): string {
  const parts = [
    el('dc:title', [b.title, b.subtitle].filter(Boolean).join(' : ')),
    ...b.authors.map((a, i) => el(i === 0 ? 'dc:creator' : 'dc:contributor', a)),
    ...b.subjects.map((s) => el('dc:subject', s)),
    el('dc:publisher', b.publisher),
    el('dc:date', b.year),
    el('dc:type', DC_TYPE[b.format] ?? 'Text'),
    el('dc:format', b.physical),
    ...b.isbns.map((i) => el('dc:identifier', `ISBN ${i}`)),
    ...b.issns.map((i) => el('dc:identifier', `ISSN ${i}`)),
    ...identifiers.map((i) => el('dc:identifier', i)),
    el('dc:language', b.language),
    el('dc:relation', b.series),
    ...(b.notes ?? []).map((n) => el('dc:description', n)),
  ];
  return `<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd">${parts.join('')}</oai_dc:dc>`;
}
