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

export async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: Number(process.env.SIMPUL_PG_POOL ?? 10),
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
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), ...slowLog() });
  return {
    db,
    kind: 'postgres',
    async execScript(script) {
      const client = await pool.connect();
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
