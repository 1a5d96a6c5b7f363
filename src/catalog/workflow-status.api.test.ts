import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bib, load } from '../../test/catalog-fixtures.ts';
import { libraryId, patronId, signIn, supplierIdOf } from '../../test/ill-support.ts';
import { rawLogin } from '../../test/programs-support.ts';
import { type Agent, must, startTestSimpul, type TestSimpul } from '../../test/support.ts';
import { addDays, todayIso } from '../programs/dates.ts';
import { weekdayOf } from '../programs/mobile-schedule.ts';
import type { Bib, ItemInput } from './types.ts';

/**
 * A copy a Simpul workflow has out (an ILL loan, a mobile-library loan, a deposit collection) keeps
 * the workflow's status when its library re-sends its catalogue — the same file, a changed one, one
 * that deletes the record, or an item-only CSV — until the workflow releases it; then the library's
 * own data is the source of truth again (src/catalog/item-status.ts).
 */

let s: TestSimpul;
let bh: Agent;
let swl: Agent;
let fadli: number;
const today = todayIso();

beforeAll(async () => {
  s = await startTestSimpul();
  ({ bh, swl } = await signIn(s, 'bh', 'swl'));
  fadli = await patronId(s, 'BH-2024-0001');
});
afterAll(async () => s?.stop());

const copy = (barcode: string, over: Partial<ItemInput> = {}): ItemInput => ({
  barcode,
  callNumber: '899.221',
  status: 'available',
  loanable: true,
  ...over,
});

async function importBibs(code: string, bibs: Bib[]) {
  return load(s, await libraryId(s, code), bibs);
}

/** An item-only CSV (a SLiMS items table) through the import API, as a library sends it. */
async function importItemRows(code: string, lines: string[]) {
  const who = await rawLogin(s, 'koordinator');
  const res = await s.app.inject({
    method: 'POST',
    url: `/api/v1/libraries/${code}/imports?filename=item.csv`,
    headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, 'content-type': 'application/octet-stream' },
    payload: Buffer.from(
      `${['item_id,biblio_id,call_number,coll_type_id,item_code,inventory_code,location_id,item_status_id', ...lines].join('\r\n')}\r\n`,
    ),
  });
  expect(res.statusCode).toBe(202);
  await s.jobs.drain();
  const batch = (await (await s.as('koordinator')).get(`/api/v1/imports/${JSON.parse(res.body).id}`)).body;
  expect(batch).toMatchObject({ status: 'done', format: 'slims_items_csv' });
  return batch.counts as { added: number; updated: number; unchanged: number; rejected: number };
}

async function item(barcode: string) {
  return s.ctx.database.db
    .selectFrom('items')
    .select(['id', 'status', 'held_by', 'file_status', 'cluster_id', 'call_number'])
    .where('barcode', '=', barcode)
    .executeTakeFirstOrThrow();
}

/** What the public record page says of a copy, and of its library's holdings. */
async function recordPage(clusterId: number, barcode: string) {
  const page = (await s.anonymous.get(`/api/v1/catalog/clusters/${clusterId}`)).body;
  return {
    item: page.items.find((i: { barcode: string }) => i.barcode === barcode) as
      | { status: string; heldBy: string | null }
      | undefined,
    availableCount: page.availableCount as number,
  };
}

