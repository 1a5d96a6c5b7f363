import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Actor } from '../platform/actor.ts';
import { audit } from '../platform/audit.ts';
import type { Db } from '../platform/db.ts';
import { AppError, Forbidden, invalidField } from '../platform/errors.ts';
import { msg } from '../platform/messages.ts';
import { type AgreementDocument, agreementAccess } from './agreements.ts';
import { notFound, pmsg } from './messages.ts';

/** Signed agreements are scans or PDFs; 10 MB holds a long scanned PKS at a readable resolution. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

const KINDS = [
  { type: 'application/pdf', ext: 'pdf', magic: Buffer.from('%PDF-', 'latin1') },
  { type: 'image/png', ext: 'png', magic: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { type: 'image/jpeg', ext: 'jpg', magic: Buffer.from([0xff, 0xd8, 0xff]) },
];

/** The type is decided by the first bytes, never by the name or the header the browser sent. */
export function sniffDocumentType(bytes: Buffer): { type: string; ext: string } | null {
  const k = KINDS.find((x) => bytes.subarray(0, x.magic.length).equals(x.magic));
  return k ? { type: k.type, ext: k.ext } : null;
}

export function fileTooLarge(): AppError {
  return new AppError(413, 'file_too_large', pmsg('file_too_large', { mb: MAX_DOCUMENT_BYTES / 1024 / 1024 }));
}

function safeName(name: string): string {
  const base = path
    .basename(name)
    .replace(/[^\p{L}\p{N}._ -]/gu, '_')
    .trim();
  return base.slice(0, 150) || 'dokumen';
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
  if (file.bytes.length === 0) throw invalidField('file', pmsg('file_missing'));
  if (file.bytes.length > MAX_DOCUMENT_BYTES) throw fileTooLarge();
  const kind = sniffDocumentType(file.bytes);
  if (!kind) throw invalidField('file', pmsg('file_type'));
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  const relative = path.join('agreements', String(agreementId), `${sha256}.${kind.ext}`);
  const absolute = path.join(dataDir, relative);
  mkdirSync(path.dirname(absolute), { recursive: true });
  writeFileSync(absolute, file.bytes, { mode: 0o640 });
  const filename = safeName(file.filename);
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('agreement_documents')
      .values({
        agreement_id: agreementId,
        filename,
        content_type: kind.type,
        size_bytes: file.bytes.length,
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
      after: { documentId: row.id, filename, contentType: kind.type, sizeBytes: file.bytes.length, sha256 },
    });
    return {
      id: row.id,
      filename,
      contentType: kind.type,
      sizeBytes: file.bytes.length,
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
