import { SaxesParser, type SaxesTagNS } from 'saxes';
import { SubtreeCapture } from './oai/xml-capture.ts';

/**
 * Splits an XML file into its record elements as it streams past: each
 * <mods>, <oai_dc:dc>, <marc:record> ... comes out as standalone XML with the
 * line it started on, whatever wraps it (a collection, an OAI-PMH envelope).
 * Memory holds one record at a time.
 */
export interface XmlRecord {
  xml: string;
  line: number;
  index: number;
}

export type RecordMatcher = (tag: { local: string; uri: string }) => boolean;

export class XmlFileError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

export async function* xmlRecords(
  source: AsyncIterable<Uint8Array | string>,
  isRecord: RecordMatcher,
): AsyncGenerator<XmlRecord> {
  const sax = new SaxesParser({ xmlns: true, position: true });
  const capture = new SubtreeCapture();
  const ready: XmlRecord[] = [];
  let index = 0;
  let startLine = 0;
  let failure: XmlFileError | undefined;
  sax.on('opentag', (tag: SaxesTagNS) => {
    if (capture.active) capture.open(tag);
    else if (isRecord({ local: tag.local, uri: tag.uri })) {
      startLine = sax.line;
      capture.open(tag);
    }
  });
  sax.on('closetag', (tag: SaxesTagNS) => {
    if (!capture.active) return;
    const xml = capture.close(tag);
    if (xml !== undefined) ready.push({ xml, line: startLine, index: ++index });
  });
  sax.on('text', (t) => capture.text(t));
  sax.on('cdata', (t) => capture.text(t));
  sax.on('error', (err) => {
    failure ??= new XmlFileError(err.message.replace(/^\S+:\d+:\d+: /, ''), sax.line);
    throw failure;
  });
  const decoder = new TextDecoder('utf-8');
  const feed = (text: string) => {
    try {
      sax.write(text);
    } catch (e) {
      throw failure ?? new XmlFileError(e instanceof Error ? e.message : String(e), sax.line);
    }
  };
  for await (const chunk of source) {
    feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    yield* ready.splice(0, ready.length);
  }
  feed(decoder.decode());
  try {
    sax.close();
  } catch (e) {
    throw failure ?? new XmlFileError(e instanceof Error ? e.message : String(e), sax.line);
  }
  yield* ready.splice(0, ready.length);
}
