import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Trx } from '../platform/db.ts';
import { rebuildClusters } from './clusters.ts';
import type { Bib, ItemInput } from './types.ts';

/**
 * The store side of ingest: records arrive already parsed (any format), in
 * chunks; each chunk is one transaction that keeps the source record as
 * received, replaces its match keys and items, attaches it to a cluster and
 * refreshes what search reads. Re-sending the same record changes nothing.
 */

export type Parsed =
  | { ok: true; position: string; raw: Buffer; format: string; bib: Bib }
  | { ok: false; position: string; reason: string; excerpt?: string };

export interface MatchVerdict {
  decision: 'match' | 'no-match' | 'uncertain';
  score: number;
  reasons: string[];
}

/** The matcher's pure core, injected so the store does not depend on its tuning. */
export interface Matcher {
  keys(bib: Bib): string[];
  compare(a: Bib, b: Bib): MatchVerdict;
  /** A hard reason two records cannot share a cluster; checked against every member before joining. */
  conflict?(a: Bib, b: Bib): string | undefined;
}

// A key shared by more records than this (a very common title) finds candidates only among the first ones.
const MAX_CANDIDATES_PER_KEY = 200;

export interface BatchCounts {
  read: number;
  added: number;
  updated: number;
  unchanged: number;
  deleted: number;
  matched: number;
  rejected: number;
}

export const emptyCounts = (): BatchCounts => ({
  read: 0,
  added: 0,
  updated: 0,
  unchanged: 0,
  deleted: 0,
  matched: 0,
  rejected: 0,
});

