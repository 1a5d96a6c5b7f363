import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Type } from '@fastify/type-provider-typebox';
import { AppError } from '../platform/errors.ts';
import { type App, requireActor } from '../platform/http.ts';
import { enqueue } from '../platform/jobs.ts';
import { PageQuery, PageReply } from '../platform/paging.ts';
import { createSource, getSource, type HarvestSource, listSources, PREFIXES, updateSource } from './harvest.ts';
import { FORMAT_NAMES } from './parse.ts';
import { createFileBatch, getBatch, listBatches, rejectedOf, uploadDir } from './service.ts';

const err = { $ref: 'ErrorReply#' } as const;
const errors = { 400: err, 401: err, 403: err, 404: err, 409: err, 413: err };
const staffOnly = [{ session: [] }, { token: [] }];
const MAX_UPLOAD = Number(process.env.SIMPUL_MAX_UPLOAD_MB ?? 2048) * 1024 * 1024;

const Counts = Type.Object({
  read: Type.Integer(),
  added: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  deleted: Type.Integer(),
  matched: Type.Integer(),
  rejected: Type.Integer(),
});

export const BatchSchema = Type.Object({
  id: Type.Integer(),
  libraryId: Type.Integer(),
  libraryCode: Type.String(),
  kind: Type.String(),
  filename: Type.Union([Type.String(), Type.Null()]),
  format: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  bytesTotal: Type.Union([Type.Integer(), Type.Null()]),
  bytesRead: Type.Integer(),
  counts: Counts,
  error: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  startedAt: Type.Union([Type.String(), Type.Null()]),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
});

/** File imports: the bytes stream to disk, a job ingests them, the page polls the batch. */
export async function catalogImportRoutes(app: App): Promise<void> {
  const { database, config } = app.simpul;
  const db = database.db;

  // The upload is the raw file body, streamed; nothing holds the whole file in memory.
  app.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));

  app.post(
    '/libraries/:ref/imports',
    {
      bodyLimit: MAX_UPLOAD,
      schema: {
        tags: ['catalog'],
        summary:
          'Upload a catalogue file (ISO 2709 MARC21 / MARC-8, MARCXML, MODS, oai_dc, SLiMS CSV, or a spreadsheet — CSV, Excel .xlsx or .xls, OpenDocument .ods — with SLiMS columns or through a saved mapping) as the raw body; it is ingested in the background',
        security: staffOnly,
        params: Type.Object({ ref: Type.String({ minLength: 1, maxLength: 40 }) }),
        querystring: Type.Object({
          filename: Type.String({ minLength: 1, maxLength: 300 }),
          format: Type.Optional(Type.Union(FORMAT_NAMES.map((f) => Type.Literal(f)))),
          mapping: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 100,
              description:
                'a saved column mapping of the library (id or name): the file is a spreadsheet (CSV, .xlsx, .xls or .ods) read through it',
            }),
          ),
          sheet: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 100,
              description: 'a workbook (.xlsx, .xls or .ods): the sheet to read, by name (default the first)',
            }),
          ),
        }),
        response: { 202: BatchSchema, ...errors },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const body = req.body as Readable | undefined;
      if (!body || typeof (body as Readable).pipe !== 'function') {
        throw new AppError(400, 'invalid', {
          id: 'Kirim berkas sebagai isi permintaan (Content-Type: application/octet-stream)',
          en: 'Send the file as the request body (Content-Type: application/octet-stream)',
        });
      }
      const batch = await createFileBatch(db, actor, req.params.ref, {
        filename: req.query.filename,
        format: req.query.format,
        mapping: req.query.mapping,
        sheet: req.query.sheet,
      });
      const file = path.join(uploadDir(config.dataDir), `batch-${batch.id}.upload`);
      let size = 0;
      try {
        await pipeline(
          body,
          async function* (source: AsyncIterable<Buffer>) {
            for await (const chunk of source) {
              size += chunk.length;
              if (size > MAX_UPLOAD)
                throw new AppError(413, 'too_large', { id: 'Berkas terlalu besar', en: 'File too large' });
              yield chunk;
            }
          },
          createWriteStream(file),
        );
      } catch (e) {
        await rm(file, { force: true });
        await db
          .updateTable('import_batches')
          .set({ status: 'failed', error: 'upload interrupted', finished_at: new Date() })
          .where('id', '=', batch.id)
          .execute();
        throw e;
      }
      if (size === 0) {
        await rm(file, { force: true });
        await db
          .updateTable('import_batches')
          .set({ status: 'failed', error: 'empty file', finished_at: new Date() })
          .where('id', '=', batch.id)
          .execute();
        throw new AppError(400, 'empty_file', { id: 'Berkas kosong', en: 'The file is empty' });
      }
      await db.updateTable('import_batches').set({ bytes_total: size }).where('id', '=', batch.id).execute();
      await enqueue(
        db,
        'catalog.import',
        { batchId: batch.id, file, ...(req.query.sheet ? { sheet: req.query.sheet } : {}) },
        { maxAttempts: 1 },
      );
      return reply.code(202).send(await getBatch(db, actor, batch.id));
    },
  );

  app.get(
    '/libraries/:ref/imports',
    {
      schema: {
        tags: ['catalog'],
        summary: "A library's imports and harvests, newest first (source: one harvest source's runs)",
        security: staffOnly,
        params: Type.Object({ ref: Type.String({ minLength: 1, maxLength: 40 }) }),
        querystring: Type.Object({ ...PageQuery, source: Type.Optional(Type.Integer({ minimum: 1 })) }),
        response: { 200: PageReply(BatchSchema), ...errors },
      },
    },
    async (req) => listBatches(db, requireActor(req), req.params.ref, req.query),
  );

  app.get(
    '/imports/:id',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Progress and report of one import',
        security: staffOnly,
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 200: BatchSchema, ...errors },
      },
    },
    async (req) => getBatch(db, requireActor(req), req.params.id),
  );

  app.get(
    '/imports/:id/rejected',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Records an import set aside, each with its position and reason',
        security: staffOnly,
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        querystring: Type.Object(PageQuery),
        response: {
          200: PageReply(
            Type.Object({
              position: Type.String(),
              reason: Type.String({ description: 'The reason as the reader or store gave it (English)' }),
              reasonCode: Type.String({
                description: "What kind of reason (rejection-reasons.ts); 'other' when unknown",
              }),
              reasonParams: Type.Record(Type.String(), Type.String()),
              reasonText: Type.Object(
                { id: Type.String(), en: Type.String() },
                { description: 'The reason in Indonesian and English' },
              ),
              excerpt: Type.Union([Type.String(), Type.Null()]),
            }),
          ),
          ...errors,
        },
      },
    },
    async (req) => rejectedOf(db, requireActor(req), req.params.id, req.query),
  );
}

