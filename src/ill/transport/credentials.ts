import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Protector } from '../../platform/protect.ts';

/**
 * Peer credentials. What a peer presents to us is kept only as a keyed hash
 * (HMAC-SHA256 with the node's secret): secrets are long and random, so a
 * slow password hash would buy nothing and cost milliseconds on every message.
 * What we present to a peer must be sent as written, so it is encrypted.
 */

export const MIN_SECRET_LENGTH = 24;

export function newPeerSecret(): string {
  return randomBytes(24).toString('base64url');
}

export function hashInboundSecret(protector: Protector, secret: string): string {
  return protector.lookupHash(`ill-peer:${secret}`);
}

export function inboundSecretMatches(protector: Protector, secret: string, storedHash: string | null): boolean {
  if (!storedHash) return false;
  const a = Buffer.from(hashInboundSecret(protector, secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface PresentedCredentials {
  accountId: string;
  secret: string;
  via: 'basic' | 'message';
}

/** `Authorization: Basic base64(account:secret)`; anything else is no credentials. */
export function basicCredentials(header: string | undefined): PresentedCredentials | undefined {
  if (!header) return undefined;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { accountId: decoded.slice(0, colon), secret: decoded.slice(colon + 1), via: 'basic' };
}

export function basicHeader(accountId: string, secret: string): string {
  return `Basic ${Buffer.from(`${accountId}:${secret}`, 'utf8').toString('base64')}`;
}

/** The XML as we keep it: a securityCode a peer put in the header never reaches the log readable. */
export function maskSecurityCodes(xml: string): string {
  return xml.replace(
    /(<(?:[\w.-]+:)?securityCode\b[^>]*>)([\s\S]*?)(<\/(?:[\w.-]+:)?securityCode>)/g,
    (_m, open: string, _v: string, close: string) => `${open}***${close}`,
  );
}
