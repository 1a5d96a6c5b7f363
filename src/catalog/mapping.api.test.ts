import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSimpul, type TestSimpul } from '../../test/support.ts';

const shared = (rel: string) => path.resolve(import.meta.dirname, '../../../shared/data', rel);

/** A hand-kept "buku induk" as Indonesian Excel saves it: ';' between columns, '|' between copies. */
const SHEET = [
  'Judul;Pengarang;Penerbit;Kota Terbit;Tahun;ISBN;No. Panggil;Eksemplar;Lokasi;Status;Catatan',
  'Tenggelamnya Kapal Van der Wijck;Hamka;Bulan Bintang;Jakarta;1976;;899.221 HAM t;BH-001|BH-002;Rak Sastra;Tersedia|Dipinjam;Cetakan ke-3',
  'Laskar Pelangi;Andrea Hirata;Bentang Pustaka;Yogyakarta;2005;979-3062-79-7;899.221 HIR l;BH-010;Rak Novel;Tersedia;',
  ';Tanpa Judul;Penerbit X;;2001;;;;;;',
  'Bumi Manusia;Pramoedya Ananta Toer|Max Lane;Hasta Mitra;Jakarta;1980;;899.221 PRA b;BH-020|BH-021|BH-022;Rak Sastra;Tersedia|Hilang;',
  'Siti Nurbaya;Marah Rusli;Balai Pustaka;Jakarta;1922;;899.221 RUS s;BH-030;Referensi;Referensi;',
  '',
].join('\r\n');

let s: TestSimpul;
const sessions: Record<string, { cookie: string; csrf: string }> = {};

async function login(username: string) {
  const res = await s.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password: 'simpul-demo-2026' },
  });
  const cookie = `simpul_session=${res.cookies.find((c) => c.name === 'simpul_session')?.value}`;
  return { cookie, csrf: (JSON.parse(res.body) as { csrfToken: string }).csrfToken };
}

async function upload(username: string, library: string, body: Buffer | string, query: Record<string, string>) {
  sessions[username] ??= await login(username);
  const who = sessions[username];
  const res = await s.app.inject({
    method: 'POST',
    url: `/api/v1/libraries/${library}/imports?${new URLSearchParams({ filename: 'buku-induk.csv', ...query })}`,
    headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, 'content-type': 'application/octet-stream' },
    payload: body,
  });
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

async function importWith(mapping: string, body: Buffer | string, library = 'BUNGHATTA') {
  const up = await upload('pustakawan.bunghatta', library, body, { mapping });
  expect(up.status, JSON.stringify(up.body)).toBe(202);
  await s.jobs.drain();
  const agent = await s.as('pustakawan.bunghatta');
  return (await agent.get(`/api/v1/imports/${up.body.id}`)).body;
}

const b64 = (t: string | Buffer) => Buffer.from(t).toString('base64');

const SHEET_MAPPING = {
  name: 'Buku induk',
  columns: [
    { column: 'Judul', field: 'title' },
    { column: 'Pengarang', field: 'authors' },
    { column: 'Penerbit', field: 'publisher' },
    { column: 'Kota Terbit', field: 'place' },
    { column: 'Tahun', field: 'year' },
    { column: 'ISBN', field: 'isbn' },
    { column: 'No. Panggil', field: 'callNumber' },
    { column: 'Eksemplar', field: 'barcodes' },
    { column: 'Lokasi', field: 'location' },
    { column: 'Status', field: 'status' },
    { column: 'Catatan', field: 'notes' },
  ],
  hasHeader: true,
  delimiter: ';',
  multiValueSeparator: '|',
};

beforeAll(async () => {
  s = await startTestSimpul();
});
afterAll(async () => s?.stop());

