import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bib, libraryIds, titleMatcher as matcher, newBatch, parsed, stream } from '../../test/catalog-fixtures.ts';
import { startTestSimpul, type TestSimpul } from '../../test/support.ts';
import { type BatchCounts, emptyCounts, ingestStream } from './ingest.ts';
import type { Bib } from './types.ts';

/*
 * ingestStream plans each chunk while the previous one is still being written, assuming that one commits as
 * planned. With one record per chunk every record depends on the one before it; the outcome must be exactly
 * that of storing the records one after the other, each in its own batch, nothing planned ahead.
 */
let piped: TestSimpul;
let serial: TestSimpul;

beforeAll(async () => {
  // One after the other: two embedded databases starting at once can exceed the server's plugin timeout on a
  // loaded machine.
  piped = await startTestSimpul();
  serial = await startTestSimpul();
});
afterAll(async () => {
  await Promise.all([piped?.stop(), serial?.stop()]);
});

const copy = (barcode: string) => ({ barcode, callNumber: '959.8', status: 'available' as const, loanable: true });

// The other library's titles, stored first.
const held = [
  bib({ sourceId: 'P-1', title: 'Sejarah Minangkabau', year: 1970 }),
  bib({ sourceId: 'P-2', title: 'Adat Basandi Syarak', year: 1985 }),
];
// One library's file, where each record leans on the one before it.
const file: Bib[] = [
  bib({ sourceId: 'B-1', title: 'Sejarah Minangkabau', year: 1970, items: [copy('X1')] }),
  // Same title again, under another identifier: the cluster already holds this library (written a chunk ago).
  bib({ sourceId: 'B-2', title: 'Sejarah Minangkabau', year: 1970, items: [copy('X2')] }),
  // B-3 twice: first new, then changed to a title held elsewhere (an update of the row written a chunk ago).
  bib({ sourceId: 'B-3', title: 'Kaba Cindua Mato', year: 1960 }),
  bib({ sourceId: 'B-3', title: 'Adat Basandi Syarak', year: 1985, items: [copy('X3')] }),
  // A copy's barcode moves to another record of the file.
  bib({ sourceId: 'B-4', title: 'Tambo Alam', year: 1956, items: [copy('X1')] }),
  // B-1 deleted: its cluster keeps only the other library, and B-5 may now join it.
  bib({ sourceId: 'B-1', title: 'Sejarah Minangkabau', deleted: true }),
  bib({ sourceId: 'B-5', title: 'Sejarah Minangkabau', year: 1970 }),
  // And B-3 sent again unchanged.
  bib({ sourceId: 'B-3', title: 'Adat Basandi Syarak', year: 1985, items: [copy('X3')] }),
];

async function run(s: TestSimpul, mode: 'piped' | 'serial') {
  const lib = await libraryIds(s);
  const p = lib.PERPUSNAS as number;
  const b = lib.BUNGHATTA as number;
  await ingestStream(s.ctx.database.db, await newBatch(s, p), stream(held.map((x) => parsed(x))), matcher);
  const list = file.map((x, i) => parsed(x, `line ${i + 1}`));
  let counts: BatchCounts;
  if (mode === 'piped') {
    counts = await ingestStream(s.ctx.database.db, await newBatch(s, b), stream(list), matcher, { chunkSize: 1 });
  } else {
    counts = emptyCounts();
    for (const one of list) {
      const c = await ingestStream(s.ctx.database.db, await newBatch(s, b), stream([one]), matcher);
      for (const k of Object.keys(counts) as Array<keyof BatchCounts>) counts[k] += c[k];
    }
  }
  const db = s.ctx.database.db;
  const records = await db
    .selectFrom('source_records as r')
    .innerJoin('libraries as l', 'l.id', 'r.library_id')
    .select(['l.code', 'r.record_key', 'r.cluster_id', 'r.deleted', 'r.bib'])
    .orderBy('l.code')
    .orderBy('r.record_key')
    .execute();
  // Clusters as the sets of records they hold (ids differ between the two databases).
  const byCluster = new Map<number, string[]>();
  for (const r of records) {
    if (r.cluster_id === null) continue;
    const list = byCluster.get(r.cluster_id) ?? [];
    list.push(`${r.code}/${r.record_key}`);
    byCluster.set(r.cluster_id, list);
  }
  const clusters = [...byCluster.values()].map((l) => l.sort().join(' + ')).sort();
  const items = await db
    .selectFrom('items as i')
    .leftJoin('source_records as r', 'r.id', 'i.source_record_id')
    .select(['i.barcode', 'r.record_key', 'i.status'])
    .orderBy('i.barcode')
    .execute();
  const shown = await db
    .selectFrom('clusters')
    .select(['title', 'record_count', 'holdings_count', 'library_ids'])
    .orderBy('title')
    .orderBy('record_count')
    .execute();
  return {
    counts,
    clusters,
    records: records.map((r) => [r.code, r.record_key, r.deleted, r.cluster_id === null, r.bib.title]),
    items,
    shown: shown.map((c) => [c.title, c.record_count, c.holdings_count, c.library_ids.length]),
  };
}

describe('ingest pipelining', () => {
  it('stores a file chunk by chunk exactly as record after record, each seeing the ones before it', async () => {
    const [a, b] = await Promise.all([run(piped, 'piped'), run(serial, 'serial')]);
    expect(a).toEqual(b);
    expect(a.counts).toEqual<BatchCounts>({
      read: 8,
      added: 5,
      updated: 1,
      unchanged: 1,
      deleted: 1,
      matched: 3,
      rejected: 0,
    });
    expect(a.clusters).toEqual([
      'BUNGHATTA/id:B-2',
      'BUNGHATTA/id:B-3 + PERPUSNAS/id:P-2',
      'BUNGHATTA/id:B-4',
      'BUNGHATTA/id:B-5 + PERPUSNAS/id:P-1',
    ]);
    expect(a.items.map((i) => [i.barcode, i.record_key])).toEqual([
      ['X1', 'id:B-4'],
      ['X2', 'id:B-2'],
      ['X3', 'id:B-3'],
    ]);
  });
});
