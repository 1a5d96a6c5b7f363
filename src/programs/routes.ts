import multipart from '@fastify/multipart';
import { Type } from '@fastify/type-provider-typebox';
import { invalidField } from '../platform/errors.ts';
import { type App, requireActor } from '../platform/http.ts';
import { PageQuery, PageReply } from '../platform/paging.ts';
import { sendStoredFile } from '../platform/stored-files.ts';
import { acquisitionRoutes } from './acquisition-routes.ts';
import {
  activateAgreement,
  agreementHistory,
  agreementTermsFor,
  createAgreement,
  getAgreement,
  listAgreements,
  listNotices,
  renewAgreement,
  terminateAgreement,
  updateAgreement,
} from './agreements.ts';
import { calendarRoutes } from './calendar-routes.ts';
import { cardRoutes } from './card-routes.ts';
import { depositRoutes } from './deposit-routes.ts';
import { addAgreementDocument, agreementDocumentFile, fileTooLarge, MAX_DOCUMENT_BYTES } from './documents.ts';
import { exchangeRoutes } from './exchange-routes.ts';
import { notFound, pmsg } from './messages.ts';
import { mobileRoutes } from './mobile-routes.ts';
import { figures } from './reports.ts';
import * as S from './schemas.ts';
import { trainingRoutes } from './training-routes.ts';

const err = { $ref: 'ErrorReply#' } as const;
export const errors = { 400: err, 401: err, 403: err, 404: err, 409: err };
export const staffOnly = [{ session: [] }, { token: [] }];
const tags = ['programs'];

