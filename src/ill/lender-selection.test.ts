import { describe, expect, it } from 'vitest';
import { type LenderCandidate, selectLenders } from './lender-selection.ts';

const cand = (libraryId: string, over: Partial<LenderCandidate> = {}): LenderCandidate => ({
  libraryId,
  regionCode: '31.71',
  loanableAvailableCopies: 1,
  load: { activeRequestsInHand: 0 },
  ...over,
});

const borrower = { libraryId: 'B', regionCode: '13.75' };

describe('lender selection', () => {
  it('ranks a preferred partner in another province above a same-city library without an agreement', () => {
    const s = selectLenders({
      borrower,
      candidates: [
        cand('NEAR', { regionCode: '13.75' }),
        cand('PARTNER', { regionCode: '32.73', agreement: { preferred: true } }),
      ],
    });
    expect(s.rota.map((r) => r.libraryId)).toEqual(['PARTNER', 'NEAR']);
    expect(s.rota[0]?.breakdown.agreement).toBe(30);
    expect(s.rota[0]?.reasons.map((r) => r.en)).toContain('Preferred partner under an agreement');
  });

  it('prefers the same kabupaten/kota, then the same province, then elsewhere when all else is equal', () => {
    const s = selectLenders({
      borrower,
      candidates: [
        cand('FAR', { regionCode: '31.71' }),
        cand('PROV', { regionCode: '13.71' }),
        cand('CITY', { regionCode: '13.75' }),
      ],
    });
    expect(s.rota.map((r) => r.libraryId)).toEqual(['CITY', 'PROV', 'FAR']);
    expect(s.rota.map((r) => r.breakdown.region)).toEqual([20, 10, 0]);
  });

  it('skips closed, paused and copy-less libraries and the borrower itself, each with its reason', () => {
    const s = selectLenders({
      borrower: { ...borrower, localAvailableCopies: 2 },
      candidates: [
        cand('B'),
        cand('SHUT', { closed: true }),
        cand('PAUSE', { lendingPaused: true }),
        cand('NONE', { loanableAvailableCopies: 0 }),
        cand('OK'),
      ],
    });
    expect(s.rota.map((r) => r.libraryId)).toEqual(['OK']);
    expect(Object.fromEntries(s.skipped.map((k) => [k.libraryId, k.code]))).toEqual({
      B: 'own_library',
      SHUT: 'closed',
      PAUSE: 'lending_paused',
      NONE: 'no_copies',
    });
    expect(s.skipped.find((k) => k.libraryId === 'PAUSE')?.reason.id).toMatch(/dihentikan sementara/);
    expect(s.warnings.map((w) => w.code)).toEqual(['local_copy_available']);
  });

  it('skips libraries without an agreement when the network requires one', () => {
    const s = selectLenders({
      borrower,
      requireAgreement: true,
      candidates: [cand('X'), cand('Y', { agreement: { preferred: false } })],
    });
    expect(s.rota.map((r) => r.libraryId)).toEqual(['Y']);
    expect(s.skipped).toEqual([expect.objectContaining({ libraryId: 'X', code: 'no_agreement' })]);
  });

  it('warns when no library can lend', () => {
    const s = selectLenders({ borrower, candidates: [cand('SHUT', { closed: true })] });
    expect(s.rota).toEqual([]);
    expect(s.warnings.map((w) => w.code)).toEqual(['no_lender']);
  });

  it('puts a lender at its declared capacity behind one with room, saying so', () => {
    const s = selectLenders({
      borrower,
      candidates: [
        cand('FULL', { regionCode: '13.75', load: { activeRequestsInHand: 10, capacity: 10 } }),
        cand('ROOM', { load: { activeRequestsInHand: 1, capacity: 10 } }),
      ],
    });
    expect(s.rota.map((r) => r.libraryId)).toEqual(['ROOM', 'FULL']);
    expect(s.rota[1]?.reasons.map((r) => r.en)).toContain('At capacity (10 of 10 requests)');
  });

  it('favours a higher fill rate and a faster turnaround', () => {
    const s = selectLenders({
      borrower,
      candidates: [
        cand('SLOW', { stats: { fillRate: 0.4, medianTurnaroundDays: 9 } }),
        cand('FAST', { stats: { fillRate: 0.9, medianTurnaroundDays: 2 } }),
      ],
    });
    expect(s.rota.map((r) => r.libraryId)).toEqual(['FAST', 'SLOW']);
    expect(s.rota[0]?.breakdown.fillRate).toBe(8);
    expect(s.rota[0]?.breakdown.turnaround).toBe(6);
  });

  it('ranks a lender that lends far more than it borrows below one that mostly borrows', () => {
    const s = selectLenders({
      borrower,
      candidates: [
        cand('BIG', { regionCode: '13.75', network: { currentBorrowing: 2, currentLoans: 30 } }),
        cand('SMALL', { network: { currentBorrowing: 10, currentLoans: 2 } }),
      ],
    });
    expect(s.rota.map((r) => r.libraryId)).toEqual(['SMALL', 'BIG']);
    expect(s.rota[1]?.breakdown.fairness).toBeLessThan(0);
    expect(s.rota[1]?.reasons.map((r) => r.en)).toContain('Borrowing 2, lending 30: above its share');
  });

  it('gives the same rota for the same input, breaking ties by library id', () => {
    const input = { borrower, candidates: [cand('C'), cand('A'), cand('B2')] };
    expect(selectLenders(input).rota.map((r) => r.libraryId)).toEqual(['A', 'B2', 'C']);
    expect(selectLenders(input)).toEqual(selectLenders(input));
  });

  it('spreads 1,000 requests over 6 equal lenders so none carries more than 1.5x the mean, despite one being nearer', () => {
    // Lender L0 shares the kota of most borrowers: pure proximity would send it everything.
    const lenders = ['L0', 'L1', 'L2', 'L3', 'L4', 'L5'];
    const region: Record<string, string> = {
      L0: '13.75',
      L1: '13.71',
      L2: '13.72',
      L3: '32.73',
      L4: '33.74',
      L5: '35.78',
    };
    const active = new Map<string, number[]>(lenders.map((l) => [l, []]));
    const borrowing = new Map<string, number[]>(lenders.map((l) => [l, []]));
    const total = new Map<string, number>(lenders.map((l) => [l, 0]));
    // A small fixed LCG keeps the simulation repeatable without a dependency.
    let seed = 42;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const LOAN_LENGTH = 60;
    for (let t = 0; t < 1000; t++) {
      for (const m of [...active.values(), ...borrowing.values()]) {
        while (m.length > 0 && (m[0] ?? 0) <= t) m.shift();
      }
      const borrowerId = rand() < 0.7 ? 'B-PADANG' : (lenders[Math.floor(rand() * 6)] ?? 'L1');
      const borrowerRegion = borrowerId === 'B-PADANG' ? '13.75' : (region[borrowerId] ?? '13.75');
      const candidates: LenderCandidate[] = lenders.map((l) => ({
        libraryId: l,
        regionCode: region[l] ?? '',
        loanableAvailableCopies: 3,
        load: { activeRequestsInHand: active.get(l)?.length ?? 0, capacity: 40 },
        network: { currentBorrowing: borrowing.get(l)?.length ?? 0, currentLoans: active.get(l)?.length ?? 0 },
        stats: { fillRate: 0.8, medianTurnaroundDays: 4 },
      }));
      const s = selectLenders({ borrower: { libraryId: borrowerId, regionCode: borrowerRegion }, candidates });
      const chosen = s.rota[0]?.libraryId;
      if (!chosen) throw new Error('no lender');
      active.get(chosen)?.push(t + LOAN_LENGTH);
      borrowing.get(borrowerId)?.push(t + LOAN_LENGTH);
      total.set(chosen, (total.get(chosen) ?? 0) + 1);
    }
    const shares = [...total.values()];
    const mean = 1000 / 6;
    expect(shares.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(Math.max(...shares)).toBeLessThanOrEqual(1.5 * mean);
    expect(Math.min(...shares)).toBeGreaterThan(0);
    // ...and the nearest lender still lends the most: fairness bends proximity, it does not erase it.
    expect(total.get('L0')).toBe(Math.max(...shares));
  });
});
