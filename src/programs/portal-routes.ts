import { Type } from '@fastify/type-provider-typebox';
import { type App, requirePatron } from '../platform/http.ts';
import { myCards } from './portal.ts';
import * as S from './schemas.ts';

const err = { $ref: 'ErrorReply#' } as const;
const errors = { 400: err, 401: err, 403: err, 404: err, 409: err };
const patronOnly = [{ session: [] }];
const tags = ['patron portal'];

const MyCard = Type.Object({
  ...S.VisitingCardDetail.properties,
  usableToday: Type.Boolean(),
});

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
}
