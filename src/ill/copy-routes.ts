import multipart from '@fastify/multipart';
import { Type } from '@fastify/type-provider-typebox';
import { invalidField } from '../platform/errors.ts';
import { type App, requireActor } from '../platform/http.ts';
import { sendStoredFile } from '../platform/stored-files.ts';
import { addCopyFile, copyFileFor, copyTooLarge, MAX_COPY_BYTES } from './copies.ts';
import * as S from './schemas.ts';
import { notFound, t } from './texts.ts';
import { supplierDetail } from './views.ts';

const err = { $ref: 'ErrorReply#' } as const;
const errors = { 400: err, 401: err, 403: err, 404: err, 409: err };
const staffOnly = [{ session: [] }, { token: [] }];
const tags = ['ill'];
const FileParams = Type.Object({ id: Type.Integer({ minimum: 1 }), fileId: Type.Integer({ minimum: 1 }) });

/** Copy files: the lender uploads the scan; both libraries' staff (and no one else) download it. */
export async function copyFileRoutes(app: App): Promise<void> {
  const { database, config } = app.simpul;
  const db = database.db;

  const send = (reply: import('fastify').FastifyReply, f: Parameters<typeof sendStoredFile>[1]) =>
    sendStoredFile(reply, f, 'attachment', () => notFound('copy_file'));

  app.get(
    '/ill/supplier-requests/:id/copy-files/:fileId',
    {
      schema: {
        tags,
        summary: "A copy file, for the lending library's staff",
        security: staffOnly,
        params: FileParams,
        response: { 404: err },
      },
    },
    async (req, reply) =>
      send(reply, await copyFileFor(db, requireActor(req), config.dataDir, 'lender', req.params.id, req.params.fileId)),
  );

  app.get(
    '/ill/requests/:id/copy-files/:fileId',
    {
      schema: {
        tags,
        summary: "A delivered copy file, for the borrowing library's staff",
        security: staffOnly,
        params: FileParams,
        response: { 404: err },
      },
    },
    async (req, reply) =>
      send(
        reply,
        await copyFileFor(db, requireActor(req), config.dataDir, 'borrower', req.params.id, req.params.fileId),
      ),
  );

  // Multipart parsing stays inside this scope so other routes are untouched by it.
  await app.register(async (child) => {
    const scope = child as unknown as App;
    await scope.register(multipart, { limits: { fileSize: MAX_COPY_BYTES, files: 1, fields: 5 } });
    scope.post(
      '/ill/supplier-requests/:id/copy-files',
      {
        schema: {
          tags,
          summary: `Upload the copy (multipart field "file", PDF/JPEG/PNG up to ${MAX_COPY_BYTES / 1024 / 1024} MB) before delivering it`,
          security: staffOnly,
          consumes: ['multipart/form-data'],
          params: S.IdParam,
          response: { 201: S.SupplierDetail, ...errors, 413: err },
        },
      },
      async (req, reply) => {
        const actor = requireActor(req);
        let part: Awaited<ReturnType<typeof req.file>>;
        let bytes: Buffer;
        try {
          part = await req.file();
          if (!part) throw invalidField('file', t('file_missing'));
          bytes = await part.toBuffer();
        } catch (e) {
          const code = (e as { code?: string }).code;
          if (code === 'FST_REQ_FILE_TOO_LARGE') throw copyTooLarge();
          if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') throw invalidField('file', t('file_missing'));
          throw e;
        }
        await addCopyFile(db, actor, config.dataDir, req.params.id, { filename: part.filename, bytes });
        return reply.code(201).send(await supplierDetail(db, actor, req.params.id));
      },
    );
  });
}
