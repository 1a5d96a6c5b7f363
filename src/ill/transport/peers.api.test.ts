import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, startTestSimpul, type TestSimpul } from '../../../test/support.ts';

let s: TestSimpul;
let coord: Agent;

const OUT_SECRET = 'keluar-rahasia-0123456789abcdef';
const IN_SECRET = 'masuk-rahasia-0123456789abcdefgh';

beforeAll(async () => {
  s = await startTestSimpul();
  coord = await s.as('koordinator');
  const lib = await coord.post('/api/v1/libraries', {
    code: 'JKT-UI',
    name: 'Perpustakaan Universitas Indonesia (node Jakarta)',
    type: 'university',
    networkCode: 'SUMBAR',
  });
  expect(lib.status).toBe(201);
});
afterAll(async () => {
  await s?.stop();
});

const peerBody = (over: Record<string, unknown> = {}) => ({
  name: 'Simpul Jakarta',
  library: 'JKT-UI',
  agencyId: { type: 'ISIL', value: 'ID-JKUI' },
  endpointUrl: 'https://simpul.jakarta.example/iso18626',
  outboundAccountId: 'sumbar',
  outboundSecret: OUT_SECRET,
  inboundAccountId: 'jakarta',
  ...over,
});

describe('ISO 18626 peers', () => {
  let peerId: number;

  it('lets the network coordinator register a peer, showing the made inbound secret once and never again', async () => {
    const r = await coord.post('/api/v1/ill/peers', peerBody());
    expect(r.status).toBe(201);
    expect(r.body.inboundSecret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(r.body.peer).toMatchObject({
      name: 'Simpul Jakarta',
      library: { code: 'JKT-UI' },
      agencyId: { type: 'ISIL', value: 'ID-JKUI' },
      outboundAccountId: 'sumbar',
      outboundSecretSet: true,
      inboundAccountId: 'jakarta',
      inboundSecretSet: true,
      active: true,
      messages: { pending: 0, failed: 0, rejected: 0 },
    });
    peerId = r.body.peer.id;
    const again = await coord.get(`/api/v1/ill/peers/${peerId}`);
    expect(JSON.stringify(again.body)).not.toContain(r.body.inboundSecret);
    expect(JSON.stringify(again.body)).not.toContain(OUT_SECRET);
    const list = await coord.get('/api/v1/ill/peers');
    expect(list.body.items.map((p: { id: number }) => p.id)).toEqual([peerId]);
  });

  it('keeps the inbound secret only hashed and the outbound one only encrypted, in the table and in the audit log', async () => {
    const row = await s.ctx.database.db
      .selectFrom('ill_peers')
      .selectAll()
      .where('id', '=', peerId)
      .executeTakeFirstOrThrow();
    expect(row.outbound_secret_cipher).not.toContain(OUT_SECRET);
    expect(s.ctx.protector.decrypt(row.outbound_secret_cipher ?? '')).toBe(OUT_SECRET);
    expect(row.inbound_secret_hash).toMatch(/^[0-9a-f]{64}$/);
    const audit = await s.ctx.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity', '=', 'ill_peer')
      .where('entity_id', '=', String(peerId))
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['create']);
    expect(audit[0]?.after).toMatchObject({
      agencyId: 'ISIL:ID-JKUI',
      outboundSecretSet: true,
      inboundSecretSet: true,
    });
    expect(JSON.stringify(audit)).not.toContain(OUT_SECRET);
    expect(JSON.stringify(audit)).not.toContain(row.outbound_secret_cipher);
  });

  it('refuses a second peer for the same library, agency id or account', async () => {
    await coord.post('/api/v1/libraries', { code: 'JKT-ITB', name: 'ITB', type: 'university', networkCode: 'SUMBAR' });
    const sameLib = await coord.post(
      '/api/v1/ill/peers',
      peerBody({ agencyId: { type: 'ISIL', value: 'X' }, inboundAccountId: 'x' }),
    );
    expect(sameLib.status).toBe(409);
    expect(sameLib.body.error.code).toBe('peer_library_taken');
    const sameAgency = await coord.post(
      '/api/v1/ill/peers',
      peerBody({ library: 'JKT-ITB', agencyId: { type: 'isil', value: 'ID-JKUI' }, inboundAccountId: 'itb' }),
    );
    expect(sameAgency.status).toBe(409);
    expect(sameAgency.body.error.code).toBe('agency_taken');
    expect(sameAgency.body.error.message.id).toContain('ID-JKUI');
    const sameAccount = await coord.post(
      '/api/v1/ill/peers',
      peerBody({ library: 'JKT-ITB', agencyId: { type: 'ISIL', value: 'ID-ITB' } }),
    );
    expect(sameAccount.status).toBe(409);
    expect(sameAccount.body.error.code).toBe('peer_account_taken');
    // A local library's own default agency id (SIMPUL:<code>) cannot be handed to a peer.
    const local = await coord.post(
      '/api/v1/ill/peers',
      peerBody({ library: 'JKT-ITB', agencyId: { type: 'SIMPUL', value: 'BUNGHATTA' }, inboundAccountId: 'itb' }),
    );
    expect(local.status).toBe(409);
  });

  it('checks the address, the secrets and the outbound pair with bilingual field errors', async () => {
    const bad = [
      peerBody({
        library: 'JKT-ITB',
        agencyId: { type: 'ISIL', value: 'ID-ITB' },
        inboundAccountId: 'itb',
        endpointUrl: 'ftp://itb.example/x',
      }),
      peerBody({
        library: 'JKT-ITB',
        agencyId: { type: 'ISIL', value: 'ID-ITB' },
        inboundAccountId: 'itb',
        inboundSecret: 'pendek',
      }),
      peerBody({
        library: 'JKT-ITB',
        agencyId: { type: 'ISIL', value: 'ID-ITB' },
        inboundAccountId: 'itb',
        outboundSecret: null,
      }),
    ];
    const fields = [];
    for (const b of bad) {
      const r = await coord.post('/api/v1/ill/peers', b);
      expect(r.status).toBe(400);
      expect(r.body.error.details.fields[0].message.id).toBeTruthy();
      fields.push(r.body.error.details.fields[0].field);
    }
    expect(fields).toEqual(['endpointUrl', 'inboundSecret', 'outboundSecret']);
    expect((await coord.post('/api/v1/ill/peers', { name: 'x' })).status).toBe(400);
    const none = await s.ctx.database.db.selectFrom('ill_peers').select('id').execute();
    expect(none).toHaveLength(1);
  });

  it('lets library administrators read peers, and only the coordinator change them; librarians see nothing', async () => {
    const admin = await s.as('admin.bunghatta');
    expect((await admin.get('/api/v1/ill/peers')).status).toBe(200);
    expect((await admin.patch(`/api/v1/ill/peers/${peerId}`, { active: false })).status).toBe(403);
    expect((await admin.post(`/api/v1/ill/peers/${peerId}/inbound-secret`, {})).status).toBe(403);
    expect(
      (
        await admin.post(
          '/api/v1/ill/peers',
          peerBody({ library: 'JKT-ITB', agencyId: { type: 'ISIL', value: 'ID-ITB' }, inboundAccountId: 'itb' }),
        )
      ).status,
    ).toBe(403);
    const librarian = await s.as('pustakawan.bunghatta');
    expect((await librarian.get('/api/v1/ill/peers')).status).toBe(403);
    expect((await librarian.get(`/api/v1/ill/peers/${peerId}`)).status).toBe(403);
    expect((await s.anonymous.get('/api/v1/ill/peers')).status).toBe(401);
  });

  it('changes a peer and records before and after without secrets; a new outbound secret is noted as changed', async () => {
    const r = await coord.patch(`/api/v1/ill/peers/${peerId}`, {
      endpointUrl: 'https://ill.jakarta.example/iso18626',
      outboundSecret: 'rahasia-baru-0123456789abcdef',
      timeoutMs: 5000,
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      endpointUrl: 'https://ill.jakarta.example/iso18626',
      timeoutMs: 5000,
      outboundSecretSet: true,
    });
    const last = await s.ctx.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity', '=', 'ill_peer')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(last.action).toBe('update');
    expect(last.before).toMatchObject({ endpointUrl: 'https://simpul.jakarta.example/iso18626', timeoutMs: 15000 });
    expect(last.after).toMatchObject({
      endpointUrl: 'https://ill.jakarta.example/iso18626',
      outboundSecretChanged: true,
    });
    expect(JSON.stringify(last)).not.toContain('rahasia-baru');
    // Clearing only half of the outbound pair is refused.
    const half = await coord.patch(`/api/v1/ill/peers/${peerId}`, { outboundAccountId: null });
    expect(half.status).toBe(400);
    expect((await coord.patch('/api/v1/ill/peers/9999', { active: false })).status).toBe(404);
  });

  it('rotates the inbound secret: a given one if long enough, else a made one, shown once', async () => {
    const before = await s.ctx.database.db
      .selectFrom('ill_peers')
      .select('inbound_secret_hash')
      .where('id', '=', peerId)
      .executeTakeFirstOrThrow();
    expect((await coord.post(`/api/v1/ill/peers/${peerId}/inbound-secret`, { inboundSecret: 'kurang' })).status).toBe(
      400,
    );
    const r = await coord.post(`/api/v1/ill/peers/${peerId}/inbound-secret`, { inboundSecret: IN_SECRET });
    expect(r.body.inboundSecret).toBe(IN_SECRET);
    const after = await s.ctx.database.db
      .selectFrom('ill_peers')
      .select('inbound_secret_hash')
      .where('id', '=', peerId)
      .executeTakeFirstOrThrow();
    expect(after.inbound_secret_hash).not.toBe(before.inbound_secret_hash);
    const made = await coord.post(`/api/v1/ill/peers/${peerId}/inbound-secret`, {});
    expect(made.body.inboundSecret).not.toBe(IN_SECRET);
  });
});

