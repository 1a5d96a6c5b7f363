import nodemailer from 'nodemailer';
import type { Config } from '../platform/config.ts';
import type { Db } from '../platform/db.ts';
import type { JobRunner } from '../platform/jobs.ts';

/**
 * E-mail for notifications. Simpul sends only when SIMPUL_SMTP_URL is set; the
 * setting is taken once per process by createSimpul (configureMail), so notify()
 * can decide inside the caller's transaction whether to queue an e-mail.
 */
export interface MailSettings {
  smtpUrl: string;
  from: string;
  publicUrl: string | undefined;
}

export const EMAIL_JOB = 'notify.email';
export const EMAIL_MAX_ATTEMPTS = 6;

let settings: MailSettings | null = null;

export function configureMail(config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'publicUrl'>): void {
  settings = config.smtpUrl ? { smtpUrl: config.smtpUrl, from: config.mailFrom, publicUrl: config.publicUrl } : null;
}

export function mailEnabled(): boolean {
  return settings !== null;
}

const footer = {
  id: 'Pemberitahuan ini dikirim oleh Simpul, jaringan kerjasama perpustakaan. Semua pemberitahuan Anda ada di',
  en: 'This notice was sent by Simpul, the library cooperation network. All your notices are at',
};

/** Sends one queued notification e-mail; a thrown error makes the job runner retry it later. */
export async function sendNotificationEmail(
  db: Db,
  notificationId: number,
  attempt: number,
): Promise<Record<string, unknown>> {
  const n = await db
    .selectFrom('notifications as n')
    .leftJoin('staff_users as u', 'u.id', 'n.recipient_user_id')
    .leftJoin('patrons as p', 'p.id', 'n.recipient_patron_id')
    .select([
      'n.id',
      'n.subject_id',
      'n.subject_en',
      'n.body_id',
      'n.body_en',
      'n.link',
      'n.email_status',
      'n.email_to',
      'n.recipient_patron_id',
      'u.language as user_language',
      'p.language as patron_language',
      'u.full_name as user_name',
      'p.full_name as patron_name',
    ])
    .where('n.id', '=', notificationId)
    .executeTakeFirst();
  if (!n?.email_to || n.email_status !== 'queued') return { skipped: true };
  const current = settings;
  if (!current) return { skipped: true, reason: 'SMTP is no longer configured' };
  // Staff read in their chosen language; patrons in Indonesian unless they chose English.
  const lang = (n.recipient_patron_id ? n.patron_language : n.user_language) === 'en' ? 'en' : 'id';
  const base = current.publicUrl ?? '';
  const inbox = n.recipient_patron_id ? '/portal/notifications' : '/notifications';
  const link = n.link ? `${base}${n.link}` : null;
  const text = [
    lang === 'en' ? n.body_en : n.body_id,
    link ? `\n${link}` : '',
    `\n-- \n${footer[lang]} ${base}${inbox}`,
  ].join('\n');
  const transport = nodemailer.createTransport(current.smtpUrl);
  try {
    const info = await transport.sendMail({
      from: current.from,
      to: { name: (n.user_name ?? n.patron_name ?? '').replace(/[<>"]/g, ''), address: n.email_to },
      subject: lang === 'en' ? n.subject_en : n.subject_id,
      text,
      headers: { 'Content-Language': lang, 'Auto-Submitted': 'auto-generated' },
    });
    await db
      .updateTable('notifications')
      .set({ email_status: 'sent', emailed_at: new Date(), email_error: null })
      .where('id', '=', n.id)
      .execute();
    return { messageId: info.messageId, to: n.email_to, language: lang };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await db
      .updateTable('notifications')
      .set({ email_status: attempt >= EMAIL_MAX_ATTEMPTS ? 'failed' : 'queued', email_error: message.slice(0, 500) })
      .where('id', '=', n.id)
      .execute();
    throw err;
  } finally {
    transport.close();
  }
}

export function registerNotifyJobs(runner: JobRunner, db: Db): void {
  runner.register(EMAIL_JOB, async (payload, job) =>
    sendNotificationEmail(db, Number(payload.notificationId), job.attempts),
  );
}
