import { catalogProtocolRoutes } from './catalog/protocol-routes.ts';
import { catalogRoutes } from './catalog/routes.ts';
import { directoryRoutes } from './directory/routes.ts';
import { type Config, loadConfig } from './platform/config.ts';
import { type Database, openDatabase } from './platform/db.ts';
import { type App, type AppContext, buildApp } from './platform/http.ts';
import { migrate } from './platform/migrate.ts';
import { Protector } from './platform/protect.ts';
import { platformRoutes } from './platform/routes.ts';

/** Every module's API routes, in dependency order. */
export const apiModules = [platformRoutes, directoryRoutes, catalogRoutes];

/** Protocol endpoints outside /api/v1. */
export const rootModules = [catalogProtocolRoutes];

export interface Simpul {
  app: App;
  ctx: AppContext;
  close(): Promise<void>;
}

export async function createSimpul(
  opts: { config?: Config; database?: Database; logger?: boolean; migrate?: boolean } = {},
): Promise<Simpul> {
  const config = opts.config ?? loadConfig();
  const database = opts.database ?? (await openDatabase(config));
  if (opts.migrate !== false) await migrate(database);
  const ctx: AppContext = { database, config, protector: new Protector(config.secretKey) };
  const app = await buildApp(ctx, { logger: opts.logger ?? false, modules: apiModules, rootModules });
  return {
    app,
    ctx,
    async close() {
      await app.close();
      await database.close();
    },
  };
}
