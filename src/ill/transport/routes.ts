import { Type } from '@fastify/type-provider-typebox';
import { libraryRef } from '../../directory/libraries.ts';
import { type App, requireActor } from '../../platform/http.ts';
import { PageReply } from '../../platform/paging.ts';
import { localAgency, setLocalAgency } from './agencies.ts';
import { getMessage, giveUpMessage, listMessages, retryMessage } from './message-log.ts';
import { createPeer, getPeer, listPeers, rotateInboundSecret, updatePeer } from './peers.ts';
import * as S from './schemas.ts';

const err = { $ref: 'ErrorReply#' } as const;
const errors = { 400: err, 401: err, 403: err, 404: err, 409: err };
const staffOnly = [{ session: [] }, { token: [] }];
const tags = ['ill-peers'];

/** Peers (outside ISO 18626 systems), our libraries' agency ids, and the message log. */
export async function illTransportRoutes(app: App): Promise<void> {
  const { database, protector } = app.simpul;
  const db = database.db;

  app.get(
    '/ill/peers',
    {
      schema: {
        tags,
        summary: 'ISO 18626 peers of the network (administrators and coordinators)',
        security: staffOnly,
        response: { 200: Type.Object({ items: Type.Array(S.Peer) }), ...errors },
      },
    },
    async (req) => ({ items: await listPeers(db, requireActor(req)) }),
  );

  app.post(
    '/ill/peers',
    {
      schema: {
        tags,
        summary: 'Register a peer for a directory library (network coordinator); the inbound secret is shown once',
        security: staffOnly,
        body: S.PeerCreate,
        response: { 201: S.PeerCreated, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(await createPeer(db, protector, requireActor(req), req.body)),
  );

  app.get(
    '/ill/peers/:id',
    {
      schema: {
        tags,
        summary: 'One peer',
        security: staffOnly,
        params: S.IdParam,
        response: { 200: S.Peer, ...errors },
      },
    },
    async (req) => getPeer(db, requireActor(req), req.params.id),
  );

  app.patch(
    '/ill/peers/:id',
    {
      schema: {
        tags,
        summary: 'Change a peer: address, agency id, outbound credentials, pause (network coordinator)',
        security: staffOnly,
        params: S.IdParam,
        body: S.PeerPatch,
        response: { 200: S.Peer, ...errors },
      },
    },
    async (req) => updatePeer(db, protector, requireActor(req), req.params.id, req.body),
  );

  app.post(
    '/ill/peers/:id/inbound-secret',
    {
      schema: {
        tags,
        summary: 'Set or make a new secret the peer must present (network coordinator); shown once',
        security: staffOnly,
        params: S.IdParam,
        body: S.SecretBody,
        response: { 200: S.SecretReply, ...errors },
      },
    },
    async (req) => rotateInboundSecret(db, protector, requireActor(req), req.params.id, req.body.inboundSecret),
  );

  app.get(
    '/libraries/:ref/ill-agency',
    {
      schema: {
        tags,
        summary: 'The ISO 18626 agency id a library of this node answers to',
        params: S.LibraryParam,
        response: { 200: S.AgencyRef, ...errors },
      },
    },
    async (req) => localAgency(db, (await libraryRef(db, req.params.ref)).id),
  );

  app.put(
    '/libraries/:ref/ill-agency',
    {
      schema: {
        tags,
        summary: 'Set the agency id (e.g. ISIL) a library answers to (its administrator)',
        security: staffOnly,
        params: S.LibraryParam,
        body: S.AgencyRef,
        response: { 200: S.AgencyRef, ...errors },
      },
    },
    async (req) => setLocalAgency(db, requireActor(req), await libraryRef(db, req.params.ref), req.body),
  );

  app.get(
    '/ill/messages',
    {
      schema: {
        tags,
        summary: 'The ISO 18626 message log: what went in and out, its status and confirmation',
        security: staffOnly,
        querystring: S.MessageQuery,
        response: { 200: PageReply(S.Message), ...errors },
      },
    },
    async (req) => listMessages(db, requireActor(req), req.query),
  );

  app.get(
    '/ill/messages/:id',
    {
      schema: {
        tags,
        summary: 'One logged message with its XML and the confirmation',
        security: staffOnly,
        params: S.IdParam,
        response: { 200: S.Message, ...errors },
      },
    },
    async (req) => getMessage(db, requireActor(req), req.params.id),
  );

  app.post(
    '/ill/messages/:id/retry',
    {
      schema: {
        tags,
        summary: 'Send a failed or rejected outbound message again',
        security: staffOnly,
        params: S.IdParam,
        response: { 200: S.Message, ...errors },
      },
    },
    async (req) => retryMessage(db, requireActor(req), req.params.id),
  );

  app.post(
    '/ill/messages/:id/abandon',
    {
      schema: {
        tags,
        summary: 'Give up on an outbound message that could not be delivered; later ones of its request go on',
        security: staffOnly,
        params: S.IdParam,
        response: { 200: S.Message, ...errors },
      },
    },
    async (req) => giveUpMessage(db, requireActor(req), req.params.id),
  );
}
