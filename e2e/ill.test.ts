import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { catalogMatcher } from '../src/catalog/match.ts';
import type { Bib } from '../src/catalog/types.ts';
import { DEMO_PATRON_PASSWORD } from '../src/directory/portal-demo.ts';
import { clusterForCitation } from '../src/ill/citation-match.ts';
import { proposeRota } from '../src/ill/selection.ts';
import { hashPassword } from '../src/platform/auth.ts';
import { load } from '../test/catalog-fixtures.ts';
import { libraryId, patronId, supplierIdOf } from '../test/ill-support.ts';
import { startBrowserSimpul } from './harness.ts';

const h = startBrowserSimpul({ demoCatalog: true });

/** A staff member signed in, in a browser context of her own. */
async function as(username: string) {
  const page = await h.pageAs(username);
  return { context: page.context(), page };
}

/** A demo title only UPERTIS holds, with an available loanable copy; the least asked for first. */
async function titleOnlyUpertisHolds(): Promise<{ clusterId: number; title: string }> {
  const r = await sql<{ id: number; title: string }>`
    select c.id, c.title from clusters c
    where exists (select 1 from items i join libraries l on l.id = i.library_id
                  where i.cluster_id = c.id and l.code = 'UPERTIS' and i.status = 'available' and i.loanable)
      and not exists (select 1 from items i join libraries l on l.id = i.library_id
                      where i.cluster_id = c.id and l.code <> 'UPERTIS')
    order by (select count(*) from ill_requests q where q.cluster_id = c.id), c.id limit 1`.execute(
    h.s.ctx.database.db,
  );
  const row = r.rows[0];
  if (!row) throw new Error('the demo catalog has no title only UPERTIS lends');
  return { clusterId: Number(row.id), title: row.title };
}

/**
 * A demo title with an ISBN that libraries lending in ILL (not Bung Hatta) hold on the shelf, the most such
 * lenders first, whose title and first author typed without the ISBN match it (and it alone).
 */
async function titleWithIsbnOthersLend(): Promise<{ clusterId: number; title: string; author: string; isbn: string }> {
  const r = await sql<{ id: number; title: string; author: string | null; isbn: string }>`
    select c.id, c.display->>'title' as title, c.display->'authors'->>0 as author, c.isbns[1] as isbn from clusters c
      join lateral (select count(distinct i.library_id) as n from items i join libraries l on l.id = i.library_id
                    where i.cluster_id = c.id and i.status = 'available' and i.loanable and l.code <> 'BUNGHATTA'
                      and 'ill_lending' = any(l.services)) lenders on true
    where cardinality(c.isbns) > 0 and lenders.n > 0
    order by lenders.n desc, (select count(*) from ill_requests q where q.cluster_id = c.id), c.id limit 20`.execute(
    h.s.ctx.database.db,
  );
  for (const row of r.rows) {
    if (!row.author) continue;
    const m = await clusterForCitation(h.s.ctx.database.db, { title: row.title, author: row.author });
    if (m?.by === 'title_author' && m.clusterId === Number(row.id))
      return { clusterId: Number(row.id), title: row.title, author: row.author, isbn: row.isbn };
  }
  throw new Error('the demo catalog has no title with an ISBN that another library lends and its author matches');
}

const state = (page: Page) => page.getByTestId('ill-state').textContent();

