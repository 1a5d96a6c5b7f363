import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/support.ts';
import type { Database } from './db.ts';
import { enqueue, JobRunner } from './jobs.ts';
import { migrate } from './migrate.ts';

let database: Database;
let drop: () => Promise<void>;

beforeAll(async () => {
  ({ database, drop } = await freshDatabase());
  await migrate(database);
});
afterAll(async () => {
  await database.close();
  await drop();
});

describe('job queue', () => {
  it('runs a due job once and records its result', async () => {
    const seen: unknown[] = [];
    const runner = new JobRunner(database.db).register('echo', async (p) => {
      seen.push(p);
      return { ok: true };
    });
    const id = await enqueue(database.db, 'echo', { n: 1 });
    expect(await runner.drain()).toBe(1);
    expect(await runner.drain()).toBe(0);
    expect(seen).toEqual([{ n: 1 }]);
    const row = await database.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.status).toBe('done');
    expect(row.result).toEqual({ ok: true });
  });

  it('keeps one queued job per unique key', async () => {
    const a = await enqueue(database.db, 'noop', {}, { uniqueKey: 'harvest:1', runAt: new Date(Date.now() + 60_000) });
    const b = await enqueue(database.db, 'noop', {}, { uniqueKey: 'harvest:1' });
    expect(a).not.toBeNull();
    expect(b).toBeNull();
  });

  it('does not run a job before its time', async () => {
    const runner = new JobRunner(database.db).register('later', async () => undefined);
    await enqueue(database.db, 'later', {}, { runAt: new Date(Date.now() + 3600_000) });
    expect(await runner.drain()).toBe(0);
  });

  it('retries a failing job with back-off and gives up after max attempts', async () => {
    let calls = 0;
    const runner = new JobRunner(database.db, { backoffMs: 0 }).register('flaky', async () => {
      calls++;
      throw new Error(`boom ${calls}`);
    });
    const id = await enqueue(database.db, 'flaky', {}, { maxAttempts: 3 });
    await runner.drain();
    expect(calls).toBe(3);
    const row = await database.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.status).toBe('failed');
    expect(row.attempts).toBe(3);
    expect(row.last_error).toBe('boom 3');
  });
});

describe('periodic work', () => {
  it('runs the periodic tasks on every tick before the due jobs', async () => {
    const order: string[] = [];
    const runner = new JobRunner(database.db)
      .register('after', async () => {
        order.push('job');
        return undefined;
      })
      .every(async () => {
        order.push('periodic');
        if (order.length === 1) await enqueue(database.db, 'after', {});
      });
    expect(await runner.tick()).toBe(1);
    expect(order).toEqual(['periodic', 'job']);
  });
});
