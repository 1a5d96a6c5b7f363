import type { Bilingual } from '../platform/messages.ts';
import { daysBetween } from './dates.ts';
import type { StoredAgreementStatus } from './tables.ts';

/**
 * The agreement lifecycle without I/O. Only draft, active, renewed and
 * terminated are stored; expiring and expired follow from the end date and the
 * day asked about, so nothing has to run at midnight to keep them true.
 */
export type AgreementStatus = 'draft' | 'active' | 'expiring' | 'expired' | 'renewed' | 'terminated';
export type AgreementAction = 'activate' | 'terminate' | 'renew' | 'edit';

export const EXPIRING_DAYS = 90;
export const REMINDER_DAYS = [90, 30, 7] as const;

export function effectiveStatus(stored: StoredAgreementStatus, endsOn: string | null, today: string): AgreementStatus {
  if (stored !== 'active' || !endsOn) return stored;
  const left = daysBetween(today, endsOn);
  if (left < 0) return 'expired';
  if (left <= EXPIRING_DAYS) return 'expiring';
  return 'active';
}

/** In force on a day: activated, not ended, and the day falls inside its dates. */
export function inForce(
  stored: StoredAgreementStatus,
  startsOn: string | null,
  endsOn: string | null,
  day: string,
): boolean {
  if (stored !== 'active') return false;
  if (startsOn && day < startsOn) return false;
  if (endsOn && day > endsOn) return false;
  return true;
}

const statusName: Record<AgreementStatus, Bilingual> = {
  draft: { id: 'draf', en: 'draft' },
  active: { id: 'berlaku', en: 'active' },
  expiring: { id: 'segera berakhir', en: 'expiring' },
  expired: { id: 'sudah berakhir', en: 'expired' },
  renewed: { id: 'sudah diperpanjang', en: 'renewed' },
  terminated: { id: 'sudah diakhiri', en: 'terminated' },
};

export type TransitionResult = { ok: true; next: StoredAgreementStatus } | { ok: false; reason: Bilingual };

/** The stored status an action leads to, or why it may not happen now. */
export function transition(current: AgreementStatus, action: AgreementAction): TransitionResult {
  const now = statusName[current];
  const no = (id: string, en: string): TransitionResult => ({
    ok: false,
    reason: { id: `${id} (status: ${now.id})`, en: `${en} (status: ${now.en})` },
  });
  switch (action) {
    case 'activate':
      if (current === 'draft') return { ok: true, next: 'active' };
      return no('Hanya draf yang dapat diberlakukan', 'Only a draft can be put into force');
    case 'terminate':
      if (current === 'active' || current === 'expiring') return { ok: true, next: 'terminated' };
      return no(
        'Hanya perjanjian yang sedang berlaku yang dapat diakhiri',
        'Only an agreement in force can be terminated',
      );
    case 'renew':
      if (current === 'active' || current === 'expiring' || current === 'expired') return { ok: true, next: 'renewed' };
      return no(
        'Hanya perjanjian yang berlaku atau sudah berakhir yang dapat diperpanjang',
        'Only an agreement in force or expired can be renewed',
      );
    case 'edit':
      if (current === 'renewed' || current === 'terminated') {
        return no(
          'Perjanjian yang sudah diperpanjang atau diakhiri tidak dapat diubah',
          'A renewed or terminated agreement cannot be changed',
        );
      }
      return { ok: true, next: current === 'draft' ? 'draft' : 'active' };
  }
}

/**
 * Which reminder is due today, if any: the nearest threshold the agreement has
 * reached. A missed day fires the threshold that applies now, never a stale
 * earlier one, and each threshold fires once (the caller passes those sent).
 */
export function reminderDue(endsOn: string, today: string, sent: ReadonlySet<number>): number | null {
  const left = daysBetween(today, endsOn);
  if (left < 0) return null;
  const applicable = REMINDER_DAYS.filter((d) => left <= d);
  const nearest = applicable.length ? Math.min(...applicable) : null;
  if (nearest === null || sent.has(nearest)) return null;
  return nearest;
}
