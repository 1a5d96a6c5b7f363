import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawLogin, upload } from '../../test/programs-support.ts';
import { type Agent, must, startTestSimpul, type TestSimpul } from '../../test/support.ts';
import { agreementTerms, runAgreementReminders } from './agreements.ts';
import { addDays } from './dates.ts';

let s: TestSimpul;
let bhAdmin: Agent;
let bhLib: Agent; // librarian, Bung Hatta
let swlAdmin: Agent;
let swlLib: Agent;
let uinAdmin: Agent;
let uinLib: Agent;
let coord: Agent;

function expectErrorShape(body: any, code: string) {
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message.id).toBe('string');
  expect(typeof body.error.message.en).toBe('string');
  expect(body.error.message.id).not.toBe(body.error.message.en);
}

const exchange = (over: Record<string, unknown> = {}) => ({
  title: 'Kerja sama pertukaran terbitan Bung Hatta – Sawahlunto',
  number: 'PKS/TEST/001',
  kind: 'pks',
  programs: ['exchange'],
  background: 'Saling melengkapi koleksi terbitan daerah.',
  purpose: 'Pertukaran terbitan satu banding satu.',
  startsOn: '2026-01-01',
  endsOn: '2027-12-31',
  parties: [
    { libraryCode: 'BUNGHATTA', role: 'first_party', terms: { exchangeRatio: '1:1' } },
    { libraryCode: 'SAWAHLUNTO', role: 'second_party', signatoryName: 'Yusrizal', terms: { exchangeRatio: '1:1' } },
  ],
  ...over,
});

