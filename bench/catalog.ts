/**
 * Union catalog benchmark: one table with
 *  - ISO 2709 parse rate, ours beside yaz-marcdump on the same file, same run;
 *  - full ingest rate (parse, normalise, match, store, index) on PGlite and on
 *    the PostgreSQL server (when DATABASE_URL is set), with peak memory;
 *  - search latency (median, p95) over a fixed mix of 50 queries with facets.
 *
 *   npm run bench:catalog                 # N = 100,000
 *   npm run bench:catalog -- --n 1000000  # on request
 *   npm run bench:catalog -- --n 20000 --skip-pglite
 *   npm run bench:catalog -- --n 1000000 --skip-pglite --keep   # keeps the PostgreSQL database (name printed)
 *   npm run bench:catalog -- --search-only --n 1000000 --skip-pglite
 *                        # search latency only, on a corpus built in SQL from the
 *                        # real records (bench/search-corpus.ts); the PostgreSQL
 *                        # database simpul_bench_search_<N> is kept and reused
 *   npm run bench:catalog -- --search-only --db simpul_bench_123  # search a kept one
 *
 * The corpus varies the real records in ../shared/data/marc, spread over the
 * ten demo libraries. --corpus catalog (default): what a union catalog holds,
 * distinct titles (subject words before the real title, an ISBN and a year of
 * their own), every tenth an exact copy of a real record held by two
 * libraries. --corpus near-duplicates: every record a variant title of a few
 * thousand real ones, the matcher's worst case.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { collectIngestProfile, ingestStream } from '../src/catalog/ingest.ts';
import { readIso2709 } from '../src/catalog/marc/iso2709.ts';
import { toIso2709 } from '../src/catalog/marc/serialize.ts';
import { catalogMatcher } from '../src/catalog/match.ts';
import { parseFile } from '../src/catalog/parse.ts';
import { search } from '../src/catalog/search.ts';
import type { MarcRecord } from '../src/catalog/types.ts';
import { isControlField } from '../src/catalog/types.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { loadConfig } from '../src/platform/config.ts';
import { type Database, openPglite, openPostgres } from '../src/platform/db.ts';
import { migrate } from '../src/platform/migrate.ts';
import { Protector } from '../src/platform/protect.ts';
import { benchMarcParse, benchYaz } from './marc-parse.ts';
import { buildSearchCorpus } from './search-corpus.ts';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '100000' },
    'skip-pglite': { type: 'boolean', default: false },
    dir: { type: 'string', default: '/tmp/simpul-bench' },
    profile: { type: 'boolean', default: false },
    // keep the PostgreSQL database after the run (its name is printed), e.g. to measure search at 1M later
    keep: { type: 'boolean', default: false },
    'search-only': { type: 'boolean', default: false },
    db: { type: 'string' },
    rebuild: { type: 'boolean', default: false },
    // catalog: distinct manifestations, every tenth an exact copy held by two libraries (a union catalog);
    // near-duplicates: the old corpus, every record a variant title of a few thousand real ones (matching's worst case)
    corpus: { type: 'string', default: 'catalog' },
    help: { type: 'boolean', default: false },
    // internal: run one target in this process and print its rows as JSON (each target gets its own process,
    // so peak memory is that target's alone: PGlite's heap is not mixed into the server's figure)
    only: { type: 'string' },
  },
});
if (args.help) {
  console.log(`npm run bench:catalog -- [options]
  --n N            records in the corpus (default 100000)
  --skip-pglite    only the PostgreSQL server (DATABASE_URL)
  --dir DIR        where corpus files go (default /tmp/simpul-bench)
  --profile        where ingest time went
  --search-only    search latency only: on PostgreSQL the database simpul_bench_search_<N>,
                   built in SQL from the real records on first use and kept (bench/search-corpus.ts);
                   on PGlite the same corpus in memory
  --db NAME        with --search-only: search this kept PostgreSQL database instead
  --rebuild        with --search-only: build simpul_bench_search_<N> again
  --keep           full run: keep the PostgreSQL database (its name is printed)
  --corpus KIND    catalog (default): distinct titles, each with its own ISBN and year, every tenth
                   an exact copy of a real record also held by another library (a union catalog);
                   near-duplicates: every record a variant title of one of a few thousand real
                   records (the matcher's worst case: many near copies reach each other's keys)`);
  process.exit(0);
}
const N = Number(args.n);
const CORPUS = args.corpus as string;
if (CORPUS !== 'catalog' && CORPUS !== 'near-duplicates') {
  console.error(`--corpus is catalog or near-duplicates, not ${CORPUS}`);
  process.exit(2);
}
const SEARCH_ONLY = Boolean(args['search-only']);
const LIBRARIES = [
  'BUNGHATTA',
  'PERPUSNAS',
  'SAWAHLUNTO',
  'PAYAKUMBUH',
  'UPERTIS',
  'UINMY',
  'SDN01-BKT',
  'SDN05-BKT',
  'SDN03-PYK',
  'SDN12-PYK',
];
const WORDS = [
  'sejarah',
  'adat',
  'minangkabau',
  'pendidikan',
  'hukum',
  'ekonomi',
  'kesehatan',
  'bahasa',
  'sastra',
  'agama',
  'budaya',
  'teknologi',
  'pertanian',
  'politik',
  'anak',
  'perpustakaan',
];

async function realRecords(): Promise<MarcRecord[]> {
  const root = path.resolve(import.meta.dirname, '../../shared/data/marc');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(mrc|dat|marc)$/i.test(e.name) && !/bad|error|broken|invalid/i.test(e.name)) files.push(p);
    }
  };
  walk(root);
  const out: MarcRecord[] = [];
  for (const f of files) {
    for await (const r of readIso2709(createReadStream(f))) {
      if (r.ok && r.record.fields.some((x) => x.tag === '245')) out.push(r.record);
      if (out.length >= 5000) return out;
    }
  }
  return out;
}

function vary(base: MarcRecord, i: number): MarcRecord {
  // Every tenth title repeats one seen at another library: the matcher must join them.
  const dup = i % 10 === 0;
  const suffix = dup ? '' : ` ${WORDS[i % WORDS.length]} ${WORDS[Math.floor(i / WORDS.length) % WORDS.length]} ${i}`;
  return {
    leader: base.leader,
    fields: base.fields.map((f) => {
      if (isControlField(f)) return f.tag === '001' ? { tag: '001', value: `bench-${i}` } : f;
      if (f.tag === '245') {
        return {
          ...f,
          subfields: f.subfields.map((s, k) =>
            s.code === 'a' && k === 0 ? { ...s, value: `${s.value}${suffix}` } : s,
          ),
        };
      }
      return f;
    }),
  };
}

/** A valid ISBN-13 of its own for record i (978-6, then i in eight digits, then the check digit). */
function isbnOf(i: number): string {
  const body = `9786${String(i).padStart(8, '0')}`;
  let sum = 0;
  for (let k = 0; k < 12; k++) sum += Number(body[k]) * (k % 2 ? 3 : 1);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

/**
 * Record i of a union-catalog corpus: a manifestation of its own (two subject words before the real title,
 * its own ISBN and year, no OCLC number of the original), so that matching has the work a real union catalog
 * gives it: most records reach a few candidates through shared title words and match none of them.
 */
function distinct(base: MarcRecord, i: number): MarcRecord {
  const prefix = `${WORDS[i % WORDS.length]} ${WORDS[Math.floor(i / WORDS.length) % WORDS.length]} `;
  const year = String(1950 + ((i * 7) % 70));
  const fields = base.fields.flatMap((f): MarcRecord['fields'] => {
    if (isControlField(f)) {
      if (f.tag === '001') return [{ tag: '001', value: `bench-${i}` }];
      if (f.tag === '008' && f.value.length >= 11)
        return [{ tag: '008', value: `${f.value.slice(0, 7)}${year}${f.value.slice(11)}` }];
      return [f];
    }
    if (f.tag === '020' || f.tag === '035' || f.tag === '010') return [];
    if (f.tag === '245')
      return [
        {
          ...f,
          subfields: f.subfields.map((s, k) =>
            s.code === 'a' && k === 0 ? { ...s, value: `${prefix}${s.value}` } : s,
          ),
        },
      ];
    if (f.tag === '260' || f.tag === '264')
      return [{ ...f, subfields: f.subfields.map((s) => (s.code === 'c' ? { ...s, value: `${year}.` } : s)) }];
    return [f];
  });
  const at = fields.findIndex((f) => !isControlField(f) && f.tag > '020');
  fields.splice(at < 0 ? fields.length : at, 0, {
    tag: '020',
    ind1: ' ',
    ind2: ' ',
    subfields: [{ code: 'a', value: isbnOf(i) }],
  });
  return { leader: base.leader, fields };
}

/** Record i of the corpus and the library (index) whose file it goes to. */
function corpusRecord(base: MarcRecord[], i: number): { rec: MarcRecord; lib: number } {
  if (CORPUS === 'near-duplicates') {
    // Duplicates go to the next library, so a title is held by two libraries.
    const lib = i % 10 === 0 ? (Math.floor(i / 10) + 1) % LIBRARIES.length : i % LIBRARIES.length;
    return { rec: vary(base[Math.floor(i / 10) % base.length] as MarcRecord, i), lib };
  }
  if (i % 10 !== 0) return { rec: distinct(base[i % base.length] as MarcRecord, i), lib: i % LIBRARIES.length };
  // Every tenth: an exact copy (own control number) of a real record; the copies of one real record go to
  // different libraries, so each is held by about two (N/10 copies of N/20 records, at most all of them).
  const d = i / 10;
  const m = Math.max(1, Math.min(base.length, Math.floor(N / 20)));
  const b = d % m;
  const copy = Math.floor(d / m);
  const src = base[b] as MarcRecord;
  const rec = {
    leader: src.leader,
    fields: src.fields.map((f) => (isControlField(f) && f.tag === '001' ? { tag: '001', value: `bench-${i}` } : f)),
  };
  return { rec, lib: (b + copy) % LIBRARIES.length };
}

async function buildCorpus(dir: string): Promise<{ files: string[]; all: string }> {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  const all = path.join(dir, `corpus-${CORPUS}-${N}.mrc`);
  const files = LIBRARIES.map((l) => path.join(dir, `corpus-${CORPUS}-${N}-${l}.mrc`));
  if (existsSync(all) && files.every(existsSync)) return { files, all };
  const base = await realRecords();
  const outs = files.map((f) => createWriteStream(f));
  const whole = createWriteStream(all);
  for (let i = 0; i < N; i++) {
    const { rec: record, lib } = corpusRecord(base, i);
    const rec = toIso2709(record);
    const out = outs[lib] as ReturnType<typeof createWriteStream>;
    if (!out.write(rec)) await once(out, 'drain');
    if (!whole.write(rec)) await once(whole, 'drain');
  }
  await Promise.all([...outs, whole].map((o) => new Promise((r) => o.end(r))));
  return { files, all };
}

/**
 * Ours and yaz-marcdump's parse of the same file, each the best of three runs after a warm-up
 * (JIT, MARC-8 tables; the page cache for yaz), with CPU seconds beside wall time: on a loaded
 * machine the CPU figures are the ones to compare.
 */
async function parseRate(file: string) {
  const ours = () => benchMarcParse(file);
  await ours();
  const runs = [await ours(), await ours(), await ours()];
  const best = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const bestCpu = Math.min(...runs.map((r) => r.cpuSeconds));
  benchYaz(file, ['-o', 'marc']);
  const yaz = [0, 1, 2].map(() => benchYaz(file, ['-o', 'marc']));
  const ok = yaz.every((y) => y.ok);
  return {
    ours: best.records / best.seconds,
    oursCpu: bestCpu,
    yaz: ok ? best.records / Math.min(...yaz.map((y) => y.seconds)) : Number.NaN,
    yazCpu: ok ? Math.min(...yaz.map((y) => y.cpuSeconds)) : Number.NaN,
    records: best.records,
    load: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  };
}

async function ingestAll(database: Database, files: string[]) {
  const db = database.db;
  const libs = new Map((await db.selectFrom('libraries').select(['id', 'code']).execute()).map((l) => [l.code, l.id]));
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  const profile: Record<string, number> | null = args.profile ? {} : null;
  collectIngestProfile(profile);
  const cpu0 = process.cpuUsage();
  const pg0 = await backendCpuNs(database);
  const t = performance.now();
  let records = 0;
  let matched = 0;
  // The heap still held after each library's file (after a full collection, when the child may collect):
  // what grows here is what the ingest keeps from file to file.
  const gc = (globalThis as { gc?: () => void }).gc;
  const kept: number[] = [];
  const heapKept = () => {
    if (!gc) return;
    gc();
    kept.push(process.memoryUsage().heapUsed / 1048576);
  };
  heapKept();
  for (const [k, file] of files.entries()) {
    const libraryId = libs.get(LIBRARIES[k] as string) as number;
    const batch = await db
      .insertInto('import_batches')
      .values({ library_id: libraryId, kind: 'file', filename: file })
      .returning('id')
      .executeTakeFirstOrThrow();
    const counts = await ingestStream(
      db,
      { batchId: batch.id, libraryId, sourceId: null },
      parseFile(createReadStream(file, { highWaterMark: 1 << 20 }), 'iso2709'),
      catalogMatcher,
      { chunkSize: 1000 },
    );
    records += counts.read;
    matched += counts.matched;
    heapKept();
  }
  const seconds = (performance.now() - t) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const pg1 = await backendCpuNs(database);
  clearInterval(timer);
  const nodeCpu = (cpu.user + cpu.system) / 1e6;
  const pgCpu = pg0 === null || pg1 === null ? null : (pg1 - pg0) / 1e9;
  peak = Math.max(peak, process.resourceUsage().maxRSS * 1024);
  collectIngestProfile(null);
  if (profile) {
    console.error('where ingest time went (s):');
    for (const [k, v] of Object.entries(profile).sort((a, b) => b[1] - a[1]))
      console.error(`  ${k.padEnd(28)} ${k.startsWith('#') ? v : (v / 1000).toFixed(1)}`);
  }
  const clusters = await db
    .selectFrom('clusters')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return {
    rate: records / seconds,
    seconds,
    records,
    peakMb: peak / 1024 / 1024,
    clusters: Number(clusters.n),
    nodeCpu,
    pgCpu,
    matched,
    kept,
  };
}

const QUERIES: Array<Parameters<typeof search>[1]> = [];
for (let i = 0; i < 50; i++) {
  const w = WORDS[i % WORDS.length] as string;
  const w2 = WORDS[(i * 7) % WORDS.length] as string;
  const kinds: Array<Parameters<typeof search>[1]> = [
    { q: w },
    { q: `${w} ${w2}` },
    { q: `judul:${w}` },
    { q: `"${w} ${w2}"` },
    { q: `${w} OR ${w2}`, filters: { library: [LIBRARIES[i % 10] as string] } },
    { q: `${w} -${w2}`, sort: 'year_desc' },
    { q: w, filters: { available: false, yearFrom: 1900, yearTo: 2030 } },
    { q: `pengarang:${w}` },
    { q: `${w}`, page: 3 },
    { q: `${w2} ${i}` },
  ];
  QUERIES.push(kinds[i % kinds.length] as Parameters<typeof search>[1]);
}

/** CPU nanoseconds the PostgreSQL backends of this database have used (/proc/<pid>/schedstat), or null. */
async function backendCpuNs(database: Database): Promise<number | null> {
  if (database.kind !== 'postgres') return null;
  const r = await sql<{ pid: number }>`select pid from pg_stat_activity
    where datname = current_database() and backend_type = 'client backend'`.execute(database.db);
  let ns = 0;
  for (const { pid } of r.rows) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      return null; // another machine's server
    }
  }
  return ns;
}

