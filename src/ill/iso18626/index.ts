export type { BuildOptions, Confirmable, ConfirmationOutcome } from './build.ts';
export { buildConfirmation, buildMessage, confirmationFor, Iso18626BuildError, validateXml } from './build.ts';
export type { IncomingMessage, IncomingOptions, IncomingResult } from './incoming.ts';
export { confirmIncoming, DEFAULT_SUPPORTED_ACTIONS, handleIncoming } from './incoming.ts';
export type { MessageEcho, ParseOptions, ParseResult } from './parse.ts';
export { parseMessage } from './parse.ts';
export type { Iso18626Schema, SchemaIssue } from './schema.ts';
export { DEFAULT_XSD_PATH, loadIso18626Schema } from './schema.ts';
export * from './types.ts';