const SourceSchema = Type.Object({
  id: Type.Integer(),
  libraryId: Type.Integer(),
  libraryCode: Type.String(),
  name: Type.String(),
  baseUrl: Type.String(),
  metadataPrefix: Type.String(),
  setSpec: Type.Union([Type.String(), Type.Null()]),
  scheduleHours: Type.Union([Type.Integer(), Type.Null()]),
  enabled: Type.Boolean(),
  lastRunAt: Type.Union([Type.String(), Type.Null()]),
  nextRunAt: Type.Union([Type.String(), Type.Null()]),
  lastBatch: Type.Optional(Type.Union([BatchSchema, Type.Null()])),
});

const sourceFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  baseUrl: Type.String({ minLength: 8, maxLength: 500 }),
  metadataPrefix: Type.Union(PREFIXES.map((p) => Type.Literal(p))),
  setSpec: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()])),
  scheduleHours: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 24 * 90 }), Type.Null()])),
  enabled: Type.Optional(Type.Boolean()),
};

/** OAI-PMH harvest sources of a library: register, schedule, run now, see the last runs. */
export async function catalogSourceRoutes(app: App): Promise<void> {
  const db = app.simpul.database.db;

  const withLastBatch = async (actor: Parameters<typeof getBatch>[1], source: HarvestSource) => {
    const last = await db
      .selectFrom('import_batches')
      .select('id')
      .where('source_id', '=', source.id)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    const { checkpoint: _c, ...rest } = source;
    return { ...rest, lastBatch: last ? await getBatch(db, actor, last.id) : null };
  };

  app.get(
    '/libraries/:ref/harvest-sources',
    {
      schema: {
        tags: ['catalog'],
        summary: "A library's OAI-PMH harvest sources with their last run",
        security: staffOnly,
        params: Type.Object({ ref: Type.String({ minLength: 1, maxLength: 40 }) }),
        response: { 200: Type.Object({ items: Type.Array(SourceSchema) }), ...errors },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      const list = await listSources(db, actor, req.params.ref);
      return { items: await Promise.all(list.map((s) => withLastBatch(actor, s))) };
    },
  );

  app.post(
    '/libraries/:ref/harvest-sources',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Register an OAI-PMH server of the library (SLiMS, Koha, DSpace, OJS...)',
        security: staffOnly,
        params: Type.Object({ ref: Type.String({ minLength: 1, maxLength: 40 }) }),
        body: Type.Object(sourceFields, { additionalProperties: false }),
        response: { 201: SourceSchema, ...errors },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const created = await createSource(db, actor, req.params.ref, req.body);
      return reply.code(201).send(await withLastBatch(actor, created));
    },
  );

  app.patch(
    '/harvest-sources/:id',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Change a harvest source (a new address, format or set starts the list anew)',
        security: staffOnly,
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        body: Type.Partial(Type.Object(sourceFields), { additionalProperties: false, minProperties: 1 }),
        response: { 200: SourceSchema, ...errors },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      return withLastBatch(actor, await updateSource(db, actor, req.params.id, req.body));
    },
  );

  app.post(
    '/harvest-sources/:id/run',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Harvest now (queued; at most one harvest of a source at a time)',
        security: staffOnly,
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 202: Type.Object({ queued: Type.Boolean() }), ...errors },
      },
    },
    async (req, reply) => {
      const source = await getSource(db, requireActor(req), req.params.id);
      const job = await enqueue(
        db,
        'catalog.harvest',
        { sourceId: source.id },
        { uniqueKey: `harvest:${source.id}`, maxAttempts: 3 },
      );
      return reply.code(202).send({ queued: job !== null });
    },
  );
}
