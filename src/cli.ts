import { Command, InvalidArgumentError } from 'commander';
import { isWorkbookKind, spreadsheetKind } from './catalog/formats/workbook.ts';
import { harvestSource } from './catalog/harvest.ts';
import type { BatchCounts } from './catalog/ingest.ts';
import {
  createMapping,
  listMappings,
  MAX_WORKBOOK_PREVIEW_BYTES,
  type MappingInput,
  previewMapping,
  resolveMapping,
} from './catalog/mappings.ts';
import { catalogMatcher } from './catalog/match.ts';
import { FORMAT_NAMES, type FormatName } from './catalog/parse.ts';
import { reindexAll, reindexState } from './catalog/reindex.ts';
import { createFileBatch, getBatch, runFileBatch } from './catalog/service.ts';
import { DEMO_PASSWORD, demoLogins, seedDemo } from './demo/seed.ts';
import { DEMO_PATRON_PASSWORD, demoPatronLogins } from './directory/portal-demo.ts';
import { createStaff } from './directory/staff.ts';
import { systemActor } from './platform/actor.ts';
import { loadConfig } from './platform/config.ts';
import { openDatabase } from './platform/db.ts';
import { migrate } from './platform/migrate.ts';
import { Protector } from './platform/protect.ts';
import { runAgreementReminders } from './programs/agreements.ts';
import { isIsoDate } from './programs/dates.ts';
import { createSimpul } from './server.ts';

/** One line, redrawn in place, on a terminal; nothing when output goes to a file or --json is asked. */
function progress(enabled: boolean) {
  const tty = enabled && process.stderr.isTTY;
  return {
    update(fraction: number | null, counts: BatchCounts) {
      if (!tty) return;
      const width = 30;
      const bar =
        fraction === null
          ? ''
          : `[${'#'.repeat(Math.round(fraction * width)).padEnd(width, '-')}] ${Math.round(fraction * 100)}% `;
      process.stderr.write(
        `\r${bar}${counts.read} read, ${counts.added} added, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.rejected} rejected`,
      );
    },
    done() {
      if (tty) process.stderr.write('\n');
    },
  };
}

function report(counts: BatchCounts, extra: Record<string, unknown>, json: boolean) {
  if (json) console.log(JSON.stringify({ ...extra, counts }));
  else {
    console.log(
      `${counts.read} read: ${counts.added} added, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.deleted} deleted, ${counts.matched} matched existing titles, ${counts.rejected} rejected`,
    );
  }
}

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
      console.log(`Demo patron portal (/portal; library, member number, password for all: ${DEMO_PATRON_PASSWORD}):`);
      for (const p of demoPatronLogins) console.log(`  ${p.library.padEnd(12)} ${p.memberNumber.padEnd(16)} ${p.note}`);
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

program
  .command('import')
  .description(
    'import a catalogue file (MARC21 ISO 2709 / MARC-8, MARCXML, MODS, oai_dc, SLiMS CSV, a CSV, Excel .xlsx / .xls or OpenDocument .ods spreadsheet with SLiMS columns or through a saved mapping) for a library',
  )
  .argument('<file>')
  .requiredOption('--library <code>', 'library code, e.g. BUNGHATTA')
  .option('--format <format>', `one of ${FORMAT_NAMES.join(', ')} (default: detected)`)
  .option(
    '--mapping <name>',
    'a saved column mapping of the library (name or id): read the file as a spreadsheet (CSV, .xlsx, .xls or .ods) through it',
  )
  .option('--sheet <name>', 'a workbook (.xlsx, .xls or .ods): the sheet to read (default the first)')
  .option('--json', 'print the batch report as JSON instead of a progress bar')
  .action(
    async (
      file: string,
      opts: { library: string; format?: string; mapping?: string; sheet?: string; json?: boolean },
    ) => {
      const format = opts.format as FormatName | undefined;
      if (format && !FORMAT_NAMES.includes(format))
        throw new InvalidArgumentError(`format must be one of ${FORMAT_NAMES.join(', ')}`);
      const db = await openDatabase(loadConfig());
      try {
        await migrate(db);
        const actor = systemActor('cli');
        const batch = await createFileBatch(db.db, actor, opts.library, {
          filename: file,
          format,
          mapping: opts.mapping,
          sheet: opts.sheet,
        });
        const bar = progress(!opts.json);
        const { statSync } = await import('node:fs');
        const size = statSync(file).size;
        let counts: BatchCounts;
        try {
          counts = await runFileBatch(db.db, batch.id, file, catalogMatcher, {
            sheet: opts.sheet,
            onProgress: (p) => bar.update(size ? p.bytesRead / size : null, p.counts),
          });
        } finally {
          bar.done();
        }
        const done = await getBatch(db.db, actor, batch.id);
        report(
          counts,
          { batch: done.id, library: done.libraryCode, file, format: done.format, status: done.status },
          Boolean(opts.json),
        );
      } finally {
        await db.close();
      }
    },
  );

