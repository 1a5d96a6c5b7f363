/**
 * Memory of the streaming import path (parseFile → readIso2709 → marcToBib)
 * does not grow with the file: what is still reachable after a full garbage
 * collection is the same after 40,000 records as after 8,000. A synthetic
 * file of real records (varied control numbers) is generated chunk by chunk,
 * so the test holds no file in memory either.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { parseFile } from '../parse.ts';
import type { MarcRecord } from '../types.ts';
import { isControlField } from '../types.ts';
import { readIso2709Buffer } from './iso2709.ts';
import { toIso2709 } from './serialize.ts';

const DATA = join(import.meta.dirname, '../../../../shared/data');

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function samples(): Promise<MarcRecord[]> {
  const out: MarcRecord[] = [];
  for (const f of ['marc/catmandu-marc/t/bu_bibs.mrc', 'marc/traject/test/test_support/test_data.utf8.mrc'])
    for await (const r of readIso2709Buffer(readFileSync(join(DATA, f)))) if (r.ok) out.push(r.record);
  return out;
}

/** `n` records in chunks of about 1 MB, each record with its own 001. */
async function* file(base: MarcRecord[], n: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  for (let i = 0; i < n; i++) {
    const b = base[i % base.length] as MarcRecord;
    const rec = toIso2709({
      leader: b.leader,
      fields: b.fields.map((f) => (isControlField(f) && f.tag === '001' ? { tag: '001', value: `mem-${i}` } : f)),
    });
    parts.push(rec);
    size += rec.length;
    if (size >= 1 << 20) {
      yield Buffer.concat(parts);
      parts = [];
      size = 0;
    }
  }
  if (parts.length) yield Buffer.concat(parts);
}

describe('streaming import memory', () => {
  it('stays flat whatever the file size (reachable heap after 8k and after 40k records)', async () => {
    const base = await samples();
    expect(base.length).toBeGreaterThan(100);
    const N = 40_000;
    let read = 0;
    let bytes = 0;
    let at8k = 0;
    let titles = 0;
    for await (const p of parseFile(file(base, N), 'iso2709')) {
      read++;
      if (p.ok) {
        bytes += p.raw.length;
        if ('bib' in p && p.bib.title) titles++;
      }
      if (read === 8_000) at8k = heapAfterGc();
    }
    const atEnd = heapAfterGc();
    expect(read).toBe(N);
    expect(titles).toBeGreaterThan(N * 0.9);
    // 40k records are some 60 MB of ISO 2709 (and several times that as objects); none of it stays.
    expect(bytes).toBeGreaterThan(40 * 1e6);
    expect(atEnd - at8k).toBeLessThan(4 * 1024 * 1024);
  }, 120_000);
});