describe('agency ids of our own libraries', () => {
  it('answers SIMPUL:<code> until the administrator sets another, and only she may', async () => {
    expect((await s.anonymous.get('/api/v1/libraries/BUNGHATTA/ill-agency')).body).toEqual({
      type: 'SIMPUL',
      value: 'BUNGHATTA',
    });
    const librarian = await s.as('pustakawan.bunghatta');
    expect(
      (await librarian.put('/api/v1/libraries/BUNGHATTA/ill-agency', { type: 'ISIL', value: 'ID-PDGBH' })).status,
    ).toBe(403);
    const otherAdmin = await s.as('admin.payakumbuh');
    expect(
      (await otherAdmin.put('/api/v1/libraries/BUNGHATTA/ill-agency', { type: 'ISIL', value: 'ID-PDGBH' })).status,
    ).toBe(403);
    const admin = await s.as('admin.bunghatta');
    const r = await admin.put('/api/v1/libraries/BUNGHATTA/ill-agency', { type: 'ISIL', value: 'ID-PDGBH' });
    expect(r.status).toBe(200);
    expect((await s.anonymous.get('/api/v1/libraries/BUNGHATTA/ill-agency')).body).toEqual({
      type: 'ISIL',
      value: 'ID-PDGBH',
    });
    // A peer's agency id is not free for a local library.
    const taken = await admin.put('/api/v1/libraries/BUNGHATTA/ill-agency', { type: 'ISIL', value: 'ID-JKUI' });
    expect(taken.status).toBe(409);
    expect((await s.anonymous.get('/api/v1/libraries/NOPE/ill-agency')).status).toBe(404);
  });
});
