import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Excel 97-2003 workbooks (.xls, BIFF8) for tests, written by Spreadsheet::WriteExcel
 * (Debian's libspreadsheet-writeexcel-perl, which .ci/run installs): a writer of its
 * own, not Simpul's reading turned around. Cells are strings (Unicode kept), numbers,
 * dates (written with a date format), formulas with the result a spreadsheet program
 * would have cached, and downward merges.
 */
export type XlsCell =
  | string
  | number
  | null
  | { date: string }
  | { formula: string; value: string | number }
  /** A range merged from this cell down `rows` rows (and across `cols` columns). */
  | { merged: string; rows: number; cols?: number };

export interface XlsSheet {
  name: string;
  rows: XlsCell[][];
  hidden?: boolean;
}

const WRITER = `
use strict; use warnings;
use JSON::PP; use Spreadsheet::WriteExcel;
local $/; my $spec = JSON::PP->new->utf8->decode(<STDIN>);
my $wb = Spreadsheet::WriteExcel->new($ARGV[0]) or die "cannot write $ARGV[0]";
$wb->set_1904() if $spec->{date1904};
my $date = $wb->add_format(num_format => 'dd/mm/yyyy');
my $plain = $wb->add_format();
for my $sh (@{$spec->{sheets}}) {
  my $ws = $wb->add_worksheet($sh->{name});
  $ws->hide() if $sh->{hidden};
  my $r = 0;
  for my $row (@{$sh->{rows}}) {
    my $c = 0;
    for my $cell (@$row) {
      if (!defined $cell) { }
      elsif (ref $cell eq 'HASH' && exists $cell->{date}) { $ws->write_date_time($r, $c, $cell->{date} . 'T', $date); }
      elsif (ref $cell eq 'HASH' && exists $cell->{formula}) { $ws->write_formula($r, $c, $cell->{formula}, undef, $cell->{value}); }
      elsif (ref $cell eq 'HASH' && exists $cell->{merged}) {
        $ws->merge_range($r, $c, $r + $cell->{rows} - 1, $c + ($cell->{cols} // 1) - 1, $cell->{merged}, $plain);
      }
      elsif (ref $cell eq 'HASH' && exists $cell->{number}) { $ws->write_number($r, $c, $cell->{number}); }
      else { $ws->write_string($r, $c, $cell); }
      $c++;
    }
    $r++;
  }
}
$wb->close() or die "cannot close";
`;

/** Whether the writer is on this machine (.ci/run installs it). */
export function xlsWriterPresent(): boolean {
  try {
    execFileSync('perl', ['-MSpreadsheet::WriteExcel', '-e', '1'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** An .xls workbook of the sheets given. */
export function xlsWorkbook(sheets: XlsSheet[], opts: { date1904?: boolean } = {}): Buffer {
  const dir = mkdtempSync(path.join(tmpdir(), 'simpul-xls-'));
  try {
    const file = path.join(dir, 'book.xls');
    // Numbers go as {number}: the writer tells them from text that looks like a number (a NIM, a barcode).
    const spec = {
      date1904: Boolean(opts.date1904),
      sheets: sheets.map((s) => ({
        ...s,
        rows: s.rows.map((row) => row.map((c) => (typeof c === 'number' ? { number: c } : c))),
      })),
    };
    execFileSync('perl', ['-e', WRITER, file], { input: JSON.stringify(spec), stdio: ['pipe', 'ignore', 'pipe'] });
    return readFileSync(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
