import { SaxesParser, type SaxesTag } from 'saxes';
import type { MarcField, MarcRecord, MarcSubfield } from '../types.ts';

/**
 * MARCXML (MARC 21 slim) reading, streaming: <collection>, a bare <record>, or
 * records inside an OAI-PMH envelope, with or without a namespace prefix.
 * Elements are matched by local name so that files with a wrong or missing
 * namespace declaration still read; an OAI <record> is told from a MARC one by
 * its <header>/<metadata> children. A record with bad content is reported and
 * the stream goes on; an XML well-formedness error ends the stream with one
 * reported error (no parser can know where the next record starts after it).
 */

export interface MarcXmlOk {
  ok: true;
  record: MarcRecord;
  /** Line of the record's start tag. */
  line: number;
  warnings: string[];
}

export interface MarcXmlRejected {
  ok: false;
  line: number;
  reason: string;
}

export type MarcXmlResult = MarcXmlOk | MarcXmlRejected;

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

interface Draft {
  depth: number;
  line: number;
  leader?: string;
  fields: MarcField[];
  problems: string[];
  warnings: string[];
  /** The <record> turned out to be an OAI-PMH envelope record. */
  envelope: boolean;
}

/** One-character indicator from an attribute; MARCXML writers use '', '#', '\\' or nothing for blank. */
function indicator(v: string | undefined, which: string, draft: Draft, tag: string): string {
  if (v === undefined || v === '') return ' ';
  if (v.length !== 1) {
    draft.warnings.push(`field ${tag}: ${which} ${JSON.stringify(v)} is not one character, first kept`);
    return v[0] ?? ' ';
  }
  return v;
}

/** Encoding named in the XML declaration; only Latin-1 family needs handling besides UTF-8. */
function declaredEncoding(head: Uint8Array): string {
  const text = Buffer.from(head.subarray(0, 200)).toString('latin1');
  const m = /^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/.exec(text);
  const enc = m?.[1]?.toLowerCase() ?? 'utf-8';
  return enc === 'iso-8859-1' || enc === 'latin1' || enc === 'windows-1252' ? 'windows-1252' : 'utf-8';
}

class MarcXmlMachine {
  readonly out: MarcXmlResult[] = [];
  fatal: MarcXmlRejected | undefined;
  private readonly parser = new SaxesParser({ position: true });
  private depth = 0;
  private draft: Draft | undefined;
  private text: string | undefined; // collecting text of leader/controlfield/subfield
  private field: { tag: string; ind1: string; ind2: string; subfields: MarcSubfield[] } | undefined;
  private control: string | undefined; // tag of the open controlfield
  private code: string | undefined; // code of the open subfield

  constructor() {
    const p = this.parser;
    p.on('error', (err) => {
      this.fatal ??= { ok: false, line: p.line, reason: `XML error: ${err.message}` };
    });
    p.on('opentag', (tag) => this.open(tag));
    p.on('closetag', (tag) => this.close(tag));
    p.on('text', (t) => {
      if (this.text !== undefined) this.text += t;
    });
    p.on('cdata', (t) => {
      if (this.text !== undefined) this.text += t;
    });
  }

  write(chunk: string): void {
    if (!this.fatal) this.parser.write(chunk);
  }

  end(): void {
    if (this.fatal) return;
    this.parser.close();
    if (this.draft && !this.fatal)
      this.fatal = { ok: false, line: this.draft.line, reason: 'input ended inside a record' };
  }

  private open(tag: SaxesTag): void {
    this.depth++;
    const name = localName(tag.name);
    const attr = (k: string): string | undefined => {
      const a = tag.attributes[k];
      return typeof a === 'string' ? a : a?.value;
    };
    const d = this.draft;
    if (name === 'record') {
      // Innermost record wins: an outer one was an envelope.
      this.draft = {
        depth: this.depth,
        line: this.parser.line,
        fields: [],
        problems: [],
        warnings: [],
        envelope: false,
      };
      return;
    }
    if (!d) return;
    if (this.depth === d.depth + 1 && (name === 'header' || name === 'metadata' || name === 'about')) {
      d.envelope = true;
      return;
    }
    if (this.depth !== d.depth + 1 && this.depth !== d.depth + 2) return;
    switch (name) {
      case 'leader':
        this.text = '';
        break;
      case 'controlfield': {
        const t = attr('tag');
        if (!t) d.problems.push(`controlfield without tag at line ${this.parser.line}`);
        this.control = t ?? '';
        this.text = '';
        break;
      }
      case 'datafield': {
        const t = attr('tag') ?? '';
        if (!t) d.problems.push(`datafield without tag at line ${this.parser.line}`);
        this.field = {
          tag: t,
          ind1: indicator(attr('ind1'), 'ind1', d, t),
          ind2: indicator(attr('ind2'), 'ind2', d, t),
          subfields: [],
        };
        break;
      }
      case 'subfield': {
        if (!this.field) break;
        const c = attr('code');
        if (c === undefined || c.length === 0) {
          d.problems.push(`subfield without code in field ${this.field.tag} at line ${this.parser.line}`);
        } else if (c.length > 1)
          d.warnings.push(`field ${this.field.tag}: subfield code ${JSON.stringify(c)} cut to one character`);
        this.code = c?.[0] ?? '';
        this.text = '';
        break;
      }
    }
  }

