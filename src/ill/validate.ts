import { existsSync } from 'node:fs';
import { buildMessage } from './iso18626/build.ts';
import type { IncomingMessage } from './iso18626/incoming.ts';
import { DEFAULT_XSD_PATH } from './iso18626/schema.ts';

let schemaPresent: boolean | undefined;

/**
 * Every message one side sends is written as ISO 18626 XML and checked
 * against the schema before it is delivered, also between two libraries of
 * this node: what works locally then works with an outside peer. Throws
 * Iso18626BuildError (our bug, never the user's). Skipped only when the
 * schema file is not installed (see docs/NOTES.md on shipping the XSD).
 */
export function validateOutgoing(message: IncomingMessage): void {
  schemaPresent ??= existsSync(DEFAULT_XSD_PATH);
  if (!schemaPresent) return;
  buildMessage(message);
}
