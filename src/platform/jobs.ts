import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from './db.ts';

/**
 * A job queue kept in Postgres: no second server to run. Workers claim due
 * jobs with FOR UPDATE SKIP LOCKED, so several app servers can share one queue.
 * A failed job is retried with exponential back-off until max_attempts.
 */

export type JobHandler = (
  payload: Record<string, unknown>,
  job: { id: number; attempts: number },
) => Promise<Record<string, unknown> | undefined>;

export interface EnqueueOptions {
  runAt?: Date;
  uniqueKey?: string;
  maxAttempts?: number;
}

/** Returns the job id, or null when a job with the same unique key is already queued or running. */
export async function enqueue(
  db: Db,
  kind: string,
  payload: Record<string, unknown>,
  opts: EnqueueOptions = {},
): Promise<number | null> {
  const row = await db
    .insertInto('jobs')
    .values({
      kind,
      payload: JSON.stringify(payload),
      unique_key: opts.uniqueKey ?? null,
      run_at: opts.runAt ?? new Date(),
      max_attempts: opts.maxAttempts ?? 5,
    })
    .onConflict((oc) =>
      oc
        .column('unique_key')
        .where('unique_key', 'is not', null)
        .where('status', 'in', ['queued', 'running'])
        .doNothing(),
    )
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

export class JobRunner {
  readonly #handlers = new Map<string, JobHandler>();
  readonly #id = `worker-${randomUUID().slice(0, 8)}`;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #stopped = false;

  constructor(
    private readonly db: Db,
    private readonly opts: { pollMs?: number; backoffMs?: number; log?: (msg: string) => void } = {},
  ) {}

  register(kind: string, handler: JobHandler): this {
    this.#handlers.set(kind, handler);
    return this;
  }

  readonly #periodic: Array<() => Promise<unknown>> = [];

  /** Work to do on every tick before draining, such as enqueueing scheduled harvests. */
  every(tick: () => Promise<unknown>): this {
    this.#periodic.push(tick);
    return this;
  }

  /** One tick: periodic work, then every due job. */
  async tick(limit = 50): Promise<number> {
    for (const p of this.#periodic) await p();
    return this.drain(limit);
  }

  /** Claims and runs due jobs until none is left; returns how many ran. */
  async drain(limit = 1000): Promise<number> {
    let n = 0;
    while (n < limit && !this.#stopped) {
      const ran = await this.runOne();
      if (!ran) break;
      n++;
    }
    return n;
  }

  async runOne(): Promise<boolean> {
    const kinds = [...this.#handlers.keys()];
    if (kinds.length === 0) return false;
    const job = await this.db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('jobs')
        .select(['id', 'kind', 'payload', 'attempts'])
        .where('status', '=', 'queued')
        .where('run_at', '<=', new Date())
        .where('kind', 'in', kinds)
        .orderBy('run_at')
        .orderBy('id')
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!due) return undefined;
      await trx
        .updateTable('jobs')
        .set({ status: 'running', locked_by: this.#id, locked_at: new Date(), attempts: due.attempts + 1 })
        .where('id', '=', due.id)
        .execute();
      return { ...due, attempts: due.attempts + 1 };
    });
    if (!job) return false;
    const handler = this.#handlers.get(job.kind);
    try {
      const result = handler ? await handler(job.payload, { id: job.id, attempts: job.attempts }) : undefined;
      await this.db
        .updateTable('jobs')
        .set({ status: 'done', finished_at: new Date(), result: result ? JSON.stringify(result) : null })
        .where('id', '=', job.id)
        .execute();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const row = await this.db.selectFrom('jobs').select(['max_attempts']).where('id', '=', job.id).executeTakeFirst();
      const final = !row || job.attempts >= row.max_attempts;
      const backoff = (this.opts.backoffMs ?? 30_000) * 2 ** (job.attempts - 1);
      await this.db
        .updateTable('jobs')
        .set({
          status: final ? 'failed' : 'queued',
          last_error: message.slice(0, 2000),
          run_at: final ? sql`run_at` : new Date(Date.now() + backoff),
          finished_at: final ? new Date() : null,
          locked_by: null,
        })
        .where('id', '=', job.id)
        .execute();
      this.opts.log?.(`job ${job.id} (${job.kind}) failed (attempt ${job.attempts}): ${message}`);
    }
    return true;
  }

  /** Jobs left "running" by a worker that died are handed back to the queue. */
  async recoverStale(olderThanMs = 15 * 60_000): Promise<number> {
    const res = await this.db
      .updateTable('jobs')
      .set({ status: 'queued', locked_by: null })
      .where('status', '=', 'running')
      .where('locked_at', '<', new Date(Date.now() - olderThanMs))
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  start(): void {
    this.#stopped = false;
    const tick = async () => {
      if (this.#running || this.#stopped) return;
      this.#running = true;
      try {
        await this.tick();
      } catch (err) {
        this.opts.log?.(`job runner: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        this.#running = false;
      }
    };
    this.#timer = setInterval(tick, this.opts.pollMs ?? 2000);
    this.#timer.unref();
    void this.recoverStale().then(tick);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    while (this.#running) await new Promise((r) => setTimeout(r, 20));
  }
}