async function count(): Promise<number> {
  const r = await s.ctx.database.db
    .selectFrom('agreements')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

beforeAll(async () => {
  s = await startTestSimpul();
  [bhAdmin, bhLib, swlAdmin, swlLib, uinAdmin, uinLib, coord] = await Promise.all([
    s.as('admin.bunghatta'),
    s.as('pustakawan.bunghatta'),
    s.as('admin.sawahlunto'),
    s.as('pustakawan.sawahlunto'),
    s.as('admin.uinmy'),
    s.as('pustakawan.uinmy'),
    s.as('koordinator'),
  ]);
});
afterAll(async () => s?.stop());

describe('registering agreements', () => {
  it('registers a draft with parties, terms, and the parent signing for a UPT', async () => {
    const r = await bhAdmin.post('/api/v1/agreements', exchange());
    expect(r.status).toBe(201);
    expect(r.body.status).toBe('draft');
    expect(r.body.parties).toHaveLength(2);
    const bh = r.body.parties[0];
    expect(bh.libraryCode).toBe('BUNGHATTA');
    // Bung Hatta is a UPT: Perpustakaan Nasional signs for it
    expect(bh.signedByLibraryCode).toBe('PERPUSNAS');
    expect(r.body.parties[1].signedByLibraryCode).toBeNull();
    expect(r.body.parties[1].terms).toEqual({ exchangeRatio: '1:1' });
    expect(r.body.canManage).toBe(true);
  });

  it('accepts outside institutions by name and links a PKS to the MoU it implements', async () => {
    const mou = await bhAdmin.post(
      '/api/v1/agreements',
      exchange({
        title: 'MoU Perpustakaan Nasional – Universitas Perintis Indonesia',
        kind: 'mou',
        programs: ['ill', 'internships'],
        parties: [
          { libraryCode: 'BUNGHATTA', role: 'first_party' },
          { institutionName: 'Universitas Perintis Indonesia', institutionKind: 'university', role: 'second_party' },
        ],
      }),
    );
    expect(mou.status).toBe(201);
    expect(mou.body.parties[1].name).toBe('Universitas Perintis Indonesia');
    const pks = await bhAdmin.post('/api/v1/agreements', exchange({ kind: 'pks', implementsId: mou.body.id }));
    expect(pks.status).toBe(201);
    expect(pks.body.implementsTitle).toBe('MoU Perpustakaan Nasional – Universitas Perintis Indonesia');
    const bad = await bhAdmin.post('/api/v1/agreements', exchange({ kind: 'pks', implementsId: pks.body.id }));
    expect(bad.status).toBe(400);
  });

  it('rejects bad input with the error shape and creates nothing', async () => {
    const before = await count();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ title: '' }, 'body.title'],
      [{ kind: 'contract' }, 'body.kind'],
      [{ endsOn: '2025-01-01' }, 'endsOn'],
      [{ parties: [{ libraryCode: 'BUNGHATTA', role: 'first_party' }] }, 'body.parties'],
      [
        {
          parties: [
            { libraryCode: 'BUNGHATTA', role: 'first_party' },
            { libraryCode: 'NOPE', role: 'second_party' },
          ],
        },
        'parties.1.libraryCode',
      ],
      [
        {
          parties: [
            { libraryCode: 'BUNGHATTA', role: 'first_party', signedByLibraryCode: 'SAWAHLUNTO' },
            { libraryCode: 'SAWAHLUNTO', role: 'second_party' },
          ],
        },
        'parties.0.signedByLibraryCode',
      ],
      [
        {
          parties: [
            { libraryCode: 'BUNGHATTA', role: 'first_party', terms: { loanPeriodDays: -1 } },
            { libraryCode: 'SAWAHLUNTO', role: 'second_party' },
          ],
        },
        'body.parties.0.terms.loanPeriodDays',
      ],
    ];
    for (const [over, field] of cases) {
      const r = await bhAdmin.post('/api/v1/agreements', exchange(over));
      expect(r.status, JSON.stringify(over)).toBe(400);
      expectErrorShape(r.body, 'invalid');
      expect(r.body.error.details.fields.map((f: any) => f.field)).toContain(field);
    }
    expect(await count()).toBe(before);
  });

  it('refuses a librarian and another library, and changes nothing', async () => {
    const before = await count();
    const r1 = await bhLib.post('/api/v1/agreements', exchange());
    expect(r1.status).toBe(403);
    const r2 = await uinAdmin.post('/api/v1/agreements', exchange());
    expect(r2.status).toBe(403);
    expectErrorShape(r2.body, 'forbidden_other_library');
    expect(await count()).toBe(before);
    const mine = await bhAdmin.post('/api/v1/agreements', exchange());
    const r3 = await uinAdmin.patch(`/api/v1/agreements/${mine.body.id}`, { title: 'Diubah' });
    expect(r3.status).toBe(404); // a private agreement of others does not exist for her
    const r4 = await swlLib.patch(`/api/v1/agreements/${mine.body.id}`, { title: 'Diubah' });
    expect(r4.status).toBe(403);
    const after = await bhAdmin.get(`/api/v1/agreements/${mine.body.id}`);
    expect(after.body.title).toBe(exchange().title);
  });
});

