/**
 * EXPLAIN (ANALYZE, BUFFERS) of the search statement for one request, on a kept bench database:
 *   npx tsx bench/search-explain.ts [--analyze] --db simpul_bench_search_1000000 '{"q":"minangkabau"}'
 * Runs each request through search() (wall time, backend CPU); with --analyze, explains its statement.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { type SearchRequest, search } from '../src/catalog/search.ts';
import type { Db } from '../src/platform/db.ts';

const { values, positionals } = parseArgs({
  options: {
    db: { type: 'string', default: 'simpul_bench_search_1000000' },
    analyze: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
const base = process.env.DATABASE_URL ?? 'postgres://simpul_ci:simpul_ci@127.0.0.1:5432/simpul_ci';
const u = new URL(base);
u.pathname = `/${values.db}`;
const pool = new pg.Pool({ connectionString: u.toString(), max: 2 });
const captured: Array<{ sql: string; params: readonly unknown[] }> = [];
const db = new Kysely({
  dialect: new PostgresDialect({ pool }),
  log: (e) => {
    if (e.level === 'query' && e.query.sql.includes('with m as materialized'))
      captured.push({ sql: e.query.sql, params: e.query.parameters });
  },
}) as unknown as Db;
for (const arg of positionals) {
  const req = JSON.parse(arg) as SearchRequest;
  captured.length = 0;
  // Three runs after a first: wall time and the PostgreSQL backends' CPU of each (/proc/<pid>/schedstat).
  const cpuNs = async () => {
    const pids = await pool.query(
      `select pid from pg_stat_activity where datname = current_database() and backend_type = 'client backend'`,
    );
    let ns = 0;
    for (const { pid } of pids.rows) ns += Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
    return ns;
  };
  let r = await search(db, { facets: true, ...req });
  const runs: string[] = [];
  for (let i = 0; i < 3; i++) {
    const c0 = await cpuNs();
    const t = performance.now();
    r = await search(db, { facets: true, ...req });
    const ms = performance.now() - t;
    runs.push(`${ms.toFixed(0)} ms (CPU ${(((await cpuNs()) - c0) / 1e6).toFixed(0)})`);
  }
  const total = `${r.total}${r.totalApproximate ? ' (approx.)' : ''}`;
  console.log(`${arg}: ${runs.join(', ')}; total ${total}; load ${loadavg()[0]?.toFixed(1)}`);
  console.log(
    r.hits
      .slice(0, 5)
      .map((h) => `  ${h.clusterId} rc=${h.recordCount} ${h.title.slice(0, 70)}`)
      .join('\n'),
  );
  const s = captured[0];
  if (!s || !values.analyze) continue;
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(`set local work_mem = '32MB'`);
    await client.query('set local jit = off');
    await client.query('set local max_parallel_workers_per_gather = 0');
    const plan = await client.query(`explain (analyze, buffers) ${s.sql}`, s.params as unknown[]);
    console.log(plan.rows.map((x) => x['QUERY PLAN']).join('\n'));
    await client.query('rollback');
  } finally {
    client.release();
  }
}
await db.destroy();
