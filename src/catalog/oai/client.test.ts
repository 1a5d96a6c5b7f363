import { SaxesParser } from 'saxes';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type HarvestCheckpoint,
  type HarvestWarning,
  OaiClient,
  OaiHttpError,
  OaiMalformedXmlError,
  OaiNetworkError,
  OaiProtocolError,
  type OaiRecord,
  OaiResponseShapeError,
  type RetryEvent,
} from './client.ts';
import {
  loadPyoaiMapping,
  type ReplayOptions,
  type ReplayServer,
  sharedPath,
  startReplayServer,
} from './replay-server.ts';

const SICKLE = sharedPath('oai-pmh/oai-sickle/sickle/tests/sample_data');
const PYOAI = sharedPath('oai-pmh/oai-pyoai/src/oaipmh/tests');
const VUFIND = sharedPath('oai-pmh/oai-vufindharvest/tests/fixtures');
const MORAVIAN = sharedPath('oai-pmh/moravianlibrary-recordmanager2/cz.mzk.recordmanager.server/src/test/resources');
const TRAJECT = sharedPath('marc/traject/test/test_support');
const FAST_RETRY = { baseDelayMs: 1, maxDelayMs: 20, maxAttempts: 4, jitter: false };

let servers: ReplayServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function serve(options: ReplayOptions): Promise<ReplayServer> {
  const s = await startReplayServer(options);
  servers.push(s);
  return s;
}

async function collect(gen: AsyncIterable<OaiRecord>): Promise<OaiRecord[]> {
  const out: OaiRecord[] = [];
  for await (const r of gen) out.push(r);
  return out;
}

/** Parses standalone XML the strict way (namespace-aware) and returns the root's namespace URI. */
function rootNamespace(xml: string): string {
  const p = new SaxesParser({ xmlns: true });
  let uri: string | undefined;
  p.on('opentag', (t) => {
    uri ??= t.uri;
  });
  p.write(xml).close();
  return uri ?? '';
}

const sickleRoutes = (verb: string, file: string, extra: Record<string, string> = {}) => ({
  params: { verb, ...extra },
  file: `${SICKLE}/${file}`,
});

describe('Identify', () => {
  it('reads granularity, earliestDatestamp and deletedRecord policy from a day-granular repository', async () => {
    const s = await serve({ routes: [sickleRoutes('Identify', 'Identify.xml')] });
    const id = await new OaiClient({ baseUrl: s.url }).identify();
    expect(id.repositoryName).toBe('A Test Repository');
    expect(id.granularity).toBe('YYYY-MM-DD');
    expect(id.earliestDatestamp).toBe('1970-01-01T00:00:00Z');
    expect(id.deletedRecord).toBe('persistent');
    expect(id.adminEmails).toEqual(['john.doe@example.com']);
    expect(id.descriptions).toHaveLength(1);
    expect(rootNamespace(id.descriptions[0] ?? '')).toBe('http://www.openarchives.org/OAI/2.0/oai-identifier');
  });

  it('reads a DSpace Identify with second granularity and compressions', async () => {
    const s = await serve({ routes: loadPyoaiMapping(`${PYOAI}/fake1`) });
    const id = await new OaiClient({ baseUrl: s.url }).identify();
    expect(id.repositoryName).toBe('Erasmus University : Research Online');
    expect(id.granularity).toBe('YYYY-MM-DDThh:mm:ssZ');
    expect(id.deletedRecord).toBe('no');
    expect(id.compressions).toEqual(['gzip', 'compress', 'deflate']);
  });
});

