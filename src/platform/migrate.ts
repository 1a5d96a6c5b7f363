import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { projectRoot } from './config.ts';
import type { Database } from './db.ts';

const migrationsDir = path.join(projectRoot(), 'migrations');

/**
 * Forward-only numbered SQL files, each applied in its own transaction together
 * with its row in schema_migrations, so a failed file leaves nothing behind.
 */
export async function migrate(database: Database, log: (msg: string) => void = () => {}): Promise<string[]> {
  await database.execScript(
    'create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())',
  );
  const done = new Set(
    (await sql<{ name: string }>`select name from schema_migrations`.execute(database.db)).rows.map((r) => r.name),
  );
  const files = readdirSync(migrationsDir)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort();
  const applied: string[] = [];
  for (const file of files) {
    if (done.has(file)) continue;
    const body = readFileSync(path.join(migrationsDir, file), 'utf8');
    await database.execScript(`${body}\n;insert into schema_migrations (name) values ('${file.replace(/'/g, "''")}');`);
    log(`migrated ${file}`);
    applied.push(file);
  }
  return applied;
}
