import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTitle } from '../../test/programs-support.ts';
import { type Agent, must, startTestSimpul, type TestSimpul } from '../../test/support.ts';
import { addDays, todayIso } from './dates.ts';

let s: TestSimpul;
let bh: Agent; // librarian, Bung Hatta: the lender
let sd01: Agent; // librarian, SD Negeri 01 Bukittinggi
let sd05: Agent;
let programId: number;
const anak: number[] = [];
const sains: number[] = [];
let onLoan: number;
let reference: number;
let elsewhere: number;
const today = todayIso();

async function itemStatus(id: number): Promise<string> {
  const r = await s.ctx.database.db.selectFrom('items').select('status').where('id', '=', id).executeTakeFirstOrThrow();
  return r.status;
}

beforeAll(async () => {
  s = await startTestSimpul();
  [bh, sd01, sd05] = await Promise.all([
    s.as('pustakawan.bunghatta'),
    s.as('pustakawan.sdn01bkt'),
    s.as('pustakawan.sdn05bkt'),
  ]);
  const admin = await s.as('admin.bunghatta');
  const agreement = await admin.post('/api/v1/agreements', {
    title: 'Peminjaman koleksi kolektif untuk SD Negeri 01 Bukittinggi (uji)',
    kind: 'pks',
    programs: ['deposit_collections'],
    startsOn: addDays(today, -30),
    endsOn: addDays(today, 700),
    parties: [
      { libraryCode: 'BUNGHATTA', role: 'first_party', terms: { loanPeriodDays: 90 } },
      { libraryCode: 'SDN01-BKT', role: 'second_party', terms: { lostItems: { rule: 'replace_copy' } } },
    ],
  });
  expect(agreement.status).toBe(201);
  must(await admin.post(`/api/v1/agreements/${agreement.body.id}/activate`));
  const created = await bh.post('/api/v1/deposit-programs', {
    agreementId: agreement.body.id,
    recipientCode: 'SDN01-BKT',
    setSize: 4,
    rotationMonths: 3,
    audience: 'Siswa SD kelas 1-6',
  });
  expect(created.status).toBe(201);
  programId = created.body.id;
  for (let i = 1; i <= 8; i++) {
    anak.push(
      ...(await makeTitle(s, 'BUNGHATTA', {
        title: `Cerita Rakyat Minangkabau ${i}`,
        subjects: ['Cerita anak', 'Fiksi'],
        ddc: '899.221',
      })),
    );
  }
  for (let i = 1; i <= 4; i++) {
    sains.push(
      ...(await makeTitle(s, 'BUNGHATTA', { title: `Ensiklopedia Sains Anak ${i}`, subjects: ['Sains'], ddc: '503' })),
    );
  }
  [onLoan] = (await makeTitle(s, 'BUNGHATTA', {
    title: 'Cerita anak dipinjam',
    subjects: ['Cerita anak'],
    status: 'on_loan',
  })) as [number];
  [reference] = (await makeTitle(s, 'BUNGHATTA', {
    title: 'Cerita anak rujukan',
    subjects: ['Cerita anak'],
    loanable: false,
  })) as [number];
  [elsewhere] = (await makeTitle(s, 'SAWAHLUNTO', { title: 'Cerita anak Sawahlunto', subjects: ['Cerita anak'] })) as [
    number,
  ];
});
afterAll(async () => s?.stop());

