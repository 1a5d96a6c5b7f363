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

export interface Library {
  id: number;
  code: string;
  name: string;
  type: string;
  networkId: number;
  networkCode: string;
  regionCode: string | null;
  regionName: string | null;
  provinceName: string | null;
  parentInstitution: string | null;
  parentLibraryId: number | null;
  parentLibraryName: string | null;
  signsOwnAgreements: boolean;
  address: string | null;
  phone: string | null;
  email: string | null;
  website: string | null;
  openingHours: Record<string, string>;
  services: string[];
  lendingPaused: boolean;
  illCapacity: number;
  active: boolean;
}

export interface Patron {
  id: number;
  libraryId: number;
  libraryCode: string;
  libraryName: string;
  memberNumber: string;
  fullName: string;
  nikMasked: string | null;
  domicileRegionCode: string | null;
  domicileRegionName: string | null;
  category: string;
  institutionName: string | null;
  email: string | null;
  phone: string | null;
  status: string;
  membershipExpiresOn: string | null;
}

export interface PatronDetail extends Patron {
  address: string | null;
  enrolmentProofs: Array<{
    id: number;
    institutionName: string | null;
    documentRef: string | null;
    validFrom: string;
    validUntil: string;
  }>;
}

export interface Eligibility {
  libraryId: number;
  date: string;
  privileges: Record<string, boolean>;
  rules: Array<{ ruleId: number; name: string; met: boolean; grants: string[]; reasons: Bilingual[] }>;
  summary: Bilingual;
}

export interface Region {
  code: string;
  name: string;
  kind: string;
  parentCode: string | null;
}
