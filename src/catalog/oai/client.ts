/**
 * OAI-PMH 2.0 harvester. See README.md in this folder for the checkpoint
 * contract; the short version:
 *
 *   A checkpoint is emitted (and awaited) after every record of a page has
 *   been handed to the consumer and the consumer asked for the next one. It
 *   means "everything before `resumptionToken` has been delivered". Persist it
 *   in the same transaction as those records; resume with `resumeFrom`.
 */

import { compareDatestamps, formatBound, type Granularity, parseGranularity } from './datestamps.ts';
import { OaiError, OaiHttpError, OaiNetworkError, OaiProtocolError, OaiResponseShapeError } from './errors.ts';
import {
  childText,
  childTexts,
  type OaiRecord,
  OaiResponseParser,
  type PageSummary,
  type XmlNode,
} from './response-parser.ts';

export type { Granularity } from './datestamps.ts';
export type { OaiHeader, OaiRecord } from './response-parser.ts';

export interface RetryPolicy {
  /** Total tries per request, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  /** Caps both the back-off and a server's Retry-After. */
  maxDelayMs: number;
  /** Spread retries of many harvesters so they do not hit a recovering server together. */
  jitter: boolean;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 5 * 60_000, jitter: true };

export interface RetryEvent {
  url: string;
  /** The attempt that failed (1-based). */
  attempt: number;
  delayMs: number;
  reason: string;
  status?: number;
  retryAfterMs?: number;
}

export type HarvestWarning =
  | { kind: 'invalid-record'; url: string; message: string; identifier?: string }
  | { kind: 'token-expired'; url: string; message: string; token: string; refetchFrom?: string };

export interface OaiClientOptions {
  baseUrl: string;
  retry?: Partial<RetryPolicy>;
  /** Per request: waiting for headers, and the longest silence between body chunks. */
  timeoutMs?: number;
  headers?: Record<string, string>;
  /** Skips the Identify call otherwise made before the first from/until request. */
  granularity?: Granularity;
  onRetry?: (event: RetryEvent) => void;
  onWarning?: (warning: HarvestWarning) => void;
  fetch?: typeof fetch;
}

export type DeletedRecordPolicy = 'no' | 'persistent' | 'transient';

export interface OaiIdentify {
  repositoryName: string;
  baseURL: string;
  protocolVersion: string;
  adminEmails: string[];
  earliestDatestamp: string;
  deletedRecord: DeletedRecordPolicy;
  granularity: Granularity;
  /** As the repository wrote it, for repositories that state something non-standard. */
  granularityRaw: string;
  compressions: string[];
  /** Each <description> payload as standalone XML. */
  descriptions: string[];
}

export interface OaiMetadataFormat {
  metadataPrefix: string;
  schema: string;
  metadataNamespace: string;
}

export interface OaiSet {
  setSpec: string;
  setName: string;
  descriptions: string[];
}

export interface HarvestRequest {
  metadataPrefix: string;
  set?: string;
  /** As sent, shaped to the repository's granularity. */
  from?: string;
  until?: string;
}

/**
 * Durable harvest state. Store it verbatim (it is plain JSON).
 * Invariant: every record of the list before `resumptionToken` has been
 * yielded to the consumer and the consumer asked for more.
 */
export interface HarvestCheckpoint {
  version: 1;
  verb: 'ListRecords' | 'ListIdentifiers';
  request: HarvestRequest;
  /** Fetches the first page not yet delivered; null once the list is complete. */
  resumptionToken: string | null;
  complete: boolean;
  /** Datestamp of the last record of the last delivered page. */
  lastDatestamp?: string;
  highestDatestamp?: string;
  /**
   * Whether every datestamp delivered so far came in non-decreasing order.
   * Only then is `lastDatestamp` a safe restart point (many DSpace servers
   * list by item id, not by date).
   */
  datestampsAscending: boolean;
  /** The repository's responseDate on the first page: the `from` of the next incremental harvest. */
  harvestStartedAt?: string;
  pagesDelivered: number;
  recordsDelivered: number;
  completeListSize?: number;
  cursor?: number;
  expirationDate?: string;
}

