import { type Actor, systemActor } from '../platform/actor.ts';
import { audit } from '../platform/audit.ts';
import type { Db, Trx } from '../platform/db.ts';
import { addDays, todayIso } from './dates.ts';

/**
 * Demo exchange and redistribution: what Bung Hatta and Sawahlunto publish
 * and trade under their 1:1 agreement (a yearly report received, the next
 * year's booked, one agreed and due soon), and Payakumbuh's surplus of its
 * own publications claimed by a school. Dates follow the day of seeding so
 * the calendar always has something coming.
 */

interface DemoOffer {
  library: string;
  title: string;
  author?: string;
  year: number;
  frequency: 'once' | 'yearly' | 'semiannual';
  copies: number;
  note?: string;
}

const OFFERS: DemoOffer[] = [
  {
    library: 'SAWAHLUNTO',
    title: 'Laporan Tahunan Dinas Perpustakaan dan Kearsipan Kota Sawahlunto',
    author: 'Dinas Perpustakaan dan Kearsipan Kota Sawahlunto',
    year: 2025,
    frequency: 'yearly',
    copies: 10,
    note: 'Terbit setiap Maret; tidak diperjualbelikan.',
  },
  {
    library: 'SAWAHLUNTO',
    title: 'Sawahlunto: Kota Tambang Warisan Dunia',
    author: 'Pemerintah Kota Sawahlunto',
    year: 2024,
    frequency: 'once',
    copies: 6,
  },
  {
    library: 'BUNGHATTA',
    title: 'Katalog Pameran Koleksi Pribadi Bung Hatta',
    author: 'UPT Perpustakaan Proklamator Bung Hatta',
    year: 2025,
    frequency: 'once',
    copies: 8,
  },
  {
    library: 'BUNGHATTA',
    title: 'Jurnal Pustaka Proklamator',
    author: 'UPT Perpustakaan Proklamator Bung Hatta',
    year: 2025,
    frequency: 'semiannual',
    copies: 12,
  },
  {
    library: 'UINMY',
    title: 'Al-Fikrah: Jurnal Studi Islam',
    author: 'UIN Mahmud Yunus Batusangkar',
    year: 2025,
    frequency: 'semiannual',
    copies: 5,
  },
];

