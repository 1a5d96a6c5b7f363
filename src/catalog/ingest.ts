import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { Db, DbOrTrx, Trx } from '../platform/db.ts';
import { buildDisplay, rebuildClusters } from './clusters.ts';
import { applyItemRows, type ItemRow, titleKeyOf } from './item-rows.ts';
import { classifyReason } from './rejection-reasons.ts';
import { type IndexRow, indexRowOf, settleSearchIndex, type WordSink, writeClusterIndex } from './search-index.ts';
import { idList, textList } from './sql-lists.ts';
import { isStandInKey, retireStandIns } from './stand-ins.ts';
import type { Bib, ItemInput, ItemStatus } from './types.ts';

/**
 * The store side of ingest: records arrive already parsed (any format), in
 * chunks; each chunk is one transaction that keeps the source record as
 * received, replaces its match keys and items, attaches it to a cluster and
 * refreshes what search reads. Re-sending the same record changes nothing.
 *
 * A chunk costs a fixed number of statements whatever its size: every list
 * travels as one JSON parameter, every write is one multi-row statement, and
 * new clusters are written once, complete, instead of inserted and refreshed.
 */

export type Parsed =
  | { ok: true; position: string; raw: Buffer; format: string; bib: Bib }
  /** A copy named by its record (item-only exports): applied to a record the library already sent. */
  | { ok: true; position: string; raw: Buffer; format: string; itemRow: ItemRow }
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
  /** False when compare() cannot say 'match': lets the store skip the full comparison. */
  mayMatch?(a: Bib, b: Bib): boolean;
  /** What compare needs of a record, as JSON, stored beside it (`source_records.match_form`)… */
  form?(bib: Bib): unknown;
  /** …and a stand-in record for compare/conflict from it, or undefined when it is missing or outdated. */
  fromForm?(form: unknown): Bib | undefined;
}

/*
 * Candidates are clusters: a key finds the clusters holding a record of
 * another library with that key, and the record is compared with their
 * members (the first MAX_MEMBERS_COMPARED of a large cluster). A popular
 * title held by hundreds of libraries is one cluster, so its ISBN stays
 * useful. A key spread over more than MAX_CLUSTERS_PER_KEY clusters (a very
 * common title, a reused ISBN, a series) is not used, as clusterRecords skips
 * oversized blocks: comparing with an arbitrary few hundred of thousands finds
 * nothing reliably and costs most of the ingest; the record's other keys
 * still find its matches.
 */
export const MAX_CLUSTERS_PER_KEY = 200;
/*
 * A record is compared with at most this many clusters, taken from its
 * rarest keys first (an ISBN reaching one cluster before a title head
 * reaching sixty): a crowded corpus costs a bounded number of comparisons
 * and member reads per record, and the keys that identify go first.
 */
export const MAX_CANDIDATE_CLUSTERS = 64;
export const MAX_MEMBERS_COMPARED = 20;
// Candidates compared first: a record that matches one of these is placed among them (assignClusters).
const FIRST_LOOK = 4;
// Rows of one key looked at to find its clusters (a key this common is skipped anyway).
const MAX_ROWS_PER_KEY = 5000;

/**
 * The clusters each match key reaches, at most one past MAX_CLUSTERS_PER_KEY (so a crowded key shows as
 * one), from at most MAX_ROWS_PER_KEY key rows: one row per key with its cluster ids as one text (a title-head
 * key reaches dozens of clusters, and a row per cluster, 470k rows for 20k records, cost more to send and to
 * read than the probes themselves). `otherThan`: leave out that library's own records (not its stand-ins),
 * as an ingest does for the library sending; null for all (an ILL citation, citation-match.ts).
 */
export async function clustersByKey(
  db: DbOrTrx,
  keys: string[],
  otherThan: number | null,
): Promise<Array<{ key: string; ids: string }>> {
  if (!keys.length) return [];
  const whose = otherThan === null ? sql`true` : sql`(k.library_id <> ${otherThan}::bigint or k.stand_in)`;
  return (
    await sql<{ key: string; ids: string }>`
      select x.key, h.ids
      from ${textList(keys)} as x(key)
      cross join lateral (
        select string_agg(d.cluster_id::text, ',') as ids from (
          select distinct c.cluster_id from (
            select k.cluster_id from match_keys k
            where k.key = x.key and ${whose}
              and k.cluster_id is not null
            limit ${MAX_ROWS_PER_KEY}::int
          ) c
          limit ${MAX_CLUSTERS_PER_KEY + 1}::int
        ) d
      ) h
      where h.ids is not null`.execute(db)
  ).rows;
}

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

