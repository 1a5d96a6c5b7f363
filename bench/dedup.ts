/**
 * Matcher benchmark: quality on public ground truth and raw speed.
 *   npx tsx bench/dedup.ts            figures
 *   npx tsx bench/dedup.ts --errors   plus false positives / false negatives with reasons
 */
import { type Dataset, type EvalResult, evaluate, loadCora, loadDblpAcm } from '../src/catalog/dedup-eval.ts';
import { CATALOG_PROFILE, compare, matchKeys } from '../src/catalog/match.ts';
import type { Bib } from '../src/catalog/types.ts';

const showErrors = process.argv.includes('--errors');
const f = (x: number) => x.toFixed(4);

function report(r: EvalResult): void {
  console.log(
    `${r.name.padEnd(8)} profile=${r.profile.padEnd(8)} records=${r.records} true pairs=${r.truePairs} ` +
      `predicted=${r.predictedPairs} TP=${r.truePositives}\n` +
      `         P=${f(r.precision)} R=${f(r.recall)} F1=${f(r.f1)}  candidate pairs=${r.candidatePairs} ` +
      `compared=${r.compared} uncertain=${r.uncertain}  time=${r.ms.toFixed(0)} ms`,
  );
}

function errors(ds: Dataset, r: EvalResult): void {
  const byId = new Map(ds.records.map((x) => [x.id, x]));
  const clusterOf = new Map<string, string>();
  for (const c of r.result.clusters) for (const m of c.members) clusterOf.set(m, c.id);
  const show = (id: string) => {
    const b = byId.get(id)?.bib;
    return b ? `  ${id}: ${b.title} | ${b.authors.join('; ')} | ${b.series ?? ''} | ${b.year ?? ''}` : id;
  };
  let fn = 0;
  for (const p of ds.truth) {
    const [a, b] = p.split('\t') as [string, string];
    if (clusterOf.get(a) === clusterOf.get(b)) continue;
    if (++fn > 25) continue;
    const ra = byId.get(a);
    const rb = byId.get(b);
    if (!ra || !rb) continue;
    const v = compare(ra.bib, rb.bib, { profile: ds.profile });
    console.log(`FN ${v.decision} ${v.score}: ${v.reasons.join('; ')}\n${show(a)}\n${show(b)}`);
  }
  let fp = 0;
  for (const c of r.result.clusters) {
    for (const l of c.links) {
      if (ds.truth.has(l.a < l.b ? `${l.a}\t${l.b}` : `${l.b}\t${l.a}`)) continue;
      if (++fp > 25) continue;
      console.log(`FP ${l.score}: ${l.reasons.join('; ')}\n${show(l.a)}\n${show(l.b)}`);
    }
  }
  console.log(`(${fn} false-negative pairs, ${fp} false-positive links)`);
}

function throughput(records: Bib[]): void {
  // cold: fresh objects each round, so normalisation is paid every time, as for records arriving at ingest
  const rounds = Math.max(1, Math.ceil(100_000 / records.length));
  let keys = 0;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) for (const b of records) keys += matchKeys({ ...b }).length;
  const keyMs = performance.now() - t0;
  const n = rounds * records.length;
  console.log(
    `matchKeys (cold): ${n} records in ${keyMs.toFixed(0)} ms = ${Math.round(n / (keyMs / 1000))} records/s (${keys} keys)`,
  );

  // compare on candidate-like pairs: each record against its neighbours in title order
  const sorted = [...records].sort((a, b) => a.title.localeCompare(b.title));
  const pairs: Array<[Bib, Bib]> = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    for (let d = 1; d <= 3 && i + d < sorted.length; d++) pairs.push([sorted[i] as Bib, sorted[i + d] as Bib]);
  }
  let matches = 0;
  for (const [a, b] of pairs) if (compare(a, b, { profile: CATALOG_PROFILE }).decision === 'match') matches++;
  const rounds2 = Math.max(1, Math.ceil(300_000 / pairs.length));
  const t1 = performance.now();
  for (let r = 0; r < rounds2; r++) for (const [a, b] of pairs) compare(a, b);
  const cmpMs = performance.now() - t1;
  const m = rounds2 * pairs.length;
  console.log(
    `compare (prepared): ${m} pairs in ${cmpMs.toFixed(0)} ms = ${Math.round(m / (cmpMs / 1000))} pairs/s (${matches} matches per round)`,
  );
  const t2 = performance.now();
  for (const [a, b] of pairs) compare({ ...a }, { ...b });
  const coldMs = performance.now() - t2;
  console.log(
    `compare (cold, both records normalised): ${pairs.length} pairs in ${coldMs.toFixed(0)} ms = ${Math.round(pairs.length / (coldMs / 1000))} pairs/s`,
  );
  // ingest pays matchKeys once per record plus one compare per candidate
  const perRecordUs = (keyMs / n) * 1000;
  const perCompareUs = (coldMs / pairs.length) * 1000;
  console.log(
    `ingest estimate (keys + 3 cold candidates per record): ${Math.round(1e6 / (perRecordUs + 3 * perCompareUs))} records/s of matcher CPU`,
  );
}

const dblp = loadDblpAcm();
const cora = loadCora();
for (const ds of [dblp, cora]) {
  const r = evaluate(ds);
  report(r);
  if (showErrors) errors(ds, r);
}
throughput(dblp.records.map((r) => r.bib));
