import { Command, InvalidArgumentError } from 'commander';
import { DEMO_PASSWORD, demoLogins, seedDemo } from './demo/seed.ts';
import { createStaff } from './directory/staff.ts';
import { systemActor } from './platform/actor.ts';
import { loadConfig } from './platform/config.ts';
import { openDatabase } from './platform/db.ts';
import { migrate } from './platform/migrate.ts';
import { Protector } from './platform/protect.ts';
import { createSimpul } from './server.ts';

const program = new Command('simpul').description('Simpul — kerjasama perpustakaan').showHelpAfterError();

const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('not a port number');
  return n;
};

program
  .command('serve')
  .description('start the web server (migrates the database first)')
  .option('-p, --port <port>', 'port (default: $PORT or 3000)', port)
  .option('--seed-demo', 'load the demo network when the database is empty')
  .action(async (opts: { port?: number; seedDemo?: boolean }) => {
    const config = loadConfig();
    if (opts.port !== undefined) config.port = opts.port;
    const simpul = await createSimpul({ config, logger: process.env.LOG_LEVEL !== 'silent' });
    let seeded = false;
    if (opts.seedDemo) seeded = await seedDemo(simpul.ctx.database.db, simpul.ctx.protector);
    const address = await simpul.app.listen({ port: config.port, host: config.host });
    simpul.jobs.start();
    const where = config.databaseUrl ? 'PostgreSQL server (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
    console.log(`\nSimpul is running at ${address.replace('127.0.0.1', 'localhost')}  (database: ${where})`);
    console.log(`API documentation: ${address}/api/docs`);
    if (opts.seedDemo) {
      console.log(seeded ? 'Demo network loaded.' : 'Demo network already present.');
      console.log(`Demo logins (password for all: ${DEMO_PASSWORD}):`);
      for (const l of demoLogins) console.log(`  ${l.username.padEnd(24)} ${l.role.padEnd(20)} ${l.library}`);
    }
    const stop = async () => {
      await simpul.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    const db = await openDatabase(loadConfig());
    const applied = await migrate(db, console.log);
    console.log(applied.length ? `${applied.length} migration(s) applied` : 'database is up to date');
    await db.close();
  });

program
  .command('seed-demo')
  .description('load the demo West Sumatra network into an empty database')
  .action(async () => {
    const config = loadConfig();
    const db = await openDatabase(config);
    await migrate(db);
    const done = await seedDemo(db.db, new Protector(config.secretKey));
    console.log(done ? 'demo network loaded' : 'database already has a network; nothing changed');
    await db.close();
  });

const user = program.command('user').description('staff accounts');
user
  .command('add')
  .description('create a staff account (password from --password or $SIMPUL_NEW_PASSWORD)')
  .requiredOption('--library <code>', 'library code, e.g. BUNGHATTA')
  .requiredOption('--username <name>')
  .requiredOption('--name <full name>')
  .option('--role <role>', 'librarian | library_admin | network_coordinator', 'librarian')
  .option('--email <email>')
  .option('--password <password>')
  .action(
    async (opts: {
      library: string;
      username: string;
      name: string;
      role: string;
      email?: string;
      password?: string;
    }) => {
      const roles = ['librarian', 'library_admin', 'network_coordinator'] as const;
      const role = roles.find((r) => r === opts.role);
      if (!role) throw new InvalidArgumentError(`role must be one of ${roles.join(', ')}`);
      const password = opts.password ?? process.env.SIMPUL_NEW_PASSWORD;
      if (!password) throw new InvalidArgumentError('give --password or set SIMPUL_NEW_PASSWORD');
      const db = await openDatabase(loadConfig());
      try {
        await migrate(db);
        const created = await createStaff(db.db, systemActor('cli'), opts.library, {
          username: opts.username,
          fullName: opts.name,
          role,
          password,
          email: opts.email,
        });
        console.log(`created ${created.username} (${created.role}) at ${created.libraryCode}`);
      } finally {
        await db.close();
      }
    },
  );

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const e = err as { messages?: { en: string; id: string }; message: string };
  console.error(`error: ${e.messages ? `${e.messages.en} / ${e.messages.id}` : e.message}`);
  const details = (err as { details?: unknown }).details;
  if (details) console.error(JSON.stringify(details));
  process.exit(1);
}