describe('lifecycle', () => {
  it('goes draft → active → renewed, with 409 and a reason for illegal moves, and keeps the history', async () => {
    const a = (await bhAdmin.post('/api/v1/agreements', exchange())).body;
    const act = await swlAdmin.post(`/api/v1/agreements/${a.id}/activate`);
    expect(act.status).toBe(200);
    expect(act.body.status).toBe('active');
    const again = await bhAdmin.post(`/api/v1/agreements/${a.id}/activate`);
    expect(again.status).toBe(409);
    expectErrorShape(again.body, 'illegal_transition');
    expect(again.body.error.message.en).toContain('Only a draft');

    const expiring = await bhAdmin.get(`/api/v1/agreements/${a.id}?asOf=2027-11-15`);
    expect(expiring.body.status).toBe('expiring');
    const expired = await bhAdmin.get(`/api/v1/agreements/${a.id}?asOf=2028-01-05`);
    expect(expired.body.status).toBe('expired');

    const renewed = await bhAdmin.post(`/api/v1/agreements/${a.id}/renew`, {
      startsOn: '2028-01-01',
      endsOn: '2030-12-31',
      number: 'PKS/TEST/002',
    });
    expect(renewed.status).toBe(201);
    expect(renewed.body.status).toBe('active');
    expect(renewed.body.renewsId).toBe(a.id);
    expect(renewed.body.parties.map((p: any) => p.libraryCode)).toEqual(['BUNGHATTA', 'SAWAHLUNTO']);
    expect(renewed.body.parties[0].signedByLibraryCode).toBe('PERPUSNAS');
    const old = await bhAdmin.get(`/api/v1/agreements/${a.id}`);
    expect(old.body.status).toBe('renewed');
    expect(old.body.renewedById).toBe(renewed.body.id);

    const twice = await bhAdmin.post(`/api/v1/agreements/${a.id}/renew`, {
      startsOn: '2028-01-01',
      endsOn: '2029-01-01',
    });
    expect(twice.status).toBe(409);
    const edit = await bhAdmin.patch(`/api/v1/agreements/${a.id}`, { title: 'x' });
    expect(edit.status).toBe(409);

    const history = await swlLib.get(`/api/v1/agreements/${a.id}/history`);
    expect(history.status).toBe(200);
    expect(history.body.items.map((h: any) => h.action)).toEqual(['create', 'activate', 'renew']);
    expect(history.body.items[1].actorLabel).toContain('admin.sawahlunto');
  });

  it('terminates with a reason; a terminated agreement cannot be renewed or activated', async () => {
    const a = (await bhAdmin.post('/api/v1/agreements', exchange())).body;
    expect((await bhAdmin.post(`/api/v1/agreements/${a.id}/terminate`, { reason: 'x' })).status).toBe(409);
    must(await bhAdmin.post(`/api/v1/agreements/${a.id}/activate`));
    const t = await bhAdmin.post(`/api/v1/agreements/${a.id}/terminate`, { reason: 'Kantor arsip ditutup' });
    expect(t.status).toBe(200);
    expect(t.body.status).toBe('terminated');
    expect(t.body.statusReason).toBe('Kantor arsip ditutup');
    const r = await bhAdmin.post(`/api/v1/agreements/${a.id}/renew`, { startsOn: '2028-01-01', endsOn: '2029-01-01' });
    expect(r.status).toBe(409);
    expect(r.body.error.message.id).toContain('diakhiri');
  });

  it('needs dates before activation', async () => {
    const a = (await bhAdmin.post('/api/v1/agreements', exchange({ startsOn: null, endsOn: null }))).body;
    const r = await bhAdmin.post(`/api/v1/agreements/${a.id}/activate`);
    expect(r.status).toBe(400);
    expect((await bhAdmin.get(`/api/v1/agreements/${a.id}`)).body.status).toBe('draft');
  });

  it('edits a draft and records only what changed', async () => {
    const a = (await bhAdmin.post('/api/v1/agreements', exchange())).body;
    const r = await bhAdmin.patch(`/api/v1/agreements/${a.id}`, { financing: 'Masing-masing pihak', isPublic: true });
    expect(r.status).toBe(200);
    const h = await bhAdmin.get(`/api/v1/agreements/${a.id}/history`);
    const upd = h.body.items.find((x: any) => x.action === 'update');
    expect(upd.before).toEqual({ financing: null, isPublic: false });
    expect(upd.after).toEqual({ financing: 'Masing-masing pihak', isPublic: true });
  });
});

