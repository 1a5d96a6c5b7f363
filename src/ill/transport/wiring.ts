import type { DbOrTrx } from '../../platform/db.ts';
import { handlePeerMessage } from '../delivery.ts';
import { logEvent } from '../engine.ts';
import { tellSenderGaveUp } from '../notices.ts';
import { iso18626Routes } from './endpoint.ts';
import { linkMessage } from './links.ts';
import { type OutboundEvent, onOutboundSettled } from './outbox.ts';

/** The /iso18626 endpoint wired to the ILL service: every accepted message goes through `handlePeerMessage`. */
export const illIso18626Routes = iso18626Routes({ handle: handlePeerMessage, link: linkMessage });

/**
 * A peer's ERROR confirmation, or a message given up after its retries, goes on
 * the timeline of the request it belongs to, so staff see it where they work,
 * and the sending library's staff are told (once per message).
 */
onOutboundSettled(async (trx, e) => {
  const note =
    e.type === 'rejected'
      ? e.errors.map((x) => `${x.errorType}${x.errorValue ? `: ${x.errorValue}` : ''}`).join('; ')
      : e.lastError;
  if (e.requestId !== null || e.supplierRequestId !== null) await timeline(trx, e, note);
  await tellSenderGaveUp(trx, {
    type: e.type,
    messageId: e.messageId,
    requestId: e.requestId,
    supplierRequestId: e.supplierRequestId,
    localLibraryId: e.localLibraryId,
    peerId: e.peerId,
    summary: e.summary,
    error: note,
  });
});

async function timeline(trx: DbOrTrx, e: OutboundEvent, note: string): Promise<void> {
  const side =
    e.supplierRequestId !== null
      ? { request_id: null, supplier_request_id: e.supplierRequestId, side: 'lender' as const }
      : { request_id: e.requestId, supplier_request_id: null, side: 'borrower' as const };
  await logEvent(trx as Parameters<typeof logEvent>[0], side, {
    who: { label: 'Simpul', userId: null },
    kind: 'notice',
    name: e.type === 'rejected' ? 'peer:rejected' : 'peer:undeliverable',
    note: `${e.summary} (#${e.messageId}): ${note}`.slice(0, 2000),
    data: { messageId: e.messageId, peerId: e.peerId },
  });
}
