import { hashPassword } from '../platform/auth.ts';
import type { DbOrTrx } from '../platform/db.ts';

/** Demo patrons who may sign in to the patron portal (all share this password). */
export const DEMO_PATRON_PASSWORD = 'anggota-demo-2026';

export const demoPatronLogins = [
  { library: 'UPERTIS', memberNumber: 'UPI-2201001', note: 'visiting card of the university forum' },
  { library: 'UINMY', memberNumber: 'UIN-2301045', note: 'visiting card of the university forum' },
  { library: 'BUNGHATTA', memberNumber: 'BH-2024-0001', note: 'resident of Bukittinggi' },
];

export async function seedPortalDemo(trx: DbOrTrx): Promise<void> {
  const hash = await hashPassword(DEMO_PATRON_PASSWORD);
  for (const d of demoPatronLogins) {
    const p = await trx
      .selectFrom('patrons as p')
      .innerJoin('libraries as l', 'l.id', 'p.library_id')
      .select('p.id')
      .where('l.code', '=', d.library)
      .where('p.member_number', '=', d.memberNumber)
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('patron_credentials')
      .values({ patron_id: p.id, password_hash: hash, password_set_at: new Date(), password_set_by: 'staff' })
      .execute();
  }
}
