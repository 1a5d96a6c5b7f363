import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bib, libraryIds, load as loadInto } from '../../test/catalog-fixtures.ts';
import { startTestSimpul, type TestSimpul } from '../../test/support.ts';
import { search } from './search.ts';
import { searchRetrieve } from './sru.ts';
import type { Bib } from './types.ts';

let s: TestSimpul;
let lib: Record<string, number> = {};
let base: string;
const load = (code: string, bibs: Bib[]) => loadInto(s, lib[code] as number, bibs);

const text = async (url: string) => {
  const r = await s.app.inject({ method: 'GET', url });
  expect(r.headers['content-type']).toContain('xml');
  return r.body;
};

beforeAll(async () => {
  s = await startTestSimpul();
  lib = await libraryIds(s);
  await load('BUNGHATTA', [
    bib({
      sourceId: 'h1',
      title: 'Memoir Mohammad Hatta',
      authors: ['Hatta, Mohammad'],
      year: 1979,
      isbns: ['9794331234'],
      subjects: ['Biografi'],
    }),
    bib({
      sourceId: 'h2',
      title: 'Tambo Alam Minangkabau',
      authors: ['Idrus Hakimy'],
      year: 1994,
      subjects: ['Adat Minangkabau'],
    }),
    bib({ sourceId: 'h3', title: 'Sejarah Minangkabau', authors: ['Rusli Amran'], year: 1981, subjects: ['Sejarah'] }),
  ]);
  // Enough titles at one library to page through OAI-PMH lists.
  await load(
    'SDN01-BKT',
    Array.from({ length: 130 }, (_, i) =>
      bib({ sourceId: `sd${i}`, title: `Buku Cerita Anak Jilid ${i + 1}`, year: 2000 + (i % 20) }),
    ),
  );
  base = await s.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => s?.stop());

describe('SRU', () => {
  it('explains itself when asked nothing', async () => {
    const x = await text('/sru');
    expect(x).toContain('<explainResponse');
    expect(x).toContain('<name set="dc">title</name>');
  });

  it('answers searchRetrieve with CQL in Dublin Core and MARCXML', async () => {
    const dc = await text('/sru?version=1.2&operation=searchRetrieve&query=dc.title%3Dminangkabau&recordSchema=dc');
    expect(dc).toContain('<numberOfRecords>2</numberOfRecords>');
    expect(dc).toContain('<dc:title>Tambo Alam Minangkabau</dc:title>');
    const marc = await text(
      `/sru?version=1.2&operation=searchRetrieve&query=${encodeURIComponent('bath.isbn=9794331234')}&recordSchema=marcxml`,
    );
    expect(marc).toContain('<numberOfRecords>1</numberOfRecords>');
    expect(marc).toContain(
      '<datafield tag="245" ind1="1" ind2="0"><subfield code="a">Memoir Mohammad Hatta</subfield>',
    );
    const bool = await text(
      `/sru?operation=searchRetrieve&version=1.2&query=${encodeURIComponent('dc.subject=sejarah or dc.creator=hatta not dc.title="tambo alam"')}`,
    );
    expect(bool).toContain('<numberOfRecords>2</numberOfRecords>');
    const phrase = await text(
      `/sru?operation=searchRetrieve&version=1.2&query=${encodeURIComponent('"alam minangkabau"')}`,
    );
    expect(phrase).toContain('<numberOfRecords>1</numberOfRecords>');
  });

  it('pages with startRecord and maximumRecords', async () => {
    const x = await text(
      '/sru?operation=searchRetrieve&version=1.2&query=dc.title%3Dbuku&startRecord=11&maximumRecords=5',
    );
    expect(x).toContain('<numberOfRecords>130</numberOfRecords>');
    expect(x.match(/<record>/g)).toHaveLength(5);
    expect(x).toContain('<recordPosition>11</recordPosition>');
    expect(x).toContain('<nextRecordPosition>16</nextRecordPosition>');
  });

  it('gives an exact numberOfRecords for a broad query, or says it is an estimate', async () => {
    const q = { operation: 'searchRetrieve', version: '1.2', query: 'dc.title=buku', maximumRecords: '2' };
    // Past 5 hits the search estimates; SRU counts them.
    const counted = await searchRetrieve(s.ctx.database.db, q, () => '', { exactUpTo: 5 });
    expect(counted).toContain('<numberOfRecords>130</numberOfRecords>');
    expect(counted).not.toContain('resultCountPrecision');
    expect(counted).toContain('<nextRecordPosition>3</nextRecordPosition>');
    // When counting is not allowed the time, the estimate is given and named as one.
    const estimated = await searchRetrieve(s.ctx.database.db, q, () => '', { exactUpTo: 5, countWithinMs: 0 });
    expect(estimated).toMatch(/<numberOfRecords>\d+<\/numberOfRecords>/);
    expect(estimated).toContain(
      '<extraResponseData><resultCountPrecision xmlns="http://docs.oasis-open.org/ns/search-ws/sruResponse">info:srw/vocabulary/resultCountPrecision/1/estimate</resultCountPrecision></extraResponseData>',
    );
    expect(estimated.indexOf('<extraResponseData>')).toBeGreaterThan(estimated.indexOf('<nextRecordPosition>'));
    // The search itself: counted totals are not flagged.
    const r = await search(s.ctx.database.db, {
      q: 'judul:buku',
      exactUpTo: 5,
      exactTotalWithinMs: 5_000,
      facets: false,
    });
    expect([r.total, r.totalApproximate]).toEqual([130, undefined]);
  });

  it('answers bad requests with SRU diagnostics', async () => {
    expect(await text('/sru?operation=searchRetrieve&version=1.2&query=foo.bar%3Dx')).toContain(
      'info:srw/diagnostic/1/16',
    );
    expect(await text('/sru?operation=searchRetrieve&version=1.2&query=%22open')).toContain('info:srw/diagnostic/1/10');
    expect(await text('/sru?operation=searchRetrieve&version=1.2&query=x&recordSchema=mods')).toContain(
      'info:srw/diagnostic/1/66',
    );
    expect(await text('/sru?operation=searchRetrieve&version=1.2')).toContain('info:srw/diagnostic/1/7');
    expect(await text('/sru?operation=scan&version=1.2')).toContain('info:srw/diagnostic/1/4');
  });

  it('serves yaz-client as a real SRU client', async () => {
    const which = spawnSync('which', ['yaz-client']);
    if (which.status !== 0) throw new Error('yaz-client is missing: apt-get install yaz');
    const script = ['sru get 1.2', `open ${base}/sru`, 'find dc.title=minangkabau', 'show 1', 'quit', ''].join('\n');
    // Asynchronously: the server under test runs in this same process.
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn('yaz-client', [], { stdio: ['pipe', 'pipe', 'pipe'] });
      let buf = '';
      child.stdout.on('data', (d) => {
        buf += d;
      });
      child.stderr.on('data', (d) => {
        buf += d;
      });
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`yaz-client timed out:\n${buf}`));
      }, 20_000);
      child.on('close', () => {
        clearTimeout(timer);
        resolve(buf);
      });
      child.stdin.end(script);
    });
    expect(out).toMatch(/Number of hits: 2/);
    expect(out).toContain('Minangkabau');
  });
});

