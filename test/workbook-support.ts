import { expect } from 'vitest';
import type { CsvBibResult, SpreadsheetMapping } from '../src/catalog/formats/csv.ts';
import { DEMO_PASSWORD } from '../src/demo/seed.ts';
import type { TestSimpul } from './support.ts';

/** What the workbook tests (.xlsx, .ods, .xls) share: collecting rows, the records read, a buku induk mapping, uploads. */

export const all = async <T>(gen: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
};

/** The records of the rows that were read (rejected rows left out). */
export const ok = (rows: CsvBibResult[]) =>
  rows.filter((r): r is Extract<CsvBibResult, { ok: true }> => r.ok).map((r) => ({ ...r.bib }));

/** A school library's buku induk as the reader tests keep it. */
export const BUKU: SpreadsheetMapping = {
  columns: {
    'Kode Buku': 'sourceId',
    Judul: 'title',
    Pengarang: 'authors',
    ISBN: 'isbn',
    'Tahun Terbit': 'year',
    'Tanggal Masuk': 'notes',
    Eksemplar: 'barcodes',
    Lokasi: 'location',
  },
  multiValueSeparator: ';',
};

/** The saved column mapping of a buku induk with accession numbers, as the upload tests save it. */
export const bukuIndukMapping = (name: string) => ({
  name,
  columns: [
    { column: 'No. Induk', field: 'barcodes' },
    { column: 'Judul', field: 'title' },
    { column: 'Pengarang', field: 'authors' },
    { column: 'ISBN', field: 'isbn' },
    { column: 'Tahun', field: 'year' },
    { column: 'Tgl. Masuk', field: 'notes' },
    { column: 'Lokasi', field: 'location' },
  ],
});

const sessions = new WeakMap<TestSimpul, Map<string, { cookie: string; csrf: string }>>();

/** Uploads a file as its raw body to a library's imports, signed in as `who` (a demo staff member). */
export async function uploadAs(
  s: TestSimpul,
  who: string,
  library: string,
  file: Buffer,
  query: Record<string, string>,
): Promise<{ status: number; body: any }> {
  const mine = sessions.get(s) ?? new Map();
  sessions.set(s, mine);
  let session = mine.get(who);
  if (!session) {
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: who, password: DEMO_PASSWORD },
    });
    session = {
      cookie: `simpul_session=${res.cookies.find((c) => c.name === 'simpul_session')?.value}`,
      csrf: (JSON.parse(res.body) as { csrfToken: string }).csrfToken,
    };
    mine.set(who, session);
  }
  const res = await s.app.inject({
    method: 'POST',
    url: `/api/v1/libraries/${library}/imports?${new URLSearchParams(query)}`,
    headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': 'application/octet-stream' },
    payload: file,
  });
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

/** Bung Hatta's librarian imports a file; the batch once its job has run, with its rejected rows. */
export async function importedBy(s: TestSimpul, file: Buffer, query: Record<string, string>) {
  const up = await uploadAs(s, 'pustakawan.bunghatta', 'BUNGHATTA', file, query);
  expect(up.status, JSON.stringify(up.body)).toBe(202);
  await s.jobs.drain();
  const nurul = await s.as('pustakawan.bunghatta');
  const batch = (await nurul.get(`/api/v1/imports/${up.body.id}`)).body;
  const rejected = (await nurul.get(`/api/v1/imports/${up.body.id}/rejected?pageSize=100`)).body.items;
  return { ...batch, rejected };
}
