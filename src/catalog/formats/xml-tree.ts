/**
 * A minimal namespace-aware element tree for one record's worth of XML
 * (a Dublin Core or MODS record is a few KB; whole files go through the
 * streaming OAI reader instead).
 */
import { SaxesParser } from 'saxes';

export interface XmlElement {
  uri: string;
  local: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export class XmlParseError extends Error {
  override name = 'XmlParseError';
}

export function parseXml(xml: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  parser.on('opentag', (tag) => {
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) {
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      attrs[a.local] = a.value;
    }
    const el: XmlElement = { uri: tag.uri, local: tag.local, attrs, children: [], text: '' };
    stack[stack.length - 1]?.children.push(el);
    stack.push(el);
    root ??= el;
  });
  const onText = (t: string) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    stack.pop();
  });
  try {
    parser.write(xml).close();
  } catch (err) {
    throw new XmlParseError(err instanceof Error ? err.message : String(err));
  }
  if (!root) throw new XmlParseError('no element');
  return root;
}

export function children(el: XmlElement, local: string): XmlElement[] {
  return el.children.filter((c) => c.local === local);
}

export function child(el: XmlElement, local: string): XmlElement | undefined {
  return el.children.find((c) => c.local === local);
}

/** Text content of an element and its descendants, whitespace collapsed. */
export function textOf(el: XmlElement | undefined): string {
  if (!el) return '';
  const parts = [el.text, ...el.children.map((c) => textOf(c))];
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

export function descendants(el: XmlElement, local: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    for (const c of e.children) {
      if (c.local === local) out.push(c);
      walk(c);
    }
  };
  walk(el);
  return out;
}
