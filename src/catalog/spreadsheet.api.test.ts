import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSimpul, type TestSimpul } from '../../test/support.ts';
import { bukuIndukMapping, importedBy, uploadAs } from '../../test/workbook-support.ts';

/** A "buku induk" kept in Excel: a title block, the header, a blank row, ISBNs and barcodes typed as numbers. */
async function bukuInduk(extraSheets: string[] = []): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Buku Induk');
  ws.addRow(['BUKU INDUK PERPUSTAKAAN BUNG HATTA']);
  ws.mergeCells('A1:G1');
  ws.addRow([]);
  ws.addRow(['No. Induk', 'Judul', 'Pengarang', 'ISBN', 'Tahun', 'Tgl. Masuk', 'Lokasi']);
  ws.addRow([
    1001,
    'Laskar Pelangi',
    'Andrea Hirata',
    9789793062792,
    2005,
    new Date(Date.UTC(2024, 0, 15)),
    'Rak Novel',
  ]);
  ws.addRow([
    1002,
    'Bumi Manusia',
    'Pramoedya Ananta Toer',
    9789799731234,
    1980,
    new Date(Date.UTC(2024, 0, 16)),
    'Rak Sastra',
  ]);
  ws.addRow([]);
  ws.addRow([1003, '', 'Tanpa Judul', null, 2001, null, 'Rak 1']);
  ws.addRow([
    1004,
    { formula: 'CONCATENATE("Siti ","Nurbaya")', result: 'Siti Nurbaya' },
    'Marah Rusli',
    null,
    1922,
    null,
    'Referensi',
  ]);
  ws.getColumn(1).numFmt = '000000';
  for (const name of extraSheets) wb.addWorksheet(name).addRow(['Judul', 'Pengarang']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const MAPPING = bukuIndukMapping('Buku induk Excel');

let s: TestSimpul;
beforeAll(async () => {
  s = await startTestSimpul();
});
afterAll(async () => s?.stop());

const imported = (file: Buffer, query: Record<string, string>) =>
  importedBy(s, file, { filename: 'buku-induk.xlsx', ...query });
const upload = (file: Buffer, query: Record<string, string>) =>
  uploadAs(s, 'pustakawan.bunghatta', 'BUNGHATTA', file, { filename: 'buku-induk.xlsx', ...query });

describe('Excel workbooks (.xlsx)', () => {
  it('previews a whole workbook: the header found under its title block, the mapping guessed, rows by sheet row', async () => {
    const nurul = await s.as('pustakawan.bunghatta');
    const r = await nurul.post('/api/v1/libraries/BUNGHATTA/mappings/preview', {
      sample: (await bukuInduk()).toString('base64'),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      format: 'xlsx',
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
    expect(r.body.rows[2]).toMatchObject({
      reason: 'no title',
      reasonCode: 'no_title',
      reasonText: { id: 'Tidak ada judul', en: 'No title' },
    });
  });

  it('lists the sheets of a workbook and previews the one chosen', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Buku').addRows([
      ['Judul', 'Tahun'],
      ['Laskar Pelangi', 2005],
    ]);
    wb.addWorksheet('Majalah').addRows([
      ['Judul', 'Tahun'],
      ['Tempo', 1971],
      ['Gatra', 1994],
    ]);
    wb.addWorksheet('Catatan', { state: 'hidden' }).addRow(['catatan petugas']);
    const sample = Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
    const nurul = await s.as('pustakawan.bunghatta');
    const r = await nurul.post('/api/v1/libraries/BUNGHATTA/mappings/preview', { sample, sheet: 'majalah' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.sheet).toBe('Majalah');
    expect(r.body.sheets).toEqual([
      { name: 'Buku', hidden: false },
      { name: 'Majalah', hidden: false },
      { name: 'Catatan', hidden: true },
    ]);
    expect(r.body.rows.map((x: { bib: { title: string } }) => x.bib.title)).toEqual(['Tempo', 'Gatra']);
    const csv = await nurul.post('/api/v1/libraries/BUNGHATTA/mappings/preview', {
      sample: Buffer.from('Judul,Tahun\nTempo,1971\n').toString('base64'),
    });
    expect(csv.body).toMatchObject({ format: 'csv', sheet: null, sheets: null });
  });

  it('refuses a cut workbook, a damaged Excel 97-2003 file and a missing sheet with a reason in both languages', async () => {
    const nurul = await s.as('pustakawan.bunghatta');
    const file = await bukuInduk(['Skripsi']);
    const cut = await nurul.post('/api/v1/libraries/BUNGHATTA/mappings/preview', {
      sample: file.subarray(0, 2000).toString('base64'),
      partial: true,
    });
    expect(cut.status).toBe(400);
    expect(cut.body.error.code).toBe('workbook_cut');
    // An OpenDocument spreadsheet is read (ods.api.test.ts), and an Excel 97-2003 one (xls.api.test.ts): a damaged
    // one is told so in both languages.
    const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
    const xlsReply = await nurul.post('/api/v1/libraries/BUNGHATTA/mappings/preview', {
      sample: xls.toString('base64'),
    });
    expect(xlsReply.status).toBe(400);
    expect(xlsReply.body.error.code).toBe('unreadable_workbook');
    expect(xlsReply.body.error.message.id).toMatch(/^Buku kerja Excel 97-2003 tidak terbaca: /);
    expect(xlsReply.body.error.message.en).toMatch(/^The Excel 97-2003 workbook cannot be read: /);
    const missing = await nurul.post('/api/v1/libraries/BUNGHATTA/mappings/preview', {
      sample: file.toString('base64'),
      sheet: 'Majalah',
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message.id).toContain('Buku Induk, Skripsi');
    const named = await nurul.post('/api/v1/libraries/BUNGHATTA/mappings/preview', {
      sample: file.toString('base64'),
      sheet: 'skripsi',
    });
    expect(named.body).toMatchObject({ sheet: 'Skripsi', header: ['Judul', 'Pengarang'], rows: [] });
  });

  it('imports a workbook through a saved mapping: copies with their barcodes, bad rows set aside by sheet row', async () => {
    const nurul = await s.as('pustakawan.bunghatta');
    expect((await nurul.post('/api/v1/libraries/BUNGHATTA/mappings', MAPPING)).status).toBe(201);
    const b = await imported(await bukuInduk(), { mapping: 'Buku induk Excel' });
    expect(b.status, b.error).toBe('done');
    expect(b.format).toBe('xlsx');
    expect(b.counts).toMatchObject({ read: 4, added: 3, rejected: 1 });
    const rej = await nurul.get(`/api/v1/imports/${b.id}/rejected`);
    expect(rej.body.items).toEqual([
      expect.objectContaining({
        position: 'row 7 of sheet Buku Induk',
        reason: 'no title',
        reasonCode: 'no_title',
        reasonText: expect.objectContaining({ id: expect.stringMatching(/judul/i) }),
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
      .select(['bib', 'record_key'])
      .where('batch_id', '=', b.id)
      .execute();
    // A sheet without a record id column: each row is known by its copy's barcode.
    const siti = recs.find((r) => (r.bib as { title: string }).title === 'Siti Nurbaya');
    expect(siti?.record_key).toContain('barcode:001004');
    expect(siti?.bib).toMatchObject({ authors: ['Marah Rusli'], year: 1922 });
    // Sent again unchanged, the workbook updates nothing.
    const again = await imported(await bukuInduk(), { mapping: 'Buku induk Excel' });
    expect(again.counts).toMatchObject({ read: 4, added: 0, unchanged: 3, rejected: 1 });
  });

  it('reads a SLiMS export saved as .xlsx without a mapping, and the sheet named in the upload', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Catatan').addRow(['diekspor dari SLiMS', 'Desember 2026']);
    const ws = wb.addWorksheet('biblio');
    ws.addRow(['title', 'gmd_name', 'isbn_issn', 'publisher_name', 'publish_year', 'authors', 'topics', 'item_code']);
    ws.addRow([
      'Tenggelamnya Kapal Van der Wijck',
      'Text',
      '',
      'Bulan Bintang',
      1976,
      '<Hamka>',
      '<Novel>',
      '<BH-X01>',
    ]);
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const b = await imported(file, { sheet: 'biblio' });
    expect(b.status, b.error).toBe('done');
    expect(b.format).toBe('xlsx');
    expect(b.counts).toMatchObject({ read: 1, added: 1 });
    // The first sheet has no SLiMS columns: the import says to use a mapping.
    const first = await imported(file, {});
    expect(first.status).toBe('failed');
    expect(first.error).toMatch(/saved column mapping/);
    const missing = await imported(file, { sheet: 'Skripsi' });
    expect(missing.status).toBe('failed');
    expect(missing.error).toContain('Catatan, biblio');
    const audit = await s.ctx.database.db
      .selectFrom('audit_log')
      .select('after')
      .where('entity', '=', 'import_batch')
      .where('entity_id', '=', String(b.id))
      .executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({ sheet: 'biblio' });
  });

  it('says which formats a sheet choice belongs to', async () => {
    const up = await upload(Buffer.from('title\nA\n'), { format: 'slims_csv', sheet: 'Buku' });
    expect(up.status).toBe(400);
    expect(up.body.error.message.en).toMatch(/\.xlsx/);
  });
});
