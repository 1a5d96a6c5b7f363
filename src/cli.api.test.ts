import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { odsFile } from '../test/ods-support.ts';
import { SEARCH_INDEX_VERSION } from './catalog/search-index.ts';
import { openDatabase } from './platform/db.ts';

const root = path.resolve(import.meta.dirname, '..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'simpul-cli-'));
// On a PostgreSQL server the commands get a database of their own, as every test file does.
let databaseUrl: string | undefined;
let dropDatabase = async () => {};

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/simpul.js'), ...args], {
      cwd: root,
      env: {
        ...process.env,
        SIMPUL_DATA_DIR: dataDir,
        LOG_LEVEL: 'silent',
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        ...env,
      },
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('close', (code) => resolve({ code, out }));
  });
}

beforeAll(async () => {
  const url = process.env.DATABASE_URL;
  if (!url) return;
  const name = `simpul_cli_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  databaseUrl = u.toString();
  dropDatabase = async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  };
});

afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  await dropDatabase();
});

describe('simpul command line', () => {
  it('migrates, seeds the demo network once, and adds a staff account that can be found again', async () => {
    const migrated = await run(['migrate']);
    expect(migrated.code).toBe(0);
    const seeded = await run(['seed-demo']);
    expect(seeded.code).toBe(0);
    expect(seeded.out).toMatch(/demo network loaded|already has a network/);
    const again = await run(['seed-demo']);
    expect(again.out).toContain('already has a network');
    const username = `cli.${randomBytes(3).toString('hex')}`;
    const added = await run(
      [
        'user',
        'add',
        '--library',
        'SAWAHLUNTO',
        '--username',
        username,
        '--name',
        'Petugas Baru',
        '--role',
        'librarian',
      ],
      { SIMPUL_NEW_PASSWORD: 'kata-sandi-panjang' },
    );
    expect(added.out).toContain(`created ${username} (librarian) at SAWAHLUNTO`);
    expect(added.code).toBe(0);
    const dup = await run([
      'user',
      'add',
      '--library',
      'SAWAHLUNTO',
      '--username',
      username,
      '--name',
      'X',
      '--password',
      'kata-sandi-panjang',
    ]);
    expect(dup.code).toBe(1);
    expect(dup.out).toContain('already exists');
    const badRole = await run([
      'user',
      'add',
      '--library',
      'SAWAHLUNTO',
      '--username',
      'x.y',
      '--name',
      'X',
      '--role',
      'king',
    ]);
    expect(badRole.code).not.toBe(0);
  }, 120_000);

  it('imports a file and prints the batch report as JSON', async () => {
    const file = path.resolve(root, '../shared/data/marc/pymarc/test/test.dat');
    const first = await run(['import', file, '--library', 'BUNGHATTA', '--json']);
    expect(first.code).toBe(0);
    const report = JSON.parse(first.out.trim().split('\n').pop() as string);
    expect(report).toMatchObject({ library: 'BUNGHATTA', format: 'iso2709', status: 'done' });
    expect(report.counts.added).toBeGreaterThan(0);
    const again = JSON.parse(
      (await run(['import', file, '--library', 'BUNGHATTA', '--json'])).out.trim().split('\n').pop() as string,
    );
    expect(again.counts.added).toBe(0);
    expect(again.counts.unchanged).toBe(report.counts.added);
    const bad = await run(['import', file, '--library', 'NOPE']);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('Library not found');
  }, 120_000);

  it('rebuilds stored search documents of an older version (simpul reindex), and then has nothing to do', async () => {
    const database = await openDatabase({ databaseUrl: databaseUrl ?? undefined, dataDir });
    let clusters = 0;
    try {
      clusters = Number(
        (await sql<{ n: number }>`select count(*)::int as n from clusters`.execute(database.db)).rows[0]?.n,
      );
      await sql`update search_index_state set version = 1`.execute(database.db);
    } finally {
      await database.close();
    }
    expect(clusters).toBeGreaterThan(0);
    const r = await run(['reindex', '--json']);
    expect(r.code, r.out).toBe(0);
    expect(JSON.parse(r.out.trim().split('\n').pop() as string)).toEqual({
      from: 1,
      to: SEARCH_INDEX_VERSION,
      rebuilt: clusters,
      done: true,
    });
    const again = await run(['reindex']);
    expect(again.code).toBe(0);
    expect(again.out).toContain(`search index is current (version ${SEARCH_INDEX_VERSION})`);
  }, 120_000);

  it('imports a spreadsheet through a saved mapping named with --mapping, and again changes nothing', async () => {
    // Saved as the import page would; the database is closed again before the command runs.
    const database = await openDatabase({ databaseUrl: databaseUrl ?? undefined, dataDir });
    const lib = await database.db
      .selectFrom('libraries')
      .select('id')
      .where('code', '=', 'BUNGHATTA')
      .executeTakeFirstOrThrow();
    await database.db
      .insertInto('catalog_mappings')
      .values({
        library_id: lib.id,
        name: 'Buku induk',
        columns: JSON.stringify([
          { column: 'Judul', field: 'title' },
          { column: 'Pengarang', field: 'authors' },
          { column: 'Eksemplar', field: 'barcodes' },
          { column: 'Lokasi', field: 'location' },
        ]),
        delimiter: ';',
        multi_value_separator: '|',
      })
      .execute();
    await database.close();
    const file = path.join(dataDir, 'buku-induk.csv');
    writeFileSync(
      file,
      'Judul;Pengarang;Eksemplar;Lokasi\nSiti Nurbaya;Marah Rusli;CLI-1|CLI-2;Rak Sastra\n;Tanpa judul;CLI-3;Rak\n',
    );
    const first = await run(['import', file, '--library', 'BUNGHATTA', '--mapping', 'buku induk', '--json']);
    expect(first.code, first.out).toBe(0);
    const report = JSON.parse(first.out.trim().split('\n').pop() as string);
    expect(report).toMatchObject({ format: 'csv', status: 'done', counts: { read: 2, added: 1, rejected: 1 } });
    const again = JSON.parse(
      (await run(['import', file, '--library', 'BUNGHATTA', '--mapping', 'Buku induk', '--json'])).out
        .trim()
        .split('\n')
        .pop() as string,
    );
    expect(again.counts).toMatchObject({ added: 0, updated: 0, unchanged: 1, rejected: 1 });
    const missing = await run(['import', file, '--library', 'BUNGHATTA', '--mapping', 'Tidak ada']);
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('not found');
  }, 120_000);

  it('imports an OpenDocument spreadsheet (simpul import FILE.ods) and guesses a mapping from one of its sheets', async () => {
    const file = path.join(dataDir, 'koleksi.ods');
    writeFileSync(
      file,
      await odsFile([
        {
          name: 'biblio',
          rows: [
            ['title', 'authors', 'publish_year', 'item_code'],
            ['Salah Asuhan', '<Abdoel Moeis>', 1928, '<CLI-ODS-1>'],
            ['', '<Tanpa judul>', 1930, ''],
          ],
        },
        {
          name: 'Daftar Buku',
          rows: [
            ['Judul', 'Pengarang', 'Tahun'],
            ['Atheis', 'Achdiat K. Mihardja', 1949],
          ],
        },
      ]),
    );
    const first = await run(['import', file, '--library', 'BUNGHATTA', '--json']);
    expect(first.code, first.out).toBe(0);
    const report = JSON.parse(first.out.trim().split('\n').pop() as string);
    expect(report).toMatchObject({ format: 'ods', status: 'done', counts: { read: 2, added: 1, rejected: 1 } });
    const guessed = await run(['mapping', 'guess', file, '--library', 'BUNGHATTA', '--sheet', 'daftar buku']);
    expect(guessed.code, guessed.out).toBe(0);
    expect(guessed.out).toContain('sheet: Daftar Buku');
    expect(guessed.out).toContain('"column": "Judul"');
    expect(guessed.out).toContain('row 2: "Atheis"');
  }, 120_000);

  it('guesses a mapping from a real spreadsheet header, saves it, lists it and imports through it', async () => {
    // The book table of a real Indonesian open-library system (kd_buku, judul, thn_terbit, issn_isbn, …).
    const sheet = path.resolve(root, '../shared/data/indonesian/openlibrary-unpi/buku.csv');
    const guessed = await run(['mapping', 'guess', sheet, '--library', 'UPERTIS']);
    expect(guessed.code, guessed.out).toBe(0);
    expect(guessed.out).toContain('"column": "judul"');
    expect(guessed.out).toMatch(/line 2: "UML Distilled/);
    const saved = await run(['mapping', 'add', '--library', 'UPERTIS', '--name', 'Buku UNPI', '--from', sheet]);
    expect(saved.code, saved.out).toBe(0);
    expect(saved.out).toContain('saved mapping');
    const listed = await run(['mapping', 'list', '--library', 'UPERTIS', '--json']);
    expect(JSON.parse(listed.out.trim()).map((m: { name: string }) => m.name)).toEqual(['Buku UNPI']);
    const shown = await run(['mapping', 'show', 'Buku UNPI', '--library', 'UPERTIS']);
    const spec = JSON.parse(shown.out);
    expect(spec.columns).toContainEqual({ column: 'judul', field: 'title' });
    // The printed spec is what --spec reads: save a copy under another name with a mistake, then fixed.
    const specFile = path.join(dataDir, 'unpi.json');
    writeFileSync(
      specFile,
      JSON.stringify({ ...spec, columns: spec.columns.filter((c: { field: string }) => c.field !== 'title') }),
    );
    const noTitle = await run(['mapping', 'add', '--library', 'UPERTIS', '--name', 'Salinan', '--spec', specFile]);
    expect(noTitle.code).toBe(1);
    expect(noTitle.out).toMatch(/title|judul/i);
    writeFileSync(specFile, JSON.stringify(spec));
    expect((await run(['mapping', 'add', '--library', 'UPERTIS', '--name', 'Salinan', '--spec', specFile])).code).toBe(
      0,
    );
    const imported = await run(['import', sheet, '--library', 'UPERTIS', '--mapping', 'Salinan', '--json']);
    expect(imported.code, imported.out).toBe(0);
    const report = JSON.parse(imported.out.trim().split('\n').pop() as string);
    expect(report.counts.added).toBeGreaterThan(40);
    expect(report.counts.read).toBe(report.counts.added + report.counts.rejected);
    // Another library's mappings are its own.
    expect((await run(['mapping', 'show', 'Buku UNPI', '--library', 'BUNGHATTA'])).code).toBe(1);
  }, 300_000);
});
