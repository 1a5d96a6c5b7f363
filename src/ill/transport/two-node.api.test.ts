import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemStatus, patronId, titleHeldBy } from '../../../test/ill-support.ts';
import { type Agent, startTestSimpul, type TestSimpul } from '../../../test/support.ts';
import { parseMessage } from '../iso18626/parse.ts';
import { runOverdue } from '../jobs.ts';

/**
 * Two Simpul nodes on loopback, each the other's ISO 18626 peer. Node A's
 * Bung Hatta library borrows from Payakumbuh, a library of node B that node A
 * knows as the directory library NODEB-PYK (its holdings in A's union catalog).
 * Every message between them is real HTTP to the other's /iso18626.
 */
let A: TestSimpul;
let B: TestSimpul;
let bh: Agent; // borrower staff on A
let pyk: Agent; // lender staff on B
let fadli: number;
const SECRET_A = 'node-a-kirim-0123456789abcdef';
const SECRET_B = 'node-b-kirim-0123456789abcdef';

async function pendingSends(s: TestSimpul): Promise<number> {
  const rows = await s.ctx.database.db
    .selectFrom('jobs')
    .select('id')
    .where('kind', '=', 'ill.outbox')
    .where('status', 'in', ['queued', 'running'])
    .execute();
  return rows.length;
}

/** Runs both nodes' outboxes until neither has anything left to send. */
async function exchange(): Promise<void> {
  for (let round = 0; round < 20; round++) {
    await A.jobs.drain();
    await B.jobs.drain();
    if ((await pendingSends(A)) === 0 && (await pendingSends(B)) === 0) return;
  }
  throw new Error('the nodes kept sending');
}

async function peerSetup(
  s: TestSimpul,
  remote: { code: string; name: string; agency: string; url: string },
  creds: { out: string; outSecret: string; in: string; inSecret: string },
) {
  const coord = await s.as('koordinator');
  const lib = await coord.post('/api/v1/libraries', {
    code: remote.code,
    name: remote.name,
    type: 'public',
    networkCode: 'SUMBAR',
    services: ['ill_lending', 'ill_borrowing'],
  });
  expect(lib.status).toBe(201);
  const peer = await coord.post('/api/v1/ill/peers', {
    name: remote.name,
    library: remote.code,
    agencyId: { type: 'ISIL', value: remote.agency },
    endpointUrl: remote.url,
    outboundAccountId: creds.out,
    outboundSecret: creds.outSecret,
    inboundAccountId: creds.in,
    inboundSecret: creds.inSecret,
  });
  expect(peer.status).toBe(201);
  return peer.body.peer.id as number;
}

async function messages(s: TestSimpul) {
  return s.ctx.database.db.selectFrom('ill_messages').selectAll().orderBy('id').execute();
}

beforeAll(async () => {
  A = await startTestSimpul();
  B = await startTestSimpul();
  const [baseA, baseB] = await Promise.all([
    A.app.listen({ port: 0, host: '127.0.0.1' }),
    B.app.listen({ port: 0, host: '127.0.0.1' }),
  ]);
  // Each node's own library answers to an ISIL, as real libraries do.
  expect(
    (
      await (
        await A.as('admin.bunghatta')
      ).put('/api/v1/libraries/BUNGHATTA/ill-agency', { type: 'ISIL', value: 'ID-BH' })
    ).status,
  ).toBe(200);
  expect(
    (
      await (
        await B.as('admin.payakumbuh')
      ).put('/api/v1/libraries/PAYAKUMBUH/ill-agency', { type: 'ISIL', value: 'ID-PYK' })
    ).status,
  ).toBe(200);
  await peerSetup(
    A,
    { code: 'NODEB-PYK', name: 'Payakumbuh (node B)', agency: 'ID-PYK', url: `${baseB}/iso18626` },
    { out: 'node-a', outSecret: SECRET_A, in: 'node-b', inSecret: SECRET_B },
  );
  await peerSetup(
    B,
    { code: 'NODEA-BH', name: 'Bung Hatta (node A)', agency: 'ID-BH', url: `${baseA}/iso18626` },
    { out: 'node-b', outSecret: SECRET_B, in: 'node-a', inSecret: SECRET_A },
  );
  bh = await A.as('pustakawan.bunghatta');
  pyk = await B.as('pustakawan.payakumbuh');
  fadli = await patronId(A, 'BH-2024-0001');
});
afterAll(async () => {
  await Promise.all([A?.stop(), B?.stop()]);
});

/** Node B's record of the request node A sent, found through its incoming queue. */
async function incomingAtB(title: string): Promise<number> {
  const q = await pyk.get('/api/v1/ill/incoming?status=open&pageSize=200');
  expect(q.status).toBe(200);
  const hit = q.body.items.find(
    (i: { title?: string; citation?: { title?: string } }) => (i.title ?? i.citation?.title) === title,
  );
  expect(hit, `B's incoming queue: ${JSON.stringify(q.body.items)}`).toBeDefined();
  return hit.id as number;
}