describe('ListMetadataFormats and ListSets', () => {
  it('lists the metadata formats a repository offers', async () => {
    const s = await serve({ routes: [sickleRoutes('ListMetadataFormats', 'ListMetadataFormats.xml')] });
    const formats = await new OaiClient({ baseUrl: s.url }).listMetadataFormats();
    expect(formats.map((f) => f.metadataPrefix)).toEqual(['epicur', 'xMetaDissPlus', 'oai_dc', 'mods', 'swepub_mods']);
    expect(formats.find((f) => f.metadataPrefix === 'mods')?.metadataNamespace).toBe('http://www.loc.gov/mods/v3');
  });

  it('lists every set of a real repository', async () => {
    const s = await serve({ routes: [sickleRoutes('ListSets', 'ListSets.xml')] });
    const sets = [];
    for await (const set of new OaiClient({ baseUrl: s.url }).listSets()) sets.push(set);
    expect(sets).toHaveLength(131);
    expect(sets.every((x) => x.setSpec !== '' && x.setName !== '')).toBe(true);
  });

  it('follows ListSets resumption tokens until the empty token', async () => {
    const pages: Record<string, string> = {
      '': '<set><setSpec>a</setSpec><setName>A</setName></set><resumptionToken>t2</resumptionToken>',
      t2: '<set><setSpec>b</setSpec><setName>B</setName></set><resumptionToken/>',
    };
    const seen: string[] = [];
    const fakeFetch: typeof fetch = async (input) => {
      const url = new URL(String(input));
      seen.push(url.search);
      const body = pages[url.searchParams.get('resumptionToken') ?? ''] ?? '';
      return new Response(
        `<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListSets>${body}</ListSets></OAI-PMH>`,
      );
    };
    const sets = [];
    for await (const set of new OaiClient({ baseUrl: 'http://example.invalid/oai', fetch: fakeFetch }).listSets())
      sets.push(set.setSpec);
    expect(sets).toEqual(['a', 'b']);
    expect(seen).toEqual(['?verb=ListSets', '?verb=ListSets&resumptionToken=t2']);
  });
});

