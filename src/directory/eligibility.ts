import type { Bilingual } from '../platform/messages.ts';
import type { PatronCategory, PatronStatus } from '../platform/schema.ts';

/**
 * Who may do what at a library, as one pure function: the rules of the library
 * and the facts about the patron go in; the privileges and the reasons come out.
 * Other modules (ILL, visiting cards) ask the directory service, which calls this.
 */

export const PRIVILEGES = ['on_site_reading', 'photocopy', 'home_loan', 'ill_request'] as const;
export type Privilege = (typeof PRIVILEGES)[number];

export type Condition =
  | { type: 'anyone' }
  /** Registered at this library, active, membership not expired. */
  | { type: 'member' }
  /** Domicile in one of these regions; a province code covers its cities and regencies. */
  | { type: 'resident'; regions: string[] }
  /** A valid proof of active enrolment from one of these institutions (their library ids). */
  | { type: 'enrolled'; institutions: number[] }
  | { type: 'category'; categories: PatronCategory[] }
  | { type: 'all'; of: Condition[] }
  | { type: 'any'; of: Condition[] };

export interface Rule {
  id: number;
  name: string;
  condition: Condition;
  grants: Privilege[];
}

export interface PatronFacts {
  homeLibraryId: number;
  status: PatronStatus;
  membershipExpiresOn: string | null;
  domicileRegionCode: string | null;
  category: PatronCategory;
  proofs: Array<{ institutionLibraryId: number | null; validFrom: string; validUntil: string }>;
}

export interface Names {
  region(code: string): string;
  institution(libraryId: number): string;
}

export interface RuleOutcome {
  ruleId: number;
  name: string;
  met: boolean;
  grants: Privilege[];
  reasons: Bilingual[];
}

export interface EligibilityAnswer {
  libraryId: number;
  date: string;
  privileges: Record<Privilege, boolean>;
  rules: RuleOutcome[];
  summary: Bilingual;
}

const privilegeNames: Record<Privilege, Bilingual> = {
  on_site_reading: { id: 'baca di tempat', en: 'on-site reading' },
  photocopy: { id: 'fotokopi', en: 'photocopy' },
  home_loan: { id: 'pinjam bawa pulang', en: 'home loan' },
  ill_request: { id: 'permintaan pinjam antarperpustakaan', en: 'interlibrary loan requests' },
};

const statusNames: Record<PatronStatus, Bilingual> = {
  active: { id: 'aktif', en: 'active' },
  suspended: { id: 'ditangguhkan', en: 'suspended' },
  blocked: { id: 'diblokir', en: 'blocked' },
  inactive: { id: 'tidak aktif', en: 'inactive' },
};

export function regionCovers(ruleRegion: string, patronRegion: string): boolean {
  return patronRegion === ruleRegion || patronRegion.startsWith(`${ruleRegion}.`);
}

interface Check {
  met: boolean;
  reasons: Bilingual[];
}

