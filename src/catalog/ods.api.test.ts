import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OdsCell, type OdsSheet, odsFile, odsPackage } from '../../test/ods-support.ts';
import { startTestSimpul, type TestSimpul } from '../../test/support.ts';
import { bukuIndukMapping, importedBy, uploadAs } from '../../test/workbook-support.ts';

/**
 * A "buku induk" kept in LibreOffice Calc and saved as .ods: a banner merged across, a blank row, the header,
 * accession numbers formatted 000000, ISBNs typed as numbers, dates, a row without a title, a formula.
 */
function bukuIndukRows(): OdsCell[][] {
  return [
    [{ across: 7, value: 'BUKU INDUK PERPUSTAKAAN BUNG HATTA' }],
    [],
    ['No. Induk', 'Judul', 'Pengarang', 'ISBN', 'Tahun', 'Tgl. Masuk', 'Lokasi'],
    [
      { float: 1001, shown: '001001' },
      'Laskar Pelangi',
      'Andrea Hirata',
      9789793062792,
      2005,
      { date: '2024-01-15' },
      'Rak Novel',
    ],
    [
      { float: 1002, shown: '001002' },
      'Bumi Manusia',
      'Pramoedya Ananta Toer',
      9789799731234,
      1980,
      { date: '2024-01-16' },
      'Rak Sastra',
    ],
    [],
    [{ float: 1003, shown: '001003' }, '', 'Tanpa Judul', null, 2001, null, 'Rak 1'],
    [
      { float: 1004, shown: '001004' },
      { formula: 'of:=CONCATENATE("Siti ";"Nurbaya")', value: 'Siti Nurbaya' },
      'Marah Rusli',
      null,
      1922,
      null,
      'Referensi',
    ],
  ];
}

const bukuInduk = (extra: OdsSheet[] = []) => odsFile([{ name: 'Buku Induk', rows: bukuIndukRows() }, ...extra]);

const MAPPING = bukuIndukMapping('Buku induk LibreOffice');

let s: TestSimpul;
beforeAll(async () => {
  s = await startTestSimpul();
});
afterAll(async () => s?.stop());

const imported = (file: Buffer, query: Record<string, string>, filename = 'buku-induk.ods') =>
  importedBy(s, file, { filename, ...query });
const upload = (file: Buffer, query: Record<string, string>) =>
  uploadAs(s, 'pustakawan.bunghatta', 'BUNGHATTA', file, { filename: 'buku-induk.ods', ...query });

const preview = async (body: Record<string, unknown>) =>
  (await s.as('pustakawan.bunghatta')).post('/api/v1/libraries/BUNGHATTA/mappings/preview', body);