describe('interlibrary loan in the browser', () => {
  it('a loan from the request form through shipping, receipt and return; a refused action shows why; the pick slip prints', async () => {
    const { title } = await titleOnlyUpertisHolds();
    const word = title.split(/\s+/).find((w) => w.length >= 4) ?? title;

    const bh = await as('pustakawan.bunghatta');
    await bh.page.goto(`${h.base}/ill`);
    await bh.page.getByRole('link', { name: 'Permintaan baru' }).click();
    await bh.page.getByLabel('Cari anggota perpustakaan Anda').fill('Fadli');
    await bh.page.getByTestId('patron-picker').getByRole('button', { name: 'Cari' }).click();
    await bh.page.getByTestId('patron-picker').getByRole('button', { name: 'Pilih' }).first().click();
    await expect.poll(() => bh.page.getByTestId('ill-eligibility').textContent()).toContain('Boleh mengajukan');
    await bh.page.getByLabel('Cari judul di katalog induk').fill(word);
    await bh.page.getByTestId('title-picker').getByRole('button', { name: 'Cari' }).click();
    await bh.page
      .getByTestId('title-picker')
      .locator('li', { hasText: title })
      .first()
      .getByRole('button', { name: 'Pilih' })
      .click();
    // the proposed rota, with the lender and its reasons, before anything is sent
    await expect.poll(() => bh.page.getByTestId('rota-editor').textContent()).toContain('Perintis');
    await bh.page.getByLabel('Catatan').fill('untuk skripsi');
    await bh.page.getByRole('button', { name: 'Simpan dan kirim' }).click();
    await expect.poll(() => state(bh.page)).toBe('Terkirim ke pemberi pinjaman');
    expect(await bh.page.getByTestId('ill-rota').textContent()).toContain('sedang ditanya');
    const requestUrl = bh.page.url();
    expect(requestUrl).toMatch(/\/ill\/requests\/\d+$/);

    // the lender sees it in its incoming queue
    const swl = await as('pustakawan.upertis');
    await swl.page.goto(`${h.base}/ill/incoming`);
    await expect.poll(() => swl.page.getByTestId('tab-incoming').textContent()).toMatch(/\d+ aktif/);
    const queue = swl.page.getByTestId('queue-incoming');
    await queue.getByRole('link', { name: title }).first().click();
    await expect.poll(() => state(swl.page)).toBe('Permintaan diterima');

    // the pick slip, printed: the page's chrome is hidden in print
    await swl.page.getByRole('link', { name: 'Slip pengambilan' }).click();
    await expect.poll(() => swl.page.getByTestId('pick-slip').textContent()).toContain(title);
    expect(await swl.page.getByTestId('pick-slip').textContent()).toContain('Bung Hatta');
    await swl.page.evaluate(() => {
      (window as unknown as { printed: number }).printed = 0;
      window.print = () => {
        (window as unknown as { printed: number }).printed++;
      };
    });
    await swl.page.getByRole('button', { name: 'Cetak' }).click();
    expect(await swl.page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
    await swl.page.emulateMedia({ media: 'print' });
    expect(await swl.page.locator('header.top').isVisible()).toBe(false);
    expect(await swl.page.getByRole('button', { name: 'Cetak' }).isVisible()).toBe(false);
    expect(await swl.page.getByTestId('pick-slip').isVisible()).toBe(true);
    await swl.page.emulateMedia({ media: 'screen' });
    await swl.page.goBack();

    // the lender ships with a due date
    const due = new Date(Date.now() + 21 * 86_400_000).toISOString().slice(0, 10);
    await swl.page.getByLabel('Tanggal jatuh tempo').fill(due);
    await swl.page.getByRole('button', { name: 'Kirim barang', exact: true }).click();
    await expect.poll(() => state(swl.page)).toBe('Dipinjamkan');
    expect(await swl.page.getByTestId('ill-due').textContent()).toBe(due);

    // the borrower's page still offers cancel; the server refuses it now, in Indonesian
    await bh.page.getByRole('button', { name: 'Batalkan permintaan', exact: true }).click();
    await expect
      .poll(() => bh.page.getByTestId('ill-actions').getByRole('alert').textContent())
      .toContain('tidak dapat dibatalkan setelah buku dikirim');
    await expect.poll(() => state(bh.page)).toBe('Dikirim');
    await bh.page.getByRole('button', { name: 'Tandai diterima', exact: true }).click();
    await expect.poll(() => state(bh.page)).toBe('Diterima');
    expect(await bh.page.getByTestId('ill-due').textContent()).toBe(due);
    await bh.page.getByRole('button', { name: 'Kirim kembali', exact: true }).click();
    await expect.poll(() => state(bh.page)).toBe('Dikirim kembali');

    // the lender checks it in; both timelines tell the story with who did what
    await swl.page.reload();
    await expect.poll(() => state(swl.page)).toBe('Dalam perjalanan kembali');
    await swl.page.getByRole('button', { name: 'Terima kembali (check-in)' }).click();
    await expect.poll(() => state(swl.page)).toBe('Peminjaman selesai');
    await bh.page.reload();
    await expect.poll(() => state(bh.page)).toBe('Selesai');
    const timeline = await bh.page.getByTestId('ill-timeline').textContent();
    expect(timeline).toContain('receive');
    expect(timeline).toContain('Nurul Aini');

    // the outgoing queue lists it as closed; the English toggle works on the workspace
    await bh.page.goto(`${h.base}/ill?status=closed`);
    await expect.poll(() => bh.page.getByTestId('queue-outgoing').textContent()).toContain(title);
    await bh.page.getByRole('button', { name: 'EN', exact: true }).click();
    await expect.poll(() => bh.page.getByTestId('tab-outgoing').textContent()).toContain('Outgoing requests');
    expect(await bh.page.getByTestId('queue-outgoing').textContent()).toContain('Completed');
    await bh.page.getByRole('button', { name: 'ID', exact: true }).click();
    await bh.context.close();
    await swl.context.close();
  });

  it('a patron asks from a record page, sees it under my requests and cancels it', async () => {
    const { clusterId, title } = await titleOnlyUpertisHolds();
    const context = await h.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${h.base}/portal/login`);
    await page.getByLabel('Perpustakaan Anda').selectOption('BUNGHATTA');
    await page.getByLabel('No. anggota').fill('BH-2024-0001');
    await page.getByLabel('Kata sandi').fill(DEMO_PATRON_PASSWORD);
    await page.getByRole('button', { name: 'Masuk', exact: true }).click();
    await expect.poll(() => page.url()).toMatch(/\/portal$/);

    await page.goto(`${h.base}/catalog/${clusterId}`);
    const ask = page.getByTestId('ill-ask');
    await ask.getByRole('button', { name: 'Minta pinjam antarperpustakaan' }).click();
    await ask.getByLabel('Catatan').fill('untuk tugas akhir');
    await ask.getByRole('button', { name: 'Minta pinjam antarperpustakaan' }).click();
    await expect.poll(() => ask.getByRole('status').textContent()).toContain('Permintaan Anda dikirim');

    await ask.getByRole('link', { name: 'Lihat permintaan saya' }).click();
    const mine = page.getByTestId('my-requests');
    const row = mine.locator('tr', { hasText: title });
    await expect.poll(() => row.getByTestId('my-request-state').textContent()).toBe('Siap dikirim');
    await row.getByRole('button', { name: 'Batalkan' }).click();
    await expect.poll(() => row.getByTestId('my-request-state').textContent()).toBe('Dibatalkan');
    expect(await row.getByRole('button', { name: 'Batalkan' }).count()).toBe(0);
    // the portal tab leads there too
    await page.goto(`${h.base}/portal`);
    await page.getByRole('link', { name: 'Permintaan saya' }).click();
    await expect.poll(() => page.getByTestId('my-requests').textContent()).toContain(title);
    await context.close();
  });
  it('a patron whose card has expired sees why she may not ask and what to do, in her language, and no ask button', async () => {
    const { clusterId } = await titleOnlyUpertisHolds();
    const db = h.s.ctx.database.db;
    // Aulia's card at UIN Mahmud Yunus ran out on 2025-08-31; she may still sign in to the portal.
    const aulia = await db
      .selectFrom('patrons as p')
      .innerJoin('libraries as l', 'l.id', 'p.library_id')
      .select('p.id')
      .where('l.code', '=', 'UINMY')
      .where('p.member_number', '=', 'UIN-2301046')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('patron_credentials')
      .values({
        patron_id: aulia.id,
        password_hash: await hashPassword(DEMO_PATRON_PASSWORD),
        password_set_at: new Date(),
        password_set_by: 'staff',
      })
      .execute();
    const context = await h.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${h.base}/portal/login`);
    await page.getByLabel('Perpustakaan Anda').selectOption('UINMY');
    await page.getByLabel('No. anggota').fill('UIN-2301046');
    await page.getByLabel('Kata sandi').fill(DEMO_PATRON_PASSWORD);
    await page.getByRole('button', { name: 'Masuk', exact: true }).click();
    await expect.poll(() => page.url()).toMatch(/\/portal$/);

    await page.goto(`${h.base}/catalog/${clusterId}`);
    const why = page.getByTestId('ill-why-not');
    const expired = why.locator('li[data-code=card_expired]');
    await expect.poll(() => expired.count()).toBe(1);
    expect(await expired.textContent()).toContain('kedaluwarsa');
    expect(await expired.textContent()).toContain('2025-08-31');
    expect(await why.textContent()).toContain('Anda belum dapat meminta judul ini');
    expect(await page.getByRole('button', { name: 'Minta pinjam antarperpustakaan' }).count()).toBe(0);
    // in English too
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await expect.poll(() => expired.textContent()).toContain('expired on 2025-08-31');
    expect(await expired.textContent()).toContain("Renew your card at your library's desk");
    // asking anyway (the API directly) is refused with the same reason, and nothing is stored
    const patronApi = await h.s.asPatron('UINMY', 'UIN-2301046');
    const tried = await patronApi.post('/api/v1/ill/my-requests', { clusterId, serviceType: 'Loan' });
    expect(tried.status).toBe(409);
    expect(tried.body.error.code).toBe('card_expired');
    expect(await db.selectFrom('ill_requests').select('id').where('patron_id', '=', aulia.id).execute()).toEqual([]);
    await context.close();
  });

  it('a copy: local-copy warning, staff reorder and trim the rota, the lender uploads the file and delivers it, the borrower downloads it', async () => {
    const lenders: Record<string, string> = {
      'Perpustakaan Nasional Republik Indonesia': 'admin.perpusnas',
      'Dinas Perpustakaan dan Kearsipan Kota Sawahlunto': 'pustakawan.sawahlunto',
      'Perpustakaan UIN Mahmud Yunus Batusangkar': 'pustakawan.uinmy',
      'Perpustakaan Universitas Perintis Indonesia': 'pustakawan.upertis',
      'Perpustakaan Umum Daerah Kota Payakumbuh': 'pustakawan.payakumbuh',
    };
    const bh = await as('pustakawan.bunghatta');
    await bh.page.goto(`${h.base}/ill/new`);
    await bh.page.getByLabel('Cari anggota perpustakaan Anda').fill('BH-2024-0001');
    await bh.page.getByTestId('patron-picker').getByRole('button', { name: 'Cari' }).click();
    await bh.page.getByTestId('patron-picker').getByRole('button', { name: 'Pilih' }).first().click();
    await bh.page.getByLabel('Cari judul di katalog induk').fill('memoir hatta');
    await bh.page.getByTestId('title-picker').getByRole('button', { name: 'Cari' }).click();
    await bh.page
      .getByTestId('title-picker')
      .locator('li', { hasText: 'Memoir Mohammad Hatta' })
      .first()
      .getByRole('button', { name: 'Pilih' })
      .click();
    // Bung Hatta holds the title itself: the form warns before anything is sent
    await expect.poll(() => bh.page.getByTestId('warning-local_copy_available').count()).toBe(1);
    const editor = bh.page.getByTestId('rota-editor');
    await expect.poll(() => editor.locator('li').count()).toBeGreaterThan(1);
    const proposed = await editor.locator('li > strong').allTextContents();
    await editor.locator('li').first().getByRole('button', { name: /Turun/ }).click();
    const wanted = [proposed[1], proposed[0], ...proposed.slice(2)] as string[];
    expect(await editor.locator('li > strong').allTextContents()).toEqual(wanted);

    await bh.page.getByLabel('Salinan (artikel/bab)').check();
    await bh.page.getByLabel('Judul artikel/bab').fill('Bab 3: Di Belanda');
    await bh.page.getByLabel('Halaman', { exact: true }).fill('45-78');
    await bh.page.getByLabel(/UU No. 28 Tahun 2014/).check();
    await bh.page.getByRole('button', { name: 'Simpan tanpa mengirim' }).click();
    await expect.poll(() => state(bh.page)).toBe('Siap dikirim');
    expect(await bh.page.getByTestId('ill-warnings').textContent()).toBeTruthy();
    const rota = bh.page.getByTestId('ill-rota');
    expect(await rota.locator('li > strong').allTextContents()).toEqual(wanted);

    // trim the rota to its first lender on the request page, then send
    await bh.page.getByRole('button', { name: 'Ubah urutan' }).click();
    while ((await bh.page.getByTestId('rota-editor').locator('li').count()) > 1) {
      await bh.page.getByTestId('rota-editor').locator('li').last().getByRole('button', { name: 'Hapus' }).click();
    }
    await bh.page.getByRole('button', { name: 'Simpan urutan' }).click();
    await expect.poll(() => rota.locator('li > strong').allTextContents()).toEqual([wanted[0]]);
    await bh.page.getByRole('button', { name: 'Kirim ke pemberi pinjaman', exact: true }).click();
    await expect.poll(() => state(bh.page)).toBe('Terkirim ke pemberi pinjaman');

    const lenderUser = lenders[wanted[0] as string];
    expect(lenderUser, wanted[0]).toBeTruthy();
    const ln = await as(lenderUser as string);
    await ln.page.goto(`${h.base}/ill/incoming?serviceType=Copy`);
    await ln.page.getByTestId('queue-incoming').getByRole('link', { name: 'Memoir Mohammad Hatta' }).first().click();
    await expect.poll(() => state(ln.page)).toBe('Permintaan diterima');
    // delivering before the file is there is refused with the reason
    await ln.page.getByRole('button', { name: 'Kirim salinan', exact: true }).click();
    await expect.poll(() => ln.page.getByTestId('ill-actions').getByRole('alert').count()).toBe(1);
    await ln.page.getByLabel('Unggah berkas salinan (PDF, JPEG, PNG)').setInputFiles({
      name: 'bab-3.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1'),
    });
    await ln.page.getByRole('button', { name: 'Unggah', exact: true }).click();
    await expect.poll(() => ln.page.getByRole('link', { name: 'bab-3.pdf' }).count()).toBe(1);
    await ln.page.getByRole('button', { name: 'Kirim salinan', exact: true }).click();
    await expect.poll(() => state(ln.page)).toBe('Salinan terkirim');

    await bh.page.reload();
    const link = bh.page.getByRole('link', { name: 'bab-3.pdf' });
    await expect.poll(() => link.count()).toBe(1);
    const href = await link.getAttribute('href');
    const file = await bh.context.request.get(`${h.base}${href}`);
    expect(file.status()).toBe(200);
    expect((await file.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // on a phone the workspace does not overflow sideways: its table scrolls in its own box
    await bh.page.setViewportSize({ width: 375, height: 800 });
    await bh.page.goto(`${h.base}/ill?status=open`);
    await expect.poll(() => bh.page.getByTestId('queue-outgoing').count()).toBe(1);
    const overflow = await bh.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    const wide = await bh.page.evaluate(() =>
      [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.scroll'))
        .map((e) => `${e.tagName}.${e.className}:${Math.round(e.getBoundingClientRect().right)}`)
        .slice(0, 15),
    );
    expect(wide).toEqual([]);
    expect(overflow).toBeLessThanOrEqual(1);
    await bh.context.close();
    await ln.context.close();
  });
  it('a renewal asked and granted with a new due date, a recall, the item reported lost and its charge settled', async () => {
    // the loan up to shipped through the API; the rest in the browser
    const { clusterId } = await titleOnlyUpertisHolds();
    const bhApi = await h.s.as('pustakawan.bunghatta');
    const upApi = await h.s.as('pustakawan.upertis');
    const made = await bhApi.post('/api/v1/ill/requests', {
      patronId: await patronId(h.s, 'BH-2024-0001'),
      clusterId,
      serviceType: 'Loan',
      send: true,
    });
    expect(made.status).toBe(201);
    const supId = await supplierIdOf(bhApi, made.body.id);
    expect((await upApi.post(`/api/v1/ill/supplier-requests/${supId}/actions/ship`, {})).status).toBe(200);
    expect((await bhApi.post(`/api/v1/ill/requests/${made.body.id}/actions/receive`, {})).status).toBe(200);

    const bh = await as('pustakawan.bunghatta');
    const up = await as('pustakawan.upertis');
    await bh.page.goto(`${h.base}/ill/requests/${made.body.id}`);
    await expect.poll(() => state(bh.page)).toBe('Diterima');
    await bh.page.getByLabel('Catatan').fill('masih dipakai untuk penelitian');
    await bh.page.getByRole('button', { name: 'Minta perpanjangan', exact: true }).click();
    await expect.poll(() => state(bh.page)).toBe('Perpanjangan diminta');

    await up.page.goto(`${h.base}/ill/lending/${supId}`);
    await expect.poll(() => state(up.page)).toBe('Perpanjangan diminta');
    const newDue = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
    await up.page.getByLabel('Tanggal jatuh tempo').fill(newDue);
    await up.page.getByRole('button', { name: 'Setujui perpanjangan', exact: true }).click();
    await expect.poll(() => state(up.page)).toBe('Dipinjamkan');
    expect(await up.page.getByTestId('ill-due').textContent()).toBe(newDue);
    await bh.page.reload();
    await expect.poll(() => state(bh.page)).toBe('Diterima');
    expect(await bh.page.getByTestId('ill-due').textContent()).toBe(newDue);

    await up.page.getByRole('button', { name: 'Tarik kembali', exact: true }).click();
    await expect.poll(() => state(up.page)).toBe('Ditarik kembali');
    await bh.page.reload();
    await expect.poll(() => state(bh.page)).toBe('Ditarik kembali');
    await bh.page.getByLabel('Catatan').fill('hilang di perjalanan');
    await bh.page.getByRole('button', { name: 'Laporkan hilang', exact: true }).click();
    await expect.poll(() => state(bh.page)).not.toBe('Ditarik kembali');

    await up.page.reload();
    await expect.poll(() => state(up.page)).toBe('Selesai tanpa pengembalian');
    const charges = up.page.getByTestId('ill-charges');
    await expect.poll(() => charges.textContent()).toContain('Hilang');
    expect(await charges.textContent()).toContain('terbuka');
    await charges.getByRole('button', { name: 'Selesaikan' }).click();
    await expect.poll(() => charges.textContent()).toContain('diselesaikan');
    expect(await charges.getByRole('button', { name: 'Selesaikan' }).count()).toBe(0);
    // the borrower sees the charge, without the lender's buttons
    await bh.page.reload();
    await expect.poll(() => bh.page.getByTestId('ill-charges').textContent()).toContain('diselesaikan');
    expect(await bh.page.getByTestId('ill-charges').getByRole('button').count()).toBe(0);
    await bh.context.close();
    await up.context.close();
  });
  it('an unfilled request is sent again to a lender staff choose', async () => {
    const { clusterId } = await titleOnlyUpertisHolds();
    const bhApi = await h.s.as('pustakawan.bunghatta');
    const upApi = await h.s.as('pustakawan.upertis');
    const made = await bhApi.post('/api/v1/ill/requests', {
      patronId: await patronId(h.s, 'BH-2024-0001'),
      clusterId,
      serviceType: 'Loan',
      send: true,
    });
    const supId = await supplierIdOf(bhApi, made.body.id);
    const unfilled = await upApi.post(`/api/v1/ill/supplier-requests/${supId}/actions/unfilled`, { reason: 'rusak' });
    expect(unfilled.status).toBe(200);

    const bh = await as('pustakawan.bunghatta');
    await bh.page.goto(`${h.base}/ill/requests/${made.body.id}`);
    await expect.poll(() => state(bh.page)).toBe('Tidak terpenuhi');
    const pick = bh.page.getByTestId('resend-lenders');
    await pick
      .getByLabel('Tambah pemberi pinjaman')
      .selectOption({ label: 'Perpustakaan Umum Daerah Kota Payakumbuh' });
    await pick.getByRole('button', { name: 'Tambah pemberi pinjaman', exact: true }).click();
    await bh.page.getByRole('button', { name: 'Kirim ulang ke pemberi pinjaman lain', exact: true }).click();
    await expect.poll(() => state(bh.page)).toBe('Terkirim ke pemberi pinjaman');
    const current = bh.page.getByTestId('ill-rota').locator('li', { hasText: 'sedang ditanya' });
    expect(await current.textContent()).toContain('Payakumbuh');
    await bh.context.close();
  });
  it('a typed citation shows the lenders that would be asked before it is saved, and the saved request asks them', async () => {
    const { clusterId, title, author, isbn } = await titleWithIsbnOthersLend();
    const expected = await proposeRota(h.s.ctx.database.db, await libraryId(h.s, 'BUNGHATTA'), clusterId);
    const names = expected.rota.map((r) => r.libraryName);
    expect(names.length).toBeGreaterThan(0);

    const requests = async () =>
      Number(
        (await sql<{ n: number }>`select count(*)::int as n from ill_requests`.execute(h.s.ctx.database.db)).rows[0]?.n,
      );
    const before = await requests();
    const bh = await as('pustakawan.bunghatta');
    await bh.page.goto(`${h.base}/ill/new`);
    await bh.page.getByLabel('Cari anggota perpustakaan Anda').fill('BH-2024-0001');
    await bh.page.getByTestId('patron-picker').getByRole('button', { name: 'Cari' }).click();
    await bh.page.getByTestId('patron-picker').getByRole('button', { name: 'Pilih' }).first().click();
    await bh.page.getByLabel('Ketik sitasi (tidak ada di katalog)').check();
    const proposal = bh.page.getByTestId('ill-proposal');
    await expect.poll(() => proposal.textContent()).toContain('Ketik sitasinya');

    // the title with another author matches nothing: the form says so, and that sending would be refused
    await bh.page.getByLabel('Judul', { exact: true }).fill(title);
    await bh.page.getByLabel('Pengarang').fill('Seseorang');
    await expect
      .poll(() => bh.page.getByTestId('citation-no-match').textContent())
      .toContain('lewat ISBN, ISSN, atau judul dan pengarang');
    expect(await bh.page.getByTestId('no-lender').textContent()).toContain('tidak dikirim ke mana pun');
    expect(await bh.page.getByRole('button', { name: 'Simpan dan kirim' }).isDisabled()).toBe(true);

    // with its own author, the record is found by title and author, and the form says how
    const matched = bh.page.getByTestId('citation-match');
    const editor = bh.page.getByTestId('rota-editor');
    await bh.page.getByLabel('Pengarang').fill(author);
    await expect.poll(() => matched.getAttribute('data-by')).toBe('title_author');
    expect(await matched.textContent()).toContain('Judul dan pengarang ini cocok dengan satu cantuman katalog induk');
    await expect.poll(() => editor.locator('li > strong').allTextContents()).toEqual(names);

    // with the ISBN typed, the same record by its ISBN; its lenders are listed in order, with why
    await bh.page.getByLabel('ISBN').fill(isbn);
    await expect.poll(() => matched.getAttribute('data-by')).toBe('isbn');
    expect(await matched.textContent()).toContain('ISBN ini cocok');
    expect(await matched.textContent()).toContain(title);
    await expect.poll(() => editor.locator('li > strong').allTextContents()).toEqual(names);
    expect(await editor.locator('li').first().textContent()).toContain('eksemplar tersedia');
    expect(await bh.page.getByRole('button', { name: 'Simpan dan kirim' }).isDisabled()).toBe(false);
    expect(await requests()).toBe(before);

    // looking saved nothing; saving stores exactly the lenders shown
    await bh.page.getByRole('button', { name: 'Simpan tanpa mengirim' }).click();
    await expect.poll(() => state(bh.page)).toBe('Siap dikirim');
    expect(await bh.page.getByTestId('ill-rota').locator('li > strong').allTextContents()).toEqual(names);
    expect(await requests()).toBe(before + 1);
    await bh.context.close();
  });
  it('a typed citation that matches two catalog records equally lists them and proposes no library', async () => {
    // two editions of one book, apart in the catalog by their years
    const db = h.s.ctx.database.db;
    const edition = (year: number): Bib => ({
      sourceId: `e2e-ambiguous-${year}`,
      title: 'Tafsir Al-Azhar Juz Amma',
      authors: ['Hamka'],
      year,
      isbns: [],
      issns: [],
      format: 'book',
      subjects: [],
      items: [{ barcode: `E2E-AMB-${year}`, status: 'available', loanable: true }],
    });
    await load(h.s, await libraryId(h.s, 'SAWAHLUNTO'), [edition(1982)], catalogMatcher);
    await load(h.s, await libraryId(h.s, 'PAYAKUMBUH'), [edition(2015)], catalogMatcher);
    const clusters = await db
      .selectFrom('source_records')
      .select('cluster_id')
      .where('record_key', 'in', ['id:e2e-ambiguous-1982', 'id:e2e-ambiguous-2015'])
      .execute();
    expect(new Set(clusters.map((c) => c.cluster_id)).size).toBe(2);

    const bh = await as('pustakawan.bunghatta');
    await bh.page.goto(`${h.base}/ill/new`);
    await bh.page.getByLabel('Ketik sitasi (tidak ada di katalog)').check();
    await bh.page.getByLabel('Judul', { exact: true }).fill('Tafsir al-Azhar juz amma');
    await bh.page.getByLabel('Pengarang').fill('Hamka');
    const ambiguous = bh.page.getByTestId('citation-ambiguous');
    await expect.poll(() => ambiguous.textContent()).toContain('cocok dengan beberapa cantuman katalog induk');
    expect(await ambiguous.locator('li').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('1982'), expect.stringContaining('2015')]),
    );
    expect(await ambiguous.locator('li').count()).toBe(2);
    expect(await bh.page.getByTestId('citation-match').count()).toBe(0);
    expect(await bh.page.getByTestId('no-lender').textContent()).toContain('tidak dikirim ke mana pun');
    // in English too
    await bh.page.getByRole('button', { name: 'EN', exact: true }).click();
    await expect.poll(() => ambiguous.textContent()).toContain('matches several different union catalog records');

    // the year typed tells them apart: the 2015 edition, lent by Payakumbuh
    await bh.page.getByLabel('Year', { exact: true }).fill('2015');
    const matched = bh.page.getByTestId('citation-match');
    await expect.poll(() => matched.getAttribute('data-by')).toBe('title_author');
    expect(await matched.textContent()).toContain('This title and author match one union catalog record');
    expect(await matched.textContent()).toContain('2015');
    await expect
      .poll(() => bh.page.getByTestId('rota-editor').locator('li > strong').allTextContents())
      .toEqual(['Perpustakaan Umum Daerah Kota Payakumbuh']);
    await bh.context.close();
  });
});
