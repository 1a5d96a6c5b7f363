import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Actor, PatronActor } from './actor.ts';
import { sessionActor, tokenActor } from './auth.ts';
import type { Config } from './config.ts';
import { type Database, ping } from './db.ts';
import { AppError, Forbidden, Unauthenticated } from './errors.ts';
import { msg } from './messages.ts';
import { isPatronToken, patronSessionActor } from './patron-session.ts';
import type { Protector } from './protect.ts';

export const SESSION_COOKIE = 'simpul_session';

/** What every route handler gets: the database, who is acting, and shared services. */
export interface AppContext {
  database: Database;
  config: Config;
  protector: Protector;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Staff, token or system; never a patron (see actor.ts). */
    actor: Actor | null;
    /** The patron signed in to the portal, if this is a patron session. */
    patron: PatronActor | null;
    csrfToken: string | null;
  }
  interface FastifyInstance {
    simpul: AppContext;
    /** Every route as registered, so tests can prove each is documented. */
    routeTable: Array<{ method: string; url: string; hidden: boolean }>;
  }
}

export type App = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  import('fastify').FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** The one error shape of the API. */
export const ErrorReply = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.Object({ id: Type.String(), en: Type.String() }),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { $id: 'ErrorReply' },
);

/** Staff routes: a signed-in staff member or an API token. A patron session is not enough (401). */
export function requireActor(req: FastifyRequest): Actor {
  if (!req.actor) throw new Unauthenticated();
  return req.actor;
}

/** Patron portal routes: the signed-in patron. Staff sessions get 403, anonymous callers 401. */
export function requirePatron(req: FastifyRequest): PatronActor {
  if (req.patron) return req.patron;
  if (req.actor) throw new Forbidden(msg('patron_only'), 'patron_only');
  throw new Unauthenticated();
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// Signing in again over a stale session must work without the old page's token.
const CSRF_EXEMPT = new Set(['/api/v1/auth/login', '/api/v1/auth/patron/login', '/api/v1/auth/patron/activate']);

export interface BuildOptions {
  logger?: boolean;
  /** Modules add their routes here, each under /api/v1. */
  modules: Array<(app: App) => Promise<void> | void>;
  /** Routes outside /api/v1 (protocol endpoints such as /sru, /oai, /iso18626). */
  rootModules?: Array<(app: App) => Promise<void> | void>;
}

export async function buildApp(ctx: AppContext, opts: BuildOptions): Promise<App> {
  const app = Fastify({
    logger: opts.logger ? { level: process.env.LOG_LEVEL ?? 'info' } : false,
    genReqId: () => randomUUID(),
    trustProxy: process.env.SIMPUL_TRUST_PROXY === '1',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  app.decorate('simpul', ctx);
  const routeTable: App['routeTable'] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (r) => {
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    const hidden = Boolean((r.schema as { hide?: boolean } | undefined)?.hide);
    for (const method of methods) if (method !== 'HEAD') routeTable.push({ method, url: r.url, hidden });
  });
  app.decorateRequest('actor', null);
  app.decorateRequest('patron', null);
  app.decorateRequest('csrfToken', null);

  await app.register(cookie);
  // OAI-PMH harvesters may POST their arguments as a form.
  await app.register(formbody);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, context) => {
      const seconds = Math.ceil(context.ttl / 1000);
      return new AppError(429, 'rate_limited', msg('rate_limited', { seconds }), {
        retryAfterSeconds: seconds,
      });
    },
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Simpul API',
        description:
          'Simpul: kerjasama perpustakaan — union catalog, interlibrary loan and partnership programs of a library network. ' +
          'Staff sign in with POST /api/v1/auth/login (session cookie + x-csrf-token header on changes); ' +
          'machines use "Authorization: Bearer smp_..." API tokens.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
    },
  });
  app.addSchema(ErrorReply);
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  app.addHook('onRequest', async (req) => {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      req.actor = await tokenActor(ctx.database.db, auth.slice(7).trim());
      if (!req.actor) throw new Unauthenticated();
      return;
    }
    const token = req.cookies[SESSION_COOKIE];
    if (token) {
      // Patron tokens start with p_. Staff tokens issued before login avoided that prefix are plain
      // base64url and start with it too, 1 in 4096: such a staff member was treated as signed out
      // (random 401/404s). So a p_ token no patron session knows is looked up as a staff session.
      const patron = isPatronToken(token) ? await patronSessionActor(ctx.database.db, token) : null;
      const found = patron ?? (await sessionActor(ctx.database.db, token));
      if (found) {
        if (patron) req.patron = patron.actor;
        else req.actor = found.actor;
        req.csrfToken = found.csrfToken;
        // Cookies ride along on cross-site requests; a header they cannot set proves the page is ours.
        if (MUTATING.has(req.method) && !CSRF_EXEMPT.has(req.url) && req.headers['x-csrf-token'] !== found.csrfToken) {
          throw new Forbidden(msg('csrf'), 'csrf');
        }
      }
    }
  });

  app.setErrorHandler((error: FastifyError | AppError, req, reply) => sendError(error, req, reply));
  app.setNotFoundHandler((req, reply) => {
    const url = req.url.split('?')[0] ?? '/';
    if (req.method === 'GET' && !isApiPath(url) && existsSync(path.join(ctx.config.webDist, 'index.html'))) {
      // The web UI routes on the client; any unknown page path gets the app shell.
      return reply.type('text/html').sendFile('index.html');
    }
    return sendError(
      new AppError(404, 'not_found', { id: 'Alamat tidak ditemukan', en: 'Route not found' }),
      req,
      reply,
    );
  });

  app.get('/healthz', { schema: { hide: true } }, async (_req, reply) => {
    const ok = await ping(ctx.database.db).catch(() => false);
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable' });
  });

  for (const mod of opts.rootModules ?? []) await mod(app);
  await app.register(
    async (api) => {
      for (const mod of opts.modules) await mod(api as App);
    },
    { prefix: '/api/v1' },
  );

  if (existsSync(ctx.config.webDist)) {
    await app.register(fastifyStatic, {
      root: ctx.config.webDist,
      prefix: '/',
      wildcard: false,
      index: 'index.html',
    });
  }
  return app;
}

