import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeMail, type Mail, type MailSimpul, startMailSimpul } from '../../test/mail-support.ts';
import type { Agent, TestSimpul } from '../../test/support.ts';
import { loadConfig } from '../platform/config.ts';
import type { DbOrTrx } from '../platform/db.ts';
import { runAgreementReminders } from '../programs/agreements.ts';
import { configureMail, EMAIL_JOB } from './mail.ts';
import { notify } from './notify.ts';

let m: MailSimpul;
let s: TestSimpul;
let inbox: Mail[];
let upiLib: Agent;
let upiAdmin: Agent;
let intan: Agent;

async function userId(username: string, db: DbOrTrx = s.ctx.database.db): Promise<number> {
  const u = await db.selectFrom('staff_users').select('id').where('username', '=', username).executeTakeFirstOrThrow();
  return u.id;
}

const decode = decodeMail;
const deliverAll = () => m.deliverAll();

beforeAll(async () => {
  m = await startMailSimpul('Simpul Uji <simpul@uji.example>');
  s = m.s;
  inbox = m.sink.inbox;
  const db = s.ctx.database.db;
  await db
    .updateTable('staff_users')
    .set({ email: 'andika@upertis.example' })
    .where('username', '=', 'pustakawan.upertis')
    .execute();
  await db
    .updateTable('staff_users')
    .set({ email: 'rini@upertis.example', language: 'en' })
    .where('username', '=', 'admin.upertis')
    .execute();
  await db
    .updateTable('patrons')
    .set({ email: 'intan@mahasiswa.example' })
    .where('member_number', '=', 'UPI-2201001')
    .execute();
  [upiLib, upiAdmin] = await Promise.all([s.as('pustakawan.upertis'), s.as('admin.upertis')]);
  intan = await s.asPatron('UPERTIS', 'UPI-2201001');
});
afterAll(async () => m?.stop());

