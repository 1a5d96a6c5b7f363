/**
 * EXPLAIN (ANALYZE, BUFFERS) of the search statement for one request, on a kept bench database:
 *   npx tsx bench/search-explain.ts --db simpul_bench_search_1000000 '{"q":"minangkabau"}'
 * Runs the request once through search() to capture its statement, then explains that statement.
 */
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { type SearchRequest, search } from '../src/catalog/search.ts';
import type { Db } from '../src/platform/db.ts';

const { values, positionals } = parseArgs({
  options: {
    db: { type: 'string', default: 'simpul_bench_search_1000000' },
    analyze: { type: 'boolean', default: true },
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
  const t = performance.now();
  const r = await search(db, { facets: true, ...req });
  console.log(
    `${arg}: ${(performance.now() - t).toFixed(1)} ms, total ${r.total}${r.totalApproximate ? ' (approx.)' : ''}`,
  );
  console.log(
    r.hits
      .slice(0, 5)
      .map((h) => `  ${h.clusterId} rc=${h.recordCount} ${h.title.slice(0, 70)}`)
      .join('\n'),
  );
  const s = captured[0];
  if (!s) continue;
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(`set local work_mem = '32MB'`);
    await client.query('set local jit = off');
    await client.query('set local max_parallel_workers_per_gather = 0');
    const plan = await client.query(`explain (analyze ${values.analyze}, buffers) ${s.sql}`, s.params as unknown[]);
    console.log(plan.rows.map((x) => x['QUERY PLAN']).join('\n'));
    await client.query('rollback');
  } finally {
    client.release();
  }
}
await db.destroy();
