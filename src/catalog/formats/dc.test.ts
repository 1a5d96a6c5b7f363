import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedPath } from '../oai/replay-server.ts';
import { type OaiRecord, OaiResponseParser } from '../oai/response-parser.ts';
import { dcFormat, dcToBib } from './dc.ts';
import { normalizeLanguage } from './language.ts';

function recordsOf(relative: string): OaiRecord[] {
  const parser = new OaiResponseParser(relative);
  parser.write(readFileSync(sharedPath(relative), 'utf8'));
  parser.end();
  return parser.takeRecords();
}

describe('dcToBib on a real DSpace ListRecords (pyoai, 81 records)', () => {
  const records = recordsOf('oai-pmh/oai-pyoai/src/oaipmh/tests/fake2/00002.xml');
  const bibs = records
    .filter((r) => r.metadataXml)
    .map((r) => dcToBib(r.metadataXml ?? '', { sourceId: r.header.identifier }));

  it('maps every live record with a title and its OAI identifier', () => {
    expect(bibs).toHaveLength(79);
    expect(bibs.every((b) => b.title.length > 0 && b.sourceId?.startsWith('hdl:1765/'))).toBe(true);
  });

  it('derives formats from dc:type, the most specific type first', () => {
    const count = (f: string) => bibs.filter((b) => b.format === f).length;
    expect(count('thesis')).toBe(20);
    expect(count('article')).toBe(9 + 4 + 4); // Article, Book chapter, Preprint
    expect(count('book')).toBe(2 + 8 + 27); // Book, Technical Report, Working Paper
  });

  it("normalises 'en' and 'en_US' to eng and leaves 'other' unset", () => {
    // 57 records say en or en_US, one of them both; 23 say "other"
    expect(bibs.filter((b) => b.language === 'eng')).toHaveLength(56);
    expect(bibs.filter((b) => b.language === undefined)).toHaveLength(23);
  });

  it('classifies identifiers: handles from hdl.handle.net URLs, ISSN and ISBN by check digit, citations ignored', () => {
    expect(bibs.every((b) => b.identifiers?.handle?.[0]?.startsWith('1765/'))).toBe(true);
    expect(bibs.flatMap((b) => b.issns)).toEqual(Array(7).fill('1566-7294'));
    const isbns = bibs.flatMap((b) => b.isbns);
    expect(isbns).toHaveLength(17);
    expect(isbns).toContain('90-9017382-X');
    expect(isbns).toContain('9077017852');
    // the citation strings in dc:identifier ("Steijn, A.J. (1999). ... 42(2), 90-105.") yield nothing
    expect(bibs.every((b) => Object.keys(b.identifiers ?? {}).every((k) => k === 'handle' || k === 'url'))).toBe(true);
  });

  it('takes the earliest dc:date as the year (later ones are accession dates)', () => {
    const first = bibs.find((b) => b.sourceId === 'hdl:1765/9');
    expect(first?.year).toBe(2001);
    expect(first?.authors).toEqual(['Jong, G. de', 'Nooteboom, B.']);
    expect(first?.title).toBe('The Causality of Supply Relationships');
  });
});

