import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { holdItems } from '../src/catalog/item-status.ts';
import { sharedPath, startReplayServer } from '../src/catalog/oai/replay-server.ts';
import { startBrowserSimpul } from './harness.ts';

const h = startBrowserSimpul({ demoCatalog: true });

describe('public union catalog', () => {
  it('finds a title by its old spelling, narrows by facet, and shows holding libraries with availability', async () => {
    const page = await h.browser.newPage();
    await page.goto(`${h.base}/catalog`);
    await page.getByRole('searchbox').fill('sukarno penyambung lidah rakyat');
    await page.getByRole('button', { name: 'Cari', exact: true }).click();
    await expect.poll(() => page.locator('ol.hitlist > li').count()).toBe(1);
    const hit = page.locator('ol.hitlist > li').first();
    expect(await hit.textContent()).toContain('Perpustakaan Nasional Republik Indonesia');

    await page.getByRole('searchbox').fill('hamka');
    await page.getByRole('button', { name: 'Cari', exact: true }).click();
    await expect.poll(() => page.locator('ol.hitlist > li').count()).toBe(3);
    await page.getByRole('button', { name: /Perpustakaan UIN Mahmud Yunus Batusangkar/ }).click();
    await expect.poll(() => page.locator('ol.hitlist > li').count()).toBe(3);
    await page.getByRole('button', { name: /Perpustakaan Umum Daerah Kota Payakumbuh/ }).click();
    await expect.poll(() => page.locator('ol.hitlist > li').count()).toBe(2);

    await page.getByRole('link', { name: 'Tenggelamnya Kapal Van der Wijck' }).click();
    const holdings = page.getByTestId('holdings');
    await expect.poll(() => holdings.textContent()).toContain('UPT Perpustakaan Proklamator Bung Hatta');
    expect(await holdings.textContent()).toMatch(/\d\/\d tersedia/);
    expect(await page.getByText('Cantuman sumber (5)').isVisible()).toBe(true);
    // Why the records are one title, and the language, in the reader's language.
    const members = page.locator('ul.members');
    expect(await members.textContent()).toMatch(/Digabung karena: tahun sama 1938; judul sama; pengarang sama/);
    expect(await members.textContent()).not.toMatch(/same title|similar|authors agree/);
    expect(await page.locator('dl.facts').textContent()).toContain('Indonesia');

    await page.getByRole('button', { name: 'EN' }).click();
    await expect.poll(() => holdings.textContent()).toContain('Holding libraries and availability');
    expect(await members.textContent()).toMatch(/Matched because: same year 1938; same title; authors agree/);
    expect(await page.locator('dl.facts').textContent()).toContain('Indonesian');
    await page.close();
  });

  it('finds a title written with an apostrophe when the reader types it without one', async () => {
    const page = await h.browser.newPage();
    await page.goto(`${h.base}/catalog`);
    for (const q of ['di bawah lindungan kabah', 'lindungan ka’bah']) {
      await page.getByRole('searchbox').fill(q);
      await page.getByRole('button', { name: 'Cari', exact: true }).click();
      await expect
        .poll(() => page.locator('ol.hitlist > li a.title').first().textContent())
        .toContain("Di Bawah Lindungan Ka'bah");
    }
    await page.close();
  });

  it('offers the corrected words when a typo finds nothing, and sorts by author', async () => {
    const page = await h.browser.newPage();
    await page.goto(`${h.base}/catalog`);
    await page.getByRole('searchbox').fill('tenggelamnya kapal van der wijk');
    await page.getByRole('button', { name: 'Cari', exact: true }).click();
    await expect.poll(() => page.locator('.suggestion').textContent()).toContain('Mungkin maksud Anda');
    await page.locator('.suggestion').getByRole('button', { name: /wijck/ }).click();
    await expect.poll(() => page.locator('ol.hitlist > li').count()).toBeGreaterThan(0);
    expect(await page.getByRole('searchbox').inputValue()).toBe('tenggelamnya kapal van der wijck');

    await page.getByRole('searchbox').fill('sejarah');
    await page.getByRole('button', { name: 'Cari', exact: true }).click();
    await expect.poll(() => page.locator('ol.hitlist > li').count()).toBeGreaterThan(1);
    await page.getByRole('combobox').first().selectOption('author');
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('author');
    const hits = (await h.s.anonymous.get('/api/v1/catalog/search?q=sejarah&sort=author')).body.hits;
    await expect.poll(() => page.locator('ol.hitlist > li a.title').first().textContent()).toContain(hits[0].title);
    await page.close();
  });
});

