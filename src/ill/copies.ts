/**
 * Copies delivered as a file: the lender uploads the scan, the borrower
 * downloads it. Type by the first bytes (PDF, PNG, JPEG), size-limited, stored
 * under the data dir by SHA-256 (never under the web root), served only to the
 * two libraries' staff.
 */
import path from 'node:path';
import type { Actor } from '../platform/actor.ts';
import { audit } from '../platform/audit.ts';
import type { Db } from '../platform/db.ts';
import { AppError, Forbidden } from '../platform/errors.ts';
import { storeCheckedFile } from '../platform/stored-files.ts';
import { conflict, notFound, t } from './texts.ts';

/** A scanned chapter or article; 25 MB holds about 60 pages at a readable resolution. */
export const MAX_COPY_BYTES = 25 * 1024 * 1024;

export function copyTooLarge(): AppError {
  return new AppError(413, 'file_too_large', t('file_too_large', { mb: MAX_COPY_BYTES / 1024 / 1024 }));
}

export async function addCopyFile(
  db: Db,
  actor: Actor,
  dataDir: string,
  supplierId: number,
  file: { filename: string; bytes: Buffer },
): Promise<number> {
  const s = await db
    .selectFrom('ill_supplier_requests')
    .select(['id', 'lender_library_id', 'service_type', 'state'])
    .where('id', '=', supplierId)
    .executeTakeFirst();
  if (!s) throw notFound('supplier_request');
  if (actor.role !== 'system' && actor.libraryId !== s.lender_library_id) {
    if (actor.role === 'network_coordinator') throw new Forbidden(t('not_lender_staff'), 'not_lender_staff');
    throw notFound('supplier_request');
  }
  if (s.service_type !== 'Copy') throw conflict('not_a_copy');
  if (!['RequestReceived', 'ExpectToSupply', 'WillSupply'].includes(s.state)) throw conflict('copy_closed');
  const stored = storeCheckedFile(dataDir, path.join('ill-copies', String(supplierId)), file, {
    maxBytes: MAX_COPY_BYTES,
    fallbackName: 'salinan',
    missing: t('file_missing'),
    type: t('file_type'),
    tooLarge: copyTooLarge,
  });
  const { filename, sha256, relative } = stored;
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('ill_copy_files')
      .values({
        supplier_request_id: supplierId,
        filename,
        content_type: stored.contentType,
        size_bytes: stored.sizeBytes,
        sha256,
        storage_path: relative,
        uploaded_by: actor.label,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('ill_events')
      .values({
        supplier_request_id: supplierId,
        side: 'lender',
        actor_label: actor.label,
        actor_user_id: actor.userId,
        kind: 'action',
        event: 'uploadCopy',
        note: filename,
        data: JSON.stringify({ fileId: row.id, sizeBytes: stored.sizeBytes, sha256 }),
      })
      .execute();
    await audit(trx, actor, {
      action: 'copy_upload',
      entity: 'ill_supplier_request',
      entityId: supplierId,
      libraryId: s.lender_library_id,
      after: { fileId: row.id, filename, contentType: stored.contentType, sizeBytes: stored.sizeBytes, sha256 },
    });
    return row.id;
  });
}

/**
 * Where a copy file is, for the lender's staff (from its record) or the
 * borrowing library's staff (from its request, once the copy was delivered).
 */
export async function copyFileFor(
  db: Db,
  actor: Actor,
  dataDir: string,
  side: 'lender' | 'borrower',
  id: number,
  fileId: number,
): Promise<{ absolutePath: string; filename: string; contentType: string; sha256: string }> {
  let supplierId: number;
  if (side === 'lender') {
    const s = await db
      .selectFrom('ill_supplier_requests')
      .select(['id', 'lender_library_id'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!s || (actor.role !== 'system' && actor.libraryId !== s.lender_library_id)) throw notFound('supplier_request');
    supplierId = s.id;
  } else {
    const r = await db
      .selectFrom('ill_requests as r')
      .innerJoin('ill_rota as c', 'c.request_id', 'r.id')
      .innerJoin('ill_supplier_requests as s', 's.rota_id', 'c.id')
      .select(['s.id', 's.state', 'r.borrower_library_id'])
      .where('r.id', '=', id)
      .where('s.state', '=', 'CopyCompleted')
      .executeTakeFirst();
    if (!r || (actor.role !== 'system' && actor.libraryId !== r.borrower_library_id)) throw notFound('copy_file');
    supplierId = r.id;
  }
  const f = await db
    .selectFrom('ill_copy_files')
    .selectAll()
    .where('id', '=', fileId)
    .where('supplier_request_id', '=', supplierId)
    .executeTakeFirst();
  if (!f) throw notFound('copy_file');
  return {
    absolutePath: path.join(dataDir, f.storage_path),
    filename: f.filename,
    contentType: f.content_type,
    sha256: f.sha256,
  };
}
