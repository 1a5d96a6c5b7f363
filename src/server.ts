import { catalogImportRoutes, catalogSourceRoutes } from './catalog/import-routes.ts';
import { registerCatalogJobs } from './catalog/jobs.ts';
import { catalogMappingRoutes } from './catalog/mapping-routes.ts';
import { catalogMatcher } from './catalog/match.ts';
import { catalogProtocolRoutes } from './catalog/protocol-routes.ts';
import { catalogRoutes } from './catalog/routes.ts';
import { patronPortalRoutes } from './directory/portal-routes.ts';
import { directoryRoutes } from './directory/routes.ts';
import { registerIllJobs } from './ill/jobs.ts';
import { illRoutes } from './ill/routes.ts';
import { registerOutboxJob } from './ill/transport/outbox.ts';
import { illTransportRoutes } from './ill/transport/routes.ts';
import { illIso18626Routes } from './ill/transport/wiring.ts';
import { configureMail, registerNotifyJobs } from './notify/mail.ts';
import { notifyRoutes } from './notify/routes.ts';
import { type Config, loadConfig } from './platform/config.ts';
import { type Database, openDatabase } from './platform/db.ts';
import { type App, type AppContext, buildApp } from './platform/http.ts';
import { JobRunner } from './platform/jobs.ts';
import { migrate } from './platform/migrate.ts';
import { Protector } from './platform/protect.ts';
import { platformRoutes } from './platform/routes.ts';
import { registerProgramsJobs } from './programs/jobs.ts';
import { programsPortalRoutes } from './programs/portal-routes.ts';
import { programsRoutes } from './programs/routes.ts';

/** Every module's API routes, in dependency order. */
export const apiModules = [
  platformRoutes,
  directoryRoutes,
  catalogRoutes,
  catalogImportRoutes,
  catalogSourceRoutes,
  catalogMappingRoutes,
  programsRoutes,
  patronPortalRoutes,
  programsPortalRoutes,
  illRoutes,
  notifyRoutes,
  illTransportRoutes,
];

/** Protocol endpoints outside /api/v1. */
export const rootModules = [catalogProtocolRoutes, illIso18626Routes];

export interface Simpul {
  app: App;
  ctx: AppContext;
  /** Background work; `serve` starts it, tests drain it by hand. */
  jobs: JobRunner;
  close(): Promise<void>;
}

export async function createSimpul(
  opts: { config?: Config; database?: Database; logger?: boolean; migrate?: boolean } = {},
): Promise<Simpul> {
  const config = opts.config ?? loadConfig();
  const database = opts.database ?? (await openDatabase(config));
  if (opts.migrate !== false) await migrate(database);
  configureMail(config);
  const ctx: AppContext = { database, config, protector: new Protector(config.secretKey) };
  const app = await buildApp(ctx, { logger: opts.logger ?? false, modules: apiModules, rootModules });
  const jobs = new JobRunner(database.db, { log: (m) => app.log.warn(m) });
  registerCatalogJobs(jobs, database.db, catalogMatcher);
  registerProgramsJobs(jobs, database.db);
  registerIllJobs(jobs, database.db);
  registerNotifyJobs(jobs, database.db);
  registerOutboxJob(jobs, database.db, ctx.protector);
  return {
    app,
    ctx,
    jobs,
    async close() {
      await jobs.stop();
      await app.close();
      await database.close();
    },
  };
}
