import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedPath } from '../oai/replay-server.ts';
import { modsCollectionToBibs, modsToBib } from './mods.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('modsToBib', () => {
  it('maps the real MODS that marc4j produced from a LoC record', () => {
    const bib = modsToBib(
      readFileSync(sharedPath('marc/marc4j/src/org/marc4j/samples/resources/modsoutput.xml'), 'utf8'),
    );
    expect(bib).toEqual({
      sourceId: '12883376',
      title: 'Summerland',
      authors: ['Chabon, Michael'],
      responsibility: 'Michael Chabon.',
      publisher: 'Miramax Books/Hyperion Books for Children',
      place: 'New York',
      year: 2002,
      edition: '1st ed.',
      isbns: ['0786808772', '0786816155 (pbk.)'],
      issns: [],
      language: 'eng',
      format: 'book',
      subjects: ['Fantasy', 'Baseball -- Fiction', 'Magic -- Fiction'],
      physical: '500 p. ; 22 cm.',
      pages: 500,
      items: [],
    });
  });

  it('maps an Indonesian book: primary name first, keyDate year, DDC, series, copies', () => {
    const bib = modsToBib(fixture('bumi-manusia.mods.xml'));
    expect(bib.title).toBe('Bumi manusia');
    expect(bib.subtitle).toBe('sebuah roman');
    expect(bib.authors).toEqual(['Toer, Pramoedya Ananta', 'Lane, Max']);
    expect(bib.year).toBe(2005);
    expect(bib.place).toBe('Jakarta');
    expect(bib.language).toBe('ind');
    expect(bib.ddc).toBe('899.2213');
    expect(bib.series).toBe('Tetralogi Buru ; 1');
    expect(bib.isbns).toEqual(['979-97312-3-2']);
    expect(bib.identifiers).toEqual({ url: ['https://opac.example.go.id/detail/4711'] });
    expect(bib.pages).toBe(535);
    expect(bib.subjects).toEqual(['Fiksi Indonesia', 'Kolonialisme -- Jawa -- Abad ke-19']);
    expect(bib.responsibility).toBe('Pramoedya Ananta Toer');
    expect(bib.notes).toEqual(['Jilid pertama Tetralogi Buru.']);
    expect(bib.callNumber).toBe('899.2213 TOE b');
    expect(bib.sourceId).toBe('4711');
    expect(bib.items).toEqual([
      {
        barcode: 'B0004711',
        callNumber: '899.2213 TOE b c.1',
        location: 'Perpustakaan Daerah Kota Contoh / Koleksi Umum',
        status: 'available',
        loanable: true,
      },
      {
        barcode: 'B0004712',
        location: 'Perpustakaan Daerah Kota Contoh / Koleksi Referensi',
        status: 'available',
        loanable: true,
      },
    ]);
  });

  it('keeps nonSort in the title and recognises a thesis and a serial in a collection', () => {
    const [thesis, journal] = modsCollectionToBibs(fixture('thesis-collection.mods.xml'));
    expect(thesis).toMatchObject({
      title: 'The role of village libraries in rural literacy',
      subtitle: 'a case study in West Java',
      authors: ['Siti Rahmawati', 'Universitas Padjadjaran. Fakultas Ilmu Komunikasi'],
      format: 'thesis',
      year: 2019,
      language: 'eng',
      pages: 142,
      identifiers: { handle: ['11111/2019-042'], doi: ['10.1234/unpad.thesis.2019.042'] },
    });
    expect(journal).toMatchObject({
      format: 'serial',
      issns: ['2339-210X'],
      language: 'ind',
      year: 2014,
      publisher: 'STMIK Budi Darma',
    });
  });

  it('passes the harvest identifier and deletion through', () => {
    const bib = modsToBib('<mods xmlns="http://www.loc.gov/mods/v3"><titleInfo><title>x</title></titleInfo></mods>', {
      sourceId: 'oai:a:1',
      deleted: true,
    });
    expect(bib).toMatchObject({ sourceId: 'oai:a:1', deleted: true, title: 'x', format: 'other' });
  });

  it('refuses XML that is not MODS', () => {
    expect(() => modsToBib('<record xmlns="http://www.loc.gov/MARC21/slim"/>')).toThrow(/not a MODS record/);
  });
});
