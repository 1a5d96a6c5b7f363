import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bib, libraryIds, load } from '../../test/catalog-fixtures.ts';
import { startTestSimpul, type TestSimpul } from '../../test/support.ts';
import { harvestSource } from './harvest.ts';
import { catalogMatcher } from './match.ts';
import { type ReplayServer, sharedPath, startReplayServer } from './oai/replay-server.ts';

// 81 records of a real DSpace repository (2 deleted), and 100 real Alma MARC records.
const DSPACE = sharedPath('oai-pmh/oai-pyoai/src/oaipmh/tests/fake2/00002.xml');
const ALMA = sharedPath('oai-pmh/oai-vufindharvest/tests/fixtures/marc.xml');

let s: TestSimpul;
const servers: ReplayServer[] = [];

async function sourceCount(sourceId: number) {
  const r = await s.ctx.database.db
    .selectFrom('source_records')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('source_id', '=', sourceId)
    .where('deleted', '=', false)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

beforeAll(async () => {
  s = await startTestSimpul();
});
afterAll(async () => {
  await Promise.all(servers.map((x) => x.close()));
  await s?.stop();
});

describe('harvesting member libraries over OAI-PMH', () => {
  it('registers a source, harvests it as a job across resumption tokens, and reports the run', async () => {
    const server = await startReplayServer({ paged: { file: DSPACE, pageSize: 20, metadataPrefix: 'oai_dc' } });
    servers.push(server);
    const admin = await s.as('admin.upertis');
    const created = await admin.post('/api/v1/libraries/UPERTIS/harvest-sources', {
      name: 'Repositori DSpace',
      baseUrl: server.url,
      metadataPrefix: 'oai_dc',
      scheduleHours: 24,
    });
    expect(created.status).toBe(201);
    expect((await admin.post(`/api/v1/harvest-sources/${created.body.id}/run`)).body.queued).toBe(true);
    await s.jobs.drain();
    const list = await admin.get('/api/v1/libraries/UPERTIS/harvest-sources');
    const src = list.body.items[0];
    expect(src.lastBatch.status).toBe('done');
    expect(src.lastBatch.counts.added).toBe(79);
    expect(src.nextRunAt).not.toBeNull();
    expect(await sourceCount(created.body.id)).toBe(79);
    // Another library's staff cannot see or run it.
    const other = await s.as('pustakawan.uinmy');
    expect((await other.post(`/api/v1/harvest-sources/${created.body.id}/run`)).status).toBe(403);
    // Harvesting again picks up only what changed since: nothing.
    await admin.post(`/api/v1/harvest-sources/${created.body.id}/run`);
    await s.jobs.drain();
    const again = (await admin.get('/api/v1/libraries/UPERTIS/harvest-sources')).body.items[0];
    expect(again.lastBatch.counts.added).toBe(0);
    expect(await sourceCount(created.body.id)).toBe(79);
    // The source's run history: both runs, newest first, and nothing of the library's other imports.
    await load(s, (await libraryIds(s)).UPERTIS as number, [bib({ sourceId: 'x1', title: 'Bukan panen' })]);
    const runs = (await admin.get(`/api/v1/libraries/UPERTIS/imports?source=${created.body.id}`)).body;
    expect(runs.total).toBe(2);
    expect(runs.items.map((b: any) => [b.kind, b.counts.added])).toEqual([
      ['harvest', 0],
      ['harvest', 79],
    ]);
    expect((await admin.get('/api/v1/libraries/UPERTIS/imports')).body.total).toBe(3);
    expect((await other.get(`/api/v1/libraries/UPERTIS/imports?source=${created.body.id}`)).status).toBe(403);
  });

  it('resumes after a failed page without duplicates or gaps', async () => {
    const server = await startReplayServer({
      paged: { file: DSPACE, pageSize: 20, metadataPrefix: 'oai_dc' },
      faults: [{ match: (p) => p.resumptionToken !== undefined, times: 1, action: { kind: 'drop' } }],
    });
    servers.push(server);
    const admin = await s.as('admin.uinmy');
    const created = await admin.post('/api/v1/libraries/UINMY/harvest-sources', {
      name: 'DSpace UIN',
      baseUrl: server.url,
      metadataPrefix: 'oai_dc',
    });
    const id = created.body.id as number;
    const noRetry = { client: { retry: { maxAttempts: 1, baseDelayMs: 1 } } };
    await expect(harvestSource(s.ctx.database.db, id, catalogMatcher, noRetry)).rejects.toThrow();
    const firstPage = await sourceCount(id);
    expect(firstPage).toBe(20);
    const resumed = await harvestSource(s.ctx.database.db, id, catalogMatcher, noRetry);
    expect(resumed.checkpoint?.complete).toBe(true);
    expect(firstPage + resumed.counts.added).toBe(79);
    expect(await sourceCount(id)).toBe(79);
  });

  it('harvests MARC21 records and finds them in the union catalog', async () => {
    const server = await startReplayServer({ paged: { file: ALMA, pageSize: 30, metadataPrefix: 'marc21' } });
    servers.push(server);
    const admin = await s.as('admin.sawahlunto');
    const created = await admin.post('/api/v1/libraries/SAWAHLUNTO/harvest-sources', {
      name: 'Alma',
      baseUrl: server.url,
      metadataPrefix: 'marc21',
    });
    const r = await harvestSource(s.ctx.database.db, created.body.id, catalogMatcher);
    expect(r.counts.added + r.counts.rejected).toBe(100);
    expect(r.counts.added).toBeGreaterThan(90);
    const one = await s.ctx.database.db
      .selectFrom('source_records')
      .select('bib')
      .where('source_id', '=', created.body.id)
      .limit(1)
      .executeTakeFirstOrThrow();
    const word = one.bib.title.split(/\s+/).find((w: string) => w.length > 5) ?? one.bib.title;
    const found = await s.anonymous.get(`/api/v1/catalog/search?q=${encodeURIComponent(word)}&library=SAWAHLUNTO`);
    expect(found.body.total).toBeGreaterThan(0);
  });

  it('rejects a source that is not an http(s) address', async () => {
    const admin = await s.as('admin.bunghatta');
    const r = await admin.post('/api/v1/libraries/BUNGHATTA/harvest-sources', {
      name: 'x',
      baseUrl: 'ftp://example.org/oai',
      metadataPrefix: 'oai_dc',
    });
    expect(r.status).toBe(400);
  });
});

describe('two Simpul nodes', () => {
  it('lets one node harvest the union catalog of another over OAI-PMH in MARC21', async () => {
    const lib = await s.ctx.database.db
      .selectFrom('libraries')
      .select('id')
      .where('code', '=', 'BUNGHATTA')
      .executeTakeFirstOrThrow();
    await load(s, lib.id, [
      {
        title: 'Memoir Mohammad Hatta',
        authors: ['Hatta, Mohammad'],
        year: 1979,
        isbns: [],
        issns: [],
        subjects: ['Biografi'],
        format: 'book',
        items: [],
        sourceId: 'n1',
      },
      {
        title: 'Tambo Alam Minangkabau',
        authors: ['Idrus Hakimy'],
        year: 1994,
        isbns: [],
        issns: [],
        subjects: [],
        format: 'book',
        items: [],
        sourceId: 'n2',
      },
    ]);
    const baseA = await s.app.listen({ port: 0, host: '127.0.0.1' });
    const nodeB = await startTestSimpul();
    try {
      const admin = await nodeB.as('admin.payakumbuh');
      const created = await admin.post('/api/v1/libraries/PAYAKUMBUH/harvest-sources', {
        name: 'Simpul Sumbar (node A)',
        baseUrl: `${baseA}/oai`,
        metadataPrefix: 'marc21',
        setSpec: 'library:BUNGHATTA',
      });
      expect(created.status).toBe(201);
      const r = await harvestSource(nodeB.ctx.database.db, created.body.id, catalogMatcher);
      expect(r.counts.added).toBe(2);
      const found = await nodeB.anonymous.get('/api/v1/catalog/search?q=tambo');
      expect(found.body.hits[0].title).toBe('Tambo Alam Minangkabau');
      const again = await harvestSource(nodeB.ctx.database.db, created.body.id, catalogMatcher);
      expect(again.counts.added).toBe(0);
    } finally {
      await nodeB.stop();
    }
  });
});
