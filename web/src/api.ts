/** The browser's side of the API: same-origin cookie session plus the CSRF header on changes. */
export interface Bilingual {
  id: string;
  en: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly messages: Bilingual,
    readonly details?: { fields?: Array<{ field: string; message: Bilingual }> },
  ) {
    super(messages.en);
  }
}

let csrfToken: string | null = null;
export function setCsrf(token: string | null) {
  csrfToken = token;
}
/** For requests api() cannot make, such as multipart uploads. */
export function currentCsrf(): string | null {
  return csrfToken;
}

export async function api<T>(method: string, url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(url, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status === 204) return undefined as T;
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const e = data?.error;
    throw new ApiError(
      res.status,
      e?.code ?? 'http_error',
      e?.message ?? { id: `Kesalahan ${res.status}`, en: `Error ${res.status}` },
      e?.details,
    );
  }
  return data as T;
}

export interface Me {
  userId: number | null;
  label: string;
  role: 'network_coordinator' | 'library_admin' | 'librarian';
  libraryId: number | null;
  libraryCode: string | null;
  libraryName: string | null;
  networkId: number | null;
  fullName: string | null;
  language: 'id' | 'en';
  csrfToken: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

// The server's own types: one definition for both sides of the API.
export type { EligibilityAnswer as Eligibility } from '../../src/directory/eligibility.ts';
export type { Library } from '../../src/directory/libraries.ts';
export type { Patron, PatronDetail } from '../../src/directory/patrons.ts';

export interface Region {
  code: string;
  name: string;
  kind: string;
  parentCode: string | null;
}

/**
 * Staff and patrons share one session cookie: signing in as one ends the other.
 * Each session provider announces its sign-in and forgets its own state when
 * the other signs in, so the page never shows a session the server has dropped.
 */
export type SessionKind = 'staff' | 'patron';

export function announceSignIn(kind: SessionKind): void {
  window.dispatchEvent(new CustomEvent<SessionKind>('simpul:signed-in', { detail: kind }));
}

export function onOtherSignIn(kind: SessionKind, forget: () => void): () => void {
  const listener = (e: Event) => {
    if ((e as CustomEvent<SessionKind>).detail !== kind) forget();
  };
  window.addEventListener('simpul:signed-in', listener);
  return () => window.removeEventListener('simpul:signed-in', listener);
}
