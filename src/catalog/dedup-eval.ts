import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { type ClusterInput, type ClusterResult, clusterRecords } from './cluster.ts';
import { CATALOG_PROFILE, type MatchProfile } from './match.ts';
import { splitAuthorList } from './normalize.ts';
import type { Bib } from './types.ts';

/**
 * Evaluation of the matcher on public deduplication ground truth
 * (../shared/data/dedup, see SOURCES.md). Used by bench/dedup.ts and by
 * match.eval.test.ts, which guards the DBLP-ACM figure.
 *
 * DBLP-ACM: the Leipzig original (DBLP2.csv, ACM.csv, perfect mapping), not
 * the pyJedAI copy: it is the published benchmark as distributed, with the
 * real record ids. DBLP2.csv is Latin-1 and is decoded as such ("Çetintemel");
 * ACM.csv is ASCII.
 */

export const DATA_DIR = resolve(import.meta.dirname, '../../../shared/data/dedup');

export interface Dataset {
  name: string;
  records: ClusterInput[];
  /** True duplicate pairs, each "idA\tidB" with idA < idB. */
  truth: Set<string>;
  profile: MatchProfile;
}

export interface EvalResult {
  name: string;
  profile: string;
  records: number;
  truePairs: number;
  predictedPairs: number;
  truePositives: number;
  precision: number;
  recall: number;
  f1: number;
  candidatePairs: number;
  compared: number;
  uncertain: number;
  ms: number;
  result: ClusterResult;
}

const pairKey = (a: string, b: string) => (a < b ? `${a}\t${b}` : `${b}\t${a}`);

/*
 * ACM.csv carries HTML entities ("Kr&#246;ger", "&mdash;"); decoded before
 * the author list is split on ';'.
 */
function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&mdash;/g, '\u2014')
    .replace(/&amp;;?/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

function article(rawTitle: string, rawAuthors: string, venue: string, year: string, publisher?: string): Bib {
  const y = Number.parseInt(year, 10);
  const title = decodeEntities(rawTitle);
  const bib: Bib = {
    title,
    authors: splitAuthorList(decodeEntities(rawAuthors)),
    isbns: [],
    issns: [],
    format: 'article',
    subjects: [],
    items: [],
  };
  if (venue.trim() !== '') bib.series = venue.trim();
  if (Number.isFinite(y) && y > 0) bib.year = y;
  if (publisher !== undefined && publisher.trim() !== '') bib.publisher = publisher.trim();
  return bib;
}

function readCsv(path: string, encoding: BufferEncoding, delimiter = ','): string[][] {
  const text = readFileSync(path).toString(encoding);
  return parse(text, {
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    bom: true,
  }) as string[][];
}

export function loadDblpAcm(dir = DATA_DIR): Dataset {
  const base = resolve(dir, 'dedup-dblp-acm-leipzig/Data');
  const records: ClusterInput[] = [];
  for (const [file, source, encoding] of [
    ['DBLP2.csv', 'dblp', 'latin1'],
    ['ACM.csv', 'acm', 'utf8'],
  ] as const) {
    const rows = readCsv(resolve(base, file), encoding);
    for (const row of rows.slice(1)) {
      const [id, title, authors, venue, year] = row;
      if (id === undefined || title === undefined) continue;
      records.push({
        id: `${source}:${id}`,
        source,
        bib: article(title, authors ?? '', venue ?? '', year ?? ''),
      });
    }
  }
  const truth = new Set<string>();
  for (const row of readCsv(resolve(base, 'DBLP-ACM_perfectMapping.csv'), 'utf8').slice(1)) {
    const [d, a] = row;
    if (d !== undefined && a !== undefined) truth.add(pairKey(`dblp:${d}`, `acm:${a}`));
  }
  return { name: 'DBLP-ACM', records, truth, profile: CATALOG_PROFILE };
}

/**
 * Cora (pyJedAI copy): 1,295 citations of ~112 papers, '|'-separated with a
 * trailing '|', fields as the citing authors wrote them ("pp. 322-331.",
 * "(1994).", titles in quotes with trailing commas). Single source: every
 * citation is its own source, so the same-source rule plays no part. Run
 * with the same catalog profile as library records: no citation tuning.
 */
export function loadCora(dir = DATA_DIR, profile: MatchProfile = CATALOG_PROFILE): Dataset {
  const base = resolve(dir, 'dedup-pyjedai/data/der/cora');
  const rows = readCsv(resolve(base, 'cora.csv'), 'utf8', '|');
  const header = rows[0] ?? [];
  const col = (name: string) => header.indexOf(name);
  const [cId, cAuthor, cTitle, cVenue, cYear, cPublisher] = [
    col('Entity Id'),
    col('author'),
    col('title'),
    col('venue'),
    col('year'),
    col('publisher'),
  ];
  const records: ClusterInput[] = [];
  for (const row of rows.slice(1)) {
    const get = (c: number) => (c >= 0 ? (row[c] ?? '') : '');
    const id = get(cId);
    if (id === '') continue;
    const title = get(cTitle)
      .replace(/^['"`\s]+|['"`\s.,;:]+$/g, '')
      .trim();
    const year = /\d{4}/.exec(get(cYear))?.[0] ?? '';
    records.push({
      id,
      bib: article(title, get(cAuthor), get(cVenue), year, get(cPublisher).replace(/[.,;:\s]+$/, '')),
    });
  }
  const truth = new Set<string>();
  for (const row of readCsv(resolve(base, 'cora_gt.csv'), 'utf8', '|')) {
    const [a, b] = row;
    if (a !== undefined && b !== undefined && /^\d+$/.test(a)) truth.add(pairKey(a, b));
  }
  return { name: 'Cora', records, truth, profile };
}

/** Blocking by match keys, compare, clustering; pairwise P/R/F1 over the clusters. */
export function evaluate(ds: Dataset): EvalResult {
  // fresh Bib objects so the timing includes preparing each record, as at ingest
  const records = ds.records.map((r) => ({ ...r, bib: { ...r.bib } }));
  const t0 = performance.now();
  const result = clusterRecords(records, { profile: ds.profile });
  const ms = performance.now() - t0;
  let predicted = 0;
  let tp = 0;
  for (const c of result.clusters) {
    const m = c.members;
    for (let i = 0; i < m.length; i++) {
      for (let j = i + 1; j < m.length; j++) {
        predicted++;
        if (ds.truth.has(pairKey(m[i] as string, m[j] as string))) tp++;
      }
    }
  }
  const precision = predicted === 0 ? 1 : tp / predicted;
  const recall = ds.truth.size === 0 ? 1 : tp / ds.truth.size;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    name: ds.name,
    profile: ds.profile.name,
    records: records.length,
    truePairs: ds.truth.size,
    predictedPairs: predicted,
    truePositives: tp,
    precision,
    recall,
    f1,
    candidatePairs: result.stats.candidatePairs,
    compared: result.stats.compared,
    uncertain: result.stats.uncertain,
    ms,
    result,
  };
}
