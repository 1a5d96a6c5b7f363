import { getLibrary } from '../directory/libraries.ts';
import { type Actor, assertActFor } from '../platform/actor.ts';
import { audit } from '../platform/audit.ts';
import type { Db } from '../platform/db.ts';
import { invalidField, NotFound } from '../platform/errors.ts';
import { type BatchCounts, emptyCounts, ingestChunk, type Matcher, type Parsed } from './ingest.ts';
import {
  type HarvestCheckpoint,
  nextIncrementalFrom,
  OaiClient,
  type OaiClientOptions,
  type OaiRecord,
} from './oai/client.ts';
import { parseMetadata } from './parse.ts';

/**
 * Harvesting a member library's OAI-PMH server into the union catalog. The
 * records of each page and the checkpoint after it are committed in one
 * transaction, so a harvest that dies resumes exactly after the last page
 * it stored: no record twice, none missing.
 */

export interface HarvestSource {
  id: number;
  libraryId: number;
  libraryCode: string;
  name: string;
  baseUrl: string;
  metadataPrefix: string;
  setSpec: string | null;
  scheduleHours: number | null;
  enabled: boolean;
  lastRunAt: string | null;
  nextRunAt: string | null;
  checkpoint: HarvestCheckpoint | null;
}

const PREFIXES = ['marc21', 'oai_dc', 'mods'] as const;
export type HarvestPrefix = (typeof PREFIXES)[number];

function sourceQuery(db: Db) {
  return db
    .selectFrom('catalog_sources as s')
    .innerJoin('libraries as l', 'l.id', 's.library_id')
    .select([
      's.id',
      's.library_id',
      'l.code',
      'l.network_id',
      's.name',
      's.base_url',
      's.metadata_prefix',
      's.set_spec',
      's.schedule_hours',
      's.enabled',
      's.last_run_at',
      's.next_run_at',
      's.checkpoint',
    ])
    .where('s.kind', '=', 'oai');
}

type Row = Awaited<ReturnType<ReturnType<typeof sourceQuery>['executeTakeFirstOrThrow']>>;

const present = (r: Row): HarvestSource => ({
  id: r.id,
  libraryId: r.library_id,
  libraryCode: r.code,
  name: r.name,
  baseUrl: r.base_url ?? '',
  metadataPrefix: r.metadata_prefix ?? 'oai_dc',
  setSpec: r.set_spec,
  scheduleHours: r.schedule_hours,
  enabled: r.enabled,
  lastRunAt: r.last_run_at?.toISOString() ?? null,
  nextRunAt: r.next_run_at?.toISOString() ?? null,
  checkpoint: r.checkpoint as HarvestCheckpoint | null,
});

export async function getSource(db: Db, actor: Actor, id: number): Promise<HarvestSource> {
  const row = await sourceQuery(db).where('s.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('source');
  assertActFor(actor, { id: row.library_id, network_id: row.network_id });
  return present(row);
}

export async function listSources(db: Db, actor: Actor, libraryRef: string): Promise<HarvestSource[]> {
  const lib = await getLibrary(db, libraryRef);
  assertActFor(actor, { id: lib.id, network_id: lib.networkId });
  return (await sourceQuery(db).where('s.library_id', '=', lib.id).orderBy('s.name').execute()).map(present);
}

export interface SourceInput {
  name: string;
  baseUrl: string;
  metadataPrefix: HarvestPrefix;
  setSpec?: string | null | undefined;
  scheduleHours?: number | null | undefined;
  enabled?: boolean | undefined;
}

function checkUrl(url: string) {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw invalidField('baseUrl', { id: 'alamat harus URL http(s)', en: 'must be an http(s) URL' });
  }
}

