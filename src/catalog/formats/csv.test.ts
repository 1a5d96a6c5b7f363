import { createReadStream, readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { sharedPath } from '../oai/replay-server.ts';
import type { Bib } from '../types.ts';
import {
  type CsvBibResult,
  type CsvFileInfo,
  type CsvInput,
  type CsvItemResult,
  detectDelimiter,
  isItemHeader,
  readBibsCsv,
  readSlimsItemsCsv,
  SLIMS_BIBLIO_COLUMNS,
  type SpreadsheetMapping,
  splitMulti,
} from './csv.ts';
import { toCp1252Bytes } from './mojibake.ts';

const SCANNER = 'indonesian/slims-scanner';
const OFFICIAL = 'indonesian/slims-official-sampledata';
const UNPI = 'indonesian/openlibrary-unpi';

type Row = Record<string, string>;
const table = (relative: string): Row[] =>
  parse(readFileSync(sharedPath(relative), 'utf8'), { columns: true, relax_column_count: true });
const byId = (rows: Row[], key: string) => new Map(rows.map((r) => [r[key] ?? '', r]));

/**
 * Rebuilds, from the SLiMS database dump, the file SLiMS's own export tool
 * writes (export.php): LEFT JOINs to the master tables, authors/topics as
 * "<a><b>", values wrapped in the encloser without escaping, a header that
 * ends with a separator.
 */
function slimsExport(
  dir: string,
  opts: { header: boolean; sep?: string; recordSep?: string } = { header: true },
): string {
  const sep = opts.sep ?? ',';
  const rs = opts.recordSep ?? '\n';
  const gmd = byId(table(`${dir}/mst_gmd.csv`), 'gmd_id');
  const publisher = byId(table(`${dir}/mst_publisher.csv`), 'publisher_id');
  const language = byId(table(`${dir}/mst_language.csv`), 'language_id');
  const place = byId(table(`${dir}/mst_place.csv`), 'place_id');
  const author = byId(table(`${dir}/mst_author.csv`), 'author_id');
  const topic = byId(table(`${dir}/mst_topic.csv`), 'topic_id');
  const biblioAuthor = table(`${dir}/biblio_author.csv`);
  const biblioTopic = table(`${dir}/biblio_topic.csv`);
  const angle = (xs: (string | undefined)[]) =>
    xs
      .filter((x) => x)
      .map((x) => `<${x}>`)
      .join('');
  let out = opts.header ? `${[...SLIMS_BIBLIO_COLUMNS].map((c) => `"${c}"`).join(sep)}${sep}${rs}` : '';
  for (const b of table(`${dir}/biblio.csv`)) {
    const id = b.biblio_id ?? '';
    const values = [
      b.title,
      gmd.get(b.gmd_id ?? '')?.gmd_name,
      b.edition,
      b.isbn_issn,
      publisher.get(b.publisher_id ?? '')?.publisher_name,
      b.publish_year,
      b.collation,
      b.series_title,
      b.call_number,
      language.get(b.language_id ?? '')?.language_name,
      place.get(b.publish_place_id ?? '')?.place_name,
      b.classification,
      b.notes,
      b.image,
      b.sor,
      angle(biblioAuthor.filter((r) => r.biblio_id === id).map((r) => author.get(r.author_id ?? '')?.author_name)),
      angle(biblioTopic.filter((r) => r.biblio_id === id).map((r) => topic.get(r.topic_id ?? '')?.topic)),
      '',
    ];
    out += values.map((v) => `"${v ?? ''}"`).join(sep) + rs;
  }
  return out;
}

async function all<T>(gen: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

function okBibs(rows: CsvBibResult[]): Bib[] {
  return rows.flatMap((r) => (r.ok ? [r.bib] : []));
}

describe('SLiMS bibliography export', () => {
  it('reads the export of a real Indonesian SLiMS catalogue', async () => {
    let info: CsvFileInfo | undefined;
    const rows = await all(readBibsCsv(slimsExport(SCANNER), 'slims', { onFileInfo: (i) => (info = i) }));
    expect(rows).toHaveLength(35);
    expect(rows.every((r) => r.ok)).toBe(true);
    expect(info).toMatchObject({ encoding: 'utf-8', delimiter: ',', bom: false });
    expect(info?.header).toEqual([...SLIMS_BIBLIO_COLUMNS]);
    const bibs = okBibs(rows);
    expect(bibs[0]).toEqual({
      title: 'Pemrograman Bahasa Assembly Konsep Dasar dan Implementasi',
      format: 'book',
      isbns: ['978-979-29-1547-1'],
      issns: [],
      publisher: 'Andi',
      year: 2010,
      callNumber: '0051 Mam',
      language: 'ind',
      place: 'Yogyakarta',
      ddc: '0051',
      authors: ['Maman Abdurohman'],
      subjects: [],
      items: [],
    });
  });

  it('splits <author><author> and <topic><topic>, and strips the DDC edition', async () => {
    const bibs = okBibs(await all(readBibsCsv(slimsExport(SCANNER), 'slims')));
    const web = bibs.find((b) => b.title === 'Web application architecture');
    expect(web?.subtitle).toBe('principles, protocols, and practices');
    expect(web?.authors).toEqual(['Shklar, Leon', 'Rosen, Richard']);
    expect(web?.subjects).toEqual(['Website', 'Design']);
    expect(web?.ddc).toBe('005.7/2');
    expect(web?.language).toBe('eng');
    expect(web?.pages).toBe(357);
    expect(bibs.filter((b) => b.authors.length >= 3).map((b) => b.authors.length)).toContain(5);
  });

  it('repairs text that was UTF-8-encoded two and three times', async () => {
    const bibs = okBibs(await all(readBibsCsv(slimsExport(SCANNER), 'slims')));
    expect(bibs.map((b) => b.series).filter((s) => s?.includes('’'))).toEqual([
      'Developer’s library',
      'Bruce Perens’ Open Source series',
    ]);
    expect(bibs.some((b) => JSON.stringify(b).includes('Ã'))).toBe(false);
  });

  it('reads a headerless export by SLiMS column order, with ";" and carriage returns', async () => {
    let info: CsvFileInfo | undefined;
    const text = slimsExport(SCANNER, { header: false, sep: ';', recordSep: '\r' });
    const rows = await all(readBibsCsv(text, 'slims', { onFileInfo: (i) => (info = i) }));
    expect(info?.delimiter).toBe(';');
    expect(info?.header).toBeUndefined();
    expect(okBibs(rows)).toEqual(okBibs(await all(readBibsCsv(slimsExport(SCANNER), 'slims'))));
  });

  it('decodes a Windows-1252 file and strips a UTF-8 BOM', async () => {
    const utf8 = slimsExport(SCANNER);
    const expected = okBibs(await all(readBibsCsv(utf8, 'slims')));
    const repaired = expected.map((b) => b.series ?? '').join('');
    expect(repaired).toContain('’');

    // What Excel on Windows writes after a librarian edits the repaired export.
    const cleanText = utf8.replace(/Ãƒ\S*?(?=s library| Open)/g, '’');
    expect(cleanText).toContain('Developer’s library');
    const cp1252 = toCp1252Bytes(cleanText);
    expect(cp1252).toBeDefined();
    let info: CsvFileInfo | undefined;
    const rows = await all(readBibsCsv(cp1252 ?? new Uint8Array(), 'slims', { onFileInfo: (i) => (info = i) }));
    expect(info?.encoding).toBe('windows-1252');
    expect(okBibs(rows).map((b) => b.series)).toEqual(expected.map((b) => b.series));

    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(utf8)]);
    const bomRows = await all(readBibsCsv(withBom, 'slims', { onFileInfo: (i) => (info = i) }));
    expect(info).toMatchObject({ bom: true, encoding: 'utf-8' });
    expect(okBibs(bomRows)).toEqual(expected);
  });

  it('reads the official SLiMS sample biblio table with line numbers across multi-line notes', async () => {
    const rows = await all(readBibsCsv(createReadStream(sharedPath(`${OFFICIAL}/biblio.csv`)), 'slims'));
    const ok = rows.filter((r): r is Extract<CsvBibResult, { ok: true }> => r.ok);
    expect(ok.map((r) => r.bib.sourceId)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '6',
      '7',
      '8',
      '8',
      '9',
      '10',
      '11',
      '12',
      '13',
      '14',
      '15',
    ]);
    expect(ok.find((r) => r.bib.sourceId === '8')?.line).toBe(11);
    expect(ok.find((r) => r.bib.sourceId === '9')?.line).toBe(13);
    expect(ok.find((r) => r.bib.sourceId === '6')?.bib.series).toBe('Developer’s library');
    expect(ok[0]?.bib).toMatchObject({
      title: 'PHP 5 for dummies',
      isbns: ['0764541668'],
      language: 'eng',
      year: 2004,
      ddc: '005.13/3',
      pages: 392,
    });
  });

  it('attaches item barcodes from the item_code column', async () => {
    const text = `"title","gmd_name","edition","isbn_issn","publisher_name","publish_year","collation","series_title","call_number","language_name","place_name","classification","notes","image","sor","authors","topics","item_code",
"Laskar pelangi","Text","","979-3062-79-7","Bentang","2005","xiv, 529 hlm.","","899.221 HIR l","Indonesia","Yogyakarta","899.221","","","Andrea Hirata","<Hirata, Andrea>","<Novel><Fiksi Indonesia>","<B00012><B00013>"\n`;
    const [row] = await all(readBibsCsv(text, 'slims'));
    expect(row?.ok && row.bib.items).toEqual([
      { barcode: 'B00012', status: 'available', loanable: true },
      { barcode: 'B00013', status: 'available', loanable: true },
    ]);
    expect(row?.ok && row.bib.responsibility).toBe('Andrea Hirata');
    expect(row?.ok && row.bib.pages).toBe(529);
  });
});

