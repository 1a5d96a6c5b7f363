import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bib } from '../../test/catalog-fixtures.ts';
import { startTestSimpul, type TestSimpul } from '../../test/support.ts';
import { buildDisplay } from './clusters.ts';
import { loadCora, loadDblpAcm } from './dedup-eval.ts';
import { parseFile } from './parse.ts';
import {
  docText,
  heldTokenSql,
  indexDocument,
  indexRowOf,
  libraryTokensSql,
  searchDocWithLibraries,
} from './search-index.ts';
import type { Bib } from './types.ts';

/**
 * The search documents node writes as tsvector text (docText) against the ones PostgreSQL makes from the same
 * weighted texts with to_tsvector, setweight and ||, on both databases: every lexeme, position and weight.
 */

let s: TestSimpul;
const db = () => s.ctx.database.db;
beforeAll(async () => {
  s = await startTestSimpul();
});
afterAll(async () => s?.stop());

const DATA = join(import.meta.dirname, '../../../shared/data');

/**
 * Bibs of every ISO 2709, XML and OAI-PMH ListRecords file of the shared data (the real, messy records: notes,
 * ISSNs, every script), the format of each sniffed as an upload's is.
 */
async function sharedBibs(): Promise<Bib[]> {
  const files = readFileSync(join(DATA, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .map((l) => l.split('\t'))
    .filter((c) => c[3] === 'iso2709' || c[3] === 'xml' || c[3] === 'oai-pmh:ListRecords')
    .map((c) => join(DATA, c[1] as string));
  const out: Bib[] = [];
  for (const f of files) {
    try {
      for await (const p of parseFile(createReadStream(f), undefined)) if (p.ok && 'bib' in p) out.push(p.bib);
    } catch {
      // a file no reader takes (an XML document of another kind)
    }
  }
  // and the DBLP-ACM and Cora records (English titles and names with every kind of punctuation, Latin-1 names)
  for (const ds of [loadDblpAcm(), loadCora()]) for (const r of ds.records) out.push(r.bib);
  return out;
}

interface Case {
  members: Bib[];
  libraryIds: number[];
}

/** Node's document (null: left to the server) and the server's, as text, for each case. */
async function compare(cases: Case[]): Promise<Array<{ ours: string | null; server: string }>> {
  const rows = cases.map((c, i) => {
    const display = buildDisplay(c.members.map((b) => ({ bib: b, format: 'marc21' })));
    const doc = indexDocument(display, c.members);
    const row = indexRowOf({
      id: i,
      display,
      members: c.members.map((b, k) => ({
        bib: b,
        libraryId: c.libraryIds[k % c.libraryIds.length] as number,
        regionCode: null,
        libraryType: 'university',
      })),
    });
    return {
      i,
      ours: searchDocWithLibraries(row.doc, new Set(c.libraryIds)),
      a: doc.title,
      b: doc.authors,
      c: doc.subjects,
      d: doc.other,
      n: c.members.length,
      libs: c.libraryIds,
    };
  });
  const out: Array<{ ours: string | null; server: string }> = [];
  for (let at = 0; at < rows.length; at += 2000) {
    const r = await sql<{ i: number; ours: string | null; server: string }>`
      select x.i, x.ours::tsvector::text as ours,
        (setweight(to_tsvector('simple', x.a), 'A') || setweight(to_tsvector('simple', x.b), 'B')
          || setweight(to_tsvector('simple', x.c), 'C') || setweight(to_tsvector('simple', x.d), 'D')
          || ${heldTokenSql(sql`x.n`)} || ${libraryTokensSql(sql`x.libs`)})::text as server
      from jsonb_to_recordset(${JSON.stringify(rows.slice(at, at + 2000))}::jsonb)
        as x(i int, ours text, a text, b text, c text, d text, n int, libs int[])
      order by x.i`.execute(db());
    out.push(...r.rows.map((x) => ({ ours: x.ours, server: x.server })));
  }
  return out;
}

describe('search documents written by node', () => {
  it('are the documents PostgreSQL makes, for every record of the shared data', { timeout: 120_000 }, async () => {
    const bibs = await sharedBibs();
    expect(bibs.length).toBeGreaterThan(5000);
    // alone, and in clusters of 3, 6 and 17 records (each held tier), held by one to three libraries
    const cases: Case[] = bibs.map((b) => ({ members: [b], libraryIds: [7] }));
    for (const [size, libs] of [
      [3, [1, 2]],
      [6, [3, 1, 12]],
      [17, [5, 6]],
    ] as const)
      for (let i = 0; i + size <= Math.min(bibs.length, 3000); i += size)
        cases.push({ members: bibs.slice(i, i + size), libraryIds: [...libs] });
    const results = await compare(cases);
    let written = 0;
    for (const [i, r] of results.entries()) {
      if (r.ours === null) continue;
      written++;
      if (r.ours !== r.server) expect({ case: i, ours: r.ours }).toEqual({ case: i, ours: r.server });
    }
    // most real records are plain ASCII words once folded; the others are left to the server
    expect(written / results.length).toBeGreaterThan(0.8);
  });

  it('leaves to the server what its parser might split otherwise, and long documents', async () => {
    expect(
      docText(
        [
          ['sejarah kabah', 'A'],
          ['hamka', 'B'],
        ],
        1,
      ),
    ).toBe("'sejarah':1A 'kabah':2A 'hamka':3B");
    expect(docText([['x', 'A']], 2)).toBe("'x':1A '~h1':2A,3B,4C");
    expect(docText([['', 'A']], 20)).toBe("'~h3':1A,2B,3C");
    for (const t of ['арабский текст', '中文', 'kata-kata', '1234-5678', "ka'bah"])
      expect(docText([[t, 'A']], 1), t).toBeNull();
    expect(docText([[Array(300).fill('ulang').join(' '), 'D']], 1)).toBeNull();
    expect(docText([[Array.from({ length: 2001 }, (_, i) => `w${i}`).join(' '), 'D']], 1)).toBeNull();
    // the ones it leaves are still stored, by the server, as before
    const cases: Case[] = [
      { members: [bib({ title: 'Al-Qur’an dan terjemahnya', issns: ['0378-5955'] })], libraryIds: [1] },
      { members: [bib({ title: 'Ислам в Индонезии', authors: ['Иванов, И.'] })], libraryIds: [2] },
      { members: [bib({ title: '印度尼西亚历史' })], libraryIds: [3] },
    ];
    const results = await compare(cases);
    expect(results.every((x) => x.server.length > 0)).toBe(true);
  });
});
