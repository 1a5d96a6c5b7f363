/**
 * ILL figures for a period, per library and per partner pair: requests made
 * and received, fill rates, turnaround (request -> shipped at the lender,
 * shipped -> received at the borrower, loan duration), the net lending
 * balance and items lost. Counted from the records themselves (created within
 * the period), so a figure for a closed period does not change later except
 * as its requests progress.
 */
import type { Actor } from '../platform/actor.ts';
import type { Db } from '../platform/db.ts';
import { invalidField } from '../platform/errors.ts';
import { t } from './texts.ts';

export interface LibraryFigures {
  library: { id: number; code: string; name: string };
  requestsMade: number;
  requestsMadeFilled: number;
  borrowerFillRate: number | null;
  requestsReceived: number;
  requestsReceivedFilled: number;
  lenderFillRate: number | null;
  medianRequestToShippedDays: number | null;
  medianShippedToReceivedDays: number | null;
  medianLoanDays: number | null;
  /** Loans and copies supplied to others minus those received from others. */
  lent: number;
  borrowed: number;
  netBalance: number;
  balance: 'net_lender' | 'net_borrower' | 'balanced';
  itemsLostBorrowing: number;
  itemsLostLending: number;
}

export interface PairFigures {
  borrower: { id: number; code: string; name: string };
  lender: { id: number; code: string; name: string };
  requests: number;
  filled: number;
  fillRate: number | null;
  medianRequestToShippedDays: number | null;
  itemsLost: number;
}

export interface Figures {
  from: string;
  to: string;
  libraries: LibraryFigures[];
  pairs: PairFigures[];
}

const DAY = 86_400_000;

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  const v = s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
  return Math.round(v * 10) / 10;
}
const days = (a: Date | null, b: Date | null): number | null => (a && b ? (b.getTime() - a.getTime()) / DAY : null);
const rate = (n: number, d: number): number | null => (d ? Math.round((n / d) * 1000) / 1000 : null);

export async function illFigures(
  db: Db,
  actor: Actor,
  q: { from: string; to: string; library?: number | undefined },
): Promise<Figures> {
  if (q.to < q.from) throw invalidField('to', t('period_order'));
  const start = new Date(`${q.from}T00:00:00Z`);
  const end = new Date(new Date(`${q.to}T00:00:00Z`).getTime() + DAY);
  const [sup, req, libs] = await Promise.all([
    db
      .selectFrom('ill_supplier_requests')
      .select(['lender_library_id', 'borrower_library_id', 'service_type', 'state', 'created_at', 'shipped_at'])
      .where('created_at', '>=', start)
      .where('created_at', '<', end)
      .execute(),
    db
      .selectFrom('ill_requests as r')
      .select([
        'r.id',
        'r.borrower_library_id',
        'r.shipped_at',
        'r.received_at',
        'r.returned_at',
        'r.state',
        (eb) =>
          eb
            .exists(
              eb
                .selectFrom('ill_supplier_requests as s')
                .select('s.id')
                .whereRef('s.request_id', '=', 'r.id')
                .where('s.shipped_at', 'is not', null),
            )
            .as('filled'),
      ])
      .where('r.created_at', '>=', start)
      .where('r.created_at', '<', end)
      .execute(),
    db.selectFrom('libraries').select(['id', 'code', 'name', 'network_id']).execute(),
  ]);
  const libById = new Map(libs.map((l) => [l.id, l]));
  // Coordinators see their network; other staff the rows their library is part of.
  const visible = (id: number | null): boolean => {
    if (id === null) return false;
    if (actor.role === 'system') return true;
    if (actor.role === 'network_coordinator') return libById.get(id)?.network_id === actor.networkId;
    return id === actor.libraryId;
  };
  const ids = new Set<number>();
  for (const s of sup) {
    ids.add(s.lender_library_id);
    if (s.borrower_library_id !== null) ids.add(s.borrower_library_id);
  }
  for (const r of req) ids.add(r.borrower_library_id);
  const libraries: LibraryFigures[] = [];
  for (const id of [...ids].sort((a, b) => a - b)) {
    if (!visible(id) || (q.library !== undefined && id !== q.library)) continue;
    const l = libById.get(id);
    if (!l) continue;
    const made = req.filter((r) => r.borrower_library_id === id);
    const received = sup.filter((s) => s.lender_library_id === id);
    const madeFilled = made.filter((r) => Boolean(r.filled)).length;
    const receivedFilled = received.filter((s) => s.shipped_at !== null).length;
    const lent = receivedFilled;
    const borrowed = sup.filter((s) => s.borrower_library_id === id && s.shipped_at !== null).length;
    const net = lent - borrowed;
    libraries.push({
      library: { id, code: l.code, name: l.name },
      requestsMade: made.length,
      requestsMadeFilled: madeFilled,
      borrowerFillRate: rate(madeFilled, made.length),
      requestsReceived: received.length,
      requestsReceivedFilled: receivedFilled,
      lenderFillRate: rate(receivedFilled, received.length),
      medianRequestToShippedDays: median(
        received.map((s) => days(s.created_at, s.shipped_at)).filter((x): x is number => x !== null),
      ),
      medianShippedToReceivedDays: median(
        made.map((r) => days(r.shipped_at, r.received_at)).filter((x): x is number => x !== null),
      ),
      medianLoanDays: median(
        made.map((r) => days(r.received_at, r.returned_at)).filter((x): x is number => x !== null),
      ),
      lent,
      borrowed,
      netBalance: net,
      balance: net > 0 ? 'net_lender' : net < 0 ? 'net_borrower' : 'balanced',
      itemsLostBorrowing: sup.filter((s) => s.borrower_library_id === id && s.state === 'CompletedWithoutReturn')
        .length,
      itemsLostLending: received.filter((s) => s.state === 'CompletedWithoutReturn').length,
    });
  }
  const pairs = new Map<string, typeof sup>();
  for (const s of sup) {
    if (s.borrower_library_id === null) continue;
    if (!visible(s.borrower_library_id) && !visible(s.lender_library_id)) continue;
    if (q.library !== undefined && s.borrower_library_id !== q.library && s.lender_library_id !== q.library) continue;
    const k = `${s.borrower_library_id}:${s.lender_library_id}`;
    pairs.set(k, [...(pairs.get(k) ?? []), s]);
  }
  const brief = (id: number) => {
    const l = libById.get(id);
    return { id, code: l?.code ?? '?', name: l?.name ?? '?' };
  };
  return {
    from: q.from,
    to: q.to,
    libraries,
    pairs: [...pairs.values()].map((rows) => {
      const first = rows[0] as (typeof rows)[number];
      const filled = rows.filter((s) => s.shipped_at !== null).length;
      return {
        borrower: brief(first.borrower_library_id as number),
        lender: brief(first.lender_library_id),
        requests: rows.length,
        filled,
        fillRate: rate(filled, rows.length),
        medianRequestToShippedDays: median(
          rows.map((s) => days(s.created_at, s.shipped_at)).filter((x): x is number => x !== null),
        ),
        itemsLost: rows.filter((s) => s.state === 'CompletedWithoutReturn').length,
      };
    }),
  };
}
