import { Type } from '@fastify/type-provider-typebox';
import { type App, requireActor } from '../platform/http.ts';
import * as C from './coop-schemas.ts';
import { addDays, todayIso } from './dates.ts';
import {
  addChange,
  addRule,
  addStop,
  boardItems,
  createRoute,
  endRule,
  getRoute,
  listRoutes,
  loadOnBoard,
  mobileSchedule,
  recordVisit,
  routeResults,
  unloadFromBoard,
  updateRoute,
  updateStop,
} from './mobile.ts';
import { DateStr, IdParam } from './schemas.ts';

const err = { $ref: 'ErrorReply#' } as const;
const errors = { 400: err, 401: err, 403: err, 404: err, 409: err };
const security = [{ session: [] }, { token: [] }];
const tags = ['programs'];

/** Mobile library: routes, stops, timetable, collection on board, visits and results. */
export async function mobileRoutes(app: App): Promise<void> {
  const db = app.simpul.database.db;
  const schema = <T extends object>(summary: string, s: T) => ({ schema: { tags, summary, security, ...s } });

  app.get(
    '/mobile-routes',
    schema('Mobile library routes the caller’s library runs or that stop at it', {
      querystring: Type.Object({ library: Type.Optional(Type.String({ maxLength: 40 })) }),
      response: { 200: Type.Object({ items: Type.Array(C.RouteSummary) }), ...errors },
    }),
    async (req) => ({ items: await listRoutes(db, requireActor(req), req.query) }),
  );
  app.post(
    '/mobile-routes',
    schema('Start a mobile library route (vehicle, staff) for the caller’s library', {
      body: C.RouteCreate,
      response: { 201: C.Route, ...errors },
    }),
    async (req, reply) => reply.code(201).send(await createRoute(db, requireActor(req), req.body)),
  );
  app.get(
    '/mobile-routes/:id',
    schema('One route: stops with their timetable and next visits, open loans, recent visits', {
      params: IdParam,
      response: { 200: C.Route, ...errors },
    }),
    async (req) => getRoute(db, requireActor(req), req.params.id),
  );
  app.patch(
    '/mobile-routes/:id',
    schema('Change a route’s name, vehicle, staff or whether it runs', {
      params: IdParam,
      body: C.RoutePatch,
      response: { 200: C.Route, ...errors },
    }),
    async (req) => updateRoute(db, requireActor(req), req.params.id, req.body),
  );
  app.post(
    '/mobile-routes/:id/stops',
    schema('Add a stop (school, village, public space, partner library) with its hours and weekly rule', {
      params: IdParam,
      body: C.StopCreate,
      response: { 201: C.Route, ...errors },
    }),
    async (req, reply) => reply.code(201).send(await addStop(db, requireActor(req), req.params.id, req.body)),
  );
  app.patch(
    '/mobile-stops/:id',
    schema('Change a stop’s name, address, hours or whether it is served', {
      params: IdParam,
      body: C.StopPatch,
      response: { 200: C.Route, ...errors },
    }),
    async (req) => updateStop(db, requireActor(req), req.params.id, req.body),
  );
  app.post(
    '/mobile-stops/:id/rules',
    schema('Add a recurring rule (weekday, every n weeks, from a date not in the past)', {
      params: IdParam,
      body: C.RuleCreate,
      response: { 201: C.Route, ...errors },
    }),
    async (req, reply) => reply.code(201).send(await addRule(db, requireActor(req), req.params.id, req.body)),
  );
  app.post(
    '/mobile-rules/:id/end',
    schema('End a recurring rule from today', { params: IdParam, response: { 200: C.Route, ...errors } }),
    async (req) => endRule(db, requireActor(req), req.params.id),
  );
  app.post(
    '/mobile-stops/:id/changes',
    schema('A one-off change: cancel a scheduled day or add an extra one (never in the past)', {
      params: IdParam,
      body: C.ChangeCreate,
      response: { 201: C.Route, ...errors },
    }),
    async (req, reply) => reply.code(201).send(await addChange(db, requireActor(req), req.params.id, req.body)),
  );
  app.get(
    '/mobile-routes/:id/collection',
    schema('Items on board', {
      params: IdParam,
      response: { 200: Type.Object({ items: Type.Array(C.BoardItem) }), ...errors },
    }),
    async (req) => ({ items: await boardItems(db, requireActor(req), req.params.id) }),
  );
  app.post(
    '/mobile-routes/:id/collection',
    schema('Load items of the library on board by barcode', {
      params: IdParam,
      body: C.BoardLoad,
      response: { 200: Type.Object({ items: Type.Array(C.BoardItem) }), ...errors },
    }),
    async (req) => ({ items: await loadOnBoard(db, requireActor(req), req.params.id, req.body) }),
  );
  app.post(
    '/mobile-routes/:id/collection/unload',
    schema('Take items off the vehicle', {
      params: IdParam,
      body: C.BoardUnload,
      response: { 200: Type.Object({ items: Type.Array(C.BoardItem) }), ...errors },
    }),
    async (req) => ({ items: await unloadFromBoard(db, requireActor(req), req.params.id, req.body) }),
  );
  app.post(
    '/mobile-stops/:id/visits',
    schema('Record a visit on a scheduled day: visitors, loans (due at the next visit) and returns', {
      params: IdParam,
      body: C.VisitCreate,
      response: { 201: C.VisitResult, ...errors },
    }),
    async (req, reply) => reply.code(201).send(await recordVisit(db, requireActor(req), req.params.id, req.body)),
  );
  app.get(
    '/mobile-schedule',
    schema('The timetable between two dates: the operator’s stops, or a partner’s own stops', {
      querystring: Type.Object({
        from: Type.Optional(DateStr),
        to: Type.Optional(DateStr),
        library: Type.Optional(Type.String({ maxLength: 40 })),
      }),
      response: { 200: Type.Object({ items: Type.Array(C.ScheduleEntry) }), ...errors },
    }),
    async (req) => {
      const from = req.query.from ?? todayIso();
      const to = req.query.to ?? addDays(from, 60);
      return { items: await mobileSchedule(db, requireActor(req), { from, to, library: req.query.library }) };
    },
  );
  app.get(
    '/mobile-routes/:id/results',
    schema('Visits, visitors, loans and returns per stop and month', {
      params: IdParam,
      querystring: C.Range,
      response: { 200: Type.Object({ items: Type.Array(C.StopMonth) }), ...errors },
    }),
    async (req) => ({ items: await routeResults(db, requireActor(req), req.params.id, req.query) }),
  );
}
