import { describe, expect, it } from 'vitest';
import { conditionProblem, evaluateEligibility, type PatronFacts, type Rule, regionCovers } from './eligibility.ts';

const names = { region: (c: string) => `R${c}`, institution: (i: number) => `Inst${i}` };
const lib = { id: 1, name: 'Lib' };
const patron = (over: Partial<PatronFacts> = {}): PatronFacts => ({
  homeLibraryId: 1,
  status: 'active',
  membershipExpiresOn: '2027-12-31',
  domicileRegionCode: '13.75',
  category: 'public',
  proofs: [],
  ...over,
});
const rules: Rule[] = [
  { id: 1, name: 'everyone', condition: { type: 'anyone' }, grants: ['on_site_reading'] },
  {
    id: 2,
    name: 'residents',
    condition: { type: 'all', of: [{ type: 'member' }, { type: 'resident', regions: ['13.75', '13.07'] }] },
    grants: ['home_loan'],
  },
  {
    id: 3,
    name: 'partners',
    condition: { type: 'all', of: [{ type: 'member' }, { type: 'enrolled', institutions: [7] }] },
    grants: ['home_loan'],
  },
];

describe('eligibility rules', () => {
  it('treats a province code as covering its cities and regencies, and nothing else', () => {
    expect(regionCovers('13', '13.75')).toBe(true);
    expect(regionCovers('13.75', '13.75')).toBe(true);
    expect(regionCovers('13.7', '13.75')).toBe(false);
    expect(regionCovers('13.75', '13')).toBe(false);
  });

  it('grants the union of the privileges of the rules that hold', () => {
    const a = evaluateEligibility(lib, rules, patron(), '2026-11-23', names);
    expect(a.privileges).toMatchObject({ on_site_reading: true, home_loan: true, photocopy: false });
  });

  it('explains a failed all-condition by its failing parts only', () => {
    const a = evaluateEligibility(lib, rules, patron({ domicileRegionCode: '13.71' }), '2026-11-23', names);
    const r = a.rules.find((x) => x.ruleId === 2);
    expect(r?.met).toBe(false);
    expect(r?.reasons).toHaveLength(1);
    expect(r?.reasons[0]?.en).toBe('Domicile R13.71 is outside the service area (R13.75, R13.07)');
  });

  it('accepts enrolment proof on its first and last day, not after', () => {
    const p = patron({
      domicileRegionCode: '13.71',
      proofs: [{ institutionLibraryId: 7, validFrom: '2026-08-01', validUntil: '2027-01-31' }],
    });
    expect(evaluateEligibility(lib, rules, p, '2026-08-01', names).privileges.home_loan).toBe(true);
    expect(evaluateEligibility(lib, rules, p, '2027-01-31', names).privileges.home_loan).toBe(true);
    const after = evaluateEligibility(lib, rules, p, '2027-02-01', names);
    expect(after.privileges.home_loan).toBe(false);
    expect(after.rules[2]?.reasons[0]?.en).toBe('Proof of enrolment from Inst7 expired on 2027-01-31');
    const before = evaluateEligibility(lib, rules, p, '2026-07-31', names);
    expect(before.rules[2]?.reasons[0]?.en).toBe('Proof of enrolment valid only from 2026-08-01');
  });

  it('ignores proof from an institution that is not a partner', () => {
    const p = patron({
      domicileRegionCode: '13.71',
      proofs: [{ institutionLibraryId: 9, validFrom: '2026-01-01', validUntil: '2027-01-31' }],
    });
    const a = evaluateEligibility(lib, rules, p, '2026-11-23', names);
    expect(a.privileges.home_loan).toBe(false);
    expect(a.rules[2]?.reasons[0]?.en).toContain('No proof of enrolment from a partner institution (Inst7)');
  });

  it('does not count a patron of another library as a member', () => {
    const a = evaluateEligibility(lib, rules, patron({ homeLibraryId: 2 }), '2026-11-23', names);
    expect(a.privileges).toMatchObject({ on_site_reading: true, home_loan: false });
  });

  it('refuses an expired membership with its date', () => {
    const a = evaluateEligibility(lib, rules, patron({ membershipExpiresOn: '2026-01-01' }), '2026-11-23', names);
    expect(a.privileges.home_loan).toBe(false);
    expect(a.rules[1]?.reasons[0]?.id).toBe('Keanggotaan kedaluwarsa sejak 2026-01-01');
  });

  it('takes the first satisfied branch of an any-condition as the reason', () => {
    const any: Rule = {
      id: 9,
      name: 'any',
      condition: {
        type: 'any',
        of: [
          { type: 'category', categories: ['lecturer'] },
          { type: 'resident', regions: ['13'] },
        ],
      },
      grants: ['photocopy'],
    };
    const a = evaluateEligibility(lib, [any], patron(), '2026-11-23', names);
    expect(a.privileges.photocopy).toBe(true);
    expect(a.rules[0]?.reasons).toEqual([{ id: 'Berdomisili di R13.75', en: 'Resident of R13.75' }]);
  });

  it('says plainly when nothing is allowed', () => {
    const a = evaluateEligibility(lib, [], patron(), '2026-11-23', names);
    expect(a.summary.en).toBe('At Lib: no service allowed');
  });

  it('finds structural problems in rule conditions sent by clients', () => {
    expect(conditionProblem({ type: 'anyone' })).toBeNull();
    expect(conditionProblem({ type: 'resident', regions: [] })).toMatch(/non-empty/);
    expect(conditionProblem({ type: 'enrolled', institutions: ['x'] })).toMatch(/institution/);
    expect(conditionProblem({ type: 'all', of: [{ type: 'member' }, { type: 'nope' }] })).toBe(
      'unknown condition type',
    );
    let deep: object = { type: 'anyone' };
    for (let i = 0; i < 8; i++) deep = { type: 'all', of: [deep] };
    expect(conditionProblem(deep)).toBe('nested too deeply');
    expect(conditionProblem(null)).toBe('must be an object');
  });
});
