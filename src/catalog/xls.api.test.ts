import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSimpul, type TestSimpul } from '../../test/support.ts';
import { bukuIndukMapping, importedBy, uploadAs } from '../../test/workbook-support.ts';
import { type XlsCell, xlsWorkbook } from '../../test/xls-support.ts';

/**
 * A "buku induk" kept in an old Excel and saved as .xls: a title row, a blank row, the header, accession
 * numbers typed as numbers, ISBNs as numbers, dates, a row without a title, a formula.
 */
const BUKU_INDUK: XlsCell[][] = [
  ['BUKU INDUK PERPUSTAKAAN BUNG HATTA'],
  [],
  ['No. Induk', 'Judul', 'Pengarang', 'ISBN', 'Tahun', 'Tgl. Masuk', 'Lokasi'],
  [5001, 'Laskar Pelangi', 'Andrea Hirata', 9789793062792, 2005, { date: '2024-01-15' }, 'Rak Novel'],
  [5002, 'Bumi Manusia', 'Pramoedya Ananta Toer', 9789799731234, 1980, { date: '2024-01-16' }, 'Rak Sastra'],
  [],
  [5003, '', 'Tanpa Judul', null, 2001, null, 'Rak 1'],
  [
    5004,
    { formula: '=CONCATENATE("Siti ","Nurbaya")', value: 'Siti Nurbaya' },
    'Marah Rusli',
    null,
    1922,
    null,
    'Referensi',
  ],
];

const bukuInduk = () => xlsWorkbook([{ name: 'Buku Induk', rows: BUKU_INDUK }]);

const MAPPING = bukuIndukMapping('Buku induk Excel 97');

let s: TestSimpul;
beforeAll(async () => {
  s = await startTestSimpul();
});
afterAll(async () => s?.stop());

const imported = (file: Buffer, query: Record<string, string>) =>
  importedBy(s, file, { filename: 'buku-induk.xls', ...query });
const upload = (who: string, library: string, file: Buffer, query: Record<string, string>) =>
  uploadAs(s, who, library, file, { filename: 'buku-induk.xls', ...query });

const preview = async (body: Record<string, unknown>) =>
  (await s.as('pustakawan.bunghatta')).post('/api/v1/libraries/BUNGHATTA/mappings/preview', body);

describe('Excel 97-2003 workbooks (.xls)', () => {
  it('previews a whole .xls file: the header found under its title, the mapping guessed, rows by sheet row', async () => {
    const r = await preview({ sample: bukuInduk().toString('base64') });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      format: 'xls',
      sheet: 'Buku Induk',
      sheets: [{ name: 'Buku Induk', hidden: false }],
    });
    expect(r.body.header).toEqual(['No. Induk', 'Judul', 'Pengarang', 'ISBN', 'Tahun', 'Tgl. Masuk', 'Lokasi']);
    expect(r.body.rows.map((x: { line: number; ok: boolean }) => [x.line, x.ok])).toEqual([
      [4, true],
      [5, true],
      [7, false],
      [8, true],
    ]);
    expect(r.body.rows[0].raw).toBe('5001\tLaskar Pelangi\tAndrea Hirata\t9789793062792\t2005\t2024-01-15\tRak Novel');
    expect(r.body.rows[2]).toMatchObject({
      reasonCode: 'no_title',
      reasonText: { id: 'Tidak ada judul', en: 'No title' },
    });
    // A cut .xls cannot be read: the whole file is wanted, said in both languages.
    const cut = await preview({ sample: bukuInduk().subarray(0, 2000).toString('base64'), partial: true });
    expect(cut.status).toBe(400);
    expect(cut.body.error).toMatchObject({
      code: 'workbook_cut',
      message: { id: expect.stringContaining('Excel 97-2003'), en: expect.stringContaining('Excel 97-2003') },
    });
  });

  it('imports an .xls through a saved mapping: copies with their barcodes, bad rows set aside by sheet row, re-import changes nothing', async () => {
    const nurul = await s.as('pustakawan.bunghatta');
    expect((await nurul.post('/api/v1/libraries/BUNGHATTA/mappings', MAPPING)).status).toBe(201);
    const b = await imported(bukuInduk(), { mapping: 'Buku induk Excel 97' });
    expect(b.status, b.error).toBe('done');
    expect(b.format).toBe('xls');
    expect(b.counts).toMatchObject({ read: 4, added: 3, rejected: 1 });
    expect(b.rejected).toEqual([
      expect.objectContaining({
        position: 'row 7 of sheet Buku Induk',
        reasonCode: 'no_title',
        excerpt: '5003\t\tTanpa Judul\t\t2001\t\tRak 1',
      }),
    ]);
    const items = await s.ctx.database.db
      .selectFrom('items')
      .select(['barcode', 'location'])
      .where('library_id', '=', b.libraryId)
      .where('barcode', 'in', ['5001', '5002', '5004'])
      .orderBy('barcode')
      .execute();
    expect(items).toEqual([
      { barcode: '5001', location: 'Rak Novel' },
      { barcode: '5002', location: 'Rak Sastra' },
      { barcode: '5004', location: 'Referensi' },
    ]);
    const again = await imported(bukuInduk(), { mapping: 'Buku induk Excel 97', format: 'xls' });
    expect(again.status, again.error).toBe('done');
    expect(again.counts).toMatchObject({ read: 4, added: 0, unchanged: 3, rejected: 1 });
  });

  it('imports a SLiMS export saved as .xls without a mapping, and says why a damaged one fails', async () => {
    const file = xlsWorkbook([
      {
        name: 'biblio',
        rows: [
          ['biblio_id', 'title', 'gmd_name', 'isbn_issn', 'publisher_name', 'publish_year', 'authors', 'topics'],
          [601, 'Tenggelamnya Kapal Van der Wijck', 'Text', '', 'Bulan Bintang', 1976, '<Hamka>', '<Novel>'],
          [602, 'Di Bawah Lindungan Ka’bah', 'Text', '', 'Balai Pustaka', 1938, '<Hamka>', '<Novel>'],
        ],
      },
    ]);
    const b = await imported(file, {});
    expect(b.status, b.error).toBe('done');
    expect(b.format).toBe('xls');
    expect(b.counts).toMatchObject({ read: 2, added: 2, rejected: 0 });
    const hit = await (await s.as('pustakawan.bunghatta')).get('/api/v1/catalog/search?q=lindungan%20hamka');
    expect(hit.body.hits.map((h: { title: string }) => h.title)).toContain('Di Bawah Lindungan Ka’bah');
    const broken = await imported(file.subarray(0, 1500), {});
    expect(broken.status).toBe('failed');
    expect(broken.error).toMatch(/Excel 97-2003 workbook \(\.xls\).*damaged or cut short/);
  });

  it("another library's staff cannot import into Bung Hatta", async () => {
    const up = await upload('pustakawan.uinmy', 'BUNGHATTA', bukuInduk(), {});
    expect(up.status).toBe(403);
  });
});