describe('ListRecords', () => {
  it('follows resumption tokens across pages and checkpoints after each page', async () => {
    const s = await serve({
      routes: [sickleRoutes('ListRecords', 'ListRecords.xml', { metadataPrefix: 'oai_dc' })],
      tokenFileDir: SICKLE,
    });
    const warnings: HarvestWarning[] = [];
    const checkpoints: HarvestCheckpoint[] = [];
    const client = new OaiClient({ baseUrl: s.url, onWarning: (w) => warnings.push(w) });
    const records = await collect(
      client.listRecords({ metadataPrefix: 'oai_dc', onCheckpoint: (cp) => void checkpoints.push(cp) }),
    );

    // Four real pages of two records; ListRecords4.xml's first header has neither identifier nor datestamp.
    expect(records).toHaveLength(7);
    expect(warnings).toEqual([
      expect.objectContaining({ kind: 'invalid-record', message: 'header without <identifier>' }),
    ]);
    expect(checkpoints.map((c) => c.resumptionToken)).toEqual([
      'ListRecords2.xml',
      'ListRecords3.xml',
      'ListRecords4.xml',
      null,
    ]);
    expect(checkpoints.at(-1)).toMatchObject({ complete: true, pagesDelivered: 4, recordsDelivered: 7 });
    expect(s.requests.map((r) => r.params.resumptionToken ?? null)).toEqual([
      null,
      'ListRecords2.xml',
      'ListRecords3.xml',
      'ListRecords4.xml',
    ]);
  });

  it('flags deleted records and gives them no metadata', async () => {
    const s = await serve({ routes: loadPyoaiMapping(`${PYOAI}/fake2`), identifyFile: `${PYOAI}/fake1/00001.xml` });
    const records = await collect(
      new OaiClient({ baseUrl: s.url }).listRecords({ metadataPrefix: 'oai_dc', from: '2004-01-01' }),
    );
    expect(records).toHaveLength(81);
    const deleted = records.filter((r) => r.header.deleted);
    expect(deleted).toHaveLength(2);
    expect(deleted.every((r) => r.metadataXml === undefined)).toBe(true);
    expect(records.filter((r) => !r.header.deleted).every((r) => r.metadataXml?.startsWith('<oai_dc:dc'))).toBe(true);
    // from was widened to the repository's second granularity, exactly as pyoai recorded the request
    expect(s.requests.at(-1)?.params.from).toBe('2004-01-01T00:00:00Z');
  });

  it('returns metadata that parses standalone with its namespaces', async () => {
    const s = await serve({
      routes: [{ params: { verb: 'ListRecords', metadataPrefix: 'marc21' }, file: `${VUFIND}/marc.xml` }],
    });
    const client = new OaiClient({ baseUrl: s.url, onWarning: () => undefined });
    const records: OaiRecord[] = [];
    // The recording ends with a token we have no page for; stop after the first page.
    await expect(async () => {
      for await (const r of client.listRecords({ metadataPrefix: 'marc21' })) records.push(r);
    }).rejects.toThrow(OaiHttpError);
    expect(records).toHaveLength(100);
    const first = records[0];
    expect(first?.header).toEqual({
      identifier: 'oai:urm_publish:9925821506101791',
      datestamp: '2016-05-02T08:06:51Z',
      setSpecs: ['TESTING_DIGI_TEST', 'TESTING_DIGI'],
      deleted: false,
    });
    for (const r of records) expect(rootNamespace(r.metadataXml ?? '')).toBe('http://www.loc.gov/MARC21/slim');
    expect(first?.metadataXml).toContain('<controlfield tag="001">9925821506101791</controlfield>');
  });

  it('re-declares prefixes that were declared on the envelope', () => {
    const xml =
      '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/">' +
      '<ListRecords><record><header><identifier>x</identifier><datestamp>2020-01-01</datestamp></header>' +
      '<metadata><oai_dc:dc><dc:title>A &amp; B &lt;1&gt;</dc:title></oai_dc:dc></metadata></record></ListRecords></OAI-PMH>';
    return (async () => {
      const fakeFetch: typeof fetch = async () => new Response(xml);
      const [rec] = await collect(
        new OaiClient({ baseUrl: 'http://x.invalid/', fetch: fakeFetch }).listRecords({ metadataPrefix: 'oai_dc' }),
      );
      expect(rec?.metadataXml).toBe(
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>A &amp; B &lt;1&gt;</dc:title></oai_dc:dc>',
      );
    })();
  });

  it('harvests a repository that omits the OAI namespace', async () => {
    const s = await serve({
      routes: [
        { params: { verb: 'ListRecords', metadataPrefix: 'oai_dc' }, file: `${TRAJECT}/sample-oai-no-namespace.xml` },
      ],
    });
    const records: OaiRecord[] = [];
    // The recording ends with a token for a page that was not recorded.
    await expect(async () => {
      for await (const r of new OaiClient({ baseUrl: s.url }).listRecords({ metadataPrefix: 'oai_dc' }))
        records.push(r);
    }).rejects.toMatchObject({ status: 404 });
    expect(records.length).toBeGreaterThan(0);
    expect(records[0]?.header.identifier).toBe('oai:sciencehistoryorg:mk61rg92z');
    expect(records[0]?.metadataXml).toContain('<title>Warehouses</title>');
  });

  it('treats noRecordsMatch as an empty, complete harvest', async () => {
    const s = await serve({
      routes: [
        {
          params: { verb: 'ListRecords', metadataPrefix: 'marc21', from: '2099-01-01' },
          file: `${MORAVIAN}/sample/ListRecordsEmptySet.xml`,
        },
      ],
      identifyFile: `${SICKLE}/Identify.xml`,
    });
    const checkpoints: HarvestCheckpoint[] = [];
    const records = await collect(
      new OaiClient({ baseUrl: s.url }).listRecords({
        metadataPrefix: 'marc21',
        from: '2099-01-01',
        onCheckpoint: (c) => void checkpoints.push(c),
      }),
    );
    expect(records).toEqual([]);
    expect(checkpoints).toEqual([
      expect.objectContaining({ complete: true, recordsDelivered: 0, resumptionToken: null }),
    ]);
  });

  it('shapes a Date bound to a day-granular repository', async () => {
    const s = await serve({
      paged: { file: `${VUFIND}/marc.xml`, pageSize: 50, metadataPrefix: 'marc21' },
      identifyFile: `${SICKLE}/Identify.xml`,
    });
    const records = await collect(
      new OaiClient({ baseUrl: s.url }).listRecords({
        metadataPrefix: 'marc21',
        from: new Date('2016-05-02T10:11:12Z'),
        until: '2016-05-02T23:00:00Z',
      }),
    );
    const harvestRequest = s.requests.find((r) => r.params.verb === 'ListRecords');
    expect(harvestRequest?.params).toMatchObject({ from: '2016-05-02', until: '2016-05-02' });
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((r) => r.header.datestamp.startsWith('2016-05-02'))).toBe(true);
  });
});