// Saved column mappings from the command line, for libraries that script their spreadsheet imports.
const mapping = program.command('mapping').description("a library's saved spreadsheet column mappings");

/** The head of a file as the preview reads it (whole lines only); a workbook (.xlsx, .xls, .ods) whole, as it can only be read so. */
async function sampleOf(file: string): Promise<{ sample: Buffer; partial: boolean }> {
  const { open } = await import('node:fs/promises');
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    const buf = Buffer.alloc(256 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    if (isWorkbookKind(spreadsheetKind(buf.subarray(0, bytesRead))?.kind) && bytesRead < size) {
      if (size > MAX_WORKBOOK_PREVIEW_BYTES)
        throw new InvalidArgumentError(
          `${file} is a workbook of ${size} bytes; the preview reads workbooks of up to ${MAX_WORKBOOK_PREVIEW_BYTES} bytes`,
        );
      const whole = Buffer.alloc(size);
      const { bytesRead: n } = await fh.read(whole, 0, size, 0);
      return { sample: whole.subarray(0, n), partial: false };
    }
    return { sample: buf.subarray(0, bytesRead), partial: bytesRead < size };
  } finally {
    await fh.close();
  }
}

const specText = (m: { name: string } & MappingInput) =>
  JSON.stringify(
    {
      name: m.name,
      columns: m.columns,
      hasHeader: m.hasHeader,
      delimiter: m.delimiter,
      encoding: m.encoding,
      multiValueSeparator: m.multiValueSeparator,
      defaultFormat: m.defaultFormat,
    },
    null,
    2,
  );

mapping
  .command('list')
  .description("list a library's saved mappings")
  .requiredOption('--library <code>', 'library code, e.g. BUNGHATTA')
  .option('--json', 'print them as JSON')
  .action(async (opts: { library: string; json?: boolean }) => {
    const db = await openDatabase(loadConfig());
    try {
      await migrate(db);
      const list = await listMappings(db.db, systemActor('cli'), opts.library);
      if (opts.json) console.log(JSON.stringify(list));
      else if (list.length === 0) console.log(`${opts.library} has no saved mappings`);
      else
        for (const m of list)
          console.log(`${m.id}\t${m.name}\t${m.columns.map((c) => `${c.column}->${c.field}`).join(', ')}`);
    } finally {
      await db.close();
    }
  });

mapping
  .command('show')
  .description('print one saved mapping as JSON (the form `mapping add --spec` reads)')
  .argument('<mapping>', 'name or id')
  .requiredOption('--library <code>', 'library code')
  .action(async (ref: string, opts: { library: string }) => {
    const db = await openDatabase(loadConfig());
    try {
      await migrate(db);
      console.log(specText(await resolveMapping(db.db, systemActor('cli'), opts.library, ref)));
    } finally {
      await db.close();
    }
  });

mapping
  .command('guess')
  .description("read a spreadsheet's header and first rows: the mapping Simpul would guess, and what the rows give")
  .argument('<file>', 'a CSV file or a workbook (Excel .xlsx or .xls, OpenDocument .ods)')
  .requiredOption('--library <code>', 'library code')
  .option('--mapping <mapping>', 'read the rows through this saved mapping instead of a guess')
  .option('--sheet <name>', 'a workbook: the sheet to read (default the first)')
  .action(async (file: string, opts: { library: string; mapping?: string; sheet?: string }) => {
    const db = await openDatabase(loadConfig());
    try {
      await migrate(db);
      const p = await previewMapping(db.db, systemActor('cli'), opts.library, {
        ...(await sampleOf(file)),
        ...(opts.mapping ? { mappingRef: opts.mapping } : {}),
        ...(opts.sheet ? { sheet: opts.sheet } : {}),
        limit: 5,
      });
      if (p.sheet) console.log(`sheet: ${p.sheet}`);
      console.log(specText({ name: opts.mapping ?? 'guessed', ...p.mapping }));
      for (const problem of p.problems) console.log(`problem: ${problem.message.en} / ${problem.message.id}`);
      const unit = p.format === 'csv' ? 'line' : 'row';
      for (const r of p.rows) console.log(`${unit} ${r.line}: ${r.ok ? `"${r.bib?.title}"` : `rejected: ${r.reason}`}`);
    } finally {
      await db.close();
    }
  });

