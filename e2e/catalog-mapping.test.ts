import { describe, expect, it } from 'vitest';
import { startBrowserSimpul } from './harness.ts';

const h = startBrowserSimpul();

/** A school library's sheet: most column names are guessed, "Letak" is not. */
const SHEET = [
  'Judul;Pengarang;Tahun;Eksemplar;Letak;Status',
  'Siti Nurbaya;Marah Rusli;1922;SD-001|SD-002;Rak Sastra;Tersedia|Dipinjam',
  'Layar Terkembang;Sutan Takdir Alisjahbana;1936;SD-010;Rak Sastra;Tersedia',
  ';Tanpa judul;2001;SD-020;Rak Umum;Tersedia',
  '',
].join('\n');

describe('importing a spreadsheet through a column mapping', () => {
  it('guesses the mapping, lets the librarian fix a column, previews, saves, and imports with copies', async () => {
    const page = await h.pageAs('pustakawan.bunghatta');
    await page.getByRole('link', { name: 'Impor katalog' }).click();
    await page.getByLabel('Format').selectOption('csv');
    const panel = page.getByTestId('mapping-panel');
    await expect.poll(() => panel.isVisible()).toBe(true);
    expect(await panel.textContent()).toContain('Pilih berkas dulu');
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: 'buku-induk-sd.csv', mimeType: 'text/csv', buffer: Buffer.from(SHEET) });

    // The guess from the Indonesian header names.
    const field = (column: string) => page.getByLabel(`Ruas: ${column}`);
    await expect.poll(() => field('Judul').inputValue()).toBe('title');
    expect(await field('Pengarang').inputValue()).toBe('authors');
    expect(await field('Tahun').inputValue()).toBe('year');
    expect(await field('Eksemplar').inputValue()).toBe('barcodes');
    expect(await field('Status').inputValue()).toBe('status');
    expect(await field('Letak').inputValue()).toBe('');
    const preview = page.getByTestId('mapping-preview');
    await expect.poll(() => preview.textContent()).toContain('Siti Nurbaya');
    // The reader's reason in the page's language, its English text beside it.
    expect(await preview.textContent()).toContain('Ditolak: Tidak ada judul');
    expect(await preview.locator('[data-reason=no_title]').getAttribute('title')).toBe('no title');
    // Unsaved: the import waits for a saved mapping.
    expect(await page.getByRole('button', { name: 'Unggah dan impor' }).isDisabled()).toBe(true);

    await field('Letak').selectOption('location');
    await page.getByRole('button', { name: 'Pratinjau', exact: true }).click();
    await expect.poll(() => preview.textContent()).toContain('SD-001 · Rak Sastra · tersedia');
    expect(await preview.textContent()).toContain('SD-002 · Rak Sastra · dipinjam');

    await page.getByLabel('Nama pemetaan').fill('Buku induk SD');
    await page.getByRole('button', { name: 'Simpan pemetaan' }).click();
    await expect.poll(() => panel.getByRole('status').textContent()).toBe('Pemetaan disimpan');
    expect(await page.getByTestId('mapping-choice').locator('option:checked').textContent()).toBe('Buku induk SD');

    const batch = await h.importFile(page);
    expect(await batch.locator('[data-count=added]').textContent()).toBe('2');
    expect(await batch.locator('[data-count=rejected]').textContent()).toBe('1');
    await expect.poll(() => page.getByText('Cantuman yang ditolak').isVisible()).toBe(true);
    expect(await page.locator('[data-testid=batch] table.list code').first().textContent()).toBe('line 4');

    const items = await h.s.ctx.database.db
      .selectFrom('items')
      .select(['barcode', 'location', 'status'])
      .orderBy('barcode')
      .execute();
    expect(items).toEqual([
      { barcode: 'SD-001', location: 'Rak Sastra', status: 'available' },
      { barcode: 'SD-002', location: 'Rak Sastra', status: 'on_loan' },
      { barcode: 'SD-010', location: 'Rak Sastra', status: 'available' },
    ]);
    await page.close();
  });

  it('offers the saved mapping next time, in English too, and the re-import changes nothing', async () => {
    const page = await h.pageAs('pustakawan.bunghatta');
    await page.getByRole('link', { name: 'Impor katalog' }).click();
    await page.getByRole('button', { name: 'EN' }).click();
    await page.getByLabel('Format').selectOption('csv');
    const panel = page.getByTestId('mapping-panel');
    await expect.poll(() => panel.textContent()).toContain('Spreadsheet column mapping');
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: 'buku-induk-sd.csv', mimeType: 'text/csv', buffer: Buffer.from(SHEET) });
    await page.getByTestId('mapping-choice').selectOption({ label: 'Buku induk SD' });
    await expect.poll(() => page.getByLabel('Field: Letak').inputValue()).toBe('location');
    await expect.poll(() => page.getByRole('button', { name: 'Upload and import' }).isDisabled()).toBe(false);
    await page.getByRole('button', { name: 'Upload and import' }).click();
    const batch = page.getByTestId('batch');
    await expect
      .poll(
        async () => (await h.s.jobs.drain()) >= 0 && (await batch.locator('[data-count=unchanged]').textContent()),
        {
          timeout: 15_000,
        },
      )
      .toBe('2');
    expect(await batch.locator('[data-count=added]').textContent()).toBe('0');
    expect(await batch.locator('[data-count=updated]').textContent()).toBe('0');
    await page.close();
  });
});
