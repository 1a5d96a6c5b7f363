import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { all, BUKU, ok } from '../../../test/workbook-support.ts';
import { sharedPath } from '../oai/replay-server.ts';
import { type CsvItemResult, readBibsCsv, type SpreadsheetMapping } from './csv.ts';
import { detectFormat } from './detect.ts';
import { cellText, readBibsSheet, readItemsSheet, readSheetHead, SheetNotFoundError, spreadsheetKind } from './xlsx.ts';

/** A workbook as Excel users make them, built with the same library the reader uses. */
async function workbook(sheets: Record<string, (ws: ExcelJS.Worksheet) => void>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const [name, fill] of Object.entries(sheets)) fill(wb.addWorksheet(name));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A CSV file of the shared data, cell for cell, as a sheet (what "Save as .xlsx" in Excel gives). */
async function csvAsWorkbook(relative: string): Promise<Buffer> {
  const rows: string[][] = parse(readFileSync(sharedPath(relative), 'utf8'), { relax_column_count: true });
  return workbook({ Sheet1: (ws) => ws.addRows(rows) });
}

describe('reading .xlsx workbooks', () => {
  it('tells an Excel workbook from an OpenDocument one, an old .xls and other zips by the first bytes', async () => {
    const xlsx = await workbook({ Buku: (ws) => ws.addRow(['Judul']) });
    expect(spreadsheetKind(xlsx)?.kind).toBe('xlsx');
    expect(detectFormat(xlsx).kind).toBe('xlsx');
    const ods = Buffer.concat([
      Buffer.from([0x50, 0x4b, 0x03, 0x04]),
      Buffer.alloc(26),
      Buffer.from('mimetypeapplication/vnd.oasis.opendocument.spreadsheet'),
    ]);
    expect(spreadsheetKind(ods)?.kind).toBe('ods');
    // An OpenDocument spreadsheet is read too (ods.ts), and an old .xls (xls.ts).
    expect(detectFormat(ods)).toMatchObject({ kind: 'ods', reason: /\.ods/ });
    const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
    expect(spreadsheetKind(xls)?.kind).toBe('xls');
    expect(detectFormat(xls)).toMatchObject({ kind: 'xls', reason: /\(\.xls\)/ });
    expect(spreadsheetKind(Buffer.from('Judul,Pengarang\n'))).toBeUndefined();
  });

  it('reads numbers without losing digits, dates, formulas, rich text, and skips a title block and blank rows', async () => {
    const file = await workbook({
      Buku: (ws) => {
        ws.addRow(['DAFTAR BUKU PERPUSTAKAAN SMA 1 PADANG']);
        ws.mergeCells('A1:H1');
        ws.addRow(['Per 1 Desember 2026']);
        ws.addRow([]);
        ws.addRow(['Kode Buku', 'Judul', 'Pengarang', 'ISBN', 'Tahun Terbit', 'Tanggal Masuk', 'Eksemplar', 'Lokasi']);
        ws.addRow([
          1,
          { richText: [{ text: 'Laskar ', font: { bold: true } }, { text: 'Pelangi' }] },
          'Andrea Hirata',
          9789793062792,
          2005,
          new Date(Date.UTC(2024, 6, 17)),
          42,
          'Rak 3',
        ]);
        ws.getCell('G5').numFmt = '000000';
        ws.addRow([]);
        ws.addRow([
          2,
          'Bumi Manusia',
          'Pramoedya Ananta Toer; Lain',
          { formula: 'TEXT(9789799731234,"0")', result: '9789799731234' },
          { formula: 'YEAR(F7)', result: 1980 },
          { formula: 'DATE(2023,1,5)', result: 44931 },
          'B-0007;B-0008',
          { formula: 'H5', result: 'Rak 3' },
        ]);
        ws.getCell('F7').numFmt = 'dd/mm/yyyy';
        ws.addRow([3, { formula: 'NA()', result: { error: '#N/A' } }, 'Tanpa Judul']);
      },
    });
    const rows = await all(readBibsSheet(file, BUKU));
    expect(rows.map((r) => [r.line, r.ok])).toEqual([
      [5, true],
      [7, true],
      [8, false],
    ]);
    expect(rows[2]).toMatchObject({ ok: false, line: 8, reason: 'no title' });
    const [laskar, bumi] = ok(rows);
    expect(laskar).toMatchObject({
      sourceId: '1',
      title: 'Laskar Pelangi',
      authors: ['Andrea Hirata'],
      isbns: ['9789793062792'],
      year: 2005,
      notes: ['2024-07-17'],
      items: [{ barcode: '000042', location: 'Rak 3', status: 'available' }],
    });
    expect(bumi).toMatchObject({
      title: 'Bumi Manusia',
      authors: ['Pramoedya Ananta Toer', 'Lain'],
      isbns: ['9789799731234'],
      year: 1980,
      notes: ['2023-01-05'],
      items: [
        { barcode: 'B-0007', location: 'Rak 3' },
        { barcode: 'B-0008', location: 'Rak 3' },
      ],
    });
  });

  it('gives the same records from a SLiMS table saved as .xlsx as from the CSV', async () => {
    const dir = 'indonesian/slims-official-sampledata';
    // XML (so the workbook) keeps a line break inside a value as LF; the CSV has CRLF.
    const lf = (bibs: ReturnType<typeof ok>) => JSON.parse(JSON.stringify(bibs).replaceAll('\\r\\n', '\\n'));
    const fromCsv = lf(ok(await all(readBibsCsv(createReadStream(sharedPath(`${dir}/biblio.csv`)), 'slims'))));
    const sheet = await all(readBibsSheet(await csvAsWorkbook(`${dir}/biblio.csv`), 'slims'));
    expect(fromCsv.length).toBe(17);
    expect(ok(sheet)).toEqual(fromCsv);
  });

  it('reads the UNPI book table through a saved mapping, and a named sheet', async () => {
    const rows: string[][] = parse(readFileSync(sharedPath('indonesian/openlibrary-unpi/buku.csv'), 'utf8'), {
      relax_column_count: true,
    });
    const file = await workbook({
      Catatan: (ws) => ws.addRow(['dibuat oleh', 'petugas']),
      Buku: (ws) => ws.addRows(rows),
    });
    const mapping: SpreadsheetMapping = {
      columns: { kd_buku: 'sourceId', judul: 'title', thn_terbit: 'year', issn_isbn: 'isbnOrIssn' },
    };
    let sheet = '';
    const read = await all(readBibsSheet(file, mapping, { sheet: ' buku ', onSheet: (s) => (sheet = s) }));
    expect(sheet).toBe('Buku');
    expect(read).toHaveLength(50);
    expect(ok(read)[0]).toMatchObject({ sourceId: 'bk0001', year: 2005, isbns: ['979-731-756-0'] });
    // The first sheet is the default, and a missing sheet is named with the ones there are.
    expect(await readSheetHead(file)).toEqual([['dibuat oleh', 'petugas']]);
    await expect(all(readBibsSheet(file, mapping, { sheet: 'Skripsi' }))).rejects.toThrow(SheetNotFoundError);
    await expect(all(readBibsSheet(file, mapping, { sheet: 'Skripsi' }))).rejects.toThrow(/Catatan, Buku/);
  });

  it('reads a SLiMS item export saved as .xlsx', async () => {
    const file = await workbook({
      Items: (ws) => {
        ws.addRow(['item_code', 'call_number', 'coll_type_name', 'location_name', 'item_status_name', 'title']);
        ws.addRow([100234, '005.1 HAT', 'Reference', 'Perpustakaan', '', 'Memoir']);
        ws.addRow(['', '', '', '', '', 'Tanpa kode']);
      },
    });
    const rows: CsvItemResult[] = await all(readItemsSheet(file));
    expect(rows[0]).toMatchObject({
      ok: true,
      line: 2,
      item: { barcode: '100234', status: 'reference_only' },
      biblioTitle: 'Memoir',
    });
    expect(rows[1]).toMatchObject({ ok: false, line: 3, reason: 'no item_code' });
  });

  it('says a broken workbook is one, instead of failing somewhere inside the zip reader', async () => {
    const file = await workbook({ Buku: (ws) => ws.addRows([['Judul'], ['A']]) });
    await expect(all(readBibsSheet(file.subarray(0, 200), BUKU))).rejects.toThrow(/not a readable Excel workbook/);
  });

  it('reads a workbook whose zip stores the workbook part last, in memory and as a stream', async () => {
    // exceljs's streaming reader (used before) missed xl/workbook.xml here and failed ("reading 'sheets'"), as it
    // did twice in CI; the reader now opens the zip from its directory and reads the parts in the order it needs.
    const file = await workbook({
      Buku: (ws) =>
        ws.addRows([
          ['Judul', 'Tahun'],
          ['Laskar Pelangi', 2005],
        ]),
    });
    const zip = await JSZip.loadAsync(file);
    const names = Object.keys(zip.files).filter((n) => !zip.files[n]?.dir && n !== 'xl/workbook.xml');
    const isSheet = (n: string) => n.startsWith('xl/worksheets/');
    const moved = new JSZip();
    for (const n of [...names.filter((n) => !isSheet(n)), ...names.filter(isSheet), 'xl/workbook.xml'])
      moved.file(n, (await zip.file(n)?.async('uint8array')) as Uint8Array);
    const reordered = await moved.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    const stored = Object.keys((await JSZip.loadAsync(reordered)).files);
    expect(stored.at(-1)).toBe('xl/workbook.xml');
    const mapping: SpreadsheetMapping = { columns: { Judul: 'title', Tahun: 'year' } };
    const want = [{ ok: true, line: 2, bib: { title: 'Laskar Pelangi', year: 2005 } }];
    expect(await all(readBibsSheet(reordered, mapping, { sheet: 'Buku' }))).toMatchObject(want);
    for (let i = 0; i < 20; i++) {
      const chunks = Array.from({ length: Math.ceil(reordered.length / 97) }, (_, k) =>
        reordered.subarray(k * 97, k * 97 + 97),
      );
      expect(await all(readBibsSheet(Readable.from(chunks), mapping, { sheet: 'Buku' }))).toMatchObject(want);
    }
  });

  it('reads a workbook written by other tools: prefixed elements, inline and escaped strings, phonetic runs, 1904 dates', async () => {
    const x = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
    const r = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
    const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
    const zip = new JSZip();
    zip.file(
      '_rels/.rels',
      `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/officeDocument" Target="/book/main.xml"/></Relationships>`,
    );
    zip.file(
      'book/_rels/main.xml.rels',
      `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="s2" Type="${rel}/worksheet" Target="sheets/second.xml"/><Relationship Id="s1" Type="${rel}/worksheet" Target="sheets/first.xml"/><Relationship Id="ss" Type="${rel}/sharedStrings" Target="strings.xml"/><Relationship Id="st" Type="${rel}/styles" Target="styles.xml"/></Relationships>`,
    );
    zip.file(
      'book/main.xml',
      `\ufeff<?xml version="1.0" encoding="UTF-8"?><x:workbook xmlns:x="${x}" xmlns:rr="${r}"><x:workbookPr date1904="1"/><x:sheets><x:sheet name="Daftar" sheetId="1" rr:id="s1"/><x:sheet name="Lain" sheetId="2" state="hidden" rr:id="s2"/></x:sheets></x:workbook>`,
    );
    zip.file(
      'book/styles.xml',
      `<x:styleSheet xmlns:x="${x}"><x:numFmts count="1"><x:numFmt numFmtId="164" formatCode="000000"/></x:numFmts><x:cellStyleXfs count="1"><x:xf numFmtId="14"/></x:cellStyleXfs><x:cellXfs count="3"><x:xf numFmtId="0"/><x:xf numFmtId="14"/><x:xf numFmtId="164"/></x:cellXfs></x:styleSheet>`,
    );
    zip.file(
      'book/strings.xml',
      `<x:sst xmlns:x="${x}"><x:si><x:t>Judul</x:t></x:si><x:si><x:t>Tanggal</x:t></x:si><x:si><x:t>Barkod</x:t></x:si><x:si><x:r><x:t>Sejarah </x:t></x:r><x:r><x:t>Nusantara</x:t></x:r><x:rPh><x:t>IGNORED</x:t></x:rPh></x:si></x:sst>`,
    );
    zip.file(
      'book/sheets/first.xml',
      `<x:worksheet xmlns:x="${x}"><x:sheetData><x:row r="3"><x:c r="A3" t="s"><x:v>0</x:v></x:c><x:c r="B3" t="s"><x:v>1</x:v></x:c><x:c r="D3" t="s"><x:v>2</x:v></x:c></x:row><x:row><x:c t="s"><x:v>3</x:v></x:c><x:c s="1"><x:v>0</x:v></x:c><x:c r="D4" s="2"><x:v>42</x:v></x:c></x:row><x:row r="6"><x:c r="A6" t="inlineStr"><x:is><x:t>Baris_x000A_dua &amp; lagi</x:t></x:is></x:c><x:c r="B6" t="d"><x:v>2024-03-01</x:v></x:c><x:c r="D6" t="str"><x:f>A1</x:f><x:v>007</x:v></x:c></x:row></x:sheetData><x:mergeCells count="0"/></x:worksheet>`,
    );
    zip.file('book/sheets/second.xml', `<x:worksheet xmlns:x="${x}"><x:sheetData/></x:worksheet>`);
    const file = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    expect(await readSheetHead(file, { rows: 5 })).toEqual([
      ['Judul', 'Tanggal', '', 'Barkod'],
      ['Sejarah Nusantara', '1904-01-01', '', '000042'],
      ['Baris\ndua & lagi', '2024-03-01', '', '007'],
    ]);
    expect(await readSheetHead(file, { sheet: 'lain', rows: 5 })).toEqual([]);
    await expect(readSheetHead(file, { sheet: 'Buku' })).rejects.toThrow(/no sheet "Buku" \(sheets: Daftar, Lain\)/);
  });

  it('leaves no temporary file behind, read whole or stopped after the first rows', async () => {
    // exceljs's streaming writer stores each sheet before the shared strings, as Excel does.
    const sink = new PassThrough();
    const parts: Buffer[] = [];
    sink.on('data', (b: Buffer) => parts.push(b));
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useSharedStrings: true });
    for (const name of ['Buku', 'Skripsi']) {
      const ws = writer.addWorksheet(name);
      ws.addRow(['Judul', 'Tahun']).commit();
      for (let i = 0; i < 500; i++) ws.addRow([`Judul ${name} ${i}`, 2000 + (i % 20)]).commit();
      ws.commit();
    }
    await writer.commit();
    const file = Buffer.concat(parts);
    // A workbook that comes as a stream is written to a temporary file first, and removed when the reader is done.
    expect(file.indexOf('xl/worksheets/sheet1.xml')).toBeLessThan(file.indexOf('xl/sharedStrings.xml'));
    const dir = mkdtempSync(path.join(tmpdir(), 'simpul-xlsx-'));
    const before = process.env.TMPDIR;
    process.env.TMPDIR = dir;
    try {
      const mapping: SpreadsheetMapping = { columns: { Judul: 'title', Tahun: 'year' } };
      const empty = () => expect.poll(() => readdirSync(dir), { timeout: 2000 }).toEqual([]);
      expect(await all(readBibsSheet(Readable.from([file]), mapping))).toHaveLength(500);
      await empty();
      expect(await readSheetHead(Readable.from([file]), { rows: 3, sheet: 'Skripsi' })).toHaveLength(3);
      await empty();
      for await (const r of readBibsSheet(Readable.from([file]), mapping)) if (r.line > 10) break;
      await empty();
    } finally {
      process.env.TMPDIR = before;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives cells merged downwards to every row they cover, not the banner across', async () => {
    const file = await workbook({
      Buku: (ws) => {
        ws.addRow(['DAFTAR BUKU PERPUSTAKAAN SDN 01 BUKITTINGGI']);
        ws.mergeCells('A1:C1');
        ws.addRow(['Judul', 'Eksemplar', 'Lokasi']);
        ws.addRow(['Siti Nurbaya', 'B001', 'Rak Sastra']);
        ws.addRow([null, 'B002', null]);
        ws.addRow([null, 'B003', null]);
        ws.addRow(['Laskar Pelangi', 'B004', 'Rak Novel']);
        ws.mergeCells('A3:A5');
        ws.mergeCells('C3:C4');
      },
    });
    // The banner is the title block above the table, passed over.
    expect(await readSheetHead(file, { rows: 10 })).toEqual([
      ['Judul', 'Eksemplar', 'Lokasi'],
      ['Siti Nurbaya', 'B001', 'Rak Sastra'],
      ['Siti Nurbaya', 'B002', 'Rak Sastra'],
      ['Siti Nurbaya', 'B003'],
      ['Laskar Pelangi', 'B004', 'Rak Novel'],
    ]);
  });

  it('turns cell values into the text Excel shows', () => {
    expect(cellText({ value: 9786020000000 })).toBe('9786020000000');
    expect(cellText({ value: 0.1 + 0.2 })).toBe('0.3');
    expect(cellText({ value: 7, numFmt: '00000' })).toBe('00007');
    expect(cellText({ value: true })).toBe('TRUE');
    expect(cellText({ value: new Date(Date.UTC(2020, 1, 29, 13, 5)) })).toBe('2020-02-29 13:05:00');
    expect(cellText({ value: { text: 'situs', hyperlink: 'https://example.org' } })).toBe('situs');
    expect(cellText({ value: { formula: 'A1', result: 44931 }, numFmt: 'd mmm yyyy' })).toBe('2023-01-05');
  });
});