export interface IngestTarget {
  batchId: number;
  libraryId: number;
  sourceId: number | null;
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

export function recordKeyOf(bib: Bib, raw: Buffer): string {
  return bib.sourceId?.trim() ? `id:${bib.sourceId.trim()}` : `sha256:${sha256(raw)}`;
}

// Statuses Simpul's own workflows set; a library's re-sent record does not overwrite them.
const MANAGED = new Set<string>(['on_deposit', 'in_transit']);
const MANAGED_LIST = ['on_deposit', 'in_transit'] as const;

export async function ingestStream(
  db: Db,
  target: IngestTarget,
  records: AsyncIterable<Parsed>,
  matcher: Matcher,
  opts: { chunkSize?: number; onChunk?: (counts: BatchCounts) => Promise<void> | void } = {},
): Promise<BatchCounts> {
  const counts = emptyCounts();
  const chunkSize = opts.chunkSize ?? 500;
  let chunk: Parsed[] = [];
  const flush = async () => {
    if (chunk.length === 0) return;
    const part = chunk;
    chunk = [];
    const c = await db.transaction().execute((trx) => ingestChunk(trx, target, part, matcher));
    for (const k of Object.keys(counts) as Array<keyof BatchCounts>) counts[k] += c[k];
    await db
      .updateTable('import_batches')
      .set({
        n_read: counts.read,
        n_added: counts.added,
        n_updated: counts.updated,
        n_unchanged: counts.unchanged,
        n_deleted: counts.deleted,
        n_matched: counts.matched,
        n_rejected: counts.rejected,
      })
      .where('id', '=', target.batchId)
      .execute();
    await opts.onChunk?.(counts);
  };
  for await (const rec of records) {
    chunk.push(rec);
    if (chunk.length >= chunkSize) await flush();
  }
  await flush();
  return counts;
}

interface Incoming {
  position: string;
  raw: Buffer;
  format: string;
  bib: Bib;
  key: string;
  hash: string;
}

export async function ingestChunk(
  trx: Trx,
  target: IngestTarget,
  part: Parsed[],
  matcher: Matcher,
): Promise<BatchCounts> {
  const counts = emptyCounts();
  counts.read = part.length;

  const rejected = part.filter((p): p is Extract<Parsed, { ok: false }> => !p.ok);
  counts.rejected = rejected.length;
  if (rejected.length) {
    await trx
      .insertInto('rejected_records')
      .values(
        rejected.map((r) => ({
          batch_id: target.batchId,
          position: r.position,
          reason: r.reason.slice(0, 1000),
          excerpt: r.excerpt?.slice(0, 500) ?? null,
        })),
      )
      .execute();
  }

  // Within one chunk the last copy of a record wins, as it would across chunks.
  const byKey = new Map<string, Incoming>();
  for (const p of part) {
    if (!p.ok) continue;
    const key = recordKeyOf(p.bib, p.raw);
    byKey.set(key, { position: p.position, raw: p.raw, format: p.format, bib: p.bib, key, hash: sha256(p.raw) });
  }
  if (byKey.size === 0) return counts;

  const existing = await trx
    .selectFrom('source_records')
    .select(['id', 'record_key', 'content_hash', 'cluster_id', 'deleted'])
    .where('library_id', '=', target.libraryId)
    .where('record_key', 'in', [...byKey.keys()])
    .execute();
  const old = new Map(existing.map((e) => [e.record_key, e]));

  const changed: Array<{ id: number; rec: Incoming; oldCluster: number | null }> = [];
  const removed: Array<{ id: number; oldCluster: number | null }> = [];
  const toInsert: Incoming[] = [];

  for (const rec of byKey.values()) {
    const prev = old.get(rec.key);
    if (rec.bib.deleted) {
      if (prev && !prev.deleted) removed.push({ id: prev.id, oldCluster: prev.cluster_id });
      else counts.unchanged++;
      continue;
    }
    if (!prev) toInsert.push(rec);
    else if (prev.content_hash === rec.hash && !prev.deleted) counts.unchanged++;
    else changed.push({ id: prev.id, rec, oldCluster: prev.cluster_id });
  }
  counts.added = toInsert.length;
  counts.updated = changed.length;
  counts.deleted = removed.length;

  const touchedClusters = new Set<number>();

  if (toInsert.length) {
    const rows = await trx
      .insertInto('source_records')
      .values(
        toInsert.map((r) => ({
          library_id: target.libraryId,
          source_id: target.sourceId,
          record_key: r.key,
          format: r.format,
          raw: r.raw,
          content_hash: r.hash,
          bib: JSON.stringify(r.bib),
          batch_id: target.batchId,
          position: r.position,
        })),
      )
      .returning(['id', 'record_key'])
      .execute();
    const idOf = new Map(rows.map((r) => [r.record_key, r.id]));
    for (const r of toInsert) changed.push({ id: idOf.get(r.key) as number, rec: r, oldCluster: null });
  }
  for (const c of changed) {
    if (c.oldCluster === null && !old.has(c.rec.key)) continue; // just inserted
    await trx
      .updateTable('source_records')
      .set({
        raw: c.rec.raw,
        content_hash: c.rec.hash,
        bib: JSON.stringify(c.rec.bib),
        format: c.rec.format,
        batch_id: target.batchId,
        position: c.rec.position,
        deleted: false,
        updated_at: new Date(),
      })
      .where('id', '=', c.id)
      .execute();
  }

  if (removed.length) {
    const ids = removed.map((r) => r.id);
    await trx
      .updateTable('source_records')
      .set({ deleted: true, cluster_id: null, batch_id: target.batchId, updated_at: new Date() })
      .where('id', 'in', ids)
      .execute();
    await trx.deleteFrom('match_keys').where('record_id', 'in', ids).execute();
    await trx
      .updateTable('items')
      .set({ status: 'withdrawn', cluster_id: null, updated_at: new Date() })
      .where('source_record_id', 'in', ids)
      .where('status', 'not in', MANAGED_LIST)
      .execute();
    for (const r of removed) if (r.oldCluster) touchedClusters.add(r.oldCluster);
  }

  if (changed.length) {
    const ids = changed.map((c) => c.id);
    await trx.deleteFrom('match_keys').where('record_id', 'in', ids).execute();
    const keyRows = changed.flatMap((c) =>
      [...new Set(matcher.keys(c.rec.bib))].map((key) => ({ key, record_id: c.id })),
    );
    for (let i = 0; i < keyRows.length; i += 2000) {
      await trx
        .insertInto('match_keys')
        .values(keyRows.slice(i, i + 2000))
        .execute();
    }
    const matched = await assignClusters(trx, target.libraryId, changed, matcher);
    counts.matched = matched.matched;
    for (const id of matched.touched) touchedClusters.add(id);
    await syncItems(trx, target.libraryId, changed);
  }

  if (touchedClusters.size) await rebuildClusters(trx, [...touchedClusters]);
  return counts;
}

interface Candidate {
  record_id: number;
  library_id: number;
  cluster_id: number | null;
  record_key: string;
  bib: Bib;
}

/**
 * Attach each changed record to the cluster of its best match in another
 * library, else to a cluster of its own. Staff decisions (merge/split) override
 * the matcher. Two records of one library never share a cluster.
 */
async function assignClusters(
  trx: Trx,
  libraryId: number,
  changed: Array<{ id: number; rec: Incoming; oldCluster: number | null }>,
  matcher: Matcher,
): Promise<{ matched: number; touched: number[] }> {
  const touched = new Set<number>();
  let matched = 0;
  const decisions = await loadDecisions(
    trx,
    libraryId,
    changed.map((c) => c.rec.key),
  );
  const allKeys = [...new Set(changed.flatMap((c) => matcher.keys(c.rec.bib)))];
  // Keys first, then each candidate record once: a record sharing four keys would otherwise travel four times.
  const hits = allKeys.length
    ? await trx
        .selectFrom('match_keys as k')
        .innerJoin('source_records as r', 'r.id', 'k.record_id')
        .select(['k.key', 'r.id'])
        .where('k.key', 'in', allKeys)
        .where('r.library_id', '<>', libraryId)
        .where('r.deleted', '=', false)
        .execute()
    : [];
  const perKey = new Map<string, number[]>();
  for (const h of hits) {
    const list = perKey.get(h.key) ?? [];
    if (list.length < MAX_CANDIDATES_PER_KEY) list.push(h.id);
    perKey.set(h.key, list);
  }
  const candidateIds = [...new Set([...perKey.values()].flat())];
  const candidateRows: Candidate[] = candidateIds.length
    ? ((await trx
        .selectFrom('source_records')
        .select(['id as record_id', 'library_id', 'cluster_id', 'record_key', 'bib'])
        .where('id', 'in', candidateIds)
        .execute()) as unknown as Candidate[])
    : [];
  const byId = new Map(candidateRows.map((c) => [c.record_id, c]));
  const candidates: Array<Candidate & { key: string }> = [];
  for (const [key, ids] of perKey)
    for (const id of ids) {
      const c = byId.get(id);
      if (c) candidates.push({ ...c, key });
    }
  const byKey = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const list = byKey.get(c.key) ?? [];
    list.push(c);
    byKey.set(c.key, list);
  }
  // Which libraries each candidate cluster already holds, to keep one record per library per cluster.
  const clusterIds = [...new Set(candidates.map((c) => c.cluster_id).filter((x): x is number => x !== null))];
  const members = clusterIds.length
    ? await trx
        .selectFrom('source_records')
        .select(['cluster_id', 'library_id', 'id', 'bib'])
        .where('cluster_id', 'in', clusterIds)
        .where('deleted', '=', false)
        .execute()
    : [];
  const bibsIn = new Map<number, Array<{ id: number; bib: Bib }>>();
  for (const m of members) {
    if (m.cluster_id === null) continue;
    const list = bibsIn.get(m.cluster_id) ?? [];
    list.push({ id: m.id, bib: m.bib });
    bibsIn.set(m.cluster_id, list);
  }
  const libsIn = new Map<number, Map<number, number>>();
  for (const m of members) {
    if (m.cluster_id === null) continue;
    const map = libsIn.get(m.cluster_id) ?? new Map<number, number>();
    map.set(m.library_id, m.id);
    libsIn.set(m.cluster_id, map);
  }

