import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MarcRecord } from '../types.ts';
import { parseIso2709Record, readIso2709Buffer } from './iso2709.ts';
import { marcToBib } from './marc-to-bib.ts';
import { parseMarcXmlAll, parseMarcXmlString } from './marcxml.ts';
import { toIso2709, toMarcXml, toMarcXmlCollection } from './serialize.ts';

const DATA = join(import.meta.dirname, '../../../../shared/data');

async function records(path: string): Promise<MarcRecord[]> {
  const out: MarcRecord[] = [];
  for await (const r of readIso2709Buffer(readFileSync(join(DATA, path)))) if (r.ok) out.push(r.record);
  return out;
}

const SAMPLES = [
  'marc/perl-marc/marc-record/t/camel.usmarc',
  'marc/marc4j/test/resources/brkrtest.mrc',
  'marc/pymarc/test/test.dat',
  'marc/perl-marc/marc-charset/t/cjk1.marc',
  'marc/traject/test/test_support/test_data.utf8.mrc',
  'marc/catmandu-marc/t/bu_bibs.mrc',
];

describe('writers round-trip', () => {
  it('ISO 2709: write then read gives the same record', async () => {
    for (const p of SAMPLES) {
      for (const rec of await records(p)) {
        const back = parseIso2709Record(toIso2709(rec));
        expect(back.ok, p).toBe(true);
        if (!back.ok) continue;
        expect(back.charset === 'utf-8' || back.charset === 'marc-8').toBe(true);
        expect(back.warnings, p).toEqual([]);
        expect(back.record.fields, p).toEqual(rec.fields);
        expect(back.record.leader.slice(5, 12)).toBe(rec.leader.slice(5, 12));
      }
    }
  });

  it('MARCXML: write then read gives the same record, with and without namespace', async () => {
    for (const p of SAMPLES) {
      const recs = await records(p);
      for (const rec of recs) {
        expect(parseMarcXmlString(toMarcXml(rec))).toEqual(rec);
        expect(parseMarcXmlString(toMarcXml(rec, { namespace: false }))).toEqual(rec);
      }
      const all = parseMarcXmlAll(toMarcXmlCollection(recs));
      expect(all.map((r) => (r.ok ? r.record : r.reason))).toEqual(recs);
    }
  });

  it('yaz-marcdump reads what we write, identically', async () => {
    const recs = await records('marc/marc4j/test/resources/brkrtest.mrc');
    const dir = mkdtempSync(join(tmpdir(), 'simpul-marc-'));
    const iso = join(dir, 'out.mrc');
    writeFileSync(iso, Buffer.concat(recs.map(toIso2709)));
    const y = spawnSync('yaz-marcdump', ['-o', 'marcxml', iso]);
    if (y.error) throw new Error('yaz-marcdump is not installed (apt-get install yaz)');
    const back = parseMarcXmlAll(y.stdout.toString('utf8')).map((r) => (r.ok ? r.record : r.reason));
    // Lengths and base address in the leader are ours to recompute (UTF-8 is longer than MARC-8).
    const comparable = (r: MarcRecord | string) =>
      typeof r === 'string' ? r : { ...r, leader: r.leader.slice(5, 12) + r.leader.slice(17) };
    expect(back.map(comparable)).toEqual(recs.map(comparable));
  });

  it('drops characters XML cannot carry and escapes markup', () => {
    const rec: MarcRecord = {
      leader: '00000nam a2200000 a 4500',
      fields: [{ tag: '245', ind1: '1', ind2: '0', subfields: [{ code: 'a', value: 'A & B <C> "D"\u0001' }] }],
    };
    const x = toMarcXml(rec);
    expect(x).toContain('A &amp; B &lt;C&gt; &quot;D&quot;</subfield>');
    expect(parseMarcXmlString(x).fields[0]).toEqual({
      tag: '245',
      ind1: '1',
      ind2: '0',
      subfields: [{ code: 'a', value: 'A & B <C> "D"' }],
    });
  });
});