describe('an ILL loan', () => {
  const title = 'Tenggelamnya Kapal van der Wijck (uji status)';
  const rec = (over: Partial<Bib> = {}) =>
    bib({ title, sourceId: 'SWL-WF1', year: 1938, items: [copy('SWL-WF1-A'), copy('SWL-WF1-B')], ...over });

  it('keeps the copy on loan through re-imports of the same, a changed and an item-only file; the return gives it back to the file', async () => {
    await importBibs('SAWAHLUNTO', [rec()]);
    const start = await item('SWL-WF1-A');
    const clusterId = start.cluster_id as number;
    const c = must(
      await bh.post('/api/v1/ill/requests', { patronId: fadli, clusterId, serviceType: 'Loan', send: true }),
    );
    const supId = await supplierIdOf(bh, c.body.id);
    must(await swl.post(`/api/v1/ill/supplier-requests/${supId}/actions/ship`, {}));
    const sup = must(await swl.get(`/api/v1/ill/supplier-requests/${supId}`));
    const lent = sup.body.item.barcode as string;
    const other = lent === 'SWL-WF1-A' ? 'SWL-WF1-B' : 'SWL-WF1-A';
    expect(await item(lent)).toMatchObject({ status: 'in_transit', held_by: 'ill' });
    must(await bh.post(`/api/v1/ill/requests/${c.body.id}/actions/receive`, {}));
    expect(await item(lent)).toMatchObject({ status: 'on_loan', held_by: 'ill' });

    // the same file again
    expect(await importBibs('SAWAHLUNTO', [rec()])).toMatchObject({ unchanged: 1 });
    expect((await item(lent)).status).toBe('on_loan');
    // a changed version, which still says "available" and moves the copy to another shelf
    const changed = rec({
      subjects: ['Roman'],
      items: [copy('SWL-WF1-A', { callNumber: '899.221 HAM t' }), copy('SWL-WF1-B', { callNumber: '899.221 HAM t' })],
    });
    expect(await importBibs('SAWAHLUNTO', [changed])).toMatchObject({ updated: 1 });
    expect(await item(lent)).toMatchObject({
      status: 'on_loan',
      held_by: 'ill',
      file_status: 'available',
      call_number: '899.221 HAM t',
    });
    expect((await item(other)).status).toBe('available');
    // an item-only CSV saying available (0) for both, and missing (MIS) for the copy at home
    const counts = await importItemRows('SAWAHLUNTO', [
      `1,SWL-WF1,899.221 HAM t,1,${lent},INV1,SL,0`,
      `2,SWL-WF1,899.221 HAM t,1,${other},INV2,SL,MIS`,
    ]);
    expect(counts).toMatchObject({ rejected: 0 });
    expect((await item(lent)).status).toBe('on_loan');
    expect((await item(other)).status).toBe('missing');
    // patrons and staff see the loan on the record page, and no copy to lend
    expect(await recordPage(clusterId, lent)).toEqual({
      item: expect.objectContaining({ status: 'on_loan', heldBy: 'ill' }),
      availableCount: 0,
    });

    // the loan ends: the library's file says the copy is available
    must(await bh.post(`/api/v1/ill/requests/${c.body.id}/actions/return`, {}));
    expect(await item(lent)).toMatchObject({ status: 'in_transit', held_by: 'ill' });
    must(await swl.post(`/api/v1/ill/supplier-requests/${supId}/actions/checkIn`, {}));
    expect(await item(lent)).toMatchObject({ status: 'available', held_by: null });
    expect((await recordPage(clusterId, lent)).availableCount).toBe(1);
    // and from now on its file decides
    const after = rec({
      subjects: ['Roman', 'Sastra'],
      items: [copy(lent, { status: 'reference_only', loanable: false })],
    });
    await importBibs('SAWAHLUNTO', [after]);
    expect((await item(lent)).status).toBe('reference_only');
  });

  it('keeps a copy the borrower lost as lost against a file saying available, until the lender releases it', async () => {
    const t2 = 'Salah Asuhan (uji status)';
    const r2 = (over: Partial<Bib> = {}) =>
      bib({ title: t2, sourceId: 'SWL-WF2', items: [copy('SWL-WF2-A')], ...over });
    await importBibs('SAWAHLUNTO', [r2()]);
    const { cluster_id } = await item('SWL-WF2-A');
    const c = must(
      await bh.post('/api/v1/ill/requests', {
        patronId: fadli,
        clusterId: cluster_id,
        serviceType: 'Loan',
        send: true,
      }),
    );
    const supId = await supplierIdOf(bh, c.body.id);
    must(await swl.post(`/api/v1/ill/supplier-requests/${supId}/actions/ship`, {}));
    must(await bh.post(`/api/v1/ill/requests/${c.body.id}/actions/receive`, {}));
    const lost = must(await bh.post(`/api/v1/ill/requests/${c.body.id}/actions/reportLost`, { note: 'hilang' }));
    expect(lost.body.state).toBe('CompletedWithoutReturn');
    expect(await item('SWL-WF2-A')).toMatchObject({ status: 'lost', held_by: 'ill' });
    await importBibs('SAWAHLUNTO', [r2({ subjects: ['Roman'] })]);
    expect(await item('SWL-WF2-A')).toMatchObject({ status: 'lost', held_by: 'ill', file_status: 'available' });

    // only the owning library's staff release it, once
    const { id } = await item('SWL-WF2-A');
    const foreign = await bh.post(`/api/v1/catalog/items/${id}/release`, {});
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('forbidden_other_library');
    const released = must(await swl.post(`/api/v1/catalog/items/${id}/release`, {}));
    expect(released.body).toEqual({ id, status: 'available', heldBy: null });
    expect((await swl.post(`/api/v1/catalog/items/${id}/release`, {})).body.error.code).toBe('item_not_held');
    const audit = await s.ctx.database.db
      .selectFrom('audit_log')
      .select(['action', 'before', 'after'])
      .where('entity', '=', 'item')
      .where('entity_id', '=', String(id))
      .execute();
    expect(audit).toEqual([
      {
        action: 'release_hold',
        before: { status: 'lost', heldBy: 'ill' },
        after: { status: 'available', heldBy: null, fileStatus: 'available' },
      },
    ]);
  });
});

