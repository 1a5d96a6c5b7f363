import { sql } from 'kysely';
import { systemActor } from '../platform/actor.ts';
import { audit } from '../platform/audit.ts';
import type { Db, Trx } from '../platform/db.ts';
import { rebuildClusters } from './clusters.ts';
import { SEARCH_INDEX_VERSION, settleSearchIndex, storeWords, type WordSink } from './search-index.ts';

/**
 * Rebuilding the stored search documents after the search fold or the index document changed
 * (SEARCH_INDEX_VERSION). Search keeps working meanwhile: a cluster not yet rebuilt is found by what it was
 * indexed with. Clusters are rebuilt in id order, a batch per transaction that also notes the last id done
 * (search_index_state.resume_after), so a crash or restart goes on where it stopped and nothing is done twice
 * or left out. A cluster another transaction holds (an import writing it) is not waited for: it goes into
 * retry_ids and is redone once the pass is through. The OAI-PMH datestamp of a cluster moves only if what
 * a harvester gets of it came out different.
 */

export interface ReindexState {
  /** The version the stored documents have (all of them once `current`). */
  version: number;
  current: number;
  /** Clusters left in the pass (an estimate from the id order), and clusters to be redone after it. */
  left: number;
  retry: number;
}

export async function reindexState(db: Db): Promise<ReindexState> {
  const row = await sql<{ version: number; resume_after: string; retry: number }>`
    select version, resume_after::text, cardinality(retry_ids) as retry from search_index_state`.execute(db);
  const s = row.rows[0];
  if (!s) return { version: SEARCH_INDEX_VERSION, current: SEARCH_INDEX_VERSION, left: 0, retry: 0 };
  const stale = s.version < SEARCH_INDEX_VERSION;
  const left = stale
    ? Number(
        (
          await sql<{
            n: string;
          }>`select count(*)::text as n from clusters where id > ${s.resume_after}::bigint`.execute(db)
        ).rows[0]?.n ?? 0,
      )
    : 0;
  return { version: s.version, current: SEARCH_INDEX_VERSION, left, retry: Number(s.retry) };
}

export interface ReindexStep {
  /** Clusters rebuilt by this step. */
  rebuilt: number;
  /** Clusters held by another transaction, put off to the end. */
  putOff: number;
  /** True once every stored document has the current version. */
  done: boolean;
}

