/**
 * Interlibrary loan benchmark, one table:
 *  - N loans through the full cycle on one node (request, will supply, ship,
 *    receive, return, check-in), both sides in one process, delivered in-node;
 *  - N loans through the same cycle between two nodes on loopback, every
 *    message real HTTP to the other's /iso18626 (outbox job, peer
 *    authentication, XSD validation both ways, message log);
 *  - transitions per second (state changes on either side, counted from the
 *    timelines), and the median and p95 server-side time of handling one
 *    ISO 18626 message, beside a bare Fastify echo route measured in the same
 *    run with the same message bodies.
 *
 *   npm run bench:ill                 # N = 10,000
 *   npm run bench:ill -- --n 200
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { type Agent, startTestSimpul, type TestSimpul } from '../test/support.ts';

const { values } = parseArgs({ options: { n: { type: 'string', default: '10000' } } });
const N = Number(values.n);
if (!Number.isInteger(N) || N < 1) throw new Error('--n must be a positive integer');

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};

async function title(s: TestSimpul, code: string, name: string): Promise<number> {
  const db = s.ctx.database.db;
  const lib = await db.selectFrom('libraries').select('id').where('code', '=', code).executeTakeFirstOrThrow();
  const bib = {
    title: name,
    authors: ['Penulis, Contoh'],
    isbns: [],
    issns: [],
    format: 'book',
    subjects: [],
    items: [],
  };
  const c = await db
    .insertInto('clusters')
    .values({ title: name, display: JSON.stringify(bib), search_doc: '' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('items')
    .values({
      library_id: lib.id,
      cluster_id: c.id,
      barcode: `${code}-BENCH-${c.id}`,
      status: 'available',
      loanable: true,
    })
    .execute();
  return c.id;
}

async function ok(p: Promise<{ status: number; body: any }>, what: string) {
  const r = await p;
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function transitions(s: TestSimpul): Promise<number> {
  const r = await s.ctx.database.db
    .selectFrom('ill_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('to_state', 'is not', null)
    .whereRef('to_state', '<>', 'from_state')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function patron(s: TestSimpul): Promise<number> {
  const p = await s.ctx.database.db
    .selectFrom('patrons')
    .select('id')
    .where('member_number', '=', 'BH-2024-0001')
    .executeTakeFirstOrThrow();
  return p.id;
}

/** Times every /iso18626 request on the server, from arrival to the reply sent. */
function timeIso(s: TestSimpul, into: number[]) {
  const started = new WeakMap<object, number>();
  s.app.addHook('onRequest', async (req) => {
    if (req.url === '/iso18626') started.set(req, performance.now());
  });
  s.app.addHook('onResponse', async (req) => {
    const t = started.get(req);
    if (t !== undefined) into.push(performance.now() - t);
  });
}

async function oneNode() {
  const s = await startTestSimpul();
  const bh = await s.as('pustakawan.bunghatta');
  const swl = await s.as('pustakawan.sawahlunto');
  const cluster = await title(s, 'SAWAHLUNTO', 'Siti Nurbaya (bench)');
  const p = await patron(s);
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const r = await ok(
      bh.post('/api/v1/ill/requests', { patronId: p, clusterId: cluster, serviceType: 'Loan', send: true }),
      'create',
    );
    const sup = (await ok(bh.get(`/api/v1/ill/requests/${r.id}`), 'get')).supplierRequestId;
    await ok(swl.post(`/api/v1/ill/supplier-requests/${sup}/actions/willSupply`, {}), 'willSupply');
    await ok(swl.post(`/api/v1/ill/supplier-requests/${sup}/actions/ship`, {}), 'ship');
    await ok(bh.post(`/api/v1/ill/requests/${r.id}/actions/receive`, {}), 'receive');
    await ok(bh.post(`/api/v1/ill/requests/${r.id}/actions/return`, {}), 'return');
    await ok(swl.post(`/api/v1/ill/supplier-requests/${sup}/actions/checkIn`, {}), 'checkIn');
  }
  const secs = (performance.now() - t0) / 1000;
  const n = await transitions(s);
  await s.stop();
  return { secs, transitions: n };
}