/** Agreements, visiting cards and visits, deposit collections, and their figures. */
export async function programsRoutes(app: App): Promise<void> {
  const { database, config } = app.simpul;
  const db = database.db;

  app.get(
    '/agreements',
    {
      schema: {
        tags,
        summary: 'Agreements the caller may see: those of her library, her network (coordinators), and public ones',
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 100 })),
          partner: Type.Optional(Type.String({ maxLength: 40, description: 'library code or id' })),
          status: Type.Optional(S.AgreementStatus),
          program: Type.Optional(S.ProgramName),
          expiringSoon: Type.Optional(Type.Boolean()),
          asOf: Type.Optional(S.DateStr),
          ...PageQuery,
        }),
        response: { 200: PageReply(S.AgreementSummary), 400: err },
      },
    },
    async (req) => listAgreements(db, req.actor, req.query),
  );

  app.post(
    '/agreements',
    {
      schema: {
        tags,
        summary: 'Register an agreement (MoU or PKS) as a draft (administrator of a party library)',
        security: staffOnly,
        body: S.AgreementCreate,
        response: { 201: S.Agreement, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(await createAgreement(db, requireActor(req), req.body)),
  );

  app.get(
    '/agreements/:id',
    {
      schema: {
        tags,
        summary: 'One agreement with its parties, terms and documents',
        params: S.IdParam,
        querystring: Type.Object({ asOf: Type.Optional(S.DateStr) }),
        response: { 200: S.Agreement, 404: err },
      },
    },
    async (req) => getAgreement(db, req.actor, req.params.id, req.query.asOf),
  );

  app.patch(
    '/agreements/:id',
    {
      schema: {
        tags,
        summary: 'Change an agreement (not once renewed or terminated)',
        security: staffOnly,
        params: S.IdParam,
        body: S.AgreementPatch,
        response: { 200: S.Agreement, ...errors },
      },
    },
    async (req) => updateAgreement(db, requireActor(req), req.params.id, req.body),
  );

  app.post(
    '/agreements/:id/activate',
    {
      schema: {
        tags,
        summary: 'Put a draft agreement into force',
        security: staffOnly,
        params: S.IdParam,
        response: { 200: S.Agreement, ...errors },
      },
    },
    async (req) => activateAgreement(db, requireActor(req), req.params.id),
  );

  app.post(
    '/agreements/:id/terminate',
    {
      schema: {
        tags,
        summary: 'End an agreement in force before its end date, with the reason',
        security: staffOnly,
        params: S.IdParam,
        body: S.Terminate,
        response: { 200: S.Agreement, ...errors },
      },
    },
    async (req) => terminateAgreement(db, requireActor(req), req.params.id, req.body.reason),
  );

  app.post(
    '/agreements/:id/renew',
    {
      schema: {
        tags,
        summary: 'Renew: a new agreement in force for new dates, linked to this one, which becomes renewed',
        security: staffOnly,
        params: S.IdParam,
        body: S.Renew,
        response: { 201: S.Agreement, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(await renewAgreement(db, requireActor(req), req.params.id, req.body)),
  );

  app.get(
    '/agreements/:id/history',
    {
      schema: {
        tags,
        summary: 'What happened to an agreement, from the audit log',
        params: S.IdParam,
        response: { 200: S.History, 404: err },
      },
    },
    async (req) => ({ items: await agreementHistory(db, req.actor, req.params.id) }),
  );

  app.get(
    '/agreements/:id/documents/:documentId',
    {
      schema: {
        tags,
        summary: 'A signed document of the agreement (parties only, or anyone when the agreement is public)',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }), documentId: Type.Integer({ minimum: 1 }) }),
        response: { 404: err },
      },
    },
    async (req, reply) => {
      const f = await agreementDocumentFile(db, req.actor, config.dataDir, req.params.id, req.params.documentId);
      return sendStoredFile(reply, f, 'inline', () => notFound('document'));
    },
  );

  // Multipart parsing stays inside this scope so other modules' routes are untouched by it.
  await app.register(async (child) => {
    const scope = child as unknown as App;
    await scope.register(multipart, { limits: { fileSize: MAX_DOCUMENT_BYTES, files: 1, fields: 5 } });
    scope.post(
      '/agreements/:id/documents',
      {
        schema: {
          tags,
          summary: `Attach a signed document: multipart field "file", PDF/JPEG/PNG up to ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB`,
          security: staffOnly,
          consumes: ['multipart/form-data'],
          params: S.IdParam,
          response: { 201: S.AgreementDocument, ...errors, 413: err },
        },
      },
      async (req, reply) => {
        const actor = requireActor(req);
        let part: Awaited<ReturnType<typeof req.file>>;
        let bytes: Buffer;
        try {
          part = await req.file();
          if (!part) throw invalidField('file', pmsg('file_missing'));
          bytes = await part.toBuffer();
        } catch (e) {
          const code = (e as { code?: string }).code;
          if (code === 'FST_REQ_FILE_TOO_LARGE') throw fileTooLarge();
          if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') throw invalidField('file', pmsg('file_missing'));
          throw e;
        }
        const doc = await addAgreementDocument(db, actor, config.dataDir, req.params.id, {
          filename: part.filename,
          bytes,
        });
        return reply.code(201).send(doc);
      },
    );
  });

  app.get(
    '/agreement-terms',
    {
      schema: {
        tags,
        summary:
          'What the agreements in force between a (receiving) and b (providing) allow for a program on a date; ILL asks this',
        security: staffOnly,
        querystring: Type.Object({
          a: Type.String({ minLength: 1, maxLength: 40 }),
          b: Type.String({ minLength: 1, maxLength: 40 }),
          program: S.ProgramName,
          date: Type.Optional(S.DateStr),
        }),
        response: { 200: S.TermsAnswer, ...errors },
      },
    },
    async (req) =>
      agreementTermsFor(db, requireActor(req), req.query.a, req.query.b, req.query.program, req.query.date),
  );

  app.get(
    '/program-notices',
    {
      schema: {
        tags,
        summary: "Reminders of agreements ending (90/30/7 days) for the caller's library",
        security: staffOnly,
        response: { 200: S.Notices, ...errors },
      },
    },
    async (req) => ({ items: await listNotices(db, requireActor(req)) }),
  );

  await cardRoutes(app);
  await depositRoutes(app);
  await acquisitionRoutes(app);
  await mobileRoutes(app);
  await trainingRoutes(app);
  await calendarRoutes(app);
  await exchangeRoutes(app);

  app.get(
    '/program-figures',
    {
      schema: {
        tags,
        summary: 'Figures: agreements per library, visits per library and month, deposit items per partner',
        security: staffOnly,
        querystring: Type.Object({ from: Type.Optional(S.DateStr), to: Type.Optional(S.DateStr) }),
        response: { 200: S.Figures, ...errors },
      },
    },
    async (req) => figures(db, requireActor(req), req.query),
  );
}
