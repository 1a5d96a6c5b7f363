import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isControlField, type MarcRecord } from '../types.ts';
import { type Iso2709Result, parseIso2709Record, readIso2709, readIso2709Buffer } from './iso2709.ts';
import { type MarcXmlResult, parseMarcXmlString, readMarcXml } from './marcxml.ts';

const DATA = join(import.meta.dirname, '../../../../shared/data');
const file = (p: string) => readFileSync(join(DATA, p));

async function all(data: Uint8Array, chunk = 1 << 16): Promise<Iso2709Result[]> {
  const out: Iso2709Result[] = [];
  const src = (async function* () {
    for (let i = 0; i < data.length; i += chunk) yield data.subarray(i, i + chunk);
  })();
  for await (const r of readIso2709(src)) out.push(r);
  return out;
}

async function xml(text: string | Uint8Array, chunk = 1 << 16): Promise<MarcXmlResult[]> {
  const out: MarcXmlResult[] = [];
  const src = (async function* () {
    for (let i = 0; i < text.length; i += chunk) yield text.slice(i, i + chunk);
  })();
  for await (const r of readMarcXml(src)) out.push(r);
  return out;
}

const field = (r: MarcRecord, tag: string) => r.fields.find((f) => f.tag === tag);

describe('ISO 2709 reader', () => {
  it('serves next() calls made without waiting in order, and closes its source when the reader stops early', async () => {
    const data = file('marc/perl-marc/marc-record/t/camel.usmarc');
    const expected = (await all(data)).map((r) => r.offset);
    let closed = false;
    const src = (async function* () {
      try {
        for (let i = 0; i < data.length; i += 97) yield data.subarray(i, i + 97);
      } finally {
        closed = true;
      }
    })();
    const it = readIso2709(src);
    const first = await Promise.all(Array.from({ length: 4 }, () => it.next()));
    expect(first.map((r) => (r.done ? -1 : r.value.offset))).toEqual(expected.slice(0, 4));
    for await (const r of it) {
      expect(r.offset).toBe(expected[4]);
      break;
    }
    expect(closed).toBe(true);
    expect((await it.next()).done).toBe(true);
  });

  it('reads a clean file into records with leader/09 set to a', async () => {
    const rs = await all(file('marc/perl-marc/marc-record/t/camel.usmarc'));
    expect(rs.map((r) => r.ok)).toEqual(Array(10).fill(true));
    const first = rs[0]!;
    if (!first.ok) throw new Error();
    expect(first.record.leader).toHaveLength(24);
    expect(first.record.leader[9]).toBe('a');
    expect(first.offset).toBe(0);
    expect(first.charset).toBe('marc-8');
    expect(field(first.record, '001')).toEqual({ tag: '001', value: 'fol05731351 ' });
  });

  it('gives the same records whatever the chunk size (records split across chunks)', async () => {
    const data = file('marc/marc4j/test/resources/pride-and-prejudice-with-many-errors.mrc');
    const whole = await all(data);
    for (const size of [1, 7, 500, 4096]) {
      const parts = await all(data, size);
      expect(parts.map((r) => [r.ok, r.offset, r.length])).toEqual(whole.map((r) => [r.ok, r.offset, r.length]));
    }
    expect(whole.filter((r) => r.ok).length).toBeGreaterThan(350);
    expect(whole.filter((r) => !r.ok).length).toBeGreaterThan(0);
  }, 60_000);

  it('reports bad leaders and directories with a reason and goes on (perl-marc badldr/baddir, pymarc bad_records)', async () => {
    const badldr = await all(file('marc/perl-marc/marc-record/t/badldr.usmarc'));
    expect(badldr.filter((r) => r.ok).length).toBeGreaterThan(0);
    expect(badldr.filter((r) => !r.ok).length).toBeGreaterThan(0);
    const baddir = await all(file('marc/perl-marc/marc-record/t/baddir.usmarc'));
    expect(baddir).toHaveLength(1);
    expect(baddir[0]!.ok).toBe(false);
    if (!baddir[0]!.ok) expect(baddir[0]!.reason).toMatch(/directory entry 10 is not numeric/);
    const bad = await all(file('marc/pymarc/test/bad_records.mrc'));
    expect(bad.filter((r) => r.ok).length).toBe(5);
    for (const r of bad) if (!r.ok) expect(r.reason).toMatch(/directory|leader/);
  });

  it('treats non-MARC input as rejected chunks, never throwing (natlibfi erroneous, text files, random bytes)', async () => {
    const junk = await all(file('marc/natlibfi-marc-record-serializers/test-fixtures/iso2709/erroneous'));
    expect(junk.every((r) => !r.ok)).toBe(true);
    let seed = 1;
    const random = Buffer.alloc(200_000);
    for (let i = 0; i < random.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      random[i] = seed % 7 === 0 ? 0x1d : seed & 0xff;
    }
    const rs = await all(random, 999);
    expect(rs.length).toBeGreaterThan(0);
    expect(rs.every((r) => r.ok || r.reason.length > 0)).toBe(true);
  });

  it('resynchronises after garbage between records', async () => {
    const one = file('marc/pymarc/test/one.dat');
    const data = Buffer.concat([
      one,
      Buffer.from('\r\n'),
      Buffer.from('garbage 12 ~~~'),
      one,
      Buffer.from('xx\x1d'),
      one,
    ]);
    const rs = await all(data, 10);
    expect(rs.map((r) => r.ok)).toEqual([true, false, true, false, true]);
    expect(rs[2]!.offset).toBe(one.length + 2 + 14);
  });

  it('reads a record whose length in the leader is wrong or whose terminator is missing', () => {
    const one = Buffer.from(file('marc/pymarc/test/one.dat'));
    const wrongLength = Buffer.from(one);
    wrongLength.write('00999', 0, 'latin1');
    const a = parseIso2709Record(wrongLength);
    expect(a.ok).toBe(true);
    if (a.ok) expect(a.warnings.join()).toMatch(/leader says 999/);
    const b = parseIso2709Record(one.subarray(0, one.length - 1));
    expect(b.ok).toBe(true);
    expect(parseIso2709Record(Buffer.from('00010')).ok).toBe(false);
    expect(parseIso2709Record(Buffer.alloc(0)).ok).toBe(false);
  });

  it('rebuilds field positions when the directory is stale after a UTF-8 conversion', async () => {
    const [r] = await all(
      file('marc/openlibrary/openlibrary/catalog/marc/test_data/bin_input/histoirereligieu05cr_meta.mrc'),
    );
    expect(r?.ok).toBe(true);
    if (!r?.ok) return;
    expect(r.warnings.join()).toMatch(/fields taken in order/);
    const f245 = field(r.record, '245');
    expect(f245 && !isControlField(f245) && f245.subfields[0]?.value).toMatch(/^Histoire religieuse/);
  });

  describe('character sets', () => {
    it('leader a + valid UTF-8 -> utf-8', async () => {
      const [r] = await all(file('marc/pymarc/test/utf8_with_leader_flag.dat'));
      expect(r?.ok && r.charset).toBe('utf-8');
    });
    it('leader blank but valid multibyte UTF-8 and no escapes -> utf-8', async () => {
      const [r] = await all(file('marc/pymarc/test/utf8_without_leader_flag.dat'));
      expect(r?.ok && r.charset).toBe('utf-8');
      if (r?.ok) expect(JSON.stringify(r.record)).toContain('communauté');
    });
    it('leader a but invalid UTF-8 -> MARC-8 when it decodes, else Latin-1', async () => {
      const [m] = await all(file('marc/ruby-marc/test/marc8_accented_chars.marc'));
      expect(m?.ok && m.charset).toBe('marc-8');
      if (m?.ok) expect(JSON.stringify(m.record)).toContain('Geneviève');
      const [l] = await all(file('marc/traject/test/test_support/bad_utf_byte.utf8.marc'));
      expect(l?.ok && l.charset).toBe('iso-8859-1');
    });
    it('leader blank + MARC-8 -> marc-8', async () => {
      const [r] = await all(file('marc/pymarc/test/marc8.dat'));
      expect(r?.ok && r.charset).toBe('marc-8');
    });
    it('can be forced', async () => {
      const rs: Iso2709Result[] = [];
      for await (const r of readIso2709Buffer(file('marc/pymarc/test/utf8_without_leader_flag.dat'), {
        charset: 'marc-8',
      }))
        rs.push(r);
      expect(rs[0]?.ok && rs[0].charset).toBe('marc-8');
    });
  });
});

