import { Type } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import { assertRole } from './actor.ts';
import { createApiToken, login, logout } from './auth.ts';
import { type App, requireActor, SESSION_COOKIE } from './http.ts';
import { PageQuery, PageReply, pageOf } from './paging.ts';
import { endPatronSession } from './patron-session.ts';

const err = { $ref: 'ErrorReply#' } as const;

const Me = Type.Object({
  userId: Type.Union([Type.Integer(), Type.Null()]),
  label: Type.String(),
  role: Type.String(),
  libraryId: Type.Union([Type.Integer(), Type.Null()]),
  libraryCode: Type.Union([Type.String(), Type.Null()]),
  libraryName: Type.Union([Type.String(), Type.Null()]),
  networkId: Type.Union([Type.Integer(), Type.Null()]),
  fullName: Type.Union([Type.String(), Type.Null()]),
  language: Type.String(),
  csrfToken: Type.Union([Type.String(), Type.Null()]),
});

/** Sign-in, sessions, API tokens and the audit log. */
export async function platformRoutes(app: App): Promise<void> {
  const { database, config } = app.simpul;
  const db = database.db;

  async function me(actor: NonNullable<Parameters<typeof requireActor>[0]['actor']>, csrfToken: string | null) {
    const user = actor.userId
      ? await db
          .selectFrom('staff_users as u')
          .innerJoin('libraries as l', 'l.id', 'u.library_id')
          .select(['u.full_name', 'u.language', 'l.code', 'l.name'])
          .where('u.id', '=', actor.userId)
          .executeTakeFirst()
      : undefined;
    return {
      userId: actor.userId,
      label: actor.label,
      role: actor.role,
      libraryId: actor.libraryId,
      libraryCode: user?.code ?? null,
      libraryName: user?.name ?? null,
      networkId: actor.networkId,
      fullName: user?.full_name ?? null,
      language: user?.language ?? 'id',
      csrfToken,
    };
  }

  app.post(
    '/auth/login',
    {
      config: {
        rateLimit: {
          // After body parsing: on onRequest the key could not name the account.
          hook: 'preHandler',
          max: config.loginRateLimit.max,
          timeWindow: config.loginRateLimit.windowMs,
          // Per address and per account, so one attacker cannot lock everyone out and cannot try many accounts.
          keyGenerator: (req) => {
            const body = req.body as { username?: unknown } | undefined;
            return `${req.ip}|${typeof body?.username === 'string' ? body.username.toLowerCase() : ''}`;
          },
        },
      },
      schema: {
        tags: ['auth'],
        summary: 'Staff sign-in; sets an httpOnly session cookie and returns the CSRF token',
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 100 }),
            password: Type.String({ minLength: 1, maxLength: 200 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Me, 400: err, 401: err, 429: err },
      },
    },
    async (req, reply) => {
      const session = await login(db, req.body.username, req.body.password, {
        hours: config.sessionHours,
        ip: req.ip,
        ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}),
      });
      reply.setCookie(SESSION_COOKIE, session.token, {
        httpOnly: true,
        sameSite: 'lax',
        secure: config.secureCookies,
        path: '/',
        expires: session.expiresAt,
      });
      return me(session.actor, session.csrfToken);
    },
  );

  app.post(
    '/auth/logout',
    { schema: { tags: ['auth'], summary: 'End the session (staff or patron)', response: { 204: Type.Null() } } },
    async (req, reply) => {
      const token = req.cookies[SESSION_COOKIE];
      if (token && req.actor) await logout(db, token);
      if (token && req.patron) await endPatronSession(db, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/auth/me',
    { schema: { tags: ['auth'], summary: 'Who is signed in', response: { 200: Me, 401: err } } },
    async (req) => me(requireActor(req), req.csrfToken),
  );

  app.post(
    '/api-tokens',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create an API token for a machine client of your library (shown once)',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            role: Type.Union([Type.Literal('librarian'), Type.Literal('library_admin')]),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ token: Type.String() }), 400: err, 401: err, 403: err },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      assertRole(actor, 'library_admin');
      if (actor.libraryId === null) throw new Error('system actor has no library');
      if (req.body.role === 'library_admin') assertRole(actor, 'library_admin');
      const token = await createApiToken(db, actor, { libraryId: actor.libraryId, ...req.body });
      return reply.code(201).send({ token });
    },
  );

  const AuditEntry = Type.Object({
    id: Type.Integer(),
    at: Type.String(),
    actorLabel: Type.String(),
    libraryId: Type.Union([Type.Integer(), Type.Null()]),
    action: Type.String(),
    entity: Type.String(),
    entityId: Type.Union([Type.String(), Type.Null()]),
    before: Type.Unknown(),
    after: Type.Unknown(),
  });

  app.get(
    '/audit',
    {
      schema: {
        tags: ['auth'],
        summary: 'Audit log: who changed what, when, before and after (administrators)',
        querystring: Type.Object({
          entity: Type.Optional(Type.String({ maxLength: 40 })),
          entityId: Type.Optional(Type.String({ maxLength: 40 })),
          ...PageQuery,
        }),
        response: { 200: PageReply(AuditEntry), 401: err, 403: err },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      assertRole(actor, 'library_admin');
      const { page, pageSize, offset } = pageOf(req.query);
      let q = db.selectFrom('audit_log as a').leftJoin('libraries as l', 'l.id', 'a.library_id');
      // Administrators read their library's entries; coordinators their network's.
      if (actor.role === 'network_coordinator') {
        q = q.where((eb) => eb.or([eb('l.network_id', '=', actor.networkId), eb('a.library_id', 'is', null)]));
      } else if (actor.role !== 'system') {
        q = q.where('a.library_id', '=', actor.libraryId);
      }
      if (req.query.entity) q = q.where('a.entity', '=', req.query.entity);
      if (req.query.entityId) q = q.where('a.entity_id', '=', req.query.entityId);
      const [rows, count] = await Promise.all([
        q
          .select([
            'a.id',
            'a.at',
            'a.actor_label',
            'a.library_id',
            'a.action',
            'a.entity',
            'a.entity_id',
            'a.before',
            'a.after',
          ])
          .orderBy('a.id', 'desc')
          .limit(pageSize)
          .offset(offset)
          .execute(),
        q.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return {
        items: rows.map((r) => ({
          id: r.id,
          at: r.at.toISOString(),
          actorLabel: r.actor_label,
          libraryId: r.library_id,
          action: r.action,
          entity: r.entity,
          entityId: r.entity_id,
          before: r.before,
          after: r.after,
        })),
        total: Number(count.n),
        page,
        pageSize,
      };
    },
  );
}
