import { Type } from '@fastify/type-provider-typebox';
import { type App, requireActor } from '../platform/http.ts';
import {
  closeRound,
  commentOn,
  createRound,
  decideProposal,
  getProposal,
  getRound,
  listRounds,
  orderCopies,
  propose,
  receiveCopy,
  updateRound,
  voteOn,
  withdrawProposal,
} from './acquisition.ts';
import * as C from './coop-schemas.ts';
import { IdParam } from './schemas.ts';

const err = { $ref: 'ErrorReply#' } as const;
const errors = { 400: err, 401: err, 403: err, 404: err, 409: err };
const security = [{ session: [] }, { token: [] }];
const tags = ['programs'];

/** Cooperative acquisition: purchase rounds, proposals, votes, decisions, orders and receipts. */
export async function acquisitionRoutes(app: App): Promise<void> {
  const db = app.simpul.database.db;
  const schema = <T extends object>(summary: string, s: T) => ({ schema: { tags, summary, security, ...s } });

  app.get(
    '/acq-rounds',
    schema('Purchase rounds the caller’s library takes part in (coordinators: the network’s)', {
      querystring: Type.Object({ library: Type.Optional(Type.String({ maxLength: 40 })) }),
      response: { 200: Type.Object({ items: Type.Array(C.RoundSummary) }), ...errors },
    }),
    async (req) => ({ items: await listRounds(db, requireActor(req), req.query) }),
  );
  app.post(
    '/acq-rounds',
    schema('Open a purchase round with a budget, a deadline and member libraries (a library administrator)', {
      body: C.RoundCreate,
      response: { 201: C.Round, ...errors },
    }),
    async (req, reply) => reply.code(201).send(await createRound(db, requireActor(req), req.body)),
  );
  app.get(
    '/acq-rounds/:id',
    schema('One round with its budget, proposals, holdings in the union catalog, votes, comments and copies', {
      params: IdParam,
      response: { 200: C.Round, ...errors },
    }),
    async (req) => getRound(db, requireActor(req), req.params.id),
  );
  app.patch(
    '/acq-rounds/:id',
    schema('Change the budget, deadline, flag threshold or note, or add members (the coordinator)', {
      params: IdParam,
      body: C.RoundPatch,
      response: { 200: C.Round, ...errors },
    }),
    async (req) => updateRound(db, requireActor(req), req.params.id, req.body),
  );
  app.post(
    '/acq-rounds/:id/close',
    schema('Close the round (the coordinator); approved copies can still be ordered and received', {
      params: IdParam,
      response: { 200: C.Round, ...errors },
    }),
    async (req) => closeRound(db, requireActor(req), req.params.id),
  );
  app.post(
    '/acq-rounds/:id/proposals',
    schema('Propose a title (from the catalog or typed in with a valid ISBN) for a member library', {
      params: IdParam,
      body: C.ProposalCreate,
      response: { 201: C.Proposal, ...errors },
    }),
    async (req, reply) => reply.code(201).send(await propose(db, requireActor(req), req.params.id, req.body)),
  );
  app.get(
    '/acq-proposals/:id',
    schema('One proposal', { params: IdParam, response: { 200: C.Proposal, ...errors } }),
    async (req) => getProposal(db, requireActor(req), req.params.id),
  );
  app.post(
    '/acq-proposals/:id/withdraw',
    schema('The proposing library withdraws its proposal', {
      params: IdParam,
      response: { 200: C.Proposal, ...errors },
    }),
    async (req) => withdrawProposal(db, requireActor(req), req.params.id),
  );
  app.post(
    '/acq-proposals/:id/vote',
    schema('A member library votes for (1) or against (-1) a proposal, or takes its vote back (0)', {
      params: IdParam,
      body: C.Vote,
      response: { 200: C.Proposal, ...errors },
    }),
    async (req) => voteOn(db, requireActor(req), req.params.id, req.body),
  );
  app.post(
    '/acq-proposals/:id/comments',
    schema('A member library comments on a proposal', {
      params: IdParam,
      body: C.Comment,
      response: { 201: C.Proposal, ...errors },
    }),
    async (req, reply) => reply.code(201).send(await commentOn(db, requireActor(req), req.params.id, req.body)),
  );
  app.post(
    '/acq-proposals/:id/decision',
    schema('The coordinator approves within the remaining budget (409 over_budget otherwise) or rejects', {
      params: IdParam,
      body: C.Decision,
      response: { 200: C.Proposal, ...errors },
    }),
    async (req) => decideProposal(db, requireActor(req), req.params.id, req.body),
  );
  app.post(
    '/acq-proposals/:id/order',
    schema('The coordinator records the order of approved copies', {
      params: IdParam,
      body: C.Order,
      response: { 200: C.Proposal, ...errors },
    }),
    async (req) => orderCopies(db, requireActor(req), req.params.id, req.body),
  );
  app.post(
    '/acq-copies/:id/receive',
    schema('A copy arrives at the keeping library and becomes its item in the union catalog', {
      params: IdParam,
      body: C.Receive,
      response: { 200: C.Proposal, ...errors },
    }),
    async (req) => receiveCopy(db, requireActor(req), req.params.id, req.body),
  );
}
