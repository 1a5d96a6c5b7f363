import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, type LogEvent, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { Config } from './config.ts';
import { ConnectionQueue, PGliteDialect } from './pglite-dialect.ts';
import type { DB } from './schema.ts';

export type Db = Kysely<DB>;
export type Trx = Transaction<DB>;
/** Services take either; a function that must be atomic opens its own transaction. */
export type DbOrTrx = Db | Trx;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Runs a multi-statement SQL script in one transaction (migrations). */
  execScript(script: string): Promise<void>;
  close(): Promise<void>;
}

/** SIMPUL_SLOW_QUERY_MS=N prints every query slower than N ms to stderr: a cheap profiler for operators. */
function slowLog(): { log?: (e: LogEvent) => void } {
  const limit = Number(process.env.SIMPUL_SLOW_QUERY_MS);
  if (!Number.isFinite(limit) || limit <= 0) return {};
  return {
    log: (e) => {
      if (e.queryDurationMillis >= limit) {
        console.error(
          `[slow ${e.queryDurationMillis.toFixed(0)} ms] ${e.query.sql.replace(/\s+/g, ' ').slice(0, 300)}`,
        );
      }
    },
  };
}

// Same JS types from both drivers: ids as numbers, dates as 'YYYY-MM-DD' strings.
const INT8 = 20;
const DATE = 1082;
const parseInt8 = (v: string) => Number(v);
const keepDate = (v: string) => v;

export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<Database> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl);
  mkdirSync(config.dataDir, { recursive: true });
  return openPglite(`${config.dataDir}/pglite`);
}

/** dataDir undefined = in memory (tests). */
export async function openPglite(dataDir: string | undefined): Promise<Database> {
  const client = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    // Trigram similarity for search suggestions (migration 0008).
    extensions: { pg_trgm },
    parsers: { [INT8]: parseInt8, [DATE]: keepDate },
  });
  const queue = new ConnectionQueue();
  const db = new Kysely<DB>({ dialect: new PGliteDialect(client, queue), ...slowLog() });
  return {
    db,
    kind: 'pglite',
    async execScript(script) {
      const release = await queue.acquire();
      try {
        await client.transaction(async (tx) => {
          await tx.exec(script);
        });
      } finally {
        release();
      }
    },
    close: () => db.destroy(),
  };
}

/**
 * Refusals of a new connection that pass: every connection slot of the server taken
 * (53300 too_many_connections, also for the slots reserved for superusers) or the
 * server starting up / shutting down (57P03).
 */
const BUSY_SERVER = new Set(['53300', '57P03']);

/**
 * The pool opens a connection when all of its own are busy. A server with no slot
 * free refuses it, and pg fails that query at once, although the pool's other
 * connections come free a moment later; under load (many processes on one server)
 * that turned into random 500s mid-action. So a refused connect is retried with
 * back-off for up to `waitMs`, like waiting for a pooled connection, and only then fails.
 */
export function patientPool(
  pool: Pick<pg.Pool, 'connect' | 'end'>,
  waitMs = 15_000,
): { connect(): Promise<pg.PoolClient>; end(): Promise<void> } {
  return {
    async connect() {
      const start = Date.now();
      for (let attempt = 0; ; attempt++) {
        try {
          return await pool.connect();
        } catch (err) {
          const code = (err as { code?: unknown }).code;
          if (typeof code !== 'string' || !BUSY_SERVER.has(code) || Date.now() - start >= waitMs) throw err;
          await new Promise((r) => setTimeout(r, Math.min(25 * 2 ** attempt, 500)));
        }
      }
    },
    end: () => pool.end(),
  };
}

/** max: connections of the pool (SIMPUL_PG_POOL, default 10); tests use fewer, many files share one server. */
export async function openPostgres(url: string, opts: { max?: number } = {}): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? Number(process.env.SIMPUL_PG_POOL ?? 10),
    // No JIT: Simpul's statements are short, and compiling them cost more than it saved (ingest's candidate
    // lookups spent ~0.4 s per 20k records in LLVM for statements of a few ms each).
    options: '-c jit=off',
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === INT8) return parseInt8;
        if (oid === DATE) return keepDate;
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client whose server connection dies (restart, failover, a dropped test
  // database) must not crash the process: the pool replaces it on next use.
  pool.on('error', (err: Error & { code?: string }) => {
    if (err.code !== '57P01') console.error(`database connection lost: ${err.message}`);
  });
  const patient = patientPool(pool);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: patient }), ...slowLog() });
  return {
    db,
    kind: 'postgres',
    async execScript(script) {
      const client = await patient.connect();
      try {
        await client.query('begin');
        await client.query(script);
        await client.query('commit');
      } catch (err) {
        await client.query('rollback');
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => db.destroy(),
  };
}

export async function ping(db: Db): Promise<boolean> {
  const r = await sql<{ ok: number }>`select 1 as ok`.execute(db);
  return r.rows[0]?.ok === 1;
}
