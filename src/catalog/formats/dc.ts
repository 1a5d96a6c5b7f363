/**
 * Simple Dublin Core (oai_dc, or a bare <dc>/<record> of dc:* elements) -> Bib.
 *
 * DC is lossy and repositories fill it loosely, so this is heuristic by
 * design: the earliest year among dc:date values (later ones are usually
 * accession dates), the most specific dc:type, identifiers classified by
 * check digit and URL shape. Elements are matched by local name in the DC
 * 1.1 or DCTERMS namespace, or in none (some providers omit it).
 */
import type { Bib, BibFormat } from '../types.ts';
import { addIdentifier, classifyIdentifier, findIsbns, parsePages, parseYear } from './identifiers.ts';
import { normalizeLanguage } from './language.ts';
import { parseXml, textOf, type XmlElement } from './xml-tree.ts';

const DC_NAMESPACES = new Set(['http://purl.org/dc/elements/1.1/', 'http://purl.org/dc/terms/', '']);

export interface DcOptions {
  sourceId?: string;
  deleted?: boolean;
}

export function dcToBib(xml: string, options: DcOptions = {}): Bib {
  return dcElementToBib(parseXml(xml), options);
}

export function dcElementToBib(root: XmlElement, options: DcOptions = {}): Bib {
  const values = new Map<string, string[]>();
  for (const el of root.children) {
    if (!DC_NAMESPACES.has(el.uri)) continue;
    const v = textOf(el);
    if (v === '') continue;
    const list = values.get(el.local) ?? [];
    list.push(v);
    values.set(el.local, list);
  }
  const all = (name: string) => values.get(name) ?? [];
  const first = (name: string) => all(name)[0];

  const [title, subtitle] = splitTitle(first('title') ?? '');
  const bib: Bib = {
    title,
    authors: unique([...all('creator'), ...all('contributor')]),
    isbns: [],
    issns: [],
    format: dcFormat(all('type')),
    subjects: [],
    items: [],
  };
  if (subtitle) bib.subtitle = subtitle;
  if (options.sourceId !== undefined) bib.sourceId = options.sourceId;
  if (options.deleted) bib.deleted = true;
  const publisher = first('publisher');
  if (publisher) bib.publisher = publisher;

  const years = all('date')
    .map((d) => parseYear(d))
    .filter((y): y is number => y !== undefined);
  if (years.length > 0) bib.year = Math.min(...years);

  for (const s of all('subject')) {
    for (const part of s.split(/\s*;\s*/)) {
      if (part === '') continue;
      // Repositories put DDC numbers in dc:subject.
      if (/^\d{3}(?:\.\d+)?$/.test(part) && bib.ddc === undefined) bib.ddc = part;
      else bib.subjects.push(part);
    }
  }
  bib.subjects = unique(bib.subjects);

  const identifiers: Record<string, string[]> = {};
  for (const raw of all('identifier')) {
    const id = classifyIdentifier(raw);
    if (!id) continue;
    if (id.kind === 'isbn') bib.isbns.push(id.value);
    else if (id.kind === 'issn') bib.issns.push(id.value);
    else addIdentifier(identifiers, id.kind, id.value);
  }
  // ISBNs also hide in dc:relation / dc:source ("ISBN 978-...") in repository exports.
  for (const raw of [...all('relation'), ...all('source')]) if (/isbn/i.test(raw)) bib.isbns.push(...findIsbns(raw));
  bib.isbns = unique(bib.isbns);
  bib.issns = unique(bib.issns);
  if (Object.keys(identifiers).length > 0) bib.identifiers = identifiers;

  for (const lang of all('language')) {
    const code = normalizeLanguage(lang);
    if (code) {
      bib.language = code;
      break;
    }
  }

  for (const f of all('format')) {
    const pages = parsePages(f);
    if (pages !== undefined) {
      bib.physical = f;
      bib.pages = pages;
      break;
    }
  }
  const notes = all('description');
  if (notes.length > 0) bib.notes = notes;
  return bib;
}

/** "Main title : subtitle" as catalogued; a bare colon is left alone (it is often part of the title). */
function splitTitle(t: string): [string, string | undefined] {
  const i = t.indexOf(' : ');
  if (i <= 0) return [t.trim(), undefined];
  return [t.slice(0, i).trim(), t.slice(i + 3).trim() || undefined];
}

const TYPE_RULES: [RegExp, BibFormat][] = [
  [/thesis|dissertation|skripsi|tesis|disertasi|tugas akhir/i, 'thesis'],
  [/article|artikel|contribution|conferenceobject|conference paper|preprint|chapter|bagian buku/i, 'article'],
  [/periodical|journal|jurnal|serial|magazine|majalah|newspaper|surat kabar/i, 'serial'],
  [/\bmaps?\b|cartographic|peta/i, 'map'],
  [/score|notated music|music/i, 'music'],
  [/moving ?image|video|film/i, 'video'],
  [/sound|audio/i, 'audio'],
  [/software|dataset|interactive ?resource|electronic|computer file/i, 'electronic'],
  [/manuscript|naskah/i, 'manuscript'],
  [/book|monograph|buku|report|laporan|working paper|text/i, 'book'],
  [/image|picture|physical ?object|collection|event|service/i, 'other'],
];

/** The most specific type wins: a record typed both "text" and "article" is an article. */
export function dcFormat(types: string[]): BibFormat {
  for (const [re, format] of TYPE_RULES) if (types.some((t) => re.test(t))) return format;
  return 'other';
}

function unique(xs: string[]): string[] {
  return [...new Set(xs.map((x) => x.trim()).filter((x) => x !== ''))];
}
