import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { DEMO_PASSWORD } from '../src/demo/seed.ts';
import { startTestSimpul, type TestSimpul } from '../test/support.ts';
import { launchBrowser } from './browser.ts';

export interface BrowserSimpul {
  /** The Simpul under test (set once beforeAll has run). */
  readonly s: TestSimpul;
  /** Its address on loopback, e.g. http://127.0.0.1:41234 */
  readonly base: string;
  readonly browser: Browser;
  /** Signs a staff member in on this page and waits until the header shows it. */
  signIn(page: Page, username: string, password?: string): Promise<void>;
  /** A page in a fresh browser context (its own cookies), signed in as this staff member. */
  pageAs(username: string): Promise<Page>;
  /** A page in a fresh browser context, signed in as nobody. */
  freshPage(): Promise<Page>;
  /**
   * On the import page with a file chosen: presses "Unggah dan impor", runs the queued import (the job
   * runner is not started in tests) and waits until the batch report says it is done; returns the report.
   */
  importFile(page: Page): Promise<Locator>;
}

/**
 * One Simpul on loopback and one headless Chromium per test file: registers
 * beforeAll/afterAll and gives the file its handles. Options go to startTestSimpul.
 */
export function startBrowserSimpul(opts: Parameters<typeof startTestSimpul>[0] = {}): BrowserSimpul {
  let s: TestSimpul | undefined;
  let browser: Browser | undefined;
  let base = '';

  beforeAll(async () => {
    if (!existsSync(path.join(import.meta.dirname, '../web/dist/index.html'))) {
      throw new Error('web/dist is missing: run "npm run build:web" first (npm test does it)');
    }
    s = await startTestSimpul(opts);
    base = await s.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await s?.stop();
  });

  const h: BrowserSimpul = {
    get s() {
      if (!s) throw new Error('Simpul not started yet (use it inside a test or a hook)');
      return s;
    },
    get base() {
      return base;
    },
    get browser() {
      if (!browser) throw new Error('browser not started yet (use it inside a test or a hook)');
      return browser;
    },
    async signIn(page, username, password = DEMO_PASSWORD) {
      await page.goto(`${base}/login`);
      await page.getByLabel(/Nama pengguna|Username/).fill(username);
      await page.getByLabel(/Kata sandi|Password/).fill(password);
      await page.getByRole('button', { name: /^(Masuk|Sign in)$/ }).click();
      // A staff-only link, not the sign-out button: a patron signed in on this page has one of those too,
      // and clicking it before the staff sign-in lands would sign the patron out instead.
      await expect.poll(() => page.locator('header a[href="/imports"]').count()).toBe(1);
    },
    async pageAs(username) {
      const page = await h.freshPage();
      await h.signIn(page, username);
      return page;
    },
    async freshPage() {
      return (await h.browser.newContext()).newPage();
    },
    async importFile(page) {
      await page.getByRole('button', { name: 'Unggah dan impor' }).click();
      const batch = page.getByTestId('batch');
      await expect
        .poll(async () => (await h.s.jobs.drain()) >= 0 && (await batch.textContent()), { timeout: 15_000 })
        .toContain('selesai');
      return batch;
    },
  };
  return h;
}