describe('marcToBib', () => {
  it('maps a MARC-8 book record (camel.usmarc #1)', async () => {
    const [rec] = await records('marc/perl-marc/marc-record/t/camel.usmarc');
    const b = marcToBib(rec!);
    expect(b).toMatchObject({
      sourceId: 'fol05731351',
      title: 'ActivePerl with ASP and ADO',
      responsibility: 'Tobias Martinsson',
      authors: ['Martinsson, Tobias'],
      publisher: 'John Wiley & Sons',
      place: 'New York',
      year: 2000,
      isbns: ['0471383147'],
      language: 'eng',
      format: 'book',
      ddc: '005.133',
    });
    expect(b.subjects).toContain('Perl (Computer program language)');
    expect(b.identifiers?.lccn).toEqual(['00020737']);
  });

  it('strips qualifiers from ISBNs, reads pages and series', async () => {
    const recs = await records('marc/pymarc/test/multi_isbn.dat');
    const b = marcToBib(recs[0]!);
    expect(b.isbns.length).toBeGreaterThan(1);
    for (const i of b.isbns) expect(i).toMatch(/^[0-9X-]+$/);
    const bu = (await records('marc/catmandu-marc/t/bu_bibs.mrc')).map(marcToBib);
    expect(bu.filter((x) => x.pages !== undefined).length).toBeGreaterThan(50);
    expect(bu.filter((x) => x.items.length > 0).length).toBeGreaterThan(50);
    const item = bu.find((x) => x.items.length)!.items[0]!;
    expect(item).toMatchObject({ status: 'available', loanable: true });
    expect(item.callNumber).toMatch(/\w/);
    expect(item.location).toMatch(/MUG|\w/);
  });

  it('turns Koha 952 items into holdings (natlibfi marc-broken.xml, a Koha export)', () => {
    const xml = readFileSync(
      join(DATA, 'marc/natlibfi-recordmanager/tests/fixtures/Base/record/marc-broken.xml'),
      'utf8',
    );
    const rec = parseMarcXmlAll(xml).find((r) => r.ok && r.record.fields.some((f) => f.tag === '952'));
    if (!rec?.ok) throw new Error('no record with 952');
    const b = marcToBib(rec.record);
    expect(b.items.length).toBe(3);
    expect(b.items[0]).toEqual({
      barcode: '1583037376',
      callNumber: 'Varasto TENHOLA',
      location: 'EVO / VAR',
      status: 'available',
      loanable: true,
      note: 'item type LAINA28',
    });
  });

  it('reads Koha item states: not for loan, lost, withdrawn, on loan, damaged', () => {
    const item = (subfields: [string, string][]) =>
      marcToBib({
        leader: '00000cam a2200000 a 4500',
        fields: [
          { tag: '245', ind1: '0', ind2: '0', subfields: [{ code: 'a', value: 'Laskar pelangi /' }] },
          { tag: '952', ind1: ' ', ind2: ' ', subfields: subfields.map(([code, value]) => ({ code, value })) },
        ],
      }).items[0];
    expect(
      item([
        ['p', 'B1'],
        ['7', '1'],
      ]),
    ).toMatchObject({ status: 'reference_only', loanable: false });
    expect(
      item([
        ['p', 'B1'],
        ['7', '-1'],
      ]),
    ).toMatchObject({ loanable: false });
    expect(
      item([
        ['p', 'B1'],
        ['1', '2'],
      ]),
    ).toMatchObject({ status: 'lost', loanable: false });
    expect(
      item([
        ['p', 'B1'],
        ['0', '1'],
      ]),
    ).toMatchObject({ status: 'withdrawn', loanable: false });
    expect(
      item([
        ['p', 'B1'],
        ['q', '2024-05-01'],
      ]),
    ).toMatchObject({ status: 'on_loan', loanable: true });
    expect(
      item([
        ['p', 'B1'],
        ['4', '1'],
        ['7', '0'],
        ['1', '0'],
      ]),
    ).toMatchObject({ status: 'available', loanable: true, note: 'damaged' });
  });

  it('marks deleted records, theses, serials and odd data without throwing', async () => {
    const base = { leader: '00000dam a2200000 a 4500', fields: [] };
    expect(marcToBib(base)).toMatchObject({ deleted: true, title: '', format: 'book', items: [] });
    expect(marcToBib({ ...base, leader: '00000nas a2200000 a 4500' }).format).toBe('serial');
    expect(
      marcToBib({
        ...base,
        fields: [
          {
            tag: '502',
            ind1: ' ',
            ind2: ' ',
            subfields: [{ code: 'a', value: 'Skripsi (S1)--Universitas Indonesia' }],
          },
        ],
      }).format,
    ).toBe('thesis');
    for (const p of SAMPLES) for (const r of await records(p)) expect(() => marcToBib(r)).not.toThrow();
  });

  it('reads 264 publication statements and removes ISBD punctuation', () => {
    const b = marcToBib({
      leader: '00000nam a2200000 i 4500',
      fields: [
        { tag: '008', value: '190101s2019    io a          000 0 ind d' },
        {
          tag: '100',
          ind1: '1',
          ind2: ' ',
          subfields: [
            { code: 'a', value: 'Hirata, Andrea,' },
            { code: 'e', value: 'author.' },
          ],
        },
        {
          tag: '245',
          ind1: '1',
          ind2: '0',
          subfields: [
            { code: 'a', value: 'Laskar pelangi :' },
            { code: 'b', value: 'sebuah novel /' },
            { code: 'c', value: 'Andrea Hirata.' },
          ],
        },
        { tag: '250', ind1: ' ', ind2: ' ', subfields: [{ code: 'a', value: 'Cetakan ke-5.' }] },
        {
          tag: '264',
          ind1: ' ',
          ind2: '1',
          subfields: [
            { code: 'a', value: '[Yogyakarta] :' },
            { code: 'b', value: 'Bentang,' },
            { code: 'c', value: '2019.' },
          ],
        },
        {
          tag: '300',
          ind1: ' ',
          ind2: ' ',
          subfields: [
            { code: 'a', value: 'xii, 529 hlm. ;' },
            { code: 'c', value: '20 cm.' },
          ],
        },
        { tag: '020', ind1: ' ', ind2: ' ', subfields: [{ code: 'a', value: '978-602-291-165-2 (pbk.)' }] },
        {
          tag: '650',
          ind1: ' ',
          ind2: '4',
          subfields: [
            { code: 'a', value: 'Fiksi Indonesia' },
            { code: 'v', value: 'Novel.' },
          ],
        },
        { tag: '082', ind1: '0', ind2: '4', subfields: [{ code: 'a', value: '899.221/3' }] },
        {
          tag: '490',
          ind1: '0',
          ind2: ' ',
          subfields: [
            { code: 'a', value: 'Tetralogi Laskar Pelangi ;' },
            { code: 'v', value: '1' },
          ],
        },
        { tag: '035', ind1: ' ', ind2: ' ', subfields: [{ code: 'a', value: '(OCoLC)ocm00012345' }] },
        {
          tag: '024',
          ind1: '7',
          ind2: ' ',
          subfields: [
            { code: 'a', value: '10.1234/abc' },
            { code: '2', value: 'doi' },
          ],
        },
      ],
    });
    expect(b).toMatchObject({
      title: 'Laskar pelangi',
      subtitle: 'sebuah novel',
      responsibility: 'Andrea Hirata',
      authors: ['Hirata, Andrea'],
      place: 'Yogyakarta',
      publisher: 'Bentang',
      year: 2019,
      edition: 'Cetakan ke-5',
      pages: 529,
      isbns: ['978-602-291-165-2'],
      language: 'ind',
      subjects: ['Fiksi Indonesia -- Novel'],
      ddc: '899.2213',
      series: 'Tetralogi Laskar Pelangi',
      identifiers: { oclc: ['12345'], doi: ['10.1234/abc'] },
    });
  });
});