describe('rows that cannot be read', () => {
  it('reports them by line and carries on', async () => {
    const text = [
      'title,authors,year',
      'Buku pertama,Budi Raharjo,2010',
      ',Tanpa Judul,2011',
      'Pemrograman C, jilid 2,Suarga,2012',
      '"Buku ""ketiga""",Adi Nugroho,2013',
      '',
    ].join('\n');
    const mapping: SpreadsheetMapping = { columns: { title: 'title', authors: 'authors', year: 'year' } };
    const rows = await all(readBibsCsv(text, mapping));
    expect(rows).toEqual([
      {
        ok: true,
        line: 2,
        bib: expect.objectContaining({ title: 'Buku pertama', year: 2010 }),
        raw: 'Buku pertama,Budi Raharjo,2010',
      },
      { ok: false, line: 3, reason: 'no title', raw: ',Tanpa Judul,2011' },
      {
        ok: false,
        line: 4,
        reason: expect.stringMatching(/4 fields where the header has 3/),
        raw: 'Pemrograman C, jilid 2,Suarga,2012',
      },
      // The row as it stood in the file, quotes and all.
      {
        ok: true,
        line: 5,
        bib: expect.objectContaining({ title: 'Buku "ketiga"', authors: ['Adi Nugroho'] }),
        raw: '"Buku ""ketiga""",Adi Nugroho,2013',
      },
    ]);
  });

  it('copes with SLiMS values containing unescaped quotes', async () => {
    const text = `"title","gmd_name","edition","isbn_issn","publisher_name","publish_year","collation","series_title","call_number","language_name","place_name","classification","notes","image","sor","authors","topics","item_code",\n"Kumpulan cerpen "Senja" dan lainnya","Text","","","","1999","","","","Indonesia","","","","","","<Seno Gumira Ajidarma>","",""\n`;
    const [row] = await all(readBibsCsv(text, 'slims'));
    expect(row?.ok && row.bib.title).toBe('Kumpulan cerpen "Senja" dan lainnya');
    expect(row?.ok && row.bib.authors).toEqual(['Seno Gumira Ajidarma']);
  });
});