describe('visibility', () => {
  it('shows an agreement only to its parties, their signer and the coordinator, unless it is public', async () => {
    const a = must(await bhAdmin.post('/api/v1/agreements', exchange({ title: 'Rahasia pertukaran' }))).body;
    expect((await swlLib.get(`/api/v1/agreements/${a.id}`)).status).toBe(200);
    expect((await coord.get(`/api/v1/agreements/${a.id}`)).status).toBe(200);
    const perpusnas = await s.as('admin.perpusnas');
    expect((await perpusnas.get(`/api/v1/agreements/${a.id}`)).status).toBe(200);
    expect((await uinLib.get(`/api/v1/agreements/${a.id}`)).status).toBe(404);
    expect((await s.anonymous.get(`/api/v1/agreements/${a.id}`)).status).toBe(404);
    const list = await uinLib.get('/api/v1/agreements?q=rahasia');
    expect(list.body.total).toBe(0);
    const bhList = await bhLib.get('/api/v1/agreements?q=rahasia');
    expect(bhList.body.total).toBe(1);

    must(await bhAdmin.patch(`/api/v1/agreements/${a.id}`, { isPublic: true }));
    expect((await uinLib.get(`/api/v1/agreements/${a.id}`)).status).toBe(200);
    const anon = await s.anonymous.get('/api/v1/agreements?q=rahasia');
    expect(anon.body.total).toBe(1);
    expect((await s.anonymous.get(`/api/v1/agreements/${a.id}`)).body.canManage).toBe(false);
  });

  it('filters by partner, status and expiring soon', async () => {
    const a = (
      await bhAdmin.post(
        '/api/v1/agreements',
        exchange({ title: 'Filter uji', startsOn: '2026-01-01', endsOn: addDays('2026-06-01', 60) }),
      )
    ).body;
    must(await bhAdmin.post(`/api/v1/agreements/${a.id}/activate`));
    const soon = await bhAdmin.get('/api/v1/agreements?q=filter%20uji&expiringSoon=true&asOf=2026-06-01');
    expect(soon.body.items.map((x: any) => x.id)).toEqual([a.id]);
    expect(soon.body.items[0].status).toBe('expiring');
    const notYet = await bhAdmin.get('/api/v1/agreements?q=filter%20uji&expiringSoon=true&asOf=2026-01-15');
    expect(notYet.body.total).toBe(0);
    const byPartner = await bhAdmin.get('/api/v1/agreements?q=filter%20uji&partner=SAWAHLUNTO');
    expect(byPartner.body.total).toBe(1);
    const otherPartner = await bhAdmin.get('/api/v1/agreements?q=filter%20uji&partner=UINMY');
    expect(otherPartner.body.total).toBe(0);
    const expired = await bhAdmin.get('/api/v1/agreements?q=filter%20uji&status=expired&asOf=2026-09-01');
    expect(expired.body.total).toBe(1);
    const bad = await bhAdmin.get('/api/v1/agreements?status=sleeping');
    expect(bad.status).toBe(400);
  });
});

describe('reminders', () => {
  it('records 90, 30 and 7 days before the end once each, as notices for the parties', async () => {
    const end = '2031-06-30';
    const a = (
      await swlAdmin.post(
        '/api/v1/agreements',
        exchange({ title: 'Pengingat uji', startsOn: '2029-07-01', endsOn: end }),
      )
    ).body;
    must(await swlAdmin.post(`/api/v1/agreements/${a.id}/activate`));
    const db = s.ctx.database.db;
    const mine = async (day: string) =>
      (await runAgreementReminders(db, day)).filter((r) => r.agreementId === a.id).map((r) => r.daysBefore);
    expect(await mine(addDays(end, -91))).toEqual([]);
    expect(await mine(addDays(end, -90))).toEqual([90]);
    expect(await mine(addDays(end, -90))).toEqual([]);
    expect(await mine(addDays(end, -89))).toEqual([]);
    expect(await mine(addDays(end, -31))).toEqual([]);
    expect(await mine(addDays(end, -30))).toEqual([30]);
    expect(await mine(addDays(end, -8))).toEqual([]);
    expect(await mine(addDays(end, -7))).toEqual([7]);
    expect(await mine(addDays(end, -7))).toEqual([]);
    expect(await mine(addDays(end, -1))).toEqual([]);
    expect(await mine(addDays(end, 1))).toEqual([]);

    const notices = await swlLib.get('/api/v1/program-notices');
    const ours = notices.body.items.filter((n: any) => n.agreementId === a.id);
    expect(ours.map((n: any) => n.daysBefore).sort((x: number, y: number) => x - y)).toEqual([7, 30, 90]);
    expect(ours[0].message.id).toContain('Pengingat uji');
    const perpusnas = await s.as('admin.perpusnas');
    expect((await perpusnas.get('/api/v1/program-notices')).body.items.some((n: any) => n.agreementId === a.id)).toBe(
      true,
    );
    const other = await uinLib.get('/api/v1/program-notices');
    expect(other.body.items.some((n: any) => n.agreementId === a.id)).toBe(false);
    const history = await swlAdmin.get(`/api/v1/agreements/${a.id}/history`);
    expect(history.body.items.filter((h: any) => h.action === 'reminder')).toHaveLength(3);
  });
});

