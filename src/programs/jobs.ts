import type { Db } from '../platform/db.ts';
import type { JobRunner } from '../platform/jobs.ts';
import { runAgreementReminders } from './agreements.ts';

/** Agreement reminders once a day (and at start), from the job runner's tick. */
export function registerProgramsJobs(runner: JobRunner, db: Db): void {
  let lastDay = '';
  runner.every(async () => {
    const today = new Date().toISOString().slice(0, 10);
    if (today === lastDay) return;
    await runAgreementReminders(db, today);
    lastDay = today;
  });
}
