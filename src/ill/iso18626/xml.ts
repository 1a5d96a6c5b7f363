import { XmlElement } from 'libxml2-wasm';
import { type Field, type FieldKind, type Layout, MESSAGE_LAYOUTS } from './layout.ts';
import { ISO18626_NS, ISO18626_VERSION, type Iso18626Message, type MessageKind } from './types.ts';

type Obj = { readonly [key: string]: unknown };

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text and attribute values; also drops characters XML 1.0 cannot carry at all. */
export function escapeXml(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function writeValue(out: string[], name: string, kind: FieldKind, value: unknown): void {
  if (value === undefined) return;
  if (kind === 'string') {
    out.push(`<${name}>${escapeXml(String(value))}</${name}>`);
  } else if (kind === 'int') {
    out.push(`<${name}>${Math.trunc(Number(value))}</${name}>`);
  } else if (kind === 'bool') {
    out.push(`<${name}>${value === true ? 'true' : 'false'}</${name}>`);
  } else if (kind === 'scheme') {
    if (!isObj(value)) throw new TypeError(`${name} must be { value, scheme? }`);
    // The schema sets attributeFormDefault="qualified", so scheme must carry the namespace.
    const scheme = typeof value.scheme === 'string' ? ` ill:scheme="${escapeXml(value.scheme)}"` : '';
    out.push(`<${name}${scheme}>${escapeXml(String(value.value ?? ''))}</${name}>`);
  } else {
    if (!isObj(value)) throw new TypeError(`${name} must be an object`);
    out.push(`<${name}>`);
    writeFields(out, kind, value);
    out.push(`</${name}>`);
  }
}

function writeFields(out: string[], layout: Layout, obj: Obj): void {
  for (const field of layout) {
    const value = obj[field.name];
    if (value === undefined) continue;
    if (field.many) {
      if (!Array.isArray(value)) throw new TypeError(`${field.name} must be an array`);
      for (const item of value) writeValue(out, field.name, field.kind, item);
    } else {
      writeValue(out, field.name, field.kind, value);
    }
  }
}

/** Serialises a message without validating it; `buildMessage` in index.ts validates too. */
export function serialise(msg: Iso18626Message): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<ISO18626Message xmlns="${ISO18626_NS}" xmlns:ill="${ISO18626_NS}" ill:version="${ISO18626_VERSION}">`,
  ];
  writeValue(out, msg.kind, MESSAGE_LAYOUTS[msg.kind], msg.message as unknown);
  out.push('</ISO18626Message>');
  return out.join('');
}

const fieldIndex = new WeakMap<Layout, Map<string, Field>>();

function indexOf(layout: Layout): Map<string, Field> {
  let index = fieldIndex.get(layout);
  if (!index) {
    index = new Map(layout.map((field) => [field.name, field]));
    fieldIndex.set(layout, index);
  }
  return index;
}

export function* childElements(el: XmlElement): Generator<XmlElement> {
  for (let c = el.firstChild; c !== null; c = c.next) {
    if (c instanceof XmlElement) yield c;
  }
}

function schemeAttr(el: XmlElement): string | undefined {
  for (const a of el.attrs) if (a.name === 'scheme') return a.value;
  return undefined;
}

function readValue(el: XmlElement, kind: FieldKind): unknown {
  if (kind === 'string') return el.content;
  if (kind === 'int') return Number.parseInt(el.content.trim(), 10);
  if (kind === 'bool') {
    const v = el.content.trim();
    return v === 'true' || v === '1';
  }
  if (kind === 'scheme') {
    const scheme = schemeAttr(el);
    return scheme === undefined ? { value: el.content } : { value: el.content, scheme };
  }
  return readFields(el, kind);
}

/**
 * Reads a schema-valid element into plain data. Elements the layout does not
 * know are skipped: after XSD validation none can appear, and skipping keeps
 * the reader total for callers that read without validating.
 */
export function readFields(el: XmlElement, layout: Layout): Record<string, unknown> {
  const index = indexOf(layout);
  const out: Record<string, unknown> = {};
  for (const child of childElements(el)) {
    const field = index.get(child.name);
    if (!field) continue;
    const value = readValue(child, field.kind);
    if (field.many) {
      const list = out[field.name];
      if (Array.isArray(list)) list.push(value);
      else out[field.name] = [value];
    } else {
      out[field.name] = value;
    }
  }
  return out;
}

export function isMessageKind(name: string): name is MessageKind {
  return Object.hasOwn(MESSAGE_LAYOUTS, name);
}

/** Reads the one message inside a validated ISO18626Message root element. */
export function readMessage(root: XmlElement): Iso18626Message | undefined {
  for (const child of childElements(root)) {
    if (!isMessageKind(child.name)) return undefined;
    // The XSD has already checked shape and enumerations, which is what makes this cast sound.
    return { kind: child.name, message: readFields(child, MESSAGE_LAYOUTS[child.name]) } as unknown as Iso18626Message;
  }
  return undefined;
}
