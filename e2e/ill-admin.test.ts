import { describe, expect, it } from 'vitest';
import { patronId, titleHeldBy } from '../test/ill-support.ts';
import { outsideLibrary } from '../test/ill-transport-support.ts';
import { startBrowserSimpul } from './harness.ts';

const h = startBrowserSimpul();

const SECRET = 'rahasia-keluar-0123456789abcdef';

describe('ILL administration in the browser', () => {
  it("a library administrator sets her library's lending policy; a librarian only reads it; others are refused", async () => {
    const page = await h.pageAs('admin.sawahlunto');
    await page.goto(`${h.base}/ill`);
    await page.getByRole('link', { name: 'Pengaturan & angka ILL' }).click();
    await page.getByRole('heading', { name: /Kebijakan pinjam antarperpustakaan/ }).waitFor();
    // the rules for other libraries borrowing from us, and the one for our own patrons asking, apart
    const lending = page.getByTestId('ill-policy-lending');
    const borrowing = page.getByTestId('ill-policy-borrowing');
    await lending.getByText('Sebagai pemberi pinjaman').waitFor();
    await lending.getByLabel('Lama pinjam (hari)').fill('21');
    await lending.getByLabel('Janji waktu menjawab (jam)').fill('24');
    await lending.getByLabel('Setujui pembatalan otomatis').uncheck();
    await borrowing.getByText('Untuk anggota kami yang meminjam').waitFor();
    expect(await lending.getByLabel('Permintaan berjalan per anggota').count()).toBe(0);
    await borrowing.getByLabel('Permintaan berjalan per anggota').fill('3');
    await page.getByRole('button', { name: 'Simpan' }).click();
    await page.getByText('Tersimpan').waitFor();
    const api = await h.s.as('admin.sawahlunto');
    const p = await api.get('/api/v1/ill/policies/SAWAHLUNTO');
    expect(p.body).toMatchObject({ loanDays: 21, answerHours: 24, autoApproveCancel: false, patronOpenLimit: 3 });
    // in English
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await page.getByRole('heading', { name: /Interlibrary loan policy of/ }).waitFor();
    await lending.getByText('As a lender').waitFor();
    await borrowing.getByText('For our own patrons, borrowing').waitFor();
    expect(await borrowing.getByLabel('Open requests per patron').inputValue()).toBe('3');
    await page.getByRole('button', { name: 'ID', exact: true }).click();
    await page.getByRole('heading', { name: /Kebijakan pinjam antarperpustakaan/ }).waitFor();
    // a bad value is refused with the server's reason, nothing changes
    await page.getByLabel('Lama pinjam (hari)').fill('0');
    await page.getByRole('button', { name: 'Simpan' }).click();
    await page.getByRole('alert').waitFor();
    expect((await api.get('/api/v1/ill/policies/SAWAHLUNTO')).body.loanDays).toBe(21);

    const lib = await h.pageAs('pustakawan.sawahlunto');
    await lib.goto(`${h.base}/ill/settings`);
    await lib.getByText('Hanya administrator perpustakaan yang dapat mengubahnya.').waitFor();
    expect(await lib.getByLabel('Lama pinjam (hari)').isDisabled()).toBe(true);
    expect(await lib.getByRole('button', { name: 'Simpan' }).count()).toBe(0);
    // the permission rules behind the page
    expect(
      (await (await h.s.as('pustakawan.sawahlunto')).patch('/api/v1/ill/policies/SAWAHLUNTO', { loanDays: 5 })).status,
    ).toBe(403);
    expect(
      (await (await h.s.as('admin.payakumbuh')).patch('/api/v1/ill/policies/SAWAHLUNTO', { loanDays: 5 })).status,
    ).toBe(403);
    await page.context().close();
    await lib.context().close();
  });

  it('the coordinator adds and edits a peer (secrets never shown back), retries a failed message, and reads the figures', async () => {
    const coordApi = await h.s.as('koordinator');
    expect(
      (
        await coordApi.post('/api/v1/libraries', {
          code: 'JKT-UI',
          name: 'Perpustakaan UI (node Jakarta)',
          type: 'university',
          networkCode: 'SUMBAR',
        })
      ).status,
    ).toBe(201);
    const page = await h.pageAs('koordinator');
    await page.goto(`${h.base}/ill/settings/peers`);
    await page.getByText('Belum ada mitra.').waitFor();
    await page.getByRole('button', { name: 'Tambah mitra' }).click();
    const form = page.getByTestId('peer-form');
    await form.getByLabel('Nama').fill('Simpul Jakarta');
    await form.getByLabel('Perpustakaan (kode)').fill('JKT-UI');
    await form.getByLabel('Agency id', { exact: true }).fill('ID-JKUI');
    await form.getByLabel('Alamat endpoint').fill('http://127.0.0.1:9/iso18626');
    await form.getByLabel('Akun kami di mitra').fill('sumbar');
    await form.getByLabel('Kata sandi kami di mitra').fill(SECRET);
    await form.getByLabel('Akun mitra di Simpul').fill('jakarta');
    await form.getByRole('button', { name: 'Simpan' }).click();
    // the inbound secret is shown once; the outbound one never comes back
    await expect.poll(() => page.getByTestId('peer-secret').textContent()).toMatch(/hanya ditampilkan sekali/);
    const row = page.getByTestId('peers').locator('tr', { hasText: 'Simpul Jakarta' });
    await row.waitFor();
    expect(await row.textContent()).toContain('ISIL:ID-JKUI');
    expect(await row.textContent()).toContain('tersimpan');
    expect(await page.content()).not.toContain(SECRET);
    // edit: the password field starts empty and saving without it keeps the stored one
    await row.getByRole('button', { name: 'Ubah' }).click();
    expect(await form.getByLabel('Kata sandi kami di mitra').inputValue()).toBe('');
    await form.getByLabel('Alamat endpoint').fill('http://127.0.0.1:10/iso18626');
    await form.getByRole('button', { name: 'Simpan' }).click();
    await page.getByTestId('peers').getByText('http://127.0.0.1:10/iso18626').waitFor();
    const peers = await coordApi.get('/api/v1/ill/peers');
    expect(peers.body.items[0]).toMatchObject({ outboundSecretSet: true, endpointUrl: 'http://127.0.0.1:10/iso18626' });
    expect(JSON.stringify(peers.body)).not.toContain(SECRET);
    // a library administrator reads peers but cannot add; a librarian is refused
    const bhAdmin = await h.s.as('admin.bunghatta');
    expect((await bhAdmin.get('/api/v1/ill/peers')).status).toBe(200);
    expect((await bhAdmin.patch(`/api/v1/ill/peers/${peers.body.items[0].id}`, { active: false })).status).toBe(403);
    expect((await (await h.s.as('pustakawan.bunghatta')).get('/api/v1/ill/peers')).status).toBe(403);
    const adminPage = await h.pageAs('admin.bunghatta');
    await adminPage.goto(`${h.base}/ill/settings/peers`);
    await adminPage.getByTestId('peers').getByText('Simpul Jakarta').waitFor();
    expect(await adminPage.getByRole('button', { name: 'Tambah mitra' }).count()).toBe(0);
    await adminPage.context().close();

    // a message that could not be delivered, in the log
    const db = h.s.ctx.database.db;
    const bh = await db.selectFrom('libraries').select('id').where('code', '=', 'BUNGHATTA').executeTakeFirstOrThrow();
    const msg = await db
      .insertInto('ill_messages')
      .values({
        peer_id: peers.body.items[0].id,
        direction: 'out',
        kind: 'request',
        local_library_id: bh.id,
        requesting_agency_request_id: 'BUNGHATTA-999-1',
        conversation: `${peers.body.items[0].id}:BUNGHATTA-999-1`,
        summary: 'New Loan',
        status: 'failed',
        xml: '<ISO18626Message/>',
        attempts: 12,
        last_error: 'connect ECONNREFUSED 127.0.0.1:9',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await page.goto(`${h.base}/ill/settings/messages`);
    const mrow = page.getByTestId('messages').locator('tr', { hasText: 'ECONNREFUSED' });
    await mrow.waitFor();
    expect(await mrow.textContent()).toContain('ECONNREFUSED');
    // its status and content in the reader's words, the ISO 18626 words kept in the title
    expect(await mrow.textContent()).toContain('Gagal terkirim');
    expect(await mrow.textContent()).toContain('Baru · Pinjam');
    expect(await mrow.locator('[title="New Loan"]').count()).toBe(1);
    expect(await page.getByLabel('Status').locator('option').allTextContents()).toContain('Ditolak mitra');
    await mrow.getByRole('button', { name: 'Kirim ulang' }).click();
    await expect
      .poll(
        async () =>
          (await db.selectFrom('ill_messages').select('status').where('id', '=', msg.id).executeTakeFirst())?.status,
      )
      .toBe('pending');

    // figures, in English too: Bung Hatta borrows from Sawahlunto today
    const { clusterId } = await titleHeldBy(h.s, 'Robohnya Surau Kami', { SAWAHLUNTO: 1 });
    const made = await (await h.s.as('pustakawan.bunghatta')).post('/api/v1/ill/requests', {
      patronId: await patronId(h.s, 'BH-2024-0001'),
      clusterId,
      serviceType: 'Loan',
      send: true,
    });
    expect(made.status).toBe(201);
    await page.goto(`${h.base}/ill/figures`);
    await page.getByTestId('ill-figures').waitFor();
    expect(await page.getByTestId('ill-figures').locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByTestId('ill-pairs').locator('tbody tr').count()).toBeGreaterThanOrEqual(1);
    const csv = await page.getByRole('link', { name: 'Unduh CSV' }).getAttribute('href');
    expect(decodeURIComponent(csv ?? '')).toContain('requests_made');
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await page.getByRole('heading', { name: 'ILL figures' }).waitFor();
    await page.getByText('Per partner pair').waitFor();
    await page.context().close();
  });

  it('a librarian opens the notice of a message that gave up, sees it in the message log and goes on to the request', async () => {
    // nobody listens on port 9: every send fails, and with one attempt allowed the first gives up
    await outsideLibrary(
      h.s,
      {
        code: 'JKT-E2E',
        name: 'Perpustakaan Jakarta (uji)',
        type: 'public',
        peerName: 'Simpul Jakarta Uji',
        isil: 'ID-JKE2E',
      },
      { endpointUrl: 'http://127.0.0.1:9/iso18626', inboundAccountId: 'jakarta-uji', timeoutMs: 1000 },
    );
    const { clusterId } = await titleHeldBy(h.s, 'Siti Nurbaya', { 'JKT-E2E': 1 });
    const made = await (await h.s.as('pustakawan.bunghatta')).post('/api/v1/ill/requests', {
      patronId: await patronId(h.s, 'BH-2024-0001'),
      clusterId,
      serviceType: 'Loan',
      send: true,
    });
    expect(made.status).toBe(201);
    process.env.SIMPUL_ILL_MAX_ATTEMPTS = '1';
    try {
      await h.s.jobs.drain();
    } finally {
      delete process.env.SIMPUL_ILL_MAX_ATTEMPTS;
    }

    const page = await h.pageAs('pustakawan.bunghatta');
    await page.goto(`${h.base}/notifications`);
    const notice = page.getByTestId('notification').filter({ hasText: `gagal terkirim: ${made.body.hrid}` });
    await notice.waitFor();
    expect(await notice.textContent()).toContain('Simpul Jakarta Uji');
    await notice.getByRole('button', { name: 'Buka' }).click();
    await page.waitForURL(`**/ill/settings/messages?status=failed&requestId=${made.body.id}`);
    const row = page.getByTestId('messages').locator('tr[data-status="failed"]');
    await row.waitFor();
    expect(await page.getByTestId('messages').locator('tbody tr').count()).toBe(1);
    expect(await row.textContent()).toContain('Simpul Jakarta Uji');
    expect(await row.textContent()).toMatch(/ECONNREFUSED|fetch failed/);
    await page.getByTestId('messages-for').getByRole('link', { name: 'Buka permintaan' }).click();
    await page.waitForURL(`**/ill/requests/${made.body.id}`);
    await expect.poll(() => page.getByTestId('ill-state').textContent()).toBe('Terkirim ke pemberi pinjaman');
    // Sawahlunto's librarian was not told
    const swl = await (await h.s.as('pustakawan.sawahlunto')).get('/api/v1/notifications?pageSize=100');
    expect(swl.body.items.some((n: { link: string | null }) => n.link?.includes(`requestId=${made.body.id}`))).toBe(
      false,
    );
    await page.context().close();
  });
});
