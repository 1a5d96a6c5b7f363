import { describe, expect, it } from 'vitest';
import { odsFile } from '../test/ods-support.ts';
import { startBrowserSimpul } from './harness.ts';

const h = startBrowserSimpul();

/** A school library's holdings as kept in LibreOffice Calc: a banner merged across, the header, a blank row. */
function spreadsheet(): Promise<Buffer> {
  return odsFile([
    {
      name: 'Daftar Buku',
      rows: [
        [{ across: 5, value: 'DAFTAR BUKU PERPUSTAKAAN SMP 3 PAYAKUMBUH' }],
        [],
        ['Judul', 'Pengarang', 'Tahun', 'No. Induk', 'Letak'],
        ['Siti Nurbaya', 'Marah Rusli', 1922, { float: 3001, shown: '003001' }, 'Rak Sastra'],
        ['Layar Terkembang', 'Sutan Takdir Alisjahbana', 1936, { float: 3002, shown: '003002' }, 'Rak Sastra'],
        [],
        ['', 'Tanpa judul', 2001, { float: 3003, shown: '003003' }, 'Rak Umum'],
      ],
    },
    { name: 'Catatan', hidden: true, rows: [['diisi oleh petugas']] },
  ]);
}

describe('importing an OpenDocument spreadsheet (.ods) through a column mapping', () => {
  it('previews the sheet under its banner, saves the mapping, imports, and reports rows by sheet row', async () => {
    const file = {
      name: 'daftar-buku.ods',
      mimeType: 'application/vnd.oasis.opendocument.spreadsheet',
      buffer: await spreadsheet(),
    };
    const page = await h.pageAs('pustakawan.bunghatta');
    await page.getByRole('link', { name: 'Impor katalog' }).click();
    // The upload page names the format, and reads an .ods through a mapping as "another spreadsheet".
    expect(await page.getByLabel('Format').locator('option[value=ods]').textContent()).toBe(
      'OpenDocument .ods (LibreOffice) dengan kolom SLiMS',
    );
    expect(await page.getByLabel('Format').locator('option[value=csv]').textContent()).toContain('OpenDocument .ods');
    await page.getByLabel('Format').selectOption('csv');
    await page.locator('input[type=file]').setInputFiles(file);

    const panel = page.getByTestId('mapping-panel');
    await expect.poll(() => page.getByTestId('mapping-sheet').textContent()).toBe('Lembar yang dibaca: Daftar Buku');
    // The hidden sheet is offered too, marked as such.
    expect(
      await page
        .getByLabel(/^Lembar kerja/)
        .locator('option')
        .allTextContents(),
    ).toEqual(['Daftar Buku', 'Catatan (tersembunyi)']);
    const field = (column: string) => page.getByLabel(`Ruas: ${column}`);
    await expect.poll(() => field('Judul').inputValue()).toBe('title');
    expect(await field('Pengarang').inputValue()).toBe('authors');
    expect(await field('Tahun').inputValue()).toBe('year');
    const preview = page.getByTestId('mapping-preview');
    await expect.poll(() => preview.textContent()).toContain('Siti Nurbaya');
    expect(await preview.locator('tbody tr td:first-child').allTextContents()).toEqual(['4', '5', '7']);
    expect(await preview.textContent()).toContain('Ditolak: Tidak ada judul');

    await field('No. Induk').selectOption('barcodes');
    await field('Letak').selectOption('location');
    await page.getByRole('button', { name: 'Pratinjau', exact: true }).click();
    await expect.poll(() => preview.textContent()).toContain('003001 · Rak Sastra · tersedia');

    await page.getByLabel('Nama pemetaan').fill('Daftar buku LibreOffice');
    await page.getByRole('button', { name: 'Simpan pemetaan' }).click();
    await expect.poll(() => panel.getByRole('status').textContent()).toBe('Pemetaan disimpan');

    const batch = await h.importFile(page);
    expect(await batch.locator('[data-count=added]').textContent()).toBe('2');
    expect(await batch.locator('[data-count=rejected]').textContent()).toBe('1');
    expect(await batch.textContent()).toContain('Format: ods');
    await expect.poll(() => page.getByText('Cantuman yang ditolak').isVisible()).toBe(true);
    expect(await batch.locator('table.list code').first().textContent()).toBe('row 7 of sheet Daftar Buku');
    expect(await batch.locator('[data-reason=no_title]').textContent()).toBe('Tidak ada judul');

    const items = await h.s.ctx.database.db
      .selectFrom('items')
      .select(['barcode', 'location'])
      .where('barcode', 'like', '0030%')
      .orderBy('barcode')
      .execute();
    expect(items).toEqual([
      { barcode: '003001', location: 'Rak Sastra' },
      { barcode: '003002', location: 'Rak Sastra' },
    ]);
    await page.close();
  });
});
