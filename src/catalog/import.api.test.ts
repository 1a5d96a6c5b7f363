import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSimpul, type TestSimpul } from '../../test/support.ts';

const shared = (rel: string) => path.resolve(import.meta.dirname, '../../../shared/data', rel);

let s: TestSimpul;
let cookieOf: Record<string, { cookie: string; csrf: string }> = {};

async function login(username: string) {
  const res = await s.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password: 'simpul-demo-2026' },
  });
  const cookie = `simpul_session=${res.cookies.find((c) => c.name === 'simpul_session')?.value}`;
  return { cookie, csrf: (JSON.parse(res.body) as { csrfToken: string }).csrfToken };
}

async function upload(username: string, library: string, file: string, format?: string) {
  const who = cookieOf[username] as { cookie: string; csrf: string };
  const qs = new URLSearchParams({ filename: path.basename(file), ...(format ? { format } : {}) });
  const res = await s.app.inject({
    method: 'POST',
    url: `/api/v1/libraries/${library}/imports?${qs}`,
    headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, 'content-type': 'application/octet-stream' },
    payload: file ? readFileSync(file) : Buffer.alloc(0),
  });
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

/** Uploads, runs the queued import, and returns the finished batch. */
async function importFile(library: string, file: string, format?: string, username = 'pustakawan.bunghatta') {
  const up = await upload(username, library, file, format);
  expect(up.status).toBe(202);
  await s.jobs.drain();
  const agent = await s.as(username);
  return (await agent.get(`/api/v1/imports/${up.body.id}`)).body;
}

beforeAll(async () => {
  s = await startTestSimpul();
  cookieOf = {
    'pustakawan.bunghatta': await login('pustakawan.bunghatta'),
    'pustakawan.uinmy': await login('pustakawan.uinmy'),
    koordinator: await login('koordinator'),
  };
});
afterAll(async () => s?.stop());

describe('importing catalogue files', () => {
  it('imports MARC-8 ISO 2709 records, detected automatically, and finds them at once', async () => {
    const b = await importFile('BUNGHATTA', shared('marc/pymarc/test/marc8.dat'));
    expect(b.status).toBe('done');
    expect(b.format).toBe('iso2709');
    expect(b.counts.read).toBeGreaterThan(0);
    expect(b.counts.added + b.counts.rejected).toBe(b.counts.read);
    expect(b.counts.added).toBeGreaterThan(0);
    const anyTitle = await s.ctx.database.db.selectFrom('clusters').select('title').limit(1).executeTakeFirstOrThrow();
    const word = anyTitle.title.split(/\s+/).find((w) => w.length > 4) ?? anyTitle.title;
    const r = await s.anonymous.get(`/api/v1/catalog/search?q=${encodeURIComponent(word)}`);
    expect(r.body.total).toBeGreaterThan(0);
  });

  it('changes nothing when the same file comes again', async () => {
    const b = await importFile('BUNGHATTA', shared('marc/pymarc/test/marc8.dat'));
    expect(b.counts.added).toBe(0);
    expect(b.counts.updated).toBe(0);
    expect(b.counts.unchanged).toBe(b.counts.read - b.counts.rejected);
  });

  it('sets broken records aside with their byte offset and reason, and keeps the good ones', async () => {
    const b = await importFile('BUNGHATTA', shared('marc/pymarc/test/bad_records.mrc'), 'iso2709');
    expect(b.status).toBe('done');
    expect(b.counts.rejected).toBeGreaterThan(0);
    const agent = await s.as('pustakawan.bunghatta');
    const rej = await agent.get(`/api/v1/imports/${b.id}/rejected`);
    expect(rej.body.items.length).toBe(b.counts.rejected);
    for (const r of rej.body.items) {
      expect(r.position).toMatch(/^byte \d+$/);
      expect(r.reason.length).toBeGreaterThan(3);
      // a known kind of reason, said in Indonesian and English (rejection-reasons.ts)
      expect(r.reasonCode).not.toBe('other');
      expect(r.reasonText.en.length).toBeGreaterThan(3);
      expect(r.reasonText.id).not.toBe(r.reasonText.en);
    }
  });

  it('imports MARCXML and a SLiMS bibliography export', async () => {
    const x = await importFile('UINMY', shared('marc/pymarc/test/batch.xml'), undefined, 'pustakawan.uinmy');
    expect(x.format).toBe('marcxml');
    expect(x.counts.added).toBeGreaterThan(0);
    const c = await importFile('SAWAHLUNTO', shared('indonesian/slims-scanner/biblio.csv'), 'slims_csv', 'koordinator');
    expect(c.status).toBe('done');
    expect(c.counts.added).toBeGreaterThan(20);
  });

  it('fails a file in no known format with a clear reason', async () => {
    const b = await importFile('BUNGHATTA', path.resolve(import.meta.dirname, '../../package-lock.json'));
    expect(b.status).toBe('failed');
    expect(b.error).toBeTruthy();
  });

  it('refuses an empty upload and an upload for another library', async () => {
    const empty = await upload('pustakawan.bunghatta', 'BUNGHATTA', '');
    expect(empty.status).toBe(400);
    const other = await upload('pustakawan.uinmy', 'BUNGHATTA', shared('marc/pymarc/test/marc8.dat'));
    expect(other.status).toBe(403);
    const batches = await (await s.as('pustakawan.uinmy')).get('/api/v1/libraries/BUNGHATTA/imports');
    expect(batches.status).toBe(403);
  });
});