export async function createSource(
  db: Db,
  actor: Actor,
  libraryRef: string,
  input: SourceInput,
): Promise<HarvestSource> {
  checkUrl(input.baseUrl);
  const lib = await getLibrary(db, libraryRef);
  assertActFor(actor, { id: lib.id, network_id: lib.networkId });
  const id = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('catalog_sources')
      .values({
        library_id: lib.id,
        kind: 'oai',
        name: input.name,
        base_url: input.baseUrl,
        metadata_prefix: input.metadataPrefix,
        set_spec: input.setSpec ?? null,
        schedule_hours: input.scheduleHours ?? null,
        enabled: input.enabled ?? true,
        next_run_at: input.scheduleHours ? new Date() : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, actor, {
      action: 'create',
      entity: 'catalog_source',
      entityId: row.id,
      libraryId: lib.id,
      after: { ...input },
    });
    return row.id;
  });
  return getSource(db, actor, id);
}

export async function updateSource(
  db: Db,
  actor: Actor,
  id: number,
  patch: Partial<SourceInput>,
): Promise<HarvestSource> {
  if (patch.baseUrl !== undefined) checkUrl(patch.baseUrl);
  const before = await getSource(db, actor, id);
  await db.transaction().execute(async (trx) => {
    const set: Record<string, unknown> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.baseUrl !== undefined) set.base_url = patch.baseUrl;
    if (patch.metadataPrefix !== undefined) set.metadata_prefix = patch.metadataPrefix;
    if (patch.setSpec !== undefined) set.set_spec = patch.setSpec;
    if (patch.scheduleHours !== undefined) {
      set.schedule_hours = patch.scheduleHours;
      set.next_run_at = patch.scheduleHours ? new Date() : null;
    }
    if (patch.enabled !== undefined) set.enabled = patch.enabled;
    // Changing what is harvested starts the list anew.
    if (patch.baseUrl !== undefined || patch.metadataPrefix !== undefined || patch.setSpec !== undefined)
      set.checkpoint = null;
    if (Object.keys(set).length === 0) return;
    await trx.updateTable('catalog_sources').set(set).where('id', '=', id).execute();
    await audit(trx, actor, {
      action: 'update',
      entity: 'catalog_source',
      entityId: id,
      libraryId: before.libraryId,
      before: {
        name: before.name,
        baseUrl: before.baseUrl,
        scheduleHours: before.scheduleHours,
        enabled: before.enabled,
      },
      after: { ...patch },
    });
  });
  return getSource(db, actor, id);
}

function toParsed(rec: OaiRecord, prefix: string): Parsed {
  const position = `record ${rec.header.identifier}`;
  if (rec.header.deleted) {
    return {
      ok: true,
      position,
      raw: Buffer.from(`<header status="deleted"><identifier>${rec.header.identifier}</identifier></header>`),
      format: prefix,
      bib: {
        sourceId: rec.header.identifier,
        title: '',
        authors: [],
        isbns: [],
        issns: [],
        subjects: [],
        format: 'other',
        items: [],
        deleted: true,
      },
    };
  }
  if (!rec.metadataXml) return { ok: false, position, reason: 'record without metadata' };
  try {
    const bib = parseMetadata(prefix, rec.metadataXml);
    // The OAI identifier is the stable key across harvests, whatever the record says inside.
    return {
      ok: true,
      position,
      raw: Buffer.from(rec.metadataXml),
      format: prefix,
      bib: { ...bib, sourceId: rec.header.identifier },
    };
  } catch (e) {
    return {
      ok: false,
      position,
      reason: e instanceof Error ? e.message : String(e),
      excerpt: rec.metadataXml.slice(0, 300),
    };
  }
}

export interface HarvestResult {
  batchId: number;
  counts: BatchCounts;
  checkpoint: HarvestCheckpoint | null;
}

