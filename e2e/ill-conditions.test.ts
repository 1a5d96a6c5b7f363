import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { patronId, supplierIdOf, titleHeldBy } from '../test/ill-support.ts';
import { startBrowserSimpul } from './harness.ts';

const h = startBrowserSimpul();

const state = (page: Page) => page.getByTestId('ill-state').textContent();

/** A request Bung Hatta sends to Perintis (the only holder) through the API; its ids on both sides. */
async function sentToUpertis(title: string, extra: Record<string, unknown>) {
  const { clusterId } = await titleHeldBy(h.s, title, { UPERTIS: 1 });
  const bhApi = await h.s.as('pustakawan.bunghatta');
  const made = await bhApi.post('/api/v1/ill/requests', {
    patronId: await patronId(h.s, 'BH-2024-0001'),
    clusterId,
    send: true,
    ...extra,
  });
  expect(made.status).toBe(201);
  return { id: made.body.id as number, supId: await supplierIdOf(bhApi, made.body.id) };
}

describe('conditional answers and paper copies in the browser', () => {
  it('the lender offers conditions, cannot ship until they are answered; the borrower reads and accepts them; the loan goes on', async () => {
    const { id, supId } = await sentToUpertis('Tenggelamnya Kapal van der Wijck', { serviceType: 'Loan' });
    const up = await h.pageAs('pustakawan.upertis');
    await up.goto(`${h.base}/ill/lending/${supId}`);
    await expect.poll(() => state(up)).toBe('Permintaan diterima');
    await up.getByLabel('Syarat (satu per baris)').fill('Hanya dibaca di ruang baca\nDikembalikan dalam 14 hari');
    await up.getByLabel('Catatan').fill('koleksi langka');
    await up.getByRole('button', { name: 'Ajukan syarat', exact: true }).click();
    await expect.poll(() => state(up)).toBe('Menunggu jawaban atas syarat');
    // nothing ships while the borrower has not answered
    expect(await up.getByRole('button', { name: 'Kirim barang', exact: true }).count()).toBe(0);

    const bh = await h.pageAs('pustakawan.bunghatta');
    await bh.goto(`${h.base}/ill/requests/${id}`);
    await expect.poll(() => state(bh)).toBe('Jawaban bersyarat');
    const body = await bh.locator('main').textContent();
    expect(body).toContain('Hanya dibaca di ruang baca; Dikembalikan dalam 14 hari');
    expect(body).toContain('koleksi langka');
    await bh.getByRole('button', { name: 'Terima syarat', exact: true }).click();
    await expect.poll(() => state(bh)).toBe('Akan dipenuhi');

    await up.reload();
    await expect.poll(() => state(up)).toBe('Akan dipenuhi');
    await up.getByRole('button', { name: 'Kirim barang', exact: true }).click();
    await expect.poll(() => state(up)).toBe('Dipinjamkan');
    await bh.reload();
    await expect.poll(() => state(bh)).toBe('Dikirim');
    await up.context().close();
    await bh.context().close();
  });

  it('the borrower rejects the conditions: the lender withdraws, no other library holds the title, so the request is unfilled', async () => {
    const { id, supId } = await sentToUpertis('Siti Nurbaya Kasih Tak Sampai', { serviceType: 'Loan' });
    const upApi = await h.s.as('pustakawan.upertis');
    const offered = await upApi.post(`/api/v1/ill/supplier-requests/${supId}/actions/offerConditions`, {
      conditions: ['Biaya kirim ditanggung peminjam'],
    });
    expect(offered.status).toBe(200);

    const bh = await h.pageAs('pustakawan.bunghatta');
    await bh.goto(`${h.base}/ill/requests/${id}`);
    await expect.poll(() => state(bh)).toBe('Jawaban bersyarat');
    expect(await bh.locator('main').textContent()).toContain('Biaya kirim ditanggung peminjam');
    await bh.getByLabel('Catatan').fill('tidak ada anggaran kirim');
    await bh.getByRole('button', { name: 'Tolak syarat', exact: true }).click();
    // the lender withdraws at once, and no other library holds the title
    await expect.poll(() => state(bh)).toBe('Tidak terpenuhi');
    expect(await bh.getByRole('button', { name: 'Terima syarat', exact: true }).count()).toBe(0);

    const up = await h.pageAs('pustakawan.upertis');
    await up.goto(`${h.base}/ill/lending/${supId}`);
    await expect.poll(() => state(up)).toBe('Dibatalkan');
    expect(await up.getByRole('button', { name: 'Kirim barang', exact: true }).count()).toBe(0);
    await up.context().close();
    await bh.context().close();
  });

  it('a copy on paper: the lender has no file to upload and sends it as delivered; the borrower sees the request done, with no file to download', async () => {
    const { id, supId } = await sentToUpertis('Layar Terkembang', {
      serviceType: 'Copy',
      copyDelivery: 'paper',
      citation: { articleTitle: 'Bab 1', pages: '1-20' },
      copyrightDeclaration: { accepted: true },
    });
    const up = await h.pageAs('pustakawan.upertis');
    await up.goto(`${h.base}/ill/lending/${supId}`);
    await expect.poll(() => state(up)).toBe('Permintaan diterima');
    expect(await up.locator('main').textContent()).toContain('Kertas');
    // no file to upload for paper
    expect(await up.getByRole('button', { name: 'Unggah', exact: true }).count()).toBe(0);
    await up.getByRole('button', { name: 'Kirim salinan', exact: true }).click();
    await expect.poll(() => state(up)).toBe('Salinan terkirim');

    const bh = await h.pageAs('pustakawan.bunghatta');
    await bh.goto(`${h.base}/ill/requests/${id}`);
    await expect.poll(() => state(bh)).toBe('Selesai');
    expect(await bh.locator('main').textContent()).toContain('Kertas');
    // no file link for a paper copy
    expect(await bh.getByRole('link', { name: /\.pdf$/ }).count()).toBe(0);
    await up.context().close();
    await bh.context().close();
  });
});
