import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PATRON_PASSWORD } from '../src/directory/portal-demo.ts';
import { startTestSimpul, type TestSimpul } from '../test/support.ts';
import { launchBrowser } from './browser.ts';

let s: TestSimpul;
let browser: Browser;
let base: string;

beforeAll(async () => {
  if (!existsSync(path.join(import.meta.dirname, '../web/dist/index.html'))) {
    throw new Error('web/dist is missing: run "npm run build:web" first (npm test does it)');
  }
  s = await startTestSimpul();
  base = await s.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

async function patronSignIn(page: Page, library: string, memberNumber: string, password = DEMO_PATRON_PASSWORD) {
  await page.goto(`${base}/portal/login`);
  await page.getByLabel('Perpustakaan Anda').selectOption(library);
  await page.getByLabel('No. anggota').fill(memberNumber);
  await page.getByLabel('Kata sandi').fill(password);
  await page.getByRole('button', { name: 'Masuk', exact: true }).click();
}

async function staffSignIn(page: Page, username: string) {
  await page.goto(`${base}/login`);
  await page.getByLabel(/Nama pengguna|Username/).fill(username);
  await page.getByLabel(/Kata sandi|Password/).fill('simpul-demo-2026');
  await page.getByRole('button', { name: /^(Masuk|Sign in)$/ }).click();
  await expect.poll(() => page.getByRole('button', { name: 'Keluar' }).count()).toBe(1);
}

describe('patron portal in the browser', () => {
  it('refuses a wrong password in Indonesian, then signs in and shows account, eligibility and cards', async () => {
    const page = await (await browser.newContext()).newPage();
    await patronSignIn(page, 'UPERTIS', 'UPI-2201001', 'bukan-sandinya');
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/salah|tidak/i);
    expect(page.url()).toContain('/portal/login');

    await page.getByLabel('Kata sandi').fill(DEMO_PATRON_PASSWORD);
    await page.getByRole('button', { name: 'Masuk', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain('Akun saya');
    await expect.poll(() => page.getByTestId('eligibility-summary').count()).toBe(1);
    expect(await page.getByTestId('my-card').count()).toBeGreaterThan(0);
    // the NIK never appears whole
    const account = await page.locator('dl.grid2').textContent();
    expect(account).not.toMatch(/\d{16}/);
  });

  it('a cardholder announces a visit, the partner desk sees it, the cardholder cancels it', async () => {
    const patron = await (await browser.newContext()).newPage();
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

    const desk = await (await browser.newContext()).newPage();
    await staffSignIn(desk, 'pustakawan.uinmy');
    await desk.goto(`${base}/programs/desk`);
    const announced = desk.getByTestId('announced-visit').filter({ hasText: 'Bahan skripsi sejarah Minangkabau' });
    await expect.poll(() => announced.count()).toBe(1);
    expect(await announced.textContent()).toContain(holder);

    await mine.getByRole('button', { name: 'Batalkan' }).click();
    await expect.poll(() => mine.getByRole('button', { name: 'Batalkan' }).count()).toBe(0);
    await desk.reload();
    await expect.poll(() => desk.getByTestId('announced-visits').textContent()).not.toContain('Bahan skripsi');
  });

  it('signing in as staff in the same browser ends the patron session on the page too', async () => {
    const page = await (await browser.newContext()).newPage();
    await patronSignIn(page, 'BUNGHATTA', 'BH-2024-0001');
    await expect.poll(() => page.locator('header').getByRole('link', { name: 'Akun saya' }).count()).toBe(1);
    await staffSignIn(page, 'pustakawan.bunghatta');
    await page.getByRole('button', { name: 'Keluar' }).click();
    // neither the staff member nor the (server-side ended) patron is shown as signed in
    await expect.poll(() => page.locator('header').getByRole('link', { name: 'Portal anggota' }).count()).toBe(1);
    expect(await page.locator('header').getByRole('link', { name: 'Akun saya' }).count()).toBe(0);
    await page.goto(`${base}/portal`);
    await expect.poll(() => page.url()).toContain('/portal/login');
  });

  it('shows the portal in English', async () => {
    const page = await (await browser.newContext()).newPage();
    await patronSignIn(page, 'UINMY', 'UIN-2301045');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain('Akun saya');
    await page.getByRole('button', { name: 'EN' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain('My account');
    await page.getByRole('link', { name: 'My visits' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain('Announce a visit');
  });
});
