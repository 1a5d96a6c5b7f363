import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startBrowserSimpul } from './harness.ts';

const h = startBrowserSimpul();

const login = (page: Page, username: string) => h.signIn(page, username);

describe('staff web UI', () => {
  it('signs in, switches language, opens a library and a patron with the eligibility answer', async () => {
    const context = await h.browser.newContext();
    const page = await context.newPage();
    await page.goto(h.base);
    await expect.poll(() => page.locator('h1').textContent()).toContain('Selamat datang');

    await login(page, 'pustakawan.bunghatta');
    await expect
      .poll(() => page.locator('h1').textContent())
      .toContain('Anggota UPT Perpustakaan Proklamator Bung Hatta');
    expect(await page.getByRole('button', { name: 'Keluar' }).isVisible()).toBe(true);

    await page.getByRole('button', { name: 'EN' }).click();
    await expect
      .poll(() => page.locator('h1').textContent())
      .toContain('Patrons of UPT Perpustakaan Proklamator Bung Hatta');
    await page.getByRole('button', { name: 'ID' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toContain('Anggota');

    // library directory with a filter, then one library
    await page.getByRole('link', { name: 'Perpustakaan', exact: true }).click();
    await page.getByLabel('Jenis').selectOption('university');
    await expect.poll(() => page.locator('ul.cards > li').count()).toBe(2);
    await page.getByLabel('Jenis').selectOption('');
    await page.getByRole('link', { name: 'UPT Perpustakaan Proklamator Bung Hatta' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('UPT Perpustakaan Proklamator Bung Hatta');
    expect(await page.getByText('Perjanjian resmi ditandatangani oleh').isVisible()).toBe(true);
    // a librarian cannot edit the library
    expect(await page.getByRole('button', { name: 'Ubah' }).count()).toBe(0);

    // a non-resident patron: on-site reading only, with the reason
    await page.getByRole('link', { name: /Anggota ›/ }).click();
    await page.getByRole('link', { name: 'Rizky Maulana' }).click();
    const panel = page.getByTestId('eligibility');
    await expect.poll(() => panel.textContent()).toContain('Pinjam bawa pulang: tidak boleh');
    expect(await panel.textContent()).toContain('Domisili Kota Padang tidak termasuk wilayah layanan');
    expect(await page.getByText('************0003').isVisible()).toBe(true);

    await page.getByRole('button', { name: 'EN' }).click();
    await expect.poll(() => panel.textContent()).toContain('Home loan: not allowed');
    expect(await panel.textContent()).toContain('outside the service area');
    await context.close();
  });

  it('lets a library administrator edit her library and shows field errors in her language', async () => {
    const context = await h.browser.newContext();
    const page = await context.newPage();
    await login(page, 'admin.sawahlunto');
    await expect.poll(() => page.locator('h1').textContent()).toContain('Anggota');
    await page.goto(`${h.base}/libraries/SAWAHLUNTO`);
    await page.getByRole('button', { name: 'Ubah' }).click();
    await page.locator('input[name=email]').fill('bukan-surel');
    await page.getByRole('button', { name: 'Simpan' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Data yang dikirim tidak valid');
    await page.locator('input[name=email]').fill('perpustakaan@sawahluntokota.go.id');
    await page.locator('input[name=phone]').fill('(0754) 61000');
    await page.getByRole('button', { name: 'Simpan' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Perubahan disimpan');
    expect(await page.getByText('(0754) 61000').isVisible()).toBe(true);
    await context.close();
  });

  it('registers a patron from the patron list', async () => {
    const context = await h.browser.newContext();
    const page = await context.newPage();
    await login(page, 'pustakawan.payakumbuh');
    await expect.poll(() => page.locator('h1').textContent()).toContain('Anggota');
    await page.getByRole('button', { name: 'Daftarkan anggota' }).click();
    await page.locator('input[name=memberNumber]').fill('PYK-0777');
    await page.locator('input[name=fullName]').fill('Wahyu Hidayat');
    await page.locator('input[name=nik]').fill('1376011111900777');
    await page.locator('select[name=domicileRegionCode]').selectOption('13.76');
    await page.getByRole('button', { name: 'Daftarkan', exact: true }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Wahyu Hidayat');
    await expect.poll(() => page.getByTestId('eligibility').textContent()).toContain('Pinjam bawa pulang: boleh');
    await context.close();
  });

  it('fits a phone-sized screen without sideways scrolling', async () => {
    const context = await h.browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true });
    const page = await context.newPage();
    await login(page, 'pustakawan.bunghatta');
    await expect.poll(() => page.locator('h1').textContent()).toContain('Anggota');
    for (const url of ['/patrons', '/libraries', '/libraries/BUNGHATTA']) {
      await page.goto(`${h.base}${url}`);
      await page.waitForSelector('h1');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, url).toBeLessThanOrEqual(0);
    }
    await page.screenshot({ path: path.join(h.s.dataDir, 'phone.png') });
    await context.close();
  });
});
