import type { DbOrTrx } from '../../platform/db.ts';
import type { IncomingMessage } from '../iso18626/incoming.ts';
import type { MessageLinks } from './inbound.ts';

/**
 * Which ILL records on this node a message is about: for a Request or
 * RequestingAgencyMessage our library is the lender (a supplier record keyed by
 * the requesting agency and its request id); for a SupplyingAgencyMessage our
 * library is the borrower (the rota attempt with that request id).
 */
export async function linkMessage(
  db: DbOrTrx,
  message: IncomingMessage,
  localLibraryId: number,
): Promise<MessageLinks> {
  const h = message.message.header;
  if (message.kind === 'supplyingAgencyMessage') {
    const rota = await db
      .selectFrom('ill_rota as r')
      .innerJoin('ill_requests as q', 'q.id', 'r.request_id')
      .select('r.request_id')
      .where('r.agency_request_id', '=', h.requestingAgencyRequestId)
      .where('q.borrower_library_id', '=', localLibraryId)
      .executeTakeFirst();
    return { requestId: rota?.request_id ?? null, supplierRequestId: null };
  }
  const ra = h.requestingAgencyId;
  const s = await db
    .selectFrom('ill_supplier_requests')
    .select(['id', 'request_id'])
    .where('lender_library_id', '=', localLibraryId)
    .where('requesting_agency_type', '=', ra.agencyIdType.value)
    .where('requesting_agency_value', '=', ra.agencyIdValue)
    .where('requesting_agency_request_id', '=', h.requestingAgencyRequestId)
    .executeTakeFirst();
  return { requestId: s?.request_id ?? null, supplierRequestId: s?.id ?? null };
}
