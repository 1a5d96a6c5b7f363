import type { ExchangeStatus } from './exchange-tables.ts';

/**
 * Exchange of publications without I/O: who may move a request where, and
 * the balance of a partner pair against the ratio their agreement sets.
 */

export type ExchangeAction = 'agree' | 'decline' | 'cancel' | 'ship' | 'receive';
export type Side = 'supplier' | 'requester';

interface Move {
  from: readonly ExchangeStatus[];
  to: ExchangeStatus;
  by: readonly Side[];
}

/** Every legal move; anything else is refused with the reason. */
export const EXCHANGE_MOVES: Record<ExchangeAction, Move> = {
  agree: { from: ['requested'], to: 'agreed', by: ['supplier'] },
  decline: { from: ['requested'], to: 'declined', by: ['supplier'] },
  cancel: { from: ['requested', 'agreed'], to: 'cancelled', by: ['supplier', 'requester'] },
  ship: { from: ['agreed'], to: 'shipped', by: ['supplier'] },
  receive: { from: ['shipped'], to: 'received', by: ['requester'] },
};

export type MoveVerdict =
  | { ok: true; to: ExchangeStatus }
  | { ok: false; why: 'wrong_state' | 'wrong_side'; from: ExchangeStatus; allowedFrom: readonly ExchangeStatus[] };

export function exchangeMove(status: ExchangeStatus, action: ExchangeAction, sides: readonly Side[]): MoveVerdict {
  const m = EXCHANGE_MOVES[action];
  if (!m.by.some((s) => sides.includes(s))) return { ok: false, why: 'wrong_side', from: status, allowedFrom: m.from };
  if (!m.from.includes(status)) return { ok: false, why: 'wrong_state', from: status, allowedFrom: m.from };
  return { ok: true, to: m.to };
}

export function exchangeActions(status: ExchangeStatus, sides: readonly Side[]): ExchangeAction[] {
  return (Object.keys(EXCHANGE_MOVES) as ExchangeAction[]).filter((a) => exchangeMove(status, a, sides).ok);
}

/** "give:take" — this party sends `give` titles for every `take` it receives. */
export interface Ratio {
  give: number;
  take: number;
}

export function parseRatio(s: string | null | undefined): Ratio | null {
  const m = /^\s*(\d{1,3})\s*[:/]\s*(\d{1,3})\s*$/.exec(s ?? '');
  if (!m) return null;
  const give = Number(m[1]);
  const take = Number(m[2]);
  return give > 0 && take > 0 ? { give, take } : null;
}

export const ratioText = (r: Ratio) => `${r.give}:${r.take}`;

/**
 * The pair's ratio from A's side: A's own terms if set, else the inverse of
 * B's, else one for one.
 */
export function pairRatio(
  aTerms: string | null,
  bTerms: string | null,
): { ratio: Ratio; source: 'a' | 'b' | 'default' } {
  const a = parseRatio(aTerms);
  if (a) return { ratio: a, source: 'a' };
  const b = parseRatio(bTerms);
  if (b) return { ratio: { give: b.take, take: b.give }, source: 'b' };
  return { ratio: { give: 1, take: 1 }, source: 'default' };
}

export interface Balance {
  /** Titles A still owes B for what B sent, at the ratio (0 when none). */
  owedByA: number;
  /** Titles B still owes A. */
  owedByB: number;
  /** A's sent titles minus what the ratio asks for what it received (positive: A is ahead). */
  balance: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export function exchangeBalance(sentByA: number, sentByB: number, r: Ratio): Balance {
  const dueFromA = (sentByB * r.give) / r.take;
  const dueFromB = (sentByA * r.take) / r.give;
  return {
    owedByA: round2(Math.max(0, dueFromA - sentByA)),
    owedByB: round2(Math.max(0, dueFromB - sentByB)),
    balance: round2(sentByA - dueFromA),
  };
}
