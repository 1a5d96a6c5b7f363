/**
 * ISO 2709 parse rate, ours beside yaz-marcdump's on the same file.
 *
 *   npx tsx bench/marc-parse.ts FILE.mrc
 *
 * To get a file big enough to measure, concatenate real records many times, e.g.
 *   for i in $(seq 200); do cat ../shared/data/marc/catmandu-marc/t/bu_bibs.mrc \
 *     ../shared/data/marc/marc4j/test/resources/pride-and-prejudice-fixed.mrc; done > /tmp/big.mrc
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { readIso2709 } from '../src/catalog/marc/iso2709.ts';

export async function benchMarcParse(
  file: string,
): Promise<{ records: number; seconds: number; cpuSeconds: number; ratePerSec: number }> {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  let records = 0;
  for await (const r of readIso2709(createReadStream(file, { highWaterMark: 1 << 20 }))) {
    if (r.ok) records++;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  return { records, seconds, cpuSeconds: (used.user + used.system) / 1e6, ratePerSec: records / seconds };
}

/** CPU seconds of this process's waited-for children (Linux /proc; NaN elsewhere). */
function childrenCpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'latin1');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields 16 and 17 of stat(5) (cutime, cstime), in clock ticks (100 a second on Linux)
    return (Number(f[13]) + Number(f[14])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** yaz-marcdump parsing and writing ISO 2709 back (to /dev/null): its fastest full decode. */
export function benchYaz(file: string, args: string[]): { seconds: number; cpuSeconds: number; ok: boolean } {
  const start = process.hrtime.bigint();
  const cpu = childrenCpuSeconds();
  const r = spawnSync('yaz-marcdump', [...args, file], { stdio: ['ignore', 'ignore', 'ignore'] });
  return {
    seconds: Number(process.hrtime.bigint() - start) / 1e9,
    cpuSeconds: childrenCpuSeconds() - cpu,
    ok: !r.error && r.status === 0,
  };
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: npx tsx bench/marc-parse.ts FILE.mrc');
    process.exit(2);
  }
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  await benchMarcParse(file); // warm-up: JIT and the MARC-8 tables
  const ours = await benchMarcParse(file);
  console.log(
    `simpul readIso2709: ${ours.records} records in ${ours.seconds.toFixed(2)} s (${ours.cpuSeconds.toFixed(2)} s CPU) = ${Math.round(ours.ratePerSec)} records/s`,
  );
  for (const args of [
    ['-o', 'marc'],
    ['-f', 'MARC-8', '-t', 'UTF-8', '-o', 'marc'],
    ['-o', 'marcxml'],
  ]) {
    const y = benchYaz(file, args);
    if (!y.ok) {
      console.log(`yaz-marcdump ${args.join(' ')}: not available or failed`);
      continue;
    }
    console.log(
      `yaz-marcdump ${args.join(' ')}: ${y.seconds.toFixed(2)} s (${y.cpuSeconds.toFixed(2)} s CPU) = ${Math.round(ours.records / y.seconds)} records/s (same record count)`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
