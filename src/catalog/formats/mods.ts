/**
 * MODS 3.x -> Bib. Follows the LoC MARC<->MODS mapping where a choice exists,
 * so a record harvested as MODS matches the same book harvested as MARC.
 */
import type { Bib, BibFormat, ItemInput } from '../types.ts';
import { addIdentifier, classifyIdentifier, parsePages, parseYear } from './identifiers.ts';
import { normalizeLanguage } from './language.ts';
import { child, children, parseXml, textOf, type XmlElement } from './xml-tree.ts';

export const MODS_NS = 'http://www.loc.gov/mods/v3';

export interface ModsOptions {
  sourceId?: string;
  deleted?: boolean;
}

/** One <mods> record; a <modsCollection> gives its first record (use modsCollectionToBibs for all). */
export function modsToBib(xml: string, options: ModsOptions = {}): Bib {
  const root = parseXml(xml);
  const mods = root.local === 'modsCollection' ? children(root, 'mods')[0] : root;
  if (mods?.local !== 'mods') throw new Error(`not a MODS record: root is <${root.local}>`);
  return modsElementToBib(mods, options);
}

export function modsCollectionToBibs(xml: string): Bib[] {
  const root = parseXml(xml);
  const records = root.local === 'modsCollection' ? children(root, 'mods') : [root];
  return records.map((m) => modsElementToBib(m));
}

export function modsElementToBib(mods: XmlElement, options: ModsOptions = {}): Bib {
  const titleInfo = pickTitleInfo(mods);
  const bib: Bib = {
    title: titleInfo ? fullTitle(titleInfo) : '',
    authors: names(mods),
    isbns: [],
    issns: [],
    format: modsFormat(mods),
    subjects: subjects(mods),
    items: items(mods),
  };
  const subTitle = titleInfo ? textOf(child(titleInfo, 'subTitle')) : '';
  if (subTitle) bib.subtitle = subTitle;

  const sourceId = options.sourceId ?? textOf(child(child(mods, 'recordInfo') ?? mods, 'recordIdentifier'));
  if (sourceId) bib.sourceId = sourceId;
  if (options.deleted) bib.deleted = true;

  const origin = children(mods, 'originInfo');
  const publisher = firstText(origin.flatMap((o) => children(o, 'publisher')));
  if (publisher) bib.publisher = publisher;
  const place = firstText(
    origin
      .flatMap((o) => children(o, 'place'))
      .flatMap((p) => children(p, 'placeTerm').filter((t) => t.attrs.type !== 'code')),
  );
  if (place) bib.place = place;
  const edition = firstText(origin.flatMap((o) => children(o, 'edition')));
  if (edition) bib.edition = edition;
  const year = originYear(origin);
  if (year !== undefined) bib.year = year;

  const identifiers: Record<string, string[]> = {};
  for (const id of children(mods, 'identifier')) {
    const value = textOf(id);
    if (!value || id.attrs.invalid === 'yes') continue;
    const type = (id.attrs.type ?? '').toLowerCase();
    if (type === 'isbn') bib.isbns.push(value);
    else if (type === 'issn' || type === 'issn-l') bib.issns.push(value);
    else if (['doi', 'hdl', 'handle', 'uri', 'url', 'lccn', 'oclc', 'urn'].includes(type)) {
      const key = type === 'hdl' ? 'handle' : type === 'uri' ? 'url' : type;
      addIdentifier(identifiers, key, value);
    } else if (type === '') {
      const c = classifyIdentifier(value);
      if (c?.kind === 'isbn') bib.isbns.push(c.value);
      else if (c?.kind === 'issn') bib.issns.push(c.value);
      else if (c) addIdentifier(identifiers, c.kind, c.value);
    }
  }
  if (Object.keys(identifiers).length > 0) bib.identifiers = identifiers;

  const ddc = children(mods, 'classification').find((c) => (c.attrs.authority ?? '').toLowerCase() === 'ddc');
  if (ddc && textOf(ddc)) bib.ddc = textOf(ddc);

  const extent = firstText(children(mods, 'physicalDescription').flatMap((p) => children(p, 'extent')));
  if (extent) {
    bib.physical = extent;
    const pages = parsePages(extent);
    if (pages !== undefined) bib.pages = pages;
  }

  const language = modsLanguage(mods);
  if (language) bib.language = language;

  const series = children(mods, 'relatedItem').find((r) => r.attrs.type === 'series');
  const seriesTitle = series ? pickTitleInfo(series) : undefined;
  if (seriesTitle) {
    const number = textOf(child(seriesTitle, 'partNumber'));
    bib.series = [fullTitle(seriesTitle, false), number].filter(Boolean).join(' ; ');
  }

  const notes: string[] = [];
  for (const n of children(mods, 'note')) {
    const v = textOf(n);
    if (!v) continue;
    if (n.attrs.type === 'statement of responsibility' && bib.responsibility === undefined) bib.responsibility = v;
    else notes.push(v);
  }
  if (notes.length > 0) bib.notes = notes;

  const shelf = firstText(children(mods, 'location').flatMap((l) => children(l, 'shelfLocator')));
  if (shelf) bib.callNumber = shelf;
  return bib;
}