describe('saved spreadsheet mappings', () => {
  it('maps the UNPI library book table by its Indonesian column names', async () => {
    const mapping: SpreadsheetMapping = {
      columns: {
        kd_buku: 'sourceId',
        judul: 'title',
        kd_cat: 'ddc',
        thn_terbit: 'year',
        edisi: 'edition',
        issn_isbn: 'isbnOrIssn',
        seri: 'series',
        abstrak: 'notes',
        ket: 'ignore',
      },
      defaultFormat: 'book',
    };
    const rows = await all(readBibsCsv(createReadStream(sharedPath(`${UNPI}/buku.csv`)), mapping));
    expect(rows).toHaveLength(50);
    expect(rows.every((r) => r.ok)).toBe(true);
    expect(okBibs(rows)[0]).toMatchObject({
      sourceId: 'bk0001',
      title: 'UML Distilled Ed.3, Panduan Singkat Bahasa Permodelan Objek Standar',
      ddc: '005.117',
      year: 2005,
      edition: '3',
      isbns: ['979-731-756-0'],
    });
  });

  it('gives an ISBN-10 typed as a number its leading zeros back, and leaves other digits alone', async () => {
    const mapping: SpreadsheetMapping = { columns: { Judul: 'title', ISBN: 'isbn', Nomor: 'isbnOrIssn' } };
    const csv = 'Judul,ISBN,Nomor\nA,198534531,198534531\nB,7000007,123456788\nC,9789793062792,\n';
    const bibs = okBibs(await all(readBibsCsv(Buffer.from(csv), mapping)));
    expect(bibs.map((b) => b.isbns)).toEqual([
      ['0198534531', '0198534531'],
      ['7000007', '123456788'],
      ['9789793062792'],
    ]);
  });

  it('maps the UNPI journal table: ISSNs recognised, multi-line abstracts keep line numbers right', async () => {
    const mapping: SpreadsheetMapping = {
      columns: { kd_jurnal: 'sourceId', judul: 'title', thn_terbit: 'year', issn_isbn: 'isbnOrIssn', abstrak: 'notes' },
      defaultFormat: 'article',
    };
    const rows = await all(readBibsCsv(createReadStream(sharedPath(`${UNPI}/jurnal.csv`)), mapping));
    expect(rows).toHaveLength(30);
    const ok = rows.filter((r): r is Extract<CsvBibResult, { ok: true }> => r.ok);
    expect(ok[0]?.bib.issns).toEqual(['2339-210X']);
    expect(ok[0]?.line).toBe(2);
    const source = readFileSync(sharedPath(`${UNPI}/jurnal.csv`), 'utf8').split('\n');
    for (const r of ok) expect(source[r.line - 1]?.startsWith(`${r.bib.sourceId},`)).toBe(true);
  });

  it('splits multi-valued columns with the saved separator, and by position without a header', async () => {
    const text = 'Sejarah Indonesia modern;Ricklefs, M.C.|Wahono, Satrio;Sejarah|Indonesia;2008;Serambi\n';
    const mapping: SpreadsheetMapping = {
      columns: { '0': 'title', '1': 'authors', '2': 'subjects', '3': 'year', '4': 'publisher' },
      multiValueSeparator: '|',
      hasHeader: false,
    };
    const [row] = await all(readBibsCsv(text, mapping));
    expect(row).toMatchObject({
      ok: true,
      line: 1,
      bib: {
        authors: ['Ricklefs, M.C.', 'Wahono, Satrio'],
        subjects: ['Sejarah', 'Indonesia'],
        year: 2008,
        publisher: 'Serambi',
      },
    });
  });

  it('refuses a mapping that names no title column', async () => {
    await expect(all(readBibsCsv('a,b\n1,2\n', { columns: { a: 'authors' } }))).rejects.toThrow(/title/);
  });
});