describe('notify()', () => {
  it('stores a notification for every staff member of a library and e-mails those with an address', async () => {
    const ids = await s.ctx.database.db.transaction().execute(async (trx) =>
      notify(trx, {
        to: {
          libraryId: (
            await trx.selectFrom('libraries').select('id').where('code', '=', 'UPERTIS').executeTakeFirstOrThrow()
          ).id,
        },
        kind: 'test.library',
        subject: { id: 'Rapat forum besok', en: 'Forum meeting tomorrow' },
        body: { id: 'Rapat forum silang layan besok pukul 09.00.', en: 'The visiting-card forum meets tomorrow at 9.' },
        link: '/programs',
      }),
    );
    expect(ids).toHaveLength(2);
    inbox.length = 0;
    await deliverAll();
    expect(inbox.map((m) => m.to[0]).sort()).toEqual(['andika@upertis.example', 'rini@upertis.example']);
    const andika = inbox.find((m) => m.to[0] === 'andika@upertis.example');
    const rini = inbox.find((m) => m.to[0] === 'rini@upertis.example');
    // Each in their own language; the link made absolute.
    expect(decode(andika?.raw ?? '')).toContain('Subject: Rapat forum besok');
    expect(decode(andika?.raw ?? '')).toContain('https://simpul.uji.example/programs');
    expect(decode(rini?.raw ?? '')).toContain('Subject: Forum meeting tomorrow');
    expect(andika?.from).toBe('simpul@uji.example');
    const rows = await s.ctx.database.db
      .selectFrom('notifications')
      .select('email_status')
      .where('id', 'in', ids)
      .execute();
    expect(rows.every((r) => r.email_status === 'sent')).toBe(true);
  });

  it('retries an e-mail the server refuses at first', async () => {
    inbox.length = 0;
    m.sink.refused = 0;
    m.sink.refuseNext = 2;
    const [id] = await s.ctx.database.db.transaction().execute(async (trx) =>
      notify(trx, {
        to: {
          patronId: (
            await trx
              .selectFrom('patrons')
              .select('id')
              .where('member_number', '=', 'UPI-2201001')
              .executeTakeFirstOrThrow()
          ).id,
        },
        kind: 'test.patron',
        subject: { id: 'Kartu Anda siap', en: 'Your card is ready' },
        body: { id: 'Kartu kunjungan Anda dapat diambil.', en: 'Your visiting card can be collected.' },
      }),
    );
    await deliverAll();
    expect(m.sink.refused).toBe(2);
    expect(inbox).toHaveLength(1);
    // Patrons read Indonesian unless they chose English.
    expect(decode(inbox[0]?.raw ?? '')).toContain('Subject: Kartu Anda siap');
    expect(inbox[0]?.to).toEqual(['intan@mahasiswa.example']);
    const job = await s.ctx.database.db
      .selectFrom('jobs')
      .select(['status', 'attempts', 'last_error'])
      .where('unique_key', '=', `${EMAIL_JOB}:${id}`)
      .executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: 'done', attempts: 3 });
    expect(job.last_error).toMatch(/busy/);
    const n = await s.ctx.database.db
      .selectFrom('notifications')
      .select(['email_status', 'emailed_at'])
      .where('id', '=', id ?? 0)
      .executeTakeFirstOrThrow();
    expect(n.email_status).toBe('sent');
  });

  it('is rolled back with the change it belongs to', async () => {
    const before = await s.ctx.database.db.selectFrom('notifications').select('id').execute();
    await expect(
      s.ctx.database.db.transaction().execute(async (trx) => {
        await notify(trx, {
          to: { userId: await userId('pustakawan.upertis', trx) },
          kind: 'test.rollback',
          subject: { id: 'x', en: 'x' },
          body: { id: 'x', en: 'x' },
        });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow(/change failed/);
    expect(await s.ctx.database.db.selectFrom('notifications').select('id').execute()).toHaveLength(before.length);
    expect(
      await s.ctx.database.db
        .selectFrom('jobs')
        .select('id')
        .where('kind', '=', EMAIL_JOB)
        .where('status', '=', 'queued')
        .execute(),
    ).toHaveLength(0);
  });

  it('queues no e-mail when SMTP is not configured', async () => {
    expect(loadConfig({ SIMPUL_DATA_DIR: s.dataDir }).smtpUrl).toBeUndefined();
    configureMail({ smtpUrl: undefined, mailFrom: 'x', publicUrl: undefined });
    try {
      inbox.length = 0;
      const jobsBefore = await s.ctx.database.db
        .selectFrom('jobs')
        .select('id')
        .where('kind', '=', EMAIL_JOB)
        .execute();
      const [id] = await s.ctx.database.db.transaction().execute(async (trx) =>
        notify(trx, {
          to: { userId: await userId('pustakawan.upertis', trx) },
          kind: 'test.nomail',
          subject: { id: 'Tanpa surel', en: 'No e-mail' },
          body: { id: 'Hanya di aplikasi.', en: 'Only in the app.' },
        }),
      );
      await deliverAll();
      expect(inbox).toHaveLength(0);
      const jobsAfter = await s.ctx.database.db.selectFrom('jobs').select('id').where('kind', '=', EMAIL_JOB).execute();
      expect(jobsAfter).toHaveLength(jobsBefore.length);
      const n = await s.ctx.database.db
        .selectFrom('notifications')
        .select('email_status')
        .where('id', '=', id ?? 0)
        .executeTakeFirstOrThrow();
      expect(n.email_status).toBe('none');
    } finally {
      configureMail(s.ctx.config);
    }
  });
});

describe('the inbox', () => {
  it('shows each staff member and patron only their own notifications', async () => {
    const mine = await upiLib.get('/api/v1/notifications');
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((n: { kind: string }) => n.kind)).toEqual(['test.nomail', 'test.library']);
    expect(mine.body.unread).toBe(2);
    const admin = await upiAdmin.get('/api/v1/notifications');
    expect(admin.body.items.map((n: { kind: string }) => n.kind)).toEqual(['test.library']);
    const patron = await intan.get('/api/v1/me/notifications');
    expect(patron.body.items.map((n: { kind: string }) => n.kind)).toEqual(['test.patron']);
    expect(patron.body.items[0].subject).toEqual({ id: 'Kartu Anda siap', en: 'Your card is ready' });
    const other = await (await s.as('pustakawan.uinmy')).get('/api/v1/notifications');
    expect(other.body.items).toEqual([]);
    // Staff have no patron inbox and patrons no staff inbox.
    expect((await upiLib.get('/api/v1/me/notifications')).status).toBe(403);
    expect((await intan.get('/api/v1/notifications')).status).toBe(401);
    expect((await s.anonymous.get('/api/v1/notifications/unread-count')).status).toBe(401);
  });

  it('marks one read, counts the unread, refuses someone else’s', async () => {
    const list = await upiLib.get('/api/v1/notifications?unread=true');
    const first = list.body.items[0].id as number;
    const adminOwn = (await upiAdmin.get('/api/v1/notifications')).body.items[0].id as number;
    expect((await upiLib.post(`/api/v1/notifications/${adminOwn}/read`)).status).toBe(404);
    expect((await intan.post(`/api/v1/me/notifications/${first}/read`)).status).toBe(404);
    const r = await upiLib.post(`/api/v1/notifications/${first}/read`);
    expect(r.status).toBe(200);
    expect(r.body.unread).toBe(1);
    expect((await upiLib.get('/api/v1/notifications/unread-count')).body.unread).toBe(1);
    expect((await upiAdmin.get('/api/v1/notifications/unread-count')).body.unread).toBe(1);
    expect((await upiLib.post(`/api/v1/notifications/${first}/read`)).body.unread).toBe(1);
    const all = await upiLib.post('/api/v1/notifications/read-all');
    expect(all.body).toEqual({ updated: 1, unread: 0 });
    expect((await upiLib.get('/api/v1/notifications?unread=true')).body.items).toEqual([]);
    const p = await intan.get('/api/v1/me/notifications/unread-count');
    expect(p.body.unread).toBe(1);
  });
});

