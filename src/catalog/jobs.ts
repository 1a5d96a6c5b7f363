import type { Db } from '../platform/db.ts';
import { enqueue, type JobRunner } from '../platform/jobs.ts';
import { dueSources, harvestSource } from './harvest.ts';
import type { Matcher } from './ingest.ts';
import { reindexAll, reindexNeeded } from './reindex.ts';
import { runFileBatch } from './service.ts';

/** How long one reindex job runs before it hands the worker back (the next tick queues the rest). */
const REINDEX_SLICE_MS = 30_000;

/**
 * The catalog's background work: file imports, harvests, the harvest schedule, and rebuilding the stored
 * search documents after an upgrade changed how they are built (reindex.ts), a slice at a time.
 */
export function registerCatalogJobs(runner: JobRunner, db: Db, matcher: Matcher): void {
  runner
    .register('catalog.import', async (p) => {
      const counts = await runFileBatch(db, Number(p.batchId), String(p.file), matcher, {
        removeFile: true,
        ...(typeof p.sheet === 'string' ? { sheet: p.sheet } : {}),
      });
      return { ...counts };
    })
    .register('catalog.harvest', async (p) => {
      const r = await harvestSource(db, Number(p.sourceId), matcher);
      return { batchId: r.batchId, ...r.counts };
    })
    .register('catalog.reindex', async () => {
      const until = Date.now() + REINDEX_SLICE_MS;
      const r = await reindexAll(db, { shouldStop: () => Date.now() > until });
      return { rebuilt: r.rebuilt, done: r.done };
    })
    .every(async () => {
      if (await reindexNeeded(db)) await enqueue(db, 'catalog.reindex', {}, { uniqueKey: 'catalog.reindex' });
      for (const id of await dueSources(db)) {
        await enqueue(db, 'catalog.harvest', { sourceId: id }, { uniqueKey: `harvest:${id}`, maxAttempts: 3 });
      }
    });
}
