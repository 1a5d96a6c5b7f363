import { handlePeerMessage } from '../delivery.ts';
import { logEvent } from '../engine.ts';
import { iso18626Routes } from './endpoint.ts';
import { linkMessage } from './links.ts';
import { onOutboundSettled } from './outbox.ts';

/** The /iso18626 endpoint wired to the ILL service: every accepted message goes through `handlePeerMessage`. */
export const illIso18626Routes = iso18626Routes({ handle: handlePeerMessage, link: linkMessage });

/**
 * A peer's ERROR confirmation, or a message given up after its retries, goes on
 * the timeline of the request it belongs to, so staff see it where they work.
 */
onOutboundSettled(async (trx, e) => {
  if (e.requestId === null && e.supplierRequestId === null) return;
  const side =
    e.supplierRequestId !== null
      ? { request_id: null, supplier_request_id: e.supplierRequestId, side: 'lender' as const }
      : { request_id: e.requestId, supplier_request_id: null, side: 'borrower' as const };
  const note =
    e.type === 'rejected'
      ? e.errors.map((x) => `${x.errorType}${x.errorValue ? `: ${x.errorValue}` : ''}`).join('; ')
      : e.lastError;
  await logEvent(trx as Parameters<typeof logEvent>[0], side, {
    who: { label: 'Simpul', userId: null },
    kind: 'notice',
    name: e.type === 'rejected' ? 'peer:rejected' : 'peer:undeliverable',
    note: `${e.summary} (#${e.messageId}): ${note}`.slice(0, 2000),
    data: { messageId: e.messageId, peerId: e.peerId },
  });
});
