/**
 * A local OAI-PMH endpoint for tests that answers with real repositories'
 * recorded responses (../shared/data/oai-pmh) and can misbehave on request:
 * 503 + Retry-After, dropped connections, truncated bodies, expired tokens.
 *
 * Three ways to answer a request, tried in this order:
 *  1. faults (one-shot by default) whose `match` fits the request;
 *  2. routes: exact argument sets mapped to files (pyoai's mapping.txt);
 *  3. token files: the resumptionToken names a file (sickle's fixtures);
 *  4. paged: one real ListRecords response cut into pages of `pageSize`
 *     records with server-made tokens, honouring from/until/set; tokens can
 *     be expired (as after a repository restart) with `expireTokens()`.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join, resolve } from 'node:path';
import { SaxesParser } from 'saxes';

export type Params = Record<string, string>;

export interface ReplayRoute {
  params: Params;
  file: string;
}

export type FaultAction =
  | { kind: 'status'; status: number; retryAfter?: string }
  /** Close the socket without answering. */
  | { kind: 'drop' }
  /** Send the real answer's first `afterBytes` bytes, then close the socket. */
  | { kind: 'truncate'; afterBytes: number }
  /** Answer with sickle's recorded badResumptionToken error. */
  | { kind: 'badResumptionToken' }
  /** Answer with this body (e.g. a broken XML file) and status 200. */
  | { kind: 'file'; file: string }
  /** For the codes no recorded response covers (badVerb, noMetadataFormats). */
  | { kind: 'oaiError'; code: string; message?: string };

export interface Fault {
  /** Every given argument must equal the request's; omitted = any request. */
  match?: Params | ((params: Params) => boolean);
  /** How many requests it applies to; default 1. */
  times?: number;
  action: FaultAction;
}

export interface PagedSource {
  /** A real ListRecords response; its records are re-served in pages. */
  file: string;
  pageSize: number;
  /** Serve in datestamp order, as repositories backed by a datestamp index do. */
  sortByDatestamp?: boolean;
  /** Prefix this source answers to; requests for others get cannotDisseminateFormat. */
  metadataPrefix: string;
}

export interface ReplayOptions {
  routes?: ReplayRoute[];
  tokenFileDir?: string;
  paged?: PagedSource;
  /** Served for verb=Identify when no route matches. */
  identifyFile?: string;
  faults?: Fault[];
}

export interface LoggedRequest {
  params: Params;
  status: number;
  /** The fault applied, if any. */
  fault?: FaultAction['kind'];
  /** Records served, in paged mode. */
  served?: number;
}

export interface ReplayServer {
  url: string;
  requests: LoggedRequest[];
  addFault(fault: Fault): void;
  /** Invalidate every token handed out so far. */
  expireTokens(): void;
  /** Identifiers in the paged source, in serving order (for asserting completeness). */
  pagedIdentifiers(): { identifier: string; datestamp: string }[];
  close(): Promise<void>;
}

const SICKLE = 'oai-pmh/oai-sickle/sickle/tests/sample_data';

/** Root of the shared test data, relative to the project root where tests run. */
export const SHARED_DATA = resolve('../shared/data');

export function sharedPath(relative: string): string {
  return join(SHARED_DATA, relative);
}

