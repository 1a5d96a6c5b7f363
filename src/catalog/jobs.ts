import type { Db } from '../platform/db.ts';
import { enqueue, type JobRunner } from '../platform/jobs.ts';
import { dueSources, harvestSource } from './harvest.ts';
import type { Matcher } from './ingest.ts';
import { runFileBatch } from './service.ts';

/** The catalog's background work: file imports, harvests, and the harvest schedule. */
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
    .every(async () => {
      for (const id of await dueSources(db)) {
        await enqueue(db, 'catalog.harvest', { sourceId: id }, { uniqueKey: `harvest:${id}`, maxAttempts: 3 });
      }
    });
}