describe('staff catalogue work', () => {
  it('uploads a MARC file, watches it finish, and reads its report', async () => {
    const page = await h.browser.newPage();
    await page.goto(`${h.base}/login`);
    await page.getByLabel('Nama pengguna').fill('pustakawan.bunghatta');
    await page.getByLabel('Kata sandi').fill('simpul-demo-2026');
    await page.getByRole('button', { name: 'Masuk', exact: true }).click();
    await expect.poll(() => page.locator('h1').textContent()).toContain('Anggota');
    await page.getByRole('link', { name: 'Impor katalog' }).click();
    const file = path.resolve(import.meta.dirname, '../../shared/data/marc/pymarc/test/bad_records.mrc');
    await page.locator('input[type=file]').setInputFiles(file);
    const batch = await h.importFile(page);
    expect(Number(await batch.locator('[data-count=rejected]').textContent())).toBeGreaterThan(0);
    await expect.poll(() => page.getByText('Cantuman yang ditolak').isVisible()).toBe(true);
    expect(await page.locator('table.list code').first().textContent()).toMatch(/^byte \d+$/);
    // The reason is given in Indonesian; the English text as the reader wrote it is its title.
    const reason = page.locator('td[data-reason]').first();
    expect(await reason.getAttribute('data-reason')).not.toBe('other');
    expect(await reason.textContent()).not.toBe(await reason.getAttribute('title'));

    // The file had no holding fields: the library holds the title, its copies are not listed (not "0/0").
    await page.goto(`${h.base}/catalog?q=${encodeURIComponent('pragmatic programmer')}`);
    const hit = page.locator('ol.hitlist > li').first();
    await expect
      .poll(() => hit.textContent())
      .toContain('UPT Perpustakaan Proklamator Bung Hatta (tercatat, tanpa daftar eksemplar)');
    await hit.getByRole('link').first().click();
    await expect
      .poll(() => page.getByTestId('holdings').textContent())
      .toContain('UPT Perpustakaan Proklamator Bung Hatta: tercatat, tanpa daftar eksemplar');

    // Correct the matcher: split her library's record off a title, then merge it back.
    await page.goto(`${h.base}/catalog?q=${encodeURIComponent('kapal van der wijck')}`);
    await page.getByRole('link', { name: 'Tenggelamnya Kapal Van der Wijck' }).click();
    await expect.poll(() => page.getByText('Cantuman sumber (5)').count()).toBe(1);
    const original = page.url().split('/').pop() as string;
    await page
      .locator('ul.members li', { hasText: 'UPT Perpustakaan Proklamator Bung Hatta' })
      .getByRole('button')
      .click();
    await expect.poll(() => page.getByText('Cantuman sumber (1)').count()).toBe(1);
    expect(new URL(page.url()).pathname).not.toBe(`/catalog/${original}`);
    await page.goto(`${h.base}/catalog/${original}`);
    await expect.poll(() => page.getByText('Cantuman sumber (4)').count()).toBe(1);
    const split = (await h.s.anonymous.get('/api/v1/catalog/search?q=wijck')).body.hits.find(
      (h: { clusterId: number }) => String(h.clusterId) !== original,
    );
    await page.getByLabel(/Gabungkan judul lain/).fill(String(split.clusterId));
    await page.getByRole('button', { name: 'Gabungkan', exact: true }).click();
    await expect.poll(() => page.getByText('Cantuman sumber (5)').count()).toBe(1);
    await page.close();
  });
});

