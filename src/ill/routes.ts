import { Type } from '@fastify/type-provider-typebox';
import { libraryRef } from '../directory/libraries.ts';
import { Forbidden } from '../platform/errors.ts';
import { type App, requireActor, requirePatron } from '../platform/http.ts';
import { PageQuery, PageReply } from '../platform/paging.ts';
import { settleCharge } from './charges.ts';
import { previewCitationRota } from './citation-match.ts';
import { copyFileRoutes } from './copy-routes.ts';
import { illFigures } from './figures.ts';
import { lenderAction } from './lending.ts';
import { askAsPatron, cancelAsPatron, myRequests } from './patron.ts';
import { patronAskCheck } from './patron-ask.ts';
import { lendingPolicy, updateLendingPolicy } from './policies.ts';
import { queueCountRoutes } from './queue-counts.ts';
import { borrowerAction, createRequest, editRota } from './requests.ts';
import * as S from './schemas.ts';
import { proposeRota } from './selection.ts';
import { t } from './texts.ts';
import { incomingQueue, outgoingQueue, pickSlip, requestDetail, shippingLabel, supplierDetail } from './views.ts';

const err = { $ref: 'ErrorReply#' } as const;
export const errors = { 400: err, 401: err, 403: err, 404: err, 409: err };
export const staffOnly = [{ session: [] }, { token: [] }];
const tags = ['ill'];

