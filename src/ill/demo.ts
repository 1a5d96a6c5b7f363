/**
 * A handful of ILL requests in the demo network, in various states, made
 * through the real service (every step through the state machines and
 * delivered as ISO 18626 messages), so queues, timelines and figures show
 * something on first start. Needs the demo catalog's holdings; without them
 * it does nothing.
 */
import { sql } from 'kysely';
import type { Actor } from '../platform/actor.ts';
import type { Db } from '../platform/db.ts';
import { lenderAction } from './lending.ts';
import { borrowerAction, createRequest } from './requests.ts';

async function staffActor(db: Db, username: string): Promise<Actor | null> {
  const u = await db
    .selectFrom('staff_users as u')
    .innerJoin('libraries as l', 'l.id', 'u.library_id')
    .select(['u.id', 'u.full_name', 'u.username', 'u.role', 'u.library_id', 'l.network_id'])
    .where('u.username', '=', username)
    .executeTakeFirst();
  if (!u) return null;
  return {
    kind: 'staff',
    userId: u.id,
    patronId: null,
    label: `${u.username} (${u.full_name})`,
    libraryId: u.library_id,
    networkId: u.network_id,
    role: u.role,
  };
}

type Step =
  | { side: 'lender'; action: Parameters<typeof lenderAction>[3]; body?: Parameters<typeof lenderAction>[4] }
  | { side: 'borrower'; action: Parameters<typeof borrowerAction>[3]; body?: Parameters<typeof borrowerAction>[4] };

interface Scenario {
  borrower: string;
  member: string;
  serviceType: 'Loan' | 'Copy';
  steps: Step[];
}

const SCENARIOS: Scenario[] = [
  { borrower: 'BUNGHATTA', member: 'BH-2024-0001', serviceType: 'Loan', steps: [] },
  {
    borrower: 'UPERTIS',
    member: 'UPI-2201001',
    serviceType: 'Loan',
    steps: [{ side: 'lender', action: 'willSupply' }],
  },
  {
    borrower: 'UINMY',
    member: 'UIN-2301045',
    serviceType: 'Loan',
    steps: [{ side: 'lender', action: 'ship', body: { note: 'dikirim lewat kurir POS' } }],
  },
  {
    borrower: 'BUNGHATTA',
    member: 'BH-2024-0002',
    serviceType: 'Loan',
    steps: [
      { side: 'lender', action: 'ship' },
      { side: 'borrower', action: 'receive' },
      { side: 'borrower', action: 'renew', body: { note: 'anggota masih memerlukan untuk skripsi' } },
    ],
  },
  {
    borrower: 'PAYAKUMBUH',
    member: 'PYK-0001',
    serviceType: 'Loan',
    steps: [
      { side: 'lender', action: 'ship' },
      { side: 'borrower', action: 'receive' },
      { side: 'borrower', action: 'return' },
      { side: 'lender', action: 'checkIn' },
    ],
  },
  {
    borrower: 'UPERTIS',
    member: 'UPI-D-0042',
    serviceType: 'Copy',
    steps: [{ side: 'lender', action: 'deliverCopy', body: { note: 'salinan dikirim lewat pos' } }],
  },
  {
    borrower: 'SAWAHLUNTO',
    member: 'SWL-0001',
    serviceType: 'Loan',
    steps: [{ side: 'lender', action: 'unfilled', body: { reason: 'NotOnShelf', note: 'tidak ditemukan di rak' } }],
  },
];

/** Titles a library does not hold and at least one other ILL-lending library has on the shelf. */
async function titleFor(db: Db, borrowerId: number, used: Set<number>): Promise<number | null> {
  const rows = await sql<{ cluster_id: number }>`
    select i.cluster_id from items i join libraries l on l.id = i.library_id
    where i.cluster_id is not null and i.status = 'available' and i.loanable
      and l.id <> ${borrowerId} and 'ill_lending' = any(l.services) and not l.lending_paused
      and not exists (select 1 from items b where b.cluster_id = i.cluster_id and b.library_id = ${borrowerId})
    group by i.cluster_id having count(distinct i.library_id) >= 1
    order by count(distinct i.library_id) desc, i.cluster_id
    limit 50`.execute(db);
  const hit = rows.rows.find((r) => !used.has(Number(r.cluster_id)));
  return hit ? Number(hit.cluster_id) : null;
}

const STAFF_OF: Record<string, string> = {
  BUNGHATTA: 'pustakawan.bunghatta',
  SAWAHLUNTO: 'pustakawan.sawahlunto',
  PAYAKUMBUH: 'pustakawan.payakumbuh',
  UPERTIS: 'pustakawan.upertis',
  UINMY: 'pustakawan.uinmy',
  PERPUSNAS: 'admin.perpusnas',
};

export async function seedIllDemo(db: Db): Promise<number> {
  const used = new Set<number>();
  let made = 0;
  for (const sc of SCENARIOS) {
    const borrower = await staffActor(db, STAFF_OF[sc.borrower] ?? '');
    const patron = await db
      .selectFrom('patrons as p')
      .innerJoin('libraries as l', 'l.id', 'p.library_id')
      .select('p.id')
      .where('p.member_number', '=', sc.member)
      .where('l.code', '=', sc.borrower)
      .executeTakeFirst();
    if (!borrower?.libraryId || !patron) continue;
    const clusterId = await titleFor(db, borrower.libraryId, used);
    if (clusterId === null) continue;
    used.add(clusterId);
    const id = await createRequest(db, borrower, {
      patronId: patron.id,
      clusterId,
      serviceType: sc.serviceType,
      ...(sc.serviceType === 'Copy'
        ? {
            copyDelivery: 'paper' as const,
            citation: { pages: '1-12' },
            copyrightDeclaration: { accepted: true as const },
          }
        : {}),
      note: 'Contoh permintaan (data demo)',
      send: true,
    });
    made++;
    for (const step of sc.steps) {
      const cur = await db
        .selectFrom('ill_rota as c')
        .innerJoin('libraries as l', 'l.id', 'c.lender_library_id')
        .innerJoin('ill_supplier_requests as s', 's.rota_id', 'c.id')
        .select(['l.code', 's.id'])
        .where('c.request_id', '=', id)
        .where('c.status', '=', 'current')
        .executeTakeFirst();
      if (step.side === 'borrower') {
        await borrowerAction(db, borrower, id, step.action, step.body ?? {});
      } else {
        const lender = cur ? await staffActor(db, STAFF_OF[cur.code] ?? '') : null;
        if (!cur || !lender) break;
        await lenderAction(db, lender, cur.id, step.action, step.body ?? {});
      }
    }
  }
  return made;
}
