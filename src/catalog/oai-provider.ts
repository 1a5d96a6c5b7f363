import { sql } from 'kysely';
import type { Db } from '../platform/db.ts';
import type { MarcXmlWriter } from './sru.ts';
import type { Bib } from './types.ts';
import { bibToOaiDc, el, esc } from './xml-out.ts';

/**
 * OAI-PMH 2.0 data provider for the union catalog: one item per cluster, a set
 * per holding library ("library:CODE"), oai_dc and marc21, deleted records kept
 * (persistent), resumption tokens that carry their own cursor so no state is
 * held between requests.
 */

const PAGE = 100;
const FORMATS = {
  oai_dc: {
    schema: 'http://www.openarchives.org/OAI/2.0/oai_dc.xsd',
    namespace: 'http://www.openarchives.org/OAI/2.0/oai_dc/',
  },
  marc21: {
    schema: 'http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd',
    namespace: 'http://www.loc.gov/MARC21/slim',
  },
} as const;
type Prefix = keyof typeof FORMATS;

const ARGS: Record<string, { required: string[]; optional: string[] }> = {
  Identify: { required: [], optional: [] },
  ListMetadataFormats: { required: [], optional: ['identifier'] },
  ListSets: { required: [], optional: ['resumptionToken'] },
  GetRecord: { required: ['identifier', 'metadataPrefix'], optional: [] },
  ListIdentifiers: { required: ['metadataPrefix'], optional: ['from', 'until', 'set', 'resumptionToken'] },
  ListRecords: { required: ['metadataPrefix'], optional: ['from', 'until', 'set', 'resumptionToken'] },
};

class OaiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface OaiContext {
  db: Db;
  baseUrl: string;
  repositoryName: string;
  adminEmail: string;
  idPrefix: string; // 'oai:simpul.sumbar:'
  marcxml: MarcXmlWriter;
}

