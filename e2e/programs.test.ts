import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { makeTitle } from '../test/programs-support.ts';
import { startBrowserSimpul } from './harness.ts';

const h = startBrowserSimpul();

const login = (page: Page, username: string) => h.signIn(page, username);

describe('partnership programs in the browser', () => {
  it('registers an agreement and puts it into force', async () => {
    const context = await h.browser.newContext();
    const page = await context.newPage();
    await login(page, 'admin.bunghatta');
    await page.getByRole('link', { name: 'Kemitraan' }).click();
    await page.getByRole('link', { name: 'Perjanjian', exact: true }).click();
    await page.getByRole('link', { name: 'Daftarkan perjanjian' }).click();
    await page.getByLabel('Judul').fill('PKS Pertukaran Terbitan Daerah 2027');
    await page.getByLabel('Nomor', { exact: true }).fill('PKS/E2E/2027');
    await page.getByLabel('Pertukaran terbitan').check();
    await page.getByLabel('Mulai berlaku').fill('2026-01-01');
    await page.getByLabel('Berakhir').fill('2028-12-31');
    await page.getByTestId('party-1').getByLabel('Perpustakaan jaringan').selectOption('SAWAHLUNTO');
    await page.getByRole('button', { name: 'Simpan' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('PKS Pertukaran Terbitan Daerah 2027');
    expect(await page.getByText('Draf', { exact: true }).isVisible()).toBe(true);
    // Bung Hatta is a UPT: the national library signs for it
    expect(await page.getByText('Ditandatangani oleh: Perpustakaan Nasional Republik Indonesia').isVisible()).toBe(
      true,
    );
    await page.getByRole('button', { name: 'Berlakukan' }).click();
    await expect.poll(() => page.locator('.meta .tag').first().textContent()).toBe('Berlaku');
    await expect.poll(() => page.getByText('diberlakukan').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('ul.changes li').count()).toBeGreaterThan(0);

    await page.getByRole('link', { name: '‹ Perjanjian' }).click();
    await page.getByLabel('Cari').fill('terbitan daerah 2027');
    await page.getByRole('button', { name: 'Cari' }).click();
    await expect.poll(() => page.locator('ul.agreements > li').count()).toBe(1);
    await context.close();
  });

  it('issues a card, prints it, and checks visitors in at the desk on a phone', async () => {
    const context = await h.browser.newContext();
    const page = await context.newPage();
    await login(page, 'pustakawan.uinmy');
    await page.goto(`${h.base}/programs/cards`);
    await expect.poll(() => page.getByLabel('Perjanjian').locator('option').count()).toBeGreaterThan(0);
    await page.getByLabel('No. anggota').fill('UIN-2301045');
    await page.getByRole('button', { name: 'Terbitkan kartu' }).click();
    const status = page.getByRole('status');
    await expect.poll(() => status.textContent()).toContain('Muhammad Fikri');
    const cardNumber = ((await status.textContent()) ?? '').match(/SL-[0-9A-Z]{4}-[0-9A-Z]{4}/)?.[0] ?? '';
    expect(cardNumber).not.toBe('');
    await status.getByRole('link', { name: 'Cetak kartu' }).click();
    const card = page.getByTestId('idcard');
    await expect.poll(() => card.textContent()).toContain(cardNumber);
    expect(await card.locator('svg').count()).toBe(1);
    const box = await card.boundingBox();
    // 85.6 mm at 96 dpi
    expect(Math.round(box?.width ?? 0)).toBeGreaterThanOrEqual(322);
    expect(Math.round(box?.width ?? 0)).toBeLessThanOrEqual(325);
    await context.close();

    const phone = await h.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const desk = await phone.newPage();
    await login(desk, 'pustakawan.upertis');
    await desk.goto(`${h.base}/programs/desk`);
    const input = desk.getByLabel('Nomor kartu');
    await expect.poll(() => input.evaluate((el) => el === document.activeElement)).toBe(true);
    // a scanner types the number and presses Enter
    await input.fill(cardNumber.toLowerCase().replace(/-/g, ''));
    await input.press('Enter');
    const verdict = desk.getByTestId('verdict');
    await expect.poll(() => verdict.textContent()).toContain('BERLAKU');
    expect(await verdict.textContent()).toContain('Muhammad Fikri');
    expect(await verdict.textContent()).toContain('Baca di tempat: boleh');
    await expect.poll(() => input.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await input.inputValue()).toBe('');
    // the demo card of a student whose card ran out
    await input.fill('SL-8PZM-4C1E');
    await input.press('Enter');
    await expect.poll(() => verdict.textContent()).toContain('KEDALUWARSA');
    expect(await verdict.getAttribute('class')).toContain('bad');
    await input.fill('SL-0000-0000');
    await input.press('Enter');
    await expect.poll(() => verdict.textContent()).toContain('TIDAK DIKENAL');
    const wide = await desk.evaluate(() =>
      [...document.querySelectorAll('main *')]
        .filter((el) => el.getBoundingClientRect().right > 391)
        .map((el) => `${el.tagName}.${el.className}`),
    );
    expect(wide).toEqual([]);
    await phone.close();
  });

  it('sends a deposit set with its packing list and rotates it', async () => {
    for (let i = 1; i <= 3; i++) {
      await makeTitle(h.s, 'BUNGHATTA', { title: `Dongeng Si Kancil ${i}`, subjects: ['Dongeng anak'], ddc: '398.2' });
      await makeTitle(h.s, 'BUNGHATTA', { title: `Sains untuk Anak ${i}`, subjects: ['Sains'], ddc: '500' });
    }
    const context = await h.browser.newContext();
    const page = await context.newPage();
    await login(page, 'pustakawan.bunghatta');
    await page.goto(`${h.base}/programs/deposits`);
    await page.getByRole('link', { name: /Perpustakaan SD Negeri 01 Bukittinggi/ }).click();
    await expect.poll(() => page.getByText('Belum ada set di sekolah.').count()).toBe(1);
    await page.getByLabel('Subjek').fill('dongeng');
    await page.getByRole('button', { name: 'Cari eksemplar' }).click();
    await expect.poll(() => page.getByTestId('candidates').locator('li').count()).toBe(3);
    await page.getByRole('button', { name: 'Kirim set' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toContain('Daftar kiriman · Set ke-1');
    const rows = page.getByTestId('packing-list').locator('tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await rows.first().textContent()).toContain('Dongeng Si Kancil');

    await page.getByRole('link', { name: '‹ Koleksi titipan' }).click();
    await expect.poll(() => page.getByTestId('total-itemsOut').textContent()).toBe('3');
    await page.getByText('Tandai yang tidak kembali').click();
    await page.locator('.checklist input[type=checkbox]').first().check();
    await page.getByLabel('Subjek').fill('sains');
    await page.getByRole('button', { name: 'Cari eksemplar' }).click();
    await expect.poll(() => page.getByTestId('candidates').locator('li').count()).toBe(3);
    await page.getByRole('button', { name: /^Rotasi/ }).click();
    await expect.poll(() => page.locator('h1').textContent()).toContain('Set ke-2');
    expect(await page.getByTestId('packing-list').textContent()).toContain('Sains untuk Anak');

    await page.getByRole('link', { name: '‹ Koleksi titipan' }).click();
    await expect.poll(() => page.getByTestId('total-itemsMissing').textContent()).toBe('1');
    expect(await page.getByTestId('total-itemsReturned').textContent()).toBe('2');
    expect(await page.getByTestId('total-setsSent').textContent()).toBe('2');

    // the lost book: the school hands in a replacement copy, as the agreement says
    await page.getByRole('link', { name: '1', exact: true }).click();
    await page.getByLabel('Barkode pengganti').fill('BH-GANTI-0001');
    await page.getByRole('button', { name: 'Terima pengganti' }).click();
    await expect.poll(() => page.getByTestId('packing-list').textContent()).toContain('diganti → BH-GANTI-0001');
    await context.close();
  });
});
