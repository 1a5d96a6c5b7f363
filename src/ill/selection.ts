/**
 * Lender selection wired to data: who holds the title (catalog items), who may
 * be asked (agreements in force for 'ill', else the same network), and how
 * each lender is doing (load against its declared capacity, fill rate and
 * turnaround over the last 180 days, its lending/borrowing balance). The
 * ranking itself is the pure `selectLenders`.
 */
import { sql } from 'kysely';
import type { DbOrTrx } from '../platform/db.ts';
import type { Bilingual } from '../platform/messages.ts';
import { agreementTerms } from '../programs/agreements.ts';
import { type LenderCandidate, type RankedLender, selectLenders } from './lender-selection.ts';
import { t } from './texts.ts';

export const IN_HAND_STATES = [
  'RequestReceived',
  'ExpectToSupply',
  'WillSupply',
  'ConditionalPending',
  'CancelRequested',
];
export const OUT_ON_LOAN_STATES = ['Loaned', 'Overdue', 'Recalled', 'RenewRequested', 'ReturnInTransit'];
export const BORROWING_STATES = ['Shipped', 'Received', 'Overdue', 'Recalled', 'RenewPending', 'ShippedReturn'];
const STATS_DAYS = 180;

export interface RotaProposal {
  rota: Array<RankedLender & { libraryId: string; libraryCode: string; libraryName: string }>;
  skipped: Array<{ libraryId: string; libraryCode: string; libraryName: string; code: string; reason: Bilingual }>;
  warnings: Array<{ code: string; message: Bilingual }>;
  localAvailableCopies: number;
}

interface LibFacts {
  id: number;
  code: string;
  name: string;
  region_code: string | null;
  network_id: number;
  active: boolean;
  lending_paused: boolean;
  ill_capacity: number;
  services: string[];
}