mapping
  .command('add')
  .description('save a mapping for a library: from a JSON spec, or the one guessed from a spreadsheet header')
  .requiredOption('--library <code>', 'library code')
  .requiredOption('--name <name>', 'the name imports use (--mapping NAME)')
  .option('--spec <file>', 'a JSON file: {columns: [{column, field}], hasHeader, delimiter, encoding, …}')
  .option(
    '--from <file>',
    'a CSV file or an .xlsx, .xls or .ods workbook whose header gives the mapping (as `mapping guess` shows)',
  )
  .action(async (opts: { library: string; name: string; spec?: string; from?: string }) => {
    if (Boolean(opts.spec) === Boolean(opts.from)) throw new InvalidArgumentError('give either --spec or --from');
    const db = await openDatabase(loadConfig());
    try {
      await migrate(db);
      const actor = systemActor('cli');
      let input: MappingInput;
      if (opts.spec) {
        const { readFileSync } = await import('node:fs');
        let spec: Omit<MappingInput, 'name'>;
        try {
          spec = JSON.parse(readFileSync(opts.spec, 'utf8'));
        } catch (e) {
          throw new InvalidArgumentError(`${opts.spec} is not JSON: ${(e as Error).message}`);
        }
        input = { ...spec, name: opts.name };
      } else {
        const p = await previewMapping(db.db, actor, opts.library, {
          ...(await sampleOf(opts.from as string)),
          limit: 1,
        });
        input = { ...p.mapping, name: opts.name };
      }
      const saved = await createMapping(db.db, actor, opts.library, input);
      console.log(`saved mapping ${saved.id} "${saved.name}" for ${opts.library}`);
      console.log(specText(saved));
    } finally {
      await db.close();
    }
  });

program
  .command('harvest')
  .description("harvest OAI-PMH sources now: one (--source), a library's (--library), or every enabled one")
  .option('--source <id>', 'harvest source id')
  .option('--library <code>', 'all sources of this library')
  .option('--json', 'print JSON reports instead of progress')
  .action(async (opts: { source?: string; library?: string; json?: boolean }) => {
    const db = await openDatabase(loadConfig());
    try {
      await migrate(db);
      let q = db.db
        .selectFrom('catalog_sources as s')
        .innerJoin('libraries as l', 'l.id', 's.library_id')
        .select(['s.id', 's.name', 'l.code'])
        .where('s.kind', '=', 'oai');
      if (opts.source) q = q.where('s.id', '=', Number(opts.source));
      else if (opts.library) q = q.where('l.code', '=', opts.library.toUpperCase());
      else q = q.where('s.enabled', '=', true);
      const sources = await q.orderBy('s.id').execute();
      if (sources.length === 0) throw new InvalidArgumentError('no harvest source matches');
      let failed = 0;
      for (const src of sources) {
        const bar = progress(!opts.json);
        if (!opts.json) console.log(`${src.code}: ${src.name}`);
        try {
          const r = await harvestSource(db.db, src.id, catalogMatcher, { onProgress: (c) => bar.update(null, c) });
          bar.done();
          report(r.counts, { source: src.id, library: src.code, batch: r.batchId, status: 'done' }, Boolean(opts.json));
        } catch (e) {
          bar.done();
          failed++;
          const message = e instanceof Error ? e.message : String(e);
          if (opts.json)
            console.log(JSON.stringify({ source: src.id, library: src.code, status: 'failed', error: message }));
          else console.error(`  failed: ${message}`);
        }
      }
      if (failed) process.exitCode = 1;
    } finally {
      await db.close();
    }
  });

program
  .command('reindex')
  .description(
    'rebuild the stored search documents now, after an upgrade changed how they are built (the server also does it in the background)',
  )
  .option('--json', 'print a JSON summary instead of progress')
  .action(async (opts: { json?: boolean }) => {
    const db = await openDatabase(loadConfig());
    try {
      await migrate(db);
      const before = await reindexState(db.db);
      const total = before.left + before.retry;
      const tty = !opts.json && process.stderr.isTTY;
      const r = await reindexAll(db.db, {
        onProgress: (n) => {
          if (tty) process.stderr.write(`\r${n} of ~${total} clusters rebuilt`);
        },
      });
      if (tty) process.stderr.write('\n');
      const summary = { from: before.version, to: before.current, rebuilt: r.rebuilt, done: r.done };
      if (opts.json) console.log(JSON.stringify(summary));
      else if (before.version >= before.current) console.log(`search index is current (version ${before.current})`);
      else console.log(`${r.rebuilt} clusters rebuilt: search index version ${before.version} -> ${before.current}`);
    } finally {
      await db.close();
    }
  });

program
  .command('reminders')
  .description('record agreement-ending reminders (90/30/7 days) as in-app notices; safe to run more than once a day')
  .option('--date <YYYY-MM-DD>', 'the day to run for (default: today)', (v: string) => {
    if (!isIsoDate(v)) throw new InvalidArgumentError('not a date (YYYY-MM-DD)');
    return v;
  })
  .action(async (opts: { date?: string }) => {
    const db = await openDatabase(loadConfig());
    try {
      await migrate(db);
      const fired = await runAgreementReminders(db.db, opts.date);
      for (const f of fired) console.log(`agreement ${f.agreementId}: ${f.daysBefore}-day reminder (ends ${f.endsOn})`);
      console.log(`${fired.length} reminder(s) recorded`);
    } finally {
      await db.close();
    }
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const e = err as { messages?: { en: string; id: string }; message: string };
  console.error(`error: ${e.messages ? `${e.messages.en} / ${e.messages.id}` : e.message}`);
  const details = (err as { details?: unknown }).details;
  if (details) console.error(JSON.stringify(details));
  process.exit(1);
}