interface Cursor {
  p: Prefix;
  s?: string;
  f?: string;
  u?: string;
  t: string; // datestamp of the last item sent, microsecond text
  i: number; // its cluster id
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function parseDate(v: string, name: string): { value: string; day: boolean } {
  if (/^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`))) return { value: v, day: true };
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(v) && !Number.isNaN(Date.parse(v))) return { value: v, day: false };
  throw new OaiError('badArgument', `${name} is not a valid date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)`);
}

export async function oaiRespond(ctx: OaiContext, query: Record<string, unknown>): Promise<string> {
  const now = iso(new Date());
  const verb = typeof query.verb === 'string' ? query.verb : undefined;
  const args: Record<string, string> = {};
  const request = (attrs: Record<string, string>) =>
    `<request${Object.entries(attrs)
      .map(([k, v]) => ` ${k}="${esc(v)}"`)
      .join('')}>${esc(ctx.baseUrl)}</request>`;
  const wrap = (body: string, attrs: Record<string, string>) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"><responseDate>${now}</responseDate>${request(attrs)}${body}</OAI-PMH>`;
  try {
    if (!verb || !ARGS[verb]) throw new OaiError('badVerb', verb ? `unknown verb ${verb}` : 'verb is missing');
    const spec = ARGS[verb] as { required: string[]; optional: string[] };
    for (const [k, v] of Object.entries(query)) {
      if (k === 'verb') continue;
      if (Array.isArray(v)) throw new OaiError('badArgument', `${k} is repeated`);
      if (!spec.required.includes(k) && !spec.optional.includes(k))
        throw new OaiError('badArgument', `illegal argument ${k}`);
      args[k] = String(v);
    }
    if (Array.isArray(query.verb)) throw new OaiError('badVerb', 'verb is repeated');
    if (args.resumptionToken !== undefined) {
      if (Object.keys(args).length > 1) throw new OaiError('badArgument', 'resumptionToken is an exclusive argument');
    } else {
      for (const r of spec.required) if (!args[r]) throw new OaiError('badArgument', `${r} is required`);
    }
    const body = await dispatch(ctx, verb, args);
    return wrap(`<${verb}>${body}</${verb}>`, { verb, ...args });
  } catch (e) {
    if (!(e instanceof OaiError)) throw e;
    // The request element echoes arguments only when the request was good enough to have them.
    const attrs = e.code === 'badVerb' || e.code === 'badArgument' ? {} : { ...(verb ? { verb } : {}), ...args };
    return wrap(`<error code="${e.code}">${esc(e.message)}</error>`, attrs);
  }
}

async function dispatch(ctx: OaiContext, verb: string, a: Record<string, string>): Promise<string> {
  const { db } = ctx;
  switch (verb) {
    case 'Identify': {
      const first = await sql<{
        t: Date | null;
      }>`select least((select min(updated_at) from clusters), (select min(deleted_at) from cluster_tombstones)) as t`.execute(
        db,
      );
      const earliest = first.rows[0]?.t ? iso(new Date(first.rows[0].t)) : iso(new Date());
      return `<repositoryName>${esc(ctx.repositoryName)}</repositoryName><baseURL>${esc(ctx.baseUrl)}</baseURL><protocolVersion>2.0</protocolVersion><adminEmail>${esc(ctx.adminEmail)}</adminEmail><earliestDatestamp>${earliest}</earliestDatestamp><deletedRecord>persistent</deletedRecord><granularity>YYYY-MM-DDThh:mm:ssZ</granularity><description><oai-identifier xmlns="http://www.openarchives.org/OAI/2.0/oai-identifier" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/oai-identifier http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"><scheme>oai</scheme><repositoryIdentifier>${esc(ctx.idPrefix.split(':')[1] ?? 'simpul')}</repositoryIdentifier><delimiter>:</delimiter><sampleIdentifier>${esc(ctx.idPrefix)}1</sampleIdentifier></oai-identifier></description>`;
    }
    case 'ListMetadataFormats': {
      if (a.identifier) await itemOf(ctx, a.identifier);
      return Object.entries(FORMATS)
        .map(
          ([prefix, f]) =>
            `<metadataFormat><metadataPrefix>${prefix}</metadataPrefix><schema>${f.schema}</schema><metadataNamespace>${f.namespace}</metadataNamespace></metadataFormat>`,
        )
        .join('');
    }
    case 'ListSets': {
      if (a.resumptionToken) throw new OaiError('badResumptionToken', 'this list is never split');
      const libs = await db.selectFrom('libraries').select(['code', 'name']).orderBy('code').execute();
      return libs
        .map((l) => `<set><setSpec>library:${esc(l.code)}</setSpec><setName>${esc(l.name)}</setName></set>`)
        .join('');
    }
    case 'GetRecord': {
      const prefix = checkPrefix(a.metadataPrefix as string);
      const item = await itemOf(ctx, a.identifier as string);
      return recordXml(ctx, item, prefix, true);
    }
    default: {
      let cur: Cursor;
      if (a.resumptionToken) {
        cur = decodeToken(a.resumptionToken);
      } else {
        const p = checkPrefix(a.metadataPrefix as string);
        const from = a.from ? parseDate(a.from, 'from') : undefined;
        const until = a.until ? parseDate(a.until, 'until') : undefined;
        if (from && until && from.day !== until.day)
          throw new OaiError('badArgument', 'from and until have different granularities');
        cur = { p, t: '', i: 0 };
        if (from) cur.f = from.day ? `${from.value}T00:00:00Z` : from.value;
        if (until) cur.u = until.day ? `${until.value}T23:59:59.999999Z` : until.value.replace('Z', '.999999Z');
        if (cur.f && cur.u && cur.f > cur.u) throw new OaiError('badArgument', 'from is after until');
        if (a.set) {
          if (!/^library:[A-Za-z0-9_-]+$/.test(a.set)) throw new OaiError('noRecordsMatch', 'no such set');
          cur.s = a.set;
        }
      }
      const items = await listItems(ctx, cur);
      if (items.length === 0 && !a.resumptionToken) throw new OaiError('noRecordsMatch', 'no records match');
      const more = items.length > PAGE;
      const page = items.slice(0, PAGE);
      const body = page.map((it) => recordXml(ctx, it, cur.p, verb === 'ListRecords')).join('');
      const last = page[page.length - 1];
      const token = more && last ? encodeToken({ ...cur, t: last.stamp, i: last.id }) : '';
      // An empty token element marks the last page of a list that was split.
      const tokenXml = more
        ? `<resumptionToken>${token}</resumptionToken>`
        : a.resumptionToken
          ? '<resumptionToken/>'
          : '';
      return body + tokenXml;
    }
  }
}

function checkPrefix(p: string): Prefix {
  if (p in FORMATS) return p as Prefix;
  throw new OaiError('cannotDisseminateFormat', `metadataPrefix ${p} is not offered (oai_dc, marc21)`);
}

function encodeToken(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeToken(t: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(t, 'base64url').toString('utf8')) as Cursor;
    if (!(c.p in FORMATS) || typeof c.t !== 'string' || typeof c.i !== 'number') throw new Error('shape');
    return c;
  } catch {
    throw new OaiError('badResumptionToken', 'the resumption token is not valid');
  }
}

