import type { Actor } from './actor.ts';
import type { DbOrTrx } from './db.ts';

export interface AuditEntry {
  action: string; // 'create' | 'update' | 'delete' | 'login' | ...
  entity: string; // table-like name: 'library', 'patron', 'staff_user'
  entityId: string | number | null;
  libraryId: number | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/**
 * Written inside the same transaction as the change it describes, so the log
 * and the data never disagree. Callers pass already-masked snapshots: personal
 * data (NIK, address) never enters the log readable.
 */
export async function audit(db: DbOrTrx, actor: Actor, entry: AuditEntry, requestId?: string): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor_user_id: actor.userId,
      actor_label: actor.label,
      library_id: entry.libraryId,
      action: entry.action,
      entity: entry.entity,
      entity_id: entry.entityId === null ? null : String(entry.entityId),
      before: entry.before ? JSON.stringify(entry.before) : null,
      after: entry.after ? JSON.stringify(entry.after) : null,
      request_id: requestId ?? null,
    })
    .execute();
}

/** Only the fields that changed, for compact before/after pairs. */
export function diff(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): { before: Record<string, unknown>; after: Record<string, unknown> } | null {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      b[key] = before[key] ?? null;
      a[key] = after[key] ?? null;
    }
  }
  return Object.keys(a).length ? { before: b, after: a } : null;
}