describe('SLiMS item export', () => {
  it('maps statuses, collection types and locations to items', async () => {
    const header =
      '"item_code","call_number","coll_type_name","inventory_code","received_date","supplier_name","order_no","location_name","order_date","item_status_name","site","source","invoice","price","price_currency","invoice_date","input_date","last_update","title",';
    const row = (code: string, coll: string, status: string) =>
      `"${code}","005.1 Sar","${coll}","INV/${code}","2018-11-02","","","Perpustakaan","","${status}","","1","","0","","","2018-11-02","2018-11-02","Pemrograman JAVA"`;
    const text = [
      header,
      row('B001', 'Textbook', ''),
      row('B002', 'Reference', ''),
      row('B003', 'Textbook', 'Repair'),
      row('B004', 'Textbook', 'No Loan'),
      row('B005', 'Textbook', 'Missing'),
      row('', 'Textbook', ''),
    ].join('\n');
    const rows: CsvItemResult[] = await all(readSlimsItemsCsv(text));
    const items = rows.flatMap((r) => (r.ok ? [r.item] : []));
    expect(items.map((i) => [i.barcode, i.status, i.loanable])).toEqual([
      ['B001', 'available', true],
      ['B002', 'reference_only', false],
      ['B003', 'withdrawn', false],
      ['B004', 'reference_only', false],
      ['B005', 'missing', false],
    ]);
    expect(items[0]).toMatchObject({ callNumber: '005.1 Sar', location: 'Perpustakaan / Textbook' });
    expect(items[2]?.note).toBe('SLiMS status: Repair');
    expect(rows[0]).toMatchObject({ ok: true, biblioTitle: 'Pemrograman JAVA', line: 2 });
    expect(rows.at(-1)).toMatchObject({ ok: false, line: 7, reason: 'no item_code' });
  });

  it('reads items tables and sheets that name their record by biblio_id, ISBN, title and author', async () => {
    expect(isItemHeader(['item_id', 'biblio_id', 'call_number', 'coll_type_id', 'item_code'])).toBe(true);
    expect(isItemHeader(['"item_code"', '"call_number"'])).toBe(true);
    expect(isItemHeader(['title', 'gmd_name', 'item_code'])).toBe(false);
    const table = await all(
      readSlimsItemsCsv('item_id,biblio_id,item_code,item_status_id,location_id\n1,12,B1,NL,PUS\n2,0,B2,MIS,PUS\n'),
    );
    expect(table).toEqual([
      expect.objectContaining({
        ok: true,
        biblioId: '12',
        item: { barcode: 'B1', status: 'reference_only', loanable: false, location: 'PUS' },
        raw: '1,12,B1,NL,PUS',
      }),
      expect.objectContaining({ ok: true, item: expect.objectContaining({ barcode: 'B2', status: 'missing' }) }),
    ]);
    expect(table[1]).not.toHaveProperty('biblioId');
    const sheet = await all(
      readSlimsItemsCsv('barcode;isbn;judul;pengarang\nK-1;979-433-123-6;Memoir;<Hatta, Mohammad><Lain>\n'),
    );
    expect(sheet[0]).toMatchObject({
      ok: true,
      isbn: '979-433-123-6',
      biblioTitle: 'Memoir',
      author: 'Hatta, Mohammad',
      item: { barcode: 'K-1', status: 'available' },
    });
  });
});

