import { CATALOG_PROFILE, compare, conflict, type MatchProfile, type MatchVerdict, matchKeys } from './match.ts';
import type { Bib } from './types.ts';

/**
 * Batch clustering over match keys, exactly as ingest does it record by
 * record: candidates share a key, compare() judges each pair, accepted pairs
 * are linked best-first with union-find. A link that would put two records
 * of one source in a cluster, or join records staff kept apart, is skipped.
 * Staff decisions are named by record id, so they survive re-ingest as long
 * as the source keeps its record ids.
 */

export interface ClusterInput {
  id: string;
  /** Library or harvest source; records of one source never share a cluster. */
  source?: string;
  bib: Bib;
}

export interface ManualDecision {
  kind: 'must-link' | 'must-not-link';
  a: string;
  b: string;
  note?: string;
}

export interface ClusterLink {
  a: string;
  b: string;
  score: number;
  by: 'matcher' | 'staff';
  reasons: string[];
}

export interface Cluster {
  /** The smallest member id, so a cluster's id is stable under re-runs. */
  id: string;
  members: string[];
  links: ClusterLink[];
}

export interface ClusterStats {
  records: number;
  /** Distinct pairs sharing at least one key (before the same-source filter). */
  candidatePairs: number;
  compared: number;
  matched: number;
  uncertain: number;
  /** Matches not applied because they would join two records of one source or a staff split. */
  skipped: number;
  /** Keys whose blocks were too big to compare all pairs (see maxBlock). */
  oversizedKeys: string[];
}

export interface ClusterResult {
  clusters: Cluster[];
  /** Pairs the matcher left for staff ('uncertain'), with reasons. */
  review: ClusterLink[];
  /** Accepted matches that clustering could not apply, with why. */
  skippedLinks: ClusterLink[];
  stats: ClusterStats;
}

export interface ClusterOptions {
  decisions?: ManualDecision[];
  profile?: MatchProfile;
  /**
   * A key shared by more records than this is not used for pairing (all pairs
   * of a 5,000-record block are 12.5M comparisons); the other keys of those
   * records still are. The store applies the same cap to its candidate query.
   */
  maxBlock?: number;
  /** Precomputed keys, when the caller has them already. */
  keysOf?: (r: ClusterInput) => string[];
}

class UnionFind {
  readonly parent: Int32Array;
  readonly members: number[][];
  readonly sources: Array<Set<string>>;

  constructor(n: number, sourceOf: (i: number) => string | undefined) {
    this.parent = new Int32Array(n);
    this.members = [];
    this.sources = [];
    for (let i = 0; i < n; i++) {
      this.parent[i] = i;
      this.members.push([i]);
      const s = sourceOf(i);
      this.sources.push(s === undefined ? new Set() : new Set([s]));
    }
  }

  find(x: number): number {
    let r = x;
    while (this.parent[r] !== r) r = this.parent[r] as number;
    let c = x;
    while (this.parent[c] !== r) {
      const next = this.parent[c] as number;
      this.parent[c] = r;
      c = next;
    }
    return r;
  }

  /** The source two components both hold, if any. */
  sharedSource(ra: number, rb: number): string | undefined {
    const [small, big] =
      (this.sources[ra] as Set<string>).size <= (this.sources[rb] as Set<string>).size ? [ra, rb] : [rb, ra];
    for (const s of this.sources[small] as Set<string>) if ((this.sources[big] as Set<string>).has(s)) return s;
    return undefined;
  }

  union(ra: number, rb: number): void {
    const [small, big] =
      (this.members[ra] as number[]).length <= (this.members[rb] as number[]).length ? [ra, rb] : [rb, ra];
    this.parent[small] = big;
    const mb = this.members[big] as number[];
    for (const m of this.members[small] as number[]) mb.push(m);
    this.members[small] = [];
    const sb = this.sources[big] as Set<string>;
    for (const s of this.sources[small] as Set<string>) sb.add(s);
    this.sources[small] = new Set();
  }
}

