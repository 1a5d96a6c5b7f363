import { describe, expect, it } from 'vitest';
import { exchangeActions, exchangeBalance, exchangeMove, pairRatio, parseRatio } from './exchange-state.ts';

describe('exchange moves', () => {
  it('follows requested → agreed → shipped → received, each by its side', () => {
    expect(exchangeMove('requested', 'agree', ['supplier'])).toEqual({ ok: true, to: 'agreed' });
    expect(exchangeMove('agreed', 'ship', ['supplier'])).toEqual({ ok: true, to: 'shipped' });
    expect(exchangeMove('shipped', 'receive', ['requester'])).toEqual({ ok: true, to: 'received' });
  });
  it('refuses the wrong side and the wrong state with the states that would be allowed', () => {
    expect(exchangeMove('requested', 'agree', ['requester'])).toMatchObject({ ok: false, why: 'wrong_side' });
    expect(exchangeMove('requested', 'ship', ['supplier'])).toMatchObject({
      ok: false,
      why: 'wrong_state',
      allowedFrom: ['agreed'],
    });
    expect(exchangeMove('received', 'cancel', ['supplier', 'requester'])).toMatchObject({ ok: false });
    expect(exchangeMove('shipped', 'cancel', ['requester'])).toMatchObject({ ok: false, why: 'wrong_state' });
  });
  it('lists what each side may do', () => {
    expect(exchangeActions('requested', ['supplier'])).toEqual(['agree', 'decline', 'cancel']);
    expect(exchangeActions('requested', ['requester'])).toEqual(['cancel']);
    expect(exchangeActions('shipped', ['requester'])).toEqual(['receive']);
    expect(exchangeActions('declined', ['supplier', 'requester'])).toEqual([]);
  });
});

describe('ratio and balance', () => {
  it('reads ratios and rejects nonsense', () => {
    expect(parseRatio('3:1')).toEqual({ give: 3, take: 1 });
    expect(parseRatio(' 2 / 1 ')).toEqual({ give: 2, take: 1 });
    expect(parseRatio('0:1')).toBeNull();
    expect(parseRatio('satu banding satu')).toBeNull();
    expect(parseRatio(null)).toBeNull();
  });
  it('takes A’s own ratio, else the inverse of B’s, else 1:1', () => {
    expect(pairRatio('3:1', '1:1')).toEqual({ ratio: { give: 3, take: 1 }, source: 'a' });
    expect(pairRatio(null, '3:1')).toEqual({ ratio: { give: 1, take: 3 }, source: 'b' });
    expect(pairRatio(null, null)).toEqual({ ratio: { give: 1, take: 1 }, source: 'default' });
  });
  it('one for one: equal counts balance; a gap is owed by the side behind', () => {
    expect(exchangeBalance(4, 4, { give: 1, take: 1 })).toEqual({ owedByA: 0, owedByB: 0, balance: 0 });
    expect(exchangeBalance(2, 5, { give: 1, take: 1 })).toEqual({ owedByA: 3, owedByB: 0, balance: -3 });
  });
  it('three for one: A sending 3 for B’s 1 is even; 2 for 1 leaves A one short', () => {
    expect(exchangeBalance(3, 1, { give: 3, take: 1 })).toEqual({ owedByA: 0, owedByB: 0, balance: 0 });
    expect(exchangeBalance(2, 1, { give: 3, take: 1 })).toEqual({ owedByA: 1, owedByB: 0, balance: -1 });
    expect(exchangeBalance(6, 1, { give: 3, take: 1 })).toEqual({ owedByA: 0, owedByB: 1, balance: 3 });
  });
});