describe('streaming', () => {
  it('yields the first row long before a large file has been read', async () => {
    let pulled = 0;
    const chunks = 2000;
    async function* source(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('title,year\n');
      for (let i = 0; i < chunks; i++) {
        pulled++;
        yield Buffer.from(Array.from({ length: 100 }, (_, j) => `Buku nomor ${i * 100 + j},2001\n`).join(''));
      }
    }
    const input: CsvInput = source();
    const gen = readBibsCsv(input, { columns: { title: 'title', year: 'year' } });
    const first = await gen.next();
    expect(first.value).toMatchObject({ ok: true, line: 2, bib: { title: 'Buku nomor 0' } });
    expect(pulled).toBeLessThan(chunks / 10);
    let n = 1;
    for await (const _ of gen) n++;
    expect(n).toBe(chunks * 100);
  });
});

describe('helpers', () => {
  it('detects ; and tab delimiters even with commas inside values', () => {
    expect(detectDelimiter('judul;pengarang;tahun\n"Algoritma, Teori";Suarga;2012\n')).toBe(';');
    expect(detectDelimiter('judul\tpengarang\nA, B\tC\n')).toBe('\t');
    expect(detectDelimiter('title,year\n"a;b",1\n')).toBe(',');
  });

  it('splits SLiMS multi-values and keeps a hand-typed single value', () => {
    expect(splitMulti('<Siever, Ellen><Love, Robert>', '<>')).toEqual(['Siever, Ellen', 'Love, Robert']);
    expect(splitMulti('Budi Raharjo', '<>')).toEqual(['Budi Raharjo']);
  });
});
