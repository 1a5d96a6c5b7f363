import { Type } from '@fastify/type-provider-typebox';
import { type App, requireActor } from '../platform/http.ts';
import { PageQuery, PageReply } from '../platform/paging.ts';
import { addMonths, todayIso } from './dates.ts';
import {
  actOnRequest,
  createOffer,
  createRequest,
  exchangeCalendarEntries,
  exchangeFigures,
  exchangeLedger,
  getOffer,
  getRequest,
  listOffers,
  listRequests,
  updateOffer,
} from './exchange.ts';
import * as X from './exchange-schemas.ts';
import {
  addLines,
  allocateClaim,
  allocateList,
  claimLine,
  createList,
  getClaim,
  getList,
  listClaims,
  listLists,
  receiveClaim,
  redistributionFigures,
  setListStatus,
  shipClaim,
  updateList,
  withdrawClaim,
  withdrawLine,
} from './redistribution.ts';
import { DateStr, IdParam } from './schemas.ts';

const err = { $ref: 'ErrorReply#' } as const;
const errors = { 400: err, 401: err, 403: err, 404: err, 409: err };
const security = [{ session: [] }, { token: [] }];
const tags = ['programs'];
const Lib = Type.Optional(Type.String({ maxLength: 40 }));

/** Exchange of publications and redistribution of surplus copies. */
export async function exchangeRoutes(app: App): Promise<void> {
  const db = app.simpul.database.db;

  // ---------------------------------------------------------------- exchange
  app.get(
    '/exchange/offers',
    {
      schema: {
        tags,
        summary:
          'Publications the network’s libraries offer for exchange; filter by library, text, frequency, partners',
        security,
        querystring: Type.Object({
          library: Lib,
          q: Type.Optional(Type.String({ maxLength: 200 })),
          frequency: Type.Optional(X.Frequency),
          partners: Type.Optional(Type.Boolean()),
          all: Type.Optional(Type.Boolean()),
          ...PageQuery,
        }),
        response: { 200: PageReply(X.ExchangeOffer), ...errors },
      },
    },
    async (req) => listOffers(db, requireActor(req), req.query),
  );
  app.post(
    '/exchange/offers',
    {
      schema: {
        tags,
        summary: 'Offer a publication the library issues itself for exchange',
        security,
        body: X.OfferCreate,
        response: { 201: X.ExchangeOffer, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(await createOffer(db, requireActor(req), req.body)),
  );
  app.get(
    '/exchange/offers/:id',
    {
      schema: {
        tags,
        summary: 'One exchange offer',
        security,
        params: IdParam,
        response: { 200: X.ExchangeOffer, ...errors },
      },
    },
    async (req) => getOffer(db, requireActor(req), req.params.id),
  );
  app.patch(
    '/exchange/offers/:id',
    {
      schema: {
        tags,
        summary: 'Change an offer (copies, withdraw with active=false) — the offering library',
        security,
        params: IdParam,
        body: X.OfferPatch,
        response: { 200: X.ExchangeOffer, ...errors },
      },
    },
    async (req) => updateOffer(db, requireActor(req), req.params.id, req.body),
  );
  app.get(
    '/exchange/requests',
    {
      schema: {
        tags,
        summary: 'Exchange requests of a library: incoming (as publisher) and outgoing; coordinators see the network',
        security,
        querystring: Type.Object({
          library: Lib,
          direction: Type.Optional(X.OneOfDirection),
          status: Type.Optional(X.ExchangeStatus),
          partner: Lib,
          offerId: Type.Optional(Type.Integer({ minimum: 1 })),
          ...PageQuery,
        }),
        response: { 200: PageReply(X.ExchangeRequest), ...errors },
      },
    },
    async (req) => listRequests(db, requireActor(req), req.query),
  );
  app.post(
    '/exchange/requests',
    {
      schema: {
        tags,
        summary: 'Ask a partner for a title it offers (needs an exchange agreement in force)',
        security,
        body: X.RequestCreate,
        response: { 201: X.ExchangeRequest, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(await createRequest(db, requireActor(req), req.body)),
  );
  app.get(
    '/exchange/requests/:id',
    {
      schema: {
        tags,
        summary: 'One exchange request',
        security,
        params: IdParam,
        response: { 200: X.ExchangeRequest, ...errors },
      },
    },
    async (req) => getRequest(db, requireActor(req), req.params.id),
  );
  app.post(
    '/exchange/requests/:id/:action',
    {
      schema: {
        tags,
        summary:
          'Move a request: agree / decline / ship (the publisher), receive (the requester), cancel (either; reason needed)',
        security,
        params: Type.Object({ id: Type.Integer({ minimum: 1 }), action: X.ExchangeActionName }),
        body: Type.Optional(X.RequestAction),
        response: { 200: X.ExchangeRequest, ...errors },
      },
    },
    async (req) => actOnRequest(db, requireActor(req), req.params.id, req.params.action, req.body ?? {}),
  );
  app.get(
    '/exchange/ledger',
    {
      schema: {
        tags,
        summary: 'Ledger of a library with each exchange partner: sent, received, balance against the agreed ratio',
        security,
        querystring: Type.Object({
          library: Lib,
          partner: Lib,
          from: Type.Optional(DateStr),
          to: Type.Optional(DateStr),
        }),
        response: {
          200: Type.Object({ rows: Type.Array(X.LedgerRow), entries: Type.Array(X.LedgerEntry) }),
          ...errors,
        },
      },
    },
    async (req) => exchangeLedger(db, requireActor(req), req.query),
  );
  app.get(
    '/exchange/figures',
    {
      schema: {
        tags,
        summary: 'Titles exchanged and balance per library and partner in a period (coordinators: the network)',
        security,
        querystring: X.PeriodQuery,
        response: { 200: Type.Object({ rows: Type.Array(X.LedgerRow) }), ...errors },
      },
    },
    async (req) => ({ rows: await exchangeFigures(db, requireActor(req), req.query) }),
  );
  app.get(
    '/exchange/calendar',
    {
      schema: {
        tags,
        summary: 'Exchanges due in a period (default: the next three months), for the network calendar',
        security,
        querystring: Type.Object({ from: Type.Optional(DateStr), to: Type.Optional(DateStr) }),
        response: { 200: Type.Object({ items: Type.Array(X.CalendarEntry) }), ...errors },
      },
    },
    async (req) => {
      const from = req.query.from ?? todayIso();
      return { items: await exchangeCalendarEntries(db, requireActor(req), from, req.query.to ?? addMonths(from, 3)) };
    },
  );

  // ---------------------------------------------------------------- redistribution
  app.get(
    '/redistribution/lists',
    {
      schema: {
        tags,
        summary: 'Lists of surplus, duplicate and weeded copies offered in the network (drafts: only their library)',
        security,
        querystring: Type.Object({
          library: Lib,
          status: Type.Optional(X.ListStatus),
          q: Type.Optional(Type.String({ maxLength: 200 })),
          newForMe: Type.Optional(Type.Boolean()),
          ...PageQuery,
        }),
        response: { 200: PageReply(X.RedistributionList), ...errors },
      },
    },
    async (req) => listLists(db, requireActor(req), req.query),
  );
  app.post(
    '/redistribution/lists',
    {
      schema: {
        tags,
        summary: 'Start a list of copies to give away (a draft until published)',
        security,
        body: X.ListCreate,
        response: { 201: X.RedistributionListDetail, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(await createList(db, requireActor(req), req.body)),
  );
  app.get(
    '/redistribution/lists/:id',
    {
      schema: {
        tags,
        summary: 'A list with its lines, marks for titles the caller does not hold, and claims',
        security,
        params: IdParam,
        response: { 200: X.RedistributionListDetail, ...errors },
      },
    },
    async (req) => getList(db, requireActor(req), req.params.id),
  );
  app.patch(
    '/redistribution/lists/:id',
    {
      schema: {
        tags,
        summary: 'Change a list’s title, note, allocation rule or claim deadline (the offering library)',
        security,
        params: IdParam,
        body: X.ListPatch,
        response: { 200: X.RedistributionListDetail, ...errors },
      },
    },
    async (req) => updateList(db, requireActor(req), req.params.id, req.body),
  );
  app.post(
    '/redistribution/lists/:id/lines',
    {
      schema: {
        tags,
        summary: 'Add lines: the library’s items by barcode, or uncatalogued stock with title, copies and condition',
        security,
        params: IdParam,
        body: X.LinesAdd,
        response: { 200: X.RedistributionListDetail, ...errors },
      },
    },
    async (req) => addLines(db, requireActor(req), req.params.id, req.body.lines),
  );
  for (const [path, to, summary] of [
    ['publish', 'published', 'Publish a draft list to the network'],
    ['close', 'closed', 'Close a list; claims not allocated lapse'],
  ] as const) {
    app.post(
      `/redistribution/lists/:id/${path}`,
      {
        schema: { tags, summary, security, params: IdParam, response: { 200: X.RedistributionListDetail, ...errors } },
      },
      async (req) => setListStatus(db, requireActor(req), req.params.id, to),
    );
  }
  app.post(
    '/redistribution/lists/:id/allocate',
    {
      schema: {
        tags,
        summary: 'Allocate every open claim by the list’s rule (first come, or libraries without a copy first)',
        security,
        params: IdParam,
        body: Type.Optional(Type.Object({ rule: Type.Optional(X.AllocationRule) }, { additionalProperties: false })),
        response: { 200: X.RedistributionListDetail, ...errors },
      },
    },
    async (req) => allocateList(db, requireActor(req), req.params.id, req.body ?? {}),
  );
  app.post(
    '/redistribution/lines/:id/withdraw',
    {
      schema: {
        tags,
        summary: 'Take a line off its list (nothing allocated yet)',
        security,
        params: IdParam,
        response: { 200: X.RedistributionListDetail, ...errors },
      },
    },
    async (req) => withdrawLine(db, requireActor(req), req.params.id),
  );
  app.post(
    '/redistribution/lines/:id/claims',
    {
      schema: {
        tags,
        summary: 'Claim a line for the caller’s library',
        security,
        params: IdParam,
        body: Type.Optional(X.ClaimCreate),
        response: { 201: X.RedistributionListDetail, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(await claimLine(db, requireActor(req), req.params.id, req.body ?? {})),
  );
  app.get(
    '/redistribution/claims',
    {
      schema: {
        tags,
        summary: 'Claims a library made or received on its lists; coordinators see the network',
        security,
        querystring: Type.Object({
          library: Lib,
          direction: Type.Optional(X.ClaimDirection),
          status: Type.Optional(X.ClaimStatus),
          ...PageQuery,
        }),
        response: { 200: PageReply(X.Claim), ...errors },
      },
    },
    async (req) => listClaims(db, requireActor(req), req.query),
  );
  app.get(
    '/redistribution/claims/:id',
    { schema: { tags, summary: 'One claim', security, params: IdParam, response: { 200: X.Claim, ...errors } } },
    async (req) => getClaim(db, requireActor(req), req.params.id),
  );
  app.post(
    '/redistribution/claims/:id/allocate',
    {
      schema: {
        tags,
        summary: 'Allocate one claim by hand (the offering library)',
        security,
        params: IdParam,
        body: Type.Optional(
          Type.Object({ copies: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false }),
        ),
        response: { 200: X.Claim, ...errors },
      },
    },
    async (req) => allocateClaim(db, requireActor(req), req.params.id, req.body ?? {}),
  );
  app.post(
    '/redistribution/claims/:id/ship',
    {
      schema: {
        tags,
        summary: 'Ship an allocated claim (the offering library)',
        security,
        params: IdParam,
        body: Type.Optional(Type.Object({ on: Type.Optional(DateStr) }, { additionalProperties: false })),
        response: { 200: X.Claim, ...errors },
      },
    },
    async (req) => shipClaim(db, requireActor(req), req.params.id, req.body ?? {}),
  );
  app.post(
    '/redistribution/claims/:id/receive',
    {
      schema: {
        tags,
        summary: 'Confirm receipt (the claimant): the holdings move to it in the union catalog',
        security,
        params: IdParam,
        body: Type.Optional(
          Type.Object(
            {
              on: Type.Optional(DateStr),
              barcodes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { maxItems: 10000 })),
            },
            { additionalProperties: false },
          ),
        ),
        response: { 200: X.Claim, ...errors },
      },
    },
    async (req) => receiveClaim(db, requireActor(req), req.params.id, req.body ?? {}),
  );
  app.post(
    '/redistribution/claims/:id/withdraw',
    {
      schema: {
        tags,
        summary: 'Give up a claim before shipment (the claimant)',
        security,
        params: IdParam,
        response: { 200: X.Claim, ...errors },
      },
    },
    async (req) => withdrawClaim(db, requireActor(req), req.params.id),
  );
  app.get(
    '/redistribution/figures',
    {
      schema: {
        tags,
        summary: 'Copies redistributed per library in a period: offered, given, received (coordinators: the network)',
        security,
        querystring: X.PeriodQuery,
        response: { 200: Type.Object({ rows: Type.Array(X.RedistributionFigure) }), ...errors },
      },
    },
    async (req) => ({ rows: await redistributionFigures(db, requireActor(req), req.query) }),
  );
}
