import type { Bilingual } from '../../api.ts';

export interface PatronMe {
  kind: 'patron';
  id: number;
  libraryId: number;
  libraryCode: string;
  libraryName: string;
  memberNumber: string;
  fullName: string;
  nikMasked: string | null;
  domicileRegionName: string | null;
  category: string;
  institutionName: string | null;
  email: string | null;
  phone: string | null;
  status: string;
  membershipExpiresOn: string | null;
  language: 'id' | 'en';
  csrfToken: string | null;
}

export interface Eligibility {
  libraryId: number;
  date: string;
  privileges: Record<string, boolean>;
  rules: Array<{ ruleId: number; name: string; met: boolean; grants: string[]; reasons: Bilingual[] }>;
  summary: Bilingual;
}

export interface Privilege {
  key: 'on_site_reading' | 'photocopy' | 'home_loan';
  allowed: boolean;
  loanPeriodDays?: number | null;
}

export interface LibBrief {
  id: number;
  code: string;
  name: string;
}

export interface MyCard {
  id: number;
  cardNumber: string;
  agreementTitle: string;
  homeLibrary: LibBrief;
  validLibraries: LibBrief[];
  validFrom: string;
  validUntil: string;
  status: 'active' | 'revoked';
  qrSvg: string;
  usableToday: boolean;
  places: Array<{ library: LibBrief; privileges: Privilege[] }>;
}

export interface Visit {
  id: number;
  cardNumber: string;
  holderName: string;
  homeLibrary: { code: string; name: string };
  visitedLibrary: { code: string; name: string };
  status: 'announced' | 'checked_in' | 'cancelled';
  plannedOn: string | null;
  purpose: string | null;
  checkedInAt: string | null;
  visitedOn: string | null;
  announcedBy: 'cardholder' | 'library' | null;
}

export interface Notification {
  id: number;
  kind: string;
  subject: Bilingual;
  body: Bilingual;
  link: string | null;
  createdAt: string;
  readAt: string | null;
  email: 'none' | 'queued' | 'sent' | 'failed';
}