describe('what an agreement allows', () => {
  it('answers for the agreements in force between two libraries, for a program and a date', async () => {
    const a = (
      await swlAdmin.post(
        '/api/v1/agreements',
        exchange({
          title: 'Layanan pinjam mahasiswa UIN Mahmud Yunus di Sawahlunto',
          programs: ['ill', 'visiting_cards'],
          startsOn: '2026-01-01',
          endsOn: '2026-12-31',
          parties: [
            {
              libraryCode: 'SAWAHLUNTO',
              role: 'first_party',
              terms: { loanPeriodDays: 14, loanQuota: 3, preferredIllPartner: true, visitorsMayBorrow: true },
            },
            {
              libraryCode: 'UINMY',
              role: 'second_party',
              terms: { loanPeriodDays: 7, lostItems: { rule: 'replace_copy' } },
            },
          ],
        }),
      )
    ).body;
    const db = s.ctx.database.db;
    const draft = await agreementTerms(db, 'UINMY', 'SAWAHLUNTO', 'ill', '2026-06-01');
    expect(draft.allowed).toBe(false);
    expect(draft.reasons[0]?.en).toContain('No agreement in force');
    must(await swlAdmin.post(`/api/v1/agreements/${a.id}/activate`));

    const t = await agreementTerms(db, 'UINMY', 'SAWAHLUNTO', 'ill', '2026-06-01');
    expect(t).toMatchObject({
      allowed: true,
      agreementIds: [a.id],
      loanPeriodDays: 14,
      quota: 3,
      preferredPartner: true,
      lostItemRule: { rule: 'replace_copy', amountRupiah: null },
    });
    expect(t.reasons[0]?.id).toContain('Layanan pinjam mahasiswa');
    const other = await agreementTerms(db, 'SAWAHLUNTO', 'UINMY', 'ill', '2026-06-01');
    expect(other.loanPeriodDays).toBe(7);
    expect(other.preferredPartner).toBe(false);
    expect((await agreementTerms(db, 'UINMY', 'SAWAHLUNTO', 'exchange', '2026-06-01')).allowed).toBe(false);
    expect((await agreementTerms(db, 'UINMY', 'SAWAHLUNTO', 'ill', '2027-01-01')).allowed).toBe(false);
    expect((await agreementTerms(db, 'UINMY', 'PAYAKUMBUH', 'ill', '2026-06-01')).allowed).toBe(false);

    const http = await uinLib.get('/api/v1/agreement-terms?a=UINMY&b=SAWAHLUNTO&program=ill&date=2026-06-01');
    expect(http.status).toBe(200);
    expect(http.body.loanPeriodDays).toBe(14);
    const nosy = await bhLib.get('/api/v1/agreement-terms?a=UINMY&b=SAWAHLUNTO&program=ill');
    expect(nosy.status).toBe(403);
    const bad = await uinLib.get('/api/v1/agreement-terms?a=UINMY&b=SAWAHLUNTO&program=karaoke');
    expect(bad.status).toBe(400);
  });
});

