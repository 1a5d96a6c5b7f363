import { Type } from '@fastify/type-provider-typebox';
import { type App, requireActor } from '../platform/http.ts';
import { PageQuery, PageReply } from '../platform/paging.ts';
import { getCard, issueCard, listCards, revokeCard } from './cards.ts';
import * as S from './schemas.ts';
import { announceVisit, cancelVisit, checkIn, listVisits } from './visits.ts';

const err = { $ref: 'ErrorReply#' } as const;
const errors = { 400: err, 401: err, 403: err, 404: err, 409: err };
const staffOnly = [{ session: [] }, { token: [] }];
const tags = ['programs'];

/** Reciprocal visiting cards (silang layan) and the visits made with them. */
export async function cardRoutes(app: App): Promise<void> {
  const db = app.simpul.database.db;

  app.get(
    '/visiting-cards',
    {
      schema: {
        tags,
        summary: 'Visiting cards a library issued to its patrons (default: the caller’s library)',
        security: staffOnly,
        querystring: Type.Object({
          library: Type.Optional(Type.String({ maxLength: 40 })),
          q: Type.Optional(Type.String({ maxLength: 100 })),
          status: Type.Optional(S.OneOf(['active', 'revoked'] as const)),
          ...PageQuery,
        }),
        response: { 200: PageReply(S.VisitingCard), ...errors },
      },
    },
    async (req) => listCards(db, requireActor(req), req.query),
  );

  app.post(
    '/visiting-cards',
    {
      schema: {
        tags,
        summary: 'Issue a visiting card to a patron of a participating library under an agreement in force',
        security: staffOnly,
        body: S.CardCreate,
        response: { 201: S.VisitingCardDetail, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(await issueCard(db, requireActor(req), req.body)),
  );

  app.get(
    '/visiting-cards/:id',
    {
      schema: {
        tags,
        summary: 'One visiting card with its QR code (SVG) for printing',
        security: staffOnly,
        params: S.IdParam,
        response: { 200: S.VisitingCardDetail, ...errors },
      },
    },
    async (req) => getCard(db, requireActor(req), req.params.id),
  );

  app.post(
    '/visiting-cards/:id/revoke',
    {
      schema: {
        tags,
        summary: 'Revoke a visiting card (its home library)',
        security: staffOnly,
        params: S.IdParam,
        body: S.Reason,
        response: { 200: S.VisitingCardDetail, ...errors },
      },
    },
    async (req) => revokeCard(db, requireActor(req), req.params.id, req.body.reason),
  );

  app.post(
    '/visits/check-in',
    {
      schema: {
        tags,
        summary:
          'Check a visitor in by scanned or typed card number: valid / expired / revoked / not a participant / unknown, and what she may use here',
        security: staffOnly,
        body: S.CheckIn,
        response: { 200: S.CheckInAnswer, ...errors },
      },
    },
    async (req) => checkIn(db, requireActor(req), req.body),
  );

  app.post(
    '/visits',
    {
      schema: {
        tags,
        summary: 'Announce a visit beforehand (the cardholder’s home library)',
        security: staffOnly,
        body: S.VisitCreate,
        response: { 201: S.Visit, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(await announceVisit(db, requireActor(req), req.body)),
  );

  app.get(
    '/visits',
    {
      schema: {
        tags,
        summary: 'Visits a library received, or made by its cardholders elsewhere (direction=made)',
        security: staffOnly,
        querystring: Type.Object({
          library: Type.Optional(Type.String({ maxLength: 40 })),
          direction: Type.Optional(S.OneOf(['received', 'made'] as const)),
          status: Type.Optional(S.OneOf(['announced', 'checked_in', 'cancelled'] as const)),
          plannedFrom: Type.Optional(S.DateStr),
          ...PageQuery,
        }),
        response: { 200: PageReply(S.Visit), ...errors },
      },
    },
    async (req) => listVisits(db, requireActor(req), req.query),
  );

  app.post(
    '/visits/:id/cancel',
    {
      schema: {
        tags,
        summary: 'Cancel an announced visit (the home or the visited library)',
        security: staffOnly,
        params: S.IdParam,
        response: { 200: S.Visit, ...errors },
      },
    },
    async (req) => cancelVisit(db, requireActor(req), req.params.id),
  );
}