/** One batch, in its own transaction. */
export async function reindexStep(db: Db, batch = 500): Promise<ReindexStep> {
  const words: WordSink = { known: new Set(), sent: [], deferred: true };
  const step = await db.transaction().execute(async (trx) => {
    // The state row is locked first, so two workers (or `simpul reindex` beside a server) take turns.
    const s = (
      await sql<{ version: number; resume_after: string; retry_ids: string[]; started_at: Date | null }>`
        select version, resume_after::text, retry_ids::text[], started_at from search_index_state for update`.execute(
        trx,
      )
    ).rows[0];
    if (!s || s.version >= SEARCH_INDEX_VERSION) return { rebuilt: 0, putOff: 0, done: true };
    const started =
      s.started_at ??
      (
        await sql<{ started_at: Date }>`update search_index_state set started_at = now() returning started_at`.execute(
          trx,
        )
      ).rows[0]?.started_at ??
      null;
    const inPass = (
      await sql<{ id: string }>`
        select c.id::text as id from clusters c where c.id > ${s.resume_after}::bigint order by c.id limit ${batch}`.execute(
        trx,
      )
    ).rows.map((r) => r.id);
    const retrying = inPass.length === 0;
    const wanted = retrying ? s.retry_ids.slice(0, batch) : inPass;
    // Those another transaction holds are not waited for (an import holding them may hold others of this
    // batch too); those gone since (merged away, deleted) need nothing.
    const locked = (
      await sql<{ id: string }>`
        select c.id::text as id from clusters c where c.id = any(${wanted}::bigint[]) order by c.id for update skip locked`.execute(
        trx,
      )
    ).rows.map((r) => r.id);
    const lockedSet = new Set(locked);
    const exists = new Set(
      (
        await sql<{ id: string }>`select id::text from clusters where id = any(${wanted}::bigint[])`.execute(trx)
      ).rows.map((r) => r.id),
    );
    const putOff = wanted.filter((id) => exists.has(id) && !lockedSet.has(id));
    if (locked.length) await rebuildClusters(trx, locked.map(Number), words, 'when_changed');
    // Only the reindex writes this table, in its steps, which take turns on the state row.
    await storeWords(trx, words.sent, 'search_words_pass');
    const retryIds = retrying ? [...s.retry_ids.slice(wanted.length), ...putOff] : [...s.retry_ids, ...putOff];
    const resumeAfter = retrying ? s.resume_after : (inPass[inPass.length - 1] as string);
    // Done when the pass is through and nothing is put off; held clusters are retried by the next steps.
    const done = inPass.length === 0 && retryIds.length === 0;
    if (done) {
      await dropUnseenWords(trx);
      await sql`update search_index_state set version = ${SEARCH_INDEX_VERSION}, resume_after = 0, retry_ids = '{}',
        started_at = null, updated_at = now()`.execute(trx);
      await audit(trx, systemActor('reindex'), {
        action: 'reindex',
        entity: 'search_index',
        entityId: null,
        libraryId: null,
        before: { version: s.version },
        after: { version: SEARCH_INDEX_VERSION, startedAt: started ? new Date(started).toISOString() : null },
      });
    } else {
      await sql`update search_index_state set resume_after = ${resumeAfter}::bigint, retry_ids = ${retryIds}::bigint[],
        updated_at = now()`.execute(trx);
    }
    return { rebuilt: locked.length, putOff: putOff.length, done };
  });
  // After the commit, holding nothing: an import adding one of these words is waited for, not deadlocked with.
  await storeWords(db, words.sent);
  return step;
}

/**
 * The end of a pass: "did you mean" words it saw in no rebuilt cluster and that no cluster's search document
 * holds are removed (the old fold's words; words of clusters gone since). The document check keeps a word
 * of a cluster an import committed beside the pass, which the pass may not have read.
 */
async function dropUnseenWords(trx: Trx): Promise<void> {
  await sql`
    delete from search_words w
    where not exists (select 1 from search_words_pass p where p.word = w.word)
      and not exists (select 1 from clusters c where c.search_doc @@ quote_literal(w.word)::tsquery)`.execute(trx);
  await sql`delete from search_words_pass`.execute(trx);
}

export interface ReindexResult {
  rebuilt: number;
  /** Whether the stored documents are all current at the end (false when stopped early). */
  done: boolean;
}

/**
 * Steps until every stored document is current. `onProgress` is told after each step; `shouldStop` lets a
 * server that is shutting down leave between batches (the next start goes on from there). When clusters
 * stay held by another transaction, the retries wait a little between rounds.
 */
export async function reindexAll(
  db: Db,
  opts: {
    batch?: number;
    onProgress?: (rebuilt: number, state: ReindexStep) => void;
    shouldStop?: () => boolean;
    retryPauseMs?: number;
  } = {},
): Promise<ReindexResult> {
  let rebuilt = 0;
  let any = false;
  for (;;) {
    if (opts.shouldStop?.()) return { rebuilt, done: false };
    const step = await reindexStep(db, opts.batch);
    rebuilt += step.rebuilt;
    opts.onProgress?.(rebuilt, step);
    if (step.done) break;
    any = true;
    if (step.rebuilt === 0) await new Promise((r) => setTimeout(r, opts.retryPauseMs ?? 1000));
  }
  if (any) await settleSearchIndex(db);
  return { rebuilt, done: true };
}

/** Whether the stored documents are older than the code's version (cheap: one row). */
export async function reindexNeeded(db: Db): Promise<boolean> {
  const r = await db.selectFrom('search_index_state').select('version').executeTakeFirst();
  return r !== undefined && r.version < SEARCH_INDEX_VERSION;
}