describe('signed documents', () => {
  const pdf = Buffer.concat([
    Buffer.from('%PDF-1.4\n% Simpul test\n'),
    Buffer.alloc(2000, 0x20),
    Buffer.from('\n%%EOF\n'),
  ]);
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

  it('stores a PDF outside the web root with its checksum, and serves it only to those allowed', async () => {
    const a = (await bhAdmin.post('/api/v1/agreements', exchange({ title: 'Dokumen uji' }))).body;
    const who = await rawLogin(s, 'admin.bunghatta');
    const r = await upload(s, who, `/api/v1/agreements/${a.id}/documents`, {
      name: 'PKS bertanda tangan.pdf',
      type: 'application/pdf',
      bytes: pdf,
    });
    expect(r.status).toBe(201);
    expect(r.body.contentType).toBe('application/pdf');
    expect(r.body.sha256).toBe(createHash('sha256').update(pdf).digest('hex'));
    const stored = path.join(s.dataDir, 'agreements', String(a.id));
    expect(readdirSync(stored)).toEqual([`${r.body.sha256}.pdf`]);
    expect(existsSync(path.join(import.meta.dirname, '../../web/dist/agreements'))).toBe(false);

    const url = `/api/v1/agreements/${a.id}/documents/${r.body.id}`;
    const got = await s.app.inject({
      method: 'GET',
      url,
      headers: { cookie: (await rawLogin(s, 'pustakawan.sawahlunto')).cookie },
    });
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(got.rawPayload.equals(pdf)).toBe(true);
    expect((await uinLib.get(url)).status).toBe(404);
    expect((await s.anonymous.get(url)).status).toBe(404);
    must(await bhAdmin.patch(`/api/v1/agreements/${a.id}`, { isPublic: true }));
    expect((await s.anonymous.get(url)).status).toBe(200);

    const shown = await bhAdmin.get(`/api/v1/agreements/${a.id}`);
    expect(shown.body.documents.map((d: any) => d.filename)).toEqual(['PKS bertanda tangan.pdf']);
    const png1 = await upload(s, who, `/api/v1/agreements/${a.id}/documents`, {
      name: 'halaman-ttd.png',
      type: 'image/png',
      bytes: png,
    });
    expect(png1.status).toBe(201);
    expect(png1.body.contentType).toBe('image/png');
  });

  it('checks the type by content, the size, and who uploads, storing nothing on refusal', async () => {
    const a = (await bhAdmin.post('/api/v1/agreements', exchange({ title: 'Dokumen ditolak' }))).body;
    const who = await rawLogin(s, 'admin.bunghatta');
    const url = `/api/v1/agreements/${a.id}/documents`;
    const fake = await upload(s, who, url, {
      name: 'bukan.pdf',
      type: 'application/pdf',
      bytes: Buffer.from('<html><script>alert(1)</script></html>'),
    });
    expect(fake.status).toBe(400);
    expectErrorShape(fake.body, 'invalid');
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(10 * 1024 * 1024 + 10, 0x20)]);
    const tooBig = await upload(s, who, url, { name: 'besar.pdf', type: 'application/pdf', bytes: big });
    expect(tooBig.status).toBe(413);
    expectErrorShape(tooBig.body, 'file_too_large');
    const librarian = await upload(s, await rawLogin(s, 'pustakawan.bunghatta'), url, {
      name: 'a.pdf',
      type: 'application/pdf',
      bytes: pdf,
    });
    expect(librarian.status).toBe(403);
    const outsider = await upload(s, await rawLogin(s, 'admin.uinmy'), url, {
      name: 'a.pdf',
      type: 'application/pdf',
      bytes: pdf,
    });
    expect(outsider.status).toBe(404);
    const anon = await upload(s, null, url, { name: 'a.pdf', type: 'application/pdf', bytes: pdf });
    expect(anon.status).toBe(401);
    expect(existsSync(path.join(s.dataDir, 'agreements', String(a.id)))).toBe(false);
    expect((await bhAdmin.get(`/api/v1/agreements/${a.id}`)).body.documents).toEqual([]);
  });
});
