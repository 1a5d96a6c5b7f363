/**
 * Ranks the libraries that could lend an item to a borrowing library. Pure and
 * explainable: every candidate comes back with the points each factor gave it
 * and a sentence per factor, in Indonesian and English, so staff can see why
 * the rota is in this order; libraries that cannot lend are listed with why.
 *
 * Fairness follows ReShare's load idea: a lender's standing is
 * `current borrowing x agreed lend:borrow ratio - current loans`, so a library
 * that lends more than its share sinks and one that mostly borrows rises.
 */
import type { Bilingual } from '../platform/messages.ts';

export interface LenderCandidate {
  libraryId: string;
  /** Kemendagri region code of the library's kabupaten/kota, e.g. '13.75'; the province is the part before the dot. */
  regionCode: string;
  /** Copies that are loanable and on the shelf now. */
  loanableAvailableCopies: number;
  lendingPaused?: boolean;
  closed?: boolean;
  /** Agreement between the borrowing library and this lender, if one is in force. */
  agreement?: { preferred: boolean };
  /** Requests this lender is filling now, and how many it says it can handle at once. */
  load: { activeRequestsInHand: number; capacity?: number };
  /** Items this lender currently borrows through the network and currently lends out. */
  network?: { currentBorrowing: number; currentLoans: number; lendBorrowRatio?: number };
  /** Over a recent window; absent for new lenders, who then get neither bonus nor penalty. */
  stats?: { fillRate?: number; medianTurnaroundDays?: number };
}

export interface SelectionInput {
  borrower: { libraryId: string; regionCode: string; localAvailableCopies?: number };
  candidates: readonly LenderCandidate[];
  /** Only lend between libraries with an agreement (a network setting). */
  requireAgreement?: boolean;
  weights?: Partial<Weights>;
}

export interface Weights {
  preferredPartner: number;
  agreement: number;
  sameCity: number;
  sameProvince: number;
  perCopy: number;
  fillRate: number;
  turnaround: number;
  capacity: number;
  atCapacity: number;
  fairness: number;
  /** How many loans of imbalance make half the fairness weight. */
  fairnessScale: number;
}

export const DEFAULT_WEIGHTS: Weights = {
  preferredPartner: 30,
  agreement: 10,
  sameCity: 20,
  sameProvince: 10,
  perCopy: 2,
  fillRate: 20,
  turnaround: 2,
  capacity: 20,
  atCapacity: 100,
  fairness: 40,
  fairnessScale: 2,
};

export type ScoreFactor = 'agreement' | 'region' | 'copies' | 'fillRate' | 'turnaround' | 'capacity' | 'fairness';

export interface RankedLender {
  libraryId: string;
  rank: number;
  score: number;
  breakdown: Record<ScoreFactor, number>;
  reasons: Bilingual[];
}

export type SkipCode = 'own_library' | 'closed' | 'lending_paused' | 'no_copies' | 'no_agreement';

export interface SkippedLender {
  libraryId: string;
  code: SkipCode;
  reason: Bilingual;
}

export interface Selection {
  rota: RankedLender[];
  skipped: SkippedLender[];
  warnings: { code: 'local_copy_available' | 'no_lender'; message: Bilingual }[];
}

const SKIP_TEXT: Record<SkipCode, Bilingual> = {
  own_library: { id: 'Perpustakaan peminjam sendiri', en: 'The borrowing library itself' },
  closed: { id: 'Perpustakaan sedang tutup', en: 'The library is closed' },
  lending_paused: {
    id: 'Layanan peminjaman antarperpustakaan dihentikan sementara',
    en: 'Interlibrary lending is paused',
  },
  no_copies: { id: 'Tidak ada eksemplar yang dapat dipinjam dan tersedia', en: 'No loanable copy is available' },
  no_agreement: {
    id: 'Tidak ada perjanjian kerja sama dengan perpustakaan ini',
    en: 'No agreement with this library',
  },
};

function province(regionCode: string): string {
  return regionCode.split('.')[0] ?? regionCode;
}

const round = (n: number): number => Math.round(n * 100) / 100;

function skipReason(c: LenderCandidate, input: SelectionInput): SkipCode | undefined {
  if (c.libraryId === input.borrower.libraryId) return 'own_library';
  if (c.closed) return 'closed';
  if (c.lendingPaused) return 'lending_paused';
  if (c.loanableAvailableCopies <= 0) return 'no_copies';
  if (input.requireAgreement && !c.agreement) return 'no_agreement';
  return undefined;
}

function networkLoad(c: LenderCandidate): number | undefined {
  if (!c.network) return undefined;
  return c.network.currentBorrowing * (c.network.lendBorrowRatio ?? 1) - c.network.currentLoans;
}

