import { Type } from '@fastify/type-provider-typebox';
import { type App, requireActor } from '../platform/http.ts';
import { coopFigures, networkCalendar } from './coop-reports.ts';
import * as C from './coop-schemas.ts';
import { DateStr } from './schemas.ts';

const err = { $ref: 'ErrorReply#' } as const;
const errors = { 400: err, 401: err, 403: err, 404: err, 409: err };
const security = [{ session: [] }, { token: [] }];
const tags = ['programs'];

/** The network calendar of the programs and the figures of acquisition, mobile library, internships and training. */
export async function calendarRoutes(app: App): Promise<void> {
  const db = app.simpul.database.db;
  app.get(
    '/program-calendar',
    {
      schema: {
        tags,
        summary:
          'Network calendar: acquisition deadlines, mobile library visits, internships, training (and other programs’ entries), by month or dates, for one library',
        security,
        querystring: Type.Object({
          month: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}$', description: 'YYYY-MM' })),
          from: Type.Optional(DateStr),
          to: Type.Optional(DateStr),
          library: Type.Optional(Type.String({ maxLength: 40 })),
          program: Type.Optional(Type.String({ maxLength: 40 })),
        }),
        response: {
          200: Type.Object({ from: Type.String(), to: Type.String(), items: Type.Array(C.CalendarEntry) }),
          ...errors,
        },
      },
    },
    async (req) => networkCalendar(db, requireActor(req), req.query),
  );
  app.get(
    '/program-figures/cooperation',
    {
      schema: {
        tags,
        summary:
          'Figures: acquisition spending and duplicates avoided, mobile library per stop and month, interns hosted, staff trained',
        security,
        querystring: C.Range,
        response: { 200: C.CoopFigures, ...errors },
      },
    },
    async (req) => coopFigures(db, requireActor(req), req.query),
  );
}