describe('a mobile-library loan', () => {
  it('survives a file that deletes the record; the return withdraws the copy, as the file said', async () => {
    const pyk = await s.as('pustakawan.payakumbuh');
    const title = 'Siti Nurbaya (uji status)';
    const rec = (over: Partial<Bib> = {}) =>
      bib({ title, sourceId: 'PYK-WF1', items: [copy('PYK-WF1-A'), copy('PYK-WF1-B')], ...over });
    await importBibs('PAYAKUMBUH', [rec()]);
    const route = must(await pyk.post('/api/v1/mobile-routes', { name: 'Pusling uji status', vehicle: 'BA 1 XY' }));
    const stopAt = async (name: string, startTime: string) =>
      must(
        await pyk.post(`/api/v1/mobile-routes/${route.body.id}/stops`, {
          name,
          kind: 'village',
          address: 'Balai nagari',
          startTime,
          endTime: `${String(Number(startTime.slice(0, 2)) + 1).padStart(2, '0')}:00`,
          schedule: { weekday: weekdayOf(today) },
        }),
      ).body.stopList.find((x: { name: string }) => x.name === name).id as number;
    const stop = await stopAt('Nagari uji', '08:00');
    const second = await stopAt('Jorong uji', '13:00');
    must(await pyk.post(`/api/v1/mobile-routes/${route.body.id}/collection`, { barcodes: ['PYK-WF1-A', 'PYK-WF1-B'] }));
    must(
      await pyk.post(`/api/v1/mobile-stops/${stop}/visits`, {
        date: today,
        visitors: 3,
        loans: [{ barcode: 'PYK-WF1-A', borrowerName: 'Rahmat' }],
      }),
    );
    const start = await item('PYK-WF1-A');
    expect(start).toMatchObject({ status: 'on_loan', held_by: 'mobile' });

    // the library's next file drops the copy on loan, then one deletes the record
    await importBibs('PAYAKUMBUH', [rec({ subjects: ['Roman'], items: [copy('PYK-WF1-B')] })]);
    expect(await item('PYK-WF1-A')).toMatchObject({ status: 'on_loan', file_status: 'withdrawn' });
    expect(await importBibs('PAYAKUMBUH', [rec({ deleted: true })])).toMatchObject({ deleted: 1 });
    expect(await item('PYK-WF1-A')).toMatchObject({ status: 'on_loan', held_by: 'mobile', file_status: 'withdrawn' });
    expect(await item('PYK-WF1-B')).toMatchObject({ status: 'withdrawn', cluster_id: null });

    // returned at the next stop: the copy is withdrawn, as the library's data says
    must(await pyk.post(`/api/v1/mobile-stops/${second}/visits`, { date: today, visitors: 1, returns: ['PYK-WF1-A'] }));
    expect(await item('PYK-WF1-A')).toMatchObject({ status: 'withdrawn', held_by: null, cluster_id: null });
  });
});