function isApiPath(url: string): boolean {
  return ['/api', '/sru', '/oai', '/iso18626', '/healthz'].some((p) => url === p || url.startsWith(`${p}/`));
}

function sendError(error: FastifyError | AppError, req: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) {
    if (error.status === 429) {
      const d = error.details as { retryAfterSeconds?: number } | undefined;
      if (d?.retryAfterSeconds) reply.header('retry-after', d.retryAfterSeconds);
    }
    return reply.code(error.status).send({
      error: {
        code: error.code,
        message: error.messages,
        ...(error.details ? { details: error.details } : {}),
      },
    });
  }
  const fe = error as FastifyError;
  if (fe.validation) {
    const fields = fe.validation.map((v) => ({
      field: validationField(fe.validationContext, v.instancePath, v.params),
      message: { id: translateAjv(v.keyword, v.message), en: v.message ?? 'is not valid' },
    }));
    return reply.code(400).send({ error: { code: 'invalid', message: msg('invalid'), details: { fields } } });
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Fastify's own client errors: bad JSON, wrong content type, body too large.
    return reply.code(fe.statusCode).send({
      error: {
        code: fe.code ?? 'bad_request',
        message: { id: `Permintaan tidak dapat diproses: ${fe.message}`, en: fe.message },
      },
    });
  }
  req.log.error({ err: error }, 'unhandled error');
  return reply.code(500).send({ error: { code: 'internal', message: msg('internal') } });
}

function validationField(context: string | undefined, instancePath: string, params: Record<string, unknown>): string {
  const missing = typeof params.missingProperty === 'string' ? `/${params.missingProperty}` : '';
  const extra = typeof params.additionalProperty === 'string' ? `/${params.additionalProperty}` : '';
  return `${context ?? 'body'}${instancePath}${missing}${extra}`.replace(/\//g, '.');
}

function translateAjv(keyword: string, message: string | undefined): string {
  switch (keyword) {
    case 'required':
      return 'wajib diisi';
    case 'type':
      return `jenis data salah (${message ?? ''})`;
    case 'minLength':
    case 'maxLength':
      return `panjang tidak sesuai (${message ?? ''})`;
    case 'minimum':
    case 'maximum':
      return `nilai di luar batas (${message ?? ''})`;
    case 'enum':
    case 'const':
    case 'anyOf':
      return 'bukan salah satu nilai yang diizinkan';
    case 'format':
    case 'pattern':
      return `format tidak sesuai (${message ?? ''})`;
    case 'additionalProperties':
      return 'kolom ini tidak dikenal';
    default:
      return message ?? 'tidak valid';
  }
}