describe('dcToBib on single real records', () => {
  it('reads an ISBN, a handle and Dutch from a GetMetadata answer (pyoai fake1)', () => {
    const bib = dcToBib(readFileSync(sharedPath('oai-pmh/oai-pyoai/src/oaipmh/tests/fake1/00006.xml'), 'utf8'));
    expect(bib.isbns).toEqual(['90-9014980-5']);
    expect(bib.identifiers).toEqual({ handle: ['1765/315'] });
    expect(bib.language).toBe('dut');
    expect(bib.authors).toEqual(['Edwards, A.R.']);
    expect(bib.year).toBe(2003);
    expect(bib.subjects).toContain('uses of internet');
  });

  it('reads a Kramerius monograph (Moravian Library)', () => {
    const xml = readFileSync(
      sharedPath(
        'oai-pmh/moravianlibrary-recordmanager2/cz.mzk.recordmanager.server/src/test/resources/records/dublincore/K4MZK-uuid-c28962c9-a67a-11e1-ac9a-0050569d679d.xml',
      ),
      'utf8',
    );
    expect(dcToBib(xml)).toMatchObject({
      title: 'Čisté vody Kitěže',
      authors: ['Tendrjakov Vladimir Fedorovič'],
      publisher: 'Lidové nakladatelství',
      year: 1988,
      format: 'book',
      language: 'cze',
    });
  });

  it('splits semicolon-separated subjects (NUSL)', () => {
    const [rec] = recordsOf(
      'oai-pmh/moravianlibrary-recordmanager2/cz.mzk.recordmanager.server/src/test/resources/records/dublincore/NuslNTK-nusl2-oaipmh.xml',
    );
    const bib = dcToBib(rec?.metadataXml ?? '');
    expect(bib.subjects).toHaveLength(8);
    expect(bib.subjects[0]).toBe('ecology');
    expect(bib.format).toBe('article');
    expect(bib.identifiers?.url).toEqual(['http://www.nusl.cz/ntk/nusl-2']);
  });

  it('reads DC without any namespace (traject sample)', () => {
    const records = recordsOf('marc/traject/test/test_support/sample-oai-no-namespace.xml');
    const bib = dcToBib(records[1]?.metadataXml ?? '');
    expect(bib.title).toBe('Spice Storage');
    expect(bib.authors).toEqual(['Norda Essential Oil and Chemical Company']);
    expect(bib.year).toBe(1950);
    expect(bib.identifiers?.url?.[0]).toBe('https://digital.sciencehistory.org/works/fq977t769');
    expect(bib.format).toBe('other');
  });

  it('maps an Indonesian repository record: bahasa, skripsi, DOI, ISBN with qualifier', () => {
    const xml = `<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/">
      <dc:title>Sistem pakar diagnosa penyakit padi : studi kasus Kabupaten Cianjur</dc:title>
      <dc:creator>Sarah Siti S</dc:creator><dc:subject>Sistem Pakar</dc:subject><dc:subject>006.3</dc:subject>
      <dc:publisher>UNPI</dc:publisher><dc:date>2016-08-01</dc:date><dc:type>Skripsi</dc:type><dc:type>Text</dc:type>
      <dc:identifier>https://doi.org/10.31294/jtk.v2i1.1234</dc:identifier><dc:identifier>978-979-29-1547-1 (pbk.)</dc:identifier>
      <dc:language>in</dc:language><dc:format>xii, 98 hlm. : ilus. ; 29 cm</dc:format></oai_dc:dc>`;
    expect(dcToBib(xml, { sourceId: 'oai:repo.unpi.ac.id:77' })).toEqual({
      sourceId: 'oai:repo.unpi.ac.id:77',
      title: 'Sistem pakar diagnosa penyakit padi',
      subtitle: 'studi kasus Kabupaten Cianjur',
      authors: ['Sarah Siti S'],
      publisher: 'UNPI',
      year: 2016,
      isbns: ['978-979-29-1547-1'],
      issns: [],
      language: 'ind',
      format: 'thesis',
      subjects: ['Sistem Pakar'],
      ddc: '006.3',
      physical: 'xii, 98 hlm. : ilus. ; 29 cm',
      pages: 98,
      identifiers: { doi: ['10.31294/jtk.v2i1.1234'] },
      items: [],
    });
  });

  it('marks a record deleted when the harvest says so', () => {
    expect(
      dcToBib('<dc xmlns="http://purl.org/dc/elements/1.1/"><title>x</title></dc>', { deleted: true }).deleted,
    ).toBe(true);
  });
});

describe('language and type normalisation', () => {
  it.each([
    ['id', 'ind'],
    ['ind', 'ind'],
    ['in', 'ind'],
    ['Indonesian', 'ind'],
    ['Bahasa Indonesia', 'ind'],
    ['Indonesia', 'ind'],
    ['id-ID', 'ind'],
    ['en', 'eng'],
    ['en_US', 'eng'],
    ['English', 'eng'],
    ['jv', 'jav'],
    ['deu', 'ger'],
    ['other', undefined],
    ['', undefined],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeLanguage(input)).toBe(expected);
  });

  it('prefers thesis over text and falls back to other', () => {
    expect(dcFormat(['Text', 'info:eu-repo/semantics/doctoralThesis'])).toBe('thesis');
    expect(dcFormat(['StillImage'])).toBe('other');
    expect(dcFormat([])).toBe('other');
  });
});
