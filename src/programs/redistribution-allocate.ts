import type { AllocationRule } from './exchange-tables.ts';

/** Sharing a line's copies among its claims, without I/O. */

export interface ClaimForAllocation {
  id: number;
  copies: number;
  /** The claimant holds the title already. */
  holdsTitle: boolean;
  /** When it claimed (ms), the first-come order. */
  claimedAt: number;
}

export interface Allocation {
  allocated: Array<{ id: number; copies: number }>;
  unallocated: number[];
}

/**
 * first_come: in the order claimed. no_copy_first: libraries that hold no
 * copy of the title first, each group in the order claimed. A claim gets what
 * it asked for or what is left, whichever is less.
 */
export function allocate(copiesLeft: number, claims: ClaimForAllocation[], rule: AllocationRule): Allocation {
  const order = [...claims].sort(
    (a, b) =>
      (rule === 'no_copy_first' ? Number(a.holdsTitle) - Number(b.holdsTitle) : 0) ||
      a.claimedAt - b.claimedAt ||
      a.id - b.id,
  );
  let left = Math.max(0, copiesLeft);
  const out: Allocation = { allocated: [], unallocated: [] };
  for (const c of order) {
    if (left <= 0) {
      out.unallocated.push(c.id);
      continue;
    }
    const n = Math.min(c.copies, left);
    left -= n;
    out.allocated.push({ id: c.id, copies: n });
  }
  return out;
}