describe('OAI error codes', () => {
  const cases: [string, ReplayOptions, (c: OaiClient) => Promise<unknown>][] = [
    [
      'badArgument',
      { routes: [sickleRoutes('ListRecords', 'badArgument.xml', { metadataPrefix: 'oai_dc' })] },
      (c) => collect(c.listRecords({ metadataPrefix: 'oai_dc' })),
    ],
    [
      'cannotDisseminateFormat',
      {
        routes: [sickleRoutes('GetRecord', 'cannotDisseminateFormat.xml', { identifier: 'x', metadataPrefix: 'foo' })],
      },
      (c) => c.getRecord('x', 'foo'),
    ],
    [
      'idDoesNotExist',
      { routes: [sickleRoutes('ListMetadataFormats', 'idDoesNotExist.xml', { identifier: 'nope' })] },
      (c) => c.listMetadataFormats('nope'),
    ],
    [
      'noSetHierarchy',
      { routes: [sickleRoutes('ListSets', 'noSetHierarchy.xml')] },
      (c) => collect(c.listSets() as AsyncIterable<never>),
    ],
    [
      'badResumptionToken',
      { routes: [sickleRoutes('ListSets', 'badResumptionToken.xml')] },
      (c) => collect(c.listSets() as AsyncIterable<never>),
    ],
    [
      'badVerb',
      { faults: [{ action: { kind: 'oaiError', code: 'badVerb', message: 'Illegal OAI verb' } }] },
      (c) => c.identify(),
    ],
    [
      'noMetadataFormats',
      { faults: [{ action: { kind: 'oaiError', code: 'noMetadataFormats' } }] },
      (c) => c.listMetadataFormats('oai:x:1'),
    ],
    [
      'undefinedError',
      { routes: [sickleRoutes('ListRecords', 'undefinedError.xml', { metadataPrefix: 'oai_dc' })] },
      (c) => collect(c.listRecords({ metadataPrefix: 'oai_dc' })),
    ],
    [
      'foo',
      {
        routes: [
          { params: { verb: 'ListRecords', resumptionToken: 'foo' }, file: `${VUFIND}/arbitrary_error_response.xml` },
        ],
      },
      (c) =>
        collect(
          c.listRecords({
            metadataPrefix: 'oai_dc',
            resumeFrom: {
              version: 1,
              verb: 'ListRecords',
              request: { metadataPrefix: 'oai_dc' },
              resumptionToken: 'foo',
              complete: false,
              datestampsAscending: true,
              pagesDelivered: 1,
              recordsDelivered: 0,
            },
          }),
        ),
    ],
  ];

  for (const [code, options, call] of cases) {
    it(`raises ${code} as an OaiProtocolError carrying the code`, async () => {
      const s = await serve(options);
      const error = await call(new OaiClient({ baseUrl: s.url, retry: FAST_RETRY })).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(OaiProtocolError);
      const e = error as OaiProtocolError;
      expect(e.code).toBe(code);
      expect(e.standard).toBe(!['undefinedError', 'foo'].includes(code));
    });
  }

  it('reports noRecordsMatch from ListIdentifiers as an empty list', async () => {
    const s = await serve({
      routes: [sickleRoutes('ListIdentifiers', 'noRecordsMatch.xml', { metadataPrefix: 'olac' })],
    });
    expect(await collect(new OaiClient({ baseUrl: s.url }).listIdentifiers({ metadataPrefix: 'olac' }))).toEqual([]);
  });

  it('expired tokens surface as badResumptionToken when the caller opts out of re-harvesting', async () => {
    const s = await serve({ paged: { file: `${PYOAI}/fake2/00002.xml`, pageSize: 30, metadataPrefix: 'oai_dc' } });
    const client = new OaiClient({ baseUrl: s.url, granularity: 'YYYY-MM-DDThh:mm:ssZ' });
    const gen = client.listRecords({
      metadataPrefix: 'oai_dc',
      onTokenExpired: 'fail',
      onCheckpoint: () => s.expireTokens(),
    });
    await expect(collect(gen)).rejects.toMatchObject({ code: 'badResumptionToken' });
  });
});

describe('broken responses', () => {
  it('reports a body that is not XML at all', async () => {
    const s = await serve({
      routes: [sickleRoutes('ListRecords', 'ListRecordsBroken.xml', { metadataPrefix: 'oai_dc' })],
    });
    const err = await collect(new OaiClient({ baseUrl: s.url }).listRecords({ metadataPrefix: 'oai_dc' })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OaiMalformedXmlError);
  });

  it('reports an undefined entity with its position (pyoai fake4)', async () => {
    const s = await serve({ routes: loadPyoaiMapping(`${PYOAI}/fake4`) });
    const err = await new OaiClient({ baseUrl: s.url }).identify().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OaiMalformedXmlError);
    expect((err as OaiMalformedXmlError).detail).toMatch(/undefined entity/);
    expect((err as OaiMalformedXmlError).message).toMatch(/line 1, column 29\d/);
    expect((err as OaiMalformedXmlError).line).toBe(1);
  });

  it('reports a mismatched tag (pyoai fake3)', async () => {
    const s = await serve({ routes: loadPyoaiMapping(`${PYOAI}/fake3`) });
    await expect(new OaiClient({ baseUrl: s.url }).identify()).rejects.toThrow(OaiMalformedXmlError);
  });

  it('reports an unbound namespace prefix', async () => {
    const s = await serve({
      faults: [{ action: { kind: 'file', file: `${MORAVIAN}/records/dublincore/manuscriptorium.xml` } }],
    });
    await expect(new OaiClient({ baseUrl: s.url }).identify()).rejects.toThrow(/unbound|prefix/i);
  });

  it('rejects well-formed XML that is not OAI-PMH', async () => {
    const s = await serve({
      faults: [{ action: { kind: 'file', file: `${MORAVIAN}/records/marcxml/NLK-192047.xml` } }],
    });
    await expect(new OaiClient({ baseUrl: s.url }).identify()).rejects.toThrow(OaiResponseShapeError);
  });
});

