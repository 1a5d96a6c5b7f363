/**
 * Streaming reader of one OAI-PMH response. Records come out as soon as their
 * </record> is parsed, so a 50 MB ListRecords page never exists as a tree;
 * only the small verbs (Identify, ListSets, ListMetadataFormats) build one.
 *
 * The envelope is matched by local name and the OAI namespace is not enforced:
 * some real repositories (traject's sample-oai-no-namespace.xml) omit it.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { type OaiErrorDetail, OaiMalformedXmlError, OaiResponseShapeError } from './errors.ts';
import { SubtreeCapture } from './xml-capture.ts';

export interface OaiHeader {
  identifier: string;
  datestamp: string;
  setSpecs: string[];
  /** status="deleted": the repository withdrew the record; there is no metadata. */
  deleted: boolean;
}

export interface OaiRecord {
  header: OaiHeader;
  /** The element inside <metadata>, standalone: inherited namespace declarations are repeated on it. */
  metadataXml?: string;
  /** Each <about> child, standalone like metadataXml. */
  about?: string[];
}

export interface ResumptionInfo {
  /** Empty string: this was the last page (the protocol's way of saying "complete"). */
  token: string;
  completeListSize?: number;
  cursor?: number;
  expirationDate?: string;
}

/** A small verb's answer as a plain tree; `xml` holds description payloads verbatim. */
export interface XmlNode {
  local: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
  xml?: string[];
}

export interface PageSummary {
  verb?: string;
  responseDate?: string;
  request: Record<string, string>;
  errors: OaiErrorDetail[];
  resumption?: ResumptionInfo;
  /** Root of the verb element for Identify / ListSets / ListMetadataFormats. */
  tree?: XmlNode;
  recordCount: number;
}

/** A record the repository sent but that cannot be identified (no identifier or datestamp). */
export interface InvalidRecord {
  reason: string;
  identifier?: string;
}

const TREE_VERBS = new Set(['Identify', 'ListSets', 'ListMetadataFormats']);
const DESCRIPTION_ELEMENTS = new Set(['description', 'setDescription']);

interface RecordDraft {
  identifier: string;
  datestamp: string;
  setSpecs: string[];
  deleted: boolean;
  metadataXml?: string;
  about: string[];
}

export class OaiResponseParser {
  readonly summary: PageSummary = { request: {}, errors: [], recordCount: 0 };
  private readonly sax = new SaxesParser({ xmlns: true, position: true });
  private readonly path: string[] = [];
  private readonly ready: OaiRecord[] = [];
  private readonly invalid: InvalidRecord[] = [];
  private draft: RecordDraft | undefined;
  private text = '';
  private readonly capture = new SubtreeCapture();
  private captureTarget: 'metadata' | 'about' | 'description' | undefined;
  private readonly treeStack: XmlNode[] = [];
  private failure: Error | undefined;

  constructor(private readonly url: string) {
    this.sax.on('opentag', (tag) => this.onOpen(tag));
    this.sax.on('closetag', (tag) => this.onClose(tag));
    this.sax.on('text', (t) => this.onText(t));
    this.sax.on('cdata', (t) => this.onText(t));
    this.sax.on('error', (err) => {
      // saxes keeps going after an error unless the handler throws; stop at the first one.
      this.failure ??= new OaiMalformedXmlError(stripPosition(err.message), this.url, this.sax.line, this.sax.column);
      throw this.failure;
    });
  }

  write(chunk: string): void {
    this.guard(() => this.sax.write(chunk));
  }

  end(): void {
    this.guard(() => this.sax.close());
    if (!this.sawRoot) throw new OaiMalformedXmlError('empty response', this.url);
  }

  /** Records completed since the last call, in document order. */
  takeRecords(): OaiRecord[] {
    return this.ready.splice(0, this.ready.length);
  }

  takeInvalid(): InvalidRecord[] {
    return this.invalid.splice(0, this.invalid.length);
  }

  private sawRoot = false;

  private guard(fn: () => void): void {
    if (this.failure) throw this.failure;
    try {
      fn();
    } catch (err) {
      if (this.failure) throw this.failure;
      if (err instanceof OaiResponseShapeError) {
        this.failure = err;
        throw err;
      }
      const message = err instanceof Error ? err.message : String(err);
      this.failure = new OaiMalformedXmlError(stripPosition(message), this.url, this.sax.line, this.sax.column);
      throw this.failure;
    }
  }

  private onOpen(tag: SaxesTagNS): void {
    if (this.capture.active) {
      this.capture.open(tag);
      this.path.push(tag.local);
      return;
    }
    const depth = this.path.length;
    const local = tag.local;
    this.text = '';
    if (depth === 0) {
      if (local !== 'OAI-PMH')
        throw new OaiResponseShapeError(`root element is <${tag.name}>, expected <OAI-PMH>`, this.url);
      this.sawRoot = true;
    } else if (depth === 1) {
      if (local === 'request') this.summary.request = plainAttributes(tag);
      else if (local === 'error') this.errorCode = plainAttributes(tag).code ?? 'unknown';
      else if (local !== 'responseDate') {
        this.summary.verb = local;
        if (TREE_VERBS.has(local)) this.treeStack.push(node(tag));
      }
    } else if (this.treeStack.length > 0) {
      const top = this.treeStack[this.treeStack.length - 1];
      if (top && DESCRIPTION_ELEMENTS.has(top.local)) {
        // Descriptions are open-ended XML (oai-identifier, toolkit, ...); keep them verbatim.
        this.captureTarget = 'description';
        this.capture.open(tag);
      } else {
        const n = node(tag);
        top?.children.push(n);
        this.treeStack.push(n);
      }
    } else {
      this.openListElement(tag, depth);
    }
    this.path.push(local);
  }