function score(c: LenderCandidate, input: SelectionInput, w: Weights, meanLoad: number): Omit<RankedLender, 'rank'> {
  const reasons: Bilingual[] = [];
  const b: Record<ScoreFactor, number> = {
    agreement: 0,
    region: 0,
    copies: 0,
    fillRate: 0,
    turnaround: 0,
    capacity: 0,
    fairness: 0,
  };

  if (c.agreement?.preferred) {
    b.agreement = w.preferredPartner;
    reasons.push({ id: 'Mitra utama menurut perjanjian kerja sama', en: 'Preferred partner under an agreement' });
  } else if (c.agreement) {
    b.agreement = w.agreement;
    reasons.push({ id: 'Ada perjanjian kerja sama', en: 'An agreement is in force' });
  }

  if (c.regionCode === input.borrower.regionCode) {
    b.region = w.sameCity;
    reasons.push({ id: 'Berada di kabupaten/kota yang sama', en: 'In the same kabupaten/kota' });
  } else if (province(c.regionCode) === province(input.borrower.regionCode)) {
    b.region = w.sameProvince;
    reasons.push({ id: 'Berada di provinsi yang sama', en: 'In the same province' });
  } else {
    reasons.push({ id: 'Berada di provinsi lain', en: 'In another province' });
  }

  // Beyond three copies one more copy hardly changes the odds that one is really on the shelf.
  const copies = Math.min(c.loanableAvailableCopies, 3);
  b.copies = copies * w.perCopy;
  reasons.push({
    id: `${c.loanableAvailableCopies} eksemplar tersedia`,
    en: `${c.loanableAvailableCopies} cop${c.loanableAvailableCopies === 1 ? 'y' : 'ies'} available`,
  });

  const fill = c.stats?.fillRate;
  if (fill !== undefined) {
    b.fillRate = (Math.min(Math.max(fill, 0), 1) - 0.5) * w.fillRate;
    const pct = Math.round(fill * 100);
    reasons.push({ id: `Tingkat pemenuhan ${pct}%`, en: `Fill rate ${pct}%` });
  }
  const days = c.stats?.medianTurnaroundDays;
  if (days !== undefined) {
    // Five days is the consortial norm for a book loan; each day faster or slower counts.
    b.turnaround = Math.min(Math.max((5 - days) * w.turnaround, -5 * w.turnaround), 5 * w.turnaround);
    reasons.push({ id: `Median waktu layanan ${days} hari`, en: `Median turnaround ${days} days` });
  }

  const cap = c.load.capacity;
  if (cap !== undefined && cap > 0) {
    const used = c.load.activeRequestsInHand / cap;
    b.capacity = -Math.min(used, 1) * w.capacity - (used >= 1 ? w.atCapacity : 0);
    reasons.push(
      used >= 1
        ? {
            id: `Kapasitas penuh (${c.load.activeRequestsInHand} dari ${cap} permintaan)`,
            en: `At capacity (${c.load.activeRequestsInHand} of ${cap} requests)`,
          }
        : {
            id: `Sedang menangani ${c.load.activeRequestsInHand} dari ${cap} permintaan`,
            en: `Handling ${c.load.activeRequestsInHand} of ${cap} requests`,
          },
    );
  }

  const load = networkLoad(c);
  if (c.network && load !== undefined) {
    // Measured against the other candidates' mean: when every lender lends more than it
    // borrows (a network with many borrow-only schools), the absolute figure would push
    // them all to the floor alike and stop telling them apart. tanh keeps one extreme
    // lender from swamping every other factor while still ordering by balance.
    b.fairness = w.fairness * Math.tanh((load - meanLoad) / (2 * w.fairnessScale));
    reasons.push(
      load >= meanLoad
        ? {
            id: `Meminjam ${c.network.currentBorrowing}, meminjamkan ${c.network.currentLoans}: belum melebihi bagiannya`,
            en: `Borrowing ${c.network.currentBorrowing}, lending ${c.network.currentLoans}: within its share`,
          }
        : {
            id: `Meminjam ${c.network.currentBorrowing}, meminjamkan ${c.network.currentLoans}: sudah melebihi bagiannya`,
            en: `Borrowing ${c.network.currentBorrowing}, lending ${c.network.currentLoans}: above its share`,
          },
    );
  }

  for (const k of Object.keys(b) as ScoreFactor[]) b[k] = round(b[k]);
  const total = round(Object.values(b).reduce((s, v) => s + v, 0));
  return { libraryId: c.libraryId, score: total, breakdown: b, reasons };
}

export function selectLenders(input: SelectionInput): Selection {
  const w: Weights = { ...DEFAULT_WEIGHTS, ...input.weights };
  const skipped: SkippedLender[] = [];
  const eligible: LenderCandidate[] = [];
  for (const c of input.candidates) {
    const code = skipReason(c, input);
    if (code) skipped.push({ libraryId: c.libraryId, code, reason: SKIP_TEXT[code] });
    else eligible.push(c);
  }
  const loads = eligible.map(networkLoad).filter((l): l is number => l !== undefined);
  const meanLoad = loads.length > 0 ? loads.reduce((a, b) => a + b, 0) / loads.length : 0;
  const scored = eligible.map((c) => score(c, input, w, meanLoad));
  // Ties break on library id so the same inputs always give the same rota.
  scored.sort((a, b) => b.score - a.score || (a.libraryId < b.libraryId ? -1 : a.libraryId > b.libraryId ? 1 : 0));
  const rota = scored.map((s, i) => ({ ...s, rank: i + 1 }));
  const warnings: Selection['warnings'] = [];
  const local = input.borrower.localAvailableCopies ?? 0;
  if (local > 0) {
    warnings.push({
      code: 'local_copy_available',
      message: {
        id: `Perpustakaan Anda sendiri memiliki ${local} eksemplar yang tersedia; pinjamkan dari koleksi sendiri`,
        en: `Your own library has ${local} available cop${local === 1 ? 'y' : 'ies'}; lend from your own collection`,
      },
    });
  }
  if (rota.length === 0) {
    warnings.push({
      code: 'no_lender',
      message: { id: 'Tidak ada perpustakaan yang dapat meminjamkan', en: 'No library can lend this item' },
    });
  }
  return { rota, skipped, warnings };
}