/** Reads a pyoai mapping.txt (alternating lines: query string, file name). */
export function loadPyoaiMapping(dir: string): ReplayRoute[] {
  const lines = readFileSync(join(dir, 'mapping.txt'), 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const routes: ReplayRoute[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const query = lines[i] ?? '';
    const file = lines[i + 1] ?? '';
    routes.push({ params: Object.fromEntries(new URLSearchParams(query)), file: join(dir, file) });
  }
  return routes;
}

interface PagedRecord {
  xml: string;
  identifier: string;
  datestamp: string;
  setSpecs: string[];
}

interface PagedIndex {
  prefix: string;
  suffix: string;
  records: PagedRecord[];
}

/** Cuts a ListRecords response into its records, byte-exact, keeping the envelope around them. */
function indexListRecords(file: string): PagedIndex {
  const text = readFileSync(file, 'utf8');
  const parser = new SaxesParser({ xmlns: true, position: true });
  const path: string[] = [];
  const records: PagedRecord[] = [];
  let start = -1;
  let current: PagedRecord | undefined;
  let buf = '';
  let firstStart = -1;
  let listClose = -1;
  parser.on('opentagstart', (tag) => {
    if (path.length === 2 && (tag.name === 'record' || tag.name.endsWith(':record')) && path[1] === 'ListRecords') {
      start = text.lastIndexOf('<', parser.position - 1);
      if (firstStart < 0) firstStart = start;
    }
  });
  parser.on('opentag', (tag) => {
    path.push(tag.local);
    buf = '';
    if (path.length === 3 && tag.local === 'record') current = { xml: '', identifier: '', datestamp: '', setSpecs: [] };
    if (path.length === 3 && tag.local === 'resumptionToken' && firstStart < 0)
      firstStart = text.lastIndexOf('<', parser.position - 1);
  });
  parser.on('text', (t) => {
    buf += t;
  });
  parser.on('closetag', (tag) => {
    if (current && path.length === 5 && path[3] === 'header') {
      if (tag.local === 'identifier') current.identifier = buf.trim();
      if (tag.local === 'datestamp') current.datestamp = buf.trim();
      if (tag.local === 'setSpec') current.setSpecs.push(buf.trim());
    }
    if (path.length === 3 && tag.local === 'record' && current) {
      current.xml = text.slice(start, parser.position);
      records.push(current);
      current = undefined;
    }
    if (path.length === 2 && tag.local === 'ListRecords') listClose = text.lastIndexOf('</', parser.position - 1);
    path.pop();
  });
  parser.write(text).close();
  if (firstStart < 0 || listClose < 0) throw new Error(`${file} is not a ListRecords response`);
  return { prefix: text.slice(0, firstStart), suffix: text.slice(listClose), records };
}

interface TokenState {
  generation: number;
  offset: number;
  from?: string;
  until?: string;
  set?: string;
}

function encodeToken(t: TokenState): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeToken(s: string): TokenState | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (typeof v === 'object' && v !== null && 'generation' in v && 'offset' in v) return v as TokenState;
  } catch {
    // fall through: a token we never issued
  }
  return undefined;
}

