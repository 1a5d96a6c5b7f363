import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DEMO_PASSWORD, seedDemo } from '../src/demo/seed.ts';
import { DEMO_PATRON_PASSWORD } from '../src/directory/portal-demo.ts';
import { type Config, loadConfig } from '../src/platform/config.ts';
import { type Database, openPglite, openPostgres } from '../src/platform/db.ts';
import { createSimpul, type Simpul } from '../src/server.ts';

/**
 * A fresh Simpul per test file: in-memory PGlite, or — when DATABASE_URL is
 * set — a new database on that server, dropped afterwards.
 */
export async function freshDatabase(): Promise<{ database: Database; drop(): Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const database = await openPglite(undefined);
    return { database, drop: async () => {} };
  }
  const name = `simpul_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  // Every test file has its own pool on one shared server: 4 connections each (the app's default is 10)
  // keep a full parallel run, and other runs beside it, under the server's max_connections.
  const database = await openPostgres(u.toString(), { max: 4 });
  return {
    database,
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface TestSimpul extends Simpul {
  dataDir: string;
  as(username: string): Promise<Agent>;
  /** Signs a patron in to the portal (demo patrons share DEMO_PATRON_PASSWORD). */
  asPatron(library: string, memberNumber: string, password?: string): Promise<Agent>;
  anonymous: Agent;
  stop(): Promise<void>;
}

export interface Reply<T = unknown> {
  status: number;
  body: T;
  headers: Record<string, unknown>;
}

export interface Agent {
  get<T = any>(url: string): Promise<Reply<T>>;
  post<T = any>(url: string, body?: unknown): Promise<Reply<T>>;
  patch<T = any>(url: string, body?: unknown): Promise<Reply<T>>;
  put<T = any>(url: string, body?: unknown): Promise<Reply<T>>;
  delete<T = any>(url: string): Promise<Reply<T>>;
}

/** seed: the demo network (default on); demoCatalog: its holdings too (default off, so catalog tests start empty). */
export async function startTestSimpul(
  opts: { seed?: boolean; demoCatalog?: boolean; loginMax?: number; config?: Partial<Config> } = {},
): Promise<TestSimpul> {
  const { database, drop } = await freshDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'simpul-test-'));
  // No e-mail from tests unless a test sets its own SMTP sink.
  const config = loadConfig(process.env, { dataDir, secretKey: randomBytes(32), smtpUrl: undefined, ...opts.config });
  config.loginRateLimit = { max: opts.loginMax ?? 1000, windowMs: 60_000 };
  const simpul = await createSimpul({ config, database });
  if (opts.seed !== false) await seedDemo(database.db, simpul.ctx.protector, { catalog: opts.demoCatalog ?? false });

  const agent = (cookie?: string, csrf?: string): Agent => {
    const call = async (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown) => {
      const res = await simpul.app.inject({
        method,
        url,
        headers: {
          ...(cookie ? { cookie } : {}),
          ...(csrf && method !== 'GET' ? { 'x-csrf-token': csrf } : {}),
        },
        ...(body !== undefined ? { payload: body as object } : {}),
      });
      let parsed: unknown = res.body;
      try {
        parsed = res.body ? JSON.parse(res.body) : null;
      } catch {
        // not JSON; keep the text
      }
      return { status: res.statusCode, body: parsed as any, headers: res.headers as Record<string, unknown> };
    };
    return {
      get: (u) => call('GET', u),
      post: (u, b) => call('POST', u, b ?? {}),
      patch: (u, b) => call('PATCH', u, b ?? {}),
      put: (u, b) => call('PUT', u, b ?? {}),
      delete: (u) => call('DELETE', u),
    };
  };

  return {
    ...simpul,
    dataDir,
    anonymous: agent(),
    async as(username: string) {
      const res = await simpul.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username, password: DEMO_PASSWORD },
      });
      if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
      const set = res.cookies.find((c) => c.name === 'simpul_session');
      if (!set) throw new Error('no session cookie');
      return agent(`simpul_session=${set.value}`, (JSON.parse(res.body) as { csrfToken: string }).csrfToken);
    },
    async asPatron(library: string, memberNumber: string, password = DEMO_PATRON_PASSWORD) {
      const res = await simpul.app.inject({
        method: 'POST',
        url: '/api/v1/auth/patron/login',
        payload: { library, memberNumber, password },
      });
      if (res.statusCode !== 200) throw new Error(`patron login ${memberNumber} failed: ${res.statusCode} ${res.body}`);
      const set = res.cookies.find((c) => c.name === 'simpul_session');
      if (!set) throw new Error('no session cookie');
      return agent(`simpul_session=${set.value}`, (JSON.parse(res.body) as { csrfToken: string }).csrfToken);
    },
    async stop() {
      await simpul.close();
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A call that must succeed: a refusal fails the test there, with the answer, instead of
 * a later assertion wondering why nothing changed.
 */
export function must<T extends Reply>(r: T): T {
  if (r.status >= 300) throw new Error(`expected success, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r;
}
