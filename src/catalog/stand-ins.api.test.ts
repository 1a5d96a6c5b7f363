import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bib, keysOutOfStep, libraryIds, load, titleMatcher } from '../../test/catalog-fixtures.ts';
import { startTestSimpul, type TestSimpul } from '../../test/support.ts';
import { addAcquiredCopy } from './acquired.ts';
import { transferItems } from './transfer.ts';
import type { Bib } from './types.ts';

/**
 * A library that received a title by redistribution or cooperative acquisition holds it under a
 * stand-in record; when its own import later brings the title, its record joins the same cluster
 * and the stand-in gives way (src/catalog/stand-ins.ts).
 */

let s: TestSimpul;
let lib: Record<string, number> = {};

beforeAll(async () => {
  s = await startTestSimpul();
  lib = await libraryIds(s);
});
afterAll(async () => s?.stop());

const db = () => s.ctx.database.db;

async function membersOf(clusterId: number) {
  const page = (await s.anonymous.get(`/api/v1/catalog/clusters/${clusterId}`)).body;
  return {
    members: (page.members as Array<{ libraryCode: string; recordKey: string }>)
      .map((m) => `${m.libraryCode} ${m.recordKey}`)
      .sort(),
    holdings: (page.holdings as Array<{ libraryCode: string; copies: number }>)
      .map((h) => `${h.libraryCode} ${h.copies}`)
      .sort(),
    recordCount: page.recordCount as number,
  };
}

async function itemAt(barcode: string) {
  return db()
    .selectFrom('items as i')
    .innerJoin('libraries as l', 'l.id', 'i.library_id')
    .leftJoin('source_records as r', 'r.id', 'i.source_record_id')
    .select(['i.id', 'l.code', 'r.record_key', 'i.cluster_id', 'i.status', 'i.file_status'])
    .where('i.barcode', '=', barcode)
    .executeTakeFirstOrThrow();
}

async function clustersTitled(title: string) {
  return (await db().selectFrom('clusters').select('id').where('title', '=', title).orderBy('id').execute()).map(
    (c) => c.id,
  );
}

describe('a redistributed title', () => {
  const title = 'Di Bawah Lindungan Ka’bah (uji stand-in)';
  const own = (over: Partial<Bib> = {}) =>
    bib({
      title,
      year: 1938,
      sourceId: 'SWL-SI1',
      items: [{ barcode: 'SWL-SI1-A', status: 'available', loanable: true }],
      ...over,
    });

  it('gives way to the receiving library’s own record: one cluster, the library once, the received copy kept', async () => {
    await load(s, lib.BUNGHATTA as number, [
      bib({
        title,
        year: 1938,
        sourceId: 'BH-SI1',
        items: [{ barcode: 'BH-SI1-A', status: 'available', loanable: true }],
      }),
    ]);
    const given = await itemAt('BH-SI1-A');
    const clusterId = given.cluster_id as number;
    await db()
      .transaction()
      .execute((trx) => transferItems(trx, lib.SAWAHLUNTO as number, [{ itemId: given.id, barcode: 'SWL-GIFT-1' }]));
    expect(await itemAt('SWL-GIFT-1')).toMatchObject({ code: 'SAWAHLUNTO', record_key: `transfer:${clusterId}` });
    expect((await membersOf(clusterId)).members).toEqual(['BUNGHATTA id:BH-SI1', `SAWAHLUNTO transfer:${clusterId}`]);

    // Sawahlunto's own catalogue comes, with the title and another copy
    const counts = await load(s, lib.SAWAHLUNTO as number, [own()]);
    expect(counts).toMatchObject({ added: 1, matched: 1 });
    expect(await clustersTitled(title)).toEqual([clusterId]);
    expect(await membersOf(clusterId)).toEqual({
      members: ['BUNGHATTA id:BH-SI1', 'SAWAHLUNTO id:SWL-SI1'],
      holdings: ['BUNGHATTA 0', 'SAWAHLUNTO 2'],
      recordCount: 2,
    });
    expect(await itemAt('SWL-GIFT-1')).toMatchObject({
      record_key: 'id:SWL-SI1',
      cluster_id: clusterId,
      file_status: null,
    });

    // its next file does not list the received copy: the copy is Simpul's, it stays
    await load(s, lib.SAWAHLUNTO as number, [own({ subjects: ['Roman'] })]);
    expect(await itemAt('SWL-GIFT-1')).toMatchObject({ record_key: 'id:SWL-SI1', status: 'available' });
    // one that lists it (catalogued there now) makes it the file's
    await load(s, lib.SAWAHLUNTO as number, [
      own({
        subjects: ['Roman'],
        items: [
          { barcode: 'SWL-SI1-A', status: 'available', loanable: true },
          { barcode: 'SWL-GIFT-1', status: 'reference_only', loanable: false },
        ],
      }),
    ]);
    expect(await itemAt('SWL-GIFT-1')).toMatchObject({ status: 'reference_only', file_status: 'reference_only' });
    // a later copy given of the same title goes under the library's own record, not a new stand-in
    const more = await load(s, lib.BUNGHATTA as number, [
      bib({
        title,
        year: 1938,
        sourceId: 'BH-SI1',
        items: [
          { barcode: 'BH-SI1-A', status: 'available', loanable: true },
          { barcode: 'BH-SI1-B', status: 'available', loanable: true },
        ],
      }),
    ]);
    expect(more.updated).toBe(1);
    const second = await itemAt('BH-SI1-B');
    await db()
      .transaction()
      .execute((trx) => transferItems(trx, lib.SAWAHLUNTO as number, [{ itemId: second.id, barcode: 'SWL-GIFT-2' }]));
    expect(await itemAt('SWL-GIFT-2')).toMatchObject({ record_key: 'id:SWL-SI1' });
    expect((await membersOf(clusterId)).members).toEqual(['BUNGHATTA id:BH-SI1', 'SAWAHLUNTO id:SWL-SI1']);
    expect(await keysOutOfStep(s)).toEqual([]);
  });
});

