import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patronId, signIn, supplierIdOf, titleHeldBy } from '../../test/ill-support.ts';
import { rawLogin, upload } from '../../test/programs-support.ts';
import { type Agent, startTestSimpul, type TestSimpul } from '../../test/support.ts';

let s: TestSimpul;
let bh: Agent;
let swl: Agent;
let pyk: Agent;
let fadli: number;

beforeAll(async () => {
  s = await startTestSimpul();
  ({ bh, swl, pyk } = await signIn(s, 'bh', 'swl', 'pyk'));
  fadli = await patronId(s, 'BH-2024-0001');
});
afterAll(async () => s?.stop());

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');

describe('copies', () => {
  it('need the copyright declaration before sending, and are delivered as a file only the two parties see', async () => {
    const { clusterId } = await titleHeldBy(s, 'Jurnal Kebudayaan Minangkabau', { SAWAHLUNTO: 1 });
    const c = await bh.post('/api/v1/ill/requests', {
      patronId: fadli,
      clusterId,
      serviceType: 'Copy',
      citation: { articleTitle: 'Rumah Gadang dan adat', pages: '12-20' },
    });
    expect(c.status).toBe(201);
    expect(c.body.allowedActions).toContain('declareCopyright');
    expect(c.body.allowedActions).not.toContain('send');
    const early = await bh.post(`/api/v1/ill/requests/${c.body.id}/actions/send`, {});
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('copyright_missing');
    const decl = await bh.post(`/api/v1/ill/requests/${c.body.id}/actions/declareCopyright`, {});
    expect(decl.body.copyright.declaredBy).toContain('Nurul Aini');
    expect(decl.body.copyright.statement).toContain('UU No. 28 Tahun 2014');
    const sent = await bh.post(`/api/v1/ill/requests/${c.body.id}/actions/send`, {});
    expect(sent.body.state).toBe('SentToSupplier');
    const supId = await supplierIdOf(bh, c.body.id);
    const sup = await swl.get(`/api/v1/ill/supplier-requests/${supId}`);
    expect(sup.body.serviceType).toBe('Copy');
    expect(sup.body.copyrightCompliance).toBe('ID-UUHC-28-2014');
    expect(sup.body.citation.pages).toBe('12-20');
    expect(sup.body.copyDelivery).toBe('file');

    // a copy is not shipped as a loan, and not delivered without its file
    expect((await swl.post(`/api/v1/ill/supplier-requests/${supId}/actions/ship`, {})).body.error.code).toBe(
      'copy_not_loan',
    );
    const noFile = await swl.post(`/api/v1/ill/supplier-requests/${supId}/actions/deliverCopy`, {});
    expect(noFile.status).toBe(409);
    expect(noFile.body.error.code).toBe('copy_file_first');

    const lender = await rawLogin(s, 'pustakawan.sawahlunto');
    const url = `/api/v1/ill/supplier-requests/${supId}/copy-files`;
    const bad = await upload(s, lender, url, { name: 'x.exe', type: 'application/pdf', bytes: Buffer.from('MZ....') });
    expect(bad.status).toBe(400);
    const other = await upload(s, await rawLogin(s, 'pustakawan.payakumbuh'), url, {
      name: 'a.pdf',
      type: 'application/pdf',
      bytes: PDF,
    });
    expect(other.status).toBe(404);
    const up = await upload(s, lender, url, {
      name: '../../salinan hal 12-20.pdf',
      type: 'application/pdf',
      bytes: PDF,
    });
    expect(up.status).toBe(201);
    const file = up.body.copyFiles[0];
    expect(file.filename).toBe('salinan hal 12-20.pdf');
    expect(file.contentType).toBe('application/pdf');
    // the borrower does not see the file before the copy is delivered
    expect((await bh.get(`/api/v1/ill/requests/${c.body.id}/copy-files/${file.id}`)).status).toBe(404);

    const done = await swl.post(`/api/v1/ill/supplier-requests/${supId}/actions/deliverCopy`, {});
    expect(done.body.state).toBe('CopyCompleted');
    const r = await bh.get(`/api/v1/ill/requests/${c.body.id}`);
    expect(r.body.state).toBe('Completed');
    expect(r.body.copyFiles).toHaveLength(1);
    const dl = await bh.get(`/api/v1/ill/requests/${c.body.id}/copy-files/${file.id}`);
    expect(dl.status).toBe(200);
    expect(dl.headers['content-type']).toBe('application/pdf');
    expect(dl.headers['x-content-type-options']).toBe('nosniff');
    expect((await pyk.get(`/api/v1/ill/requests/${c.body.id}/copy-files/${file.id}`)).status).toBe(404);
    expect((await swl.get(`/api/v1/ill/supplier-requests/${supId}/copy-files/${file.id}`)).status).toBe(200);
    // no more files after delivery; no renewal of a copy
    const late = await upload(s, lender, url, { name: 'b.pdf', type: 'application/pdf', bytes: PDF });
    expect(late.status).toBe(409);
    expect((await bh.post(`/api/v1/ill/requests/${c.body.id}/actions/renew`, {})).status).toBe(409);
  });

  it('are delivered on paper without a file', async () => {
    const { clusterId } = await titleHeldBy(s, 'Majalah Panji Masyarakat 1960', { PAYAKUMBUH: 1 });
    const c = await bh.post('/api/v1/ill/requests', {
      patronId: fadli,
      clusterId,
      serviceType: 'Copy',
      copyDelivery: 'paper',
      citation: { pages: '3-5' },
      copyrightDeclaration: { accepted: true },
      send: true,
    });
    expect(c.status).toBe(201);
    const supId = await supplierIdOf(bh, c.body.id);
    const d = await pyk.post(`/api/v1/ill/supplier-requests/${supId}/actions/deliverCopy`, { note: 'dikirim pos' });
    expect(d.body.state).toBe('CopyCompleted');
    expect((await bh.get(`/api/v1/ill/requests/${c.body.id}`)).body.state).toBe('Completed');
    const loanWithPages = await bh.post('/api/v1/ill/requests', {
      patronId: fadli,
      clusterId,
      serviceType: 'Loan',
      citation: { pages: '3-5' },
    });
    expect(loanWithPages.status).toBe(400);
  });
});

