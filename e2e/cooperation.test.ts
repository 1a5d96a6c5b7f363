import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addDays, todayIso } from '../src/programs/dates.ts';
import { makeTitle } from '../test/programs-support.ts';
import { startBrowserSimpul } from './harness.ts';

const h = startBrowserSimpul();
const today = todayIso();

const login = (username: string): Promise<Page> => h.pageAs(username);

describe('cooperation programs in the browser', () => {
  it('runs a purchase round: open, propose, approve within budget, order, receive', async () => {
    const coord = await login('admin.bunghatta');
    await coord.getByRole('link', { name: 'Kemitraan' }).click();
    await coord.getByRole('link', { name: 'Pengadaan bersama' }).click();
    await coord.getByLabel('Nama putaran').fill('Pengadaan muatan lokal (e2e)');
    await coord.getByLabel('Anggaran (Rp)').fill('300000');
    await coord.getByLabel('Batas usulan').fill(addDays(today, 14));
    await coord.getByLabel('Dinas Perpustakaan dan Kearsipan Kota Sawahlunto').check();
    await coord.getByRole('button', { name: 'Buka putaran pengadaan' }).click();
    await expect.poll(() => coord.locator('h1').textContent()).toBe('Pengadaan muatan lokal (e2e)');
    const roundUrl = coord.url();

    const member = await login('pustakawan.sawahlunto');
    await member.goto(roundUrl);
    await member.getByLabel('Judul', { exact: true }).fill('Sejarah Tambang Batubara Ombilin');
    await member.getByLabel('ISBN').fill('978-602-8519-93-0');
    await member.getByLabel('Harga satuan (Rp)').fill('150000');
    await member.getByLabel('Jumlah').fill('3');
    await member.getByRole('button', { name: 'Usulkan judul' }).click();
    await expect.poll(() => member.getByRole('alert').textContent()).toContain('ISBN');
    await member.getByLabel('ISBN').fill('978-602-8519-93-9');
    await member.getByRole('button', { name: 'Usulkan judul' }).click();
    await expect.poll(() => member.getByText('Sejarah Tambang Batubara Ombilin').count()).toBe(1);
    await member.getByRole('button', { name: 'Setuju', exact: true }).click();
    await expect.poll(() => member.getByText('Suara: +1').count()).toBe(1);

    // 3 × 150.000 is more than the budget: a clear refusal, then a smaller proposal fits
    await coord.reload();
    await coord.getByRole('button', { name: 'Setujui' }).click();
    await expect.poll(() => coord.getByRole('alert').textContent()).toContain('melebihi sisa anggaran Rp300.000');
    await member.getByRole('button', { name: 'Tarik usulan' }).click();
    await expect.poll(() => member.getByText('ditarik', { exact: true }).count()).toBe(1);
    await member.getByLabel('Judul', { exact: true }).fill('Kamus Bahasa Minang Kabau');
    await member.getByLabel('Harga satuan (Rp)').fill('95000');
    await member.getByLabel('Jumlah').fill('2');
    await member.getByRole('button', { name: 'Usulkan judul' }).click();
    await expect.poll(() => member.getByText('Kamus Bahasa Minang Kabau').count()).toBe(1);

    await coord.reload();
    await coord.getByRole('button', { name: 'Setujui' }).click();
    await expect.poll(() => coord.getByTestId('remaining').textContent()).toBe('110.000');
    await coord.getByLabel('Pemasok').fill('Toko Buku Sari Anggrek');
    await coord.getByRole('button', { name: 'Catat pemesanan' }).click();
    await expect.poll(() => coord.getByText('dipesan', { exact: false }).count()).toBeGreaterThan(0);

    await member.reload();
    await member.getByLabel('Barkode 1').fill('SWL-ACQ-0001');
    await member.getByRole('button', { name: 'Terima' }).first().click();
    await expect.poll(() => member.getByTestId('copy-1').textContent()).toContain('SWL-ACQ-0001');

    // the copy is in the union catalog under Sawahlunto
    const search = await h.s.anonymous.get('/api/v1/catalog/search?q=Kamus%20Bahasa%20Minang%20Kabau');
    expect(search.body.hits[0].holdings[0]).toMatchObject({ libraryCode: 'SAWAHLUNTO', copies: 1 });
  });

  it('plans a mobile library stop, loads books and records a visit with loans due at the next visit', async () => {
    const codes: string[] = [];
    for (const title of ['Si Kancil (e2e)', 'Malin Kundang (e2e)']) {
      const [id] = await makeTitle(h.s, 'PAYAKUMBUH', { title });
      const row = await h.s.ctx.database.db
        .selectFrom('items')
        .select('barcode')
        .where('id', '=', id as number)
        .executeTakeFirstOrThrow();
      codes.push(row.barcode as string);
    }
    const page = await login('pustakawan.payakumbuh');
    await page.goto(`${h.base}/programs/mobile`);
    await page.getByLabel('Nama rute').fill('Pusling Nagari (e2e)');
    await page.getByLabel('Kendaraan').fill('Mitsubishi L300 BA 9 PK');
    await page.getByRole('button', { name: 'Buat rute' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Pusling Nagari (e2e)');

    const weekday = new Date(`${today}T00:00:00Z`).getUTCDay();
    await page.getByLabel('Nama titik').fill('Balai Nagari Koto Nan Ampek');
    await page.getByLabel('Jenis').selectOption('village');
    await page.getByLabel('Hari').selectOption(String(weekday));
    await page.getByRole('button', { name: 'Tambah titik layanan' }).click();
    await expect.poll(() => page.getByTestId('upcoming').first().textContent()).toContain(today);

    // a one-off visit in the past is refused with a clear message
    await page.getByLabel('Tanggal', { exact: true }).fill(addDays(today, -3));
    await page.getByLabel('Perubahan jadwal').selectOption('extra');
    await page.getByRole('button', { name: 'Simpan perubahan' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('sudah lewat');

    await page.getByLabel('Muat ke kendaraan (barkode, satu per baris)').fill(codes.join('\n'));
    await page.getByRole('button', { name: 'Muat', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Koleksi di kendaraan (2)' }).count()).toBe(1);

    await page.getByLabel('Pengunjung').fill('27');
    await page.getByLabel(/Peminjaman/).fill(`${codes[0]};Rahmat`);
    await page.getByRole('button', { name: 'Catat kunjungan' }).click();
    await expect.poll(() => page.getByTestId('visit-done').textContent()).toBe(`Kembali: ${addDays(today, 7)}`);
    await expect.poll(() => page.getByTestId('loans').textContent()).toContain('Rahmat');
    await expect.poll(() => page.getByTestId('results').textContent()).toContain('27');
  });

  it('records a workshop, its participants and prints a certificate; the calendar shows it', async () => {
    const page = await login('pustakawan.bunghatta');
    await page.goto(`${h.base}/programs/trainings`);
    await page.getByLabel('Jenis kegiatan').selectOption('workshop');
    await page.getByLabel('Judul kegiatan').fill('Lokakarya Pelestarian Naskah Kuno (e2e)');
    await page.getByLabel('Tempat').fill('Bukittinggi');
    await page.getByLabel('Dari', { exact: true }).fill(addDays(today, -1));
    await page.getByLabel('Sampai', { exact: true }).fill(addDays(today, -1));
    await page.getByLabel('Jam pelajaran').fill('8');
    await page.getByRole('button', { name: 'Catat kegiatan' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Lokakarya Pelestarian Naskah Kuno (e2e)');
    await page.getByLabel('Nama peserta').fill('Fitri Handayani');
    await page.getByLabel('Asal perpustakaan').selectOption('SAWAHLUNTO');
    await page.getByRole('button', { name: 'Tambah peserta' }).click();
    await expect.poll(() => page.getByTestId('participants').textContent()).toContain('Fitri Handayani');
    await page.getByRole('button', { name: 'Terbitkan sertifikat' }).click();
    await page.getByRole('link', { name: /^LKK\// }).click();
    await expect.poll(() => page.getByTestId('cert-name').textContent()).toBe('Fitri Handayani');
    expect(await page.getByText('Lokakarya: Lokakarya Pelestarian Naskah Kuno (e2e)').isVisible()).toBe(true);

    await page.goto(`${h.base}/programs/calendar?month=${addDays(today, -1).slice(0, 7)}`);
    await expect.poll(() => page.getByTestId('calendar').textContent()).toContain('Lokakarya Pelestarian Naskah Kuno');
    await page.goto(`${h.base}/programs/figures`);
    await expect.poll(() => page.getByTestId('coop-figures').textContent()).toContain('Perpustakaan');
  });
});