export interface ListOptions {
  metadataPrefix: string;
  from?: string | Date;
  until?: string | Date;
  set?: string;
  /** Continue a harvest; the other request options are then taken from the checkpoint. */
  resumeFrom?: HarvestCheckpoint;
  onCheckpoint?: (checkpoint: HarvestCheckpoint) => void | Promise<void>;
  /**
   * What to do when the repository rejects a resumption token (expired,
   * server restarted): 'reharvest' (default) asks again with from= the last
   * delivered page's datestamp if datestamps came in order, else with the
   * harvest's original from. Records may then be yielded twice; dedupe by
   * identifier + datestamp.
   */
  onTokenExpired?: 'reharvest' | 'fail';
  /** Bounds re-harvests per call, so a repository that expires every token cannot loop us forever. */
  maxTokenFallbacks?: number;
  signal?: AbortSignal;
}

/** The `from` to use for the next incremental harvest after `checkpoint` completed. */
export function nextIncrementalFrom(checkpoint: HarvestCheckpoint): string | undefined {
  return checkpoint.harvestStartedAt ?? checkpoint.highestDatestamp ?? checkpoint.request.from;
}

interface PageOut {
  summary?: PageSummary;
}

/** A network-level failure while reading a body; the request may be retried. */
class TransientFailure extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class OaiClient {
  private readonly baseUrl: string;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private granularity: Granularity | undefined;

  constructor(private readonly options: OaiClientOptions) {
    this.baseUrl = options.baseUrl;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.fetchImpl = options.fetch ?? fetch;
    this.granularity = options.granularity;
  }

  async identify(signal?: AbortSignal): Promise<OaiIdentify> {
    const tree = await this.smallVerb({ verb: 'Identify' }, 'Identify', signal);
    const raw = childText(tree, 'granularity') ?? '';
    const deleted = childText(tree, 'deletedRecord');
    const result: OaiIdentify = {
      repositoryName: childText(tree, 'repositoryName') ?? '',
      baseURL: childText(tree, 'baseURL') ?? '',
      protocolVersion: childText(tree, 'protocolVersion') ?? '',
      adminEmails: childTexts(tree, 'adminEmail'),
      earliestDatestamp: childText(tree, 'earliestDatestamp') ?? '',
      deletedRecord: deleted === 'persistent' || deleted === 'transient' ? deleted : 'no',
      granularity: parseGranularity(raw),
      granularityRaw: raw,
      compressions: childTexts(tree, 'compression'),
      descriptions: tree.children.filter((c) => c.local === 'description').flatMap((c) => c.xml ?? []),
    };
    this.granularity = result.granularity;
    return result;
  }

  async listMetadataFormats(identifier?: string, signal?: AbortSignal): Promise<OaiMetadataFormat[]> {
    const params: Record<string, string> = { verb: 'ListMetadataFormats' };
    if (identifier !== undefined) params.identifier = identifier;
    const tree = await this.smallVerb(params, 'ListMetadataFormats', signal);
    return tree.children
      .filter((c) => c.local === 'metadataFormat')
      .map((c) => ({
        metadataPrefix: childText(c, 'metadataPrefix') ?? '',
        schema: childText(c, 'schema') ?? '',
        metadataNamespace: childText(c, 'metadataNamespace') ?? '',
      }));
  }

  /** All sets, following resumption tokens. A repository without sets answers noSetHierarchy (thrown). */
  async *listSets(signal?: AbortSignal): AsyncGenerator<OaiSet> {
    let params: Record<string, string> = { verb: 'ListSets' };
    for (;;) {
      const { tree, summary } = await this.smallVerbWithSummary(params, 'ListSets', signal);
      for (const c of tree.children) {
        if (c.local !== 'set') continue;
        yield {
          setSpec: childText(c, 'setSpec') ?? '',
          setName: childText(c, 'setName') ?? '',
          descriptions: c.children.filter((d) => d.local === 'setDescription').flatMap((d) => d.xml ?? []),
        };
      }
      const token = summary.resumption?.token;
      if (!token) return;
      params = { verb: 'ListSets', resumptionToken: token };
    }
  }