describe('saved column mappings', () => {
  let id: number;

  it('a librarian saves a mapping for her library, and every change is audited', async () => {
    const nurul = await s.as('pustakawan.bunghatta');
    const r = await nurul.post('/api/v1/libraries/BUNGHATTA/mappings', SHEET_MAPPING);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    id = r.body.id;
    expect(r.body).toMatchObject({
      libraryCode: 'BUNGHATTA',
      name: 'Buku induk',
      hasHeader: true,
      delimiter: ';',
      encoding: 'auto',
      multiValueSeparator: '|',
      defaultFormat: 'book',
    });
    expect(r.body.columns).toHaveLength(11);
    const list = await nurul.get('/api/v1/libraries/BUNGHATTA/mappings');
    expect(list.body.items.map((m: { name: string }) => m.name)).toEqual(['Buku induk']);
    expect((await nurul.get(`/api/v1/mappings/${id}`)).body.columns[0]).toEqual({ column: 'Judul', field: 'title' });
    const logged = await s.ctx.database.db
      .selectFrom('audit_log')
      .select(['action', 'actor_label'])
      .where('entity', '=', 'catalog_mapping')
      .where('entity_id', '=', String(id))
      .execute();
    expect(logged.map((l) => l.action)).toEqual(['create']);
  });

  it("refuses a librarian of another library everything about this library's mappings (403)", async () => {
    const siti = await s.as('pustakawan.uinmy');
    expect((await siti.get('/api/v1/libraries/BUNGHATTA/mappings')).status).toBe(403);
    expect((await siti.get(`/api/v1/mappings/${id}`)).status).toBe(403);
    expect((await siti.patch(`/api/v1/mappings/${id}`, { name: 'Milik kami' })).status).toBe(403);
    expect((await siti.delete(`/api/v1/mappings/${id}`)).status).toBe(403);
    const created = await siti.post('/api/v1/libraries/BUNGHATTA/mappings', { ...SHEET_MAPPING, name: 'Lain' });
    expect(created.status).toBe(403);
    expect(created.body.error.message.id).toBeTruthy();
    expect(created.body.error.message.en).toBeTruthy();
    const preview = await siti.post('/api/v1/libraries/BUNGHATTA/mappings/preview', {
      sample: b64(SHEET),
      mappingRef: 'Buku induk',
    });
    expect(preview.status).toBe(403);
    const up = await upload('pustakawan.uinmy', 'BUNGHATTA', SHEET, { mapping: 'Buku induk' });
    expect(up.status).toBe(403);
    // Her own library cannot reach BUNGHATTA's mapping by its name or id either.
    expect((await upload('pustakawan.uinmy', 'UINMY', SHEET, { mapping: 'Buku induk' })).status).toBe(404);
    expect((await upload('pustakawan.uinmy', 'UINMY', SHEET, { mapping: String(id) })).status).toBe(404);
    const m = await s.ctx.database.db
      .selectFrom('catalog_mappings')
      .select('name')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(m.name).toBe('Buku induk');
  });

  it("lets the network's coordinator see and keep a member library's mappings", async () => {
    const k = await s.as('koordinator');
    expect((await k.get('/api/v1/libraries/BUNGHATTA/mappings')).body.items).toHaveLength(1);
    const r = await k.post('/api/v1/libraries/UINMY/mappings', {
      name: 'Skripsi',
      columns: [{ column: 'Judul', field: 'title' }],
    });
    expect(r.status).toBe(201);
    expect((await k.delete(`/api/v1/mappings/${r.body.id}`)).status).toBe(204);
  });

  it('explains in both languages what is wrong with a mapping, and saves nothing', async () => {
    const nurul = await s.as('pustakawan.bunghatta');
    const post = (body: unknown) => nurul.post('/api/v1/libraries/BUNGHATTA/mappings', body);
    const unknown = await post({
      name: 'A',
      columns: [
        { column: 'Judul', field: 'title' },
        { column: 'X', field: 'colour' },
      ],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.codes).toEqual(['unknown_field']);
    expect(unknown.body.error.message.id).toContain('tidak dikenal');
    expect(unknown.body.error.message.en).toContain('Unknown field "colour"');
    expect(unknown.body.error.details.fields[0].field).toBe('columns[1].field');

    const twice = await post({
      name: 'B',
      columns: [
        { column: 'Judul', field: 'title' },
        { column: 'Judul Asli', field: 'title' },
        { column: 'Pengarang', field: 'authors' },
        { column: 'Pengarang Tambahan', field: 'authors' },
      ],
    });
    expect(twice.status).toBe(400);
    // Authors may come from several columns; the title from one.
    expect(twice.body.error.details.codes).toEqual(['duplicate_target']);
    expect(twice.body.error.message.en).toContain('both map to title');

    const untitled = await post({ name: 'C', columns: [{ column: 'Pengarang', field: 'authors' }] });
    expect(untitled.status).toBe(400);
    expect(untitled.body.error.details.codes).toEqual(['no_title_column']);
    expect(untitled.body.error.message).toEqual({
      id: 'Tidak ada kolom yang diarahkan ke judul',
      en: 'No column maps to the title',
    });

    const positions = await post({ name: 'D', hasHeader: false, columns: [{ column: 'Judul', field: 'title' }] });
    expect(positions.body.error.details.codes).toEqual(['bad_position']);

    const taken = await post({ ...SHEET_MAPPING, name: 'buku INDUK' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('mapping_name_taken');

    const badPatch = await nurul.patch(`/api/v1/mappings/${id}`, {
      columns: [{ column: 'Penerbit', field: 'publisher' }],
    });
    expect(badPatch.body.error.details.codes).toEqual(['no_title_column']);
    const names = await s.ctx.database.db.selectFrom('catalog_mappings').select('name').execute();
    expect(names.map((n) => n.name)).toEqual(['Buku induk']);
    expect((await nurul.get(`/api/v1/mappings/${id}`)).body.columns).toHaveLength(11);
  });
});

describe('preview', () => {
  it('guesses the mapping from Indonesian header names and shows the first rows as records, with reasons', async () => {
    const nurul = await s.as('pustakawan.bunghatta');
    const r = await nurul.post('/api/v1/libraries/BUNGHATTA/mappings/preview', { sample: b64(SHEET) });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.delimiter).toBe(';');
    expect(r.body.header).toEqual(SHEET_MAPPING.columns.map((c) => c.column));
    expect(r.body.guess).toEqual(SHEET_MAPPING.columns);
    expect(r.body.mapping.multiValueSeparator).toBe('|');
    expect(r.body.problems).toEqual([]);
    const [wijck, laskar, untitled, bumi, nurbaya] = r.body.rows;
    expect(wijck).toMatchObject({ line: 2, ok: true });
    expect(wijck.bib).toMatchObject({
      title: 'Tenggelamnya Kapal Van der Wijck',
      authors: ['Hamka'],
      publisher: 'Bulan Bintang',
      place: 'Jakarta',
      year: 1976,
      callNumber: '899.221 HAM t',
      notes: ['Cetakan ke-3'],
    });
    expect(wijck.bib.items).toEqual([
      { barcode: 'BH-001', location: 'Rak Sastra', status: 'available', loanable: true },
      { barcode: 'BH-002', location: 'Rak Sastra', status: 'on_loan', loanable: true },
    ]);
    expect(laskar.bib.isbns).toEqual(['979-3062-79-7']);
    expect(untitled).toMatchObject({ line: 4, ok: false, reason: 'no title', bib: null });
    expect(bumi).toMatchObject({ line: 5, ok: false, reason: '2 values of status for 3 copies' });
    expect(nurbaya.bib.items).toEqual([
      { barcode: 'BH-030', location: 'Referensi', status: 'reference_only', loanable: false },
    ]);
  });

  it('guesses English header names too, and says when nothing maps to the title', async () => {
    const nurul = await s.as('pustakawan.bunghatta');
    const en =
      'Title,Author,Publisher,Year,Call number,Barcode,Location\nAnimal Farm,George Orwell,Penguin,1945,823 ORW a,X1,Stacks\n';
    const r = await nurul.post('/api/v1/libraries/BUNGHATTA/mappings/preview', { sample: b64(en) });
    expect(r.body.guess.map((g: { field: string }) => g.field)).toEqual([
      'title',
      'authors',
      'publisher',
      'year',
      'callNumber',
      'barcodes',
      'location',
    ]);
    expect(r.body.rows[0].bib.items).toEqual([
      { barcode: 'X1', location: 'Stacks', status: 'available', loanable: true },
    ]);
    const none = await nurul.post('/api/v1/libraries/BUNGHATTA/mappings/preview', {
      sample: b64('Kolom A,Kolom B\n1,2\n'),
    });
    expect(none.status).toBe(200);
    expect(none.body.guess).toEqual([
      { column: 'Kolom A', field: null },
      { column: 'Kolom B', field: null },
    ]);
    expect(none.body.rows).toEqual([]);
    expect(none.body.problems.map((p: { code: string }) => p.code)).toEqual(['no_title_column']);
    expect(none.body.problems[0].message.id).toBeTruthy();
  });

  it('reads a sample cut from a longer file through a saved mapping, leaving out the cut line', async () => {
    const nurul = await s.as('pustakawan.bunghatta');
    const cut = SHEET.slice(0, SHEET.indexOf('Bumi Manusia') + 8);
    const r = await nurul.post('/api/v1/libraries/BUNGHATTA/mappings/preview', {
      sample: b64(cut),
      partial: true,
      mappingRef: 'buku induk',
      rows: 2,
    });
    expect(r.status).toBe(200);
    expect(r.body.rows.map((x: { line: number }) => x.line)).toEqual([2, 3]);
    const all = await nurul.post('/api/v1/libraries/BUNGHATTA/mappings/preview', {
      sample: b64(cut),
      partial: true,
      mappingRef: 'Buku induk',
    });
    expect(all.body.rows.map((x: { line: number }) => x.line)).toEqual([2, 3, 4]);
    const gone = await nurul.post('/api/v1/libraries/BUNGHATTA/mappings/preview', {
      sample: b64(cut),
      mappingRef: 'Tidak ada',
    });
    expect(gone.status).toBe(404);
  });
});

describe('importing through a saved mapping', () => {
  it('adds the records with their copies, locations and statuses, and sets bad rows aside with the line', async () => {
    const b = await importWith('Buku induk', SHEET);
    expect(b.status, b.error).toBe('done');
    expect(b.format).toBe('csv');
    expect(b.counts).toMatchObject({ read: 5, added: 3, rejected: 2, updated: 0, unchanged: 0 });
    const agent = await s.as('pustakawan.bunghatta');
    const rej = await agent.get(`/api/v1/imports/${b.id}/rejected`);
    expect(rej.body.items.map((r: { position: string; reason: string }) => [r.position, r.reason])).toEqual([
      ['line 4', 'no title'],
      ['line 5', '2 values of status for 3 copies'],
    ]);
    const items = await s.ctx.database.db
      .selectFrom('items')
      .innerJoin('libraries as l', 'l.id', 'items.library_id')
      .select(['barcode', 'location', 'status', 'loanable'])
      .where('l.code', '=', 'BUNGHATTA')
      .orderBy('barcode')
      .execute();
    expect(items).toEqual([
      { barcode: 'BH-001', location: 'Rak Sastra', status: 'available', loanable: true },
      { barcode: 'BH-002', location: 'Rak Sastra', status: 'on_loan', loanable: true },
      { barcode: 'BH-010', location: 'Rak Novel', status: 'available', loanable: true },
      { barcode: 'BH-030', location: 'Referensi', status: 'reference_only', loanable: false },
    ]);
    const batch = await s.ctx.database.db
      .selectFrom('import_batches')
      .select(['mapping_id', 'mapping'])
      .where('id', '=', b.id)
      .executeTakeFirstOrThrow();
    expect(batch.mapping_id).toBeGreaterThan(0);
    expect(batch.mapping).toMatchObject({ name: 'Buku induk', delimiter: ';', multiValueSeparator: '|' });
  });

  it('changes nothing when the same spreadsheet comes again', async () => {
    const b = await importWith('Buku induk', SHEET);
    expect(b.status, b.error).toBe('done');
    expect(b.counts).toMatchObject({ read: 5, added: 0, updated: 0, unchanged: 3, deleted: 0, rejected: 2 });
    const n = await s.ctx.database.db
      .selectFrom('items')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(4);
  });

  it('updates a copy whose status changed when the library re-sends its sheet', async () => {
    const changed = SHEET.replace('BH-010;Rak Novel;Tersedia', 'BH-010;Rak Novel;Dipinjam');
    const b = await importWith('Buku induk', changed);
    expect(b.counts).toMatchObject({ read: 5, added: 0, updated: 1, unchanged: 2, rejected: 2 });
    const item = await s.ctx.database.db
      .selectFrom('items')
      .select('status')
      .where('barcode', '=', 'BH-010')
      .executeTakeFirstOrThrow();
    expect(item.status).toBe('on_loan');
  });

  it('imports a real Indonesian library spreadsheet through the mapping its header suggests', async () => {
    const file = readFileSync(shared('indonesian/openlibrary-unpi/buku.csv'));
    const nurul = await s.as('pustakawan.bunghatta');
    const p = await nurul.post('/api/v1/libraries/BUNGHATTA/mappings/preview', {
      sample: b64(file.subarray(0, 16_000)),
      partial: true,
    });
    expect(p.status).toBe(200);
    const guessed = Object.fromEntries(
      p.body.guess.map((g: { column: string; field: string | null }) => [g.column, g.field]),
    );
    expect(guessed).toMatchObject({
      judul: 'title',
      thn_terbit: 'year',
      edisi: 'edition',
      issn_isbn: 'isbnOrIssn',
      abstrak: 'notes',
      status: 'status',
    });
    expect(p.body.rows[0].bib.title).toContain('UML Distilled');
    const saved = await nurul.post('/api/v1/libraries/BUNGHATTA/mappings', {
      name: 'Open Library UNPI',
      ...p.body.mapping,
      columns: [...p.body.mapping.columns, { column: 'kd_cat', field: 'ddc' }],
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    const b = await importWith(String(saved.body.id), file);
    expect(b.status, b.error).toBe('done');
    expect(b.counts.read).toBe(50);
    expect(b.counts.added + b.counts.rejected).toBe(50);
    expect(b.counts.added).toBeGreaterThan(45);
    const again = await importWith('open library unpi', file);
    expect(again.counts).toMatchObject({
      added: 0,
      updated: 0,
      unchanged: b.counts.added,
      rejected: b.counts.rejected,
    });
    const r = await s.anonymous.get(`/api/v1/catalog/search?q=${encodeURIComponent('UML Distilled')}`);
    expect(r.body.total).toBeGreaterThan(0);
  });

  it('reads a sheet saved by Excel in Windows-1252 when the mapping says so', async () => {
    const nurul = await s.as('pustakawan.bunghatta');
    const m = await nurul.post('/api/v1/libraries/BUNGHATTA/mappings', {
      name: 'Tanpa judul kolom',
      hasHeader: false,
      delimiter: 'tab',
      encoding: 'windows-1252',
      columns: [
        { column: '0', field: 'title' },
        { column: '1', field: 'publisher' },
        { column: '2', field: 'barcodes' },
      ],
    });
    expect(m.status, JSON.stringify(m.body)).toBe(201);
    const bytes = Buffer.concat([
      Buffer.from('Kamus Bahasa Minang\tPenerbit Caf'),
      Buffer.from([0xe9]),
      Buffer.from('\tBH-900\n'),
    ]);
    const b = await importWith('Tanpa judul kolom', bytes);
    expect(b.counts).toMatchObject({ read: 1, added: 1 });
    const rec = await s.ctx.database.db
      .selectFrom('source_records')
      .select('bib')
      .where('batch_id', '=', b.id)
      .executeTakeFirstOrThrow();
    expect(rec.bib.publisher).toBe('Penerbit Café');
  });

  it('answers a missing or mismatched mapping before any byte is stored', async () => {
    expect((await upload('pustakawan.bunghatta', 'BUNGHATTA', SHEET, { mapping: 'Tidak ada' })).status).toBe(404);
    const csv = await upload('pustakawan.bunghatta', 'BUNGHATTA', SHEET, { format: 'csv' });
    expect(csv.status).toBe(400);
    expect(csv.body.error.message.id).toContain('pemetaan');
    const marc = await upload('pustakawan.bunghatta', 'BUNGHATTA', SHEET, { format: 'iso2709', mapping: 'Buku induk' });
    expect(marc.status).toBe(400);
  });

  it('keeps the imports read through a mapping when the mapping is deleted', async () => {
    const nurul = await s.as('pustakawan.bunghatta');
    const m = (await nurul.get('/api/v1/libraries/BUNGHATTA/mappings')).body.items.find(
      (x: { name: string }) => x.name === 'Buku induk',
    );
    const renamed = await nurul.patch(`/api/v1/mappings/${m.id}`, {
      name: 'Buku induk 2024',
      multiValueSeparator: ',',
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Buku induk 2024', multiValueSeparator: ',', delimiter: ';' });
    expect((await nurul.delete(`/api/v1/mappings/${m.id}`)).status).toBe(204);
    expect((await nurul.get(`/api/v1/mappings/${m.id}`)).status).toBe(404);
    const batches = await s.ctx.database.db
      .selectFrom('import_batches')
      .select(['mapping_id', 'mapping'])
      .where('format', '=', 'csv')
      .execute();
    expect(batches.filter((x) => x.mapping && (x.mapping as { name: string }).name === 'Buku induk')).toHaveLength(3);
    const actions = await s.ctx.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity', '=', 'catalog_mapping')
      .where('entity_id', '=', String(m.id))
      .orderBy('id')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['create', 'update', 'delete']);
  });
});