function check(cond: Condition, libraryId: number, p: PatronFacts, date: string, names: Names): Check {
  switch (cond.type) {
    case 'anyone':
      return {
        met: true,
        reasons: [{ id: 'Berlaku untuk semua pengunjung', en: 'Applies to every visitor' }],
      };
    case 'member': {
      if (p.homeLibraryId !== libraryId) {
        return {
          met: false,
          reasons: [{ id: 'Bukan anggota perpustakaan ini', en: 'Not a member of this library' }],
        };
      }
      if (p.status !== 'active') {
        const s = statusNames[p.status];
        return {
          met: false,
          reasons: [{ id: `Status keanggotaan: ${s.id}`, en: `Membership status: ${s.en}` }],
        };
      }
      if (p.membershipExpiresOn && p.membershipExpiresOn < date) {
        return {
          met: false,
          reasons: [
            {
              id: `Keanggotaan kedaluwarsa sejak ${p.membershipExpiresOn}`,
              en: `Membership expired on ${p.membershipExpiresOn}`,
            },
          ],
        };
      }
      return {
        met: true,
        reasons: [
          p.membershipExpiresOn
            ? {
                id: `Anggota aktif sampai ${p.membershipExpiresOn}`,
                en: `Active member until ${p.membershipExpiresOn}`,
              }
            : { id: 'Anggota aktif', en: 'Active member' },
        ],
      };
    }
    case 'resident': {
      const list = cond.regions.map((r) => names.region(r)).join(', ');
      if (!p.domicileRegionCode) {
        return {
          met: false,
          reasons: [{ id: 'Domisili belum dicatat', en: 'Domicile not recorded' }],
        };
      }
      const here = names.region(p.domicileRegionCode);
      const code = p.domicileRegionCode;
      if (cond.regions.some((r) => regionCovers(r, code))) {
        return { met: true, reasons: [{ id: `Berdomisili di ${here}`, en: `Resident of ${here}` }] };
      }
      return {
        met: false,
        reasons: [
          {
            id: `Domisili ${here} tidak termasuk wilayah layanan (${list})`,
            en: `Domicile ${here} is outside the service area (${list})`,
          },
        ],
      };
    }
    case 'enrolled': {
      const relevant = p.proofs.filter(
        (pr) => pr.institutionLibraryId !== null && cond.institutions.includes(pr.institutionLibraryId),
      );
      const valid = relevant.find((pr) => pr.validFrom <= date && date <= pr.validUntil);
      if (valid) {
        const inst = names.institution(valid.institutionLibraryId as number);
        return {
          met: true,
          reasons: [
            {
              id: `Surat aktif kuliah dari ${inst} berlaku sampai ${valid.validUntil}`,
              en: `Proof of enrolment from ${inst} valid until ${valid.validUntil}`,
            },
          ],
        };
      }
      const latest = [...relevant].sort((a, b) => b.validUntil.localeCompare(a.validUntil))[0];
      if (latest && latest.validUntil < date) {
        const inst = names.institution(latest.institutionLibraryId as number);
        return {
          met: false,
          reasons: [
            {
              id: `Surat aktif kuliah dari ${inst} kedaluwarsa sejak ${latest.validUntil}`,
              en: `Proof of enrolment from ${inst} expired on ${latest.validUntil}`,
            },
          ],
        };
      }
      if (latest) {
        return {
          met: false,
          reasons: [
            {
              id: `Surat aktif kuliah baru berlaku mulai ${latest.validFrom}`,
              en: `Proof of enrolment valid only from ${latest.validFrom}`,
            },
          ],
        };
      }
      const list = cond.institutions.map((i) => names.institution(i)).join(', ');
      return {
        met: false,
        reasons: [
          {
            id: `Tidak ada surat aktif kuliah dari institusi mitra (${list})`,
            en: `No proof of enrolment from a partner institution (${list})`,
          },
        ],
      };
    }
    case 'category': {
      const met = cond.categories.includes(p.category);
      return {
        met,
        reasons: [
          met
            ? { id: `Kategori ${p.category} termasuk`, en: `Category ${p.category} qualifies` }
            : {
                id: `Kategori ${p.category} tidak termasuk (${cond.categories.join(', ')})`,
                en: `Category ${p.category} does not qualify (${cond.categories.join(', ')})`,
              },
        ],
      };
    }
    case 'all': {
      const parts = cond.of.map((c) => check(c, libraryId, p, date, names));
      const met = parts.every((x) => x.met);
      // When it fails, the failing parts are the explanation; when it holds, all of them are.
      return { met, reasons: parts.filter((x) => met || !x.met).flatMap((x) => x.reasons) };
    }
    case 'any': {
      const parts = cond.of.map((c) => check(c, libraryId, p, date, names));
      const hit = parts.find((x) => x.met);
      return hit ? { met: true, reasons: hit.reasons } : { met: false, reasons: parts.flatMap((x) => x.reasons) };
    }
  }
}

export function evaluateEligibility(
  library: { id: number; name: string },
  rules: Rule[],
  patron: PatronFacts,
  date: string,
  names: Names,
): EligibilityAnswer {
  const outcomes = rules.map((rule) => {
    const c = check(rule.condition, library.id, patron, date, names);
    return { ruleId: rule.id, name: rule.name, met: c.met, grants: rule.grants, reasons: c.reasons };
  });
  const privileges = Object.fromEntries(PRIVILEGES.map((p) => [p, false])) as Record<Privilege, boolean>;
  for (const o of outcomes) if (o.met) for (const g of o.grants) privileges[g] = true;
  const allowed = PRIVILEGES.filter((p) => privileges[p]);
  const summary: Bilingual = allowed.length
    ? {
        id: `Di ${library.name}: boleh ${allowed.map((a) => privilegeNames[a].id).join(', ')}`,
        en: `At ${library.name}: may use ${allowed.map((a) => privilegeNames[a].en).join(', ')}`,
      }
    : {
        id: `Di ${library.name}: tidak ada layanan yang diizinkan`,
        en: `At ${library.name}: no service allowed`,
      };
  return { libraryId: library.id, date, privileges, rules: outcomes, summary };
}

/** Structural check of a rule condition sent by a client; returns a problem or null. */
export function conditionProblem(c: unknown, depth = 0): string | null {
  if (depth > 5) return 'nested too deeply';
  if (typeof c !== 'object' || c === null) return 'must be an object';
  const o = c as Record<string, unknown>;
  switch (o.type) {
    case 'anyone':
    case 'member':
      return null;
    case 'resident':
      return Array.isArray(o.regions) && o.regions.length > 0 && o.regions.every((r) => typeof r === 'string')
        ? null
        : 'resident needs a non-empty list of region codes';
    case 'enrolled':
      return Array.isArray(o.institutions) &&
        o.institutions.length > 0 &&
        o.institutions.every((r) => Number.isInteger(r))
        ? null
        : 'enrolled needs a non-empty list of institution library ids';
    case 'category':
      return Array.isArray(o.categories) && o.categories.length > 0 ? null : 'category needs categories';
    case 'all':
    case 'any': {
      if (!Array.isArray(o.of) || o.of.length === 0) return `${o.type} needs a non-empty "of" list`;
      for (const sub of o.of) {
        const p = conditionProblem(sub, depth + 1);
        if (p) return p;
      }
      return null;
    }
    default:
      return 'unknown condition type';
  }
}
