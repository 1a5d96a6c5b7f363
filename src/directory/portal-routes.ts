import { Type } from '@fastify/type-provider-typebox';
import { type App, requireActor, requirePatron, SESSION_COOKIE } from '../platform/http.ts';
import {
  activatePatron,
  changeOwnPassword,
  issueActivationCode,
  PATRON_CHOSEN_MIN,
  type PatronSession,
  patronLogin,
  portalAccess,
  revokePortalAccess,
  STAFF_SET_MIN,
  setPatronPassword,
} from './patron-access.ts';
import { patronById, patronEligibility } from './patrons.ts';
import * as S from './schemas.ts';

const err = { $ref: 'ErrorReply#' } as const;
const errors = { 400: err, 401: err, 403: err, 404: err, 409: err };
const staffOnly = [{ session: [] }, { token: [] }];
const patronOnly = [{ session: [] }];

const PortalAccess = Type.Object({
  patronId: Type.Integer(),
  hasPassword: Type.Boolean(),
  passwordSetAt: Type.Union([Type.String(), Type.Null()]),
  passwordSetBy: Type.Union([Type.Literal('staff'), Type.Literal('patron'), Type.Null()]),
  activationPending: Type.Boolean(),
  activationExpiresAt: Type.Union([Type.String(), Type.Null()]),
  lastLoginAt: Type.Union([Type.String(), Type.Null()]),
});

/** The signed-in patron: her profile (NIK masked), language and CSRF token. */
export const PatronMe = Type.Intersect([
  S.Patron,
  Type.Object({
    kind: Type.Literal('patron'),
    language: Type.Union([Type.Literal('id'), Type.Literal('en')]),
    csrfToken: Type.Union([Type.String(), Type.Null()]),
  }),
]);