describe('a deposit collection', () => {
  it('keeps copies on deposit, then missing and lost, against the file, until staff release them', async () => {
    const admin = await s.as('admin.bunghatta');
    const agreement = must(
      await admin.post('/api/v1/agreements', {
        title: 'Koleksi titipan SD Negeri 01 Bukittinggi (uji status)',
        kind: 'pks',
        programs: ['deposit_collections'],
        startsOn: addDays(today, -30),
        endsOn: addDays(today, 700),
        parties: [
          { libraryCode: 'BUNGHATTA', role: 'first_party', terms: { loanPeriodDays: 90 } },
          {
            libraryCode: 'SDN01-BKT',
            role: 'second_party',
            terms: { lostItems: { rule: 'pay_amount', amountRupiah: 40000 } },
          },
        ],
      }),
    );
    must(await admin.post(`/api/v1/agreements/${agreement.body.id}/activate`));
    const program = must(
      await bh.post('/api/v1/deposit-programs', {
        agreementId: agreement.body.id,
        recipientCode: 'SDN01-BKT',
        setSize: 2,
        rotationMonths: 3,
      }),
    );
    const rec = (over: Partial<Bib> = {}) =>
      bib({
        title: 'Cerita Rakyat (uji status)',
        sourceId: 'BH-WF1',
        items: [copy('BH-WF1-A'), copy('BH-WF1-B')],
        ...over,
      });
    await importBibs('BUNGHATTA', [rec()]);
    const a = (await item('BH-WF1-A')).id;
    const b = (await item('BH-WF1-B')).id;
    const set = must(await bh.post(`/api/v1/deposit-programs/${program.body.id}/sets`, { itemIds: [a, b] }));
    expect(await item('BH-WF1-A')).toMatchObject({ status: 'on_deposit', held_by: 'deposit' });
    await importBibs('BUNGHATTA', [rec({ subjects: ['Cerita anak'] })]);
    expect((await item('BH-WF1-A')).status).toBe('on_deposit');
    expect((await item('BH-WF1-B')).status).toBe('on_deposit');

    // the school returns one; the other is missing, then paid for
    must(await bh.post(`/api/v1/deposit-sets/${set.body.id}/return`, { missingItemIds: [b] }));
    expect(await item('BH-WF1-A')).toMatchObject({ status: 'available', held_by: null });
    expect(await item('BH-WF1-B')).toMatchObject({ status: 'missing', held_by: 'deposit' });
    await importItemRows('BUNGHATTA', ['1,BH-WF1,899.221,1,BH-WF1-B,INV1,SL,0']);
    expect((await item('BH-WF1-B')).status).toBe('missing');
    must(
      await bh.post(`/api/v1/deposit-sets/${set.body.id}/items/${b}/resolve`, { kind: 'paid', amountRupiah: 40000 }),
    );
    expect(await item('BH-WF1-B')).toMatchObject({ status: 'lost', held_by: 'deposit' });
    await importBibs('BUNGHATTA', [rec({ subjects: ['Cerita anak', 'Fiksi'] })]);
    expect(await item('BH-WF1-B')).toMatchObject({ status: 'lost', held_by: 'deposit', file_status: 'available' });

    // the library's data catches up (the copy is written off there too) and staff release the hold
    await importItemRows('BUNGHATTA', ['1,BH-WF1,899.221,1,BH-WF1-B,INV1,SL,MIS']);
    must(await bh.post(`/api/v1/catalog/items/${b}/release`, {}));
    expect(await item('BH-WF1-B')).toMatchObject({ status: 'missing', held_by: null, file_status: 'missing' });
  });
});
