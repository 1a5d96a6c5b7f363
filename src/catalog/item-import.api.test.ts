import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSimpul, type TestSimpul } from '../../test/support.ts';

const shared = (rel: string) => path.resolve(import.meta.dirname, '../../../shared/data', rel);
const tmp = mkdtempSync(path.join(tmpdir(), 'simpul-items-'));

let s: TestSimpul;
let who: { cookie: string; csrf: string };

async function importFile(library: string, file: string, format?: string) {
  const qs = new URLSearchParams({ filename: path.basename(file), ...(format ? { format } : {}) });
  const res = await s.app.inject({
    method: 'POST',
    url: `/api/v1/libraries/${library}/imports?${qs}`,
    headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, 'content-type': 'application/octet-stream' },
    payload: readFileSync(file),
  });
  expect(res.statusCode).toBe(202);
  await s.jobs.drain();
  const agent = await s.as('koordinator');
  const id = JSON.parse(res.body).id;
  const batch = (await agent.get(`/api/v1/imports/${id}`)).body;
  const items = (await agent.get(`/api/v1/imports/${id}/rejected?pageSize=100`)).body.items as Array<{
    position: string;
    reason: string;
    reasonCode: string;
    reasonText: { id: string; en: string };
    excerpt: string | null;
  }>;
  // every reason these files give is a known one, in both languages (rejection-reasons.ts)
  for (const r of items) {
    expect(r.reasonCode, r.reason).not.toBe('other');
    expect(r.reasonText.id).not.toBe(r.reasonText.en);
  }
  const rejected = items.map(({ position, reason, excerpt }) => ({ position, reason, excerpt }));
  return { ...batch, rejected };
}

function write(name: string, lines: string[]): string {
  const file = path.join(tmp, name);
  writeFileSync(file, `${lines.join('\r\n')}\r\n`);
  return file;
}

async function itemsOf(library: string) {
  return s.ctx.database.db
    .selectFrom('items as i')
    .innerJoin('libraries as l', 'l.id', 'i.library_id')
    .innerJoin('source_records as r', 'r.id', 'i.source_record_id')
    .select(['i.barcode', 'i.status', 'i.loanable', 'i.call_number', 'i.location', 'r.record_key', 'i.cluster_id'])
    .where('l.code', '=', library)
    .orderBy('i.barcode')
    .execute();
}

beforeAll(async () => {
  s = await startTestSimpul();
  const res = await s.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: 'koordinator', password: 'simpul-demo-2026' },
  });
  who = {
    cookie: `simpul_session=${res.cookies.find((c) => c.name === 'simpul_session')?.value}`,
    csrf: (JSON.parse(res.body) as { csrfToken: string }).csrfToken,
  };
});
afterAll(async () => s?.stop());

describe('CSV rows kept as received', () => {
  it('stores each SLiMS row as its original line, with the line number as its position', async () => {
    const file = shared('indonesian/slims-scanner/biblio.csv');
    const b = await importFile('SAWAHLUNTO', file, 'slims_csv');
    expect(b.status).toBe('done');
    expect(b.counts.added).toBeGreaterThan(20);
    const lines = readFileSync(file, 'utf8').split(/\r?\n/);
    const rows = await s.ctx.database.db
      .selectFrom('source_records as r')
      .innerJoin('libraries as l', 'l.id', 'r.library_id')
      .select(['r.raw', 'r.position', 'r.record_key', 'r.format'])
      .where('l.code', '=', 'SAWAHLUNTO')
      .execute();
    expect(rows.length).toBe(b.counts.added);
    for (const r of rows) {
      const n = Number(/^line (\d+)$/.exec(r.position ?? '')?.[1]);
      expect(Buffer.from(r.raw).toString('utf8')).toBe(lines[n - 1]);
      expect(lines[n - 1]?.startsWith(`${r.record_key.slice(3)},`)).toBe(true);
      expect(r.format).toBe('slims_csv');
    }
    const again = await importFile('SAWAHLUNTO', file, 'slims_csv');
    expect(again.counts).toMatchObject({ added: 0, updated: 0, unchanged: b.counts.added });
  });
});

