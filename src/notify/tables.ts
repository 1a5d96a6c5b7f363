import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type EmailStatus = 'none' | 'queued' | 'sent' | 'failed';

export interface NotificationsTable {
  id: Generated<number>;
  recipient_user_id: number | null;
  recipient_patron_id: number | null;
  kind: string;
  subject_id: string;
  subject_en: string;
  body_id: string;
  body_en: string;
  link: string | null;
  created_at: Timestamp;
  read_at: Date | null;
  email_status: Generated<EmailStatus>;
  email_to: string | null;
  emailed_at: Date | null;
  email_error: string | null;
}

export interface NotifyTables {
  notifications: NotificationsTable;
}