/** Interlibrary loan: requests (borrower side), incoming requests (lender side), queues, slips, policies. */
export async function illRoutes(app: App): Promise<void> {
  const db = app.simpul.database.db;

  app.get(
    '/ill/lenders',
    {
      schema: {
        tags,
        summary: 'The rota Simpul would build for a title: ranked lenders with reasons, skipped libraries, warnings',
        security: staffOnly,
        querystring: Type.Object({
          clusterId: Type.Integer({ minimum: 1 }),
          library: Type.Optional(Type.Integer({ minimum: 1, description: 'borrowing library (default: your own)' })),
        }),
        response: { 200: S.RotaProposal, ...errors },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      const lib = req.query.library ?? actor.libraryId;
      if (lib === null) throw new Forbidden(t('not_borrower_staff'), 'not_borrower_staff');
      if (lib !== actor.libraryId && actor.role !== 'network_coordinator' && actor.role !== 'system') {
        throw new Forbidden(t('not_borrower_staff'), 'not_borrower_staff');
      }
      return proposeRota(db, lib, req.query.clusterId);
    },
  );

  app.post(
    '/ill/requests/preview',
    {
      schema: {
        tags,
        summary:
          'The rota a request for a typed citation would get if your library saved it now (the catalog record its ISBN, ISSN or title and author match, ranked lenders with reasons); changes nothing',
        security: staffOnly,
        body: S.CitationPreviewBody,
        response: { 200: S.CitationPreview, ...errors },
      },
    },
    async (req) => previewCitationRota(db, requireActor(req), req.body.citation, req.body.library),
  );

  app.post(
    '/ill/requests',
    {
      schema: {
        tags,
        summary:
          'Create a request for a patron of your library (checks eligibility, warns about a local copy, builds the rota)',
        security: staffOnly,
        headers: S.IdemHeaders,
        body: S.RequestCreate,
        response: { 201: S.RequestDetail, ...errors },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const id = await createRequest(db, actor, req.body, req.headers['idempotency-key']);
      return reply.code(201).send(await requestDetail(db, actor, id));
    },
  );

  app.get(
    '/ill/requests/:id',
    {
      schema: {
        tags,
        summary: 'A request as its borrowing library sees it: rota, timeline, allowed actions',
        security: staffOnly,
        params: S.IdParam,
        response: { 200: S.RequestDetail, ...errors },
      },
    },
    async (req) => requestDetail(db, requireActor(req), req.params.id),
  );

  app.post(
    '/ill/requests/:id/rota',
    {
      schema: {
        tags,
        summary: 'Replace the rota (reorder, remove, add lenders) while the request is not yet sent',
        security: staffOnly,
        params: S.IdParam,
        body: S.RotaBody,
        response: { 200: S.RequestDetail, ...errors },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      await editRota(db, actor, req.params.id, req.body.lenders);
      return requestDetail(db, actor, req.params.id);
    },
  );

  app.post(
    '/ill/requests/:id/actions/:action',
    {
      schema: {
        tags,
        summary:
          "A borrower action (borrowing library's staff): send, cancel, reject, acceptConditions, rejectConditions, receive, return, renew, reportLost, note, requestStatus, declareCopyright",
        security: staffOnly,
        params: S.BorrowerActionParams,
        headers: S.IdemHeaders,
        body: S.BorrowerActionBody,
        response: { 200: S.RequestDetail, ...errors },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const r = await borrowerAction(
        db,
        actor,
        req.params.id,
        req.params.action,
        req.body ?? {},
        req.headers['idempotency-key'],
      );
      if (r.duplicate) reply.header('x-ill-duplicate', '1');
      return requestDetail(db, actor, req.params.id);
    },
  );

  app.get(
    '/ill/requests/:id/return-label',
    {
      schema: {
        tags,
        summary: 'Shipping label for sending the item back to the lender',
        security: staffOnly,
        params: S.IdParam,
        response: { 200: S.ShippingLabel, ...errors },
      },
    },
    async (req) => shippingLabel(db, requireActor(req), 'borrower', req.params.id),
  );

  app.get(
    '/ill/outgoing',
    {
      schema: {
        tags,
        summary: "The borrowing library's outgoing queue, newest change first",
        security: staffOnly,
        querystring: Type.Object({ ...S.QueueQuery, ...PageQuery }),
        response: { 200: PageReply(S.QueueItem), ...errors },
      },
    },
    async (req) => outgoingQueue(db, requireActor(req), req.query),
  );

  app.get(
    '/ill/incoming',
    {
      schema: {
        tags,
        summary: "The lending library's incoming queue, newest change first",
        security: staffOnly,
        querystring: Type.Object({ ...S.QueueQuery, ...PageQuery }),
        response: { 200: PageReply(S.QueueItem), ...errors },
      },
    },
    async (req) => incomingQueue(db, requireActor(req), req.query),
  );

  app.get(
    '/ill/supplier-requests/:id',
    {
      schema: {
        tags,
        summary: 'A request as the lending library sees it: item, timeline, allowed actions',
        security: staffOnly,
        params: S.IdParam,
        response: { 200: S.SupplierDetail, ...errors },
      },
    },
    async (req) => supplierDetail(db, requireActor(req), req.params.id),
  );

  app.post(
    '/ill/supplier-requests/:id/actions/:action',
    {
      schema: {
        tags,
        summary:
          "A lender action (lending library's staff): expectToSupply, willSupply, offerConditions, retryPossible, unfilled, ship, deliverCopy, recall, checkIn, declareLost, approveCancel, refuseCancel, approveRenew, refuseRenew",
        security: staffOnly,
        params: S.LenderActionParams,
        headers: S.IdemHeaders,
        body: S.LenderActionBody,
        response: { 200: S.SupplierDetail, ...errors },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const r = await lenderAction(
        db,
        actor,
        req.params.id,
        req.params.action,
        req.body ?? {},
        req.headers['idempotency-key'],
      );
      if (r.duplicate) reply.header('x-ill-duplicate', '1');
      return supplierDetail(db, actor, req.params.id);
    },
  );

  app.get(
    '/ill/supplier-requests/:id/pick-slip',
    {
      schema: {
        tags,
        summary: 'Data for the pick slip: title, call numbers and shelf locations of the copies to fetch',
        security: staffOnly,
        params: S.IdParam,
        response: { 200: S.PickSlip, ...errors },
      },
    },
    async (req) => pickSlip(db, requireActor(req), req.params.id),
  );

  app.get(
    '/ill/supplier-requests/:id/shipping-label',
    {
      schema: {
        tags,
        summary: 'Data for the shipping label to the borrowing library',
        security: staffOnly,
        params: S.IdParam,
        response: { 200: S.ShippingLabel, ...errors },
      },
    },
    async (req) => shippingLabel(db, requireActor(req), 'lender', req.params.id),
  );

  app.post(
    '/ill/charges/:id/settle',
    {
      schema: {
        tags,
        summary: "Close a lost/damaged charge: settled (replaced or paid) or waived (lender's staff)",
        security: staffOnly,
        params: S.IdParam,
        body: S.SettleBody,
        response: { 200: S.Charge, ...errors },
      },
    },
    async (req) => settleCharge(db, requireActor(req), req.params.id, req.body),
  );

  app.get(
    '/ill/policies/:ref',
    {
      schema: {
        tags,
        summary: "A library's lending policy (loan days, promised answer time, renewals)",
        params: Type.Object({ ref: Type.String({ minLength: 1, maxLength: 40 }) }),
        response: { 200: S.Policy, 404: err },
      },
    },
    async (req) => lendingPolicy(db, (await libraryRef(db, req.params.ref)).id),
  );

  app.patch(
    '/ill/policies/:ref',
    {
      schema: {
        tags,
        summary: "Change a library's lending policy (its administrator)",
        security: staffOnly,
        params: Type.Object({ ref: Type.String({ minLength: 1, maxLength: 40 }) }),
        body: S.PolicyPatch,
        response: { 200: S.Policy, ...errors },
      },
    },
    async (req) => updateLendingPolicy(db, requireActor(req), req.params.ref, req.body),
  );

  app.get(
    '/ill/figures',
    {
      schema: {
        tags,
        summary:
          'ILL figures for a period per library and per partner pair: requests, fill rates, turnaround, balance, items lost',
        security: staffOnly,
        querystring: Type.Object({
          from: S.DateStr,
          to: S.DateStr,
          library: Type.Optional(Type.Integer({ minimum: 1 })),
        }),
        response: { 200: S.Figures, ...errors },
      },
    },
    async (req) => illFigures(db, requireActor(req), req.query),
  );

  const patronOnly = [{ session: [] }];
  app.post(
    '/ill/my-requests',
    {
      schema: {
        tags: ['ill', 'patron portal'],
        summary:
          'A signed-in patron asks for a title (from its catalog record page) or a typed citation; her library sends it',
        security: patronOnly,
        headers: S.IdemHeaders,
        body: S.PatronRequestCreate,
        response: { 201: S.MyRequest, ...errors },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await askAsPatron(db, requirePatron(req), req.body, req.headers['idempotency-key'])),
  );

  app.get(
    '/ill/my-requests/check',
    {
      schema: {
        tags: ['ill', 'patron portal'],
        summary:
          'May the signed-in patron ask for this title? If not, every reason (a code per rule) and what she can do',
        security: patronOnly,
        querystring: S.AskCheckQuery,
        response: { 200: S.AskCheck, ...errors },
      },
    },
    async (req) => {
      const { proposal: _, ...check } = await patronAskCheck(
        db,
        requirePatron(req).patronId,
        req.query.clusterId ?? null,
      );
      return check;
    },
  );

  app.get(
    '/ill/my-requests',
    {
      schema: {
        tags: ['ill', 'patron portal'],
        summary: "The signed-in patron's interlibrary loan requests, newest first",
        security: patronOnly,
        response: { 200: Type.Object({ items: Type.Array(S.MyRequest) }), ...errors },
      },
    },
    async (req) => ({ items: await myRequests(db, requirePatron(req)) }),
  );

  app.post(
    '/ill/my-requests/:id/cancel',
    {
      schema: {
        tags: ['ill', 'patron portal'],
        summary: 'The patron withdraws her request (before the item is shipped)',
        security: patronOnly,
        params: S.IdParam,
        response: { 200: S.MyRequest, ...errors },
      },
    },
    async (req) => cancelAsPatron(db, requirePatron(req), req.params.id),
  );

  await copyFileRoutes(app);
  await queueCountRoutes(app);
}
