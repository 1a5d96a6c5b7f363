import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedPath } from '../oai/replay-server.ts';
import { detectFormat, SNIFF_BYTES } from './detect.ts';

const head = (relative: string) => new Uint8Array(readFileSync(sharedPath(relative)).subarray(0, SNIFF_BYTES));
const local = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const MORAVIAN = 'oai-pmh/moravianlibrary-recordmanager2/cz.mzk.recordmanager.server/src/test/resources';

describe('detectFormat', () => {
  it.each([
    [`${MORAVIAN}/import/iso2709/MZK-records.mrc`, 'iso2709'],
    ['marc/catmandu-marc/t/camel.mrc', 'iso2709'],
    [`${MORAVIAN}/records/marcxml/NLK-192047.xml`, 'marcxml'],
    ['marc/marc4j/src/org/marc4j/samples/resources/modsoutput.xml', 'mods'],
    ['oai-pmh/oai-pyoai/src/oaipmh/tests/fake1/00006.xml', 'oai_dc'],
    [`${MORAVIAN}/records/dublincore/K4MZK-uuid-c28962c9-a67a-11e1-ac9a-0050569d679d.xml`, 'oai_dc'],
    ['indonesian/slims-scanner/biblio.csv', 'csv'],
    ['oai-pmh/oai-pyoai/src/oaipmh/tests/OAI-PMH.xsd', 'unknown'],
  ])('%s is %s', (file, kind) => {
    expect(detectFormat(head(file)).kind).toBe(kind);
  });

  it.each([
    ['oai-pmh/oai-vufindharvest/tests/fixtures/marc.xml', 'marc21', 'ListRecords'],
    ['oai-pmh/oai-pyoai/src/oaipmh/tests/fake2/00002.xml', 'oai_dc', 'ListRecords'],
    [`${MORAVIAN}/sample/GetRecord.xml`, 'marc21', 'GetRecord'],
    ['oai-pmh/oai-vufindharvest/tests/fixtures/oai_doaj.xml', 'oai_doaj', 'ListRecords'],
  ])('%s is an OAI-PMH envelope of %s', (file, prefix, verb) => {
    const d = detectFormat(head(file));
    expect(d).toMatchObject({ kind: 'oai-pmh', metadataPrefix: prefix, verb });
    expect(d.reason).toMatch(/OAI-PMH/);
  });

  it('recognises our own MODS fixtures', () => {
    expect(detectFormat(local('bumi-manusia.mods.xml')).kind).toBe('mods');
    expect(detectFormat(local('thesis-collection.mods.xml')).kind).toBe('mods');
  });

  it('tells the delimiter of a CSV, behind a BOM', () => {
    const bytes = new Uint8Array(
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from('judul;pengarang;tahun\n"Algoritma, Teori";Suarga;2012\n'),
      ]),
    );
    expect(detectFormat(bytes)).toMatchObject({ kind: 'csv', delimiter: ';' });
    expect(detectFormat(new TextEncoder().encode('title\tyear\nA\t2001\n'))).toMatchObject({
      kind: 'csv',
      delimiter: '\t',
    });
  });

  it('says why it does not know', () => {
    expect(detectFormat(new Uint8Array())).toEqual({ kind: 'unknown', reason: 'empty file' });
    expect(detectFormat(new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 2]))).toMatchObject({
      kind: 'unknown',
      reason: expect.stringMatching(/binary/),
    });
    expect(detectFormat(new TextEncoder().encode('<html><body>Maintenance</body></html>'))).toMatchObject({
      kind: 'unknown',
      reason: expect.stringMatching(/<html>/),
    });
  });
});
