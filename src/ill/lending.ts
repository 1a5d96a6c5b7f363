/**
 * The lending library's service: answer an incoming request (expect to
 * supply, will supply, conditions, retry, unfilled), ship a loan or deliver a
 * copy, recall, check in (with damage), declare lost, and answer the
 * borrower's cancel and renewal requests. Only the lender's staff act here.
 */
import { availableItemOf, findItemByBarcode, getItem } from '../catalog/item-status.ts';
import type { Actor } from '../platform/actor.ts';
import { audit } from '../platform/audit.ts';
import type { Db, Trx } from '../platform/db.ts';
import { Conflict, Forbidden, invalidField } from '../platform/errors.ts';
import { agreementTerms } from '../programs/agreements.ts';
import { lostItemCharge } from './charges.ts';
import { addDaysIso, applySupplier, type SupplierRow } from './engine.ts';
import { CLUSTER_RECORD_CODE } from './outgoing.ts';
import { lendingPolicy } from './policies.ts';
import { remember, replayed, whoOf } from './requests.ts';
import type { SupplierEvent, SupplierState } from './supplier-states.ts';
import { conflict, notFound, t } from './texts.ts';

export const LENDER_ACTIONS = [
  'expectToSupply',
  'willSupply',
  'offerConditions',
  'retryPossible',
  'unfilled',
  'ship',
  'deliverCopy',
  'recall',
  'checkIn',
  'declareLost',
  'approveCancel',
  'refuseCancel',
  'approveRenew',
  'refuseRenew',
] as const;
export type LenderAction = (typeof LENDER_ACTIONS)[number];

export interface LenderActionInput {
  note?: string | undefined;
  conditions?: string[] | undefined;
  reason?: string | undefined;
  /** YYYY-MM-DD; ship and approveRenew default to the agreement's loan period or the lender's policy. */
  dueDate?: string | undefined;
  itemId?: number | undefined;
  barcode?: string | undefined;
  /** checkIn: the item came back damaged (a charge is recorded as the agreement says). */
  damaged?: boolean | undefined;
}

