/**
 * A typed citation and the union catalog: which cluster a request for it is
 * filed under (its holdings give the rota), and the rota preview staff see
 * while typing. Creating a request and the preview call the same
 * `clusterForCitation` and `proposeRota`, so what the preview shows is what
 * saving the request now would store.
 */
import { isbnKeys } from '../catalog/search-index.ts';
import type { Actor } from '../platform/actor.ts';
import type { DbOrTrx } from '../platform/db.ts';
import { Forbidden } from '../platform/errors.ts';
import { proposeRota, type RotaProposal } from './selection.ts';
import type { Citation } from './tables.ts';
import { t } from './texts.ts';

/** The citation's fields trimmed, empty ones dropped. */
export function cleanCitation(c: Partial<Citation>): Partial<Citation> {
  const out: Partial<Citation> = {};
  for (const [k, v] of Object.entries(c)) {
    if (typeof v === 'string' && v.trim()) (out as Record<string, string>)[k] = v.trim();
  }
  return out;
}

export interface CitationMatch {
  clusterId: number;
  title: string;
  authors: string[];
  year: number | null;
  /** What matched: only the ISBN so far. */
  by: 'isbn';
}

/**
 * The union-catalog cluster a typed citation is filed under: the one holding its ISBN (the most
 * widely held when several do). Title and author are not matched: a wrong guess would send the
 * request to libraries holding another book, so staff pick such a title from the catalog instead.
 */
export async function clusterForCitation(db: DbOrTrx, citation: Partial<Citation>): Promise<CitationMatch | null> {
  if (!citation.isbn) return null;
  const keys = isbnKeys(citation.isbn);
  if (!keys.length) return null;
  const hit = await db
    .selectFrom('clusters')
    .select(['id', 'title', 'display'])
    .where((eb) => eb('isbns', '&&', eb.val(keys)))
    .orderBy('holdings_count', 'desc')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (!hit) return null;
  return {
    clusterId: hit.id,
    title: hit.title,
    authors: hit.display.authors,
    year: hit.display.year ?? null,
    by: 'isbn',
  };
}

export interface CitationPreview {
  match: CitationMatch | null;
  proposal: RotaProposal;
}

/**
 * The rota a request for this citation would get if the actor's library saved it now. Reads only.
 * A request is always made for the staff's own library (`createRequest`), so that is the only
 * borrower one may preview for — coordinators included.
 */
export async function previewCitationRota(
  db: DbOrTrx,
  actor: Actor,
  citation: Partial<Citation>,
  library?: number,
): Promise<CitationPreview> {
  const borrower = actor.libraryId;
  if (borrower === null || (library !== undefined && library !== borrower)) {
    throw new Forbidden(t('not_borrower_staff'), 'not_borrower_staff');
  }
  const match = await clusterForCitation(db, cleanCitation(citation));
  return { match, proposal: await proposeRota(db, borrower, match?.clusterId ?? null) };
}