export function clusterRecords(records: readonly ClusterInput[], opts: ClusterOptions = {}): ClusterResult {
  const n = records.length;
  const profile = opts.profile ?? CATALOG_PROFILE;
  const maxBlock = opts.maxBlock ?? 500;
  const keysOf = opts.keysOf ?? ((r: ClusterInput) => matchKeys(r.bib));
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) index.set((records[i] as ClusterInput).id, i);

  const blocks = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    for (const k of keysOf(records[i] as ClusterInput)) {
      const list = blocks.get(k);
      if (list === undefined) blocks.set(k, [i]);
      else if (list[list.length - 1] !== i) list.push(i);
    }
  }

  const stats: ClusterStats = {
    records: n,
    candidatePairs: 0,
    compared: 0,
    matched: 0,
    uncertain: 0,
    skipped: 0,
    oversizedKeys: [],
  };
  const seen = new Set<number>();
  const accepted: Array<{ i: number; j: number; v: MatchVerdict }> = [];
  const review: ClusterLink[] = [];
  for (const [key, list] of blocks) {
    if (list.length < 2) continue;
    if (list.length > maxBlock) {
      stats.oversizedKeys.push(key);
      continue;
    }
    for (let x = 0; x < list.length; x++) {
      const i = list[x] as number;
      const ri = records[i] as ClusterInput;
      for (let y = x + 1; y < list.length; y++) {
        const j = list[y] as number;
        const pair = i < j ? i * n + j : j * n + i;
        if (seen.has(pair)) continue;
        seen.add(pair);
        stats.candidatePairs++;
        const rj = records[j] as ClusterInput;
        // the store never even fetches candidates of the incoming record's own library
        if (ri.source !== undefined && ri.source === rj.source) continue;
        stats.compared++;
        const opt = { profile, ...(ri.source !== undefined ? { sourceA: ri.source } : {}) };
        const v = compare(ri.bib, rj.bib, rj.source !== undefined ? { ...opt, sourceB: rj.source } : opt);
        if (v.decision === 'match') {
          stats.matched++;
          accepted.push({ i, j, v });
        } else if (v.decision === 'uncertain') {
          stats.uncertain++;
          review.push({ a: ri.id, b: rj.id, score: v.score, by: 'matcher', reasons: v.reasons });
        }
      }
    }
  }

  const uf = new UnionFind(n, (i) => (records[i] as ClusterInput).source);
  const apart = new Map<number, number[]>();
  const mustNot = new Set<number>();
  const decisions = opts.decisions ?? [];
  for (const d of decisions) {
    if (d.kind !== 'must-not-link') continue;
    const i = index.get(d.a);
    const j = index.get(d.b);
    if (i === undefined || j === undefined) continue;
    mustNot.add(i < j ? i * n + j : j * n + i);
    apart.set(i, [...(apart.get(i) ?? []), j]);
    apart.set(j, [...(apart.get(j) ?? []), i]);
  }
  // Does joining these two components bring together two records staff kept apart?
  const keptApart = (ra: number, rb: number): boolean => {
    const [small, big] =
      (uf.members[ra] as number[]).length <= (uf.members[rb] as number[]).length ? [ra, rb] : [rb, ra];
    for (const m of uf.members[small] as number[]) {
      for (const o of apart.get(m) ?? []) if (uf.find(o) === big) return true;
    }
    return false;
  };

  // Links are pairwise; a cluster must hold together as a whole.
  const memberConflict = (ra: number, rb: number): string | undefined => {
    const ma = uf.members[ra] as number[];
    const mb = uf.members[rb] as number[];
    if (ma.length === 1 && mb.length === 1) return undefined; // the pair itself was just compared
    for (const x of ma) {
      for (const y of mb) {
        const why = conflict((records[x] as ClusterInput).bib, (records[y] as ClusterInput).bib, profile);
        if (why !== undefined) {
          return `would join ${(records[x] as ClusterInput).id} and ${(records[y] as ClusterInput).id}: ${why}`;
        }
      }
    }
    return undefined;
  };

  const linksByRoot = new Map<number, ClusterLink[]>();
  const allLinks: Array<{ i: number; link: ClusterLink }> = [];
  const skippedLinks: ClusterLink[] = [];

  for (const d of decisions) {
    if (d.kind !== 'must-link') continue;
    const i = index.get(d.a);
    const j = index.get(d.b);
    if (i === undefined || j === undefined) continue;
    const reasons = [`staff decision: same manifestation${d.note ? ` (${d.note})` : ''}`];
    const link: ClusterLink = { a: d.a, b: d.b, score: 1, by: 'staff', reasons };
    const ri = uf.find(i);
    const rj = uf.find(j);
    if (ri !== rj && keptApart(ri, rj)) {
      reasons.push('conflicts with a staff split -> not applied');
      skippedLinks.push(link);
      continue;
    }
    if (ri !== rj) uf.union(ri, rj);
    allLinks.push({ i, link });
  }

  accepted.sort((p, q) => q.v.score - p.v.score || p.i - q.i || p.j - q.j);
  for (const { i, j, v } of accepted) {
    const ri = records[i] as ClusterInput;
    const rj = records[j] as ClusterInput;
    const link: ClusterLink = { a: ri.id, b: rj.id, score: v.score, by: 'matcher', reasons: v.reasons };
    const pair = i < j ? i * n + j : j * n + i;
    if (mustNot.has(pair)) {
      link.reasons = [...v.reasons, 'staff decision: different manifestations -> not linked'];
      skippedLinks.push(link);
      stats.skipped++;
      continue;
    }
    const ra = uf.find(i);
    const rb = uf.find(j);
    if (ra === rb) {
      allLinks.push({ i, link });
      continue;
    }
    const shared = uf.sharedSource(ra, rb);
    if (shared !== undefined) {
      link.reasons = [...v.reasons, `would put two records of source ${shared} in one cluster -> not linked`];
      skippedLinks.push(link);
      stats.skipped++;
      continue;
    }
    if (keptApart(ra, rb)) {
      link.reasons = [...v.reasons, 'would join records staff split apart -> not linked'];
      skippedLinks.push(link);
      stats.skipped++;
      continue;
    }
    const clash = memberConflict(ra, rb);
    if (clash !== undefined) {
      link.reasons = [...v.reasons, `${clash} -> not linked`];
      skippedLinks.push(link);
      stats.skipped++;
      continue;
    }
    uf.union(ra, rb);
    allLinks.push({ i, link });
  }

  for (const { i, link } of allLinks) {
    const r = uf.find(i);
    const list = linksByRoot.get(r);
    if (list === undefined) linksByRoot.set(r, [link]);
    else list.push(link);
  }
  const clusters: Cluster[] = [];
  for (let i = 0; i < n; i++) {
    if (uf.find(i) !== i) continue;
    const members = (uf.members[i] as number[]).map((m) => (records[m] as ClusterInput).id).sort();
    clusters.push({ id: members[0] as string, members, links: linksByRoot.get(i) ?? [] });
  }
  return { clusters, review, skippedLinks, stats };
}
