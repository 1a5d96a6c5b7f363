import { describe, expect, it } from 'vitest';
import { nextVisit, occurrences, ruleDates, weekdayOf } from './mobile-schedule.ts';

const stop = { startTime: '08:00', endTime: '11:00' };

describe('mobile library timetable', () => {
  it('finds the weekdays of a rule, every n weeks, within its dates', () => {
    expect(weekdayOf('2027-01-03')).toBe(0); // a Sunday
    const sundays = ruleDates(
      { weekday: 0, everyWeeks: 1, startsOn: '2027-01-01', endsOn: null },
      '2027-01-01',
      '2027-01-31',
    );
    expect(sundays).toEqual(['2027-01-03', '2027-01-10', '2027-01-17', '2027-01-24', '2027-01-31']);
    const fortnight = ruleDates(
      { weekday: 3, everyWeeks: 2, startsOn: '2027-01-01', endsOn: '2027-02-28' },
      '2027-01-15',
      '2027-03-31',
    );
    // first Wednesday is 6 Jan; then 20 Jan, 3 Feb, 17 Feb — the window starts mid-way, the rule ends in February
    expect(fortnight).toEqual(['2027-01-20', '2027-02-03', '2027-02-17']);
  });

  it('applies cancellations and extra dates, and finds the next visit', () => {
    const rules = [{ weekday: 0, everyWeeks: 1, startsOn: '2027-01-01', endsOn: null }];
    const changes = [
      { date: '2027-01-10', kind: 'cancel' as const, startTime: null, endTime: null, note: 'Libur' },
      { date: '2027-01-13', kind: 'extra' as const, startTime: '13:00', endTime: '15:00', note: 'Hari buku' },
    ];
    const occ = occurrences(stop, rules, changes, '2027-01-01', '2027-01-20');
    expect(occ.map((o) => o.date)).toEqual(['2027-01-03', '2027-01-13', '2027-01-17']);
    expect(occ[1]).toMatchObject({ startTime: '13:00', extra: true, note: 'Hari buku' });
    expect(nextVisit(stop, rules, changes, '2027-01-03')?.date).toBe('2027-01-13');
    expect(nextVisit(stop, [], [], '2027-01-03')).toBeNull();
  });
});
