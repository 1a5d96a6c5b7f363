import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'simpul-cli-'));

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/simpul.js'), ...args], {
      cwd: root,
      env: { ...process.env, SIMPUL_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env },
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('close', (code) => resolve({ code, out }));
  });
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('simpul command line', () => {
  it('migrates, seeds the demo network once, and adds a staff account that can be found again', async () => {
    const migrated = await run(['migrate']);
    expect(migrated.code).toBe(0);
    const seeded = await run(['seed-demo']);
    expect(seeded.code).toBe(0);
    expect(seeded.out).toMatch(/demo network loaded|already has a network/);
    const again = await run(['seed-demo']);
    expect(again.out).toContain('already has a network');
    const username = `cli.${randomBytes(3).toString('hex')}`;
    const added = await run(
      [
        'user',
        'add',
        '--library',
        'SAWAHLUNTO',
        '--username',
        username,
        '--name',
        'Petugas Baru',
        '--role',
        'librarian',
      ],
      { SIMPUL_NEW_PASSWORD: 'kata-sandi-panjang' },
    );
    expect(added.out).toContain(`created ${username} (librarian) at SAWAHLUNTO`);
    expect(added.code).toBe(0);
    const dup = await run([
      'user',
      'add',
      '--library',
      'SAWAHLUNTO',
      '--username',
      username,
      '--name',
      'X',
      '--password',
      'kata-sandi-panjang',
    ]);
    expect(dup.code).toBe(1);
    expect(dup.out).toContain('already exists');
    const badRole = await run([
      'user',
      'add',
      '--library',
      'SAWAHLUNTO',
      '--username',
      'x.y',
      '--name',
      'X',
      '--role',
      'king',
    ]);
    expect(badRole.code).not.toBe(0);
  }, 120_000);
});
