import { createHash } from 'node:crypto';
import type { Trx } from '../platform/db.ts';
import { rebuildClusters } from './clusters.ts';
import { ingestChunk, type Matcher } from './ingest.ts';
import { catalogMatcher } from './match.ts';
import type { Bib } from './types.ts';

/**
 * Copies a library receives from outside its own catalogue files (a cooperative
 * purchase) become items of that library under a record of its own, keyed by the
 * caller (e.g. 'acq:12'), which the library's file imports never touch. The first
 * copy of a title already in the union catalog files that record in the title's
 * cluster; a title typed in goes through the ordinary ingest so the matcher files
 * it with the same title held elsewhere. Catalog search then lists the copy under
 * the library. Runs inside the caller's transaction.
 */
export interface AcquiredCopy {
  barcode: string;
  callNumber?: string | undefined;
  location?: string | undefined;
  note?: string | undefined;
}

export interface AcquiredTarget {
  libraryId: number;
  /** The title in the union catalog, when known. */
  clusterId: number | null;
  /** The description to catalogue when the title is not in the union catalog yet. */
  bib: Omit<Bib, 'items'>;
  recordKey: string;
  createdBy: number | null;
}

export async function addAcquiredCopy(
  trx: Trx,
  target: AcquiredTarget,
  copy: AcquiredCopy,
  matcher: Matcher = catalogMatcher,
): Promise<{ itemId: number; clusterId: number | null }> {
  const existing = await trx
    .selectFrom('source_records')
    .select(['id', 'cluster_id'])
    .where('library_id', '=', target.libraryId)
    // `id:<key>` when the first copy went through the ingest (its sourceId is the key)
    .where('record_key', 'in', [target.recordKey, `id:${target.recordKey}`])
    .where('deleted', '=', false)
    .executeTakeFirst();
  const cluster =
    existing || target.clusterId === null
      ? undefined
      : await trx
          .selectFrom('clusters')
          .select(['id', 'display'])
          .where('id', '=', target.clusterId)
          .executeTakeFirst();
  // The library's own record of the title, once it has one (its stand-in gave way to it: stand-ins.ts).
  let record =
    existing ??
    (cluster
      ? await trx
          .selectFrom('source_records')
          .select(['id', 'cluster_id'])
          .where('library_id', '=', target.libraryId)
          .where('cluster_id', '=', cluster.id)
          .where('deleted', '=', false)
          .orderBy('id')
          .executeTakeFirst()
      : undefined);
  if (!record && cluster) {
    const bib: Bib = { ...cluster.display, sourceId: target.recordKey, items: [] };
    const raw = JSON.stringify(bib);
    record = await trx
      .insertInto('source_records')
      .values({
        library_id: target.libraryId,
        source_id: null,
        record_key: target.recordKey,
        format: 'json',
        raw: Buffer.from(raw),
        content_hash: createHash('sha256').update(raw).digest('hex'),
        bib: raw,
        cluster_id: cluster.id,
      })
      // A stand-in that gave way earlier comes back if the library's own record has left the title since.
      .onConflict((oc) =>
        oc
          .columns(['library_id', 'record_key'])
          .doUpdateSet({ deleted: false, cluster_id: cluster.id, bib: raw, updated_at: new Date() }),
      )
      .returning(['id', 'cluster_id'])
      .executeTakeFirstOrThrow();
    const keys = [...new Set(matcher.keys(bib))];
    if (keys.length)
      await trx
        .insertInto('match_keys')
        .values(keys.map((key) => ({ key, record_id: (record as { id: number }).id })))
        .execute();
  }
  if (record) {
    const item = await trx
      .insertInto('items')
      .values({
        library_id: target.libraryId,
        source_record_id: record.id,
        cluster_id: record.cluster_id,
        barcode: copy.barcode,
        call_number: copy.callNumber ?? null,
        location: copy.location ?? null,
        status: 'available',
        loanable: true,
        note: copy.note ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (record.cluster_id !== null) await rebuildClusters(trx, [record.cluster_id]);
    return { itemId: item.id, clusterId: record.cluster_id };
  }
  const batch = await trx
    .insertInto('import_batches')
    .values({
      library_id: target.libraryId,
      kind: 'file',
      filename: target.recordKey,
      format: 'json',
      status: 'done',
      created_by: target.createdBy,
      started_at: new Date(),
      finished_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const bib: Bib = {
    ...target.bib,
    sourceId: target.recordKey,
    items: [
      {
        barcode: copy.barcode,
        status: 'available',
        loanable: true,
        ...(copy.callNumber ? { callNumber: copy.callNumber } : {}),
        ...(copy.location ? { location: copy.location } : {}),
        ...(copy.note ? { note: copy.note } : {}),
      },
    ],
  };
  const counts = await ingestChunk(
    trx,
    { batchId: batch.id, libraryId: target.libraryId, sourceId: null },
    [{ ok: true, position: '1', raw: Buffer.from(JSON.stringify(bib)), format: 'json', bib }],
    matcher,
  );
  await trx
    .updateTable('import_batches')
    .set({ n_read: counts.read, n_added: counts.added, n_matched: counts.matched })
    .where('id', '=', batch.id)
    .execute();
  // The copy is Simpul's, not one the library's files named (so they do not drop it).
  const item = await trx
    .updateTable('items')
    .set({ file_status: null })
    .where('library_id', '=', target.libraryId)
    .where('barcode', '=', copy.barcode)
    .returning(['id', 'cluster_id'])
    .executeTakeFirstOrThrow();
  return { itemId: item.id, clusterId: item.cluster_id };
}