  private close(tag: SaxesTag): void {
    const name = localName(tag.name);
    const d = this.draft;
    const depth = this.depth--;
    if (!d) return;
    if (depth === d.depth && name === 'record') {
      this.draft = undefined;
      this.finish(d);
      return;
    }
    switch (name) {
      case 'leader':
        if (this.text !== undefined) d.leader = this.text;
        this.text = undefined;
        break;
      case 'controlfield':
        if (this.control !== undefined) d.fields.push({ tag: this.control, value: this.text ?? '' });
        this.control = undefined;
        this.text = undefined;
        break;
      case 'subfield':
        if (this.field && this.code !== undefined)
          this.field.subfields.push({ code: this.code, value: this.text ?? '' });
        this.code = undefined;
        this.text = undefined;
        break;
      case 'datafield':
        if (this.field) d.fields.push(this.field);
        this.field = undefined;
        break;
    }
  }

  private finish(d: Draft): void {
    if (d.envelope) return;
    if (d.leader === undefined && d.fields.length === 0) return; // e.g. an empty <record/> placeholder
    if (d.problems.length > 0) {
      this.out.push({ ok: false, line: d.line, reason: d.problems.join('; ') });
      return;
    }
    if (d.leader === undefined) {
      this.out.push({ ok: false, line: d.line, reason: 'record without leader' });
      return;
    }
    let leader = d.leader;
    if (leader.length !== 24) {
      d.warnings.push(`leader of ${leader.length} characters`);
      leader = leader.padEnd(24, ' ').slice(0, 24);
    }
    for (const f of d.fields) {
      if (f.tag.length !== 3) d.warnings.push(`tag ${JSON.stringify(f.tag)} is not three characters`);
    }
    this.out.push({ ok: true, record: { leader, fields: d.fields }, line: d.line, warnings: d.warnings });
  }
}

/** Streams MARC records out of MARCXML (bytes or text). */
export async function* readMarcXml(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<MarcXmlResult> {
  const m = new MarcXmlMachine();
  let decoder: TextDecoder | undefined;
  try {
    for await (const chunk of source) {
      if (typeof chunk === 'string') m.write(chunk);
      else {
        decoder ??= new TextDecoder(declaredEncoding(chunk));
        m.write(decoder.decode(chunk, { stream: true }));
      }
      yield* m.out.splice(0);
      if (m.fatal) break;
    }
    if (!m.fatal) {
      if (decoder) m.write(decoder.decode());
      m.end();
    }
  } catch (e) {
    // saxes reports through the error handler; this is for anything else it throws.
    m.fatal ??= { ok: false, line: 0, reason: `XML error: ${e instanceof Error ? e.message : String(e)}` };
  }
  yield* m.out.splice(0);
  if (m.fatal) yield m.fatal;
}

/** All results of one MARCXML document held in memory. */
export function parseMarcXmlAll(xml: string): MarcXmlResult[] {
  const m = new MarcXmlMachine();
  try {
    m.write(xml);
    m.end();
  } catch (e) {
    m.fatal ??= { ok: false, line: 0, reason: `XML error: ${e instanceof Error ? e.message : String(e)}` };
  }
  return m.fatal ? [...m.out, m.fatal] : m.out;
}

/**
 * The one MARC record in an XML string (e.g. OAI-PMH metadata); the first one
 * if there are several. Throws with the reason when there is none to read.
 */
export function parseMarcXmlString(xml: string): MarcRecord {
  const results = parseMarcXmlAll(xml);
  const first = results[0];
  if (!first) throw new Error('no MARC record in the XML');
  if (!first.ok) throw new Error(first.reason);
  return first.record;
}
