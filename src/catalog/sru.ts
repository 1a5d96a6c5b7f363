import type { Db } from '../platform/db.ts';
import { CqlError, parseCql } from './cql.ts';
import { search } from './search.ts';
import type { Bib } from './types.ts';
import { bibToOaiDc, el, esc } from './xml-out.ts';

/**
 * SRU 1.1/1.2 searchRetrieve and explain over the union catalog. Records are
 * clusters, in Dublin Core or MARCXML. Every problem is an SRU diagnostic in
 * the response body, as SRU clients expect, never an HTTP error page.
 */

const SRW = 'http://www.loc.gov/zing/srw/';
const DIAG = 'http://www.loc.gov/zing/srw/diagnostic/';

export interface SruParams {
  operation?: string | undefined;
  version?: string | undefined;
  query?: string | undefined;
  startRecord?: string | undefined;
  maximumRecords?: string | undefined;
  recordSchema?: string | undefined;
  recordPacking?: string | undefined;
}

export type MarcXmlWriter = (bib: Bib, id: number) => string;

const SCHEMAS: Record<string, 'dc' | 'marcxml'> = {
  dc: 'dc',
  'info:srw/schema/1/dc-v1.1': 'dc',
  'http://purl.org/dc/elements/1.1/': 'dc',
  marcxml: 'marcxml',
  marc21: 'marcxml',
  'info:srw/schema/1/marcxml-v1.1': 'marcxml',
  'http://www.loc.gov/marc/slim': 'marcxml',
};
const SCHEMA_URI = { dc: 'info:srw/schema/1/dc-v1.1', marcxml: 'info:srw/schema/1/marcxml-v1.1' };

function diagnostic(code: number, message: string, detail?: string): string {
  return `<diagnostic xmlns="${DIAG}"><uri>info:srw/diagnostic/1/${code}</uri>${el('details', detail)}${el('message', message)}</diagnostic>`;
}

