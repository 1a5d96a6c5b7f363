import type { TestSimpul } from './support.ts';

/** Helpers the programs tests share: raw logins for multipart uploads, and catalog rows made by hand. */

export async function rawLogin(s: TestSimpul, username: string): Promise<{ cookie: string; csrf: string }> {
  const res = await s.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password: 'simpul-demo-2026' },
  });
  const set = res.cookies.find((c) => c.name === 'simpul_session');
  if (!set) throw new Error(`login ${username} failed`);
  return { cookie: `simpul_session=${set.value}`, csrf: (JSON.parse(res.body) as { csrfToken: string }).csrfToken };
}

export async function upload(
  s: TestSimpul,
  who: { cookie: string; csrf: string } | null,
  url: string,
  file: { name: string; type: string; bytes: Buffer },
) {
  const boundary = `----simpul${Math.random().toString(16).slice(2)}`;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`,
    ),
    file.bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await s.app.inject({
    method: 'POST',
    url,
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      ...(who ? { cookie: who.cookie, 'x-csrf-token': who.csrf } : {}),
    },
    payload,
  });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null };
}

export async function libraryId(s: TestSimpul, code: string): Promise<number> {
  const row = await s.ctx.database.db
    .selectFrom('libraries')
    .select('id')
    .where('code', '=', code)
    .executeTakeFirstOrThrow();
  return row.id;
}

let serial = 0;

/** A cluster (one title) with copies at a library; the catalog ingest is not needed for these tests. */
export async function makeTitle(
  s: TestSimpul,
  libraryCode: string,
  t: { title: string; subjects?: string[]; ddc?: string; copies?: number; status?: string; loanable?: boolean },
): Promise<number[]> {
  const db = s.ctx.database.db;
  const lib = await libraryId(s, libraryCode);
  const bib = {
    title: t.title,
    authors: ['Penulis, Contoh'],
    isbns: [],
    issns: [],
    format: 'book',
    subjects: t.subjects ?? [],
    ...(t.ddc ? { ddc: t.ddc } : {}),
    items: [],
  };
  const cluster = await db
    .insertInto('clusters')
    .values({ title: t.title, display: JSON.stringify(bib), search_doc: '' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const ids: number[] = [];
  for (let i = 0; i < (t.copies ?? 1); i++) {
    serial++;
    const item = await db
      .insertInto('items')
      .values({
        library_id: lib,
        cluster_id: cluster.id,
        barcode: `${libraryCode}-T${String(serial).padStart(5, '0')}`,
        call_number: t.ddc ?? null,
        location: 'Koleksi anak',
        status: (t.status ?? 'available') as 'available',
        loanable: t.loanable ?? true,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.push(item.id);
  }
  return ids;
}
