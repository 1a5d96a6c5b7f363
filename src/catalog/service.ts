import { createReadStream, mkdirSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { getLibrary } from '../directory/libraries.ts';
import { type Actor, assertActFor } from '../platform/actor.ts';
import { audit } from '../platform/audit.ts';
import type { Db } from '../platform/db.ts';
import { Conflict, Invalid, NotFound } from '../platform/errors.ts';
import { type Page, type PageParams, pageOf } from '../platform/paging.ts';
import { type MappingSpec, toSpreadsheetMapping } from './formats/column-mapping.ts';
import { isWorkbookKind } from './formats/workbook.ts';
import { type BatchCounts, ingestStream, type Matcher } from './ingest.ts';
import { resolveMapping, specOf } from './mappings.ts';
import { type FormatName, parseFile } from './parse.ts';
import { reasonText } from './rejection-reasons.ts';

export interface Batch {
  id: number;
  libraryId: number;
  libraryCode: string;
  kind: 'file' | 'harvest';
  filename: string | null;
  format: string | null;
  status: string;
  bytesTotal: number | null;
  bytesRead: number;
  counts: BatchCounts;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

function batchQuery(db: Db) {
  return db
    .selectFrom('import_batches as b')
    .innerJoin('libraries as l', 'l.id', 'b.library_id')
    .select([
      'b.id',
      'b.library_id',
      'l.code',
      'l.network_id',
      'b.kind',
      'b.filename',
      'b.format',
      'b.status',
      'b.bytes_total',
      'b.bytes_read',
      'b.n_read',
      'b.n_added',
      'b.n_updated',
      'b.n_unchanged',
      'b.n_deleted',
      'b.n_matched',
      'b.n_rejected',
      'b.error',
      'b.created_at',
      'b.started_at',
      'b.finished_at',
    ]);
}

type BatchRow = Awaited<ReturnType<ReturnType<typeof batchQuery>['executeTakeFirstOrThrow']>>;

const presentBatch = (r: BatchRow): Batch => ({
  id: r.id,
  libraryId: r.library_id,
  libraryCode: r.code,
  kind: r.kind,
  filename: r.filename,
  format: r.format,
  status: r.status,
  bytesTotal: r.bytes_total,
  bytesRead: r.bytes_read,
  counts: {
    read: r.n_read,
    added: r.n_added,
    updated: r.n_updated,
    unchanged: r.n_unchanged,
    deleted: r.n_deleted,
    matched: r.n_matched,
    rejected: r.n_rejected,
  },
  error: r.error,
  createdAt: r.created_at.toISOString(),
  startedAt: r.started_at?.toISOString() ?? null,
  finishedAt: r.finished_at?.toISOString() ?? null,
});

export async function getBatch(db: Db, actor: Actor, id: number): Promise<Batch> {
  const row = await batchQuery(db).where('b.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('batch');
  assertActFor(actor, { id: row.library_id, network_id: row.network_id });
  return presentBatch(row);
}

export async function listBatches(
  db: Db,
  actor: Actor,
  libraryRef: string,
  p: PageParams & { source?: number | undefined },
): Promise<Page<Batch>> {
  const lib = await getLibrary(db, libraryRef);
  assertActFor(actor, { id: lib.id, network_id: lib.networkId });
  const { page, pageSize, offset } = pageOf(p);
  // One harvest source's runs when asked (its run history), else every import and harvest of the library.
  let q = batchQuery(db).where('b.library_id', '=', lib.id);
  let n = db
    .selectFrom('import_batches')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('library_id', '=', lib.id);
  if (p.source !== undefined) {
    q = q.where('b.source_id', '=', p.source);
    n = n.where('source_id', '=', p.source);
  }
  const [rows, count] = await Promise.all([
    q.orderBy('b.id', 'desc').limit(pageSize).offset(offset).execute(),
    n.executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(presentBatch), total: Number(count.n), page, pageSize };
}

export async function rejectedOf(db: Db, actor: Actor, batchId: number, p: PageParams) {
  await getBatch(db, actor, batchId);
  const { page, pageSize, offset } = pageOf(p);
  const [rows, count] = await Promise.all([
    db
      .selectFrom('rejected_records')
      .select(['position', 'reason', 'reason_code', 'reason_params', 'excerpt'])
      .where('batch_id', '=', batchId)
      .orderBy('id')
      .limit(pageSize)
      .offset(offset)
      .execute(),
    db
      .selectFrom('rejected_records')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('batch_id', '=', batchId)
      .executeTakeFirstOrThrow(),
  ]);
  return {
    // The English text as stored, and the reason in the reader's language (rejection-reasons.ts).
    items: rows.map((r) => ({
      position: r.position,
      reason: r.reason,
      reasonCode: r.reason_code,
      reasonParams: r.reason_params,
      reasonText: reasonText(r.reason_code, r.reason_params, r.reason),
      excerpt: r.excerpt,
    })),
    total: Number(count.n),
    page,
    pageSize,
  };
}

export function uploadDir(dataDir: string): string {
  const dir = path.join(dataDir, 'uploads');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Step one of a file import: a batch row, before the bytes arrive. */
export async function createFileBatch(
  db: Db,
  actor: Actor,
  libraryRef: string,
  input: {
    filename: string;
    format?: FormatName | undefined;
    mapping?: string | undefined;
    sheet?: string | undefined;
  },
): Promise<Batch> {
  const lib = await getLibrary(db, libraryRef);
  assertActFor(actor, { id: lib.id, network_id: lib.networkId });
  if (input.mapping && input.format && input.format !== 'csv' && !isWorkbookKind(input.format)) {
    const m = {
      id: 'Berkas yang dibaca dengan pemetaan kolom adalah lembar kerja (format csv, xlsx, xls atau ods)',
      en: 'A file read through a column mapping is a spreadsheet (format csv, xlsx, xls or ods)',
    };
    throw new Invalid([{ field: 'format', message: m }], m);
  }
  if (input.format === 'csv' && !input.mapping) {
    const m = {
      id: 'Format csv memerlukan pemetaan kolom tersimpan (mapping=nama atau nomor)',
      en: 'Format csv needs a saved column mapping (mapping=name or id)',
    };
    throw new Invalid([{ field: 'mapping', message: m }], m);
  }
  if (input.sheet !== undefined && input.format && !isWorkbookKind(input.format)) {
    const m = {
      id: 'Lembar (sheet) hanya dipilih pada buku kerja Excel (.xlsx, .xls) atau lembar kerja OpenDocument (.ods)',
      en: 'A sheet is chosen only in an Excel workbook (.xlsx, .xls) or an OpenDocument spreadsheet (.ods)',
    };
    throw new Invalid([{ field: 'sheet', message: m }], m);
  }
  const mapping = input.mapping ? await resolveMapping(db, actor, libraryRef, input.mapping) : undefined;
  // With a mapping the file is CSV or a workbook: which one is seen from its first bytes when the import runs.
  const format = input.format;
  const id = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('import_batches')
      .values({
        library_id: lib.id,
        kind: 'file',
        filename: input.filename.slice(0, 300),
        format: format ?? null,
        created_by: actor.userId,
        mapping_id: mapping?.id ?? null,
        mapping: mapping ? JSON.stringify({ name: mapping.name, ...specOf(mapping) }) : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, actor, {
      action: 'create',
      entity: 'import_batch',
      entityId: row.id,
      libraryId: lib.id,
      after: {
        filename: input.filename,
        format: format ?? 'auto',
        ...(mapping ? { mapping: { id: mapping.id, name: mapping.name } } : {}),
        ...(input.sheet !== undefined ? { sheet: input.sheet } : {}),
      },
    });
    return row.id;
  });
  return getBatch(db, actor, id);
}

/**
 * Runs a stored upload through parse and ingest. Called by the job queue (or
 * directly by the CLI); a failure marks the batch failed with the reason and
 * keeps whatever chunks were already committed.
 */
export async function runFileBatch(
  db: Db,
  batchId: number,
  file: string,
  matcher: Matcher,
  opts: {
    removeFile?: boolean;
    /** A workbook's sheet by name (default the first). */
    sheet?: string | undefined;
    onProgress?: (b: { bytesRead: number; counts: BatchCounts }) => void;
  } = {},
): Promise<BatchCounts> {
  const batch = await db.selectFrom('import_batches').selectAll().where('id', '=', batchId).executeTakeFirst();
  if (!batch) throw new NotFound('batch');
  if (batch.status === 'done')
    throw new Conflict('batch_done', { id: 'Impor ini sudah selesai', en: 'This import has finished' });
  const size = statSync(file).size;
  await db
    .updateTable('import_batches')
    .set({ status: 'running', started_at: new Date(), bytes_total: size })
    .where('id', '=', batchId)
    .execute();
  let bytesRead = 0;
  const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
  stream.on('data', (chunk) => {
    bytesRead += chunk.length;
  });
  try {
    const mapping = batch.mapping ? toSpreadsheetMapping(batch.mapping as unknown as MappingSpec) : undefined;
    const parsed = parseFile(
      stream,
      (batch.format as FormatName | null) ?? undefined,
      async (format) => {
        await db.updateTable('import_batches').set({ format }).where('id', '=', batchId).execute();
      },
      { ...(mapping ? { mapping } : {}), ...(opts.sheet !== undefined ? { sheet: opts.sheet } : {}) },
    );
    const counts = await ingestStream(
      db,
      { batchId, libraryId: batch.library_id, sourceId: batch.source_id },
      parsed,
      matcher,
      {
        onChunk: async (c) => {
          await db.updateTable('import_batches').set({ bytes_read: bytesRead }).where('id', '=', batchId).execute();
          opts.onProgress?.({ bytesRead, counts: c });
        },
      },
    );
    await db
      .updateTable('import_batches')
      .set({ status: 'done', finished_at: new Date(), bytes_read: size })
      .where('id', '=', batchId)
      .execute();
    return counts;
  } catch (err) {
    await db
      .updateTable('import_batches')
      .set({ status: 'failed', finished_at: new Date(), error: err instanceof Error ? err.message : String(err) })
      .where('id', '=', batchId)
      .execute();
    throw err;
  } finally {
    stream.destroy();
    if (opts.removeFile) await rm(file, { force: true });
  }
}
