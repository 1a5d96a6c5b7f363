/** Calendar arithmetic on 'YYYY-MM-DD' strings, in UTC so a server's time zone never shifts a day. */

export function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

function toUtc(d: string): Date {
  return new Date(`${d}T00:00:00Z`);
}

export function addDays(d: string, n: number): string {
  const t = toUtc(d);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}

/** Month arithmetic clamps to the month's last day: 30 Nov + 3 months = 28 Feb (or 29). */
export function addMonths(d: string, n: number): string {
  const t = toUtc(d);
  const day = t.getUTCDate();
  t.setUTCDate(1);
  t.setUTCMonth(t.getUTCMonth() + n);
  const last = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 0)).getUTCDate();
  t.setUTCDate(Math.min(day, last));
  return t.toISOString().slice(0, 10);
}

/** Whole days from a to b (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return Math.round((toUtc(b).getTime() - toUtc(a).getTime()) / 86_400_000);
}

export function isIsoDate(d: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return false;
  const t = toUtc(d);
  return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d;
}
