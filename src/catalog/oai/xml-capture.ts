/**
 * Re-serialises one element subtree out of a streaming (saxes) parse, so a
 * record's <metadata> payload can be stored and parsed again on its own.
 *
 * Prefixes the subtree uses but that were declared further up (typically on
 * <OAI-PMH> or <metadata>) are declared again on the captured root element;
 * otherwise `<dc:title>` would be unparseable once cut out of the envelope.
 * Only bindings actually used are added, to keep stored records small.
 */
import type { SaxesAttributeNS, SaxesTagNS } from 'saxes';

const XML_NS = 'http://www.w3.org/XML/1998/namespace';

export function escapeText(s: string): string {
  return s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

export function escapeAttribute(s: string): string {
  return s.replace(/[&<"\n\r\t]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '"':
        return '&quot;';
      default:
        // Literal newlines in attributes would be normalised to spaces on re-parse.
        return `&#${c.charCodeAt(0)};`;
    }
  });
}

export class SubtreeCapture {
  private readonly parts: string[] = [];
  private depth = 0;
  /** Prefixes declared inside the subtree, one set per open element. */
  private readonly declared: Set<string>[] = [];
  /** Bindings inherited from outside the subtree that the subtree uses. */
  private readonly inherited = new Map<string, string>();
  /** Index in `parts` where the root start tag's extra declarations go. */
  private rootSlot = -1;

  get active(): boolean {
    return this.depth > 0;
  }

  open(tag: SaxesTagNS): void {
    const own = new Set(Object.keys(tag.ns));
    this.declared.push(own);
    this.note(tag.prefix, tag.uri);
    let s = `<${tag.name}`;
    for (const attr of Object.values(tag.attributes) as SaxesAttributeNS[]) {
      if (attr.prefix !== '' && attr.prefix !== 'xmlns' && attr.prefix !== 'xml') this.note(attr.prefix, attr.uri);
      s += ` ${attr.name}="${escapeAttribute(attr.value)}"`;
    }
    this.parts.push(s);
    if (this.depth === 0) {
      this.rootSlot = this.parts.length;
      this.parts.push('');
    }
    this.parts.push(tag.isSelfClosing ? '/>' : '>');
    this.depth++;
    if (tag.isSelfClosing) {
      // saxes still reports a closetag for <x/>; remember not to write one.
      this.selfClosingPending = true;
    }
  }

  private selfClosingPending = false;

  text(t: string): void {
    if (this.depth > 0) this.parts.push(escapeText(t));
  }

  /** Returns the finished XML when the captured root closes, else undefined. */
  close(tag: SaxesTagNS): string | undefined {
    if (this.selfClosingPending) {
      this.selfClosingPending = false;
    } else {
      this.parts.push(`</${tag.name}>`);
    }
    this.declared.pop();
    this.depth--;
    if (this.depth > 0) return undefined;
    let decls = '';
    for (const [prefix, uri] of this.inherited) {
      decls += prefix === '' ? ` xmlns="${escapeAttribute(uri)}"` : ` xmlns:${prefix}="${escapeAttribute(uri)}"`;
    }
    this.parts[this.rootSlot] = decls;
    const xml = this.parts.join('');
    this.parts.length = 0;
    this.inherited.clear();
    this.rootSlot = -1;
    return xml;
  }

  private note(prefix: string, uri: string): void {
    if (prefix === 'xml' || uri === XML_NS) return;
    // An unprefixed element in no namespace needs no declaration.
    if (prefix === '' && uri === '') return;
    for (const set of this.declared) if (set.has(prefix)) return;
    if (!this.inherited.has(prefix)) this.inherited.set(prefix, uri);
  }
}