  async getRecord(identifier: string, metadataPrefix: string, signal?: AbortSignal): Promise<OaiRecord> {
    const params = { verb: 'GetRecord', identifier, metadataPrefix };
    const records: OaiRecord[] = [];
    const out: PageOut = {};
    for await (const rec of this.streamPage(params, out, signal)) records.push(rec);
    if (out.summary) this.raiseErrors(out.summary, this.urlFor(params));
    const rec = records[0];
    if (!rec) throw new OaiResponseShapeError('GetRecord answered without a record', this.urlFor(params));
    return rec;
  }

  listRecords(options: ListOptions): AsyncGenerator<OaiRecord> {
    return this.harvest('ListRecords', options);
  }

  /** Headers only; records carry no metadataXml. */
  listIdentifiers(options: ListOptions): AsyncGenerator<OaiRecord> {
    return this.harvest('ListIdentifiers', options);
  }

  private async *harvest(verb: 'ListRecords' | 'ListIdentifiers', options: ListOptions): AsyncGenerator<OaiRecord> {
    const cp: HarvestCheckpoint = options.resumeFrom
      ? structuredClone(options.resumeFrom)
      : {
          version: 1,
          verb,
          request: await this.buildRequest(options),
          resumptionToken: null,
          complete: false,
          datestampsAscending: true,
          pagesDelivered: 0,
          recordsDelivered: 0,
        };
    if (cp.verb !== verb) throw new OaiError(`checkpoint belongs to ${cp.verb}, not ${verb}`);
    if (cp.complete) return;

    let params = cp.resumptionToken ? { verb, resumptionToken: cp.resumptionToken } : listParams(verb, cp.request);
    let previous = cp.lastDatestamp;
    let fallbacks = 0;
    const maxFallbacks = options.maxTokenFallbacks ?? 3;

    for (;;) {
      const url = this.urlFor(params);
      let pageLast: string | undefined;
      let pageCount = 0;
      const out: PageOut = {};
      let summary: PageSummary;
      try {
        for await (const rec of this.streamPage(params, out, options.signal)) {
          const ds = rec.header.datestamp;
          if (previous !== undefined && compareDatestamps(ds, previous) < 0) cp.datestampsAscending = false;
          previous = ds;
          pageLast = ds;
          if (cp.highestDatestamp === undefined || compareDatestamps(ds, cp.highestDatestamp) > 0)
            cp.highestDatestamp = ds;
          pageCount++;
          yield rec;
        }
        if (!out.summary) throw new OaiResponseShapeError('response ended early', url);
        summary = out.summary;
        this.raiseErrors(summary, url, true);
      } catch (err) {
        const token = 'resumptionToken' in params ? params.resumptionToken : undefined;
        const expired = err instanceof OaiProtocolError && err.code === 'badResumptionToken' && token !== undefined;
        if (!expired || (options.onTokenExpired ?? 'reharvest') === 'fail' || fallbacks >= maxFallbacks) throw err;
        fallbacks++;
        const request = { ...cp.request };
        const from = cp.datestampsAscending && cp.lastDatestamp ? cp.lastDatestamp : cp.request.from;
        if (from === undefined) delete request.from;
        else request.from = formatBound(from, await this.repositoryGranularity(options.signal), 'from');
        const warning: HarvestWarning = { kind: 'token-expired', url, token, message: err.message };
        if (request.from !== undefined) warning.refetchFrom = request.from;
        this.options.onWarning?.(warning);
        params = listParams(verb, request);
        // Re-delivered records are older than what came last; order tracking restarts.
        previous = undefined;
        continue;
      }

      if (cp.harvestStartedAt === undefined && summary.responseDate) cp.harvestStartedAt = summary.responseDate;
      const token = summary.resumption?.token ?? '';
      if (token !== '' && token === cp.resumptionToken) {
        throw new OaiResponseShapeError(`repository returned the same resumptionToken again: ${token}`, url);
      }
      cp.pagesDelivered++;
      cp.recordsDelivered += pageCount;
      if (pageLast !== undefined) cp.lastDatestamp = pageLast;
      cp.resumptionToken = token === '' ? null : token;
      cp.complete = token === '';
      setOrDelete(cp, 'completeListSize', summary.resumption?.completeListSize);
      setOrDelete(cp, 'cursor', summary.resumption?.cursor);
      setOrDelete(cp, 'expirationDate', summary.resumption?.expirationDate);
      await options.onCheckpoint?.(structuredClone(cp));
      if (cp.complete) return;
      params = { verb, resumptionToken: token };
    }
  }