describe('deposit collections', () => {
  it('runs two rotations with one lost copy replaced by the school', async () => {
    // planning: only the lender's available, loanable items, filtered by subject
    const cands = await bh.get(`/api/v1/deposit-programs/${programId}/candidates?subject=anak&limit=50`);
    expect(cands.status).toBe(200);
    const ids = cands.body.items.map((c: any) => c.itemId);
    expect(ids).toEqual(anak);
    expect(ids).not.toContain(onLoan);
    expect(ids).not.toContain(reference);
    expect(ids).not.toContain(elsewhere);
    const byDdc = await bh.get(`/api/v1/deposit-programs/${programId}/candidates?ddc=50`);
    expect(byDdc.body.items.map((c: any) => c.itemId)).toEqual(sains);

    // set 1 goes out
    const first = anak.slice(0, 4);
    const set1 = await bh.post(`/api/v1/deposit-programs/${programId}/sets`, {
      itemIds: first,
      issuedOn: '2026-01-05',
    });
    expect(set1.status).toBe(201);
    expect(set1.body).toMatchObject({ sequence: 1, status: 'issued', issuedOn: '2026-01-05', dueOn: '2026-04-05' });
    expect(set1.body.items).toHaveLength(4);
    for (const id of first) expect(await itemStatus(id)).toBe('on_deposit');
    const again = await bh.post(`/api/v1/deposit-programs/${programId}/sets`, { itemIds: anak.slice(4, 5) });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('deposit_set_open');

    // the school sees its packing list and reports use, but cannot rotate
    const packing = await sd01.get(`/api/v1/deposit-sets/${set1.body.id}`);
    expect(packing.status).toBe(200);
    expect(packing.body.canManage).toBe(false);
    expect(packing.body.items.map((i: any) => i.title)).toContain('Cerita Rakyat Minangkabau 1');
    const use = await sd01.post(`/api/v1/deposit-sets/${set1.body.id}/usage`, {
      loansReported: 37,
      items: [{ itemId: first[0], loans: 12 }],
    });
    expect(use.status).toBe(200);
    expect(use.body.loansReported).toBe(37);
    const schoolRotate = await sd01.post(`/api/v1/deposit-programs/${programId}/rotate`, { missingItemIds: [] });
    expect(schoolRotate.status).toBe(403);
    expect((await bh.get(`/api/v1/deposit-sets/${set1.body.id}`)).body.status).toBe('issued');

    // bad rotation input changes nothing
    const bad = await bh.post(`/api/v1/deposit-programs/${programId}/rotate`, { missingItemIds: [sains[0]] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields[0].field).toBe('missingItemIds.0');
    expect((await bh.get(`/api/v1/deposit-sets/${set1.body.id}`)).body.status).toBe('issued');
    const sentBefore = await bh.post(`/api/v1/deposit-programs/${programId}/rotate`, {
      missingItemIds: [],
      itemIds: [first[1], anak[5]],
    });
    expect(sentBefore.status).toBe(400);
    expect(sentBefore.body.error.details.fields[0].message.en).toContain('was sent to this school before');
    expect(await itemStatus(first[1]!)).toBe('on_deposit');

    // rotation 1: one book missing, the next set picked by subject, never a book sent before
    const lost = first[1]!;
    const rot1 = await bh.post(`/api/v1/deposit-programs/${programId}/rotate`, {
      missingItemIds: [lost],
      returnedOn: '2026-04-05',
      pick: { subject: 'anak' },
    });
    expect(rot1.status).toBe(201);
    expect(rot1.body.returned.items.filter((i: any) => i.outcome === 'returned')).toHaveLength(3);
    expect(rot1.body.returned.items.find((i: any) => i.itemId === lost).outcome).toBe('missing');
    expect(rot1.body.issued).toMatchObject({ sequence: 2, issuedOn: '2026-04-05', dueOn: '2026-07-05' });
    const second = rot1.body.issued.items.map((i: any) => i.itemId);
    expect(second.sort((a: number, b: number) => a - b)).toEqual(anak.slice(4, 8));
    expect(await itemStatus(first[0]!)).toBe('available');
    expect(await itemStatus(lost)).toBe('missing');

    // the loss is settled as the agreement says: the school replaces the copy
    const pay = await bh.post(`/api/v1/deposit-sets/${set1.body.id}/items/${lost}/resolve`, {
      kind: 'paid',
      amountRupiah: 50000,
    });
    expect(pay.status).toBe(409);
    expect(pay.body.error.code).toBe('deposit_rule_mismatch');
    expect(pay.body.error.message.id).toContain('mengganti dengan eksemplar');
    const noBarcode = await bh.post(`/api/v1/deposit-sets/${set1.body.id}/items/${lost}/resolve`, { kind: 'replaced' });
    expect(noBarcode.status).toBe(400);
    const schoolResolves = await sd01.post(`/api/v1/deposit-sets/${set1.body.id}/items/${lost}/resolve`, {
      kind: 'replaced',
      replacementBarcode: 'BH-PENGGANTI-001',
    });
    expect(schoolResolves.status).toBe(403);
    const replaced = await bh.post(`/api/v1/deposit-sets/${set1.body.id}/items/${lost}/resolve`, {
      kind: 'replaced',
      replacementBarcode: 'BH-PENGGANTI-001',
      on: '2026-04-20',
    });
    expect(replaced.status).toBe(200);
    const settled = replaced.body.items.find((i: any) => i.itemId === lost);
    expect(settled).toMatchObject({
      outcome: 'replaced',
      replacementBarcode: 'BH-PENGGANTI-001',
      resolvedOn: '2026-04-20',
    });
    expect(await itemStatus(lost)).toBe('withdrawn');
    const copy = await s.ctx.database.db
      .selectFrom('items')
      .select(['status', 'library_id', 'cluster_id'])
      .where('barcode', '=', 'BH-PENGGANTI-001')
      .executeTakeFirstOrThrow();
    expect(copy.status).toBe('available');
    const twice = await bh.post(`/api/v1/deposit-sets/${set1.body.id}/items/${lost}/resolve`, {
      kind: 'replaced',
      replacementBarcode: 'BH-PENGGANTI-002',
    });
    expect(twice.status).toBe(409);

    // rotation 2: everything back, a science set goes out
    const rot2 = await bh.post(`/api/v1/deposit-programs/${programId}/rotate`, {
      returnedOn: '2026-07-05',
      loansReported: 52,
      pick: { ddc: '5' },
    });
    expect(rot2.status).toBe(201);
    expect(rot2.body.returned.loansReported).toBe(52);
    expect(rot2.body.issued.sequence).toBe(3);
    expect(rot2.body.issued.items.map((i: any) => i.itemId).sort((a: number, b: number) => a - b)).toEqual(sains);

    const program = await bh.get(`/api/v1/deposit-programs/${programId}`);
    expect(program.body.totals).toEqual({
      setsSent: 3,
      itemsOut: 4,
      itemsReturned: 7,
      itemsMissing: 0,
      itemsReplaced: 1,
      itemsPaid: 0,
      loansReported: 89,
    });
    expect(program.body.openSet).toMatchObject({ sequence: 3, items: 4 });
    expect(program.body.lostItemRule).toEqual({ rule: 'replace_copy', amountRupiah: null });
  });

  it('counts sets, items out, returned, missing and replaced per partner and period', async () => {
    const f = await bh.get('/api/v1/program-figures?from=2026-01-01&to=2026-12-31');
    expect(f.status).toBe(200);
    const row = f.body.deposits.find((d: any) => d.programId === programId);
    expect(row).toMatchObject({
      lenderCode: 'BUNGHATTA',
      recipientCode: 'SDN01-BKT',
      setsSent: 3,
      itemsSent: 12,
      itemsOutNow: 4,
      itemsReturned: 7,
      itemsMissing: 1,
      itemsReplaced: 1,
      itemsPaid: 0,
      loansReported: 89,
    });
    const q1 = await bh.get('/api/v1/program-figures?from=2026-01-01&to=2026-03-31');
    expect(q1.body.deposits.find((d: any) => d.programId === programId)).toMatchObject({
      setsSent: 1,
      itemsSent: 4,
      itemsReturned: 0,
    });
    expect(f.body.agreements.find((a: any) => a.libraryCode === 'BUNGHATTA')).toBeDefined();
    const school = await sd05.get('/api/v1/program-figures?from=2026-01-01&to=2026-12-31');
    expect(school.body.deposits.some((d: any) => d.programId === programId)).toBe(false);
    expect(school.body.agreements.every((a: any) => a.libraryCode === 'SDN05-BKT')).toBe(true);
    const bad = await bh.get('/api/v1/program-figures?from=2026-12-31&to=2026-01-01');
    expect(bad.status).toBe(400);
  });

  it('shows a school only its own deposits', async () => {
    const mine = await sd01.get('/api/v1/deposit-programs');
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((p: any) => p.id)).toContain(programId);
    expect(mine.body.items.every((p: any) => p.recipient.code === 'SDN01-BKT' || p.lender.code === 'SDN01-BKT')).toBe(
      true,
    );
    const other = await sd05.get('/api/v1/deposit-programs');
    expect(other.body.items.map((p: any) => p.id)).not.toContain(programId);
    expect((await sd05.get(`/api/v1/deposit-programs/${programId}`)).status).toBe(404);
    const set = (await bh.get(`/api/v1/deposit-programs/${programId}`)).body.openSet.id;
    expect((await sd05.get(`/api/v1/deposit-sets/${set}`)).status).toBe(404);
    expect((await sd05.get('/api/v1/deposit-programs?library=SDN01-BKT')).status).toBe(403);
    expect((await sd05.post(`/api/v1/deposit-sets/${set}/usage`, { loansReported: 1 })).status).toBe(404);
  });

  it('refuses items that are not the lender’s or not available, and bad program input', async () => {
    const fresh = await makeTitle(s, 'BUNGHATTA', { title: 'Buku baru', subjects: ['Cerita anak'] });
    const set = (await bh.get(`/api/v1/deposit-programs/${programId}`)).body.openSet.id;
    must(await bh.post(`/api/v1/deposit-sets/${set}/return`, {}));
    const r = await bh.post(`/api/v1/deposit-programs/${programId}/sets`, { itemIds: [elsewhere, onLoan, fresh[0]] });
    expect(r.status).toBe(400);
    expect(r.body.error.details.fields.map((f: any) => f.field)).toEqual(['itemIds.0', 'itemIds.1']);
    expect(await itemStatus(fresh[0]!)).toBe('available');
    const p = await bh.get(`/api/v1/deposit-programs/${programId}`);
    expect(p.body.openSet).toBeNull();
    const noAgreement = await bh.post('/api/v1/deposit-programs', { agreementId: 999999, recipientCode: 'SDN05-BKT' });
    expect(noAgreement.status).toBe(400);
    const notParty = await bh.post('/api/v1/deposit-programs', {
      agreementId: p.body.agreementId,
      recipientCode: 'SDN05-BKT',
    });
    expect(notParty.status).toBe(400);
    expect(notParty.body.error.details.fields[0].field).toBe('recipientCode');
    const forOther = await sd01.post('/api/v1/deposit-programs', {
      agreementId: p.body.agreementId,
      recipientCode: 'SDN01-BKT',
      lenderCode: 'BUNGHATTA',
    });
    expect(forOther.status).toBe(403);
    const badSize = await bh.post('/api/v1/deposit-programs', {
      agreementId: p.body.agreementId,
      recipientCode: 'SDN01-BKT',
      setSize: 0,
    });
    expect(badSize.status).toBe(400);
  });
});