describe('the patron', () => {
  it('asks from a catalog record page, sees her requests and cancels one; staff routes stay closed to her', async () => {
    const { clusterId } = await titleHeldBy(s, 'Merantau ke Deli', { SAWAHLUNTO: 1 });
    const me = await s.asPatron('BUNGHATTA', 'BH-2024-0001');
    const a = await me.post('/api/v1/ill/my-requests', { clusterId, serviceType: 'Loan', note: 'untuk tugas' });
    expect(a.status).toBe(201);
    expect(a.body.state).toBe('Validated');
    expect(a.body.canCancel).toBe(true);
    const list = await me.get('/api/v1/ill/my-requests');
    expect(list.body.items.map((x: { id: number }) => x.id)).toContain(a.body.id);
    // staff see it in their outgoing queue and send it
    const q = await bh.get('/api/v1/ill/outgoing?status=Validated');
    expect(q.body.items.map((x: { id: number }) => x.id)).toContain(a.body.id);
    expect((await me.get(`/api/v1/ill/requests/${a.body.id}`)).status).toBe(401);
    const x = await me.post(`/api/v1/ill/my-requests/${a.body.id}/cancel`, {});
    expect(x.body.state).toBe('Cancelled');
    const other = await s.asPatron('UPERTIS', 'UPI-2201001');
    expect((await other.post(`/api/v1/ill/my-requests/${a.body.id}/cancel`, {})).status).toBe(404);
  });
});

describe('figures', () => {
  it('count requests made and received, fill rate, turnaround, balance and losses per library and pair', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const coord = await s.as('koordinator');
    const f = await coord.get(`/api/v1/ill/figures?from=${today}&to=${today}`);
    expect(f.status).toBe(200);
    const bhRow = f.body.libraries.find((l: { library: { code: string } }) => l.library.code === 'BUNGHATTA');
    expect(bhRow.requestsMade).toBeGreaterThanOrEqual(3);
    expect(bhRow.balance).toBe('net_borrower');
    const swlRow = f.body.libraries.find((l: { library: { code: string } }) => l.library.code === 'SAWAHLUNTO');
    expect(swlRow.requestsReceived).toBeGreaterThanOrEqual(1);
    expect(swlRow.lenderFillRate).toBeGreaterThan(0);
    expect(swlRow.medianRequestToShippedDays).not.toBeNull();
    const pair = f.body.pairs.find(
      (p: { borrower: { code: string }; lender: { code: string } }) =>
        p.borrower.code === 'BUNGHATTA' && p.lender.code === 'SAWAHLUNTO',
    );
    expect(pair.requests).toBeGreaterThanOrEqual(1);
    // a librarian sees only her own library's row
    const own = await pyk.get(`/api/v1/ill/figures?from=${today}&to=${today}`);
    expect(own.body.libraries.map((l: { library: { code: string } }) => l.library.code)).toEqual(['PAYAKUMBUH']);
    expect((await pyk.get(`/api/v1/ill/figures?from=${today}&to=2000-01-01`)).status).toBe(400);
  });
});