describe('item-only CSV files', () => {
  it('applies a SLiMS items table to the records by biblio_id, detected from its header', async () => {
    const file = write('item.csv', [
      'item_id,biblio_id,call_number,coll_type_id,item_code,inventory_code,location_id,item_status_id',
      '1,1,0051 Mam,1,SWL-0001,INV1,SL,0',
      '2,1,0051 Mam c.2,1,SWL-0002,INV2,SL,NL',
      '3,2,005.1 Sar,1,SWL-0003,INV3,SL,MIS',
      '4,999,005.1 X,1,SWL-0004,INV4,SL,0',
      '5,4,005.1 Bud,1,,INV5,SL,0',
    ]);
    const b = await importFile('SAWAHLUNTO', file);
    expect(b.status).toBe('done');
    expect(b.format).toBe('slims_items_csv');
    expect(b.counts).toMatchObject({ read: 5, added: 3, updated: 0, rejected: 2 });
    expect(b.rejected).toEqual([
      {
        position: 'line 5',
        reason: expect.stringContaining('no record with id 999'),
        excerpt: '4,999,005.1 X,1,SWL-0004,INV4,SL,0',
      },
      { position: 'line 6', reason: 'no item_code', excerpt: '5,4,005.1 Bud,1,,INV5,SL,0' },
    ]);
    const items = await itemsOf('SAWAHLUNTO');
    expect(items.map((i) => [i.barcode, i.record_key, i.status, i.loanable])).toEqual([
      ['SWL-0001', 'id:1', 'available', true],
      ['SWL-0002', 'id:1', 'reference_only', false],
      ['SWL-0003', 'id:2', 'missing', false],
    ]);
    expect(items.every((i) => i.cluster_id !== null)).toBe(true);
    // Search sees the copies at once.
    const hit = (await s.anonymous.get('/api/v1/catalog/search?q=assembly')).body.hits[0];
    expect(hit.holdings).toEqual([expect.objectContaining({ libraryCode: 'SAWAHLUNTO', copies: 2, available: 1 })]);
  });

  it('finds records by title (and author) or ISBN in a SLiMS item export, rejecting what names none or several', async () => {
    const header =
      '"item_code","call_number","coll_type_name","inventory_code","received_date","supplier_name","order_no","location_name","order_date","item_status_name","site","source","invoice","price","price_currency","invoice_date","input_date","last_update","title",';
    const row = (code: string, call: string, status: string, title: string) =>
      `"${code}","${call}","Textbook","INV/${code}","2018-11-02","","","Perpustakaan","","${status}","","1","","0","","","2018-11-02","2018-11-02","${title}"`;
    const file = write('item_export.csv', [
      header,
      row('SWL-0101', '005.1 Bud', '', 'Pemrograman C++'),
      row('SWL-0102', '005.1 Adi', 'Repair', 'Algoritma dan Struktur Data dalam Bahasa Java'),
      row('SWL-0103', '999 Zzz', '', 'Buku yang tidak ada di katalog'),
      row('SWL-0001', '0051 Mam', 'Missing', 'Pemrograman Bahasa Assembly Konsep Dasar dan Implementasi'),
    ]);
    const b = await importFile('SAWAHLUNTO', file);
    expect(b.format).toBe('slims_items_csv');
    expect(b.counts).toMatchObject({ read: 4, added: 2, updated: 1, rejected: 1 });
    expect(b.rejected).toEqual([
      expect.objectContaining({
        position: 'line 4',
        reason: expect.stringMatching(/SWL-0103.*no record of this library with the title/),
      }),
    ]);
    const items = new Map((await itemsOf('SAWAHLUNTO')).map((i) => [i.barcode, i]));
    expect(items.get('SWL-0101')).toMatchObject({
      record_key: 'id:4',
      status: 'available',
      location: 'Perpustakaan / Textbook',
    });
    expect(items.get('SWL-0102')).toMatchObject({ record_key: 'id:7', status: 'withdrawn', loanable: false });
    expect(items.get('SWL-0001')).toMatchObject({ record_key: 'id:1', status: 'missing' });

    // Re-sending the same file changes nothing; a copy Simpul lent out keeps its workflow state.
    await s.ctx.database.db
      .updateTable('items')
      .set({ status: 'in_transit', held_by: 'redistribution' }) // as holdItems sets it
      .where('barcode', '=', 'SWL-0101')
      .execute();
    const again = await importFile('SAWAHLUNTO', file);
    expect(again.counts).toMatchObject({ added: 0, updated: 0, unchanged: 3, rejected: 1 });
    expect((await itemsOf('SAWAHLUNTO')).find((i) => i.barcode === 'SWL-0101')?.status).toBe('in_transit');

    const isbnFile = write('items_isbn.csv', [
      'barcode,isbn,title,author,call_number',
      'SWL-0201,9789792917390,,,0051 Rac',
      'SWL-0202,978-602-8758-46-8,,,005.1 Bud c.2',
      'SWL-0203,978-0-00-000000-2,,,1',
    ]);
    const byIsbn = await importFile('SAWAHLUNTO', isbnFile, 'slims_items_csv');
    expect(byIsbn.counts).toMatchObject({ read: 3, added: 2, rejected: 1 });
    expect(byIsbn.rejected[0]).toMatchObject({
      position: 'line 4',
      reason: expect.stringContaining('no record with ISBN'),
    });
    const after = new Map((await itemsOf('SAWAHLUNTO')).map((i) => [i.barcode, i]));
    expect(after.get('SWL-0201')?.record_key).toBe('id:3');
    expect(after.get('SWL-0202')?.record_key).toBe('id:4');
  });

  it('refuses a title two records share unless the author or call number tells them apart', async () => {
    const bibs = write('two.csv', [
      'biblio_id,title,authors,call_number,publish_year',
      'T1,Matematika,<Sukino>,510 SUK m,2010',
      'T2,Matematika,<Wirodikromo>,510 WIR m,2012',
    ]);
    const b = await importFile('PAYAKUMBUH', bibs, 'slims_csv');
    expect(b.counts.added).toBe(2);
    const items = write('two_items.csv', [
      'item_code,title,author,call_number',
      'PYK-1,Matematika,,',
      'PYK-2,Matematika,"Wirodikromo, Sartono",',
      'PYK-3,Matematika,,510 SUK m',
    ]);
    const r = await importFile('PAYAKUMBUH', items);
    expect(r.counts).toMatchObject({ added: 2, rejected: 1 });
    expect(r.rejected[0]).toMatchObject({ position: 'line 2', reason: expect.stringContaining('2 records') });
    const got = new Map((await itemsOf('PAYAKUMBUH')).map((i) => [i.barcode, i.record_key]));
    expect(got.get('PYK-2')).toBe('id:T2');
    expect(got.get('PYK-3')).toBe('id:T1');
  });
});
