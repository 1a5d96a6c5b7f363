import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { makeTitle } from '../test/programs-support.ts';
import { startBrowserSimpul } from './harness.ts';

const h = startBrowserSimpul();

const login = (page: Page, username: string) => h.signIn(page, username);

async function as(username: string) {
  const context = await h.browser.newContext();
  const page = await context.newPage();
  await login(page, username);
  return { context, page };
}

describe('exchange and redistribution in the browser', () => {
  it('offers a publication, a partner requests it, it is agreed, shipped and received; the ledger shows it', async () => {
    const sw = await as('pustakawan.sawahlunto');
    await sw.page.goto(`${h.base}/programs/exchange`);
    await sw.page.getByLabel('Judul terbitan').fill('Buletin Arsip Ombilin 2026');
    await sw.page.getByLabel('Eksemplar tersedia').fill('4');
    await sw.page.getByRole('button', { name: 'Simpan' }).click();
    await expect.poll(() => sw.page.getByTestId('exchange-offers').textContent()).toContain('Buletin Arsip Ombilin');

    const bh = await as('pustakawan.bunghatta');
    await bh.page.goto(`${h.base}/programs/exchange`);
    await bh.page.getByLabel('Cari').fill('ombilin');
    await bh.page.getByRole('button', { name: 'Cari' }).click();
    const row = bh.page.getByTestId('exchange-offers').locator('tbody tr', { hasText: 'Buletin Arsip Ombilin' });
    await expect.poll(() => row.count()).toBe(1);
    await row.getByRole('button', { name: 'Minta' }).click();
    await row.getByLabel('Eksemplar').fill('2');
    await row.getByRole('button', { name: 'Minta' }).click();
    const requests = bh.page.getByTestId('exchange-requests');
    await expect.poll(() => requests.textContent()).toContain('Diminta');

    await sw.page.goto(`${h.base}/programs/exchange?direction=incoming&status=requested`);
    await sw.page.getByTestId('exchange-requests').getByRole('link', { name: 'Buletin Arsip Ombilin 2026' }).click();
    await sw.page.getByRole('button', { name: 'Setujui' }).click();
    await expect.poll(() => sw.page.getByTestId('request-status').textContent()).toBe('Disetujui');
    await sw.page.getByRole('button', { name: 'Kirim' }).click();
    await expect.poll(() => sw.page.getByTestId('request-status').textContent()).toBe('Dikirim');
    // once shipped, shipping is no longer offered
    expect(await sw.page.getByRole('button', { name: 'Kirim' }).count()).toBe(0);

    await requests.getByRole('link', { name: 'Buletin Arsip Ombilin 2026' }).click();
    await bh.page.getByRole('button', { name: 'Terima' }).click();
    await expect.poll(() => bh.page.getByTestId('request-status').textContent()).toBe('Diterima');

    await bh.page.goto(`${h.base}/programs/exchange/ledger`);
    const line = bh.page.getByTestId('ledger-SAWAHLUNTO');
    await expect.poll(() => line.count()).toBe(1);
    // the demo's yearly report and this bulletin: two titles received, none sent, at 1:1
    expect(await line.locator('td').nth(1).textContent()).toBe('1:1');
    await expect.poll(() => line.getByTestId('owed-by-us').textContent()).toBe('2');
    await line.getByRole('button').click();
    await expect
      .poll(() => bh.page.getByTestId('ledger-entries').textContent())
      .toContain('Buletin Arsip Ombilin 2026');
    // the figures page carries the exchange per partner
    await bh.page.goto(`${h.base}/programs/figures`);
    await expect.poll(() => bh.page.getByTestId('ledger').textContent()).toContain('Sawahlunto');
    await sw.context.close();
    await bh.context.close();
  });

  it('lists a duplicate, a library without the title claims it, it is allocated, shipped and received into its holdings', async () => {
    const [itemId] = await makeTitle(h.s, 'BUNGHATTA', { title: 'Rumah Gadang: Arsitektur Minangkabau', copies: 2 });
    const it = await h.s.ctx.database.db
      .selectFrom('items')
      .select('barcode')
      .where('id', '=', itemId as number)
      .executeTakeFirstOrThrow();
    const bh = await as('pustakawan.bunghatta');
    await bh.page.goto(`${h.base}/programs/redistribution`);
    await bh.page.getByLabel('Judul daftar').fill('Koleksi ganda uji peramban');
    await bh.page.getByLabel('Aturan alokasi').selectOption('no_copy_first');
    await bh.page.getByRole('button', { name: 'Buat daftar' }).click();
    await expect.poll(() => bh.page.locator('h1').textContent()).toBe('Koleksi ganda uji peramban');
    await bh.page.getByLabel('Eksemplar dari katalog (barkode)').fill(it.barcode ?? '');
    await bh.page.getByRole('button', { name: 'Tambah baris' }).click();
    await expect.poll(() => bh.page.getByTestId('lines').textContent()).toContain('Rumah Gadang');
    await bh.page.getByRole('button', { name: 'Terbitkan' }).click();
    await expect.poll(() => bh.page.getByTestId('list-status').textContent()).toBe('Diterbitkan');
    const url = bh.page.url();

    const pyk = await as('pustakawan.payakumbuh');
    await pyk.page.goto(`${h.base}/programs/redistribution?newForMe=true`);
    await pyk.page.getByRole('link', { name: 'Koleksi ganda uji peramban' }).click();
    const lines = pyk.page.getByTestId('lines');
    await expect.poll(() => lines.textContent()).toContain('Belum dimiliki');
    await lines.getByRole('button', { name: 'Klaim' }).click();
    await expect.poll(() => lines.textContent()).toContain('Klaim kami: Diklaim');

    await bh.page.goto(url);
    await bh.page.getByRole('button', { name: 'Alokasikan klaim' }).click();
    await expect.poll(() => bh.page.getByTestId('lines').textContent()).toContain('Dialokasikan');
    await bh.page.getByTestId('lines').getByRole('button', { name: 'Kirim' }).click();
    await expect.poll(() => bh.page.getByTestId('lines').textContent()).toContain('Dikirim');

    await pyk.page.goto(`${h.base}/programs/redistribution`);
    const claims = pyk.page.getByTestId('claims');
    await expect.poll(() => claims.textContent()).toContain('Rumah Gadang');
    await claims.getByRole('button', { name: 'Terima' }).click();
    await expect.poll(() => claims.textContent()).toContain('Diterima');
    const moved = await h.s.ctx.database.db
      .selectFrom('items as i')
      .innerJoin('libraries as l', 'l.id', 'i.library_id')
      .select(['l.code', 'i.status'])
      .where('i.id', '=', itemId as number)
      .executeTakeFirstOrThrow();
    expect(moved).toEqual({ code: 'PAYAKUMBUH', status: 'available' });
    await pyk.context.close();
    await bh.context.close();
  });
});
