import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Trx } from '../platform/db.ts';
import { Conflict } from '../platform/errors.ts';
import { type Bilingual, fillMessage } from '../platform/messages.ts';
import { rebuildClusters } from './clusters.ts';

/**
 * Holdings that change hands (redistribution of surplus copies): an item
 * becomes another library's, attached to that library's record of the same
 * title, and the clusters are refreshed at once so search shows the new
 * holder. Runs inside the caller's transaction.
 *
 * The receiving library gets a record in the cluster if it had none: a copy
 * of the giver's record (or of the cluster's display record), keyed
 * `transfer:<cluster>` and carrying the same match keys, so the title keeps
 * one cluster and later imports from other libraries still match it.
 */

const texts = {
  barcode_taken: {
    id: 'barkode {barcode} sudah dipakai di perpustakaan penerima',
    en: 'barcode {barcode} is already used at the receiving library',
  },
  item_unknown: { id: 'eksemplar #{id} tidak ada', en: 'item #{id} does not exist' },
} satisfies Record<string, Bilingual>;

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The receiving library's live record in a cluster, made from a template when it has none. */
async function recordAt(trx: Trx, libraryId: number, clusterId: number, templateId: number | null): Promise<number> {
  const own = await trx
    .selectFrom('source_records')
    .select('id')
    .where('library_id', '=', libraryId)
    .where('cluster_id', '=', clusterId)
    .where('deleted', '=', false)
    .orderBy('id')
    .executeTakeFirst();
  if (own) return own.id;
  let template = templateId
    ? await trx
        .selectFrom('source_records')
        .select(['id', 'format', 'raw', 'bib'])
        .where('id', '=', templateId)
        .where('deleted', '=', false)
        .executeTakeFirst()
    : undefined;
  template ??= await trx
    .selectFrom('source_records')
    .select(['id', 'format', 'raw', 'bib'])
    .where('cluster_id', '=', clusterId)
    .where('deleted', '=', false)
    .orderBy('id')
    .executeTakeFirst();
  let bib: string;
  let raw: Buffer;
  let format: string;
  if (template) {
    bib = JSON.stringify({ ...template.bib, items: [] });
    raw = template.raw;
    format = template.format;
  } else {
    const c = await trx.selectFrom('clusters').select('display').where('id', '=', clusterId).executeTakeFirstOrThrow();
    bib = JSON.stringify({ ...c.display, items: [] });
    raw = Buffer.from(bib);
    format = 'transfer';
  }
  const row = await trx
    .insertInto('source_records')
    .values({
      library_id: libraryId,
      source_id: null,
      record_key: `transfer:${clusterId}`,
      format,
      raw,
      content_hash: sha256(raw),
      bib,
      cluster_id: clusterId,
    })
    .onConflict((oc) =>
      oc
        .columns(['library_id', 'record_key'])
        .doUpdateSet({ deleted: false, cluster_id: clusterId, updated_at: new Date() }),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  if (template) {
    await trx.deleteFrom('match_keys').where('record_id', '=', row.id).execute();
    await trx
      .insertInto('match_keys')
      .columns(['key', 'record_id'])
      .expression((eb) =>
        eb
          .selectFrom('match_keys')
          .select(['key', sql.lit(row.id).as('record_id')])
          .where('record_id', '=', template.id),
      )
      .execute();
  }
  return row.id;
}

async function assertBarcodeFree(trx: Trx, libraryId: number, barcode: string | null, except: number | null) {
  if (!barcode) return;
  let q = trx.selectFrom('items').select('id').where('library_id', '=', libraryId).where('barcode', '=', barcode);
  if (except !== null) q = q.where('id', '<>', except);
  if (await q.executeTakeFirst()) {
    throw new Conflict('barcode_taken', fillMessage(texts.barcode_taken, { barcode }), { barcode });
  }
}

export interface TransferLine {
  itemId: number;
  /** The receiver's barcode when it re-labels the copy; default: keep the giver's. */
  barcode?: string | null | undefined;
  note?: string | null | undefined;
}

/** Moves items to `toLibraryId` and refreshes their clusters' holdings and facets for search. */
export async function transferItems(trx: Trx, toLibraryId: number, lines: TransferLine[]): Promise<void> {
  if (!lines.length) return;
  const ids = lines.map((l) => l.itemId);
  const items = await trx
    .selectFrom('items')
    .select(['id', 'library_id', 'cluster_id', 'source_record_id', 'barcode'])
    .where('id', 'in', ids)
    .forUpdate()
    .execute();
  const byId = new Map(items.map((i) => [i.id, i]));
  const touched = new Set<number>();
  for (const l of lines) {
    const it = byId.get(l.itemId);
    if (!it) throw new Conflict('item_unknown', fillMessage(texts.item_unknown, { id: l.itemId }));
    const barcode = l.barcode?.trim() || it.barcode;
    await assertBarcodeFree(trx, toLibraryId, barcode, null);
    const record = it.cluster_id !== null ? await recordAt(trx, toLibraryId, it.cluster_id, it.source_record_id) : null;
    await trx
      .updateTable('items')
      .set({
        library_id: toLibraryId,
        source_record_id: record,
        barcode,
        location: null,
        // The receiver's copy now: no workflow holds it, and no file of the receiver has named it yet.
        status: 'available',
        held_by: null,
        file_status: null,
        note: l.note ?? null,
        updated_at: new Date(),
      })
      .where('id', '=', it.id)
      .execute();
    if (it.cluster_id !== null) touched.add(it.cluster_id);
  }
  await rebuildClusters(trx, [...touched]);
}

/**
 * New copies of a catalogued title at `libraryId` (stock that was never an
 * item in Simpul, such as boxed duplicates listed by hand). Returns the items.
 */
export async function addCopies(
  trx: Trx,
  libraryId: number,
  clusterId: number,
  copies: Array<{ barcode?: string | null | undefined; note?: string | null | undefined }>,
): Promise<number[]> {
  if (!copies.length) return [];
  const record = await recordAt(trx, libraryId, clusterId, null);
  const out: number[] = [];
  for (const c of copies) {
    const barcode = c.barcode?.trim() || null;
    await assertBarcodeFree(trx, libraryId, barcode, null);
    const row = await trx
      .insertInto('items')
      .values({
        library_id: libraryId,
        source_record_id: record,
        cluster_id: clusterId,
        barcode,
        status: 'available',
        loanable: true,
        note: c.note ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    out.push(row.id);
  }
  await rebuildClusters(trx, [clusterId]);
  return out;
}