async function twoNodes(isoTimes: number[]) {
  const A = await startTestSimpul();
  const B = await startTestSimpul();
  timeIso(A, isoTimes);
  timeIso(B, isoTimes);
  const baseA = await A.app.listen({ port: 0, host: '127.0.0.1' });
  const baseB = await B.app.listen({ port: 0, host: '127.0.0.1' });
  const setup = async (s: TestSimpul, lib: string, agency: string, url: string, out: string, inn: string) => {
    const coord = await s.as('koordinator');
    await ok(
      coord.post('/api/v1/libraries', {
        code: lib,
        name: lib,
        type: 'public',
        networkCode: 'SUMBAR',
        services: ['ill_lending', 'ill_borrowing'],
      }),
      'library',
    );
    await ok(
      coord.post('/api/v1/ill/peers', {
        name: lib,
        library: lib,
        agencyId: { type: 'ISIL', value: agency },
        endpointUrl: url,
        outboundAccountId: out,
        outboundSecret: `${out}-secret-0123456789abcdef`,
        inboundAccountId: inn,
        inboundSecret: `${inn}-secret-0123456789abcdef`,
      }),
      'peer',
    );
  };
  await ok(
    (await A.as('admin.bunghatta')).put('/api/v1/libraries/BUNGHATTA/ill-agency', { type: 'ISIL', value: 'ID-BH' }),
    'agency',
  );
  await ok(
    (await B.as('admin.payakumbuh')).put('/api/v1/libraries/PAYAKUMBUH/ill-agency', { type: 'ISIL', value: 'ID-PYK' }),
    'agency',
  );
  await setup(A, 'NODEB-PYK', 'ID-PYK', `${baseB}/iso18626`, 'node-a', 'node-b');
  await setup(B, 'NODEA-BH', 'ID-BH', `${baseA}/iso18626`, 'node-b', 'node-a');
  const bh: Agent = await A.as('pustakawan.bunghatta');
  const pyk: Agent = await B.as('pustakawan.payakumbuh');
  const clusterA = await title(A, 'NODEB-PYK', 'Siti Nurbaya (bench)');
  await title(B, 'PAYAKUMBUH', 'Siti Nurbaya (bench)');
  const item = await B.ctx.database.db
    .selectFrom('items')
    .select('id')
    .where('barcode', 'like', 'PAYAKUMBUH-BENCH-%')
    .executeTakeFirstOrThrow();
  const p = await patron(A);
  const exchange = async () => {
    for (;;) {
      const a = await A.jobs.drain();
      const b = await B.jobs.drain();
      if (a + b === 0) return;
    }
  };
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const r = await ok(
      bh.post('/api/v1/ill/requests', { patronId: p, clusterId: clusterA, serviceType: 'Loan', send: true }),
      'create',
    );
    await exchange();
    const sup = await B.ctx.database.db
      .selectFrom('ill_supplier_requests')
      .select('id')
      .where('requesting_agency_request_id', 'like', `${r.hrid}-%`)
      .executeTakeFirstOrThrow();
    await ok(pyk.post(`/api/v1/ill/supplier-requests/${sup.id}/actions/willSupply`, {}), 'willSupply');
    await exchange();
    await ok(pyk.post(`/api/v1/ill/supplier-requests/${sup.id}/actions/ship`, { itemId: item.id }), 'ship');
    await exchange();
    await ok(bh.post(`/api/v1/ill/requests/${r.id}/actions/receive`, {}), 'receive');
    await exchange();
    await ok(bh.post(`/api/v1/ill/requests/${r.id}/actions/return`, {}), 'return');
    await exchange();
    await ok(pyk.post(`/api/v1/ill/supplier-requests/${sup.id}/actions/checkIn`, {}), 'checkIn');
    await exchange();
  }
  const secs = (performance.now() - t0) / 1000;
  const n = (await transitions(A)) + (await transitions(B));
  const bodies = (
    await A.ctx.database.db.selectFrom('ill_messages').select('xml').where('direction', '=', 'in').execute()
  ).map((m) => m.xml);
  await A.stop();
  await B.stop();
  return { secs, transitions: n, bodies };
}

/** A bare Fastify route that echoes the same bodies, timed the same way: the floor under any handler. */
async function echo(bodies: string[]): Promise<number[]> {
  const app = Fastify();
  const times: number[] = [];
  const started = new WeakMap<object, number>();
  app.addHook('onRequest', async (req) => {
    started.set(req, performance.now());
  });
  app.addHook('onResponse', async (req) => {
    const t = started.get(req);
    if (t !== undefined) times.push(performance.now() - t);
  });
  app.addContentTypeParser('text/xml', { parseAs: 'string' }, (_r, b, done) => done(null, b));
  app.post('/echo', async (req, reply) => reply.type('text/xml').send(req.body));
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  for (const b of bodies) {
    const r = await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: b });
    await r.text();
  }
  await app.close();
  return times;
}

const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
console.log(`ILL benchmark, N = ${N} loans, database ${db}`);
const one = await oneNode();
const isoTimes: number[] = [];
const two = await twoNodes(isoTimes);
const echoTimes = await echo(two.bodies);
const ms = (x: number) => `${x.toFixed(2)} ms`;
console.table([
  {
    what: 'one node, full loan cycle',
    loans: N,
    seconds: one.secs.toFixed(1),
    transitions: one.transitions,
    'transitions/s': (one.transitions / one.secs).toFixed(1),
  },
  {
    what: 'two nodes over ISO 18626',
    loans: N,
    seconds: two.secs.toFixed(1),
    transitions: two.transitions,
    'transitions/s': (two.transitions / two.secs).toFixed(1),
  },
]);
console.table([
  {
    what: 'handling one ISO 18626 message (/iso18626)',
    messages: isoTimes.length,
    median: ms(quantile(isoTimes, 0.5)),
    p95: ms(quantile(isoTimes, 0.95)),
  },
  {
    what: 'bare Fastify echo, same bodies',
    messages: echoTimes.length,
    median: ms(quantile(echoTimes, 0.5)),
    p95: ms(quantile(echoTimes, 0.95)),
  },
]);
process.exit(0);
