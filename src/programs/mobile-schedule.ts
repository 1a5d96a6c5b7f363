import { addDays, daysBetween } from './dates.ts';

/**
 * The mobile library's timetable without I/O: weekly rules (this weekday,
 * every n weeks, between two dates) plus one-off changes (a date cancelled, an
 * extra date with its own hours). Dates are 'YYYY-MM-DD' in UTC.
 */
export interface Rule {
  weekday: number; // 0 = Sunday
  everyWeeks: number;
  startsOn: string;
  endsOn: string | null;
}

export interface Change {
  date: string;
  kind: 'cancel' | 'extra';
  startTime: string | null;
  endTime: string | null;
  note: string | null;
}

export interface Occurrence {
  date: string;
  startTime: string;
  endTime: string;
  extra: boolean;
  note: string | null;
}

export function weekdayOf(d: string): number {
  return new Date(`${d}T00:00:00Z`).getUTCDay();
}

/** The rule's dates within [from, to]: the first matching weekday on or after startsOn, then every n weeks. */
export function ruleDates(rule: Rule, from: string, to: string): string[] {
  const first = addDays(rule.startsOn, (rule.weekday - weekdayOf(rule.startsOn) + 7) % 7);
  const last = rule.endsOn && rule.endsOn < to ? rule.endsOn : to;
  const step = 7 * rule.everyWeeks;
  let d = first;
  if (from > first) {
    const skip = Math.ceil(daysBetween(first, from) / step);
    d = addDays(first, skip * step);
  }
  const out: string[] = [];
  for (; d <= last; d = addDays(d, step)) out.push(d);
  return out;
}

export function occurrences(
  stop: { startTime: string; endTime: string },
  rules: Rule[],
  changes: Change[],
  from: string,
  to: string,
): Occurrence[] {
  const byDate = new Map<string, Occurrence>();
  for (const r of rules) {
    for (const date of ruleDates(r, from, to))
      byDate.set(date, { date, startTime: stop.startTime, endTime: stop.endTime, extra: false, note: null });
  }
  for (const c of changes) {
    if (c.date < from || c.date > to) continue;
    if (c.kind === 'cancel') byDate.delete(c.date);
  }
  for (const c of changes) {
    if (c.date < from || c.date > to || c.kind !== 'extra') continue;
    byDate.set(c.date, {
      date: c.date,
      startTime: c.startTime ?? stop.startTime,
      endTime: c.endTime ?? stop.endTime,
      extra: true,
      note: c.note,
    });
  }
  return [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date));
}

/** The first visit after a date, within a year: a loan made at a visit is due then. */
export function nextVisit(
  stop: { startTime: string; endTime: string },
  rules: Rule[],
  changes: Change[],
  after: string,
): Occurrence | null {
  return occurrences(stop, rules, changes, addDays(after, 1), addDays(after, 366))[0] ?? null;
}