describe('MARCXML reader', () => {
  it('reads a <collection> in chunks of any size', async () => {
    const text = file('marc/traject/test/test_support/test_data.utf8.marc.xml').toString('utf8');
    const a = await xml(text);
    const b = await xml(text, 97);
    expect(a.filter((r) => r.ok)).toHaveLength(30);
    expect(b).toEqual(a);
  });

  it('reads records inside an OAI-PMH envelope (100 Alma records)', async () => {
    const rs = await xml(file('oai-pmh/oai-vufindharvest/tests/fixtures/marc.xml'), 5000);
    expect(rs.filter((r) => r.ok)).toHaveLength(100);
  });

  it('reads namespace-prefixed and namespace-less records', async () => {
    const prefixed =
      '<marc:collection xmlns:marc="http://www.loc.gov/MARC21/slim"><marc:record><marc:leader>00000nam a2200000 a 4500</marc:leader>' +
      '<marc:controlfield tag="001">x1</marc:controlfield><marc:datafield tag="245" ind1="1" ind2="0"><marc:subfield code="a">Judul</marc:subfield></marc:datafield></marc:record></marc:collection>';
    const plain = prefixed.replaceAll('marc:', '').replace(' xmlns:marc="http://www.loc.gov/MARC21/slim"', '');
    for (const x of [prefixed, plain]) {
      const r = parseMarcXmlString(x);
      expect(r.fields).toEqual([
        { tag: '001', value: 'x1' },
        { tag: '245', ind1: '1', ind2: '0', subfields: [{ code: 'a', value: 'Judul' }] },
      ]);
    }
  });

  it('reports a broken record and goes on', async () => {
    const rs = await xml(file('marc/marc4j/test/resources/chabon-missing-subfield-code.xml'));
    expect(rs.some((r) => !r.ok && /subfield without code/.test(r.reason))).toBe(true);
  });

  it('ends with one reported error on malformed XML, keeping the records before it', async () => {
    const rs = await xml(file('marc/natlibfi-marc-record-serializers/test-fixtures/oai-marcxml/2RecordsFrom'));
    const last = rs.at(-1);
    expect(last?.ok).toBe(false);
    if (last && !last.ok) expect(last.reason).toMatch(/XML error|ended/);
    const truncated = await xml('<collection><record><leader>00000nam a2200000 a 4500</leader>');
    expect(truncated).toHaveLength(1);
    expect(truncated[0]!.ok).toBe(false);
    expect(() => parseMarcXmlString('<record><leader>')).toThrow();
    expect(() => parseMarcXmlString('not xml at all')).toThrow();
  });
});