describe('retries', () => {
  const routes = () => loadPyoaiMapping(`${PYOAI}/fake2`);
  const harvest = (c: OaiClient) => collect(c.listRecords({ metadataPrefix: 'oai_dc', from: '2004-01-01T00:00:00Z' }));

  it('waits for Retry-After (capped) after a 503 and then succeeds', async () => {
    const s = await serve({
      routes: routes(),
      faults: [{ match: { verb: 'ListRecords' }, action: { kind: 'status', status: 503, retryAfter: '3' } }],
    });
    const retries: RetryEvent[] = [];
    const c = new OaiClient({
      baseUrl: s.url,
      granularity: 'YYYY-MM-DDThh:mm:ssZ',
      retry: FAST_RETRY,
      onRetry: (e) => retries.push(e),
    });
    expect(await harvest(c)).toHaveLength(81);
    expect(retries).toEqual([expect.objectContaining({ attempt: 1, status: 503, retryAfterMs: 3000, delayMs: 20 })]);
    expect(s.requests.map((r) => r.status)).toEqual([503, 200]);
  });

  it('retries a dropped connection and a 500 with back-off', async () => {
    const s = await serve({
      routes: routes(),
      faults: [
        { match: { verb: 'ListRecords' }, action: { kind: 'drop' } },
        { match: { verb: 'ListRecords' }, action: { kind: 'status', status: 500 } },
      ],
    });
    const retries: RetryEvent[] = [];
    const c = new OaiClient({
      baseUrl: s.url,
      granularity: 'YYYY-MM-DDThh:mm:ssZ',
      retry: FAST_RETRY,
      onRetry: (e) => retries.push(e),
    });
    expect(await harvest(c)).toHaveLength(81);
    expect(retries.map((r) => r.delayMs)).toEqual([1, 2]);
    expect(retries[1]?.status).toBe(500);
  });

  it('does not repeat records when the connection dies half-way through a page', async () => {
    const s = await serve({
      routes: routes(),
      faults: [{ match: { verb: 'ListRecords' }, action: { kind: 'truncate', afterBytes: 120_000 } }],
    });
    const c = new OaiClient({ baseUrl: s.url, granularity: 'YYYY-MM-DDThh:mm:ssZ', retry: FAST_RETRY });
    const records = await harvest(c);
    expect(records).toHaveLength(81);
    expect(new Set(records.map((r) => r.header.identifier)).size).toBe(81);
    expect(s.requests.map((r) => r.fault ?? 'ok')).toEqual(['truncate', 'ok']);
  });

  it('gives up after the configured number of attempts', async () => {
    const s = await serve({
      routes: routes(),
      faults: [{ match: { verb: 'ListRecords' }, times: 10, action: { kind: 'status', status: 503, retryAfter: '0' } }],
    });
    const c = new OaiClient({ baseUrl: s.url, granularity: 'YYYY-MM-DDThh:mm:ssZ', retry: FAST_RETRY });
    const err = await harvest(c).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OaiHttpError);
    expect(err).toMatchObject({ status: 503, attempts: 4 });
    expect(s.requests).toHaveLength(4);
  });

  it('gives up on a repository that never answers', async () => {
    const s = await serve({ faults: [{ times: 10, action: { kind: 'drop' } }] });
    const err = await new OaiClient({ baseUrl: s.url, retry: { ...FAST_RETRY, maxAttempts: 2 } })
      .identify()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OaiNetworkError);
  });

  it('does not retry a 404', async () => {
    const s = await serve({});
    await expect(new OaiClient({ baseUrl: s.url, retry: FAST_RETRY }).identify()).rejects.toMatchObject({
      status: 404,
      attempts: 1,
    });
    expect(s.requests).toHaveLength(1);
  });
});