/**
 * Median and p95 of the 50 queries' wall time and, on a local PostgreSQL server, of the
 * backends' CPU time per query (which the machine's load distorts much less).
 */
async function searchLatency(database: Database) {
  for (const q of QUERIES.slice(0, 5)) await search(database.db, q); // warm caches
  const times: number[] = [];
  const cpus: number[] = [];
  const each: Array<[number, string]> = [];
  for (const q of QUERIES) {
    const cpu0 = await backendCpuNs(database);
    const t = performance.now();
    const r = await search(database.db, { ...q, facets: true });
    const ms = performance.now() - t;
    const cpu1 = await backendCpuNs(database);
    const cpu = cpu0 !== null && cpu1 !== null ? (cpu1 - cpu0) / 1e6 : null;
    times.push(ms);
    if (cpu !== null) cpus.push(cpu);
    each.push([
      ms,
      `${JSON.stringify(q)} -> ${r.total}${r.totalApproximate ? ' (approx.)' : ''}${cpu !== null ? ` [backend CPU ${cpu.toFixed(0)} ms]` : ''}`,
    ]);
  }
  times.sort((a, b) => a - b);
  cpus.sort((a, b) => a - b);
  console.error('slowest queries (ms):');
  for (const [ms, q] of each.sort((a, b) => b[0] - a[0]).slice(0, 6))
    console.error(`  ${ms.toFixed(0).padStart(6)}  ${q}`);
  const at = (xs: number[], p: number) => xs[Math.floor(xs.length * p)] as number;
  return {
    median: at(times, 0.5),
    p95: at(times, 0.95),
    cpu: cpus.length === times.length ? { median: at(cpus, 0.5), p95: at(cpus, 0.95) } : null,
    load: loadavg()[0] as number,
  };
}