  const fresh: typeof changed = [];
  const moves: Array<{ id: number; cluster: number }> = [];
  for (const c of changed) {
    const seen = new Set<number>();
    let best: { cluster: number; score: number } | null = null;
    const forced = decisions.merge.get(c.rec.key);
    for (const key of new Set(matcher.keys(c.rec.bib))) {
      for (const cand of byKey.get(key) ?? []) {
        if (seen.has(cand.record_id) || cand.cluster_id === null) continue;
        seen.add(cand.record_id);
        const pair = `${cand.library_id}|${cand.record_key}`;
        if (decisions.split.get(c.rec.key)?.has(pair)) continue;
        const holder = libsIn.get(cand.cluster_id)?.get(libraryId);
        if (holder !== undefined && holder !== c.id) continue;
        const verdict = matcher.compare(c.rec.bib, cand.bib);
        if (verdict.decision !== 'match') continue;
        // Matching one member is not enough if another member rules the record out (no chaining).
        const conflict = matcher.conflict;
        if (conflict && (bibsIn.get(cand.cluster_id) ?? []).some((m) => m.id !== c.id && conflict(c.rec.bib, m.bib)))
          continue;
        if (!best || verdict.score > best.score) best = { cluster: cand.cluster_id, score: verdict.score };
      }
    }
    let target: number | null = null;
    if (forced) target = forced;
    else if (best) target = best.cluster;
    if (target !== null) {
      matched++;
    } else if (c.oldCluster !== null && (libsIn.get(c.oldCluster)?.size ?? 0) <= 1) {
      target = c.oldCluster; // it was alone there: keep its cluster id stable
    } else {
      // A new cluster, created with the others after the loop; a placeholder id until then.
      fresh.push(c);
      continue;
    }
    if (target !== c.oldCluster) {
      moves.push({ id: c.id, cluster: target });
      if (c.oldCluster !== null) touched.add(c.oldCluster);
    }
    touched.add(target);
    const map = libsIn.get(target) ?? new Map<number, number>();
    map.set(libraryId, c.id);
    libsIn.set(target, map);
    const list = bibsIn.get(target) ?? [];
    list.push({ id: c.id, bib: c.rec.bib });
    bibsIn.set(target, list);
  }
  if (fresh.length) {
    const created = await trx
      .insertInto('clusters')
      .values(fresh.map((c) => ({ title: c.rec.bib.title || '—', display: JSON.stringify(c.rec.bib) })))
      .returning('id')
      .execute();
    fresh.forEach((c, i) => {
      const id = (created[i] as { id: number }).id;
      moves.push({ id: c.id, cluster: id });
      if (c.oldCluster !== null) touched.add(c.oldCluster);
      touched.add(id);
    });
  }
  if (moves.length) {
    await sql`update source_records s set cluster_id = x.cluster
      from jsonb_to_recordset(${JSON.stringify(moves)}::jsonb) as x(id bigint, cluster bigint)
      where s.id = x.id`.execute(trx);
  }
  return { matched, touched: [...touched] };
}

