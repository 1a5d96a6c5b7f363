import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { xlsWorkbook } from '../test/xls-support.ts';
import { startBrowserSimpul } from './harness.ts';

const h = startBrowserSimpul();

/** A school library's holdings as kept in Excel: a title block, the header, a blank row, numbers for codes. */
async function workbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Daftar Buku');
  ws.addRow(['DAFTAR BUKU PERPUSTAKAAN SMP 2 BUKITTINGGI']);
  ws.mergeCells('A1:E1');
  ws.addRow([]);
  ws.addRow(['Judul', 'Pengarang', 'Tahun', 'No. Induk', 'Letak']);
  ws.addRow(['Siti Nurbaya', 'Marah Rusli', 1922, 2001, 'Rak Sastra']);
  ws.addRow(['Layar Terkembang', 'Sutan Takdir Alisjahbana', 1936, 2002, 'Rak Sastra']);
  ws.addRow([]);
  ws.addRow(['', 'Tanpa judul', 2001, 2003, 'Rak Umum']);
  ws.getColumn(4).numFmt = '000000';
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('importing an Excel workbook through a column mapping', () => {
  it('previews the sheet under its title block, saves the mapping, imports, and reports rows by sheet row', async () => {
    const file = {
      name: 'daftar-buku.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await workbook(),
    };
    const page = await h.pageAs('pustakawan.bunghatta');
    await page.getByRole('link', { name: 'Impor katalog' }).click();
    await page.getByLabel('Format').selectOption('csv');
    await page.locator('input[type=file]').setInputFiles(file);

    const panel = page.getByTestId('mapping-panel');
    await expect.poll(() => page.getByTestId('mapping-sheet').textContent()).toBe('Lembar yang dibaca: Daftar Buku');
    const field = (column: string) => page.getByLabel(`Ruas: ${column}`);
    await expect.poll(() => field('Judul').inputValue()).toBe('title');
    expect(await field('Pengarang').inputValue()).toBe('authors');
    expect(await field('Tahun').inputValue()).toBe('year');
    const preview = page.getByTestId('mapping-preview');
    await expect.poll(() => preview.textContent()).toContain('Siti Nurbaya');
    // Rows are the sheet's own row numbers; the rejection is in Indonesian.
    const firstCells = await preview.locator('tbody tr td:first-child').allTextContents();
    expect(firstCells).toEqual(['4', '5', '7']);
    expect(await preview.textContent()).toContain('Ditolak: Tidak ada judul');

    await field('No. Induk').selectOption('barcodes');
    await field('Letak').selectOption('location');
    await page.getByRole('button', { name: 'Pratinjau', exact: true }).click();
    await expect.poll(() => preview.textContent()).toContain('002001 · Rak Sastra · tersedia');

    await page.getByLabel('Nama pemetaan').fill('Daftar buku Excel');
    await page.getByRole('button', { name: 'Simpan pemetaan' }).click();
    await expect.poll(() => panel.getByRole('status').textContent()).toBe('Pemetaan disimpan');

    const batch = await h.importFile(page);
    expect(await batch.locator('[data-count=added]').textContent()).toBe('2');
    expect(await batch.locator('[data-count=rejected]').textContent()).toBe('1');
    expect(await batch.textContent()).toContain('Format: xlsx');
    await expect.poll(() => page.getByText('Cantuman yang ditolak').isVisible()).toBe(true);
    expect(await batch.locator('table.list code').first().textContent()).toBe('row 7 of sheet Daftar Buku');
    expect(await batch.locator('[data-reason=no_title]').textContent()).toBe('Tidak ada judul');

    const items = await h.s.ctx.database.db
      .selectFrom('items')
      .select(['barcode', 'location'])
      .orderBy('barcode')
      .execute();
    expect(items).toEqual([
      { barcode: '002001', location: 'Rak Sastra' },
      { barcode: '002002', location: 'Rak Sastra' },
    ]);
    await page.close();
  });

  it('reads the worksheet the librarian picks from the workbook, in the preview and in the import', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Buku').addRows([
      ['Judul', 'Pengarang', 'Tahun'],
      ['Siti Nurbaya', 'Marah Rusli', 1922],
    ]);
    wb.addWorksheet('Majalah').addRows([
      ['Judul', 'Penerbit', 'Tahun'],
      ['Tempo', 'Tempo Inti Media', 1971],
      ['Gatra', 'Era Media Informasi', 1994],
    ]);
    const file = {
      name: 'koleksi.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: Buffer.from(await wb.xlsx.writeBuffer()),
    };
    const page = await h.pageAs('pustakawan.bunghatta');
    await page.getByRole('link', { name: 'Impor katalog' }).click();
    await page.getByLabel('Format').selectOption('csv');
    await page.locator('input[type=file]').setInputFiles(file);
    const preview = page.getByTestId('mapping-preview');
    await expect.poll(() => preview.textContent()).toContain('Siti Nurbaya');
    const choice = page.getByLabel(/^Lembar kerja/);
    expect(await choice.locator('option').allTextContents()).toEqual(['Buku', 'Majalah']);
    await choice.selectOption('Majalah');
    await expect.poll(() => page.getByTestId('mapping-sheet').textContent()).toBe('Lembar yang dibaca: Majalah');
    await expect.poll(() => preview.textContent()).toContain('Tempo');
    expect(await preview.textContent()).not.toContain('Siti Nurbaya');
    await expect.poll(() => page.getByLabel('Ruas: Penerbit').inputValue()).toBe('publisher');

    await page.getByLabel('Nama pemetaan').fill('Majalah Excel');
    await page.getByRole('button', { name: 'Simpan pemetaan' }).click();
    await expect
      .poll(() => page.getByTestId('mapping-panel').getByRole('status').textContent())
      .toBe('Pemetaan disimpan');
    const batch = await h.importFile(page);
    expect(await batch.locator('[data-count=added]').textContent()).toBe('2');
    const titles = await h.s.ctx.database.db
      .selectFrom('source_records as r')
      .innerJoin('import_batches as b', 'b.id', 'r.batch_id')
      .where('b.filename', '=', 'koleksi.xlsx')
      .select(['r.position'])
      .orderBy('r.position')
      .execute();
    expect(titles.map((t) => t.position)).toEqual(['row 2 of sheet Majalah', 'row 3 of sheet Majalah']);
    await page.close();
  });
  it('takes an Excel 97-2003 (.xls) list the same way: preview under its title, a saved mapping, the import', async () => {
    const file = {
      name: 'daftar-buku-lama.xls',
      mimeType: 'application/vnd.ms-excel',
      buffer: xlsWorkbook([
        {
          name: 'Daftar Lama',
          rows: [
            ['DAFTAR BUKU SD 05 PADANG'],
            [],
            ['Judul', 'Pengarang', 'Tahun', 'No. Induk'],
            ['Robohnya Surau Kami', 'A.A. Navis', 1956, 'SD05-0001'],
            ['Kemarau', 'A.A. Navis', 1967, 'SD05-0002'],
            // more than the 64 KB a CSV preview reads: the page must send a workbook whole
            ...Array.from({ length: 2000 }, (_, i) => [`Buku bacaan kelas ${i}`, 'Tim Guru', 2010, `SD05-1${i}`]),
          ],
        },
      ]),
    };
    const page = await h.pageAs('pustakawan.bunghatta');
    await page.getByRole('link', { name: 'Impor katalog' }).click();
    await page.getByLabel('Format').selectOption('csv');
    await page.locator('input[type=file]').setInputFiles(file);
    const panel = page.getByTestId('mapping-panel');
    await expect.poll(() => page.getByTestId('mapping-sheet').textContent()).toBe('Lembar yang dibaca: Daftar Lama');
    await expect.poll(() => page.getByLabel('Ruas: Judul').inputValue()).toBe('title');
    await page.getByLabel('Ruas: No. Induk').selectOption('barcodes');
    await page.getByRole('button', { name: 'Pratinjau', exact: true }).click();
    await expect.poll(() => panel.textContent()).toContain('Robohnya Surau Kami');
    await page.getByLabel('Nama pemetaan').fill('Daftar lama .xls');
    await page.getByRole('button', { name: 'Simpan pemetaan' }).click();
    await expect.poll(() => panel.getByRole('status').textContent()).toBe('Pemetaan disimpan');
    const batch = await h.importFile(page);
    expect(await batch.locator('[data-count=added]').textContent()).toBe('2002');
    expect(await batch.textContent()).toContain('Format: xls');
    const items = await h.s.ctx.database.db
      .selectFrom('items')
      .select('barcode')
      .where('barcode', 'like', 'SD05-000%')
      .orderBy('barcode')
      .execute();
    expect(items.map((i) => i.barcode)).toEqual(['SD05-0001', 'SD05-0002']);
    await page.close();
  });
});