function latencyRows(
  name: string,
  what: string,
  lat: Awaited<ReturnType<typeof searchLatency>>,
): Array<[string, string]> {
  const out: Array<[string, string]> = [
    [
      `search on ${name} at ${what}: median / p95 (ms, 50 queries with facets; load ${lat.load.toFixed(1)})`,
      `${lat.median.toFixed(1)} / ${lat.p95.toFixed(1)}`,
    ],
  ];
  if (lat.cpu)
    out.push([
      `  PostgreSQL backend CPU per query: median / p95 (ms)`,
      `${lat.cpu.median.toFixed(1)} / ${lat.cpu.p95.toFixed(1)}`,
    ]);
  return out;
}

interface Target {
  database: Database;
  /** A kept search corpus: no ingest, no corpus to build. */
  reused: boolean;
  drop(): Promise<void>;
}

async function freshPostgres(url: string): Promise<Target> {
  const name = SEARCH_ONLY ? (args.db ?? `simpul_bench_search_${N}`) : `simpul_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
  if (exists && SEARCH_ONLY && args.rebuild && !args.db) await admin.query(`drop database ${name} with (force)`);
  const reused = exists && SEARCH_ONLY && (!args.rebuild || Boolean(args.db));
  if (!reused) await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  const database = await openPostgres(u.toString());
  const keep = SEARCH_ONLY || args.keep;
  if (keep) console.error(`PostgreSQL database ${name} ${reused ? 'reused' : 'kept after the run'}`);
  return {
    database,
    reused,
    async drop() {
      await database.close();
      if (keep) {
        console.error(`kept the database: ${u.toString().replace(/\/\/[^@]*@/, '//…@')}`);
        return;
      }
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

async function prepare(database: Database) {
  await migrate(database);
  await seedDemo(database.db, new Protector(loadConfig(process.env, { dataDir: '/tmp/simpul-bench' }).secretKey), {
    catalog: false,
  });
}

const rows: Array<[string, string]> = [];
const { files, all } = SEARCH_ONLY ? { files: [], all: '' } : await buildCorpus(args.dir as string);
if (!args.only && !SEARCH_ONLY)
  console.error(`corpus: ${N} records, ${(statSync(all).size / 1e6).toFixed(1)} MB in ${args.dir}`);
// The parse rows run in a process of their own, as each database does: the process that has just
// generated the corpus carries its garbage (at 100k it made our parse 3x slower than alone), and
// yaz-marcdump runs as its own process too.
if (args.only === 'parse') {
  const p = await parseRate(all);
  rows.push([
    'ISO 2709 parse, simpul (records/s; CPU s, best of 3)',
    `${Math.round(p.ours).toLocaleString('en')} (${p.oursCpu.toFixed(2)} s CPU)`,
  ]);
  rows.push([
    'ISO 2709 parse, yaz-marcdump -o marc, same file (records/s; CPU s)',
    Number.isNaN(p.yaz) ? 'yaz missing' : `${Math.round(p.yaz).toLocaleString('en')} (${p.yazCpu.toFixed(2)} s CPU)`,
  ]);
  rows.push(['load average during the parse rows', p.load]);
  console.log(JSON.stringify(rows));
  process.exit(0);
}

/** Runs one target in a child process (same tsx loader) and takes back its rows. */
async function inChild(name: string): Promise<Array<[string, string]>> {
  const argv = [
    ...process.execArgv,
    '--expose-gc',
    process.argv[1] as string,
    ...process.argv.slice(2),
    '--only',
    name,
  ];
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  const [code] = await once(child, 'close');
  if (code !== 0) return [[`${name}`, `failed (exit ${code})`]];
  return JSON.parse(out.trim().split('\n').at(-1) as string);
}

if (!args.only && !SEARCH_ONLY) rows.push(...(await inChild('parse')));

const targets: Array<[string, () => Promise<Target>]> = [];
if (!args['skip-pglite'])
  targets.push([
    'PGlite',
    async () => {
      // On disk, as `simpul serve` runs it (DATA_DIR/pglite): the database is not held in the process's memory.
      const dir = mkdtempSync(path.join(tmpdir(), 'simpul-bench-pglite-'));
      return {
        database: await openPglite(dir),
        reused: false,
        drop: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  ]);
if (process.env.DATABASE_URL) {
  const url = process.env.DATABASE_URL;
  targets.push(['PostgreSQL', () => freshPostgres(url)]);
}
for (const [name, open] of targets) {
  if (!args.only) {
    rows.push(...(await inChild(name)));
    continue;
  }
  if (args.only !== name) continue;
  const { database, drop, reused } = await open();
  try {
    if (SEARCH_ONLY) {
      if (reused) await migrate(database);
      else {
        await prepare(database);
        console.error(`building a search corpus of ${N} clusters in ${name}…`);
        const t = performance.now();
        await buildSearchCorpus(database.db, await realRecords(), N, LIBRARIES, WORDS, (m) => console.error(`  ${m}`));
        rows.push([`search corpus on ${name} built in (s)`, ((performance.now() - t) / 1000).toFixed(0)]);
      }
      // A kept database (--db) holds what it holds, whatever --n says.
      const held = reused
        ? Number((await sql<{ n: number }>`select count(*)::int as n from clusters`.execute(database.db)).rows[0]?.n)
        : N;
      rows.push(...latencyRows(name, `${held.toLocaleString('en')} clusters`, await searchLatency(database)));
      continue;
    }
    await prepare(database);
    console.error(`ingesting into ${name}…`);
    const ing = await ingestAll(database, files);
    rows.push([
      `ingest on ${name} (records/s; parse+normalise+match+store+index)`,
      `${Math.round(ing.rate).toLocaleString('en')} (${ing.records.toLocaleString('en')} records in ${ing.seconds.toFixed(0)} s, ${ing.clusters.toLocaleString('en')} clusters, ${ing.matched.toLocaleString('en')} matched)`,
    ]);
    if (ing.kept.length)
      rows.push([`heap kept after each library's file on ${name} (MB)`, ing.kept.map((x) => x.toFixed(0)).join(' ')]);
    rows.push([`peak memory during ingest on ${name} (RSS MB)`, ing.peakMb.toFixed(0)]);
    rows.push([
      `load average after ingest on ${name} (1/5/15 min)`,
      loadavg()
        .map((x) => x.toFixed(1))
        .join(' / '),
    ]);
    rows.push([
      `CPU during ingest on ${name} (s): node${ing.pgCpu === null ? '' : ' / database backends'}`,
      `${ing.nodeCpu.toFixed(1)}${ing.pgCpu === null ? '' : ` / ${ing.pgCpu.toFixed(1)}`}`,
    ]);
    rows.push(...latencyRows(name, N.toLocaleString('en'), await searchLatency(database)));
  } finally {
    await database.close().catch(() => {});
    await drop();
  }
}
if (args.only) {
  console.log(JSON.stringify(rows));
  process.exit(0);
}
if (!process.env.DATABASE_URL) rows.push(['PostgreSQL server', 'skipped: set DATABASE_URL']);

const w = Math.max(...rows.map((r) => r[0].length));
console.log(`\nSimpul catalog benchmark, N = ${N.toLocaleString('en')}, corpus ${CORPUS}\n`);
for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