export async function seedExchangeDemo(trx: Trx, actor: Actor, id: (code: string) => number): Promise<void> {
  const today = todayIso();
  const offerIds: number[] = [];
  for (const o of OFFERS) {
    const row = await trx
      .insertInto('exchange_offers')
      .values({
        library_id: id(o.library),
        title: o.title,
        author: o.author ?? null,
        year: o.year,
        frequency: o.frequency,
        copies_available: o.copies,
        note: o.note ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    offerIds.push(row.id);
  }
  const agreement = await trx
    .selectFrom('agreements')
    .select('id')
    .where('number', '=', 'PKS/45/3.1/PNRI/III/2025')
    .executeTakeFirst();
  const [report, , katalog, jurnal] = offerIds as [number, number, number, number, number];
  const base = {
    agreement_id: agreement?.id ?? null,
    note: null,
    created_by: null,
  };
  const received = await trx
    .insertInto('exchange_requests')
    .values({
      ...base,
      offer_id: report,
      supplier_library_id: id('SAWAHLUNTO'),
      requester_library_id: id('BUNGHATTA'),
      period: 2025,
      copies: 2,
      status: 'received',
      yearly: true,
      due_on: '2026-03-31',
      requested_at: new Date('2026-02-02T03:00:00Z'),
      agreed_at: new Date('2026-02-05T03:00:00Z'),
      shipped_on: '2026-03-16',
      received_on: '2026-03-20',
      copies_received: 2,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('exchange_requests')
    .values([
      {
        ...base,
        offer_id: report,
        supplier_library_id: id('SAWAHLUNTO'),
        requester_library_id: id('BUNGHATTA'),
        period: 2026,
        copies: 2,
        status: 'requested',
        yearly: true,
        due_on: '2027-03-31',
        renews_id: received.id,
      },
      {
        ...base,
        offer_id: katalog,
        supplier_library_id: id('BUNGHATTA'),
        requester_library_id: id('SAWAHLUNTO'),
        period: 2025,
        copies: 1,
        status: 'agreed',
        due_on: addDays(today, 14),
        agreed_at: new Date(),
      },
      {
        ...base,
        offer_id: jurnal,
        supplier_library_id: id('BUNGHATTA'),
        requester_library_id: id('SAWAHLUNTO'),
        period: 2025,
        copies: 1,
        status: 'requested',
        note: 'Mohon kedua nomor tahun 2025.',
      },
    ])
    .execute();
  await trx
    .updateTable('exchange_offers')
    .set({ copies_available: 8 - 1 })
    .where('id', '=', katalog)
    .execute();

  // Payakumbuh's own surplus publications, typed in (not catalogued), one claimed by a school.
  const list = await trx
    .insertInto('redistribution_lists')
    .values({
      library_id: id('PAYAKUMBUH'),
      title: 'Kelebihan terbitan daerah 2024',
      note: 'Diambil di perpustakaan atau dikirim bersama perpustakaan keliling.',
      status: 'published',
      allocation_rule: 'first_come',
      claims_until: addDays(today, 45),
      published_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const lines = await trx
    .insertInto('redistribution_lines')
    .values([
      {
        list_id: list.id,
        title: 'Profil Kota Payakumbuh 2024',
        author: 'Pemerintah Kota Payakumbuh',
        year: 2024,
        copies: 20,
        condition: 'new',
        reason: 'surplus',
      },
      {
        list_id: list.id,
        title: 'Kota Payakumbuh dalam Angka 2023',
        author: 'BPS Kota Payakumbuh',
        year: 2023,
        copies: 5,
        condition: 'good',
        reason: 'surplus',
      },
    ])
    .returning('id')
    .execute();
  await trx
    .insertInto('redistribution_claims')
    .values({ line_id: lines[0]?.id as number, library_id: id('SDN03-PYK'), copies: 5, status: 'claimed' })
    .execute();
  await audit(trx, actor, {
    action: 'seed',
    entity: 'exchange',
    entityId: null,
    libraryId: null,
    after: { offers: OFFERS.length, requests: 4, redistributionLists: 1 },
  });
}

/**
 * Bung Hatta's duplicates, from its catalogued holdings: runs after the demo
 * catalog is loaded (items exist only then), claimed by a library holding no
 * copy and one that does, so the priority rule has something to decide.
 */
export async function seedRedistributionDemo(db: Db): Promise<void> {
  const bh = await db.selectFrom('libraries').select('id').where('code', '=', 'BUNGHATTA').executeTakeFirst();
  if (!bh) return;
  const pick = async (title: string, n: number) =>
    db
      .selectFrom('items as i')
      .innerJoin('clusters as c', 'c.id', 'i.cluster_id')
      .select(['i.id', 'i.cluster_id', 'c.title', 'c.year'])
      .where('i.library_id', '=', bh.id)
      .where('i.status', '=', 'available')
      .where('c.title', '=', title)
      .orderBy('i.id', 'desc')
      .limit(n)
      .execute();
  const items = [...(await pick('Memoir Mohammad Hatta', 2)), ...(await pick('Tenggelamnya Kapal Van der Wijck', 1))];
  if (!items.length) return;
  const libs = new Map((await db.selectFrom('libraries').select(['id', 'code']).execute()).map((l) => [l.code, l.id]));
  await db.transaction().execute(async (trx) => {
    const list = await trx
      .insertInto('redistribution_lists')
      .values({
        library_id: bh.id,
        title: 'Koleksi ganda hasil inventarisasi 2026',
        note: 'Eksemplar ganda dalam kondisi baik; prioritas untuk perpustakaan yang belum memiliki judulnya.',
        status: 'published',
        allocation_rule: 'no_copy_first',
        claims_until: addDays(todayIso(), 30),
        published_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const lines = await trx
      .insertInto('redistribution_lines')
      .values(
        items.map((i) => ({
          list_id: list.id,
          item_id: i.id,
          cluster_id: i.cluster_id,
          title: i.title,
          year: i.year,
          condition: 'good' as const,
          reason: 'duplicate' as const,
        })),
      )
      .returning(['id', 'title'])
      .execute();
    const memoir = lines.find((l) => l.title === 'Memoir Mohammad Hatta');
    const claims = [
      memoir && libs.get('PAYAKUMBUH') ? { line_id: memoir.id, library_id: libs.get('PAYAKUMBUH') as number } : null,
      memoir && libs.get('SAWAHLUNTO')
        ? { line_id: memoir.id, library_id: libs.get('SAWAHLUNTO') as number, held_copy: true }
        : null,
    ].filter((c): c is NonNullable<typeof c> => c !== null);
    if (claims.length)
      await trx
        .insertInto('redistribution_claims')
        .values(claims.map((c) => ({ ...c, status: 'claimed' as const })))
        .execute();
    await audit(trx, systemActor('demo'), {
      action: 'seed',
      entity: 'redistribution_list',
      entityId: list.id,
      libraryId: bh.id,
      after: { lines: lines.length },
    });
  });
}
