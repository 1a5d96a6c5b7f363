import type { Actor } from '../platform/actor.ts';
import { audit } from '../platform/audit.ts';
import type { Db, Trx } from '../platform/db.ts';
import { Forbidden } from '../platform/errors.ts';
import { agreementTerms } from '../programs/agreements.ts';
import type { SupplierRow } from './engine.ts';
import type { IllChargesTable } from './tables.ts';
import { conflict, notFound, t } from './texts.ts';

export interface Charge {
  id: number;
  supplierRequestId: number;
  requestId: number | null;
  lenderLibraryId: number;
  borrowerLibraryId: number | null;
  kind: 'lost' | 'damaged';
  /** What the agreement says the borrowing library owes; 'to_agree' when no agreement says. */
  rule: IllChargesTable['rule'];
  amountRupiah: number | null;
  status: 'open' | 'settled' | 'waived';
  note: string | null;
  createdAt: string;
  settledAt: string | null;
  settledBy: string | null;
}

/**
 * Records what the borrowing library owes for a lost or damaged item: the
 * agreement's lost-item rule between the two (replace the copy, or pay an
 * amount in rupiah). Once per item and kind; a second report changes nothing.
 */
export async function lostItemCharge(
  trx: Trx,
  s: SupplierRow,
  kind: 'lost' | 'damaged',
  note: string | null,
): Promise<void> {
  let rule: IllChargesTable['rule'] = 'to_agree';
  let amount: number | null = null;
  if (s.borrower_library_id !== null) {
    const terms = await agreementTerms(trx, s.borrower_library_id, s.lender_library_id, 'ill');
    if (terms.lostItemRule) {
      rule = terms.lostItemRule.rule;
      amount = terms.lostItemRule.amountRupiah;
    }
  }
  await trx
    .insertInto('ill_charges')
    .values({
      supplier_request_id: s.id,
      request_id: s.request_id,
      lender_library_id: s.lender_library_id,
      borrower_library_id: s.borrower_library_id,
      kind,
      rule,
      amount_rupiah: amount,
      note,
    })
    .onConflict((oc) => oc.columns(['supplier_request_id', 'kind']).doNothing())
    .execute();
}

export function chargeOut(r: {
  id: number;
  supplier_request_id: number;
  request_id: number | null;
  lender_library_id: number;
  borrower_library_id: number | null;
  kind: 'lost' | 'damaged';
  rule: IllChargesTable['rule'];
  amount_rupiah: number | null;
  status: 'open' | 'settled' | 'waived';
  note: string | null;
  created_at: Date;
  settled_at: Date | null;
  settled_by: string | null;
}): Charge {
  return {
    id: r.id,
    supplierRequestId: r.supplier_request_id,
    requestId: r.request_id,
    lenderLibraryId: r.lender_library_id,
    borrowerLibraryId: r.borrower_library_id,
    kind: r.kind,
    rule: r.rule,
    amountRupiah: r.amount_rupiah === null ? null : Number(r.amount_rupiah),
    status: r.status,
    note: r.note,
    createdAt: r.created_at.toISOString(),
    settledAt: r.settled_at ? r.settled_at.toISOString() : null,
    settledBy: r.settled_by,
  };
}

/** The lender's staff close a charge: settled (copy replaced or amount paid) or waived. */
export async function settleCharge(
  db: Db,
  actor: Actor,
  id: number,
  input: { status: 'settled' | 'waived'; note?: string | undefined },
): Promise<Charge> {
  return db.transaction().execute(async (trx) => {
    const c = await trx.selectFrom('ill_charges').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!c) throw notFound('charge');
    const sees =
      actor.role === 'system' || actor.libraryId === c.lender_library_id || actor.libraryId === c.borrower_library_id;
    if (!sees) throw notFound('charge');
    if (actor.role !== 'system' && actor.libraryId !== c.lender_library_id) {
      throw new Forbidden(t('not_lender_staff'), 'not_lender_staff');
    }
    if (c.status !== 'open') throw conflict('charge_closed');
    const row = await trx
      .updateTable('ill_charges')
      .set({
        status: input.status,
        settled_at: new Date(),
        settled_by: actor.label,
        note: input.note ?? c.note,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(trx, actor, {
      action: 'settle',
      entity: 'ill_charge',
      entityId: id,
      libraryId: c.lender_library_id,
      before: { status: c.status },
      after: { status: input.status, note: input.note ?? null },
    });
    return chargeOut(row);
  });
}
