import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { type OdsCell, odsContent, odsFile, odsPackage } from '../../../test/ods-support.ts';
import { all, BUKU, ok } from '../../../test/workbook-support.ts';
import { sharedPath } from '../oai/replay-server.ts';
import { readBibsCsv, type SpreadsheetMapping } from './csv.ts';
import { detectFormat } from './detect.ts';
import { odfDateText, odfTimeText, readBibsOds, readItemsOds, readOdsHead } from './ods.ts';
import { SheetNotFoundError, spreadsheetKind, type WorkbookSheet } from './workbook.ts';

/** A sheet's rows as LibreOffice writes them, in one sheet named Buku. */
const oneSheet = (rows: Array<OdsCell[] | string>) => odsFile([{ name: 'Buku', rows }]);

/** A content.xml around table rows written by hand. */
const withRows = (rows: string) => odsPackage(odsContent([{ name: 'Buku', rows: [rows] }]));

const cell = (inner: string, attrs = 'office:value-type="string" calcext:value-type="string"') =>
  `<table:table-cell ${attrs}>${inner}</table:table-cell>`;

/** The zip with the size its directory gives for one entry changed (what a crafted file can say). */
function declareSize(zip: Buffer, name: string, size: number): Buffer {
  const out = Buffer.from(zip);
  let eocd = out.length - 22;
  while (eocd >= 0 && out.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  const entries = out.readUInt16LE(eocd + 10);
  let at = out.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries; i++) {
    expect(out.readUInt32LE(at)).toBe(0x02014b50);
    const nameLength = out.readUInt16LE(at + 28);
    if (out.toString('utf8', at + 46, at + 46 + nameLength) === name) out.writeUInt32LE(size, at + 24);
    at += 46 + nameLength + out.readUInt16LE(at + 30) + out.readUInt16LE(at + 32);
  }
  return out;
}

