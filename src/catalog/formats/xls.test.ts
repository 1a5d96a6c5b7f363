import { createReadStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { all, BUKU, ok } from '../../../test/workbook-support.ts';
import { xlsWorkbook, xlsWriterPresent } from '../../../test/xls-support.ts';
import { sharedPath } from '../oai/replay-server.ts';
import { type CsvItemResult, readBibsCsv, type SpreadsheetMapping } from './csv.ts';
import { detectFormat } from './detect.ts';
import { compoundStreams, readBibsXls, readItemsXls, readXlsHead, rkNumber } from './xls.ts';
import { SheetNotFoundError } from './xlsx.ts';

/**
 * A version-3 compound file holding `stream` as "Workbook" in the mini stream: FAT in sector 0, the directory
 * in 1, the mini FAT in 2, the mini stream (the root entry's data) from sector 3 on.
 */
function miniStreamFile(stream: Buffer): Buffer {
  const END = 0xfffffffe;
  const FREE = 0xffffffff;
  const minis = Math.ceil(stream.length / 64);
  const container = Buffer.alloc(Math.ceil((minis * 64) / 512) * 512);
  stream.copy(container);
  const dataSectors = container.length / 512;
  const sector = () => Buffer.alloc(512, 0xff);
  const header = Buffer.alloc(512);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header);
  header.writeUInt16LE(0x3e, 0x18);
  header.writeUInt16LE(3, 0x1a);
  header.writeUInt16LE(0xfffe, 0x1c);
  header.writeUInt16LE(9, 0x1e);
  header.writeUInt16LE(6, 0x20);
  header.writeUInt32LE(1, 0x2c);
  header.writeUInt32LE(1, 0x30);
  header.writeUInt32LE(4096, 0x38);
  header.writeUInt32LE(2, 0x3c);
  header.writeUInt32LE(1, 0x40);
  header.writeUInt32LE(END, 0x44);
  for (let i = 0; i < 109; i++) header.writeUInt32LE(i === 0 ? 0 : FREE, 0x4c + i * 4);
  const fat = sector();
  fat.writeUInt32LE(0xfffffffd, 0);
  fat.writeUInt32LE(END, 4);
  fat.writeUInt32LE(END, 8);
  for (let i = 0; i < dataSectors; i++) fat.writeUInt32LE(i === dataSectors - 1 ? END : 4 + i, (3 + i) * 4);
  const dir = Buffer.alloc(512);
  const entry = (at: number, name: string, type: number, start: number, size: number, child: number) => {
    dir.write(`${name}\0`, at, 'utf16le');
    dir.writeUInt16LE((name.length + 1) * 2, at + 0x40);
    dir[at + 0x42] = type;
    dir.writeUInt32LE(FREE, at + 0x44);
    dir.writeUInt32LE(FREE, at + 0x48);
    dir.writeUInt32LE(child, at + 0x4c);
    dir.writeUInt32LE(start, at + 0x74);
    dir.writeUInt32LE(size, at + 0x78);
  };
  entry(0, 'Root Entry', 5, 3, container.length, 1);
  entry(128, 'Workbook', 2, 0, stream.length, FREE);
  const miniFat = sector();
  for (let i = 0; i < minis; i++) miniFat.writeUInt32LE(i === minis - 1 ? END : i + 1, i * 4);
  return Buffer.concat([header, fat, dir, miniFat, container]);
}

// .ci/run installs the writer; a machine without it is told so instead of passing quietly.
it('has the .xls writer the tests use (Debian libspreadsheet-writeexcel-perl)', () => {
  expect(xlsWriterPresent()).toBe(true);
});