/** Where ingest time goes (ms per phase), collected when a caller asks for it (the benchmark). */
let profile: Record<string, number> | null = null;
export function collectIngestProfile(into: Record<string, number> | null): void {
  profile = into;
}
let lastMark = 0;
let lastNodeCpu = 0;
let lastPgCpu = 0;
/** The chunk transaction's server process when it runs on this machine (profile only): its CPU per phase. */
let backendPid: number | null = null;
function count(what: string, n: number): void {
  if (profile) profile[`# ${what}`] = (profile[`# ${what}`] ?? 0) + n;
}
function backendCpuMs(): number {
  if (backendPid === null) return 0;
  try {
    const stat = readFileSync(`/proc/${backendPid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // clock ticks of 10 ms
  } catch {
    backendPid = null;
    return 0;
  }
}
function mark(phase?: string): void {
  if (!profile) return;
  const now = performance.now();
  const c = process.cpuUsage();
  const nodeCpu = (c.user + c.system) / 1000;
  const pgCpu = backendCpuMs();
  if (phase) {
    profile[phase] = (profile[phase] ?? 0) + (now - lastMark);
    profile[`node cpu: ${phase}`] = (profile[`node cpu: ${phase}`] ?? 0) + (nodeCpu - lastNodeCpu);
    if (backendPid !== null) profile[`pg cpu: ${phase}`] = (profile[`pg cpu: ${phase}`] ?? 0) + (pgCpu - lastPgCpu);
  }
  lastMark = now;
  lastNodeCpu = nodeCpu;
  lastPgCpu = pgCpu;
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

export function recordKeyOf(bib: Bib, raw: Buffer): string {
  return bib.sourceId?.trim() ? `id:${bib.sourceId.trim()}` : `sha256:${sha256(raw)}`;
}

export const DEFAULT_CHUNK_SIZE = 1000;

/**
 * A pause for long loops of node's own work: when the loop has held the event loop for a few ms it waits
 * one turn (setImmediate), so that the chunk being written meanwhile gets its next statement sent as soon
 * as the server answers the last one, instead of after the whole loop (without them, blocks of 90–300 ms).
 */
function breather(ms = 4): () => Promise<void> | undefined {
  let last = performance.now();
  return () => {
    if (performance.now() - last < ms) return undefined;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        last = performance.now();
        resolve();
      }),
    );
  };
}

/**
 * Stores a stream of parsed records chunk by chunk, committed strictly in
 * order. While the database writes a chunk, the next one is parsed, keyed and
 * planned — its records' clusters decided by reading candidates on another
 * connection and comparing them in JS — assuming the chunk being written
 * commits as planned (its records are laid over what is read: see Overlay).
 * If it does not (a record the database refused sent it record by record),
 * the plan is dropped and the chunk planned again inside its own transaction.
 * So node's matching and the server's writes run at once, on two cores; at
 * most three chunks are in memory.
 */
export async function ingestStream(
  db: Db,
  target: IngestTarget,
  records: AsyncIterable<Parsed>,
  matcher: Matcher,
  opts: { chunkSize?: number; onChunk?: (counts: BatchCounts) => Promise<void> | void } = {},
): Promise<BatchCounts> {
  const counts = emptyCounts();
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const memo: Memo = { forms: formCacheOf(db), crowded: new Set() };
  const knownWords = wordCacheOf(db);
  let chunk: Parsed[] = [];
  let failed = false;
  const store = async (part: Parsed[], ahead: Ahead): Promise<boolean> => {
    const t0 = performance.now();
    const words: WordSink = { known: knownWords, sent: [] };
    const c = await db.transaction().execute(async (trx) => {
      if (profile) {
        try {
          // Only a server on this machine (over loopback) has its process here; PGlite's pid is not one.
          const r = await sql<{ pid: number; local: boolean | null }>`
            select pg_backend_pid() as pid, inet_server_addr() in ('127.0.0.1', '::1') as local`.execute(trx);
          const pid = Number(r.rows[0]?.pid);
          backendPid = r.rows[0]?.local && existsSync(`/proc/${pid}/stat`) ? pid : null;
        } catch {
          backendPid = null;
        }
      }
      return storeChunkOrRecords(trx, target, part, matcher, memo, ahead, words);
    });
    // Committed: later chunks need not send these words again.
    if (knownWords.size + words.sent.length > WORD_CACHE_SIZE) knownWords.clear();
    for (const w of words.sent) knownWords.add(w);
    if (profile) profile['chunk transaction'] = (profile['chunk transaction'] ?? 0) + performance.now() - t0;
    for (const k of Object.keys(counts) as Array<keyof BatchCounts>) counts[k] += c.counts[k];
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
    return c.asPlanned;
  };
  // The chunk being written (true once it is committed as planned) and, if planned ahead, what it will leave.
  let inflight: Promise<boolean> | null = null;
  let inflightOverlay: Overlay | null = null;
  const flush = async () => {
    if (chunk.length === 0) return;
    const part = chunk;
    chunk = [];
    mark();
    const prepared = await prepareChunk(part, matcher, breather());
    mark('keys and hashes');
    let plan: RecordPlan | null = null;
    if (prepared.byKey.size) {
      // A chunk planned inside its transaction leaves no overlay: the next is planned once it is committed.
      if (inflight && !inflightOverlay) await inflight;
      // Any failure here only means planning again inside the transaction, which reports it properly.
      const planning = planRecords(db, target, prepared.byKey, matcher, memo, inflightOverlay).catch(() => null);
      const asPlanned = inflight ? await inflight : true;
      plan = await planning;
      if (!asPlanned) plan = null;
    } else if (inflight) await inflight;
    inflightOverlay = plan ? overlayOf(target.libraryId, plan) : null;
    inflight = store(part, { prepared, plan });
    // Awaited before the next chunk is written and at the end; until then a failure only stops the reading.
    inflight.catch(() => {
      failed = true;
    });
  };
  let tp = performance.now();
  const pause = breather();
  for await (const rec of records) {
    if (profile) profile.parse = (profile.parse ?? 0) + performance.now() - tp;
    chunk.push(rec);
    if (chunk.length >= chunkSize) await flush();
    if (failed) break;
    await pause();
    tp = performance.now();
  }
  await flush();
  if (inflight) await inflight;
  if (counts.added + counts.updated + counts.deleted > 0) {
    mark();
    await settleSearchIndex(db);
    mark('settle search index');
  }
  return counts;
}

interface Incoming {
  position: string;
  raw: Buffer;
  format: string;
  bib: Bib;
  key: string;
  hash: string;
  matchKeys: string[];
}

/** A record this chunk writes (new or changed) and where it goes. */
interface Work {
  /** Row id; assigned before writing for new records. */
  id: number;
  isNew: boolean;
  rec: Incoming;
  oldCluster: number | null;
  /** Cluster it joins or keeps; a new cluster's id once created. */
  cluster: number | null;
}

/** SQLSTATE classes a record's own content can cause: data exception, integrity, program limit (index row size). */
function isRecordError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23|54)/.test(code);
}

/**
 * One chunk inside the caller's transaction. When the database refuses the
 * chunk because of what some record holds (a NUL character, a key too long to
 * index), the chunk is stored again record by record and the refused ones are
 * set aside with the database's reason: a bad record never aborts a batch.
 */
export async function ingestChunk(
  trx: Trx,
  target: IngestTarget,
  part: Parsed[],
  matcher: Matcher,
  memo: Memo = { forms: { map: new Map(), tick: 0 }, crowded: new Set() },
): Promise<BatchCounts> {
  return (await storeChunkOrRecords(trx, target, part, matcher, memo, null)).counts;
}

/**
 * ingestChunk, optionally with the chunk already prepared and planned outside the transaction (see
 * ingestStream). `asPlanned` says the chunk was written as one, exactly as planned, so the next chunk's plan,
 * made assuming it, holds.
 */
async function storeChunkOrRecords(
  trx: Trx,
  target: IngestTarget,
  part: Parsed[],
  matcher: Matcher,
  memo: Memo,
  ahead: Ahead | null,
  words?: WordSink,
): Promise<{ counts: BatchCounts; asPlanned: boolean }> {
  await sql`savepoint ingest_chunk`.execute(trx);
  try {
    const c = await storeChunk(trx, target, part, matcher, memo, ahead, words);
    await sql`release savepoint ingest_chunk`.execute(trx);
    return { counts: c, asPlanned: ahead !== null && ahead.prepared.itemRows.length === 0 };
  } catch (e) {
    if (!isRecordError(e)) throw e;
    await sql`rollback to savepoint ingest_chunk`.execute(trx);
  }
  const counts = emptyCounts();
  for (const p of part) {
    await sql`savepoint ingest_record`.execute(trx);
    let c: BatchCounts;
    try {
      c = await storeChunk(trx, target, [p], matcher, memo, null, words);
      await sql`release savepoint ingest_record`.execute(trx);
    } catch (e) {
      if (!isRecordError(e)) throw e;
      await sql`rollback to savepoint ingest_record`.execute(trx);
      const reason = `could not be stored: ${e instanceof Error ? e.message : String(e)}`;
      const excerpt = p.ok ? p.raw.subarray(0, 300).toString('utf8') : p.excerpt;
      c = await storeChunk(
        trx,
        target,
        [{ ok: false, position: p.position, reason, ...(excerpt ? { excerpt } : {}) }],
        matcher,
        memo,
        null,
        words,
      );
    }
    for (const k of Object.keys(counts) as Array<keyof BatchCounts>) counts[k] += c[k];
  }
  return { counts, asPlanned: false };
}

interface Prepared {
  rejected: Array<{ position: string; reason: string; excerpt?: string | undefined }>;
  itemRows: Array<{ position: string; raw: Buffer; row: ItemRow }>;
  byKey: Map<string, Incoming>;
}

/** A chunk prepared (keys, hashes) and its records planned (clusters, ids) before its transaction. */
interface Ahead {
  prepared: Prepared;
  plan: RecordPlan | null;
}

/** What the database will hold once a chunk's transaction commits, for planning the next one meanwhile. */
interface Overlay {
  /** Records it writes or deletes, by record key. */
  byKey: Map<string, { id: number; content_hash: string; cluster_id: number | null; deleted: boolean }>;
  /** The same records as cluster members (null: deleted, in no cluster). */
  members: Map<number, Member | null>;
}

function overlayOf(libraryId: number, plan: RecordPlan): Overlay {
  const o: Overlay = { byKey: new Map(), members: new Map() };
  for (const w of plan.work) {
    o.byKey.set(w.rec.key, { id: w.id, content_hash: w.rec.hash, cluster_id: w.cluster, deleted: false });
    o.members.set(w.id, {
      id: w.id,
      library_id: libraryId,
      cluster_id: w.cluster,
      record_key: w.rec.key,
      bib: w.rec.bib,
    });
  }
  for (const r of plan.removed) {
    o.byKey.set(r.key, { id: r.id, content_hash: r.hash, cluster_id: null, deleted: true });
    o.members.set(r.id, null);
  }
  return o;
}

async function prepareChunk(
  part: Parsed[],
  matcher: Matcher,
  pause: () => Promise<void> | undefined = () => undefined,
): Promise<Prepared> {
  const rejected: Prepared['rejected'] = [];
  const itemRows: Prepared['itemRows'] = [];
  // Within one chunk the last copy of a record wins, as it would across chunks; each earlier copy is
  // set aside with the reason, so that the report accounts for every record read.
  const byKey = new Map<string, Incoming>();
  for (const p of part) {
    await pause();
    if (!p.ok) rejected.push(p);
    else if ('itemRow' in p) itemRows.push({ position: p.position, raw: p.raw, row: p.itemRow });
    else {
      const key = recordKeyOf(p.bib, p.raw);
      const earlier = byKey.get(key);
      if (earlier) {
        rejected.push({
          position: earlier.position,
          reason: key.startsWith('id:')
            ? `the same record id (${key.slice(3)}) comes again later in the file (${p.position}); the later copy is kept`
            : `the same record comes again later in the file (${p.position}); the later copy is kept`,
          excerpt: earlier.raw.subarray(0, 300).toString('utf8'),
        });
        byKey.delete(key); // re-inserted below, so the map keeps the order of the last copies
      }
      byKey.set(key, {
        position: p.position,
        raw: p.raw,
        format: p.format,
        bib: p.bib,
        key,
        hash: sha256(p.raw),
        // One line each: match keys travel newline-separated (writeRecords).
        matchKeys: p.bib.deleted ? [] : [...new Set(matcher.keys(p.bib))].filter((k) => !k.includes('\n')),
      });
    }
  }
  return { rejected, itemRows, byKey };
}

async function storeChunk(
  trx: Trx,
  target: IngestTarget,
  part: Parsed[],
  matcher: Matcher,
  memo: Memo,
  ahead: Ahead | null,
  words?: WordSink,
): Promise<BatchCounts> {
  const counts = emptyCounts();
  counts.read = part.length;
  mark();
  const prepared = ahead?.prepared ?? (await prepareChunk(part, matcher));
  const { itemRows, byKey } = prepared;
  const rejected = [...prepared.rejected];
  mark('keys and hashes');

  const touched = new Set<number>();
  if (byKey.size) {
    const plan = ahead?.plan ?? (await planRecords(trx, target, byKey, matcher, memo, null));
    counts.added = plan.counts.added;
    counts.updated = plan.counts.updated;
    counts.unchanged = plan.counts.unchanged;
    counts.deleted = plan.counts.deleted;
    counts.matched = plan.counts.matched;
    for (const id of plan.touched) touched.add(id);
    await writeRecords(trx, target, plan, touched, words);
  }
  if (itemRows.length) {
    const r = await applyItemRows(trx, target.libraryId, itemRows, matcher);
    counts.added += r.added;
    counts.updated += r.updated;
    counts.unchanged += r.unchanged;
    rejected.push(...r.rejected);
    for (const id of r.touched) touched.add(id);
    mark('item rows');
  }
  if (touched.size) await rebuildClusters(trx, [...touched], words);
  mark('refresh changed clusters');

  counts.rejected = rejected.length;
  // In the order of the file, whichever step set them aside.
  const order = new Map(part.map((p, i) => [p.position, i]));
  rejected.sort((a, b) => (order.get(a.position) ?? 0) - (order.get(b.position) ?? 0));
  if (rejected.length) {
    await trx
      .insertInto('rejected_records')
      .values(
        rejected.map((r) => {
          // Text columns cannot hold NUL, which broken records do contain.
          const reason = r.reason.replaceAll('\0', '').slice(0, 1000);
          const code = classifyReason(reason);
          return {
            batch_id: target.batchId,
            position: r.position,
            reason,
            reason_code: code.code,
            reason_params: JSON.stringify(code.params),
            excerpt: r.excerpt?.replaceAll('\0', '').slice(0, 500) ?? null,
          };
        }),
      )
      .execute();
  }
  mark('rejections');
  return counts;
}

interface RecordPlan {
  counts: Pick<BatchCounts, 'added' | 'updated' | 'unchanged' | 'deleted' | 'matched'>;
  work: Work[];
  removed: Array<{ id: number; oldCluster: number | null; key: string; hash: string }>;
  fresh: Work[];
  changed: Work[];
  needCluster: Work[];
  /** Clusters to refresh after the writes. */
  touched: Set<number>;
  /** What the writes send, built with the plan (see Rows). */
  rows: Rows;
}

/**
 * The statements' parameters of a planned chunk, built with its plan: when the plan is made while the
 * previous chunk is being written, node builds them then, and the chunk's own transaction sends one
 * statement after another (index rows of new clusters, records as JSON with their raw bytes, match keys).
 */
interface Rows {
  /** New clusters' index rows (holdings are added in the transaction). */
  clusters: Array<{ work: Work; row: IndexRow }>;
  fresh: { json: string; blob: Buffer } | null;
  changed: { json: string; blob: Buffer } | null;
  keys: string;
  owners: string;
}

/** Builds a planned chunk's rows (after its ids are assigned). */
async function rowsOf(conn: DbOrTrx, libraryId: number, plan: RecordPlan, matcher: Matcher): Promise<Rows> {
  const { fresh, changed, needCluster, work } = plan;
  const pause = breather();
  const clusters: Rows['clusters'] = [];
  if (needCluster.length) {
    const lib = await conn
      .selectFrom('libraries')
      .select(['region_code', 'type'])
      .where('id', '=', libraryId)
      .executeTakeFirstOrThrow();
    for (const w of needCluster) {
      await pause();
      clusters.push({
        work: w,
        row: indexRowOf({
          id: w.cluster as number,
          display: buildDisplay([{ bib: w.rec.bib, format: w.rec.format }]),
          members: [{ bib: w.rec.bib, libraryId, regionCode: lib.region_code, libraryType: lib.type }],
        }),
      });
    }
  }
  // Each record's row is its own JSON text (one long stringify of a thousand bibs held the event loop).
  const recordRows = async (list: Work[], withKey: boolean) => {
    if (list.length === 0) return null;
    const raws = rawBlob(list);
    const rows: string[] = [];
    for (const [i, w] of list.entries()) {
      await pause();
      rows.push(
        JSON.stringify({
          id: w.id,
          ...(withKey ? { record_key: w.rec.key } : {}),
          format: w.rec.format,
          o: raws.offsets[i],
          l: w.rec.raw.length,
          content_hash: w.rec.hash,
          bib: w.rec.bib,
          cluster_id: w.cluster,
          position: w.rec.position,
          title_key: titleKeyOf(w.rec.bib),
          match_form: matcher.form?.(w.rec.bib) ?? null,
        }),
      );
    }
    return { json: `[${rows.join(',')}]`, blob: raws.blob };
  };
  // Two texts split by the server (keys never hold a newline: they are built from folded words and digits),
  // not a JSON list of 100k small objects to build and parse.
  // Each key row carries its record's cluster and whether the record is a stand-in (the library is one for all).
  const keys: string[] = [];
  const owners: string[] = [];
  for (const w of work) {
    const owner = `${w.id}:${w.cluster ?? ''}:${isStandInKey(w.rec.key) ? 't' : 'f'}`;
    for (const k of w.rec.matchKeys) {
      keys.push(k);
      owners.push(owner);
    }
  }
  return {
    clusters,
    fresh: await recordRows(fresh, true),
    changed: await recordRows(changed, false),
    keys: keys.join('\n'),
    owners: owners.join(','),
  };
}

/**
 * Decides what a chunk's records become (added, changed, unchanged, deleted; which cluster; row ids) from
 * what the database holds, writing nothing. `conn` is the chunk's transaction, or — when the chunk is planned
 * while the previous one is still being written — any connection, with that chunk's outcome as `overlay`.
 */
async function planRecords(
  conn: DbOrTrx,
  target: IngestTarget,
  byKey: Map<string, Incoming>,
  matcher: Matcher,
  memo: Memo,
  overlay: Overlay | null,
): Promise<RecordPlan> {
  const { libraryId } = target;
  const counts = { added: 0, updated: 0, unchanged: 0, deleted: 0, matched: 0 };
  const touched = new Set<number>();
  // One index probe per key (lateral, not flattened): planned on a young table's statistics, `record_key in (…)`
  // became a nested loop re-reading the whole key list for every row of the library.
  const existing = await sql<{
    id: number;
    record_key: string;
    content_hash: string;
    cluster_id: number | null;
    deleted: boolean;
  }>`
    select s.id, s.record_key, s.content_hash, s.cluster_id, s.deleted
    from ${textList(byKey.keys())} as k(key)
    cross join lateral (
      select id, record_key, content_hash, cluster_id, deleted from source_records
      where library_id = ${libraryId}::bigint and record_key = k.key
      limit 1
    ) s`.execute(conn);
  const old = new Map(
    existing.rows.map((e) => [
      e.record_key,
      { ...e, id: Number(e.id), cluster_id: e.cluster_id === null ? null : Number(e.cluster_id) },
    ]),
  );
  if (overlay)
    for (const key of byKey.keys()) if (overlay.byKey.has(key)) old.set(key, overlay.byKey.get(key) as never);
  mark('existing records');

  const work: Work[] = [];
  const removed: RecordPlan['removed'] = [];
  for (const rec of byKey.values()) {
    const prev = old.get(rec.key);
    if (rec.bib.deleted) {
      if (prev && !prev.deleted)
        removed.push({ id: prev.id, oldCluster: prev.cluster_id, key: rec.key, hash: prev.content_hash });
      else counts.unchanged++;
      continue;
    }
    if (!prev) work.push({ id: 0, isNew: true, rec, oldCluster: null, cluster: null });
    else if (prev.content_hash === rec.hash && !prev.deleted) counts.unchanged++;
    else work.push({ id: prev.id, isNew: false, rec, oldCluster: prev.cluster_id, cluster: null });
  }
  const fresh = work.filter((w) => w.isNew);
  const changed = work.filter((w) => !w.isNew);
  counts.added = fresh.length;
  counts.updated = changed.length;
  counts.deleted = removed.length;
  for (const r of removed) if (r.oldCluster) touched.add(r.oldCluster);
  const plan: RecordPlan = {
    counts,
    work,
    removed,
    fresh,
    changed,
    needCluster: [],
    touched,
    rows: { clusters: [], fresh: null, changed: null, keys: '', owners: '' },
  };
  if (work.length === 0) return plan;

  // Records this chunk deletes, and those the previous chunk writes, are members as they will be.
  const replaced = new Map<number, Member | null>(overlay?.members ?? []);
  for (const r of removed) replaced.set(r.id, null);
  const assigned = await assignClusters(conn, libraryId, work, matcher, memo, replaced);
  counts.matched = assigned.matched;
  for (const id of assigned.touched) touched.add(id);
  const needCluster = work.filter((w) => w.cluster === null);
  plan.needCluster = needCluster;

  // Ids for new records and new clusters in one round trip, so every row is written once, complete.
  const ids = await sql<{ kind: string; id: number }>`
    select 'r' as kind, nextval(pg_get_serial_sequence('source_records', 'id'))::int8 as id
      from generate_series(1, ${fresh.length}::int)
    union all
    select 'c' as kind, nextval(pg_get_serial_sequence('clusters', 'id'))::int8 as id
      from generate_series(1, ${needCluster.length}::int)`.execute(conn);
  const recordIds = ids.rows.filter((r) => r.kind === 'r').map((r) => Number(r.id));
  const clusterIds = ids.rows.filter((r) => r.kind === 'c').map((r) => Number(r.id));
  fresh.forEach((w, i) => {
    w.id = recordIds[i] as number;
  });
  needCluster.forEach((w, i) => {
    w.cluster = clusterIds[i] as number;
  });
  mark('ids');
  plan.rows = await rowsOf(conn, libraryId, plan, matcher);
  mark('rows');
  return plan;
}

/** Writes a planned chunk of records: deletions, new clusters, records, match keys, items. */
async function writeRecords(
  trx: Trx,
  target: IngestTarget,
  recordPlan: RecordPlan,
  touched: Set<number>,
  words?: WordSink,
): Promise<void> {
  const { libraryId } = target;
  const { removed, work, changed } = recordPlan;
  if (removed.length) {
    const ids = removed.map((r) => r.id);
    // Keys first: then the trigger that moves keys with their record (0082) finds none to move.
    await trx
      .deleteFrom('match_keys')
      .where(sql<boolean>`record_id in ${idList(ids)}`)
      .execute();
    await trx
      .updateTable('source_records')
      .set({ deleted: true, cluster_id: null, batch_id: target.batchId, updated_at: new Date() })
      .where(sql<boolean>`id in ${idList(ids)}`)
      .execute();
    // The library withdrew the copies; one a Simpul workflow holds keeps its status and title until released (item-status.ts).
    await sql`
      update items set file_status = 'withdrawn', updated_at = now(),
        status = case when held_by is null then 'withdrawn' else status end,
        cluster_id = case when held_by is null then null else cluster_id end
      where source_record_id in ${idList(ids)}`.execute(trx);
    mark('deletions');
  }
  if (work.length === 0) return;

  const plan = await planItems(trx, libraryId, work);
  for (const id of plan.touched) touched.add(id);
  mark('items lookup');

  const { rows } = recordPlan;
  // New clusters hold one record each: their display, search document and holdings are known here.
  // A changed record's new cluster is refreshed from the database instead (it may keep items not in the file).
  if (rows.clusters.length) {
    const content = rows.clusters.map(({ work: w, row }) => {
      const held = plan.finalItems.get(w.id) ?? [];
      const available = held.filter((i) => i.status === 'available' && i.loanable).length;
      if (!w.isNew) touched.add(w.cluster as number);
      return { row, holdings: held.length ? [{ libraryId, copies: held.length, available }] : [] };
    });
    await writeClusterIndex(trx, content, 'insert', words);
    mark('new clusters');
  }

  if (rows.fresh) {
    await sql`
      insert into source_records (id, library_id, source_id, record_key, format, raw, content_hash, bib, cluster_id,
        batch_id, position, title_key, match_form)
      select x.id, ${libraryId}::bigint, ${target.sourceId}::bigint, x.record_key, x.format,
        substring(${rows.fresh.blob}::bytea from x.o + 1 for x.l),
        x.content_hash, x.bib, x.cluster_id, ${target.batchId}::bigint, x.position, x.title_key, x.match_form
      from jsonb_to_recordset(${rows.fresh.json}::jsonb) as x(id bigint, record_key text, format text, o int, l int,
        content_hash text, bib jsonb, cluster_id bigint, position text, title_key text, match_form jsonb)`.execute(trx);
    mark('insert records');
  }
  if (rows.changed) {
    await trx
      .deleteFrom('match_keys')
      .where(sql<boolean>`record_id in ${idList(changed.map((w) => w.id))}`)
      .execute();
    await sql`
      update source_records s set format = x.format, raw = substring(${rows.changed.blob}::bytea from x.o + 1 for x.l),
        content_hash = x.content_hash,
        bib = x.bib, cluster_id = x.cluster_id, batch_id = ${target.batchId}::bigint, position = x.position,
        title_key = x.title_key, match_form = x.match_form, deleted = false, updated_at = now()
      from jsonb_to_recordset(${rows.changed.json}::jsonb) as x(id bigint, format text, o int, l int,
        content_hash text, bib jsonb, cluster_id bigint, position text, title_key text, match_form jsonb)
      where s.id = x.id`.execute(trx);
    mark('update records');
  }
  if (rows.keys) {
    await sql`insert into match_keys (key, record_id, cluster_id, library_id, stand_in)
      select k, split_part(o, ':', 1)::bigint, nullif(split_part(o, ':', 2), '')::bigint, ${libraryId}::bigint,
        split_part(o, ':', 3)::boolean
      from unnest(string_to_array(${rows.keys}::text, E'\n'),
        string_to_array(${rows.owners}::text, ',')) as x(k, o)`.execute(trx);
  }
  mark('insert match keys');
  await writeItems(trx, libraryId, plan, changed);
  mark('write items');
  const own = work.flatMap((w) =>
    w.cluster !== null && !isStandInKey(w.rec.key) ? [{ id: w.id, cluster: w.cluster }] : [],
  );
  for (const c of await retireStandIns(trx, libraryId, own)) touched.add(c);
  mark('stand-ins');
}

/**
 * The records' raw bytes as one binary parameter and where each begins: sent as is, where base64 inside
 * the JSON parameter was half of what the server parsed for a chunk (and a third of its wall time).
 */
function rawBlob(work: Work[]): { blob: Buffer; offsets: number[] } {
  const offsets: number[] = [];
  let at = 0;
  for (const w of work) {
    offsets.push(at);
    at += w.rec.raw.length;
  }
  return {
    blob: Buffer.concat(
      work.map((w) => w.rec.raw),
      at,
    ),
    offsets,
  };
}

/** The members of these clusters, with their bibs (match forms where stored), the chunk's replaced records as they were. */
async function candidateMembers(
  trx: DbOrTrx,
  clusters: Set<number>,
  matcher: Matcher,
  memo: Memo,
  replaced: Map<number, Member | null>,
): Promise<Member[]> {
  const read = clusters.size ? await readMembers(trx, clusters, matcher, memo.forms) : [];
  const members: Member[] = replaced.size ? read.filter((m) => !replaced.has(m.id)) : read;
  for (const m of replaced.values())
    if (m && m.cluster_id !== null && clusters.has(m.cluster_id)) members.push({ ...m });
  const stale = members.filter((m) => m.bib === null).map((m) => m.id);
  if (stale.length) {
    const bibs = await trx
      .selectFrom('source_records')
      .select(['id', 'bib'])
      .where(sql<boolean>`id in ${idList(stale)}`)
      .execute();
    const byId = new Map(bibs.map((b) => [b.id, b.bib]));
    for (const m of members) if (m.bib === null) m.bib = byId.get(m.id) as Bib;
  }
  return members;
}

interface Member {
  id: number;
  library_id: number;
  cluster_id: number | null;
  record_key: string;
  bib: Bib;
}

/**
 * Members of candidate clusters, revived from their match forms. A popular
 * cluster is a candidate of many records in many chunks, and reading and
 * reviving its members' forms each time was most of a chunk's reads (178k
 * member reads for 20k records). The revived forms are kept per database,
 * by row id and the record's content hash (the form is built from the
 * content), so only forms not seen yet, or of a record re-sent changed since,
 * travel; at most FORM_CACHE_SIZE of them, so memory stays bounded whatever
 * the corpus. The first read is of the cluster index only (it includes what
 * it needs, 0083): at 1M records the source rows no longer fit the page cache.
 * Members without a usable form come back with bib null (read by the caller).
 */
async function readMembers(trx: DbOrTrx, clusters: Set<number>, matcher: Matcher, cache: FormCache): Promise<Member[]> {
  // The first 16 hex digits of the content hash tell a cached form from a stale one (a record re-sent changed
  // keeps its id): a quarter of the text to send and read for each of the ~5 members a record's candidates have.
  const rows = await sql<{ id: number; library_id: number; cluster_id: number; record_key: string; v: string }>`
    select m.id, m.library_id, m.cluster_id, m.record_key, m.v
    from ${idList(clusters)} as c(id)
    cross join lateral (
      select id, library_id, cluster_id, record_key, left(content_hash, 16) as v from source_records
      where cluster_id = c.id and not deleted
      offset 0
    ) m`.execute(trx);
  const members: Member[] = [];
  const missing: Array<{ member: Member; v: string }> = [];
  for (const r of rows.rows) {
    const id = Number(r.id);
    const hit = cache.map.get(id);
    const fresh = hit !== undefined && hit.v === r.v;
    const m: Member = {
      id,
      library_id: Number(r.library_id),
      cluster_id: Number(r.cluster_id),
      record_key: r.record_key,
      bib: fresh ? hit.bib : (null as unknown as Bib),
    };
    members.push(m);
    if (fresh) {
      // Least recently used goes first; an entry used recently enough is not moved (most hits are).
      if (cache.tick - hit.t > FORM_CACHE_SIZE / 4) {
        cache.map.delete(id);
        hit.t = ++cache.tick;
        cache.map.set(id, hit);
      }
      count('member forms from cache', 1);
    } else missing.push({ member: m, v: r.v });
  }
  if (missing.length) {
    const fromForm = matcher.fromForm;
    const forms = await sql<{ id: number; match_form: unknown; bib: Bib | null }>`
      select s.id, s.match_form, ${fromForm ? sql`case when s.match_form is null then s.bib end` : sql`s.bib`} as bib
      from ${idList(missing.map((x) => x.member.id))} as x(id) cross join lateral (
        select id, match_form, bib from source_records where id = x.id offset 0
      ) s`.execute(trx);
    const byId = new Map<number, { bib: Bib | null; revived: boolean }>();
    for (const f of forms.rows) {
      const revived = fromForm?.(f.match_form);
      byId.set(Number(f.id), { bib: revived ?? f.bib ?? null, revived: revived !== undefined });
    }
    for (const { member: m, v } of missing) {
      const got = byId.get(m.id);
      m.bib = (got?.bib ?? null) as Bib;
      // Only revived forms are kept: a bib read whole (no usable form) is rare and large.
      if (got?.revived && got.bib) {
        cache.map.set(m.id, { v, bib: got.bib, t: ++cache.tick });
        if (cache.map.size > FORM_CACHE_SIZE) cache.map.delete(cache.map.keys().next().value as number);
      }
    }
  }
  return members;
}

/** Revived match forms by row id, oldest use first; `tick` counts uses (see readMembers). */
interface FormCache {
  map: Map<number, { v: string; bib: Bib; t: number }>;
  tick: number;
}
/**
 * What an ingest keeps between its chunks: the match forms it has read (per database, shared by ingests) and
 * the keys it found spread over more than MAX_CLUSTERS_PER_KEY clusters of other libraries (per ingest). A key
 * that common is not used, and it stays that common: later chunks do not probe it again. At 1M records the
 * probe was the second cost of the server (189 s), each common title head reading its MAX_ROWS_PER_KEY rows
 * for every chunk that had it.
 */
interface Memo {
  forms: FormCache;
  crowded: Set<string>;
}
/** "Did you mean" words an ingest has seen committed (see WordSink), per database, at most WORD_CACHE_SIZE. */
const WORD_CACHE_SIZE = 200_000;
const wordCaches = new WeakMap<object, Set<string>>();
function wordCacheOf(db: object): Set<string> {
  let c = wordCaches.get(db);
  if (!c) {
    c = new Set();
    wordCaches.set(db, c);
  }
  return c;
}
const FORM_CACHE_SIZE = 50_000;
const formCaches = new WeakMap<object, FormCache>();
function formCacheOf(db: object): FormCache {
  let c = formCaches.get(db);
  if (!c) {
    c = { map: new Map(), tick: 0 };
    formCaches.set(db, c);
  }
  return c;
}

/**
 * Decides the cluster of each record written: the cluster of its best match
 * in another library, else the one it was alone in, else a new one (cluster
 * left null). Staff decisions (merge/split) override the matcher. Two records
 * of one library never share a cluster. Writes nothing.
 */
async function assignClusters(
  trx: DbOrTrx,
  libraryId: number,
  work: Work[],
  matcher: Matcher,
  memo: Memo,
  replaced: Map<number, Member | null>,
): Promise<{ matched: number; touched: number[] }> {
  const touched = new Set<number>();
  let matched = 0;
  const decisions = await loadDecisions(
    trx,
    libraryId,
    work.map((w) => w.rec.key),
  );
  const allKeys = [...new Set(work.flatMap((w) => w.rec.matchKeys))].filter((k) => !memo.crowded.has(k));
  // Keys first (the clusters each key reaches, at most one past the limit), then those clusters' members once.
  const hits = await clustersByKey(trx, allKeys, libraryId);
  mark('candidate keys');
  const perKey = new Map<string, number[]>();
  let keyHits = 0;
  for (const h of hits) {
    const ids = h.ids.split(',').map(Number);
    keyHits += ids.length;
    perKey.set(h.key, ids);
  }
  for (const [key, ids] of perKey)
    if (ids.length > MAX_CLUSTERS_PER_KEY) {
      perKey.delete(key);
      memo.crowded.add(key);
    }
  if (profile) profile['# crowded keys skipped (so far)'] = memo.crowded.size;
  const candidatesOf = new Map<Work, number[]>();
  for (const w of work) {
    const keys = w.rec.matchKeys
      .filter((k) => perKey.has(k))
      .sort((a, b) => (perKey.get(a)?.length ?? 0) - (perKey.get(b)?.length ?? 0));
    const picked = new Set<number>();
    for (const k of keys) {
      for (const c of perKey.get(k) ?? []) {
        if (picked.size >= MAX_CANDIDATE_CLUSTERS) break;
        picked.add(c);
      }
      if (picked.size >= MAX_CANDIDATE_CLUSTERS) {
        count('records at the candidate limit', 1);
        break;
      }
    }
    candidatesOf.set(w, [...picked]);
  }
  // First the clusters of each record's rarest keys (an ISBN, an exact title), and the clusters records leave
  // (whether a record was alone in its cluster decides if it keeps it). A record that matches one of them
  // is placed among them; only the others read the rest of their candidates. A second library's copy of a
  // title is the common case of a union catalog: at 1M clusters it read ~30 candidate clusters' members
  // from disk to compare and keep the one its ISBN had found first.
  const firstSet = new Set<number>();
  for (const w of work) {
    for (const c of (candidatesOf.get(w) ?? []).slice(0, FIRST_LOOK)) firstSet.add(c);
    if (w.oldCluster !== null) firstSet.add(w.oldCluster);
  }
  const members = await candidateMembers(trx, firstSet, matcher, memo, replaced);
  const compared = new Map<number, Member[]>();
  const bibsIn = new Map<number, Array<{ id: number; bib: Bib }>>();
  // Which libraries each cluster already holds, to keep one record per library per cluster.
  const libsIn = new Map<number, Map<number, number>>();
  // This library's stand-ins (stand-ins.ts): its own record of the title may join their cluster, and they give way.
  const standIns = new Set<number>();
  const learn = (list: Member[]) => {
    for (const m of list) {
      if (m.library_id === libraryId && isStandInKey(m.record_key)) standIns.add(m.id);
      if (m.cluster_id === null) continue;
      // Another library's records, and this library's stand-ins (its own record of the title replaces them).
      if (!(m.library_id === libraryId && !isStandInKey(m.record_key))) {
        const cmp = compared.get(m.cluster_id) ?? [];
        if (cmp.length < MAX_MEMBERS_COMPARED) cmp.push(m);
        compared.set(m.cluster_id, cmp);
      }
      const held = bibsIn.get(m.cluster_id) ?? [];
      held.push({ id: m.id, bib: m.bib });
      bibsIn.set(m.cluster_id, held);
      const map = libsIn.get(m.cluster_id) ?? new Map<number, number>();
      map.set(m.library_id, m.id);
      libsIn.set(m.cluster_id, map);
    }
  };
  learn(members);
  // Each comparison once: those of the first look are met again when the records are placed.
  const verdicts = new Map<Work, Map<number, MatchVerdict>>();
  const verdictOf = (w: Work, cand: Member): MatchVerdict => {
    let mine = verdicts.get(w);
    if (!mine) {
      mine = new Map();
      verdicts.set(w, mine);
    }
    let v = mine.get(cand.id);
    if (!v) {
      if (matcher.mayMatch && !matcher.mayMatch(w.rec.bib, cand.bib)) {
        count('compares ruled out early', 1);
        v = { decision: 'no-match', score: 0, reasons: [] };
      } else {
        v = matcher.compare(w.rec.bib, cand.bib);
        count('compares', 1);
      }
      mine.set(cand.id, v);
    }
    return v;
  };
  const restSet = new Set<number>();
  // The records placed among their first candidates, with all their candidates.
  const firstLook = new Map<Work, number[]>();
  const pause = breather();
  for (const w of work) {
    const all = candidatesOf.get(w) ?? [];
    if (all.length <= FIRST_LOOK) continue;
    await pause();
    const first = all.slice(0, FIRST_LOOK);
    const split = decisions.split.get(w.rec.key);
    const found = first.some((c) =>
      (compared.get(c) ?? []).some(
        (cand) =>
          !(cand.library_id === libraryId && isStandInKey(w.rec.key)) &&
          !split?.has(`${cand.library_id}|${cand.record_key}`) &&
          verdictOf(w, cand).decision === 'match',
      ),
    );
    if (found) {
      firstLook.set(w, all);
      candidatesOf.set(w, first);
      count('records placed at the first look', 1);
    } else for (const c of all.slice(FIRST_LOOK)) if (!firstSet.has(c)) restSet.add(c);
  }
  if (restSet.size) {
    const rest = await candidateMembers(trx, restSet, matcher, memo, replaced);
    members.push(...rest);
    learn(rest);
  }
  count('candidate clusters', firstSet.size + restSet.size);
  mark('candidate records');
  count('candidate key hits', keyHits);
  count('cluster members read', members.length);

  // New records have no row id yet; a negative placeholder stands for them within the chunk.
  const selfOf = new Map<Work, number>();
  let placeholder = 0;
  for (const w of work) selfOf.set(w, w.isNew ? --placeholder : w.id);
  /** Places a record; false (nothing changed) when it may wait for the rest of its candidates and found no match. */
  const place = (w: Work, mayWait: boolean): boolean => {
    const self = selfOf.get(w) as number;
    const seen = new Set<number>();
    let best: { cluster: number; score: number } | null = null;
    const forced = decisions.merge.get(w.rec.key);
    const split = decisions.split.get(w.rec.key);
    for (const cluster of candidatesOf.get(w) ?? []) {
      for (const cand of compared.get(cluster) ?? []) {
        if (seen.has(cand.id) || cand.cluster_id === null) continue;
        seen.add(cand.id);
        if (cand.library_id === libraryId && isStandInKey(w.rec.key)) continue;
        if (split?.has(`${cand.library_id}|${cand.record_key}`)) continue;
        const holder = libsIn.get(cand.cluster_id)?.get(libraryId);
        if (holder !== undefined && holder !== self && !(standIns.has(holder) && !isStandInKey(w.rec.key))) continue;
        const verdict = verdictOf(w, cand);
        if (verdict.decision !== 'match') continue;
        // Matching one member is not enough if another member rules the record out (no chaining).
        const conflict = matcher.conflict;
        if (conflict && (bibsIn.get(cand.cluster_id) ?? []).some((m) => m.id !== self && conflict(w.rec.bib, m.bib)))
          continue;
        if (!best || verdict.score > best.score) best = { cluster: cand.cluster_id, score: verdict.score };
      }
    }
    if (!forced && !best && mayWait) return false;
    let cluster: number | null = null;
    if (forced) cluster = forced;
    else if (best) cluster = best.cluster;
    if (cluster !== null) matched++;
    else if (w.oldCluster !== null && [...(libsIn.get(w.oldCluster)?.values() ?? [])].every((id) => id === self))
      cluster = w.oldCluster; // it was alone there: keep its cluster id stable
    if (w.oldCluster !== null && cluster !== w.oldCluster) touched.add(w.oldCluster);
    w.cluster = cluster;
    if (cluster === null) return true; // a new cluster, created after the loop
    touched.add(cluster);
    const prevLibs = libsIn.get(w.oldCluster ?? -1);
    if (w.oldCluster !== null && cluster !== w.oldCluster && prevLibs?.get(libraryId) === self) {
      prevLibs.delete(libraryId);
      bibsIn.set(
        w.oldCluster,
        (bibsIn.get(w.oldCluster) ?? []).filter((m) => m.id !== self),
      );
    }
    const map = libsIn.get(cluster) ?? new Map<number, number>();
    map.set(libraryId, self);
    libsIn.set(cluster, map);
    const list = (bibsIn.get(cluster) ?? []).filter((m) => m.id !== self);
    list.push({ id: self, bib: w.rec.bib });
    bibsIn.set(cluster, list);
    return true;
  };
  const waiting: Work[] = [];
  for (const w of work) {
    await pause();
    if (!place(w, firstLook.has(w))) waiting.push(w);
  }
  if (waiting.length) {
    // Matched at the first look but placed nowhere (the cluster took another record of this library in the chunk,
    // or a member ruled it out): the rest of its candidates, as if it had not matched.
    const more = new Set<number>();
    for (const w of waiting) {
      const all = firstLook.get(w) as number[];
      candidatesOf.set(w, all);
      for (const c of all) if (!firstSet.has(c) && !restSet.has(c)) more.add(c);
    }
    count('records placed after the first look', waiting.length);
    if (more.size) {
      const extra = await candidateMembers(trx, more, matcher, memo, replaced);
      count('cluster members read', extra.length);
      learn(extra);
    }
    for (const w of waiting) place(w, false);
  }
  mark('compare');
  return { matched, touched: [...touched] };
}

async function loadDecisions(trx: DbOrTrx, libraryId: number, keys: string[]) {
  const merge = new Map<string, number>();
  const split = new Map<string, Set<string>>();
  if (keys.length === 0) return { merge, split };
  const keyList = textList(keys);
  const rows = await trx
    .selectFrom('cluster_decisions as d')
    .select(['d.kind', 'd.a_library_id', 'd.a_record_key', 'd.b_library_id', 'd.b_record_key'])
    .where('d.active', '=', true)
    .where((eb) =>
      eb.or([
        eb.and([eb('d.a_library_id', '=', libraryId), sql<boolean>`d.a_record_key in ${keyList}`]),
        eb.and([eb('d.b_library_id', '=', libraryId), sql<boolean>`d.b_record_key in ${keyList}`]),
      ]),
    )
    .orderBy('d.id')
    .execute();
  if (rows.length === 0) return { merge, split };
  const mine = new Set(keys);
  const sides = rows.map((d) => {
    const mineIsA = d.a_library_id === libraryId && mine.has(d.a_record_key);
    return {
      kind: d.kind,
      myKey: mineIsA ? d.a_record_key : d.b_record_key,
      otherLib: mineIsA ? d.b_library_id : d.a_library_id,
      otherKey: mineIsA ? d.b_record_key : d.a_record_key,
    };
  });
  // Where the other side of each merge lives now, in one query.
  const merges = sides.filter((s) => s.kind === 'merge');
  const clusterOf = new Map<string, number>();
  if (merges.length) {
    const found = await sql<{ library_id: number; record_key: string; cluster_id: number }>`
      select s.library_id, s.record_key, s.cluster_id from source_records s
      join jsonb_to_recordset(${JSON.stringify(merges.map((m) => ({ l: m.otherLib, k: m.otherKey })))}::jsonb)
        as x(l bigint, k text) on s.library_id = x.l and s.record_key = x.k
      where not s.deleted and s.cluster_id is not null`.execute(trx);
    for (const f of found.rows) clusterOf.set(`${f.library_id}|${f.record_key}`, Number(f.cluster_id));
  }
  for (const s of sides) {
    const pair = `${s.otherLib}|${s.otherKey}`;
    if (s.kind === 'split') {
      const set = split.get(s.myKey) ?? new Set<string>();
      set.add(pair);
      split.set(s.myKey, set);
      merge.delete(s.myKey);
    } else {
      const other = clusterOf.get(pair);
      if (other) merge.set(s.myKey, other);
      split.get(s.myKey)?.delete(pair);
    }
  }
  return { merge, split };
}

interface PlannedItem extends ItemInput {
  recordId: number;
  cluster: number | null;
}

interface ItemPlan {
  updates: Map<number, PlannedItem & { status: ItemStatus | 'on_deposit'; fileStatus: ItemStatus }>;
  inserts: PlannedItem[];
  stale: number[];
  /** Copies the file dropped that a workflow still holds: kept, marked withdrawn by the library. */
  dropped: number[];
  /** Copies each written record holds after this chunk (for new clusters' holdings). */
  finalItems: Map<number, Array<{ status: string; loanable: boolean }>>;
  /** Clusters that lose copies to another record. */
  touched: Set<number>;
}

/** Items follow their record: upsert by barcode, replace unbarcoded copies, keep the states workflows hold. */
async function planItems(trx: Trx, libraryId: number, work: Work[]): Promise<ItemPlan> {
  const changedIds = work.filter((w) => !w.isNew).map((w) => w.id);
  const barcodes = work.flatMap((w) => w.rec.bib.items.map((i) => i.barcode).filter((b): b is string => Boolean(b)));
  // Index probes per record and per barcode (lateral, not flattened), whatever a young table's statistics say.
  const current =
    changedIds.length || barcodes.length
      ? (
          await sql<{
            id: number;
            source_record_id: number | null;
            barcode: string | null;
            status: string;
            held: boolean;
            filed: boolean;
            cluster_id: number | null;
          }>`
            select i.id, i.source_record_id, i.barcode, i.status, i.held, i.filed, i.cluster_id
            from ${idList(changedIds)} as r(id)
            cross join lateral (
              select id, source_record_id, barcode, status, held_by is not null as held,
                file_status is not null as filed, cluster_id from items
              where source_record_id = r.id and library_id = ${libraryId}::bigint offset 0
            ) i
            union
            select i.id, i.source_record_id, i.barcode, i.status, i.held, i.filed, i.cluster_id
            from ${textList(barcodes)} as b(code)
            cross join lateral (
              select id, source_record_id, barcode, status, held_by is not null as held,
                file_status is not null as filed, cluster_id from items
              where library_id = ${libraryId}::bigint and barcode = b.code offset 0
            ) i`.execute(trx)
        ).rows.map((i) => ({
          ...i,
          id: Number(i.id),
          source_record_id: i.source_record_id === null ? null : Number(i.source_record_id),
          cluster_id: i.cluster_id === null ? null : Number(i.cluster_id),
        }))
      : [];
  const byBarcode = new Map(current.filter((i) => i.barcode).map((i) => [i.barcode as string, i]));
  const plan: ItemPlan = {
    updates: new Map(),
    inserts: [],
    stale: [],
    dropped: [],
    finalItems: new Map(),
    touched: new Set(),
  };
  // A barcode is unique within a library: when a file repeats one, its last mention wins.
  const pendingByBarcode = new Map<string, number>();
  for (const w of work) {
    for (const item of w.rec.bib.items) {
      const hit = item.barcode ? byBarcode.get(item.barcode) : undefined;
      const planned: PlannedItem = { ...item, recordId: w.id, cluster: w.cluster };
      if (hit) {
        // The file's status is written as file_status; a held copy's status stays (decided again at write time).
        plan.updates.set(hit.id, {
          ...planned,
          status: hit.held ? (hit.status as ItemStatus) : item.status,
          fileStatus: item.status,
        });
        if (hit.cluster_id !== null && hit.cluster_id !== w.cluster) plan.touched.add(hit.cluster_id);
      } else if (item.barcode && pendingByBarcode.has(item.barcode)) {
        plan.inserts[pendingByBarcode.get(item.barcode) as number] = planned;
      } else {
        if (item.barcode) pendingByBarcode.set(item.barcode, plan.inserts.length);
        plan.inserts.push(planned);
      }
    }
  }
  const changedSet = new Set(changedIds);
  for (const i of current) {
    if (i.source_record_id === null || !changedSet.has(i.source_record_id) || plan.updates.has(i.id)) continue;
    // A copy no file of the library ever named (Simpul's: received by redistribution or acquisition) is not the file's to drop.
    if (!i.filed) continue;
    (i.held ? plan.dropped : plan.stale).push(i.id);
  }
  for (const i of [...plan.updates.values(), ...plan.inserts]) {
    const list = plan.finalItems.get(i.recordId) ?? [];
    list.push({ status: i.status, loanable: i.loanable });
    plan.finalItems.set(i.recordId, list);
  }
  return plan;
}

async function writeItems(trx: Trx, libraryId: number, plan: ItemPlan, changed: Work[]): Promise<void> {
  const row = (i: PlannedItem) => ({
    record: i.recordId,
    cluster: i.cluster,
    barcode: i.barcode ?? null,
    call_number: i.callNumber ?? null,
    location: i.location ?? null,
    status: i.status,
    loanable: i.loanable,
    note: i.note ?? null,
  });
  if (plan.stale.length)
    await trx
      .deleteFrom('items')
      .where(sql<boolean>`id in ${idList(plan.stale)}`)
      .execute();
  if (plan.dropped.length)
    await sql`
      update items set file_status = 'withdrawn', updated_at = now(),
        status = case when held_by is null then 'withdrawn' else status end,
        cluster_id = case when held_by is null then null else cluster_id end
      where id in ${idList(plan.dropped)}`.execute(trx);
  if (plan.updates.size) {
    const rows = [...plan.updates].map(([id, i]) => ({ id, ...row(i), status: i.fileStatus }));
    // The file's word is file_status; it is the status unless a workflow holds the copy (item-status.ts).
    await sql`
      update items t set source_record_id = x.record, cluster_id = x.cluster, call_number = x.call_number,
        location = x.location, status = case when t.held_by is null then x.status else t.status end,
        file_status = x.status, loanable = x.loanable, note = x.note, updated_at = now()
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(id bigint, record bigint, cluster bigint,
        call_number text, location text, status text, loanable boolean, note text)
      where t.id = x.id`.execute(trx);
  }
  if (plan.inserts.length) {
    await sql`
      insert into items (library_id, source_record_id, cluster_id, barcode, call_number, location, status, file_status,
        loanable, note)
      select ${libraryId}::bigint, x.record, x.cluster, x.barcode, x.call_number, x.location, x.status, x.status,
        x.loanable, x.note
      from jsonb_to_recordset(${JSON.stringify(plan.inserts.map(row))}::jsonb) as x(record bigint, cluster bigint,
        barcode text, call_number text, location text, status text, loanable boolean, note text)`.execute(trx);
  }
  // Copies a changed record keeps (workflow states) follow it to its current cluster.
  const moved = changed.filter((w) => w.cluster !== w.oldCluster);
  if (moved.length)
    await sql`
      update items t set cluster_id = x.cluster
      from jsonb_to_recordset(${JSON.stringify(moved.map((w) => ({ id: w.id, cluster: w.cluster })))}::jsonb)
        as x(id bigint, cluster bigint)
      where t.source_record_id = x.id and t.cluster_id is distinct from x.cluster`.execute(trx);
}