async function borrowerAt(id: number) {
  return (await bh.get(`/api/v1/ill/requests/${id}`)).body;
}

async function lenderAct(supId: number, action: string, body: Record<string, unknown> = {}) {
  const r = await pyk.post(`/api/v1/ill/supplier-requests/${supId}/actions/${action}`, body);
  expect(r.status, `${action}: ${JSON.stringify(r.body)}`).toBe(200);
  await exchange();
  return r.body;
}

async function borrowerAct(id: number, action: string, body: Record<string, unknown> = {}) {
  const r = await bh.post(`/api/v1/ill/requests/${id}/actions/${action}`, body);
  expect(r.status, `${action}: ${JSON.stringify(r.body)}`).toBe(200);
  await exchange();
  return r.body;
}

describe('ISO 18626 between two Simpul nodes', () => {
  it('runs a loan through request, will supply, shipped, received, renewal, overdue, return and completion', async () => {
    const title = 'Robohnya Surau Kami';
    const { clusterId } = await titleHeldBy(A, title, { 'NODEB-PYK': 1 });
    const atB = await titleHeldBy(B, title, { PAYAKUMBUH: 1 });
    const copy = atB.items.PAYAKUMBUH?.[0] as number;
    const created = await bh.post('/api/v1/ill/requests', {
      patronId: fadli,
      clusterId,
      serviceType: 'Loan',
      send: true,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.currentLender.code).toBe('NODEB-PYK');
    const id = created.body.id as number;
    // The Request waits in A's outbox until B has confirmed it.
    expect((await messages(A)).map((m) => [m.direction, m.kind, m.status])).toEqual([['out', 'request', 'pending']]);
    await exchange();
    expect((await messages(A))[0]?.status).toBe('confirmed');
    const supId = await incomingAtB(title);

    expect((await lenderAct(supId, 'willSupply')).state).toBe('WillSupply');
    expect((await borrowerAt(id)).state).toBe('WillSupply');
    // A's title id means nothing on B: it was not sent, so B's librarian picks the copy she ships.
    const received = (await messages(B)).find((m) => m.kind === 'request');
    expect(received?.xml).not.toContain('SIMPUL-CLUSTER');
    expect((await lenderAct(supId, 'ship', { itemId: copy })).state).toBe('Loaned');
    expect(await itemStatus(B, copy)).toBe('in_transit');
    let r = await borrowerAt(id);
    expect(r.state).toBe('Shipped');
    expect(r.dueAt).not.toBeNull();
    expect((await borrowerAct(id, 'receive')).state).toBe('Received');

    // Renewal asked by A, granted by B: the new due date travels back.
    const due1 = new Date((await borrowerAt(id)).dueAt).getTime();
    expect((await borrowerAct(id, 'renew', { note: 'masih dipakai' })).state).toBe('RenewPending');
    expect((await lenderAct(supId, 'approveRenew')).state).toBe('Loaned');
    r = await borrowerAt(id);
    expect(r.state).toBe('Received');
    expect(r.renewalCount).toBe(1);
    expect(new Date(r.dueAt).getTime()).toBeGreaterThan(due1);

    // B's overdue run, a day after the due date: B marks it and tells A.
    const late = new Date(new Date(r.dueAt).getTime() + 86_400_000);
    const report = await runOverdue(B.ctx.database.db, late);
    expect(report.markedOverdue).toBe(1);
    await exchange();
    expect((await pyk.get(`/api/v1/ill/supplier-requests/${supId}`)).body.state).toBe('Overdue');
    expect((await borrowerAt(id)).state).toBe('Overdue');

    expect((await borrowerAct(id, 'return')).state).toBe('ShippedReturn');
    expect((await lenderAct(supId, 'checkIn')).state).toBe('LoanCompleted');
    expect(await itemStatus(B, copy)).toBe('available');
    r = await borrowerAt(id);
    expect(r.state).toBe('Completed');

    // Both logs tell the same story, every message confirmed and schema-valid.
    const outA = (await messages(A)).filter((m) => m.request_id === id);
    const inB = (await messages(B)).filter((m) => m.supplier_request_id === supId);
    const story = [
      'Request',
      'WillSupply',
      'Loaned',
      'Received',
      'Renew',
      'RenewResponse',
      'Overdue',
      'ShippedReturn',
      'LoanCompleted',
    ];
    const said = (m: { summary: string }) => m.summary;
    expect(outA.map(said)).toEqual([
      'New Loan',
      'RequestResponse WillSupply',
      'StatusChange Loaned',
      'Received',
      'Renew',
      'RenewResponse Loaned',
      'StatusChange Overdue',
      'ShippedReturn',
      'StatusChange LoanCompleted',
    ]);
    expect(story).toHaveLength(outA.length);
    expect(outA.map((m) => [m.direction, m.status])).toEqual(
      outA.map((m) => (m.direction === 'out' ? ['out', 'confirmed'] : ['in', 'accepted'])),
    );
    expect(inB.map(said)).toEqual(outA.map(said));
    expect(inB.map((m) => m.direction)).toEqual(outA.map((m) => (m.direction === 'out' ? 'in' : 'out')));
    for (const m of [...outA, ...inB]) {
      expect(parseMessage(m.xml).ok).toBe(true);
      expect(parseMessage(m.confirmation_xml ?? '').ok).toBe(true);
    }
    const events = r.timeline.map((e: { event: string }) => e.event);
    expect(events).toContain('SupplyingAgencyMessage:StatusChange:Overdue');
    expect(events).toContain('SupplyingAgencyMessage:StatusChange:LoanCompleted');
  });

  it('runs a copy request through to completion', async () => {
    const title = 'Sejarah Minangkabau';
    const { clusterId } = await titleHeldBy(A, title, { 'NODEB-PYK': 1 });
    await titleHeldBy(B, title, { PAYAKUMBUH: 1 });
    const created = await bh.post('/api/v1/ill/requests', {
      patronId: fadli,
      clusterId,
      serviceType: 'Copy',
      copyDelivery: 'paper',
      citation: { title, articleTitle: 'Bab 3: Adat', pages: '45-60' },
      copyrightDeclaration: { accepted: true },
      send: true,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as number;
    await exchange();
    const supId = await incomingAtB(title);
    const sup = (await pyk.get(`/api/v1/ill/supplier-requests/${supId}`)).body;
    expect(sup.serviceType).toBe('Copy');
    await lenderAct(supId, 'willSupply');
    expect((await lenderAct(supId, 'deliverCopy')).state).toBe('CopyCompleted');
    // CopyCompleted closes the borrower's side too: nothing to return.
    const r = await borrowerAt(id);
    expect(r.state).toBe('Completed');
    expect(r.allowedActions).toEqual(['note']);
    const outA = (await messages(A)).filter((m) => m.request_id === id);
    expect(outA.map((m) => m.summary)).toContain('StatusChange CopyCompleted');
    expect(outA.every((m) => m.status === 'confirmed' || m.status === 'accepted')).toBe(true);
  });

  it('cancels a request: A asks, B agrees (its policy approves at once), both sides closed', async () => {
    const title = 'Tambo Alam Minangkabau';
    const { clusterId } = await titleHeldBy(A, title, { 'NODEB-PYK': 1 });
    await titleHeldBy(B, title, { PAYAKUMBUH: 1 });
    const created = await bh.post('/api/v1/ill/requests', {
      patronId: fadli,
      clusterId,
      serviceType: 'Loan',
      send: true,
    });
    const id = created.body.id as number;
    await exchange();
    const supId = await incomingAtB(title);
    await borrowerAct(id, 'cancel', { note: 'tidak jadi' });
    // B's lending policy approves a cancel before shipping by itself, and answers at once.
    const s = (await pyk.get(`/api/v1/ill/supplier-requests/${supId}`)).body;
    expect(s.state).toBe('Cancelled');
    const r = await borrowerAt(id);
    expect(r.state).toBe('Cancelled');
    const summaries = (await messages(A)).filter((m) => m.request_id === id).map((m) => m.summary);
    expect(summaries).toContain('Cancel');
    expect(summaries).toContain('CancelResponse Cancelled');
  });

  it('answers unauthenticated, malformed and schema-invalid posts with the right error and changes nothing', async () => {
    const before = await A.ctx.database.db
      .selectFrom('ill_requests')
      .select(['id', 'state', 'updated_at'])
      .orderBy('id')
      .execute();
    const url = `${(A.app.server.address() as { port: number }).port}`;
    const post = (body: string, auth?: string) =>
      fetch(`http://127.0.0.1:${url}/iso18626`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml', ...(auth ? { authorization: auth } : {}) },
        body,
      });
    const last = (await messages(A)).filter((m) => m.direction === 'in').at(-1);
    const good = last?.xml ?? '';
    const basic = `Basic ${Buffer.from(`node-b:${SECRET_B}`).toString('base64')}`;
    const unauth = await post(good);
    expect(unauth.status).toBe(401);
    expect(await unauth.text()).toContain('<errorType>UnrecognisedDataValue</errorType>');
    const bad = await post('<ISO18626Message', basic);
    expect(await bad.text()).toContain('<errorType>BadlyFormedMessage</errorType>');
    const invalid = await post(good.replace(/<status>[A-Za-z]+<\/status>/, '<status>Borrowed</status>'), basic);
    expect(await invalid.text()).toContain('<errorType>UnrecognisedDataValue</errorType>');
    const after = await A.ctx.database.db
      .selectFrom('ill_requests')
      .select(['id', 'state', 'updated_at'])
      .orderBy('id')
      .execute();
    expect(after).toEqual(before);
  });
});