  private async buildRequest(options: ListOptions): Promise<HarvestRequest> {
    const request: HarvestRequest = { metadataPrefix: options.metadataPrefix };
    if (options.set !== undefined) request.set = options.set;
    if (options.from !== undefined || options.until !== undefined) {
      const g = await this.repositoryGranularity(options.signal);
      if (options.from !== undefined) request.from = formatBound(options.from, g, 'from');
      if (options.until !== undefined) request.until = formatBound(options.until, g, 'until');
    }
    return request;
  }

  private async repositoryGranularity(signal?: AbortSignal): Promise<Granularity> {
    if (this.granularity === undefined) await this.identify(signal);
    return this.granularity ?? 'YYYY-MM-DD';
  }

  /** noRecordsMatch is an empty list, not a failure; every other error code is thrown. */
  private raiseErrors(summary: PageSummary, url: string, listVerb = false): void {
    if (summary.errors.length > 0) {
      const onlyEmpty = listVerb && summary.errors.every((e) => e.code === 'noRecordsMatch');
      if (!onlyEmpty) throw new OaiProtocolError(summary.errors, url);
      return;
    }
    if (summary.verb === undefined) throw new OaiResponseShapeError('no verb element and no error', url);
  }

  private async smallVerb(params: Record<string, string>, verb: string, signal?: AbortSignal): Promise<XmlNode> {
    return (await this.smallVerbWithSummary(params, verb, signal)).tree;
  }

  private async smallVerbWithSummary(
    params: Record<string, string>,
    verb: string,
    signal?: AbortSignal,
  ): Promise<{ tree: XmlNode; summary: PageSummary }> {
    const url = this.urlFor(params);
    const out: PageOut = {};
    for await (const _ of this.streamPage(params, out, signal)) {
      // small verbs carry no records
    }
    const summary = out.summary;
    if (!summary) throw new OaiResponseShapeError('response ended early', url);
    this.raiseErrors(summary, url);
    if (summary.verb !== verb || !summary.tree) {
      throw new OaiResponseShapeError(`expected <${verb}>, got <${summary.verb ?? 'nothing'}>`, url);
    }
    return { tree: summary.tree, summary };
  }

  private urlFor(params: Record<string, string>): string {
    const u = new URL(this.baseUrl);
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
    return u.toString();
  }

