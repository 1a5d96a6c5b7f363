import { Type } from '@fastify/type-provider-typebox';
import { type App, requireActor } from '../platform/http.ts';
import {
  createDepositProgram,
  depositCandidates,
  getDepositProgram,
  getDepositSet,
  issueDepositSet,
  listDepositPrograms,
  reportDepositUse,
  resolveMissingItem,
  returnDepositSet,
  rotateDeposit,
} from './deposits.ts';
import * as S from './schemas.ts';

const err = { $ref: 'ErrorReply#' } as const;
const errors = { 400: err, 401: err, 403: err, 404: err, 409: err };
const staffOnly = [{ session: [] }, { token: [] }];
const tags = ['programs'];

/** Deposit collections lent to partner schools, set by set. */
export async function depositRoutes(app: App): Promise<void> {
  const db = app.simpul.database.db;

  app.get(
    '/deposit-programs',
    {
      schema: {
        tags,
        summary: 'Deposit collections the caller’s library lends or receives, with totals per partner',
        security: staffOnly,
        querystring: Type.Object({ library: Type.Optional(Type.String({ maxLength: 40 })) }),
        response: { 200: Type.Object({ items: Type.Array(S.DepositProgram) }), ...errors },
      },
    },
    async (req) => ({ items: await listDepositPrograms(db, requireActor(req), req.query) }),
  );

  app.post(
    '/deposit-programs',
    {
      schema: {
        tags,
        summary: 'Start lending deposit sets to a partner school under an agreement (the lender)',
        security: staffOnly,
        body: S.DepositProgramCreate,
        response: { 201: S.DepositProgram, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(await createDepositProgram(db, requireActor(req), req.body)),
  );

  app.get(
    '/deposit-programs/:id',
    {
      schema: {
        tags,
        summary: 'One deposit collection with its sets and totals',
        security: staffOnly,
        params: S.IdParam,
        response: { 200: S.DepositProgram, ...errors },
      },
    },
    async (req) => getDepositProgram(db, requireActor(req), req.params.id),
  );

  app.get(
    '/deposit-programs/:id/candidates',
    {
      schema: {
        tags,
        summary:
          'Items the lender may send: available, loanable, not sent to this school before; filter by subject or DDC',
        security: staffOnly,
        params: S.IdParam,
        querystring: Type.Object({
          subject: Type.Optional(Type.String({ maxLength: 100 })),
          ddc: Type.Optional(Type.String({ maxLength: 20 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 2000 })),
        }),
        response: { 200: Type.Object({ items: Type.Array(S.Candidate) }), ...errors },
      },
    },
    async (req) => ({ items: await depositCandidates(db, requireActor(req), req.params.id, req.query) }),
  );

  app.post(
    '/deposit-programs/:id/sets',
    {
      schema: {
        tags,
        summary: 'Issue a set: the chosen items (or set-size items picked by filter) go on deposit',
        security: staffOnly,
        params: S.IdParam,
        body: S.DepositIssue,
        response: { 201: S.DepositSet, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(await issueDepositSet(db, requireActor(req), req.params.id, req.body)),
  );

  app.post(
    '/deposit-programs/:id/rotate',
    {
      schema: {
        tags,
        summary: 'Rotation: the set out comes back (missing items recorded) and the next set goes out',
        security: staffOnly,
        params: S.IdParam,
        body: S.DepositRotate,
        response: { 201: Type.Object({ returned: S.DepositSet, issued: S.DepositSet }), ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(await rotateDeposit(db, requireActor(req), req.params.id, req.body)),
  );

  app.get(
    '/deposit-sets/:id',
    {
      schema: {
        tags,
        summary: 'One set with its packing list',
        security: staffOnly,
        params: S.IdParam,
        response: { 200: S.DepositSet, ...errors },
      },
    },
    async (req) => getDepositSet(db, requireActor(req), req.params.id),
  );

  app.post(
    '/deposit-sets/:id/return',
    {
      schema: {
        tags,
        summary: 'The set comes back without a new one (end of the program); missing items recorded',
        security: staffOnly,
        params: S.IdParam,
        body: S.DepositReturn,
        response: { 200: S.DepositSet, ...errors },
      },
    },
    async (req) => returnDepositSet(db, requireActor(req), req.params.id, req.body),
  );

  app.post(
    '/deposit-sets/:id/usage',
    {
      schema: {
        tags,
        summary: 'Record how often the school lent the set (the school or the lender)',
        security: staffOnly,
        params: S.IdParam,
        body: S.DepositUse,
        response: { 200: S.DepositSet, ...errors },
      },
    },
    async (req) => reportDepositUse(db, requireActor(req), req.params.id, req.body),
  );

  app.post(
    '/deposit-sets/:id/items/:itemId/resolve',
    {
      schema: {
        tags,
        summary: 'Settle a missing item as the agreement says: a replacement copy received, or payment',
        security: staffOnly,
        params: Type.Object({ id: Type.Integer({ minimum: 1 }), itemId: Type.Integer({ minimum: 1 }) }),
        body: S.DepositResolve,
        response: { 200: S.DepositSet, ...errors },
      },
    },
    async (req) => resolveMissingItem(db, requireActor(req), req.params.id, req.params.itemId, req.body),
  );
}
