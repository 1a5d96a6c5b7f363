import { Type } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { type App, requireActor, requirePatron } from '../platform/http.ts';
import { PageQuery, PageReply } from '../platform/paging.ts';
import { listNotifications, markAllRead, markRead, type Owner, ownerOf, unreadCount } from './notify.ts';

const err = { $ref: 'ErrorReply#' } as const;
const errors = { 400: err, 401: err, 403: err, 404: err };
const tags = ['notifications'];

const Bilingual = Type.Object({ id: Type.String(), en: Type.String() });
const Notification = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  subject: Bilingual,
  body: Bilingual,
  link: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  readAt: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union(['none', 'queued', 'sent', 'failed'].map((s) => Type.Literal(s))),
});
const List = Type.Intersect([PageReply(Notification), Type.Object({ unread: Type.Integer() })]);
const Unread = Type.Object({ unread: Type.Integer() });
const ListQuery = Type.Object({ unread: Type.Optional(Type.Boolean()), ...PageQuery });
const IdParam = Type.Object({ id: Type.Integer({ minimum: 1 }) });

/**
 * The inbox: staff at /notifications, patrons at /me/notifications. Each sees
 * only their own notifications.
 */
export async function notifyRoutes(app: App): Promise<void> {
  const db = app.simpul.database.db;

  const routesFor = (
    prefix: string,
    who: string,
    owner: (req: FastifyRequest) => Owner,
    security: Array<Record<string, string[]>>,
  ) => {
    app.get(
      prefix,
      {
        schema: {
          tags,
          summary: `${who}: my notifications, newest first (unread=true for unread only)`,
          security,
          querystring: ListQuery,
          response: { 200: List, ...errors },
        },
      },
      async (req) => listNotifications(db, owner(req), req.query),
    );
    app.get(
      `${prefix}/unread-count`,
      {
        schema: {
          tags,
          summary: `${who}: how many of my notifications are unread`,
          security,
          response: { 200: Unread, ...errors },
        },
      },
      async (req) => ({ unread: await unreadCount(db, owner(req)) }),
    );
    app.post(
      `${prefix}/:id/read`,
      {
        schema: {
          tags,
          summary: `${who}: mark one of my notifications read`,
          security,
          params: IdParam,
          response: { 200: Unread, ...errors },
        },
      },
      async (req) => markRead(db, owner(req), req.params.id),
    );
    app.post(
      `${prefix}/read-all`,
      {
        schema: {
          tags,
          summary: `${who}: mark all my notifications read`,
          security,
          response: { 200: Type.Object({ updated: Type.Integer(), unread: Type.Integer() }), ...errors },
        },
      },
      async (req) => markAllRead(db, owner(req)),
    );
  };

  routesFor('/notifications', 'Staff', (req) => ownerOf(requireActor(req)), [{ session: [] }]);
  routesFor('/me/notifications', 'Patron', (req) => ownerOf(requirePatron(req)), [{ session: [] }]);
}
