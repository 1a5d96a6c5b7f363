import { Type } from '@fastify/type-provider-typebox';
import { type App, requirePatron } from '../platform/http.ts';
import { announceOwnVisit, cancelOwnVisit, myCards, myVisits } from './portal.ts';
import * as S from './schemas.ts';

const err = { $ref: 'ErrorReply#' } as const;
const errors = { 400: err, 401: err, 403: err, 404: err, 409: err };
const patronOnly = [{ session: [] }];
const tags = ['patron portal'];

const Privilege = Type.Object({
  key: S.OneOf(['on_site_reading', 'photocopy', 'home_loan'] as const),
  allowed: Type.Boolean(),
  loanPeriodDays: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
});
const MyCard = Type.Object({
  ...S.VisitingCardDetail.properties,
  usableToday: Type.Boolean(),
  places: Type.Array(
    Type.Object({
      library: Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() }),
      privileges: Type.Array(Privilege),
    }),
  ),
});
const MyVisitCreate = Type.Object(
  {
    cardNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
    libraryCode: Type.String({ minLength: 1, maxLength: 40 }),
    plannedOn: S.DateStr,
    purpose: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
  },
  { additionalProperties: false },
);

/** The cardholder's side of the programs: her visiting cards and the visits she announces. */
export async function programsPortalRoutes(app: App): Promise<void> {
  const db = app.simpul.database.db;

  app.get(
    '/me/visiting-cards',
    {
      schema: {
        tags,
        summary: "The signed-in patron's visiting cards with their QR codes",
        security: patronOnly,
        response: { 200: Type.Object({ items: Type.Array(MyCard) }), ...errors },
      },
    },
    async (req) => ({ items: await myCards(db, requirePatron(req)) }),
  );

  app.get(
    '/me/visits',
    {
      schema: {
        tags,
        summary: "The signed-in patron's visits: announced, made and cancelled",
        security: patronOnly,
        response: { 200: Type.Object({ items: Type.Array(S.Visit) }), ...errors },
      },
    },
    async (req) => ({ items: await myVisits(db, requirePatron(req)) }),
  );

  app.post(
    '/me/visits',
    {
      schema: {
        tags,
        summary: 'The cardholder announces her visit to a library her card is valid at, on a day it is valid',
        security: patronOnly,
        body: MyVisitCreate,
        response: { 201: S.Visit, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(await announceOwnVisit(db, requirePatron(req), req.body)),
  );

  app.post(
    '/me/visits/:id/cancel',
    {
      schema: {
        tags,
        summary: 'The cardholder cancels her announced visit',
        security: patronOnly,
        params: S.IdParam,
        response: { 200: S.Visit, ...errors },
      },
    },
    async (req) => cancelOwnVisit(db, requirePatron(req), req.params.id),
  );
}