describe('OpenDocument spreadsheets (.ods)', () => {
  it('previews a whole .ods file: the header found under its banner, the mapping guessed, rows by sheet row', async () => {
    const r = await preview({ sample: (await bukuInduk()).toString('base64') });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      format: 'ods',
      sheet: 'Buku Induk',
      sheets: [{ name: 'Buku Induk', hidden: false }],
      delimiter: 'tab',
    });
    expect(r.body.header).toEqual(['No. Induk', 'Judul', 'Pengarang', 'ISBN', 'Tahun', 'Tgl. Masuk', 'Lokasi']);
    const guessed = Object.fromEntries(
      r.body.guess.map((g: { column: string; field: string | null }) => [g.column, g.field]),
    );
    expect(guessed).toMatchObject({ Judul: 'title', Pengarang: 'authors', ISBN: 'isbn', Tahun: 'year' });
    expect(r.body.rows.map((x: { line: number; ok: boolean }) => [x.line, x.ok])).toEqual([
      [4, true],
      [5, true],
      [7, false],
      [8, true],
    ]);
    expect(r.body.rows[0].bib).toMatchObject({ title: 'Laskar Pelangi', isbns: ['9789793062792'], year: 2005 });
    expect(r.body.rows[0].raw).toBe(
      '001001\tLaskar Pelangi\tAndrea Hirata\t9789793062792\t2005\t2024-01-15\tRak Novel',
    );
    expect(r.body.rows[2]).toMatchObject({
      reason: 'no title',
      reasonCode: 'no_title',
      reasonText: { id: 'Tidak ada judul', en: 'No title' },
    });
    expect(r.body.rows[3].bib).toMatchObject({ title: 'Siti Nurbaya', authors: ['Marah Rusli'] });
  });

  it('lists the sheets, hidden ones marked, and previews the one chosen', async () => {
    const file = await odsFile([
      {
        name: 'Buku',
        rows: [
          ['Judul', 'Tahun'],
          ['Laskar Pelangi', 2005],
        ],
      },
      {
        name: 'Majalah',
        rows: [
          ['Judul', 'Tahun'],
          ['Tempo', 1971],
          ['Gatra', 1994],
        ],
      },
      { name: 'Catatan', hidden: true, rows: [['catatan petugas']] },
    ]);
    const r = await preview({ sample: file.toString('base64'), sheet: 'majalah' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ format: 'ods', sheet: 'Majalah' });
    expect(r.body.sheets).toEqual([
      { name: 'Buku', hidden: false },
      { name: 'Majalah', hidden: false },
      { name: 'Catatan', hidden: true },
    ]);
    expect(r.body.rows.map((x: { bib: { title: string } }) => x.bib.title)).toEqual(['Tempo', 'Gatra']);
  });

  it('refuses a cut file, a broken one, a zip that is no spreadsheet and a missing sheet with a reason in both languages', async () => {
    const file = await bukuInduk([{ name: 'Skripsi', rows: [['Judul', 'Pengarang']] }]);
    const cut = await preview({ sample: file.subarray(0, 2000).toString('base64'), partial: true });
    expect(cut.status).toBe(400);
    expect(cut.body.error).toMatchObject({
      code: 'workbook_cut',
      message: { id: expect.stringContaining('OpenDocument'), en: expect.stringContaining('OpenDocument') },
    });
    const broken = await preview({ sample: file.subarray(0, 2000).toString('base64') });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('unreadable_workbook');
    expect(broken.body.error.message.id).toMatch(/^Lembar kerja OpenDocument tidak terbaca: /);
    expect(broken.body.error.message.en).toMatch(/^The OpenDocument spreadsheet cannot be read: /);
    const notXml = await preview({ sample: (await odsPackage('Judul;Pengarang\n')).toString('base64') });
    expect(notXml.status).toBe(400);
    expect(notXml.body.error.message.en).toContain('its content.xml is not XML');
    // A zip that is no spreadsheet (a text document) is refused with what to save it as.
    const zip = await odsPackage('x', { mimetype: 'application/vnd.oasis.opendocument.text' });
    const other = await preview({ sample: zip.toString('base64') });
    expect(other.status).toBe(400);
    expect(other.body.error.code).toBe('unsupported_spreadsheet');
    expect(other.body.error.message.id).toContain('simpan sebagai buku kerja Excel (.xlsx atau .xls), lembar kerja');
    expect(other.body.error.message.en).toContain('OpenDocument spreadsheet (.ods)');
    const missing = await preview({ sample: file.toString('base64'), sheet: 'Majalah' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message.id).toContain('Buku Induk, Skripsi');
    const named = await preview({ sample: file.toString('base64'), sheet: 'skripsi' });
    expect(named.body).toMatchObject({ sheet: 'Skripsi', header: ['Judul', 'Pengarang'], rows: [] });
  });

  it('imports an .ods file through a saved mapping: copies with their barcodes, bad rows set aside by sheet row', async () => {
    const nurul = await s.as('pustakawan.bunghatta');
    expect((await nurul.post('/api/v1/libraries/BUNGHATTA/mappings', MAPPING)).status).toBe(201);
    const b = await imported(await bukuInduk(), { mapping: 'Buku induk LibreOffice' });
    expect(b.status, b.error).toBe('done');
    expect(b.format).toBe('ods');
    expect(b.counts).toMatchObject({ read: 4, added: 3, rejected: 1 });
    expect(b.rejected).toEqual([
      expect.objectContaining({
        position: 'row 7 of sheet Buku Induk',
        reason: 'no title',
        reasonCode: 'no_title',
        reasonText: expect.objectContaining({ id: expect.stringMatching(/judul/i) }),
        excerpt: '001003\t\tTanpa Judul\t\t2001\t\tRak 1',
      }),
    ]);
    const items = await s.ctx.database.db
      .selectFrom('items')
      .select(['barcode', 'location'])
      .where('library_id', '=', b.libraryId)
      .where('barcode', 'in', ['001001', '001002', '001004'])
      .orderBy('barcode')
      .execute();
    expect(items).toEqual([
      { barcode: '001001', location: 'Rak Novel' },
      { barcode: '001002', location: 'Rak Sastra' },
      { barcode: '001004', location: 'Referensi' },
    ]);
    const recs = await s.ctx.database.db
      .selectFrom('source_records')
      .select(['bib', 'record_key', 'format', 'position'])
      .where('batch_id', '=', b.id)
      .orderBy('position')
      .execute();
    expect(recs.map((r) => [r.position, r.format])).toEqual([
      ['row 4 of sheet Buku Induk', 'ods'],
      ['row 5 of sheet Buku Induk', 'ods'],
      ['row 8 of sheet Buku Induk', 'ods'],
    ]);
    const laskar = recs.find((r) => (r.bib as { title: string }).title === 'Laskar Pelangi');
    expect(laskar?.bib).toMatchObject({ isbns: ['9789793062792'], notes: ['2024-01-15'], year: 2005 });
    // Sent again unchanged, the file updates nothing; an explicit format=ods reads the same.
    const again = await imported(await bukuInduk(), { mapping: 'Buku induk LibreOffice', format: 'ods' });
    expect(again.status, again.error).toBe('done');
    expect(again.counts).toMatchObject({ read: 4, added: 0, unchanged: 3, rejected: 1 });
  });

  it('imports a SLiMS export saved as .ods without a mapping: records from one sheet, their copies from another', async () => {
    const file = await odsFile([
      { name: 'Catatan', rows: [['diekspor dari SLiMS', 'Desember 2026']] },
      {
        name: 'biblio',
        rows: [
          ['biblio_id', 'title', 'gmd_name', 'isbn_issn', 'publisher_name', 'publish_year', 'authors', 'topics'],
          [501, 'Tenggelamnya Kapal Van der Wijck', 'Text', '', 'Bulan Bintang', 1976, '<Hamka>', '<Novel>'],
          [502, 'Di Bawah Lindungan Ka’bah', 'Text', '', 'Balai Pustaka', 1938, '<Hamka>', '<Novel>'],
        ],
      },
      {
        name: 'item',
        rows: [
          [
            'item_id',
            'biblio_id',
            'call_number',
            'coll_type_id',
            'item_code',
            'inventory_code',
            'location_id',
            'item_status_id',
          ],
          [1, 501, '899.221 HAM t', 1, 'BH-O01', 'INV1', 'SL', '0'],
          [2, 501, '899.221 HAM t c.2', 1, 'BH-O02', 'INV2', 'SL', 'NL'],
          [3, 502, '899.221 HAM d', 1, 'BH-O03', 'INV3', 'SL', 'MIS'],
          [4, 999, '899.221 X', 1, 'BH-O04', 'INV4', 'SL', '0'],
          [5, 502, '899.221 HAM d', 1, '', 'INV5', 'SL', '0'],
        ],
      },
    ]);
    const bibs = await imported(file, { sheet: 'biblio' }, 'slims.ods');
    expect(bibs.status, bibs.error).toBe('done');
    expect(bibs.format).toBe('ods');
    expect(bibs.counts).toMatchObject({ read: 2, added: 2 });
    const copies = await imported(file, { sheet: 'item' }, 'slims.ods');
    expect(copies.status, copies.error).toBe('done');
    expect(copies.counts).toMatchObject({ read: 5, added: 3, rejected: 2 });
    expect(copies.rejected.map((r: { position: string; reason: string }) => [r.position, r.reason])).toEqual([
      ['row 5 of sheet item', expect.stringContaining('no record with id 999')],
      ['row 6 of sheet item', 'no item_code'],
    ]);
    const items = await s.ctx.database.db
      .selectFrom('items as i')
      .innerJoin('source_records as r', 'r.id', 'i.source_record_id')
      .select(['i.barcode', 'i.status', 'i.call_number', 'r.record_key'])
      .where('i.barcode', 'like', 'BH-O%')
      .orderBy('i.barcode')
      .execute();
    expect(items).toEqual([
      { barcode: 'BH-O01', status: 'available', call_number: '899.221 HAM t', record_key: 'id:501' },
      { barcode: 'BH-O02', status: 'reference_only', call_number: '899.221 HAM t c.2', record_key: 'id:501' },
      { barcode: 'BH-O03', status: 'missing', call_number: '899.221 HAM d', record_key: 'id:502' },
    ]);
    // The first sheet has no SLiMS columns: the import says to use a mapping; a missing sheet names those there are.
    const first = await imported(file, {}, 'slims.ods');
    expect(first.status).toBe('failed');
    expect(first.error).toMatch(/saved column mapping/);
    const missing = await imported(file, { sheet: 'Skripsi' }, 'slims.ods');
    expect(missing.status).toBe('failed');
    expect(missing.error).toContain('Catatan, biblio, item');
  });

  it('fails a broken .ods import with the reason, and says which formats a sheet choice belongs to', async () => {
    const file = await bukuInduk();
    const broken = await imported(file.subarray(0, file.length - 200), { format: 'ods' });
    expect(broken.status).toBe('failed');
    expect(broken.error).toMatch(/not a readable OpenDocument spreadsheet \(\.ods\)/);
    const up = await upload(Buffer.from('title\nA\n'), { format: 'slims_csv', sheet: 'Buku' });
    expect(up.status).toBe(400);
    expect(up.body.error.message.en).toMatch(/\.xlsx.*\.ods/);
    expect(up.body.error.message.id).toMatch(/\.xlsx.*\.ods/);
  });
});
