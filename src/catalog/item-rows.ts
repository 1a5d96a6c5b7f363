import { sql } from 'kysely';
import type { Trx } from '../platform/db.ts';
import type { Matcher } from './ingest.ts';
import { foldText, parseName, titleForms } from './normalize.ts';
import { isbnKeys } from './search-index.ts';
import { textList } from './sql-lists.ts';
import type { Bib, ItemInput } from './types.ts';

/**
 * Item-only files (a SLiMS item export, an items table dump, a spreadsheet of
 * copies): each row is one copy that names its record by the library's record
 * id, an ISBN or its title (and author), not a full description. Each row is
 * applied to the record the library already sent: the copy is upserted by
 * barcode; a row that names no record of the library, or more than one, is
 * rejected with its line and why.
 */

export interface ItemRow {
  item: ItemInput & { barcode: string };
  /** The library's own record id (SLiMS biblio_id): the record key `id:<it>`. */
  recordId?: string;
  isbn?: string;
  title?: string;
  author?: string;
}

/** The key a record is found by from an item row's title: the title proper, folded as for matching. */
export function titleKeyOf(bib: Pick<Bib, 'title' | 'subtitle'>): string {
  return titleForms(bib.title ?? '', bib.subtitle).main;
}

interface Rec {
  id: number;
  cluster_id: number | null;
  bib: Bib;
}

export interface ItemRowsResult {
  added: number;
  updated: number;
  unchanged: number;
  rejected: Array<{ position: string; reason: string; excerpt: string }>;
  touched: number[];
}

/** Records stored before title keys existed get theirs the first time a library sends an item-only file. */
async function backfillTitleKeys(trx: Trx, libraryId: number): Promise<void> {
  for (;;) {
    const rows = await trx
      .selectFrom('source_records')
      .select(['id', 'bib'])
      .where('library_id', '=', libraryId)
      .where('title_key', 'is', null)
      .limit(2000)
      .execute();
    if (rows.length === 0) return;
    const keys = rows.map((r) => ({ id: r.id, k: titleKeyOf(r.bib) }));
    await sql`update source_records s set title_key = x.k
      from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as x(id bigint, k text) where s.id = x.id`.execute(trx);
  }
}

const norm = (s: string | undefined) => (s ?? '').trim().toLowerCase().replace(/\s+/g, ' ');

function byAuthor(recs: Rec[], author: string | undefined): Rec[] {
  const name = author ? parseName(author) : undefined;
  if (!name?.surname) return recs;
  const surname = name.surname;
  return recs.filter((r) =>
    [...r.bib.authors, r.bib.responsibility ?? ''].some((a) => {
      const other = parseName(a);
      return other?.surname === surname || foldText(a).split(' ').includes(surname);
    }),
  );
}

function byCallNumber(recs: Rec[], callNumber: string | undefined): Rec[] {
  if (!callNumber) return recs;
  const want = norm(callNumber);
  return recs.filter((r) => norm(r.bib.callNumber) === want || r.bib.items.some((i) => norm(i.callNumber) === want));
}

/** Narrows candidates by author, then call number; each step only when it leaves someone. */
function narrow(recs: Rec[], row: ItemRow): Rec[] {
  let out = recs;
  for (const f of [(r: Rec[]) => byAuthor(r, row.author), (r: Rec[]) => byCallNumber(r, row.item.callNumber)]) {
    if (out.length <= 1) break;
    const next = f(out);
    if (next.length > 0) out = next;
  }
  return out;
}