describe('reading OpenDocument spreadsheets (.ods)', () => {
  it('tells an .ods file by its first bytes from an old .xls, and refuses another OpenDocument file with what to do', async () => {
    const file = await oneSheet([['Judul']]);
    expect(file.subarray(30, 38).toString('latin1')).toBe('mimetype');
    expect(spreadsheetKind(file)?.kind).toBe('ods');
    expect(detectFormat(file)).toMatchObject({ kind: 'ods', reason: /opendocument\.spreadsheet/ });
    const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
    expect(detectFormat(xls)).toMatchObject({ kind: 'xls', reason: /Excel 97-2003 workbook \(\.xls\)/ });
    // A writer that packs the mimetype entry, or stores it after the others: still an .ods, read as one.
    const zip = await JSZip.loadAsync(file);
    const repacked = new JSZip();
    for (const name of ['META-INF/manifest.xml', 'content.xml', 'styles.xml', 'mimetype'])
      repacked.file(name, (await zip.file(name)?.async('uint8array')) as Uint8Array);
    const late = await repacked.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    expect(late.includes('opendocument.spreadsheet')).toBe(false);
    expect(detectFormat(late)).toMatchObject({ kind: 'ods', reason: /laid out as an OpenDocument file/ });
    expect(await readOdsHead(late)).toEqual([['Judul']]);
    const epub = new JSZip();
    epub.file('mimetype', 'application/epub+zip', { compression: 'STORE' });
    epub.file('META-INF/manifest.xml', '<manifest/>');
    epub.file('content.xml', '<x/>');
    const book = await epub.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    expect(detectFormat(book)).toMatchObject({ kind: 'unknown', reason: 'a zip archive that is not a spreadsheet' });
    const odt = await odsPackage('<x/>', { mimetype: 'application/vnd.oasis.opendocument.text' });
    expect(detectFormat(odt)).toMatchObject({ kind: 'unknown', reason: /OpenDocument text file, not a spreadsheet/ });
  });

  it('reads each kind of value as a workbook gives it: numbers as typed, dates, times, booleans, formulas, errors', async () => {
    const file = await oneSheet([
      ['Judul', 'ISBN', 'Tahun', 'Barkod', 'Tanggal', 'Jam', 'Pinjam', 'Diskon', 'Harga', 'Rumus', 'Galat'],
      [
        'Laskar Pelangi',
        9789793062792,
        2005,
        { float: 42, shown: '000042' },
        { date: '2024-07-17' },
        { time: 'PT10H30M00S' },
        { bool: true },
        { percent: 0.125, shown: '12.50%' },
        { currency: 85000, shown: 'Rp85.000' },
        { formula: 'of:=[.C2]+1', value: 2006 },
        {
          xml: cell(
            '<text:p>#N/A</text:p>',
            'table:formula="of:=NA()" office:value-type="string" office:string-value="" calcext:value-type="error"',
          ),
        },
      ],
      [
        'Bumi Manusia',
        { float: 0.1 + 0.2, shown: '0.3' },
        1980,
        { float: 7, shown: '7' },
        { date: '2023-01-05T13:05:00' },
        { time: 'PT36H00M00.6S' },
        { bool: false },
        { xml: cell('<text:p>teks saja</text:p>', '') },
        { xml: cell('', 'office:value-type="string" office:string-value="nilai di atribut"') },
        { formula: 'of:=CONCATENATE("A";"B")', value: 'AB' },
        { xml: cell('<text:p>bukan angka</text:p>', 'office:value-type="float" office:value="x"') },
      ],
    ]);
    expect(await readOdsHead(file, { rows: 5 })).toEqual([
      ['Judul', 'ISBN', 'Tahun', 'Barkod', 'Tanggal', 'Jam', 'Pinjam', 'Diskon', 'Harga', 'Rumus', 'Galat'],
      [
        'Laskar Pelangi',
        '9789793062792',
        '2005',
        '000042',
        '2024-07-17',
        '10:30:00',
        'TRUE',
        '0.125',
        '85000',
        '2006',
        // The #N/A of the last column: nothing.
      ],
      [
        'Bumi Manusia',
        '0.3',
        '1980',
        '7',
        '2023-01-05 13:05:00',
        '36:00:01',
        'FALSE',
        'teks saja',
        'nilai di atribut',
        'AB',
        'bukan angka',
      ],
    ]);
    expect(odfDateText('2020-02-29T23:59:59.6')).toBe('2020-03-01');
    expect(odfDateText('0099-01-02')).toBe('0099-01-02');
    expect(odfDateText('kemarin')).toBeUndefined();
    expect(odfTimeText('P1DT2H3M4S')).toBe('26:03:04');
    expect(odfTimeText('-PT1H')).toBe('-01:00:00');
  });

  it('reads the text of a cell: paragraphs, spaces, tabs, line breaks, spans and links; comments and shapes left out', async () => {
    const file = await withRows(
      `<table:table-row>${cell('<text:p>Judul</text:p>')}${cell('<text:p>Catatan</text:p>')}</table:table-row>` +
        `<table:table-row>${cell(
          '<office:annotation><dc:creator>Petugas</dc:creator><dc:date>2024-01-01T00:00:00</dc:date><text:p>cek ulang</text:p></office:annotation>' +
            '<text:p>Sejarah <text:span text:style-name="T1">Nusantara</text:span></text:p><text:p>jilid <text:s/>2</text:p>',
        )}${cell(
          '<text:p>a<text:s text:c="3"/>b<text:tab/>c<text:line-break/>d</text:p><text:p><text:a xlink:href="https://example.org" xlink:type="simple">situs</text:a></text:p>' +
            '<draw:frame draw:z-index="0"><draw:text-box><text:p>di kotak</text:p></draw:text-box></draw:frame>',
        )}</table:table-row>` +
        // Pretty-printed XML: the indentation between and inside elements is not text.
        `<table:table-row>
          <table:table-cell office:value-type="string">
            <text:p>Baris
              panjang</text:p>
          </table:table-cell>
          <table:table-cell office:value-type="string"><text:p>Tanda &amp; &lt;kurung&gt;</text:p></table:table-cell>
        </table:table-row>`,
    );
    expect(await readOdsHead(file, { rows: 5 })).toEqual([
      ['Judul', 'Catatan'],
      ['Sejarah Nusantara\njilid  2', 'a   b\tc\nd\nsitus'],
      ['Baris panjang', 'Tanda & <kurung>'],
    ]);
  });

  it('unfolds repeated cells and rows, and does not expand the empty ones that end every row and sheet', async () => {
    const rows: Array<OdsCell[] | string> = [
      ['Judul', 'Lokasi', 'Lokasi 2', 'Lokasi 3'],
      ['Siti Nurbaya', 'Rak 1', 'Rak 1', 'Rak 1'],
      ['Siti Nurbaya', 'Rak 1', 'Rak 1', 'Rak 1'],
      // Empty rows in the middle: repeated, the row numbers after them still right.
      '<table:table-row table:number-rows-repeated="5"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>',
      [null, null, 'Kolom C'],
      ['Layar Terkembang', null, null, null],
    ];
    const file = await oneSheet(rows);
    const content = odsContent([{ name: 'Buku', rows }]);
    // LibreOffice's folding, as written: three equal cells in one, two equal rows in one, the sheet padded to its end.
    expect(content).toContain('table:number-columns-repeated="3" office:value-type="string"');
    expect(content).toContain('<table:table-row table:number-rows-repeated="2"');
    expect(content).toContain('table:number-rows-repeated="1048566"');
    const started = performance.now();
    const head = await readOdsHead(file, { rows: 100 });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(head).toEqual([
      ['Judul', 'Lokasi', 'Lokasi 2', 'Lokasi 3'],
      ['Siti Nurbaya', 'Rak 1', 'Rak 1', 'Rak 1'],
      ['Siti Nurbaya', 'Rak 1', 'Rak 1', 'Rak 1'],
      ['', '', 'Kolom C'],
      ['Layar Terkembang'],
    ]);
    const lines = await all(readBibsOds(file, { columns: { Judul: 'title', Lokasi: 'location' } }));
    expect(lines.map((r) => [r.line, r.ok])).toEqual([
      [2, true],
      [3, true],
      [9, false],
      [10, true],
    ]);
  });

  it('refuses cells past the last column and rows past the last row instead of expanding them', async () => {
    const wide = await withRows(
      `<table:table-row>${cell('<text:p>Judul</text:p>')}<table:table-cell table:number-columns-repeated="20000" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>`,
    );
    await expect(readOdsHead(wide)).rejects.toThrow(/not a readable OpenDocument spreadsheet.*past column 16,384/);
    const long = await odsPackage(
      odsContent([{ name: 'Buku', rows: [['Judul', 'Tahun']] }]).replace(
        /<table:table-row table:style-name="ro1" table:number-rows-repeated="\d+"><table:table-cell table:number-columns-repeated="16384"\/><\/table:table-row>/,
        `<table:table-row table:number-rows-repeated="2000000000">${cell('<text:p>Judul lagi</text:p>')}${cell('<text:p>2000</text:p>')}</table:table-row>`,
      ),
    );
    await expect(readOdsHead(long, { rows: 3 })).rejects.toThrow(/past row 1,048,576/);
    // A full row (a value repeated to the last column) and a value in the last row are still read.
    const full = await withRows(
      `<table:table-row><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>`,
    );
    const [first] = await readOdsHead(full);
    expect(first).toHaveLength(16384);
  });

  it('passes over a merged banner, leaves covered cells empty, and gives cells merged downwards to the rows they cover', async () => {
    const covered = (n = 1) => `<table:covered-table-cell${n > 1 ? ` table:number-columns-repeated="${n}"` : ''}/>`;
    const file = await withRows(
      `<table:table-row>${cell('<text:p>DAFTAR BUKU PERPUSTAKAAN SDN 01 BUKITTINGGI</text:p>', 'table:number-columns-spanned="3" table:number-rows-spanned="1" office:value-type="string"')}${covered(2)}</table:table-row>` +
        `<table:table-row>${cell('<text:p>Judul</text:p>')}${cell('<text:p>Eksemplar</text:p>')}${cell('<text:p>Lokasi</text:p>')}</table:table-row>` +
        `<table:table-row>${cell('<text:p>Siti Nurbaya</text:p>', 'table:number-columns-spanned="1" table:number-rows-spanned="3" office:value-type="string"')}${cell('<text:p>B001</text:p>')}${cell('<text:p>Rak Sastra</text:p>', 'table:number-columns-spanned="1" table:number-rows-spanned="2" office:value-type="string"')}</table:table-row>` +
        // LibreOffice keeps what was in a cell merged over ("keep the contents of the hidden cells"): not read.
        `<table:table-row><table:covered-table-cell office:value-type="string"><text:p>tersembunyi</text:p></table:covered-table-cell>${cell('<text:p>B002</text:p>')}${covered()}</table:table-row>` +
        `<table:table-row>${covered()}${cell('<text:p>B003</text:p>')}<table:table-cell/></table:table-row>` +
        `<table:table-row>${cell('<text:p>Laskar Pelangi</text:p>')}${cell('<text:p>B004</text:p>')}${cell('<text:p>Rak Novel</text:p>')}</table:table-row>`,
    );
    expect(await readOdsHead(file, { rows: 10 })).toEqual([
      ['Judul', 'Eksemplar', 'Lokasi'],
      ['Siti Nurbaya', 'B001', 'Rak Sastra'],
      ['Siti Nurbaya', 'B002', 'Rak Sastra'],
      ['Siti Nurbaya', 'B003'],
      ['Laskar Pelangi', 'B004', 'Rak Novel'],
    ]);
    // A merge over identical rows that LibreOffice folded into one repeated row.
    const folded = await withRows(
      `<table:table-row>${cell('<text:p>Judul</text:p>')}${cell('<text:p>Eksemplar</text:p>')}</table:table-row>` +
        `<table:table-row>${cell('<text:p>Siti Nurbaya</text:p>', 'table:number-rows-spanned="3" office:value-type="string"')}${cell('<text:p>B001</text:p>')}</table:table-row>` +
        `<table:table-row table:number-rows-repeated="4"><table:covered-table-cell/>${cell('<text:p>B00x</text:p>')}</table:table-row>`,
    );
    expect((await readOdsHead(folded, { rows: 10 })).map((r) => r[0] ?? '')).toEqual([
      'Judul',
      'Siti Nurbaya',
      'Siti Nurbaya',
      'Siti Nurbaya',
      '',
      '',
    ]);
  });

  it('reads a sheet chosen by name, lists every sheet with the hidden ones, and names the sheets when one is missing', async () => {
    const file = await odsFile([
      { name: 'Catatan', rows: [['dibuat oleh', 'petugas']] },
      {
        name: 'Buku & Majalah',
        rows: [
          ['Judul', 'Tahun'],
          ['Tempo', 1971],
        ],
      },
      { name: 'Arsip', hidden: true, rows: [['Judul'], ['lama']] },
    ]);
    let sheet = '';
    let sheets: WorkbookSheet[] = [];
    const read = await all(
      readBibsOds(
        file,
        { columns: { Judul: 'title', Tahun: 'year' } },
        { sheet: ' buku & majalah ', onSheet: (s) => (sheet = s), onSheets: (s) => (sheets = s) },
      ),
    );
    expect(sheet).toBe('Buku & Majalah');
    expect(sheets).toEqual([
      { name: 'Catatan', hidden: false },
      { name: 'Buku & Majalah', hidden: false },
      { name: 'Arsip', hidden: true },
    ]);
    expect(ok(read)).toMatchObject([{ title: 'Tempo', year: 1971 }]);
    expect(await readOdsHead(file)).toEqual([['dibuat oleh', 'petugas']]);
    expect(await readOdsHead(file, { sheet: 'arsip', rows: 5 })).toEqual([['Judul'], ['lama']]);
    await expect(readOdsHead(file, { sheet: 'Skripsi' })).rejects.toThrow(SheetNotFoundError);
    await expect(readOdsHead(file, { sheet: 'Skripsi' })).rejects.toThrow(
      /no sheet "Skripsi" \(sheets: Catatan, Buku & Majalah, Arsip\)/,
    );
  });

  it('reads a book list through a saved mapping: title block passed over, blank rows skipped, bad rows with reasons', async () => {
    const file = await oneSheet([
      [{ across: 8, value: 'DAFTAR BUKU PERPUSTAKAAN SMA 1 PADANG' }],
      ['Per 1 Desember 2026'],
      [],
      ['Kode Buku', 'Judul', 'Pengarang', 'ISBN', 'Tahun Terbit', 'Tanggal Masuk', 'Eksemplar', 'Lokasi'],
      [
        1,
        { xml: cell('<text:p><text:span text:style-name="T1">Laskar </text:span>Pelangi</text:p>') },
        'Andrea Hirata',
        9789793062792,
        2005,
        { date: '2024-07-17' },
        { float: 42, shown: '000042' },
        'Rak 3',
      ],
      [],
      [
        2,
        'Bumi Manusia',
        'Pramoedya Ananta Toer; Lain',
        '9789799731234',
        1980,
        { date: '2023-01-05' },
        'B-0007;B-0008',
        'Rak 3',
      ],
      [3, '', 'Tanpa Judul'],
    ]);
    const rows = await all(readBibsOds(file, BUKU));
    expect(rows.map((r) => [r.line, r.ok])).toEqual([
      [5, true],
      [7, true],
      [8, false],
    ]);
    expect(rows[2]).toMatchObject({ ok: false, line: 8, reason: 'no title' });
    const [laskar, bumi] = ok(rows);
    expect(laskar).toMatchObject({
      sourceId: '1',
      title: 'Laskar Pelangi',
      authors: ['Andrea Hirata'],
      isbns: ['9789793062792'],
      year: 2005,
      notes: ['2024-07-17'],
      items: [{ barcode: '000042', location: 'Rak 3', status: 'available' }],
    });
    expect(bumi).toMatchObject({
      authors: ['Pramoedya Ananta Toer', 'Lain'],
      notes: ['2023-01-05'],
      items: [{ barcode: 'B-0007' }, { barcode: 'B-0008' }],
    });
  });

  it('gives the same records from a SLiMS table saved as .ods as from the CSV', async () => {
    const dir = 'indonesian/slims-official-sampledata';
    const lf = (bibs: ReturnType<typeof ok>) => JSON.parse(JSON.stringify(bibs).replaceAll('\\r\\n', '\\n'));
    const fromCsv = lf(ok(await all(readBibsCsv(createReadStream(sharedPath(`${dir}/biblio.csv`)), 'slims'))));
    const cells: string[][] = parse(readFileSync(sharedPath(`${dir}/biblio.csv`), 'utf8'), {
      relax_column_count: true,
    });
    // Calc keeps a line break in a cell as a second paragraph.
    const file = await odsFile([{ name: 'biblio', rows: cells.map((r) => r.map((c) => c.replace(/\r\n/g, '\n'))) }]);
    expect(fromCsv.length).toBe(17);
    expect(ok(await all(readBibsOds(file, 'slims')))).toEqual(fromCsv);
  });

  it('reads a SLiMS item export saved as .ods', async () => {
    const file = await oneSheet([
      ['item_code', 'call_number', 'coll_type_name', 'location_name', 'item_status_name', 'title'],
      [100234, '005.1 HAT', 'Reference', 'Perpustakaan', '', 'Memoir'],
      ['', '', '', '', '', 'Tanpa kode'],
    ]);
    expect(await all(readItemsOds(file))).toMatchObject([
      { ok: true, line: 2, item: { barcode: '100234', status: 'reference_only' }, biblioTitle: 'Memoir' },
      { ok: false, line: 3, reason: 'no item_code' },
    ]);
  });

  it('reads content.xml with other prefixes for the ODF namespaces', async () => {
    const content = `<?xml version="1.0"?><o:document-content xmlns:o="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:t="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:x="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><o:body><o:spreadsheet><t:table t:name="Daftar"><t:table-row><t:table-cell o:value-type="string"><x:p>Judul</x:p></t:table-cell><t:table-cell o:value-type="float" o:value="2005"><x:p>2.005</x:p></t:table-cell></t:table-row><t:table-row t:number-rows-repeated="2"><t:table-cell o:value-type="string"><x:p>Tempo<x:s x:c="2"/>Baru</x:p></t:table-cell><t:table-cell t:number-columns-repeated="3"/></t:table-row></t:table></o:spreadsheet></o:body></o:document-content>`;
    let sheet = '';
    expect(await readOdsHead(await odsPackage(content), { rows: 5, onSheet: (s) => (sheet = s) })).toEqual([
      ['Judul', '2005'],
      ['Tempo  Baru'],
      ['Tempo  Baru'],
    ]);
    expect(sheet).toBe('Daftar');
    // A DDE link's cached table (after the sheets) is not a sheet.
    const dde = content.replace(
      '</t:table></o:spreadsheet>',
      '</t:table><t:dde-links><t:dde-link><o:dde-source o:dde-application="soffice"/><t:table><t:table-row><t:table-cell o:value-type="string"><x:p>x</x:p></t:table-cell></t:table-row></t:table></t:dde-link></t:dde-links></o:spreadsheet>',
    );
    let sheets: WorkbookSheet[] = [];
    expect(await readOdsHead(await odsPackage(dde), { rows: 1, onSheets: (s) => (sheets = s) })).toEqual([
      ['Judul', '2005'],
    ]);
    expect(sheets).toEqual([{ name: 'Daftar', hidden: false }]);
  });

  it('says what is wrong with a file that is not a readable spreadsheet, instead of failing inside the reader', async () => {
    const file = await oneSheet([['Judul'], ['A']]);
    const fails = (f: Buffer | string) => expect(readOdsHead(f as Buffer, { rows: 5 })).rejects;
    await fails(file.subarray(0, 200)).toThrow(
      /^not a readable OpenDocument spreadsheet \(\.ods\): the file is damaged or cut short \(/,
    );
    await fails(await odsPackage('Judul,Pengarang\nA,B\n')).toThrow(/its content.xml is not XML/);
    await fails(await odsPackage('')).toThrow(/its content.xml is empty/);
    await fails(
      await odsPackage('<office:document-content><office:body><office:text/></office:body></office:document-content>'),
    ).toThrow(/holds no office:spreadsheet/);
    const cut = odsContent([{ name: 'Buku', rows: [['Judul'], ['A']] }]).replace(
      '</text:p></table:table-cell>',
      '</table:table-cell>',
    );
    await fails(await odsPackage(cut)).toThrow(/content\.xml:\d+:\d+: unexpected close tag/);
    await fails(await odsPackage(odsContent([]))).toThrow(/the workbook has no sheet/);
    const zip = await odsPackage(odsContent([{ name: 'Buku', rows: [['Judul']] }]), {
      mimetype: 'application/vnd.oasis.opendocument.text',
    });
    await fails(zip).toThrow(
      /an OpenDocument file of type application\/vnd\.oasis\.opendocument\.text, not a spreadsheet/,
    );
    const stripped = await JSZip.loadAsync(await odsPackage(odsContent([])));
    stripped.remove('content.xml');
    await fails(await stripped.generateAsync({ type: 'nodebuffer' })).toThrow(/has no content.xml/);
    const manifest = `<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml" manifest:size="5000"><manifest:encryption-data manifest:checksum-type="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0#sha256-1k" manifest:checksum="x"><manifest:algorithm manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc" manifest:initialisation-vector="x"/></manifest:encryption-data></manifest:file-entry></manifest:manifest>`;
    await fails(await odsPackage('\u0007\u0001binary', { manifest })).toThrow(/protected by a password/);
    await fails('Judul\nA\n').toThrow(/as bytes or a stream, not text/);
  });

  it('gives a clear error, never a crash, for damaged copies of a file (cut, bytes changed; in memory and streamed)', async () => {
    const rows: OdsCell[][] = [[{ across: 3, value: 'BANNER' }], ['Judul', 'Tahun', 'Lokasi']];
    for (let i = 0; i < 200; i++)
      rows.push([`Judul ${i} ✓`, 2000 + i, { float: i, shown: String(i).padStart(6, '0') }]);
    const file = await odsFile([
      { name: 'Buku', rows },
      { name: 'Lain', rows: [['a', 'b']] },
    ]);
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    let failed = 0;
    for (let k = 0; k < 150; k++) {
      let copy = Buffer.from(file);
      if (k % 3 === 0) copy = copy.subarray(0, Math.floor(random() * copy.length));
      else for (let j = 0; j <= k % 8; j++) copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
      const input = k % 4 === 0 ? Readable.from([copy]) : copy;
      try {
        await readOdsHead(input, { rows: k % 2 ? 3 : 1000, ...(k % 5 === 0 ? { sheet: 'Lain' } : {}) });
      } catch (e) {
        failed++;
        expect(e).toBeInstanceOf(Error);
        // A changed byte in a sheet's name can leave no sheet by the name asked for: that error names the sheets.
        if (!(e instanceof SheetNotFoundError))
          expect((e as Error).message).toMatch(/^not a readable OpenDocument spreadsheet \(\.ods\): \S/);
      }
    }
    expect(failed).toBeGreaterThan(100);
  });

  it('refuses a zip bomb and a part too large before unpacking it, and a part larger than its zip says', async () => {
    const file = await oneSheet([['Judul'], ['A']]);
    await expect(readOdsHead(declareSize(file, 'content.xml', 300 * 1024 * 1024))).rejects.toThrow(
      /its part content\.xml unpacks from \d+ KB to 300 MB: a zip bomb, not a workbook/,
    );
    await expect(readOdsHead(declareSize(file, 'content.xml', 3_000_000_000))).rejects.toThrow(
      /its part content\.xml is too large \(2861 MB unpacked, at most 2048 MB\)/,
    );
    await expect(readOdsHead(declareSize(file, 'content.xml', 100))).rejects.toThrow(
      /not a readable OpenDocument spreadsheet.*too many bytes/,
    );
  });

  it('reads a file that comes as a stream through a temporary file, removed when done or stopped early', async () => {
    const rows: OdsCell[][] = [['Judul', 'Tahun']];
    for (let i = 0; i < 3000; i++) rows.push([`Judul ${i} & lagi`, 2000 + (i % 20)]);
    const file = await oneSheet(rows);
    const dir = mkdtempSync(path.join(tmpdir(), 'simpul-ods-test-'));
    const before = process.env.TMPDIR;
    process.env.TMPDIR = dir;
    try {
      const mapping: SpreadsheetMapping = { columns: { Judul: 'title', Tahun: 'year' } };
      const empty = () => expect.poll(() => readdirSync(dir), { timeout: 2000 }).toEqual([]);
      const chunks = Array.from({ length: Math.ceil(file.length / 997) }, (_, k) =>
        file.subarray(k * 997, k * 997 + 997),
      );
      const read = await all(readBibsOds(Readable.from(chunks), mapping));
      expect(read).toHaveLength(3000);
      expect(read[2999]).toMatchObject({ ok: true, line: 3001, bib: { title: 'Judul 2999 & lagi', year: 2019 } });
      await empty();
      expect(await readOdsHead(Readable.from([file]), { rows: 3 })).toHaveLength(3);
      await empty();
      for await (const r of readBibsOds(Readable.from([file]), mapping)) if (r.line > 10) break;
      await empty();
    } finally {
      process.env.TMPDIR = before;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