describe('agreement reminders notify the parties', () => {
  it('tells every staff member of the party libraries once, 90 days before the end', async () => {
    const db = s.ctx.database.db;
    const forum = await db
      .selectFrom('agreements')
      .select(['id', 'title'])
      .where('title', 'like', 'Kesepakatan Silang Layan Forum%')
      .executeTakeFirstOrThrow();
    const fired = await runAgreementReminders(db, '2027-06-02');
    expect(fired).toContainEqual({ agreementId: forum.id, daysBefore: 90, endsOn: '2027-08-31' });
    const again = await runAgreementReminders(db, '2027-06-02');
    expect(again).toEqual([]);
    const rows = await db
      .selectFrom('notifications as n')
      .innerJoin('staff_users as u', 'u.id', 'n.recipient_user_id')
      .innerJoin('libraries as l', 'l.id', 'u.library_id')
      .select(['u.username', 'l.code', 'n.link', 'n.subject_id'])
      .where('n.kind', '=', 'agreement.reminder')
      .where('n.link', '=', `/programs/agreements/${forum.id}`)
      .execute();
    expect(rows.map((r) => r.username).sort()).toEqual([
      'admin.uinmy',
      'admin.upertis',
      'pustakawan.uinmy',
      'pustakawan.upertis',
    ]);
    expect(rows[0]?.subject_id).toContain('90 hari');
    inbox.length = 0;
    await deliverAll();
    const toRini = inbox.filter((m) => m.to[0] === 'rini@upertis.example');
    expect(toRini.some((m) => decode(m.raw).includes('(in 90 days)'))).toBe(true);
    const list = await upiAdmin.get('/api/v1/notifications?unread=true');
    expect(
      list.body.items.some(
        (n: { kind: string; link: string }) =>
          n.kind === 'agreement.reminder' && n.link === `/programs/agreements/${forum.id}`,
      ),
    ).toBe(true);
  });
});