describe('reading Excel 97-2003 workbooks (.xls)', () => {
  it('tells an .xls by its first bytes and reads a buku induk: Unicode text, numbers with every digit, dates, formulas', async () => {
    const file = xlsWorkbook([
      {
        name: 'Buku Induk',
        rows: [
          ['DAFTAR BUKU INDUK PERPUSTAKAAN'],
          [],
          ['Kode Buku', 'Judul', 'Pengarang', 'ISBN', 'Tahun Terbit', 'Tanggal Masuk', 'Eksemplar', 'Lokasi'],
          [
            'B-001',
            'Sejarah Minangkabau: adat dan ʿulamāʾ',
            'Hamka',
            9786020324784,
            1982,
            { date: '2024-03-05' },
            'B001-1; B001-2',
            'Rak 900',
          ],
          [
            'B-002',
            { formula: '=CONCATENATE("Tafsir ","Al-Azhar")', value: 'Tafsir Al-Azhar' },
            'Hamka; Yusuf, Ahmad',
            '979-731-756-0',
            { formula: '=1990+5', value: 1995 },
            null,
            4417,
            'تفسير',
          ],
          ['B-003', 'Ensiklopedi Islam 🌙', 'Tim Redaksi', null, 2001.5, null, null, ' Rak  200 '],
        ],
      },
    ]);
    expect(detectFormat(file)).toMatchObject({ kind: 'xls', reason: /Excel 97-2003/ });
    const rows = await all(readBibsXls(file, BUKU));
    expect(rows.map((r) => r.line)).toEqual([4, 5, 6]);
    expect(ok(rows)[0]).toMatchObject({
      sourceId: 'B-001',
      title: 'Sejarah Minangkabau: adat dan ʿulamāʾ',
      authors: ['Hamka'],
      isbns: ['9786020324784'],
      year: 1982,
      notes: ['2024-03-05'],
    });
    expect(ok(rows)[0]?.items.map((i) => i.barcode)).toEqual(['B001-1', 'B001-2']);
    expect(ok(rows)[1]).toMatchObject({ title: 'Tafsir Al-Azhar', year: 1995, isbns: ['979-731-756-0'] });
    expect(ok(rows)[1]?.items[0]).toMatchObject({ barcode: '4417', location: 'تفسير' });
    expect(ok(rows)[2]).toMatchObject({ title: 'Ensiklopedi Islam 🌙' });
    // The head as the preview reads it: the title block first, cells as text.
    expect(await readXlsHead(file, { rows: 4 })).toEqual([
      ['Kode Buku', 'Judul', 'Pengarang', 'ISBN', 'Tahun Terbit', 'Tanggal Masuk', 'Eksemplar', 'Lokasi'],
      [
        'B-001',
        'Sejarah Minangkabau: adat dan ʿulamāʾ',
        'Hamka',
        '9786020324784',
        '1982',
        '2024-03-05',
        'B001-1; B001-2',
        'Rak 900',
      ],
      ['B-002', 'Tafsir Al-Azhar', 'Hamka; Yusuf, Ahmad', '979-731-756-0', '1995', '', '4417', 'تفسير'],
      ['B-003', 'Ensiklopedi Islam 🌙', 'Tim Redaksi', '', '2001.5', '', '', 'Rak  200'],
    ]);
  });

  it('gives the same records from a SLiMS table saved as .xls as from the CSV', async () => {
    const dir = 'indonesian/slims-official-sampledata';
    const text: string[][] = parse(readFileSync(sharedPath(`${dir}/biblio.csv`), 'utf8'), { relax_column_count: true });
    // Excel keeps a line break inside a value as LF; the CSV has CRLF.
    const lf = (bibs: ReturnType<typeof ok>) => JSON.parse(JSON.stringify(bibs).replaceAll('\\r\\n', '\\n'));
    const rows = text.map((r) => r.map((c) => c.replaceAll('\r\n', '\n')));
    const fromCsv = lf(ok(await all(readBibsCsv(createReadStream(sharedPath(`${dir}/biblio.csv`)), 'slims'))));
    const sheet = await all(readBibsXls(xlsWorkbook([{ name: 'biblio', rows }]), 'slims'));
    expect(fromCsv.length).toBe(17);
    expect(ok(sheet)).toEqual(fromCsv);
  });

  it('reads the strings table across its CONTINUE records: thousands of titles, long ones split mid-text', async () => {
    const titles = Array.from({ length: 3000 }, (_, i) =>
      i % 7 === 0
        ? `Judul panjang ${i} ${'ā'.repeat(300 + (i % 50))}`
        : `Judul ${i} tentang ${i % 13 ? 'Sumatra' : 'Jawa'}`,
    );
    const file = xlsWorkbook([{ name: 'Buku', rows: [['Judul', 'No'], ...titles.map((t, i) => [t, i + 1])] }]);
    const read = await all(readBibsXls(file, { columns: { Judul: 'title', No: 'sourceId' } }));
    expect(read).toHaveLength(3000);
    expect(ok(read).map((b) => b.title)).toEqual(titles.map((t) => t.replace(/ +/g, ' ')));
    expect(ok(read)[2999]?.sourceId).toBe('3000');
  });

  it('chooses a sheet by name, tells hidden sheets, and names the sheets there are when one is missing', async () => {
    const file = xlsWorkbook([
      { name: 'Petunjuk', rows: [['diisi oleh', 'petugas']] },
      { name: 'Catatan', rows: [['dibuat oleh', 'petugas']], hidden: true },
      {
        name: 'Skripsi',
        rows: [
          ['Judul', 'Pengarang'],
          ['Hukum adat Minangkabau', 'Rina'],
        ],
      },
    ]);
    let sheets: unknown;
    let sheet = '';
    const read = await all(
      readBibsXls(
        file,
        { columns: { Judul: 'title', Pengarang: 'authors' } },
        {
          sheet: ' skripsi ',
          onSheet: (s) => (sheet = s),
          onSheets: (s) => (sheets = s),
        },
      ),
    );
    expect(sheet).toBe('Skripsi');
    expect(sheets).toEqual([
      { name: 'Petunjuk', hidden: false },
      { name: 'Catatan', hidden: true },
      { name: 'Skripsi', hidden: false },
    ]);
    expect(ok(read)).toEqual([expect.objectContaining({ title: 'Hukum adat Minangkabau', authors: ['Rina'] })]);
    expect(await readXlsHead(file)).toEqual([['diisi oleh', 'petugas']]);
    await expect(all(readBibsXls(file, 'slims', { sheet: 'Majalah' }))).rejects.toThrow(SheetNotFoundError);
    await expect(all(readBibsXls(file, 'slims', { sheet: 'Majalah' }))).rejects.toThrow(/Petunjuk, Catatan, Skripsi/);
  });

  it('gives a cell merged downwards to every row it covers, and reads 1904 dates; as bytes and as a stream', async () => {
    const rows = [
      ['Judul', 'Lokasi', 'Masuk'],
      ['Tenggelamnya Kapal', { merged: 'Rak Sastra', rows: 3 }, { date: '2020-01-31' }],
      ['Di Bawah Lindungan Ka’bah', null, { date: '1999-12-31' }],
      ['Merantau ke Deli', null, null],
      ['Layar Terkembang', 'Rak Umum', null],
    ];
    const mapping: SpreadsheetMapping = { columns: { Judul: 'title', Lokasi: 'location', Masuk: 'notes' } };
    const file = xlsWorkbook([{ name: 'Buku', rows }], { date1904: true });
    const fromBytes = ok(await all(readBibsXls(file, mapping)));
    expect(fromBytes.map((b) => b.items[0]?.location)).toEqual(['Rak Sastra', 'Rak Sastra', 'Rak Sastra', 'Rak Umum']);
    expect(fromBytes.map((b) => b.notes)).toEqual([['2020-01-31'], ['1999-12-31'], undefined, undefined]);
    const chunks = [];
    for (let at = 0; at < file.length; at += 1000) chunks.push(file.subarray(at, at + 1000));
    expect(ok(await all(readBibsXls(Readable.from(chunks), mapping)))).toEqual(fromBytes);
  });

  it('reads a SLiMS item export saved as .xls', async () => {
    const file = xlsWorkbook([
      {
        name: 'Items',
        rows: [
          ['item_code', 'call_number', 'coll_type_name', 'location_name', 'item_status_name', 'title'],
          [100234, '005.1 HAT', 'Reference', 'Perpustakaan', '', 'Memoir'],
          ['', '', '', '', '', 'Tanpa kode'],
        ],
      },
    ]);
    const rows: CsvItemResult[] = await all(readItemsXls(file));
    expect(rows[0]).toMatchObject({ ok: true, line: 2, item: { barcode: '100234', status: 'reference_only' } });
    expect(rows[1]).toMatchObject({ ok: false, line: 3, reason: 'no item_code' });
  });

  it('refuses a cut or damaged file, a Word document and an empty compound file with the reason, never a crash', async () => {
    const file = xlsWorkbook([{ name: 'Buku', rows: [['Judul'], ['Robohnya Surau Kami']] }]);
    const why = async (bytes: Buffer) => {
      try {
        await all(readBibsXls(bytes, 'slims'));
        return 'read';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(await why(file.subarray(0, 3000))).toMatch(
      /^not a readable Excel 97-2003 workbook \(\.xls\): the file is damaged or cut short/,
    );
    expect(await why(file.subarray(0, 600))).toMatch(
      /^not a readable Excel 97-2003 workbook \(\.xls\): the file is damaged/,
    );
    const header = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
    expect(await why(header)).toMatch(/^not a readable Excel 97-2003 workbook \(\.xls\): /);
    // A sector chain that points at itself is a damaged file, not a loop.
    const looped = Buffer.from(file);
    const firstDir = looped.readUInt32LE(0x30);
    const fatAt = (looped.readUInt32LE(0x4c) + 1) * 512;
    looped.writeUInt32LE(firstDir, fatAt + firstDir * 4);
    expect(await why(looped)).toMatch(/damaged/);
    // The compound file of a Word document holds no Workbook stream.
    const doc = Buffer.from(file);
    const streams = compoundStreams(doc);
    expect([...streams.keys()]).toContain('workbook');
    const dirAt = (firstDir + 1) * 512;
    for (let at = dirAt; at < dirAt + 512; at += 128) {
      const name = doc.toString('utf16le', at, at + 16);
      if (!name.startsWith('Workbook')) continue;
      doc.write('WordDocument\0', at, 'utf16le');
      doc.writeUInt16LE(26, at + 0x40);
    }
    expect(await why(doc)).toMatch(/a Word document \(\.doc\), not a workbook/);
  });

  it('reads a workbook small enough to sit in the mini stream (as Gnumeric and small files keep it)', async () => {
    const big = xlsWorkbook([
      {
        name: 'Buku',
        rows: [
          ['Judul', 'Tahun'],
          ['Robohnya Surau Kami', 1956],
        ],
      },
    ]);
    const padded = compoundStreams(big).get('workbook')?.() as Buffer;
    // The writer pads the stream to 4,096 bytes; the records end with the sheet's EOF (0a 00 00 00).
    let end = padded.length;
    while (end > 0 && padded[end - 1] === 0) end--;
    const stream = padded.subarray(0, end + 3);
    expect(stream.length).toBeLessThan(4096);
    const file = miniStreamFile(stream);
    expect(ok(await all(readBibsXls(file, { columns: { Judul: 'title', Tahun: 'year' } })))).toEqual([
      expect.objectContaining({ title: 'Robohnya Surau Kami', year: 1956 }),
    ]);
  });

  it('decodes RK numbers (integers and the high bits of a double, either divided by 100)', () => {
    expect(rkNumber(0x3ff00000)).toBe(1);
    expect(rkNumber(0x405ec000)).toBe(123);
    expect(rkNumber((5 << 2) | 0x02)).toBe(5);
    expect(rkNumber(((-5 << 2) | 0x02) >>> 0)).toBe(-5);
    expect(rkNumber((1 << 2) | 0x03)).toBe(0.01);
    expect(rkNumber((1200455 << 2) | 0x03)).toBe(12004.55);
    expect(rkNumber(0x3ff00001)).toBe(0.01);
  });
});
