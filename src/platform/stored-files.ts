/**
 * Uploaded files kept by Simpul (signed agreements, delivered ILL copies): the
 * type is decided by the first bytes, never by the name or the header the
 * browser sent; the size is bounded; the file goes under the data dir (never
 * the web root) named by its SHA-256, so a re-upload of the same scan is the
 * same file; downloads go out with nosniff, no caching and the checksum.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyReply } from 'fastify';
import { type AppError, invalidField } from './errors.ts';
import type { Bilingual } from './messages.ts';

const KINDS = [
  { type: 'application/pdf', ext: 'pdf', magic: Buffer.from('%PDF-', 'latin1') },
  { type: 'image/png', ext: 'png', magic: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { type: 'image/jpeg', ext: 'jpg', magic: Buffer.from([0xff, 0xd8, 0xff]) },
];

/** PDF, PNG or JPEG by their magic bytes; anything else is null. */
export function sniffDocumentType(bytes: Buffer): { type: string; ext: string } | null {
  const k = KINDS.find((x) => bytes.subarray(0, x.magic.length).equals(x.magic));
  return k ? { type: k.type, ext: k.ext } : null;
}

/** The name shown and sent back: no path, no control or odd characters, at most 150 characters. */
export function safeFilename(name: string, fallback: string): string {
  const base = path
    .basename(name)
    .replace(/[^\p{L}\p{N}._ -]/gu, '_')
    .trim();
  return base.slice(0, 150) || fallback;
}

export interface StoredFile {
  /** Path under the data dir, kept in the row. */
  relative: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
}

/**
 * Checks an upload and writes it under `dataDir/folder`. Errors come from the
 * caller, in its own words: `missing` (empty file), `type` (not PDF/PNG/JPEG),
 * `tooLarge` (over maxBytes, already an AppError with its 413).
 */
export function storeCheckedFile(
  dataDir: string,
  folder: string,
  file: { filename: string; bytes: Buffer },
  opts: { maxBytes: number; fallbackName: string; missing: Bilingual; type: Bilingual; tooLarge: () => AppError },
): StoredFile {
  if (file.bytes.length === 0) throw invalidField('file', opts.missing);
  if (file.bytes.length > opts.maxBytes) throw opts.tooLarge();
  const kind = sniffDocumentType(file.bytes);
  if (!kind) throw invalidField('file', opts.type);
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  const relative = path.join(folder, `${sha256}.${kind.ext}`);
  const absolute = path.join(dataDir, relative);
  mkdirSync(path.dirname(absolute), { recursive: true });
  writeFileSync(absolute, file.bytes, { mode: 0o640 });
  return {
    relative,
    filename: safeFilename(file.filename, opts.fallbackName),
    contentType: kind.type,
    sizeBytes: file.bytes.length,
    sha256,
  };
}

/** Sends a stored file; `missing` is thrown when the row outlived the file. */
export function sendStoredFile(
  reply: FastifyReply,
  f: { absolutePath: string; filename: string; contentType: string; sha256: string },
  disposition: 'inline' | 'attachment',
  missing: () => Error,
): FastifyReply {
  if (!existsSync(f.absolutePath)) throw missing();
  return reply
    .type(f.contentType)
    .header('content-disposition', `${disposition}; filename*=UTF-8''${encodeURIComponent(f.filename)}`)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store')
    .header('x-checksum-sha256', f.sha256)
    .send(createReadStream(f.absolutePath));
}