async function loadDecisions(trx: Trx, libraryId: number, keys: string[]) {
  const merge = new Map<string, number>();
  const split = new Map<string, Set<string>>();
  if (keys.length === 0) return { merge, split };
  const rows = await trx
    .selectFrom('cluster_decisions as d')
    .select(['d.kind', 'd.a_library_id', 'd.a_record_key', 'd.b_library_id', 'd.b_record_key'])
    .where('d.active', '=', true)
    .where((eb) =>
      eb.or([
        eb.and([eb('d.a_library_id', '=', libraryId), eb('d.a_record_key', 'in', keys)]),
        eb.and([eb('d.b_library_id', '=', libraryId), eb('d.b_record_key', 'in', keys)]),
      ]),
    )
    .orderBy('d.id')
    .execute();
  for (const d of rows) {
    const mineIsA = d.a_library_id === libraryId && keys.includes(d.a_record_key);
    const myKey = mineIsA ? d.a_record_key : d.b_record_key;
    const otherLib = mineIsA ? d.b_library_id : d.a_library_id;
    const otherKey = mineIsA ? d.b_record_key : d.a_record_key;
    if (d.kind === 'split') {
      const set = split.get(myKey) ?? new Set<string>();
      set.add(`${otherLib}|${otherKey}`);
      split.set(myKey, set);
      merge.delete(myKey);
    } else {
      const other = await trx
        .selectFrom('source_records')
        .select('cluster_id')
        .where('library_id', '=', otherLib)
        .where('record_key', '=', otherKey)
        .where('deleted', '=', false)
        .executeTakeFirst();
      if (other?.cluster_id) merge.set(myKey, other.cluster_id);
      split.get(myKey)?.delete(`${otherLib}|${otherKey}`);
    }
  }
  return { merge, split };
}

