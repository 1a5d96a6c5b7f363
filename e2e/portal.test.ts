import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PATRON_PASSWORD } from '../src/directory/portal-demo.ts';
import { startBrowserSimpul } from './harness.ts';

const h = startBrowserSimpul();

async function patronSignIn(page: Page, library: string, memberNumber: string, password = DEMO_PATRON_PASSWORD) {
  await page.goto(`${h.base}/portal/login`);
  await page.getByLabel('Perpustakaan Anda').selectOption(library);
  await page.getByLabel('No. anggota').fill(memberNumber);
  await page.getByLabel('Kata sandi').fill(password);
  await page.getByRole('button', { name: 'Masuk', exact: true }).click();
}

const staffSignIn = (page: Page, username: string) => h.signIn(page, username);

describe('patron portal in the browser', () => {
  it('refuses a wrong password in Indonesian, then signs in and shows account, eligibility and cards', async () => {
    const page = await (await h.browser.newContext()).newPage();
    await patronSignIn(page, 'UPERTIS', 'UPI-2201001', 'bukan-sandinya');
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/salah|tidak/i);
    expect(page.url()).toContain('/portal/login');

    await page.getByLabel('Kata sandi').fill(DEMO_PATRON_PASSWORD);
    await page.getByRole('button', { name: 'Masuk', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain('Akun saya');
    await expect.poll(() => page.getByTestId('eligibility-summary').count()).toBe(1);
    // The cards come in their own request: they may show after the eligibility answer.
    await expect.poll(() => page.getByTestId('my-card').count()).toBeGreaterThan(0);
    // the NIK never appears whole
    const account = await page.locator('dl.grid2').textContent();
    expect(account).not.toMatch(/\d{16}/);
  });

  it('a cardholder announces a visit, the partner desk sees it, the cardholder cancels it', async () => {
    const patron = await (await h.browser.newContext()).newPage();
    await patronSignIn(patron, 'UPERTIS', 'UPI-2201001');
    const heading = patron.getByRole('heading', { level: 1 });
    await expect.poll(() => heading.textContent()).toContain('Akun saya');
    const holder = ((await heading.textContent()) ?? '').split('·')[1]?.trim() ?? '';
    expect(holder.length).toBeGreaterThan(2);

    await patron.getByRole('link', { name: 'Beritahukan kunjungan' }).click();
    const place = patron.getByLabel('Perpustakaan yang dikunjungi');
    await expect.poll(() => place.locator('option').count()).toBeGreaterThan(1);
    const uin = (await place.locator('option').allTextContents()).find((o) => /Mahmud Yunus/.test(o));
    expect(uin).toBeTruthy();
    await place.selectOption({ label: uin as string });
    // what the card allows there is shown before announcing
    await expect.poll(() => patron.locator('ul.privileges li').count()).toBeGreaterThan(0);
    await patron.getByLabel('Keperluan').fill('Bahan skripsi sejarah Minangkabau');
    await patron.getByRole('button', { name: 'Beritahukan', exact: true }).click();
    await expect.poll(() => patron.getByRole('status').textContent()).toContain('Kunjungan diberitahukan');
    const mine = patron.getByTestId('my-visit').filter({ hasText: 'Bahan skripsi sejarah Minangkabau' });
    await expect.poll(() => mine.count()).toBe(1);

    const desk = await (await h.browser.newContext()).newPage();
    await staffSignIn(desk, 'pustakawan.uinmy');
    await desk.goto(`${h.base}/programs/desk`);
    const announced = desk.getByTestId('announced-visit').filter({ hasText: 'Bahan skripsi sejarah Minangkabau' });
    await expect.poll(() => announced.count()).toBe(1);
    expect(await announced.textContent()).toContain(holder);

    await mine.getByRole('button', { name: 'Batalkan' }).click();
    await expect.poll(() => mine.getByRole('button', { name: 'Batalkan' }).count()).toBe(0);
    await desk.reload();
    await expect.poll(() => desk.getByTestId('announced-visits').textContent()).not.toContain('Bahan skripsi');
  });

  it('signing in as staff in the same browser ends the patron session on the page too', async () => {
    const page = await (await h.browser.newContext()).newPage();
    await patronSignIn(page, 'BUNGHATTA', 'BH-2024-0001');
    await expect.poll(() => page.locator('header').getByRole('link', { name: 'Akun saya' }).count()).toBe(1);
    await staffSignIn(page, 'pustakawan.bunghatta');
    await page.getByRole('button', { name: 'Keluar' }).click();
    // neither the staff member nor the (server-side ended) patron is shown as signed in
    await expect.poll(() => page.locator('header').getByRole('link', { name: 'Portal anggota' }).count()).toBe(1);
    expect(await page.locator('header').getByRole('link', { name: 'Akun saya' }).count()).toBe(0);
    await page.goto(`${h.base}/portal`);
    await expect.poll(() => page.url()).toContain('/portal/login');
  });

  it('shows the portal in English', async () => {
    const page = await (await h.browser.newContext()).newPage();
    await patronSignIn(page, 'UINMY', 'UIN-2301045');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain('Akun saya');
    await page.getByRole('button', { name: 'EN' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain('My account');
    await page.getByRole('link', { name: 'My visits' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain('Announce a visit');
  });
});
