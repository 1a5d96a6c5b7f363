import { describe, expect, it } from 'vitest';
import { effectiveStatus, inForce, reminderDue, transition } from './agreement-state.ts';
import { addDays, addMonths, daysBetween, isIsoDate } from './dates.ts';

describe('agreement lifecycle', () => {
  it('computes expiring within 90 days of the end and expired after it', () => {
    expect(effectiveStatus('active', '2027-03-01', '2026-11-30')).toBe('active'); // 91 days left
    expect(effectiveStatus('active', '2027-03-01', '2026-12-01')).toBe('expiring'); // 90
    expect(effectiveStatus('active', '2027-03-01', '2026-12-02')).toBe('expiring');
    expect(effectiveStatus('active', '2027-03-01', '2026-11-20')).toBe('active');
    expect(effectiveStatus('active', '2027-03-01', '2027-03-01')).toBe('expiring');
    expect(effectiveStatus('active', '2027-03-01', '2027-03-02')).toBe('expired');
    expect(effectiveStatus('draft', '2020-01-01', '2027-03-02')).toBe('draft');
    expect(effectiveStatus('terminated', '2030-01-01', '2027-03-02')).toBe('terminated');
  });

  it('allows only the legal transitions and says why the others are refused', () => {
    expect(transition('draft', 'activate')).toEqual({ ok: true, next: 'active' });
    expect(transition('active', 'terminate')).toEqual({ ok: true, next: 'terminated' });
    expect(transition('expiring', 'renew')).toEqual({ ok: true, next: 'renewed' });
    expect(transition('expired', 'renew')).toEqual({ ok: true, next: 'renewed' });
    const refused = transition('terminated', 'activate');
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.reason.id).toContain('draf');
      expect(refused.reason.en).toContain('terminated');
    }
    expect(transition('draft', 'renew').ok).toBe(false);
    expect(transition('expired', 'terminate').ok).toBe(false);
    expect(transition('renewed', 'edit').ok).toBe(false);
  });

  it('is in force only when active and inside its dates', () => {
    expect(inForce('active', '2026-01-01', '2026-12-31', '2026-06-01')).toBe(true);
    expect(inForce('active', '2026-01-01', '2026-12-31', '2027-01-01')).toBe(false);
    expect(inForce('draft', '2026-01-01', '2026-12-31', '2026-06-01')).toBe(false);
  });
});

describe('agreement reminders', () => {
  const end = '2027-03-01';
  it('fires 90, 30 and 7 days before the end, each once', () => {
    const sent = new Set<number>();
    const fired: Array<[number, number]> = [];
    for (let left = 120; left >= -3; left--) {
      const d = reminderDue(end, addDays(end, -left), sent);
      if (d !== null) {
        sent.add(d);
        fired.push([left, d]);
      }
    }
    expect(fired).toEqual([
      [90, 90],
      [30, 30],
      [7, 7],
    ]);
  });

  it('after missed days fires the threshold that applies now, not a stale one', () => {
    expect(reminderDue(end, addDays(end, -20), new Set())).toBe(30);
    expect(reminderDue(end, addDays(end, -20), new Set([30]))).toBeNull();
    expect(reminderDue(end, addDays(end, 1), new Set())).toBeNull();
  });
});

describe('dates', () => {
  it('adds months clamped to the month end and counts days', () => {
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
    expect(addMonths('2026-01-15', 3)).toBe('2026-04-15');
    expect(daysBetween('2026-11-23', '2027-02-21')).toBe(90);
    expect(isIsoDate('2026-02-30')).toBe(false);
    expect(isIsoDate('2026-02-28')).toBe(true);
  });
});