  /**
   * One request, retried on 5xx/429/network failure. If a retry happens after
   * part of the body was yielded, records already yielded are skipped, so the
   * consumer never sees a record twice because of a dropped connection.
   */
  private async *streamPage(
    params: Record<string, string>,
    out: PageOut,
    signal?: AbortSignal,
  ): AsyncGenerator<OaiRecord> {
    const url = this.urlFor(params);
    const delivered = new Set<string>();
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await this.request(url, signal);
        const parser = new OaiResponseParser(url);
        for await (const text of decodeBody(response, this.timeoutMs, signal)) {
          parser.write(text);
          yield* this.deliver(parser, delivered, url);
        }
        parser.end();
        yield* this.deliver(parser, delivered, url);
        out.summary = parser.summary;
        return;
      } catch (err) {
        if (!(err instanceof TransientFailure)) throw err;
        if (attempt >= this.retry.maxAttempts) {
          if (err.status !== undefined) throw new OaiHttpError(err.status, url, attempt);
          throw new OaiNetworkError(err.message, url, attempt, { cause: err.cause });
        }
        const delayMs = this.delayFor(attempt, err.retryAfterMs);
        const event: RetryEvent = { url, attempt, delayMs, reason: err.message };
        if (err.status !== undefined) event.status = err.status;
        if (err.retryAfterMs !== undefined) event.retryAfterMs = err.retryAfterMs;
        this.options.onRetry?.(event);
        await sleep(delayMs, signal);
      }
    }
  }

  private *deliver(parser: OaiResponseParser, delivered: Set<string>, url: string): Generator<OaiRecord> {
    for (const bad of parser.takeInvalid()) {
      const w: HarvestWarning = { kind: 'invalid-record', url, message: bad.reason };
      if (bad.identifier !== undefined) w.identifier = bad.identifier;
      this.options.onWarning?.(w);
    }
    for (const rec of parser.takeRecords()) {
      const key = `${rec.header.identifier}\u0000${rec.header.datestamp}`;
      if (delivered.has(key)) continue;
      delivered.add(key);
      yield rec;
    }
  }

  private delayFor(attempt: number, retryAfterMs: number | undefined): number {
    if (retryAfterMs !== undefined) return Math.min(this.retry.maxDelayMs, retryAfterMs);
    const exp = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    return this.retry.jitter ? Math.round(exp / 2 + (Math.random() * exp) / 2) : exp;
  }

  private async request(url: string, signal?: AbortSignal): Promise<Response> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('timeout')), this.timeoutMs);
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        headers: { accept: 'text/xml, application/xml', ...this.options.headers },
        signal: controller.signal,
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new TransientFailure(describe(err), undefined, undefined, { cause: err });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    if (response.ok) return response;
    const status = response.status;
    if (status === 503 || status === 429 || status >= 500) {
      await response.body?.cancel().catch(() => undefined);
      throw new TransientFailure(`HTTP ${status}`, status, parseRetryAfter(response.headers.get('retry-after')));
    }
    // Some repositories send their OAI error with a 4xx status; the OAI code is the useful part.
    const body = await response.text().catch(() => '');
    const parser = new OaiResponseParser(url);
    try {
      parser.write(body);
      parser.end();
    } catch {
      throw new OaiHttpError(status, url, 1);
    }
    if (parser.summary.errors.length > 0) throw new OaiProtocolError(parser.summary.errors, url);
    throw new OaiHttpError(status, url, 1);
  }
}

function listParams(verb: string, r: HarvestRequest): Record<string, string> {
  const p: Record<string, string> = { verb, metadataPrefix: r.metadataPrefix };
  if (r.from !== undefined) p.from = r.from;
  if (r.until !== undefined) p.until = r.until;
  if (r.set !== undefined) p.set = r.set;
  return p;
}

function setOrDelete<K extends 'completeListSize' | 'cursor' | 'expirationDate'>(
  cp: HarvestCheckpoint,
  key: K,
  value: HarvestCheckpoint[K] | undefined,
): void {
  if (value === undefined) delete cp[key];
  else cp[key] = value;
}

/**
 * Decodes the body as it arrives. The XML declaration picks the charset
 * (OAI-PMH mandates UTF-8, but a few Latin-1 repositories exist and say so).
 */
async function* decodeBody(response: Response, idleMs: number, signal?: AbortSignal): AsyncGenerator<string> {
  const body = response.body;
  if (!body) return;
  const reader = body.getReader();
  let decoder: TextDecoder | undefined;
  let finished = false;
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await Promise.race([
          reader.read(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new TransientFailure(`no data for ${idleMs} ms`)), idleMs);
          }),
        ]);
      } catch (err) {
        if (signal?.aborted || err instanceof TransientFailure) throw err;
        throw new TransientFailure(`connection lost while reading: ${describe(err)}`, undefined, undefined, {
          cause: err,
        });
      } finally {
        clearTimeout(timer);
      }
      if (chunk.done) {
        finished = true;
        if (decoder) yield decoder.decode();
        return;
      }
      decoder ??= new TextDecoder(declaredCharset(chunk.value));
      yield decoder.decode(chunk.value, { stream: true });
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
  }
}

function declaredCharset(first: Uint8Array): string {
  const head = new TextDecoder('latin1').decode(first.subarray(0, 200));
  const m = /^\s*<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']/.exec(head);
  const label = m?.[1]?.toLowerCase();
  if (!label) return 'utf-8';
  try {
    new TextDecoder(label);
    return label;
  } catch {
    return 'utf-8';
  }
}

export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number.parseInt(v, 10) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - Date.now());
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${err.message}${cause}`;
  }
  return String(err);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export * from './errors.ts';