/** Runs one harvest of a source now (the job queue calls this; so does `simpul harvest`). */
export async function harvestSource(
  db: Db,
  sourceId: number,
  matcher: Matcher,
  opts: { client?: Partial<OaiClientOptions>; onProgress?: (c: BatchCounts) => void } = {},
): Promise<HarvestResult> {
  const src = await sourceQuery(db).where('s.id', '=', sourceId).executeTakeFirst();
  if (!src) throw new NotFound('source');
  const source = present(src);
  const batch = await db
    .insertInto('import_batches')
    .values({
      library_id: source.libraryId,
      source_id: source.id,
      kind: 'harvest',
      filename: source.baseUrl,
      format: source.metadataPrefix,
      status: 'running',
      started_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const counts = emptyCounts();
  const target = { batchId: batch.id, libraryId: source.libraryId, sourceId: source.id };
  const client = new OaiClient({ baseUrl: source.baseUrl, ...opts.client });
  const saved = source.checkpoint;
  let page: Parsed[] = [];
  let last: HarvestCheckpoint | null = saved;
  const commitPage = async (cp: HarvestCheckpoint | null) => {
    const part = page;
    page = [];
    await db.transaction().execute(async (trx) => {
      if (part.length) {
        const c = await ingestChunk(trx, target, part, matcher);
        for (const k of Object.keys(counts) as Array<keyof BatchCounts>) counts[k] += c[k];
      }
      if (cp)
        await trx
          .updateTable('catalog_sources')
          .set({ checkpoint: JSON.stringify(cp) })
          .where('id', '=', source.id)
          .execute();
      await trx
        .updateTable('import_batches')
        .set({
          n_read: counts.read,
          n_added: counts.added,
          n_updated: counts.updated,
          n_unchanged: counts.unchanged,
          n_deleted: counts.deleted,
          n_matched: counts.matched,
          n_rejected: counts.rejected,
        })
        .where('id', '=', batch.id)
        .execute();
    });
    opts.onProgress?.(counts);
  };
  try {
    const resume = saved && !saved.complete ? saved : undefined;
    const from = saved?.complete ? nextIncrementalFrom(saved) : undefined;
    const records = client.listRecords({
      metadataPrefix: source.metadataPrefix,
      ...(source.setSpec ? { set: source.setSpec } : {}),
      ...(from ? { from } : {}),
      ...(resume ? { resumeFrom: resume } : {}),
      onCheckpoint: async (cp) => {
        last = cp;
        await commitPage(cp);
      },
    });
    for await (const rec of records) page.push(toParsed(rec, source.metadataPrefix));
    await commitPage(last);
    const next = source.scheduleHours ? new Date(Date.now() + source.scheduleHours * 3600_000) : null;
    await db
      .updateTable('catalog_sources')
      .set({ last_run_at: new Date(), next_run_at: next })
      .where('id', '=', source.id)
      .execute();
    await db
      .updateTable('import_batches')
      .set({ status: 'done', finished_at: new Date() })
      .where('id', '=', batch.id)
      .execute();
    return { batchId: batch.id, counts, checkpoint: last };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // "No records match" is an empty harvest, not a failure.
    if ((e as { code?: string }).code === 'noRecordsMatch') {
      await db
        .updateTable('import_batches')
        .set({ status: 'done', finished_at: new Date() })
        .where('id', '=', batch.id)
        .execute();
      await db.updateTable('catalog_sources').set({ last_run_at: new Date() }).where('id', '=', source.id).execute();
      return { batchId: batch.id, counts, checkpoint: last };
    }
    await db
      .updateTable('import_batches')
      .set({ status: 'failed', finished_at: new Date(), error: message.slice(0, 2000) })
      .where('id', '=', batch.id)
      .execute();
    // A failing server is tried again by the schedule in an hour, not on every tick.
    if (source.scheduleHours) {
      await db
        .updateTable('catalog_sources')
        .set({ next_run_at: new Date(Date.now() + Math.min(source.scheduleHours, 1) * 3600_000) })
        .where('id', '=', source.id)
        .execute();
    }
    throw e;
  }
}

/** Enqueues a harvest job for every enabled source whose time has come. */
export async function dueSources(db: Db): Promise<number[]> {
  const rows = await db
    .selectFrom('catalog_sources')
    .select('id')
    .where('kind', '=', 'oai')
    .where('enabled', '=', true)
    .where('next_run_at', '<=', new Date())
    .execute();
  return rows.map((r) => r.id);
}

export { PREFIXES };