describe('OAI-PMH provider', () => {
  it('identifies itself and lists formats and a set per library', async () => {
    const id = await text('/oai?verb=Identify');
    expect(id).toContain('<protocolVersion>2.0</protocolVersion>');
    expect(id).toContain('<deletedRecord>persistent</deletedRecord>');
    expect(await text('/oai?verb=ListMetadataFormats')).toContain('<metadataPrefix>marc21</metadataPrefix>');
    expect(await text('/oai?verb=ListSets')).toContain('<setSpec>library:BUNGHATTA</setSpec>');
  });

  it('pages through a set with resumption tokens, without duplicates or gaps', async () => {
    const seen: string[] = [];
    let url = '/oai?verb=ListIdentifiers&metadataPrefix=oai_dc&set=library:SDN01-BKT';
    let pages = 0;
    for (;;) {
      const x = await text(url);
      pages++;
      seen.push(...[...x.matchAll(/<identifier>([^<]+)<\/identifier>/g)].map((m) => m[1] as string));
      const token = /<resumptionToken>([^<]+)<\/resumptionToken>/.exec(x)?.[1];
      if (!token) {
        expect(x).toContain('<resumptionToken/>');
        break;
      }
      url = `/oai?verb=ListIdentifiers&resumptionToken=${encodeURIComponent(token)}`;
    }
    expect(pages).toBe(2);
    expect(seen).toHaveLength(130);
    expect(new Set(seen).size).toBe(130);
  });

  it('gives records in oai_dc and marc21, and deleted records as such', async () => {
    const list = await text('/oai?verb=ListRecords&metadataPrefix=oai_dc&set=library:BUNGHATTA');
    expect(list).toContain('<dc:title>Memoir Mohammad Hatta</dc:title>');
    const id = /<identifier>(oai:simpul\.sumbar:\d+)<\/identifier>/.exec(list)?.[1] as string;
    const marc = await text(`/oai?verb=GetRecord&metadataPrefix=marc21&identifier=${encodeURIComponent(id)}`);
    expect(marc).toContain('<record xmlns="http://www.loc.gov/MARC21/slim">');
    await load('BUNGHATTA', [bib({ sourceId: 'h3', title: 'Sejarah Minangkabau', deleted: true })]);
    const after = await text('/oai?verb=ListIdentifiers&metadataPrefix=oai_dc&set=library:BUNGHATTA');
    expect(after).toContain('<header status="deleted">');
  });

  it('answers each protocol error with its code', async () => {
    expect(await text('/oai')).toContain('code="badVerb"');
    expect(await text('/oai?verb=Dance')).toContain('code="badVerb"');
    expect(await text('/oai?verb=ListRecords')).toContain('code="badArgument"');
    expect(await text('/oai?verb=ListRecords&metadataPrefix=oai_dc&color=red')).toContain('code="badArgument"');
    expect(
      await text('/oai?verb=ListRecords&metadataPrefix=oai_dc&from=2020-01-01&until=2021-01-01T00:00:00Z'),
    ).toContain('code="badArgument"');
    expect(await text('/oai?verb=ListRecords&metadataPrefix=mods')).toContain('code="cannotDisseminateFormat"');
    expect(await text('/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:other:1')).toContain(
      'code="idDoesNotExist"',
    );
    expect(await text('/oai?verb=ListRecords&metadataPrefix=oai_dc&from=2999-01-01')).toContain(
      'code="noRecordsMatch"',
    );
    expect(await text('/oai?verb=ListRecords&resumptionToken=garbage')).toContain('code="badResumptionToken"');
    expect(await text('/oai?verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=marc21')).toContain(
      'code="badArgument"',
    );
    const post = await s.app.inject({
      method: 'POST',
      url: '/oai',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'verb=Identify',
    });
    expect(post.body).toContain('<Identify>');
  });
});
