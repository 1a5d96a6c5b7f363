import { type Actor, assertActFor, canActFor } from '../platform/actor.ts';
import { audit } from '../platform/audit.ts';
import type { Db, Trx } from '../platform/db.ts';
import { Conflict, NotFound } from '../platform/errors.ts';
import { rebuildClusters } from './clusters.ts';

/**
 * Staff correct the matcher: split a record out of its cluster, or merge two
 * clusters. Each decision is stored by library + record key, so the next
 * ingest of the same records honours it instead of undoing it.
 */

async function recordRef(trx: Trx, recordId: number) {
  const r = await trx
    .selectFrom('source_records as r')
    .innerJoin('libraries as l', 'l.id', 'r.library_id')
    .select(['r.id', 'r.library_id', 'l.network_id', 'r.record_key', 'r.cluster_id', 'r.bib'])
    .where('r.id', '=', recordId)
    .where('r.deleted', '=', false)
    .executeTakeFirst();
  if (!r) throw new NotFound('record');
  return r;
}

export async function splitRecord(
  db: Db,
  actor: Actor,
  recordId: number,
  note?: string,
): Promise<{ clusterId: number }> {
  return db.transaction().execute(async (trx) => {
    const rec = await recordRef(trx, recordId);
    assertActFor(actor, { id: rec.library_id, network_id: rec.network_id });
    const others = await trx
      .selectFrom('source_records')
      .select(['id', 'library_id', 'record_key'])
      .where('cluster_id', '=', rec.cluster_id)
      .where('id', '<>', rec.id)
      .where('deleted', '=', false)
      .execute();
    if (others.length === 0) {
      throw new Conflict('alone_in_cluster', {
        id: 'Cantuman ini sudah sendiri dalam klasternya',
        en: 'This record is already alone in its cluster',
      });
    }
    await trx
      .insertInto('cluster_decisions')
      .values(
        others.map((o) => ({
          kind: 'split' as const,
          a_library_id: rec.library_id,
          a_record_key: rec.record_key,
          b_library_id: o.library_id,
          b_record_key: o.record_key,
          note: note ?? null,
          decided_by: actor.userId,
        })),
      )
      .execute();
    const created = await trx
      .insertInto('clusters')
      .values({ title: rec.bib.title || '—', display: JSON.stringify(rec.bib) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.updateTable('source_records').set({ cluster_id: created.id }).where('id', '=', rec.id).execute();
    await trx.updateTable('items').set({ cluster_id: created.id }).where('source_record_id', '=', rec.id).execute();
    await rebuildClusters(trx, [created.id, rec.cluster_id as number]);
    await audit(trx, actor, {
      action: 'split',
      entity: 'cluster',
      entityId: rec.cluster_id,
      libraryId: rec.library_id,
      before: { clusterId: rec.cluster_id },
      after: { recordId, clusterId: created.id, note: note ?? null },
    });
    return { clusterId: created.id };
  });
}

export async function mergeClusters(
  db: Db,
  actor: Actor,
  targetId: number,
  otherId: number,
  note?: string,
): Promise<{ clusterId: number }> {
  if (targetId === otherId) {
    throw new Conflict('same_cluster', {
      id: 'Klaster tidak dapat digabung dengan dirinya',
      en: 'A cluster cannot merge with itself',
    });
  }
  return db.transaction().execute(async (trx) => {
    const load = (id: number) =>
      trx
        .selectFrom('source_records as r')
        .innerJoin('libraries as l', 'l.id', 'r.library_id')
        .select(['r.id', 'r.library_id', 'l.network_id', 'r.record_key'])
        .where('r.cluster_id', '=', id)
        .where('r.deleted', '=', false)
        .execute();
    const [a, b] = await Promise.all([load(targetId), load(otherId)]);
    if (a.length === 0 || b.length === 0) throw new NotFound('record');
    // A librarian vouches for her own library's record: she must act for a library in one of the two clusters.
    if (!a.some((r) => canActFor(actor, lib(r))) && !b.some((r) => canActFor(actor, lib(r)))) {
      assertActFor(actor, { id: -1, network_id: -1 });
    }
    const libsA = new Set(a.map((r) => r.library_id));
    const clash = b.find((r) => libsA.has(r.library_id));
    if (clash) {
      throw new Conflict('same_library', {
        id: 'Kedua klaster memuat cantuman dari perpustakaan yang sama; satu perpustakaan hanya satu cantuman per klaster',
        en: 'Both clusters hold a record of the same library; a library has one record per cluster',
      });
    }
    const anchor = a[0] as (typeof a)[number];
    await trx
      .insertInto('cluster_decisions')
      .values(
        b.map((r) => ({
          kind: 'merge' as const,
          a_library_id: r.library_id,
          a_record_key: r.record_key,
          b_library_id: anchor.library_id,
          b_record_key: anchor.record_key,
          note: note ?? null,
          decided_by: actor.userId,
        })),
      )
      .execute();
    await trx.updateTable('source_records').set({ cluster_id: targetId }).where('cluster_id', '=', otherId).execute();
    await trx.updateTable('items').set({ cluster_id: targetId }).where('cluster_id', '=', otherId).execute();
    await rebuildClusters(trx, [targetId, otherId]);
    await audit(trx, actor, {
      action: 'merge',
      entity: 'cluster',
      entityId: targetId,
      libraryId: anchor.library_id,
      before: { clusters: [targetId, otherId] },
      after: { clusterId: targetId, note: note ?? null },
    });
    return { clusterId: targetId };
  });
}

const lib = (r: { library_id: number; network_id: number }) => ({ id: r.library_id, network_id: r.network_id });