interface Item {
  id: number;
  stamp: string; // microsecond-precise datestamp text, for the cursor
  datestamp: Date;
  deleted: boolean;
  libraryCodes: string[];
  display: Bib | null;
}

const STAMP = `to_char(ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

async function listItems(ctx: OaiContext, c: Cursor): Promise<Item[]> {
  const libId = c.s
    ? ((
        await ctx.db
          .selectFrom('libraries')
          .select('id')
          .where('code', '=', c.s.slice('library:'.length))
          .executeTakeFirst()
      )?.id ?? -1)
    : null;
  const rows = await sql<{
    id: number;
    stamp: string;
    ts: Date;
    deleted: boolean;
    library_ids: number[];
    display: Bib | null;
  }>`
    select id, ${sql.raw(STAMP)} as stamp, ts, deleted, library_ids, display from (
      select c.id, c.updated_at as ts, false as deleted, c.library_ids, c.display from clusters c
      union all
      select t.cluster_id, t.deleted_at, true, t.library_ids, null from cluster_tombstones t
    ) x
    where (${c.t} = '' or (ts, id) > (${c.t || '1970-01-01T00:00:00Z'}::timestamptz, ${c.i}))
      and (${c.f ?? null}::timestamptz is null or ts >= ${c.f ?? null}::timestamptz)
      and (${c.u ?? null}::timestamptz is null or ts <= ${c.u ?? null}::timestamptz)
      and (${libId}::int is null or ${libId}::int = any(library_ids))
    order by ts, id
    limit ${PAGE + 1}`.execute(ctx.db);
  return withCodes(ctx, rows.rows);
}

async function withCodes(
  ctx: OaiContext,
  rows: Array<{ id: number; stamp: string; ts: Date; deleted: boolean; library_ids: number[]; display: Bib | null }>,
): Promise<Item[]> {
  const ids = [...new Set(rows.flatMap((r) => r.library_ids))];
  const codes = ids.length
    ? new Map(
        (await ctx.db.selectFrom('libraries').select(['id', 'code']).where('id', 'in', ids).execute()).map((l) => [
          l.id,
          l.code,
        ]),
      )
    : new Map<number, string>();
  return rows.map((r) => ({
    id: r.id,
    stamp: r.stamp,
    datestamp: new Date(r.ts),
    deleted: r.deleted,
    libraryCodes: r.library_ids.map((l) => codes.get(l)).filter((x): x is string => Boolean(x)),
    display: r.display,
  }));
}

async function itemOf(ctx: OaiContext, identifier: string): Promise<Item> {
  const m = identifier.startsWith(ctx.idPrefix) ? /^(\d+)$/.exec(identifier.slice(ctx.idPrefix.length)) : null;
  if (!m) throw new OaiError('idDoesNotExist', `unknown identifier ${identifier}`);
  const id = Number(m[1]);
  const rows = await sql<{
    id: number;
    stamp: string;
    ts: Date;
    deleted: boolean;
    library_ids: number[];
    display: Bib | null;
  }>`
    select id, ${sql.raw(STAMP)} as stamp, ts, deleted, library_ids, display from (
      select c.id, c.updated_at as ts, false as deleted, c.library_ids, c.display from clusters c where c.id = ${id}
      union all
      select t.cluster_id, t.deleted_at, true, t.library_ids, null from cluster_tombstones t where t.cluster_id = ${id}
    ) x order by deleted limit 1`.execute(ctx.db);
  const item = (await withCodes(ctx, rows.rows))[0];
  if (!item) throw new OaiError('idDoesNotExist', `unknown identifier ${identifier}`);
  return item;
}

function recordXml(ctx: OaiContext, it: Item, prefix: Prefix, withMetadata: boolean): string {
  const header = `<header${it.deleted ? ' status="deleted"' : ''}><identifier>${esc(ctx.idPrefix + it.id)}</identifier><datestamp>${iso(it.datestamp)}</datestamp>${it.libraryCodes
    .map((c) => el('setSpec', `library:${c}`))
    .join('')}</header>`;
  if (!withMetadata) return header;
  if (it.deleted || !it.display) return `<record>${header}</record>`;
  const metadata = prefix === 'oai_dc' ? bibToOaiDc(it.display) : ctx.marcxml(it.display, it.id);
  return `<record>${header}<metadata>${metadata}</metadata></record>`;
}