const LoginBody = Type.Object(
  {
    library: Type.String({ minLength: 1, maxLength: 40, description: 'library code, e.g. BUNGHATTA' }),
    memberNumber: Type.String({ minLength: 1, maxLength: 40 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);

const ActivateBody = Type.Object(
  {
    library: Type.String({ minLength: 1, maxLength: 40 }),
    memberNumber: Type.String({ minLength: 1, maxLength: 40 }),
    code: Type.String({ minLength: 1, maxLength: 40, description: 'the activation code from the library' }),
    password: Type.String({ minLength: 1, maxLength: 200, description: `at least ${PATRON_CHOSEN_MIN} characters` }),
  },
  { additionalProperties: false },
);

/**
 * The patron portal's sign-in and profile (/auth/patron/*, /me), and the staff
 * side of portal access (/patrons/:id/portal-access).
 */
export async function patronPortalRoutes(app: App): Promise<void> {
  const { database, protector, config } = app.simpul;
  const db = database.db;

  const rateLimit = {
    // After body parsing, so the key can name the account.
    hook: 'preHandler' as const,
    max: config.loginRateLimit.max,
    timeWindow: config.loginRateLimit.windowMs,
    // Per address and per account, as for staff.
    keyGenerator: (req: { ip: string; body?: unknown }) => {
      const b = req.body as { library?: unknown; memberNumber?: unknown } | undefined;
      const who =
        typeof b?.library === 'string' && typeof b.memberNumber === 'string' ? `${b.library}/${b.memberNumber}` : '';
      return `patron|${req.ip}|${who.toLowerCase()}`;
    },
  };

  const me = async (patronId: number, csrfToken: string | null) => ({
    ...(await patronById(db, patronId)),
    kind: 'patron' as const,
    csrfToken,
  });

  const startSession = (reply: import('fastify').FastifyReply, s: PatronSession) =>
    reply.setCookie(SESSION_COOKIE, s.token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.secureCookies,
      path: '/',
      expires: s.expiresAt,
    });

  const sessionOpts = (req: import('fastify').FastifyRequest) => ({
    hours: config.sessionHours,
    ip: req.ip,
    userAgent: req.headers['user-agent'],
  });

  app.post(
    '/auth/patron/login',
    {
      config: { rateLimit },
      schema: {
        tags: ['patron portal'],
        summary: 'Patron sign-in with library code, member number and password; sets the session cookie',
        body: LoginBody,
        response: { 200: PatronMe, 400: err, 401: err, 429: err },
      },
    },
    async (req, reply) => {
      const s = await patronLogin(db, req.body, sessionOpts(req));
      startSession(reply, s);
      return me(s.actor.patronId, s.csrfToken);
    },
  );

  app.post(
    '/auth/patron/activate',
    {
      config: { rateLimit },
      schema: {
        tags: ['patron portal'],
        summary: 'A patron chooses her password with the activation code from her library, and is signed in',
        body: ActivateBody,
        response: { 200: PatronMe, 400: err, 401: err, 429: err },
      },
    },
    async (req, reply) => {
      const s = await activatePatron(db, req.body, sessionOpts(req));
      startSession(reply, s);
      return me(s.actor.patronId, s.csrfToken);
    },
  );

  app.get(
    '/me',
    {
      schema: {
        tags: ['patron portal'],
        summary: 'The signed-in patron (NIK masked)',
        security: patronOnly,
        response: { 200: PatronMe, 401: err, 403: err },
      },
    },
    async (req) => me(requirePatron(req).patronId, req.csrfToken),
  );

  app.patch(
    '/me',
    {
      schema: {
        tags: ['patron portal'],
        summary: 'The patron chooses the language of her notices',
        security: patronOnly,
        body: Type.Object(
          { language: Type.Union([Type.Literal('id'), Type.Literal('en')]) },
          { additionalProperties: false },
        ),
        response: { 200: PatronMe, ...errors },
      },
    },
    async (req) => {
      const p = requirePatron(req);
      await db.updateTable('patrons').set({ language: req.body.language }).where('id', '=', p.patronId).execute();
      return me(p.patronId, req.csrfToken);
    },
  );

  app.post(
    '/me/password',
    {
      schema: {
        tags: ['patron portal'],
        summary: 'The patron changes her password; her other sessions end',
        security: patronOnly,
        body: Type.Object(
          {
            currentPassword: Type.String({ minLength: 1, maxLength: 200 }),
            newPassword: Type.String({ minLength: 1, maxLength: 200 }),
          },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (req, reply) => {
      const p = requirePatron(req);
      await changeOwnPassword(db, p, req.body, req.cookies[SESSION_COOKIE] ?? '');
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/me/eligibility',
    {
      schema: {
        tags: ['patron portal'],
        summary: 'What the patron may do at a library (default: her own) on a date, and why',
        security: patronOnly,
        querystring: Type.Object({
          library: Type.Optional(Type.String({ maxLength: 40 })),
          date: Type.Optional(S.DateStr),
        }),
        response: { 200: S.Eligibility, ...errors },
      },
    },
    async (req) =>
      patronEligibility(db, requirePatron(req).patronId, { libraryRef: req.query.library, date: req.query.date }),
  );

  // ------------------------------------------------------------ staff side

  app.get(
    '/patrons/:id/portal-access',
    {
      schema: {
        tags: ['patron portal'],
        summary: "A patron's portal access: password set, activation pending, last sign-in",
        security: staffOnly,
        params: S.IdParam,
        response: { 200: PortalAccess, ...errors },
      },
    },
    async (req) => portalAccess(db, requireActor(req), protector, req.params.id),
  );

  app.post(
    '/patrons/:id/portal-access/password',
    {
      schema: {
        tags: ['patron portal'],
        summary: `Staff set the patron's portal password or PIN (at least ${STAFF_SET_MIN} characters); her sessions end`,
        security: staffOnly,
        params: S.IdParam,
        body: Type.Object({ password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: PortalAccess, ...errors },
      },
    },
    async (req) => setPatronPassword(db, requireActor(req), protector, req.params.id, req.body.password),
  );

  app.post(
    '/patrons/:id/portal-access/activation',
    {
      schema: {
        tags: ['patron portal'],
        summary: 'Issue a one-time activation code (shown once) with which the patron chooses her password',
        security: staffOnly,
        params: S.IdParam,
        response: { 201: Type.Intersect([PortalAccess, Type.Object({ code: Type.String() })]), ...errors },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await issueActivationCode(db, requireActor(req), protector, req.params.id)),
  );

  app.delete(
    '/patrons/:id/portal-access',
    {
      schema: {
        tags: ['patron portal'],
        summary: 'Take portal access away (password, pending code, sessions)',
        security: staffOnly,
        params: S.IdParam,
        response: { 200: PortalAccess, ...errors },
      },
    },
    async (req) => revokePortalAccess(db, requireActor(req), protector, req.params.id),
  );
}
