import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Config {
  /** PostgreSQL server URL; when absent Simpul runs on embedded PGlite in dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  host: string;
  /** 32-byte key protecting personal data (NIK, addresses) at rest. */
  secretKey: Buffer;
  /** Secure cookies only when served over HTTPS. */
  secureCookies: boolean;
  sessionHours: number;
  loginRateLimit: { max: number; windowMs: number };
  webDist: string;
  /** smtp://user:pass@host:port (or smtps://); notifications are e-mailed only when set. */
  smtpUrl: string | undefined;
  /** The From address of notification e-mails. */
  mailFrom: string;
  /** The address users reach Simpul at, for links in e-mails (e.g. https://simpul.example.id). */
  publicUrl: string | undefined;
}

const rootDir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

export function projectRoot(): string {
  return rootDir;
}

/**
 * The key comes from SIMPUL_SECRET_KEY (64 hex chars) in production. For a
 * developer's embedded database we create one beside the data on first start,
 * so demo data survives restarts without anyone handling secrets.
 */
function loadSecretKey(dataDir: string, env: NodeJS.ProcessEnv): Buffer {
  const fromEnv = env.SIMPUL_SECRET_KEY;
  if (fromEnv) {
    const key = Buffer.from(fromEnv, 'hex');
    if (key.length !== 32) throw new Error('SIMPUL_SECRET_KEY must be 64 hexadecimal characters (32 bytes)');
    return key;
  }
  const file = path.join(dataDir, 'secret.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex'), { mode: 0o600 });
  return key;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const dataDir = path.resolve(overrides.dataDir ?? env.SIMPUL_DATA_DIR ?? path.join(rootDir, 'data'));
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '127.0.0.1',
    secretKey: overrides.secretKey ?? loadSecretKey(dataDir, env),
    secureCookies: env.SIMPUL_SECURE_COOKIES === '1',
    sessionHours: Number(env.SIMPUL_SESSION_HOURS ?? 12),
    loginRateLimit: { max: Number(env.SIMPUL_LOGIN_MAX ?? 10), windowMs: 60_000 },
    webDist: path.join(rootDir, 'web', 'dist'),
    smtpUrl: env.SIMPUL_SMTP_URL || undefined,
    mailFrom: env.SIMPUL_MAIL_FROM || 'Simpul <simpul@localhost>',
    publicUrl: env.SIMPUL_PUBLIC_URL?.replace(/\/+$/, '') || undefined,
    ...overrides,
  };
}