export async function applyItemRows(
  trx: Trx,
  libraryId: number,
  rows: Array<{ position: string; raw: Buffer; row: ItemRow }>,
  matcher: Matcher,
): Promise<ItemRowsResult> {
  const result: ItemRowsResult = { added: 0, updated: 0, unchanged: 0, rejected: [], touched: [] };
  const reject = (r: { position: string; raw: Buffer }, reason: string) =>
    result.rejected.push({ position: r.position, reason, excerpt: r.raw.toString('utf8') });
  const select = () =>
    trx
      .selectFrom('source_records')
      .select(['id', 'cluster_id', 'bib'])
      .where('library_id', '=', libraryId)
      .where('deleted', '=', false);

  // By record id.
  const ids = [...new Set(rows.flatMap((r) => (r.row.recordId ? [`id:${r.row.recordId}`] : [])))];
  const byRecordKey = new Map<string, Rec>();
  if (ids.length) {
    const found = await select()
      .select('record_key')
      .where(sql<boolean>`record_key in ${textList(ids)}`)
      .execute();
    for (const f of found) byRecordKey.set(f.record_key, f as Rec);
  }
  // By ISBN: the matcher's keys of a record with only that ISBN find the candidates, the ISBN itself decides.
  const isbnProbe = new Map<string, string[]>();
  for (const r of rows) {
    if (r.row.recordId || !r.row.isbn) continue;
    const probe: Bib = {
      title: '',
      authors: [],
      isbns: [r.row.isbn],
      issns: [],
      subjects: [],
      format: 'book',
      items: [],
    };
    isbnProbe.set(r.row.isbn, [...new Set(matcher.keys(probe))]);
  }
  const byKey = new Map<string, Rec[]>();
  const allIsbnKeys = [...new Set([...isbnProbe.values()].flat())];
  if (allIsbnKeys.length) {
    const found = await trx
      .selectFrom('match_keys as k')
      .innerJoin('source_records as s', 's.id', 'k.record_id')
      .select(['k.key', 's.id', 's.cluster_id', 's.bib'])
      .where('s.library_id', '=', libraryId)
      .where('s.deleted', '=', false)
      .where(sql<boolean>`k.key in ${textList(allIsbnKeys)}`)
      .execute();
    for (const f of found) {
      const list = byKey.get(f.key) ?? [];
      list.push(f as Rec);
      byKey.set(f.key, list);
    }
  }
  // By title.
  const titleKeys = [
    ...new Set(rows.flatMap((r) => (!r.row.recordId && r.row.title ? [titleKeyOf({ title: r.row.title })] : []))),
  ].filter(Boolean);
  const byTitle = new Map<string, Rec[]>();
  if (titleKeys.length) {
    await backfillTitleKeys(trx, libraryId);
    const found = await select()
      .select('title_key')
      .where(sql<boolean>`title_key in ${textList(titleKeys)}`)
      .execute();
    for (const f of found) {
      const list = byTitle.get(f.title_key as string) ?? [];
      list.push(f as Rec);
      byTitle.set(f.title_key as string, list);
    }
  }

  const resolved: Array<{ row: ItemRow; rec: Rec; at: (typeof rows)[number] }> = [];
  for (const r of rows) {
    const { row } = r;
    if (row.recordId) {
      const rec = byRecordKey.get(`id:${row.recordId}`);
      if (rec) resolved.push({ row, rec, at: r });
      else reject(r, `no record with id ${row.recordId} from this library: import its bibliographic record first`);
      continue;
    }
    const notes: string[] = [];
    if (row.isbn) {
      const want = new Set(isbnKeys(row.isbn));
      const seen = new Map<number, Rec>();
      for (const k of isbnProbe.get(row.isbn) ?? [])
        for (const rec of byKey.get(k) ?? [])
          if (rec.bib.isbns.some((i) => isbnKeys(i).some((x) => want.has(x)))) seen.set(rec.id, rec);
      const hits = narrow([...seen.values()], row);
      if (hits.length === 1) {
        resolved.push({ row, rec: hits[0] as Rec, at: r });
        continue;
      }
      notes.push(hits.length ? `${hits.length} records have ISBN ${row.isbn}` : `no record with ISBN ${row.isbn}`);
    }
    if (row.title) {
      const key = titleKeyOf({ title: row.title });
      const hits = narrow(byTitle.get(key) ?? [], row);
      if (hits.length === 1) {
        resolved.push({ row, rec: hits[0] as Rec, at: r });
        continue;
      }
      notes.push(
        hits.length
          ? `${hits.length} records of this library have the title "${row.title}"${row.author ? ` by ${row.author}` : ''}; give biblio_id or ISBN`
          : `no record of this library with the title "${row.title}"`,
      );
    }
    if (!row.isbn && !row.title) notes.push('the row names no record (no biblio_id, ISBN or title)');
    reject(r, `item ${row.item.barcode}: ${notes.join('; ')}`);
  }
  if (resolved.length === 0) return result;

  // Upsert by barcode; within one file the last row of a barcode wins.
  const last = new Map<string, (typeof resolved)[number]>();
  for (const x of resolved) last.set(x.row.item.barcode, x);
  const current = await trx
    .selectFrom('items')
    .select([
      'id',
      'barcode',
      'source_record_id',
      'cluster_id',
      'call_number',
      'location',
      'status',
      'held_by',
      'file_status',
      'loanable',
      'note',
    ])
    .where('library_id', '=', libraryId)
    .where(sql<boolean>`barcode in ${textList(last.keys())}`)
    .execute();
  const have = new Map(current.map((c) => [c.barcode as string, c]));
  const touched = new Set<number>();
  const updates: unknown[] = [];
  const inserts: unknown[] = [];
  for (const [barcode, { row, rec }] of last) {
    const i = row.item;
    const fields = {
      record: rec.id,
      cluster: rec.cluster_id,
      call_number: i.callNumber ?? null,
      location: i.location ?? null,
      loanable: i.loanable,
      note: i.note ?? null,
    };
    const hit = have.get(barcode);
    if (!hit) {
      inserts.push({ ...fields, barcode, status: i.status });
      result.added++;
      if (rec.cluster_id !== null) touched.add(rec.cluster_id);
      continue;
    }
    // The row's status is the library's word (file_status); a copy a workflow holds keeps its own (item-status.ts).
    const status = hit.held_by === null ? i.status : hit.status;
    const same =
      hit.source_record_id === rec.id &&
      hit.cluster_id === rec.cluster_id &&
      hit.call_number === fields.call_number &&
      hit.location === fields.location &&
      hit.loanable === fields.loanable &&
      hit.note === fields.note &&
      hit.status === status &&
      hit.file_status === i.status;
    if (same) {
      result.unchanged++;
      continue;
    }
    updates.push({ id: hit.id, ...fields, status: i.status });
    result.updated++;
    if (hit.cluster_id !== null) touched.add(hit.cluster_id);
    if (rec.cluster_id !== null) touched.add(rec.cluster_id);
  }
  // Rows that repeat a barcode of this file count once, as their last mention; the others are unchanged.
  result.unchanged += resolved.length - last.size;
  if (updates.length)
    await sql`
      update items t set source_record_id = x.record, cluster_id = x.cluster, call_number = x.call_number,
        location = x.location, status = case when t.held_by is null then x.status else t.status end,
        file_status = x.status, loanable = x.loanable, note = x.note, updated_at = now()
      from jsonb_to_recordset(${JSON.stringify(updates)}::jsonb) as x(id bigint, record bigint, cluster bigint,
        call_number text, location text, status text, loanable boolean, note text)
      where t.id = x.id`.execute(trx);
  if (inserts.length)
    await sql`
      insert into items (library_id, source_record_id, cluster_id, barcode, call_number, location, status, file_status,
        loanable, note)
      select ${libraryId}::bigint, x.record, x.cluster, x.barcode, x.call_number, x.location, x.status, x.status,
        x.loanable, x.note
      from jsonb_to_recordset(${JSON.stringify(inserts)}::jsonb) as x(record bigint, cluster bigint, barcode text,
        call_number text, location text, status text, loanable boolean, note text)`.execute(trx);
  result.touched = [...touched];
  return result;
}
