import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bib, keysOutOfStep, libraryIds, load as loadInto } from '../../test/catalog-fixtures.ts';
import { startTestSimpul, type TestSimpul } from '../../test/support.ts';
import type { Bib } from './types.ts';

let s: TestSimpul;
let lib: Record<string, number> = {};
const load = (code: string, bibs: Bib[]) => loadInto(s, lib[code] as number, bibs);

beforeAll(async () => {
  s = await startTestSimpul();
  lib = await libraryIds(s);
  await load('BUNGHATTA', [
    bib({
      sourceId: '1',
      title: 'Tenggelamnya Kapal Van der Wijck',
      authors: ['Hamka'],
      year: 1938,
      items: [{ barcode: 'A1', status: 'available', loanable: true }],
    }),
    bib({
      sourceId: '2',
      title: "Di Bawah Lindungan Ka'bah",
      authors: ['Hamka'],
      year: 1938,
      items: [{ barcode: 'A2', status: 'on_loan', loanable: true }],
    }),
  ]);
  await load('UINMY', [
    bib({ sourceId: 'u1', title: 'Tenggelamnya Kapal Van der Wijck', authors: ['Hamka'], year: 1938 }),
  ]);
});
afterAll(async () => s?.stop());

describe('catalog API', () => {
  it('searches publicly with facets and holdings', async () => {
    const r = await s.anonymous.get('/api/v1/catalog/search?q=hamka&library=UINMY');
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(1);
    expect(r.body.hits[0].holdings.map((h: any) => h.libraryCode).sort()).toEqual(['BUNGHATTA', 'UINMY']);
    const all = await s.anonymous.get('/api/v1/catalog/search?author=hamka&sort=title');
    expect(all.body.hits.map((h: any) => h.title)).toEqual([
      "Di Bawah Lindungan Ka'bah",
      'Tenggelamnya Kapal Van der Wijck',
    ]);
    expect(all.body.facets.library.find((f: any) => f.value === 'BUNGHATTA').count).toBe(2);
    const avail = await s.anonymous.get('/api/v1/catalog/search?author=hamka&available=true');
    expect(avail.body.total).toBe(1);
  });

  it('rejects bad search parameters with the error shape', async () => {
    const r = await s.anonymous.get('/api/v1/catalog/search?pageSize=1000');
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid');
  });

  it('shows a record with its source records and copies', async () => {
    const hit = (await s.anonymous.get('/api/v1/catalog/search?q=wijck')).body.hits[0];
    const r = await s.anonymous.get(`/api/v1/catalog/clusters/${hit.clusterId}`);
    expect(r.status).toBe(200);
    expect(r.body.members).toHaveLength(2);
    expect(r.body.items).toEqual([
      expect.objectContaining({ libraryCode: 'BUNGHATTA', barcode: 'A1', status: 'available' }),
    ]);
    expect((await s.anonymous.get('/api/v1/catalog/clusters/999999')).status).toBe(404);
  });

  it('lets staff split a wrong match, keeps it split on re-ingest, and merge it back', async () => {
    const hit = (await s.anonymous.get('/api/v1/catalog/search?q=wijck')).body.hits[0];
    const cluster = (await s.anonymous.get(`/api/v1/catalog/clusters/${hit.clusterId}`)).body;
    const uinRecord = cluster.members.find((m: any) => m.libraryCode === 'UINMY');
    const swl = await s.as('pustakawan.sawahlunto');
    expect((await swl.post(`/api/v1/catalog/records/${uinRecord.recordId}/split`, {})).status).toBe(403);
    expect((await s.anonymous.post(`/api/v1/catalog/records/${uinRecord.recordId}/split`, {})).status).toBe(401);
    const uin = await s.as('pustakawan.uinmy');
    const split = await uin.post(`/api/v1/catalog/records/${uinRecord.recordId}/split`, { note: 'edisi berbeda' });
    expect(split.status).toBe(200);
    expect((await s.anonymous.get('/api/v1/catalog/search?q=wijck')).body.total).toBe(2);
    expect(await keysOutOfStep(s)).toEqual([]);
    // The same records again: the decision holds.
    await load('UINMY', [
      bib({ sourceId: 'u1', title: 'Tenggelamnya Kapal Van der Wijck', authors: ['Hamka'], year: 1939 }),
    ]);
    expect((await s.anonymous.get('/api/v1/catalog/search?q=wijck')).body.total).toBe(2);
    const again = await uin.post(`/api/v1/catalog/records/${uinRecord.recordId}/split`, {});
    expect(again.status).toBe(409);
    // A librarian with a record in neither cluster may not merge them.
    expect(
      (await swl.post(`/api/v1/catalog/clusters/${hit.clusterId}/merge`, { other: split.body.clusterId })).status,
    ).toBe(403);
    const coord = await s.as('koordinator');
    const merged = await coord.post(`/api/v1/catalog/clusters/${hit.clusterId}/merge`, { other: split.body.clusterId });
    expect(merged.status).toBe(200);
    expect((await s.anonymous.get('/api/v1/catalog/search?q=wijck')).body.total).toBe(1);
    expect(await keysOutOfStep(s)).toEqual([]);
    await load('UINMY', [
      bib({ sourceId: 'u1', title: 'Tenggelamnya Kapal Van der Wijck', authors: ['Hamka'], year: 1940 }),
    ]);
    expect((await s.anonymous.get('/api/v1/catalog/search?q=wijck')).body.total).toBe(1);
    // The record page says why the records are together: the staff decision, not the matcher (years now differ).
    const together = (await s.anonymous.get(`/api/v1/catalog/clusters/${hit.clusterId}`)).body;
    expect(together.members).toHaveLength(2);
    expect(together.members[1].matchReasons).toEqual(['staff decision: same manifestation']);
    const audit = await coord.get('/api/v1/audit?entity=cluster');
    expect(audit.body.items.map((e: any) => e.action)).toEqual(['merge', 'split']);
  });
});
