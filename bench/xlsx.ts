/**
 * Peak memory and CPU of reading a large Excel workbook, beside the same rows as CSV.
 *
 *   npx tsx bench/xlsx.ts [--rows 50000] [--dir /tmp]
 *
 * Writes a "buku induk" workbook of N rows (shared strings, as Excel writes them)
 * and the same rows as CSV, then reads each in a child process of its own through
 * the import's readers (readBibsSheet / readBibsCsv), so each figure is that
 * reader's alone: rows read, wall and CPU seconds, peak RSS (getrusage maxrss) and
 * peak heap used.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { readBibsCsv, type SpreadsheetMapping } from '../src/catalog/formats/csv.ts';
import { readBibsSheet } from '../src/catalog/formats/xlsx.ts';

const MAPPING: SpreadsheetMapping = {
  columns: {
    'No. Induk': 'barcodes',
    Judul: 'title',
    Pengarang: 'authors',
    Penerbit: 'publisher',
    Kota: 'place',
    Tahun: 'year',
    ISBN: 'isbn',
    'No. Panggil': 'callNumber',
    'Tgl. Masuk': 'notes',
    Lokasi: 'location',
  },
  multiValueSeparator: ';',
};
const HEADER = Object.keys(MAPPING.columns);

function row(i: number): (string | number | Date)[] {
  return [
    100000 + i,
    `Judul buku nomor ${i} tentang ${['sejarah', 'sastra', 'kesehatan', 'pertanian', 'hukum'][i % 5]} Minangkabau`,
    `Pengarang ${i % 3000}; Penyunting ${i % 700}`,
    `Penerbit ${i % 400}`,
    ['Padang', 'Jakarta', 'Bukittinggi', 'Yogyakarta'][i % 4] ?? '',
    1950 + (i % 75),
    9786020000000 + i,
    `${(i % 1000).toString().padStart(3, '0')}.${i % 100} ABC`,
    new Date(Date.UTC(2020, i % 12, 1 + (i % 28))),
    `Rak ${i % 40}`,
  ];
}

async function write(n: number, dir: string): Promise<{ xlsx: string; csv: string }> {
  const xlsx = path.join(dir, `bench-buku-${n}.xlsx`);
  const csv = path.join(dir, `bench-buku-${n}.csv`);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: xlsx, useSharedStrings: true, useStyles: true });
  const ws = wb.addWorksheet('Buku Induk');
  ws.getColumn(9).numFmt = 'dd/mm/yyyy';
  ws.addRow(HEADER).commit();
  const out = createWriteStream(csv);
  out.write(`${HEADER.join(',')}\n`);
  for (let i = 0; i < n; i++) {
    const r = row(i);
    const added = ws.addRow(r);
    added.getCell(9).numFmt = 'dd/mm/yyyy';
    added.commit();
    const d = r[8] as Date;
    const cells = r.map((v) => (v instanceof Date ? d.toISOString().slice(0, 10) : String(v)));
    if (!out.write(`${cells.map((c) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',')}\n`))
      await new Promise<void>((r) => out.once('drain', () => r()));
  }
  ws.commit();
  await wb.commit();
  await new Promise<void>((r) => out.end(() => r()));
  return { xlsx, csv };
}

async function child(kind: 'xlsx' | 'csv', file: string): Promise<void> {
  let peakHeap = 0;
  const timer = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 20);
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  let ok = 0;
  let rejected = 0;
  const input = createReadStream(file, { highWaterMark: 256 * 1024 });
  const rows = kind === 'xlsx' ? readBibsSheet(input, MAPPING) : readBibsCsv(input, MAPPING);
  for await (const r of rows) {
    if (r.ok) ok++;
    else rejected++;
    if ((ok + rejected) % 5000 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }
  clearInterval(timer);
  const used = process.cpuUsage(cpu);
  console.log(
    JSON.stringify({
      kind,
      ok,
      rejected,
      seconds: Number(process.hrtime.bigint() - start) / 1e9,
      cpuSeconds: (used.user + used.system) / 1e6,
      peakRssMB: process.resourceUsage().maxRSS / 1024,
      peakHeapMB: peakHeap / 2 ** 20,
    }),
  );
}

async function main() {
  const args = process.argv.slice(2);
  const at = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const childKind = at('--child');
  if (childKind === 'xlsx' || childKind === 'csv') return child(childKind, at('--file') ?? '');
  const n = Number(at('--rows') ?? 50_000);
  const dir = at('--dir') ?? '/tmp';
  const t0 = Date.now();
  const files = await write(n, dir);
  console.log(
    `wrote ${n} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s: xlsx ${statSync(files.xlsx).size} B, csv ${statSync(files.csv).size} B`,
  );
  const self = fileURLToPath(import.meta.url);
  for (const kind of ['xlsx', 'csv'] as const) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', kind, '--file', files[kind]], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(r.stderr);
    console.log(r.stdout.trim());
  }
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
}

await main();