/** The uniform/abbreviated/translated/alternative forms are secondary; the untyped titleInfo is the title proper. */
function pickTitleInfo(el: XmlElement): XmlElement | undefined {
  const all = children(el, 'titleInfo');
  return (
    all.find((t) => t.attrs.type === undefined && t.attrs.usage === 'primary') ??
    all.find((t) => t.attrs.type === undefined) ??
    all[0]
  );
}

function fullTitle(t: XmlElement, withParts = true): string {
  const nonSort = child(t, 'nonSort')?.text ?? '';
  const title = textOf(child(t, 'title'));
  // nonSort usually carries its own trailing space ("The "), but not always ("L'").
  const joined = nonSort === '' ? title : /[\s'’-]$/.test(nonSort) ? `${nonSort}${title}` : `${nonSort} ${title}`;
  if (!withParts) return joined.trim();
  const parts = [joined.trim(), textOf(child(t, 'partNumber')), textOf(child(t, 'partName'))].filter(Boolean);
  return parts.join('. ');
}

const CREATOR_ROLES = new Set(['creator', 'author', 'aut', 'cre', 'pengarang', 'penulis']);

function nameString(n: XmlElement): string {
  const parts = children(n, 'namePart');
  const family = parts.find((p) => p.attrs.type === 'family');
  const given = parts.filter((p) => p.attrs.type === 'given');
  if (family) {
    const g = given.map((p) => textOf(p)).join(' ');
    return g ? `${textOf(family)}, ${g}` : textOf(family);
  }
  // Untyped parts are the name as written; corporate hierarchies join with ". ".
  const plain = parts.filter((p) => p.attrs.type === undefined).map((p) => textOf(p));
  if (plain.length > 0) return plain.join(n.attrs.type === 'corporate' ? '. ' : ' ');
  return textOf(child(n, 'displayForm'));
}

function names(mods: XmlElement): string[] {
  const scored = children(mods, 'name').map((n, index) => {
    const roles = children(n, 'role')
      .flatMap((r) => children(r, 'roleTerm'))
      .map((r) => textOf(r).toLowerCase().replace(/\.$/, ''));
    const primary =
      n.attrs.usage === 'primary' ? 0 : roles.length === 0 || roles.some((r) => CREATOR_ROLES.has(r)) ? 1 : 2;
    const raw = nameString(n);
    // "Chabon, Michael." loses the ISBD full stop; "Suharto, H. M." keeps its initial's.
    const name = /\b[A-Z]\.$/.test(raw) ? raw : raw.replace(/[.,;]\s*$/, '');
    return { name, primary, index };
  });
  scored.sort((a, b) => a.primary - b.primary || a.index - b.index);
  return [...new Set(scored.map((s) => s.name).filter(Boolean))];
}

function subjects(mods: XmlElement): string[] {
  const out: string[] = [];
  for (const s of children(mods, 'subject')) {
    const parts: string[] = [];
    for (const c of s.children) {
      if (['topic', 'geographic', 'temporal', 'genre', 'occupation'].includes(c.local)) parts.push(textOf(c));
      else if (c.local === 'name') parts.push(nameString(c));
      else if (c.local === 'titleInfo') parts.push(fullTitle(c));
    }
    const heading = parts.filter(Boolean).join(' -- ');
    if (heading) out.push(heading);
  }
  return [...new Set(out)];
}

function originYear(origin: XmlElement[]): number | undefined {
  const dates = origin.flatMap((o) => [
    ...children(o, 'dateIssued'),
    ...children(o, 'copyrightDate'),
    ...children(o, 'dateCreated'),
  ]);
  const key = dates.find((d) => d.attrs.keyDate === 'yes');
  // The machine-readable form (encoding="marc"/"w3cdtf") beats "c2002" / "[199-?]".
  const encoded = dates.find((d) => d.attrs.encoding !== undefined && d.attrs.point !== 'end');
  for (const d of [key, encoded, ...dates]) {
    const y = parseYear(d ? textOf(d) : undefined);
    if (y !== undefined) return y;
  }
  return undefined;
}

function modsLanguage(mods: XmlElement): string | undefined {
  const terms = children(mods, 'language').flatMap((l) => children(l, 'languageTerm'));
  const ordered = [...terms.filter((t) => t.attrs.type === 'code'), ...terms.filter((t) => t.attrs.type !== 'code')];
  for (const t of ordered) {
    const code = normalizeLanguage(textOf(t));
    if (code) return code;
  }
  return undefined;
}

function modsFormat(mods: XmlElement): BibFormat {
  const genres = children(mods, 'genre').map((g) => textOf(g).toLowerCase());
  if (genres.some((g) => /thesis|theses|dissertation|skripsi|tesis|disertasi/.test(g))) return 'thesis';
  if (genres.some((g) => /article/.test(g))) return 'article';
  const tor = child(mods, 'typeOfResource');
  if (tor?.attrs.manuscript === 'yes') return 'manuscript';
  const type = textOf(tor).toLowerCase();
  const issuance = children(mods, 'originInfo')
    .flatMap((o) => children(o, 'issuance'))
    .map((i) => textOf(i).toLowerCase());
  if (issuance.some((i) => i === 'serial' || i === 'continuing' || i === 'integrating resource')) return 'serial';
  if (genres.some((g) => /periodical|journal|newspaper|serial|magazine/.test(g))) return 'serial';
  if (type === 'text') return 'book';
  if (type === 'cartographic') return 'map';
  if (type === 'notated music' || type === 'sound recording-musical') return 'music';
  if (type.startsWith('sound recording')) return 'audio';
  if (type === 'moving image') return 'video';
  if (type === 'software, multimedia') return 'electronic';
  if (type === '' && genres.some((g) => /book|monograph/.test(g))) return 'book';
  return 'other';
}

/** location/holdingSimple/copyInformation: the copies a library reports inside MODS. */
function items(mods: XmlElement): ItemInput[] {
  const out: ItemInput[] = [];
  for (const loc of children(mods, 'location')) {
    const place = textOf(child(loc, 'physicalLocation'));
    for (const copy of children(loc, 'holdingSimple').flatMap((h) => children(h, 'copyInformation'))) {
      const item: ItemInput = { status: 'available', loanable: true };
      const barcode = textOf(child(copy, 'itemIdentifier'));
      if (barcode) item.barcode = barcode;
      const shelf = textOf(child(copy, 'shelfLocator'));
      if (shelf) item.callNumber = shelf;
      const sub = textOf(child(copy, 'subLocation'));
      const location = [place, sub].filter(Boolean).join(' / ');
      if (location) item.location = location;
      const note = textOf(child(copy, 'note'));
      if (note) item.note = note;
      out.push(item);
    }
  }
  return out;
}

function firstText(els: XmlElement[]): string | undefined {
  for (const e of els) {
    const v = textOf(e);
    if (v) return v;
  }
  return undefined;
}