describe('harvest sources', () => {
  it('adds an OAI-PMH source, harvests it now, and reads its run history and report', async () => {
    // A member library's repository: 81 real DSpace records over four pages (2 deleted).
    const server = await startReplayServer({
      paged: {
        file: sharedPath('oai-pmh/oai-pyoai/src/oaipmh/tests/fake2/00002.xml'),
        pageSize: 20,
        metadataPrefix: 'oai_dc',
      },
    });
    try {
      const page = await h.pageAs('admin.upertis');
      await page.getByRole('link', { name: 'Sumber panen' }).click();
      await expect.poll(() => page.getByText('Belum ada sumber panen').count()).toBe(1);
      await page.getByLabel('Nama').fill('Repositori DSpace');
      await page.getByLabel('Alamat dasar OAI-PMH').fill(server.url);
      await page.getByLabel('Format').selectOption('oai_dc');
      await page.getByRole('button', { name: 'Tambah sumber' }).click();
      const row = page.locator('tr', { hasText: 'Repositori DSpace' });
      await expect.poll(() => row.count()).toBe(1);
      await row.getByRole('button', { name: 'Panen sekarang' }).click();
      // The server's job runner is not started in tests: run the queued harvest now.
      await expect
        .poll(async () => (await h.s.jobs.drain()) >= 0 && (await page.reload()) && (await row.textContent()), {
          timeout: 20_000,
        })
        .toContain('selesai');
      await row.getByRole('button', { name: 'Riwayat panen' }).click();
      const runs = page.locator('table[data-testid^=runs-]');
      await expect.poll(() => runs.locator('tbody tr').count()).toBe(1);
      expect(await runs.locator('tbody tr').first().textContent()).toContain('79 / 0 / 0');
      await runs.getByRole('link', { name: 'Laporan' }).click();
      const batch = page.getByTestId('batch');
      await expect.poll(() => batch.textContent()).toContain('selesai');
      expect(await batch.locator('[data-count=added]').textContent()).toBe('79');
      // The run is in the library's import list too, marked as a harvest and highlighted.
      const recent = page.getByTestId('recent-imports');
      await expect.poll(() => recent.locator('tr.highlight').textContent()).toContain('panen OAI-PMH');
      await page.close();
    } finally {
      await server.close();
    }
  });

  it("shows which workflow holds a copy, and lets the copy's library release it", async () => {
    const db = h.s.ctx.database.db;
    const item = await db
      .selectFrom('items as i')
      .innerJoin('libraries as l', 'l.id', 'i.library_id')
      .innerJoin('clusters as c', 'c.id', 'i.cluster_id')
      .where('l.code', '=', 'BUNGHATTA')
      .where('i.barcode', 'is not', null)
      .where('i.held_by', 'is', null)
      .where('i.status', '=', 'available')
      .select(['i.id', 'i.barcode', 'i.cluster_id'])
      .orderBy('i.id')
      .executeTakeFirstOrThrow();
    // A loan the partner reported lost: interlibrary loan holds the copy, whatever Bung Hatta's file says.
    await holdItems(db, [item.id], 'ill', 'lost');
    const row = (page: Page) => page.getByTestId('holdings').locator('tr', { hasText: item.barcode as string });

    const other = await h.pageAs('pustakawan.sawahlunto');
    await other.goto(`${h.base}/catalog/${item.cluster_id}`);
    await expect.poll(() => row(other).textContent()).toContain('hilang · melalui pinjam antarperpustakaan');
    expect(await row(other).getByRole('button', { name: 'Lepaskan' }).count()).toBe(0);
    await other.close();

    const page = await h.pageAs('pustakawan.bunghatta');
    await page.goto(`${h.base}/catalog/${item.cluster_id}`);
    await expect.poll(() => row(page).textContent()).toContain('hilang · melalui pinjam antarperpustakaan');
    await row(page).getByRole('button', { name: 'Lepaskan' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Eksemplar dilepaskan');
    await expect.poll(() => row(page).textContent()).not.toContain('melalui pinjam antarperpustakaan');
    expect(await row(page).getByRole('button', { name: 'Lepaskan' }).count()).toBe(0);
    const after = await db
      .selectFrom('items')
      .select(['status', 'held_by'])
      .where('id', '=', item.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ status: 'available', held_by: null });
    const audited = await db
      .selectFrom('audit_log')
      .select('action')
      .where('entity', '=', 'item')
      .where('entity_id', '=', String(item.id))
      .execute();
    expect(audited.map((a) => a.action)).toContain('release_hold');
    await page.close();
  });
});