describe('a title bought together', () => {
  it('gives way whether it was filed in a known title or catalogued through the ingest', async () => {
    const known = 'Layar Terkembang (uji stand-in)';
    await load(s, lib.BUNGHATTA as number, [bib({ title: known, sourceId: 'BH-SI2' })]);
    const [knownCluster] = await clustersTitled(known);
    const typed = 'Atheis (uji stand-in)';
    await db()
      .transaction()
      .execute(async (trx) => {
        const target = { libraryId: lib.PAYAKUMBUH as number, createdBy: null };
        await addAcquiredCopy(
          trx,
          { ...target, clusterId: knownCluster as number, bib: bib({ title: known }), recordKey: 'acq:9001' },
          { barcode: 'PYK-ACQ-1' },
          titleMatcher,
        );
        await addAcquiredCopy(
          trx,
          { ...target, clusterId: null, bib: bib({ title: typed }), recordKey: 'acq:9002' },
          { barcode: 'PYK-ACQ-2' },
          titleMatcher,
        );
        // a second copy of the typed-in title joins its record (no second stand-in, the first copy kept)
        await addAcquiredCopy(
          trx,
          { ...target, clusterId: null, bib: bib({ title: typed }), recordKey: 'acq:9002' },
          { barcode: 'PYK-ACQ-3' },
          titleMatcher,
        );
      });
    expect(await itemAt('PYK-ACQ-1')).toMatchObject({ record_key: 'acq:9001', file_status: null });
    expect(await itemAt('PYK-ACQ-2')).toMatchObject({ record_key: 'id:acq:9002', file_status: null });
    expect(await itemAt('PYK-ACQ-3')).toMatchObject({ record_key: 'id:acq:9002' });
    const [typedCluster] = await clustersTitled(typed);
    // the stand-ins' key rows say what they are, so another library's ingest can still meet them
    expect(await keysOutOfStep(s)).toEqual([]);
    const flagged = await db()
      .selectFrom('match_keys as k')
      .innerJoin('source_records as r', 'r.id', 'k.record_id')
      .select(['r.record_key', 'k.stand_in', 'k.library_id'])
      .distinct()
      .where('r.record_key', '=', 'acq:9001')
      .execute();
    expect(flagged).toEqual([{ record_key: 'acq:9001', stand_in: true, library_id: lib.PAYAKUMBUH }]);

    // Payakumbuh's own catalogue has both titles
    const counts = await load(s, lib.PAYAKUMBUH as number, [
      bib({
        title: known,
        sourceId: 'PYK-SI2',
        items: [{ barcode: 'PYK-SI2-A', status: 'available', loanable: true }],
      }),
      bib({ title: typed, sourceId: 'PYK-SI3' }),
    ]);
    expect(counts).toMatchObject({ added: 2, matched: 2 }); // the typed-in title matches its stand-in
    expect(await clustersTitled(known)).toEqual([knownCluster]);
    expect(await clustersTitled(typed)).toEqual([typedCluster]);
    expect(await membersOf(knownCluster as number)).toEqual({
      members: ['BUNGHATTA id:BH-SI2', 'PAYAKUMBUH id:PYK-SI2'],
      holdings: ['BUNGHATTA 0', 'PAYAKUMBUH 2'], // Bung Hatta's record has no copies
      recordCount: 2,
    });
    expect((await membersOf(typedCluster as number)).members).toEqual(['PAYAKUMBUH id:PYK-SI3']);
    for (const b of ['PYK-ACQ-2', 'PYK-ACQ-3'])
      expect(await itemAt(b)).toMatchObject({ record_key: 'id:PYK-SI3', cluster_id: typedCluster });
    // retired stand-ins carry no match keys
    const keys = await db()
      .selectFrom('match_keys as k')
      .innerJoin('source_records as r', 'r.id', 'k.record_id')
      .select('r.record_key')
      .where('r.record_key', 'in', ['acq:9001', 'id:acq:9002'])
      .execute();
    expect(keys).toEqual([]);
    expect(await keysOutOfStep(s)).toEqual([]);
  });
});