  private errorCode: string | undefined;

  private openListElement(tag: SaxesTagNS, depth: number): void {
    const local = tag.local;
    const inRecord = this.path[2] === 'record';
    if (depth === 2 && local === 'record') {
      this.draft = { identifier: '', datestamp: '', setSpecs: [], deleted: false, about: [] };
    } else if (depth === 2 && local === 'header') {
      // ListIdentifiers: a bare header per item.
      this.draft = {
        identifier: '',
        datestamp: '',
        setSpecs: [],
        deleted: plainAttributes(tag).status === 'deleted',
        about: [],
      };
    } else if (depth === 2 && local === 'resumptionToken') {
      this.summary.resumption = resumptionFrom(plainAttributes(tag), '');
    } else if (depth === 3 && inRecord && local === 'header' && this.draft) {
      this.draft.deleted = plainAttributes(tag).status === 'deleted';
    } else if (depth === 4 && inRecord && (this.path[3] === 'metadata' || this.path[3] === 'about')) {
      this.captureTarget = this.path[3] === 'metadata' ? 'metadata' : 'about';
      this.capture.open(tag);
    }
  }

  private onText(t: string): void {
    if (this.capture.active) {
      this.capture.text(t);
      return;
    }
    const top = this.treeStack[this.treeStack.length - 1];
    if (top) top.text += t;
    else this.text += t;
  }

  private onClose(tag: SaxesTagNS): void {
    this.path.pop();
    const depth = this.path.length;
    if (this.capture.active) {
      const xml = this.capture.close(tag);
      if (xml !== undefined) this.storeCapture(xml);
      return;
    }
    const local = tag.local;
    if (this.treeStack.length > 0 && depth >= 1) {
      const n = this.treeStack.pop();
      if (!n) return;
      n.text = n.text.trim();
      if (depth === 1) this.summary.tree = n;
      // ListSets pages like ListRecords pages.
      if (depth === 2 && local === 'resumptionToken') this.summary.resumption = resumptionFrom(n.attrs, n.text);
      return;
    }
    const value = this.text.trim();
    if (depth === 1) {
      if (local === 'responseDate') this.summary.responseDate = value;
      else if (local === 'error') {
        this.summary.errors.push({ code: this.errorCode ?? 'unknown', message: value });
        this.errorCode = undefined;
      }
      return;
    }
    if (depth === 2 && local === 'resumptionToken' && this.summary.resumption) {
      this.summary.resumption.token = value;
      return;
    }
    const inHeader = (depth === 3 && this.path[2] === 'header') || (depth === 4 && this.path[3] === 'header');
    if (inHeader && this.draft) {
      if (local === 'identifier') this.draft.identifier = value;
      else if (local === 'datestamp') this.draft.datestamp = value;
      else if (local === 'setSpec' && value) this.draft.setSpecs.push(value);
      return;
    }
    if (depth === 2 && (local === 'record' || local === 'header')) this.finishRecord();
  }

  private storeCapture(xml: string): void {
    if (this.captureTarget === 'description') {
      const top = this.treeStack[this.treeStack.length - 1];
      if (top) top.xml = [...(top.xml ?? []), xml];
      return;
    }
    if (!this.draft) return;
    // A second element child of <metadata> breaks the schema; keep the first, as harvesters do.
    if (this.captureTarget === 'metadata') this.draft.metadataXml ??= xml;
    else this.draft.about.push(xml);
  }

  private finishRecord(): void {
    const d = this.draft;
    this.draft = undefined;
    if (!d) return;
    if (!d.identifier || !d.datestamp) {
      const bad: InvalidRecord = {
        reason: !d.identifier ? 'header without <identifier>' : 'header without <datestamp>',
      };
      if (d.identifier) bad.identifier = d.identifier;
      this.invalid.push(bad);
      return;
    }
    const rec: OaiRecord = {
      header: { identifier: d.identifier, datestamp: d.datestamp, setSpecs: d.setSpecs, deleted: d.deleted },
    };
    if (d.metadataXml !== undefined) rec.metadataXml = d.metadataXml;
    if (d.about.length > 0) rec.about = d.about;
    this.summary.recordCount++;
    this.ready.push(rec);
  }
}

function resumptionFrom(a: Record<string, string>, token: string): ResumptionInfo {
  const info: ResumptionInfo = { token };
  const size = toInt(a.completeListSize);
  if (size !== undefined) info.completeListSize = size;
  const cursor = toInt(a.cursor);
  if (cursor !== undefined) info.cursor = cursor;
  if (a.expirationDate) info.expirationDate = a.expirationDate;
  return info;
}

function node(tag: SaxesTagNS): XmlNode {
  return { local: tag.local, attrs: plainAttributes(tag), children: [], text: '' };
}

function plainAttributes(tag: SaxesTagNS): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of Object.values(tag.attributes)) {
    if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
    out[a.local] = a.value;
  }
  return out;
}

function toInt(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d+$/.test(s.trim())) return undefined;
  return Number.parseInt(s, 10);
}

/** saxes prefixes messages with "file:line:col: "; the error carries those separately. */
function stripPosition(message: string): string {
  return message.replace(/^(?:[^:\n]*:)?\d+:\d+: /, '');
}

/** Child lookup helpers for the small verbs' trees. */
export function childText(n: XmlNode, local: string): string | undefined {
  return n.children.find((c) => c.local === local)?.text;
}

export function childTexts(n: XmlNode, local: string): string[] {
  return n.children.filter((c) => c.local === local).map((c) => c.text);
}