/** The union-catalog title named in a request from this node, if any. */
export function clusterOfRequest(s: SupplierRow): number | null {
  const ids = s.request_message.bibliographicInfo.bibliographicRecordId ?? [];
  const c = ids.find((x) => x.bibliographicRecordIdentifierCode.value === CLUSTER_RECORD_CODE);
  const n = c ? Number(c.bibliographicRecordIdentifier) : Number.NaN;
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** End of the given day (UTC) as an ISO timestamp. */
function dueFromDate(d: string): string {
  return `${d}T23:59:59.000Z`;
}

/** The due date of a new loan: the agreement's loan period between the two, else the lender's policy. */
export async function loanDueDate(trx: Trx, s: SupplierRow, from = new Date()): Promise<string> {
  if (s.borrower_library_id !== null) {
    const terms = await agreementTerms(trx, s.borrower_library_id, s.lender_library_id, 'ill');
    if (terms.loanPeriodDays) return addDaysIso(from, terms.loanPeriodDays);
  }
  return addDaysIso(from, (await lendingPolicy(trx, s.lender_library_id)).loanDays);
}

async function supplierRowFor(trx: Trx, actor: Actor, id: number): Promise<SupplierRow> {
  const s = await trx.selectFrom('ill_supplier_requests').selectAll().where('id', '=', id).executeTakeFirst();
  if (!s) throw notFound('supplier_request');
  const lib = await trx
    .selectFrom('libraries')
    .select('network_id')
    .where('id', '=', s.lender_library_id)
    .executeTakeFirstOrThrow();
  const sees =
    actor.role === 'system' ||
    actor.libraryId === s.lender_library_id ||
    (actor.role === 'network_coordinator' && actor.networkId === lib.network_id);
  if (!sees) throw notFound('supplier_request');
  if (actor.role !== 'system' && actor.libraryId !== s.lender_library_id) {
    throw new Forbidden(t('not_lender_staff'), 'not_lender_staff');
  }
  return s;
}

const need = (what: string) => invalidField(what, t('action_params', { what }));

async function lenderEvent(
  trx: Trx,
  s: SupplierRow,
  action: LenderAction,
  b: LenderActionInput,
): Promise<SupplierEvent> {
  const note = b.note?.trim() ? { note: b.note.trim() } : {};
  const today = new Date().toISOString().slice(0, 10);
  switch (action) {
    case 'expectToSupply':
      return { type: 'expectToSupply', ...note };
    case 'willSupply':
      return { type: 'willSupply', ...note };
    case 'offerConditions': {
      const conditions = (b.conditions ?? []).map((c) => c.trim()).filter(Boolean);
      return { type: 'offerConditions', conditions, ...note };
    }
    case 'retryPossible':
      if (!b.reason?.trim()) throw need('reason');
      return { type: 'retryPossible', reasonRetry: b.reason.trim(), ...note };
    case 'unfilled':
      return { type: 'unfilled', reasonUnfilled: b.reason?.trim() || 'NotAvailable', ...note };
    case 'ship': {
      if (b.dueDate && b.dueDate <= today) throw invalidField('dueDate', t('due_before_today'));
      const dueDate = b.dueDate ? dueFromDate(b.dueDate) : await loanDueDate(trx, s);
      return { type: 'ship', dueDate, ...note };
    }
    case 'deliverCopy':
      return { type: 'deliverCopy', ...note };
    case 'recall':
      return { type: 'recall', ...note };
    case 'checkIn':
      return { type: 'checkIn' };
    case 'declareLost':
      return { type: 'declareLost', ...note };
    case 'approveCancel':
      return { type: 'approveCancel' };
    case 'refuseCancel':
      return { type: 'refuseCancel', ...note };
    case 'approveRenew': {
      if (b.dueDate && b.dueDate <= today) throw invalidField('dueDate', t('due_before_today'));
      const policy = await lendingPolicy(trx, s.lender_library_id);
      const base = s.due_at && s.due_at.getTime() > Date.now() ? s.due_at : new Date();
      return {
        type: 'approveRenew',
        dueDate: b.dueDate ? dueFromDate(b.dueDate) : addDaysIso(base, policy.renewalDays),
      };
    }
    case 'refuseRenew':
      return { type: 'refuseRenew', ...note };
  }
}

/** Which copy goes out: the one named, else the first available loanable copy of the title. */
async function pickItem(trx: Trx, s: SupplierRow, b: LenderActionInput): Promise<number> {
  if (b.itemId !== undefined || b.barcode) {
    const item =
      b.itemId !== undefined
        ? await getItem(trx, b.itemId)
        : await findItemByBarcode(trx, s.lender_library_id, b.barcode ?? '');
    if (!item || item.libraryId !== s.lender_library_id)
      throw invalidField(b.itemId !== undefined ? 'itemId' : 'barcode', t('item_unknown'));
    if (item.status !== 'available') {
      throw conflict('item_not_available', { barcode: item.barcode ?? String(item.id), status: item.status });
    }
    return item.id;
  }
  if (s.item_id !== null) return s.item_id;
  const cluster = clusterOfRequest(s);
  const item = cluster ? await availableItemOf(trx, s.lender_library_id, cluster) : null;
  if (!item) throw conflict('no_item_available');
  return item.id;
}

export async function lenderAction(
  db: Db,
  actor: Actor,
  id: number,
  action: LenderAction,
  body: LenderActionInput,
  idempotencyKey?: string,
): Promise<{ duplicate: boolean; state: SupplierState }> {
  return db.transaction().execute(async (trx) => {
    const s = await supplierRowFor(trx, actor, id);
    const op = `supplier:${id}:${action}`;
    if ((await replayed(trx, s.lender_library_id, idempotencyKey, op)) !== null) {
      return { duplicate: true, state: s.state as SupplierState };
    }
    if (
      action === 'ship' &&
      (s.state === 'RequestReceived' || s.state === 'ExpectToSupply' || s.state === 'WillSupply')
    ) {
      if (s.service_type === 'Loan') {
        const itemId = await pickItem(trx, s, body);
        await trx.updateTable('ill_supplier_requests').set({ item_id: itemId }).where('id', '=', id).execute();
      }
    }
    if (action === 'deliverCopy' && s.service_type === 'Copy' && s.copy_delivery !== 'paper') {
      const file = await trx
        .selectFrom('ill_copy_files')
        .select('id')
        .where('supplier_request_id', '=', id)
        .limit(1)
        .executeTakeFirst();
      if (!file && s.state !== 'CopyCompleted') throw conflict('copy_file_first');
    }
    const event = await lenderEvent(trx, s, action, body);
    const res = await applySupplier(trx, id, event, {
      who: whoOf(actor),
      kind: 'action',
      name: action,
      note: body.note?.trim() || null,
      ...(action === 'ship' ? { data: { dueDate: (event as { dueDate: string }).dueDate } } : {}),
    });
    if (!res.ok) throw new Conflict(res.reason.code, res.reason.message);
    if (action === 'checkIn' && body.damaged && res.changed) {
      const fresh = await trx
        .selectFrom('ill_supplier_requests')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      await lostItemCharge(trx, fresh, 'damaged', body.note?.trim() || null);
      if (fresh.item_id !== null) {
        await trx
          .updateTable('items')
          .set({ note: `rusak / damaged: ${body.note?.trim() ?? ''}`.trim() })
          .where('id', '=', fresh.item_id)
          .execute();
      }
    }
    if (!res.duplicate) {
      await audit(trx, actor, {
        action,
        entity: 'ill_supplier_request',
        entityId: id,
        libraryId: s.lender_library_id,
        before: { state: s.state },
        after: { state: res.state, ...(body.damaged ? { damaged: true } : {}) },
      });
    }
    await remember(trx, s.lender_library_id, idempotencyKey, op, 'supplier_request', id);
    return { duplicate: res.duplicate, state: res.state };
  });
}
