import path from 'node:path';
import type { Actor } from '../platform/actor.ts';
import { audit } from '../platform/audit.ts';
import type { Db } from '../platform/db.ts';
import { AppError, Forbidden } from '../platform/errors.ts';
import { msg } from '../platform/messages.ts';
import { storeCheckedFile } from '../platform/stored-files.ts';
import { type AgreementDocument, agreementAccess } from './agreements.ts';
import { notFound, pmsg } from './messages.ts';

/** Signed agreements are scans or PDFs; 10 MB holds a long scanned PKS at a readable resolution. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

export function fileTooLarge(): AppError {
  return new AppError(413, 'file_too_large', pmsg('file_too_large', { mb: MAX_DOCUMENT_BYTES / 1024 / 1024 }));
}

/**
 * Files go under the data dir (never the web root), named by their SHA-256 so
 * a re-upload of the same scan is the same file; the row keeps the checksum.
 */
export async function addAgreementDocument(
  db: Db,
  actor: Actor,
  dataDir: string,
  agreementId: number,
  file: { filename: string; bytes: Buffer },
): Promise<AgreementDocument> {
  const access = await agreementAccess(db, actor, agreementId);
  if (!access.canSee) throw notFound('agreement');
  if (!access.canManage) throw new Forbidden(msg('forbidden_other_library'), 'forbidden_other_library');
  const stored = storeCheckedFile(dataDir, path.join('agreements', String(agreementId)), file, {
    maxBytes: MAX_DOCUMENT_BYTES,
    fallbackName: 'dokumen',
    missing: pmsg('file_missing'),
    type: pmsg('file_type'),
    tooLarge: fileTooLarge,
  });
  const { filename, sha256, relative } = stored;
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('agreement_documents')
      .values({
        agreement_id: agreementId,
        filename,
        content_type: stored.contentType,
        size_bytes: stored.sizeBytes,
        sha256,
        storage_path: relative,
        uploaded_by: actor.userId,
      })
      .returning(['id', 'created_at'])
      .executeTakeFirstOrThrow();
    await audit(trx, actor, {
      action: 'document_add',
      entity: 'agreement',
      entityId: agreementId,
      libraryId: actor.libraryId !== null && access.involved.has(actor.libraryId) ? actor.libraryId : null,
      after: { documentId: row.id, filename, contentType: stored.contentType, sizeBytes: stored.sizeBytes, sha256 },
    });
    return {
      id: row.id,
      filename,
      contentType: stored.contentType,
      sizeBytes: stored.sizeBytes,
      sha256,
      uploadedAt: row.created_at.toISOString(),
    };
  });
}

/** Where the file is, for those who may see the agreement (anyone when it is public). */
export async function agreementDocumentFile(
  db: Db,
  actor: Actor | null,
  dataDir: string,
  agreementId: number,
  documentId: number,
): Promise<{ absolutePath: string; filename: string; contentType: string; sha256: string }> {
  const access = await agreementAccess(db, actor, agreementId);
  if (!access.canSee) throw notFound('agreement');
  const doc = await db
    .selectFrom('agreement_documents')
    .select(['filename', 'content_type', 'storage_path', 'sha256'])
    .where('id', '=', documentId)
    .where('agreement_id', '=', agreementId)
    .executeTakeFirst();
  if (!doc) throw notFound('document');
  return {
    absolutePath: path.join(dataDir, doc.storage_path),
    filename: doc.filename,
    contentType: doc.content_type,
    sha256: doc.sha256,
  };
}