function oaiError(code: string, message: string, params: Params): string {
  const attrs = Object.entries(params)
    .map(([k, v]) => ` ${k}="${v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}"`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>${new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')}</responseDate><request${attrs}>http://replay.invalid/oai</request><error code="${code}">${message}</error></OAI-PMH>`;
}

function matches(fault: Fault, params: Params): boolean {
  if (fault.match === undefined) return true;
  if (typeof fault.match === 'function') return fault.match(params);
  return Object.entries(fault.match).every(([k, v]) => params[k] === v);
}

function sameParams(a: Params, b: Params): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

export async function startReplayServer(options: ReplayOptions): Promise<ReplayServer> {
  const faults: { fault: Fault; left: number }[] = (options.faults ?? []).map((f) => ({
    fault: f,
    left: f.times ?? 1,
  }));
  const requests: LoggedRequest[] = [];
  let generation = 1;
  let paged: PagedIndex | undefined;
  if (options.paged) {
    paged = indexListRecords(options.paged.file);
    if (options.paged.sortByDatestamp) {
      // Stable: records with equal datestamps keep the repository's order.
      paged.records = paged.records
        .map((r, i) => ({ r, i }))
        .sort((x, y) => (x.r.datestamp < y.r.datestamp ? -1 : x.r.datestamp > y.r.datestamp ? 1 : x.i - y.i))
        .map((x) => x.r);
    }
  }

  const answer = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8', ...headers });
    res.end(body);
  };

  const servePaged = (params: Params, log: LoggedRequest): { status: number; body: string } => {
    const src = options.paged;
    if (!paged || !src) return { status: 404, body: 'no paged source' };
    let state: TokenState;
    if (params.resumptionToken !== undefined) {
      const t = decodeToken(params.resumptionToken);
      if (Object.keys(params).length !== 2 || !t || t.generation !== generation) {
        return {
          status: 200,
          body: oaiError(
            'badResumptionToken',
            'The value of the resumptionToken argument is invalid or expired.',
            params,
          ),
        };
      }
      state = t;
    } else {
      if (params.metadataPrefix !== src.metadataPrefix) {
        return {
          status: 200,
          body: oaiError('cannotDisseminateFormat', `${params.metadataPrefix ?? ''} is not supported`, params),
        };
      }
      state = { generation, offset: 0 };
      if (params.from !== undefined) state.from = params.from;
      if (params.until !== undefined) state.until = params.until;
      if (params.set !== undefined) state.set = params.set;
    }
    const selected = paged.records.filter(
      (r) =>
        (state.from === undefined || r.datestamp.slice(0, state.from.length) >= state.from) &&
        (state.until === undefined || r.datestamp.slice(0, state.until.length) <= state.until) &&
        (state.set === undefined || r.setSpecs.includes(state.set)),
    );
    if (selected.length === 0) return { status: 200, body: oaiError('noRecordsMatch', '', params) };
    const page = selected.slice(state.offset, state.offset + src.pageSize);
    const next = state.offset + page.length;
    const tokenAttrs = `completeListSize="${selected.length}" cursor="${state.offset}"`;
    const token =
      next < selected.length
        ? `<resumptionToken ${tokenAttrs}>${encodeToken({ ...state, offset: next })}</resumptionToken>`
        : `<resumptionToken ${tokenAttrs}/>`;
    log.served = page.length;
    return { status: 200, body: `${paged.prefix}${page.map((r) => r.xml).join('\n')}\n${token}\n${paged.suffix}` };
  };

  const resolveBody = (params: Params, log: LoggedRequest): { status: number; body: string } => {
    const route = options.routes?.find((r) => sameParams(r.params, params));
    if (route) return { status: 200, body: readFileSync(route.file, 'utf8') };
    if (params.verb === 'Identify' && options.identifyFile)
      return { status: 200, body: readFileSync(options.identifyFile, 'utf8') };
    if (options.tokenFileDir && params.resumptionToken !== undefined && !options.paged) {
      const file = join(options.tokenFileDir, basename(params.resumptionToken));
      try {
        return { status: 200, body: readFileSync(file, 'utf8') };
      } catch {
        return { status: 200, body: oaiError('badResumptionToken', 'unknown token', params) };
      }
    }
    if (options.paged && (params.verb === 'ListRecords' || params.resumptionToken !== undefined))
      return servePaged(params, log);
    return { status: 404, body: `no recorded response for ${new URLSearchParams(params).toString()}` };
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const params: Params = Object.fromEntries(url.searchParams);
    const log: LoggedRequest = { params, status: 0 };
    requests.push(log);
    const slot = faults.find((f) => f.left > 0 && matches(f.fault, params));
    const action = slot?.fault.action;
    if (slot) {
      slot.left--;
      log.fault = slot.fault.action.kind;
    }
    switch (action?.kind) {
      case 'status': {
        log.status = action.status;
        const headers: Record<string, string> =
          action.retryAfter !== undefined ? { 'retry-after': action.retryAfter } : {};
        answer(res, action.status, `<html><body>${action.status}</body></html>`, headers);
        return;
      }
      case 'drop':
        req.socket.destroy();
        return;
      case 'badResumptionToken':
        log.status = 200;
        answer(res, 200, readFileSync(sharedPath(`${SICKLE}/badResumptionToken.xml`), 'utf8'));
        return;
      case 'oaiError':
        log.status = 200;
        answer(res, 200, oaiError(action.code, action.message ?? '', params));
        return;
      case 'file':
        log.status = 200;
        answer(res, 200, readFileSync(action.file, 'utf8'));
        return;
      case 'truncate': {
        const { status, body } = resolveBody(params, log);
        log.status = status;
        const bytes = Buffer.from(body, 'utf8');
        res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8', 'content-length': String(bytes.length) });
        res.write(bytes.subarray(0, action.afterBytes), () => {
          // Let the client receive the partial body before the connection dies.
          setTimeout(() => req.socket.destroy(), 5);
        });
        return;
      }
      default: {
        const { status, body } = resolveBody(params, log);
        log.status = status;
        answer(res, status, body);
      }
    }
  };

  const server: Server = createServer(handle);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/oai`,
    requests,
    addFault(fault) {
      faults.push({ fault, left: fault.times ?? 1 });
    },
    expireTokens() {
      generation++;
    },
    pagedIdentifiers() {
      return (paged?.records ?? []).map((r) => ({ identifier: r.identifier, datestamp: r.datestamp }));
    },
    close() {
      server.closeAllConnections();
      return new Promise((ok, fail) => server.close((err) => (err ? fail(err) : ok())));
    },
  };
}
