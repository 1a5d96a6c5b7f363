import type { DbOrTrx } from '../../platform/db.ts';
import type { IncomingMessage } from '../iso18626/incoming.ts';
import { fromAgencyId, resolveAgency } from './agencies.ts';
import { queueOutbound } from './outbox.ts';

/** bibliographicRecordId code ill uses for a union-catalog title id: meaningless on another node. */
const NODE_LOCAL_RECORD_CODE = 'SIMPUL-CLUSTER';

/** A title id of this node's union catalog must not reach another system, which would read it as its own. */
function withoutNodeLocalIds(m: IncomingMessage): IncomingMessage {
  if (m.kind !== 'request') return m;
  const bib = { ...m.message.bibliographicInfo };
  const ids = bib.bibliographicRecordId?.filter(
    (x) => x.bibliographicRecordIdentifierCode.value !== NODE_LOCAL_RECORD_CODE,
  );
  if (bib.bibliographicRecordId && ids?.length !== bib.bibliographicRecordId.length) {
    delete bib.supplierUniqueRecordId;
    if (ids && ids.length > 0) bib.bibliographicRecordId = ids;
    else delete bib.bibliographicRecordId;
  }
  return { kind: 'request', message: { ...m.message, bibliographicInfo: bib } };
}

/**
 * The outbox half of `deliver`: when the receiving library stands for an
 * outside peer (or, with no library, the header names a peer's agency), the
 * message is queued for that peer in the caller's transaction. Returns false
 * for a library of this node, which `deliver` then handles at once.
 */
export async function queueForPeer(
  trx: DbOrTrx,
  toLibraryId: number | null,
  message: IncomingMessage,
  links: { requestId?: number | null; supplierRequestId?: number | null } = {},
): Promise<boolean> {
  const h = message.message.header;
  const [toAgency, fromAgency] =
    message.kind === 'supplyingAgencyMessage'
      ? [h.requestingAgencyId, h.supplyingAgencyId]
      : [h.supplyingAgencyId, h.requestingAgencyId];
  let peerId: number | undefined;
  if (toLibraryId !== null) {
    const p = await trx.selectFrom('ill_peers').select('id').where('library_id', '=', toLibraryId).executeTakeFirst();
    peerId = p?.id;
  } else if (toAgency) {
    const r = await resolveAgency(trx, fromAgencyId(toAgency));
    if (r.kind === 'peer') peerId = r.peerId;
  }
  if (peerId === undefined) return false;
  const from = fromAgency ? await resolveAgency(trx, fromAgencyId(fromAgency)) : { kind: 'unknown' as const };
  await queueOutbound(trx, {
    peerId,
    message: withoutNodeLocalIds(message),
    requestId: links.requestId ?? null,
    supplierRequestId: links.supplierRequestId ?? null,
    localLibraryId: from.kind === 'local' ? from.libraryId : null,
  });
  return true;
}