async function libraryFacts(db: DbOrTrx, ids: number[]): Promise<Map<number, LibFacts>> {
  if (!ids.length) return new Map();
  const rows = await db
    .selectFrom('libraries')
    .select(['id', 'code', 'name', 'region_code', 'network_id', 'active', 'lending_paused', 'ill_capacity', 'services'])
    .where('id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** Whether a borrowing library may ask a lender: an ILL agreement in force, or the same network. */
export async function mayAsk(
  db: DbOrTrx,
  borrower: { id: number; network_id: number },
  lender: LibFacts,
): Promise<{ ok: true; agreement?: { preferred: boolean } } | { ok: false; code: string; reason: Bilingual }> {
  if (lender.id === borrower.id) return { ok: false, code: 'own_library', reason: t('lender_is_borrower') };
  if (!lender.active) return { ok: false, code: 'closed', reason: t('lender_closed') };
  if (lender.lending_paused) return { ok: false, code: 'lending_paused', reason: t('lender_paused') };
  if (!lender.services.includes('ill_lending'))
    return { ok: false, code: 'no_ill_lending', reason: t('lender_no_ill') };
  const terms = await agreementTerms(db, borrower.id, lender.id, 'ill');
  if (terms.allowed) return { ok: true, agreement: { preferred: terms.preferredPartner } };
  if (lender.network_id === borrower.network_id) return { ok: true };
  return { ok: false, code: 'no_agreement', reason: t('no_agreement_no_network') };
}

/** Candidates from the catalog's holdings of a title (or the libraries named), ranked. */
export async function proposeRota(
  db: DbOrTrx,
  borrowerId: number,
  clusterId: number | null,
  extraLenderIds: number[] = [],
): Promise<RotaProposal> {
  const holdings = clusterId
    ? await db
        .selectFrom('items')
        .select([
          'library_id',
          sql<number>`(count(*) filter (where status = 'available' and loanable))::int`.as('avail'),
        ])
        .where('cluster_id', '=', clusterId)
        .groupBy('library_id')
        .execute()
    : [];
  const avail = new Map(holdings.map((h) => [h.library_id, Number(h.avail)]));
  const ids = [...new Set([borrowerId, ...holdings.map((h) => h.library_id), ...extraLenderIds])];
  const facts = await libraryFacts(db, ids);
  const borrower = facts.get(borrowerId);
  if (!borrower) throw new Error(`library ${borrowerId} missing`);
  const lenderIds = ids.filter((id) => id !== borrowerId);
  const stats = await lenderStats(db, lenderIds);
  const candidates: LenderCandidate[] = [];
  const skipped: RotaProposal['skipped'] = [];
  for (const id of lenderIds) {
    const f = facts.get(id);
    if (!f) continue;
    const ask = await mayAsk(db, borrower, f);
    if (!ask.ok) {
      skipped.push({
        libraryId: String(id),
        libraryCode: f.code,
        libraryName: f.name,
        code: ask.code,
        reason: ask.reason,
      });
      continue;
    }
    const s = stats.get(id);
    candidates.push({
      libraryId: String(id),
      regionCode: f.region_code ?? '',
      // A library staff add by hand is asked even if the catalog shows no copy on the shelf.
      loanableAvailableCopies: avail.get(id) ?? (extraLenderIds.includes(id) ? 1 : 0),
      ...(ask.agreement ? { agreement: ask.agreement } : {}),
      load: { activeRequestsInHand: s?.inHand ?? 0, ...(f.ill_capacity > 0 ? { capacity: f.ill_capacity } : {}) },
      network: { currentBorrowing: s?.borrowing ?? 0, currentLoans: s?.lending ?? 0 },
      ...(s && s.decided > 0
        ? {
            stats: {
              fillRate: s.filled / s.decided,
              ...(s.medianDays !== null ? { medianTurnaroundDays: s.medianDays } : {}),
            },
          }
        : {}),
    });
  }
  const local = avail.get(borrowerId) ?? 0;
  const sel = selectLenders({
    borrower: { libraryId: String(borrowerId), regionCode: borrower.region_code ?? '', localAvailableCopies: local },
    candidates,
  });
  const name = (id: string) => facts.get(Number(id));
  return {
    rota: sel.rota.map((r) => ({
      ...r,
      libraryCode: name(r.libraryId)?.code ?? '',
      libraryName: name(r.libraryId)?.name ?? '',
    })),
    skipped: [
      ...skipped,
      ...sel.skipped.map((s) => ({
        libraryId: s.libraryId,
        libraryCode: name(s.libraryId)?.code ?? '',
        libraryName: name(s.libraryId)?.name ?? '',
        code: s.code,
        reason: s.reason,
      })),
    ],
    warnings: sel.warnings,
    localAvailableCopies: local,
  };
}

interface LenderStats {
  inHand: number;
  lending: number;
  borrowing: number;
  decided: number;
  filled: number;
  medianDays: number | null;
}

async function lenderStats(db: DbOrTrx, ids: number[]): Promise<Map<number, LenderStats>> {
  const out = new Map<number, LenderStats>();
  if (!ids.length) return out;
  const since = new Date(Date.now() - STATS_DAYS * 86_400_000);
  const [sup, bor] = await Promise.all([
    db
      .selectFrom('ill_supplier_requests')
      .select([
        'lender_library_id as id',
        sql<number>`(count(*) filter (where state in (${sql.join(IN_HAND_STATES)})))::int`.as('in_hand'),
        sql<number>`(count(*) filter (where state in (${sql.join(OUT_ON_LOAN_STATES)})))::int`.as('lending'),
        sql<number>`(count(*) filter (where created_at >= ${since} and (shipped_at is not null or state in ('Unfilled', 'RetryPossible'))))::int`.as(
          'decided',
        ),
        sql<number>`(count(*) filter (where created_at >= ${since} and shipped_at is not null))::int`.as('filled'),
        sql<
          number | null
        >`percentile_cont(0.5) within group (order by extract(epoch from shipped_at - created_at)) filter (where created_at >= ${since} and shipped_at is not null)`.as(
          'median_s',
        ),
      ])
      .where('lender_library_id', 'in', ids)
      .groupBy('lender_library_id')
      .execute(),
    db
      .selectFrom('ill_requests')
      .select([
        'borrower_library_id as id',
        sql<number>`(count(*) filter (where state in (${sql.join(BORROWING_STATES)})))::int`.as('borrowing'),
      ])
      .where('borrower_library_id', 'in', ids)
      .groupBy('borrower_library_id')
      .execute(),
  ]);
  const blank = (): LenderStats => ({ inHand: 0, lending: 0, borrowing: 0, decided: 0, filled: 0, medianDays: null });
  for (const r of sup) {
    out.set(r.id, {
      ...blank(),
      inHand: Number(r.in_hand),
      lending: Number(r.lending),
      decided: Number(r.decided),
      filled: Number(r.filled),
      medianDays: r.median_s === null ? null : Math.round((Number(r.median_s) / 86_400) * 10) / 10,
    });
  }
  for (const r of bor) out.set(r.id, { ...(out.get(r.id) ?? blank()), borrowing: Number(r.borrowing) });
  return out;
}
