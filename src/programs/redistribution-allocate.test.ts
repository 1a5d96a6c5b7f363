import { describe, expect, it } from 'vitest';
import { allocate } from './redistribution-allocate.ts';

const claims = [
  { id: 1, copies: 1, holdsTitle: true, claimedAt: 100 },
  { id: 2, copies: 2, holdsTitle: false, claimedAt: 200 },
  { id: 3, copies: 1, holdsTitle: false, claimedAt: 300 },
];

describe('allocation of a line', () => {
  it('first come: the earliest claim wins one copy, the rest go unallocated', () => {
    expect(allocate(1, claims, 'first_come')).toEqual({ allocated: [{ id: 1, copies: 1 }], unallocated: [2, 3] });
  });
  it('no copy first: libraries without the title go ahead of earlier claims by holders', () => {
    expect(allocate(1, claims, 'no_copy_first')).toEqual({ allocated: [{ id: 2, copies: 1 }], unallocated: [3, 1] });
    expect(allocate(3, claims, 'no_copy_first')).toEqual({
      allocated: [
        { id: 2, copies: 2 },
        { id: 3, copies: 1 },
      ],
      unallocated: [1],
    });
  });
  it('gives partial copies and never more than are left', () => {
    expect(allocate(2, claims, 'first_come')).toEqual({
      allocated: [
        { id: 1, copies: 1 },
        { id: 2, copies: 1 },
      ],
      unallocated: [3],
    });
    expect(allocate(0, claims, 'first_come').allocated).toEqual([]);
    expect(allocate(10, [], 'first_come')).toEqual({ allocated: [], unallocated: [] });
  });
});