function envelope(version: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<searchRetrieveResponse xmlns="${SRW}"><version>${esc(version)}</version>${body}</searchRetrieveResponse>`;
}

function fail(version: string, code: number, message: string, detail?: string): string {
  return envelope(
    version,
    `<numberOfRecords>0</numberOfRecords><diagnostics>${diagnostic(code, message, detail)}</diagnostics>`,
  );
}

export function explain(baseUrl: string): string {
  const url = new URL(baseUrl);
  return `<?xml version="1.0" encoding="UTF-8"?>
<explainResponse xmlns="${SRW}"><version>1.2</version><record><recordSchema>http://explain.z3950.org/dtd/2.0/</recordSchema><recordPacking>xml</recordPacking><recordData>
<explain xmlns="http://explain.z3950.org/dtd/2.0/">
<serverInfo protocol="SRU" version="1.2"><host>${esc(url.hostname)}</host><port>${esc(url.port || '80')}</port><database>${esc(url.pathname.replace(/^\//, ''))}</database></serverInfo>
<databaseInfo><title lang="id" primary="true">Katalog induk Simpul</title><title lang="en">Simpul union catalog</title></databaseInfo>
<indexInfo>
<set name="cql" identifier="info:srw/cql-context-set/1/cql-v1.2"/><set name="dc" identifier="info:srw/cql-context-set/1/dc-v1.1"/><set name="bath" identifier="http://zing.z3950.org/cql/bath/2.0/"/>
${[
  ['cql', 'serverChoice'],
  ['dc', 'title'],
  ['dc', 'creator'],
  ['dc', 'subject'],
  ['dc', 'publisher'],
  ['dc', 'date'],
  ['bath', 'isbn'],
  ['bath', 'issn'],
]
  .map(([set, name]) => `<index><title>${set}.${name}</title><map><name set="${set}">${name}</name></map></index>`)
  .join('\n')}
</indexInfo>
<schemaInfo><schema identifier="${SCHEMA_URI.dc}" name="dc"><title>Dublin Core</title></schema><schema identifier="${SCHEMA_URI.marcxml}" name="marcxml"><title>MARCXML</title></schema></schemaInfo>
<configInfo><default type="numberOfRecords">10</default><setting type="maximumRecords">100</setting></configInfo>
</explain></recordData></record></explainResponse>`;
}

/**
 * numberOfRecords is exact: a broad query's matches are counted (within COUNT_WITHIN_MS). When the count
 * would take longer, numberOfRecords is the search's estimate and the response says so, in SRU 2.0's
 * terms (resultCountPrecision "estimate") inside SRU 1.x's extraResponseData.
 */
export const COUNT_WITHIN_MS = 2_000;
const PRECISION_NS = 'http://docs.oasis-open.org/ns/search-ws/sruResponse';

export interface SruOptions {
  /** Tests: exact counts up to this many hits before counting (see SearchRequest.exactUpTo). */
  exactUpTo?: number;
  countWithinMs?: number;
}

export async function searchRetrieve(
  db: Db,
  p: SruParams,
  marcxml: MarcXmlWriter,
  options: SruOptions = {},
): Promise<string> {
  const version = p.version === '1.1' ? '1.1' : '1.2';
  if (p.version && !['1.1', '1.2'].includes(p.version)) return fail(version, 5, 'Unsupported version', p.version);
  if (!p.query) return fail(version, 7, 'Mandatory parameter not supplied', 'query');
  const start = p.startRecord === undefined ? 1 : Number(p.startRecord);
  if (!Number.isInteger(start) || start < 1) return fail(version, 6, 'Unsupported parameter value', 'startRecord');
  const max = p.maximumRecords === undefined ? 10 : Number(p.maximumRecords);
  if (!Number.isInteger(max) || max < 0) return fail(version, 6, 'Unsupported parameter value', 'maximumRecords');
  const schema = SCHEMAS[p.recordSchema ?? 'dc'];
  if (!schema) return fail(version, 66, 'Unknown schema for retrieval', p.recordSchema);
  if (p.recordPacking && !['xml', 'string'].includes(p.recordPacking)) {
    return fail(version, 71, 'Unsupported record packing', p.recordPacking);
  }
  let query: ReturnType<typeof parseCql>;
  try {
    query = parseCql(p.query);
  } catch (e) {
    if (e instanceof CqlError) return fail(version, e.code, e.message, e.detail);
    throw e;
  }
  const result = await search(db, {
    query,
    offset: start - 1,
    pageSize: Math.max(1, Math.min(max, 100)),
    facets: false,
    exactUpTo: options.exactUpTo,
    exactTotalWithinMs: options.countWithinMs ?? COUNT_WITHIN_MS,
  });
  const precision = result.totalApproximate
    ? `<extraResponseData><resultCountPrecision xmlns="${PRECISION_NS}">info:srw/vocabulary/resultCountPrecision/1/estimate</resultCountPrecision></extraResponseData>`
    : '';
  if (start > 1 && start > result.total) {
    return envelope(
      version,
      `<numberOfRecords>${result.total}</numberOfRecords><diagnostics>${diagnostic(61, 'First record position out of range', String(start))}</diagnostics>${precision}`,
    );
  }
  const ids = max === 0 ? [] : result.hits.map((h) => h.clusterId);
  const displays = ids.length
    ? await db.selectFrom('clusters').select(['id', 'display']).where('id', 'in', ids).execute()
    : [];
  const byId = new Map(displays.map((d) => [d.id, d.display]));
  const packing = p.recordPacking ?? 'xml';
  const records = ids
    .map((id, i) => {
      const bib = byId.get(id);
      if (!bib) return '';
      const data = schema === 'dc' ? bibToOaiDc(bib, [`simpul:cluster:${id}`]) : marcxml(bib, id);
      const packed = packing === 'string' ? esc(data) : data;
      return `<record><recordSchema>${SCHEMA_URI[schema]}</recordSchema><recordPacking>${packing}</recordPacking><recordData>${packed}</recordData><recordPosition>${start + i}</recordPosition></record>`;
    })
    .join('');
  const next =
    start + ids.length <= result.total && ids.length > 0
      ? `<nextRecordPosition>${start + ids.length}</nextRecordPosition>`
      : '';
  return envelope(
    version,
    `<numberOfRecords>${result.total}</numberOfRecords>${records ? `<records>${records}</records>` : ''}${next}${precision}`,
  );
}
