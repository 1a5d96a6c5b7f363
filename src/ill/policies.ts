import { libraryRef } from '../directory/libraries.ts';
import { type Actor, assertAdminOf } from '../platform/actor.ts';
import { audit } from '../platform/audit.ts';
import type { Db, DbOrTrx } from '../platform/db.ts';

/** How a library lends through ILL. Libraries that never set one lend on these defaults. */
export interface LendingPolicy {
  libraryId: number;
  loanDays: number;
  /** Hours within which it promises to answer a new request; after that the rota moves on. */
  answerHours: number;
  maxRenewals: number;
  renewalDays: number;
  /** Grant renewals under the limit at once, without staff. */
  autoRenew: boolean;
  /** Grant a borrower's cancel before shipping at once, without staff. */
  autoApproveCancel: boolean;
  /** Open requests a patron of this library may have at once when she asks in the portal. */
  patronOpenLimit: number;
}

export const DEFAULT_POLICY: Omit<LendingPolicy, 'libraryId'> = {
  loanDays: 28,
  answerHours: 48,
  maxRenewals: 1,
  renewalDays: 14,
  autoRenew: false,
  autoApproveCancel: true,
  patronOpenLimit: 5,
};

export async function lendingPolicy(db: DbOrTrx, libraryId: number): Promise<LendingPolicy> {
  const r = await db.selectFrom('ill_policies').selectAll().where('library_id', '=', libraryId).executeTakeFirst();
  if (!r) return { libraryId, ...DEFAULT_POLICY };
  return {
    libraryId,
    loanDays: r.loan_days,
    answerHours: r.answer_hours,
    maxRenewals: r.max_renewals,
    renewalDays: r.renewal_days,
    autoRenew: r.auto_renew,
    autoApproveCancel: r.auto_approve_cancel,
    patronOpenLimit: r.patron_open_limit,
  };
}

export type PolicyPatch = Partial<Omit<LendingPolicy, 'libraryId'>>;

/** A library's administrator sets its lending policy. */
export async function updateLendingPolicy(
  db: Db,
  actor: Actor,
  ref: string,
  patch: PolicyPatch,
): Promise<LendingPolicy> {
  const lib = await libraryRef(db, ref);
  assertAdminOf(actor, lib);
  return db.transaction().execute(async (trx) => {
    const before = await lendingPolicy(trx, lib.id);
    const after = { ...before, ...patch };
    const row = {
      library_id: lib.id,
      loan_days: after.loanDays,
      answer_hours: after.answerHours,
      max_renewals: after.maxRenewals,
      renewal_days: after.renewalDays,
      auto_renew: after.autoRenew,
      auto_approve_cancel: after.autoApproveCancel,
      patron_open_limit: after.patronOpenLimit,
      updated_at: new Date(),
    };
    await trx
      .insertInto('ill_policies')
      .values(row)
      .onConflict((oc) => oc.column('library_id').doUpdateSet(row))
      .execute();
    await audit(trx, actor, {
      action: 'update',
      entity: 'ill_policy',
      entityId: lib.id,
      libraryId: lib.id,
      before: { ...before },
      after: { ...after },
    });
    return after;
  });
}