/** Items follow their record: upsert by barcode, replace unbarcoded copies, keep workflow states. */
async function syncItems(trx: Trx, libraryId: number, changed: Array<{ id: number; rec: Incoming }>): Promise<void> {
  const ids = changed.map((c) => c.id);
  const clusterOf = new Map(
    (await trx.selectFrom('source_records').select(['id', 'cluster_id']).where('id', 'in', ids).execute()).map((r) => [
      r.id,
      r.cluster_id,
    ]),
  );
  const current = await trx
    .selectFrom('items')
    .select(['id', 'source_record_id', 'barcode', 'status'])
    .where('library_id', '=', libraryId)
    .where((eb) =>
      eb.or([
        eb('source_record_id', 'in', ids),
        eb(
          'barcode',
          'in',
          changed
            .flatMap((c) => c.rec.bib.items.map((i) => i.barcode).filter((b): b is string => Boolean(b)))
            .concat(['']),
        ),
      ]),
    )
    .execute();
  const byBarcode = new Map(current.filter((i) => i.barcode).map((i) => [i.barcode as string, i]));
  const keep = new Set<number>();
  const inserts: Array<ItemInput & { recordId: number }> = [];
  // A barcode is unique within a library: when a file repeats one, its last mention wins.
  const pendingByBarcode = new Map<string, number>();
  for (const c of changed) {
    for (const item of c.rec.bib.items) {
      const hit = item.barcode ? byBarcode.get(item.barcode) : undefined;
      if (hit) {
        keep.add(hit.id);
        await trx
          .updateTable('items')
          .set({
            source_record_id: c.id,
            cluster_id: clusterOf.get(c.id) ?? null,
            call_number: item.callNumber ?? null,
            location: item.location ?? null,
            loanable: item.loanable,
            note: item.note ?? null,
            ...(MANAGED.has(hit.status) ? {} : { status: item.status }),
            updated_at: new Date(),
          })
          .where('id', '=', hit.id)
          .execute();
      } else if (item.barcode && pendingByBarcode.has(item.barcode)) {
        inserts[pendingByBarcode.get(item.barcode) as number] = { ...item, recordId: c.id };
      } else {
        if (item.barcode) pendingByBarcode.set(item.barcode, inserts.length);
        inserts.push({ ...item, recordId: c.id });
      }
    }
  }
  const stale = current.filter(
    (i) => i.source_record_id !== null && ids.includes(i.source_record_id) && !keep.has(i.id) && !MANAGED.has(i.status),
  );
  if (stale.length)
    await trx
      .deleteFrom('items')
      .where(
        'id',
        'in',
        stale.map((s) => s.id),
      )
      .execute();
  if (inserts.length) {
    await trx
      .insertInto('items')
      .values(
        inserts.map((i) => ({
          library_id: libraryId,
          source_record_id: i.recordId,
          cluster_id: clusterOf.get(i.recordId) ?? null,
          barcode: i.barcode ?? null,
          call_number: i.callNumber ?? null,
          location: i.location ?? null,
          status: i.status,
          loanable: i.loanable,
          note: i.note ?? null,
        })),
      )
      .execute();
  }
  // Items keep pointing at their record's current cluster.
  await trx
    .updateTable('items')
    .set({ cluster_id: sql`(select cluster_id from source_records s where s.id = items.source_record_id)` })
    .where('source_record_id', 'in', ids)
    .execute();
}
